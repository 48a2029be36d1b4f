"""Recorded HTTP exchanges as a WARC file (ISO 28500), the web archives' own format.

A WARC is what an officer can hand on: any archive tool (warcio, pywb,
ReplayWeb.page) replays it, and its records carry their own digests. We write
WARC/1.1, gzipped record by record (``.warc.gz``): a ``warcinfo`` record saying
who captured what and why, then for each exchange a ``request`` and a
``response`` record holding the bytes exactly as they crossed the wire, with
``WARC-Target-URI``, ``WARC-Date`` (when the request was sent, to the
microsecond), ``WARC-IP-Address``, ``WARC-Payload-Digest`` and
``WARC-Block-Digest``, and ``WARC-Truncated`` when a body was cut.
"""

from __future__ import annotations

from io import BytesIO

from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.recording import Exchange

WARC_VERSION = "1.1"


def warc_bytes(exchanges: list[Exchange], *, filename: str, info: dict[str, str]) -> bytes:
    """A whole ``.warc.gz`` file: the ``warcinfo`` record, then each exchange's request and response."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record(filename, info))
    for exchange in exchanges:
        date = datetime_to_iso_date(exchange.started_at.replace(tzinfo=None), use_micros=True)
        request = writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(exchange.request), length=len(exchange.request),
            warc_headers_dict={"WARC-Date": date},
        )  # fmt: skip
        response_headers = {"WARC-Date": date}
        if exchange.remote_ip:
            response_headers["WARC-IP-Address"] = exchange.remote_ip
        if exchange.truncated:
            response_headers["WARC-Truncated"] = exchange.truncated
        response = writer.create_warc_record(
            exchange.url, "response", payload=BytesIO(exchange.response), length=len(exchange.response),
            warc_headers_dict=response_headers,
        )  # fmt: skip
        # warcio would write the headers it parsed back out, normalised; evidence keeps the bytes received.
        if response.http_headers is not None:
            response.http_headers.headers_buff = exchange.response[: exchange.header_bytes]
        if request.http_headers is not None:
            request.http_headers.headers_buff = exchange.request
        writer.write_request_response_pair(request, response)
    return out.getvalue()
