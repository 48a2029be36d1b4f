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

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from crawler.recording import Exchange

WARC_VERSION = "1.1"


def _wire_headers(raw: bytes) -> StatusAndHeaders:
    """The parsed status line and headers, written back as the ``raw`` bytes they were parsed from.

    warcio writes the headers it parsed, normalised (a non-ASCII value comes out
    percent-encoded); evidence keeps the bytes that crossed the wire.
    """
    parsed = StatusAndHeadersParser([], verify=False).parse(BytesIO(raw))
    parsed.headers_buff = raw
    parsed.compute_headers_buffer = lambda header_filter=None: None  # type: ignore[method-assign]
    return parsed


def warc_bytes(exchanges: list[Exchange], *, filename: str, info: dict[str, str]) -> bytes:
    """A whole ``.warc.gz`` file: the ``warcinfo`` record, then each exchange's request and response."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(writer.create_warcinfo_record(filename, info))
    for exchange in exchanges:
        date = datetime_to_iso_date(exchange.started_at.replace(tzinfo=None), use_micros=True)
        request = writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(b""), length=0, warc_headers_dict={"WARC-Date": date},
            http_headers=_wire_headers(exchange.request),
        )  # fmt: skip
        response_headers = {"WARC-Date": date}
        if exchange.remote_ip:
            response_headers["WARC-IP-Address"] = exchange.remote_ip
        if exchange.truncated:
            response_headers["WARC-Truncated"] = exchange.truncated
        body = exchange.response[exchange.header_bytes :]
        response = writer.create_warc_record(
            exchange.url, "response", payload=BytesIO(body), length=len(body), warc_headers_dict=response_headers,
            http_headers=_wire_headers(exchange.response[: exchange.header_bytes]),
        )  # fmt: skip
        writer.write_request_response_pair(request, response)
    return out.getvalue()
