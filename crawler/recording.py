"""A recording HTTP fetch: the exact bytes of a request and its response, for WARC evidence.

Evidence has to show what the marketplace sent, byte for byte, so this is not a
general HTTP client: one GET per connection (``Connection: close``), no cookies,
no cache, and the raw request and response are kept exactly as they crossed the
wire (status line, headers, and the body in its transfer and content encodings)
next to the body decoded for a browser. :mod:`warcio`'s own ``capture_http``
is not used: importing it swaps ``http.client.HTTPConnection`` for the whole
process, and it records buffers past the end of partial reads.

Every wait is bounded by one ``deadline`` (``time.monotonic()``), and bodies by
a byte limit: a slow or endless answer is cut and marked truncated, as WARC's
``WARC-Truncated`` header says, rather than holding the caller.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

#: What we accept: the encodings we can decode for the browser ourselves.
ACCEPT_ENCODING = "gzip, deflate"
#: A listing page is HTML; sub-resources ask for what the browser asked for.
ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
#: Largest body kept for one response; past it the record is truncated ("length").
MAX_BODY_BYTES = 20 * 1024 * 1024
#: Redirects followed from a listing's URL to its page.
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_READ_SIZE = 64 * 1024


class FetchError(Exception):
    """No usable HTTP answer; ``exchanges`` holds whatever responses came before the failure."""

    def __init__(self, message: str, exchanges: list[Exchange] | None = None) -> None:
        super().__init__(message)
        self.exchanges = exchanges or []


@dataclass
class Exchange:
    """One request and its response, raw as on the wire, and decoded for a browser."""

    url: str
    started_at: datetime
    request: bytes  # request line and headers, as sent
    response: bytes  # status line, headers and body, as received
    header_bytes: int  # how much of ``response`` is the status line and headers
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes  # the entity, without transfer or content encoding
    remote_ip: str | None = None
    truncated: str | None = None  # WARC-Truncated: "length" or "time"
    notes: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """The first value of a response header (names compared without case)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def redirect_to(self) -> str | None:
        """The absolute address a redirect points to, or None."""
        location = self.header("Location")
        return urljoin(self.url, location) if self.status in REDIRECTS and location else None


def is_public(ip: str) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local, reserved)."""
    try:
        return ipaddress.ip_address(ip.split("%")[0]).is_global
    except ValueError:
        return False


class _Tee:
    """The response's file, copying every byte http.client consumes into ``sink``."""

    def __init__(self, fp: Any, sink: bytearray) -> None:
        self.fp = fp
        self.sink = sink

    def readline(self, limit: int = -1) -> bytes:
        data: bytes = self.fp.readline(limit)
        self.sink += data
        return data

    def read(self, amt: int | None = None) -> bytes:
        data: bytes = self.fp.read() if amt is None else self.fp.read(amt)
        self.sink += data
        return data

    def read1(self, amt: int = -1) -> bytes:
        data: bytes = self.fp.read1(amt)
        self.sink += data
        return data

    def readinto(self, buffer: Any) -> int:
        count: int = self.fp.readinto(buffer)
        self.sink += memoryview(buffer)[:count]
        return count

    def peek(self, amt: int = 0) -> bytes:
        return self.fp.peek(amt)  # type: ignore[no-any-return]

    def flush(self) -> None:
        self.fp.flush()

    def close(self) -> None:
        self.fp.close()


