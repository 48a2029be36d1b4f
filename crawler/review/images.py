"""Listing images through the app: fetched once by the server, checked, cached on disk, served from our origin.

Why not let the officer's browser load the marketplace's image? An independent
shop serves its images itself, so every officer who opens a listing would tell the
trader (by IP address) that the plant-health service is looking; and the page's
CSP would have to allow images from anywhere. Here the server fetches the image
once, as the crawler does (same honest User-Agent), and the page's ``img-src`` stays
``'self'``. The cache also keeps the picture after the listing vanishes.

The address comes only from the stored listing (an index into its ``image_urls``),
never from the request, so this is not an open proxy. Scraped addresses are hostile:
only http(s), at most three redirects, each hop re-checked; the connection is refused
unless the address actually connected to is a public one (checked on the socket, so
DNS rebinding does not get around it); at most 5 MB; and only bytes that are really a
JPEG, PNG, GIF or WebP image are served (SVG, which can carry script, is refused).
Proxies from the environment are not used.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import secrets
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
TIMEOUT = 10.0
#: A failed fetch is not retried for this long (a vanished image is not fetched on every page view).
RETRY_AFTER = 3600


class ImageError(Exception):
    """The image cannot be fetched or is not an image; the message says why (for the log)."""


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _check_peer(sock: socket.socket, allow_private: bool) -> None:
    address = ipaddress.ip_address(sock.getpeername()[0])
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if not allow_private and not address.is_global:
        raise ImageError(f"refused to fetch an image from the non-public address {address}")


class _GuardedHTTP(http.client.HTTPConnection):
    allow_private = False

    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock, self.allow_private)


class _GuardedHTTPS(http.client.HTTPSConnection):
    allow_private = False
    tls = ssl.create_default_context()

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)  # plain TCP first: check where it went before any TLS
        _check_peer(self.sock, self.allow_private)
        self.sock = self.tls.wrap_socket(self.sock, server_hostname=self.host)


class ImageCache:
    """Images by URL in a folder: ``<sha256 of the URL>`` holds the bytes, ``.failed`` marks a recent failure."""

    def __init__(self, folder: Path, user_agent: str, *, allow_private: bool = False) -> None:
        self.folder = folder
        self.user_agent = user_agent
        self.allow_private = allow_private

    def get(self, url: str) -> tuple[bytes, str]:
        """The image's bytes and type, from the cache or fetched now; :class:`ImageError` if there is none."""
        key = hashlib.sha256(url.encode()).hexdigest()
        path, failed = self.folder / key, self.folder / f"{key}.failed"
        if path.is_file():
            data = path.read_bytes()
            kind = sniff(data)
            if kind:
                return data, kind
        if failed.is_file() and time.time() - failed.stat().st_mtime < RETRY_AFTER:
            raise ImageError(failed.read_text(encoding="utf-8", errors="replace"))
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            data = self.fetch(url)
        except ImageError as exc:
            failed.write_text(str(exc), encoding="utf-8")
            raise
        partial = path.with_name(f"{key}.{secrets.token_hex(4)}.partial")  # two requests may fetch at once
        partial.write_bytes(data)
        partial.replace(path)
        failed.unlink(missing_ok=True)
        kind = sniff(data)
        assert kind is not None  # fetch() checked
        return data, kind

    def fetch(self, url: str) -> bytes:
        for _ in range(MAX_REDIRECTS + 1):
            status, location, body = self._get_once(url)
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            if status != 200:
                raise ImageError(f"{url}: HTTP {status}")
            if sniff(body) is None:
                raise ImageError(f"{url}: not a JPEG, PNG, GIF or WebP image")
            return body
        raise ImageError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _get_once(self, url: str) -> tuple[int, str | None, bytes]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImageError(f"{url!r} is not an http(s) address")
        guarded: type[http.client.HTTPConnection] = _GuardedHTTPS if parts.scheme == "https" else _GuardedHTTP
        conn = guarded(parts.hostname, parts.port, timeout=TIMEOUT)
        conn.allow_private = self.allow_private  # type: ignore[attr-defined]
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("GET", target, headers={"User-Agent": self.user_agent, "Accept": "image/*"})
            response = conn.getresponse()
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise ImageError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
            return response.status, response.getheader("Location"), body
        except (OSError, http.client.HTTPException) as exc:
            raise ImageError(f"{url}: {exc}") from None
        finally:
            conn.close()
