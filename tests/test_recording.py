"""The recording fetch on answers a tidy server never gives: raw bytes from a socket on 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.recording import Exchange, FetchError, decode_body, fetch
from crawler.warc import warc_bytes


@contextmanager
def raw_server(answer: bytes) -> Iterator[str]:
    """A server that reads one request and sends ``answer`` as it is, then closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(answer)
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/item/7"
    finally:
        listener.close()
        thread.join(5)


def record_of(answer: bytes) -> tuple[Exchange, bytes, bytes]:
    """The exchange of fetching ``answer``, its WARC file (un-gzipped) and the response as warcio reads it."""
    with raw_server(answer) as url:
        exchange = fetch(url, user_agent="phytowatch/test", deadline=time.monotonic() + 5, allow_private=True)
    assert exchange.response == answer  # every byte, as received
    warc = warc_bytes([exchange], filename="t.warc.gz", info={})
    for record in ArchiveIterator(BytesIO(warc), check_digests="raise"):
        if record.rec_type == "response":
            readable = record.content_stream().read()
            assert record.digest_checker.passed, record.digest_checker.problems
            return exchange, gzip.decompress(warc), readable
    raise AssertionError("no response record")


def test_chunked_answers_are_kept_with_their_framing_and_read_without_it() -> None:
    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\n"
              b"Set-Cookie: b=2\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")  # fmt: skip
    exchange, warc, readable = record_of(answer)
    assert answer in warc and readable == b"hello world"
    assert exchange.body == b"hello world" and exchange.truncated is None
    assert [v for k, v in exchange.headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_header_bytes_outside_ascii_are_stored_as_sent() -> None:
    answer = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Shop: caf\xe9\r\n\r\nbody until the connection closes"
    _, warc, readable = record_of(answer)
    assert answer in warc and readable == b"body until the connection closes"


def test_a_body_shorter_than_announced_is_marked_cut() -> None:
    exchange, warc, _ = record_of(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    assert exchange.truncated == "disconnect" and b"WARC-Truncated: disconnect\r\n" in warc
    assert exchange.notes == ["the connection closed 91 bytes before the end the server announced"]


def test_a_body_that_is_not_the_gzip_it_claims_is_kept_and_said() -> None:
    exchange, _, _ = record_of(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope")
    assert exchange.body == b"nope" and exchange.notes[0].startswith("gzip body could not be decoded")


def test_an_answer_that_is_not_http_is_a_fetch_error() -> None:
    with raw_server(b"SSH-2.0-OpenSSH_9.2\r\n") as url, pytest.raises(FetchError, match="answered something not HTTP"):
        fetch(url, user_agent="phytowatch/test", deadline=time.monotonic() + 5, allow_private=True)


def test_deflate_with_and_without_its_zlib_wrapper() -> None:
    import zlib

    text = b"Tulipa sprengeri " * 20
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_body(zlib.compress(text), "deflate") == (text, None)
    assert decode_body(raw.compress(text) + raw.flush(), "deflate") == (text, None)
    assert decode_body(text, "br") == (text, "content encoding 'br' left as received")