class _RecordingResponse(http.client.HTTPResponse):
    def __init__(self, sink: bytearray, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = _Tee(self.fp, sink)  # type: ignore[assignment]


class _Recorder:
    """What one connection sent and received, and the address it reached."""

    def __init__(self) -> None:
        self.sent = bytearray()
        self.received = bytearray()
        self.peer: str | None = None
        self.sock: socket.socket | None = None


def _connection(url: str, timeout: float, allow_private: bool, recorder: _Recorder) -> http.client.HTTPConnection:
    """A connection to ``url``'s host that records what is sent and received."""
    parts = urlsplit(url)
    host = (parts.hostname or "").encode("idna").decode("ascii")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(host, parts.port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, parts.port, timeout=timeout)

    def create_connection(address: tuple[str, int], *args: Any, **kw: Any) -> socket.socket:
        sock = socket.create_connection(address, *args, **kw)
        recorder.peer = str(sock.getpeername()[0])
        if not allow_private and not is_public(recorder.peer):
            sock.close()
            raise FetchError(f"{host} is a local or private address ({recorder.peer}): not fetched unless allowed")
        return sock

    original_send = conn.send

    def send(data: Any) -> None:
        recorder.sent.extend(data)
        original_send(data)

    conn._create_connection = create_connection  # type: ignore[attr-defined]
    conn.send = send  # type: ignore[method-assign]
    conn.response_class = functools.partial(_RecordingResponse, recorder.received)  # type: ignore[assignment]
    return conn


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def fetch(url: str, *, user_agent: str, deadline: float, accept: str = ACCEPT_HTML,
          max_bytes: int = MAX_BODY_BYTES, allow_private: bool = False) -> Exchange:
    """GET ``url`` once and record it; :class:`FetchError` when no HTTP answer came.

    A body that is still arriving at ``deadline``, breaks off, or is longer than
    ``max_bytes`` is kept as far as it came and marked truncated: the response
    was received, and is evidence as far as it goes. Unless ``allow_private``,
    a host that resolves to a loopback, private or link-local address is not
    fetched: addresses come from scraped pages, and must not reach the
    machines next to ours.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url!r} is not a web address")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    recorder = _Recorder()
    started = datetime.now(timezone.utc)
    conn = None
    try:
        conn = _connection(url, _remaining(deadline), allow_private, recorder)
        headers = {"User-Agent": user_agent, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING,
                   "Connection": "close"}  # fmt: skip
        conn.request("GET", target, headers=headers)
        sock = conn.sock  # getresponse() hands the socket to the response and forgets it
        sock.settimeout(_remaining(deadline))
        response = conn.getresponse()
    except Exception as exc:
        if conn is not None:
            conn.close()
        raise _fetch_error(exc, url) from None
    header_bytes = len(recorder.received)
    chunks: list[bytes] = []
    size, truncated, notes = 0, None, []
    try:
        while not response.isclosed():  # http.client closes the response after its last byte
            sock.settimeout(_remaining(deadline))
            chunk = response.read(_READ_SIZE)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                truncated = "length"
                break
    except (TimeoutError, socket.timeout):
        truncated = "time"
    except (OSError, http.client.HTTPException) as exc:
        truncated = "disconnect"
        notes.append(f"connection broke during the body: {_describe(exc)}")
    finally:
        response.close()
        conn.close()
    if truncated is None and response.length:  # http.client counts down Content-Length and says nothing at EOF
        truncated = "disconnect"
        notes.append(f"the connection closed {response.length} bytes before the end the server announced")
    body, decode_note = decode_body(b"".join(chunks), response.getheader("Content-Encoding"))
    return Exchange(
        url=url, started_at=started, request=bytes(recorder.sent), response=bytes(recorder.received),
        header_bytes=header_bytes, status=response.status, reason=response.reason,
        headers=list(response.getheaders()), body=body, remote_ip=recorder.peer, truncated=truncated,
        notes=notes + ([decode_note] if decode_note else []),
    )  # fmt: skip


def fetch_following(url: str, *, user_agent: str, deadline: float, max_redirects: int = MAX_REDIRECTS,
                    allow_private: bool = False) -> list[Exchange]:
    """Fetch ``url`` and the redirects it leads to; every hop is recorded, the last is the page."""
    exchanges: list[Exchange] = []
    while True:
        try:
            exchange = fetch(url, user_agent=user_agent, deadline=deadline, allow_private=allow_private)
        except FetchError as exc:
            raise FetchError(str(exc), exchanges) from None
        exchanges.append(exchange)
        target = exchange.redirect_to
        if target is None:
            return exchanges
        if len(exchanges) > max_redirects:
            raise FetchError(f"more than {max_redirects} redirects from {exchanges[0].url}", exchanges)
        url = target.split("#")[0]


def decode_body(data: bytes, content_encoding: str | None) -> tuple[bytes, str | None]:
    """The body without its content encoding (gzip, deflate), and a note when it could not be undone."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return data, None
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return data, f"content encoding {encoding!r} left as received"
    try:
        if encoding == "deflate":
            try:
                return zlib.decompress(data), None
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS), None  # raw deflate, as some servers send
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data), None
    except zlib.error as exc:
        return data, f"{encoding} body could not be decoded: {exc}"


def _fetch_error(exc: Exception, url: str) -> FetchError:
    """What went wrong before an HTTP answer came, in an officer's words."""
    where = urlsplit(url).netloc
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return FetchError(f"no answer from {where} in time")
    if isinstance(exc, http.client.BadStatusLine):
        return FetchError(f"{where} answered something not HTTP")
    if isinstance(exc, ssl.SSLError):
        return FetchError(f"secure connection to {where} failed: {exc.reason or exc}")
    return FetchError(f"cannot fetch {url}: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
