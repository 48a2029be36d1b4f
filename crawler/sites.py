"""Stable names for the sites phytowatch crawls."""

from __future__ import annotations

from urllib.parse import urlsplit


def site_key(url: str) -> str:
    """A stable key for the shop or marketplace a URL belongs to.

    The scheme, port, ``www.`` and query are dropped, so that the same shop gets
    the same key whether it is reached over http or https, and a shop mounted
    below a path (``http://127.0.0.1:8123/shops/greenthumb``) keeps that path:
    the demo marketplace serves several shops on one loopback port that changes
    from run to run.

    >>> site_key("https://www.Allbirds.com/products.json?page=2")
    'allbirds.com'
    >>> site_key("http://127.0.0.1:8123/shops/greenthumb/")
    '127.0.0.1/shops/greenthumb'
    """
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/")
    if host in {"127.0.0.1", "localhost", "::1"} and path.startswith("/shops/"):
        return host + "/".join(path.split("/")[:3])
    return host
