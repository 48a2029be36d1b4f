"""Listing images through the app's cache: fetched once, checked, never from a private address unless allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.review import images as images_module
from crawler.review.images import ImageCache, ImageError, sniff
from crawler.store import Store
from tests.localserver import Canned, LocalServer
from tests.review_data import add_accounts, build_store, make_app, sign_in, tiny_png

PNG = tiny_png()
ROUTES = {
    "/img/hyacinth.png": Canned(body=PNG, headers={"Content-Type": "image/png"}),
    "/img/moved.png": Canned(302, b"", {"Location": "/img/hyacinth.png"}),
    "/img/loop.png": Canned(302, b"", {"Location": "/img/loop.png"}),
    "/img/page.png": Canned(body=b"<html><script>alert(1)</script></html>", headers={"Content-Type": "image/png"}),
    "/img/vector.svg": Canned(body=b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                              headers={"Content-Type": "image/svg+xml"}),
    "/img/gone.png": Canned(404, b"not found", {"Content-Type": "text/plain"}),
}  # fmt: skip


def test_sniffing_knows_the_four_web_image_types() -> None:
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"GIF89a...") == "image/gif"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"<svg") is None and sniff(b"") is None


def test_an_image_is_fetched_once_then_served_from_the_cache(tmp_path: Path) -> None:
    with LocalServer(ROUTES) as server:
        cache = ImageCache(tmp_path / "images", "phytowatch-test", allow_private=True)
        assert cache.get(server.url + "/img/moved.png") == (PNG, "image/png")
        assert cache.get(server.url + "/img/moved.png") == (PNG, "image/png")
        hits = dict(server.hits)
        agents = server.user_agents
    assert hits == {"/img/moved.png": 1, "/img/hyacinth.png": 1}
    assert agents == {"phytowatch-test"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/img/page.png", "not a JPEG, PNG, GIF or WebP image"),
        ("/img/vector.svg", "not a JPEG, PNG, GIF or WebP image"),
        ("/img/gone.png", "HTTP 404"),
        ("/img/loop.png", "more than 3 redirects"),
    ],
)
def test_what_is_not_an_image_is_refused(tmp_path: Path, path: str, message: str) -> None:
    with LocalServer(ROUTES) as server:
        cache = ImageCache(tmp_path / "images", "phytowatch-test", allow_private=True)
        with pytest.raises(ImageError, match=message):
            cache.get(server.url + path)
        # A failure is remembered for a while: the next page view does not fetch again.
        with pytest.raises(ImageError, match=message):
            cache.get(server.url + path)
        assert sum(server.hits.values()) in (1, 4)  # the redirect loop makes 4 requests, once


def test_private_addresses_are_refused_unless_allowed(tmp_path: Path) -> None:
    with LocalServer(ROUTES) as server:
        cache = ImageCache(tmp_path / "images", "phytowatch-test")
        with pytest.raises(ImageError, match="non-public address 127.0.0.1"):
            cache.get(server.url + "/img/hyacinth.png")
        assert not server.requests  # refused on connecting, before a request was sent
    for url in ("file:///etc/passwd", "ftp://example.org/x.png", "gopher://x"):
        with pytest.raises(ImageError, match="not an http"):
            ImageCache(tmp_path / "images", "t").fetch(url)


def test_an_oversized_image_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images_module, "MAX_BYTES", 10)
    with LocalServer(ROUTES) as server:
        with pytest.raises(ImageError, match="larger than"):
            ImageCache(tmp_path / "images", "t", allow_private=True).fetch(server.url + "/img/hyacinth.png")


def test_the_image_route_serves_only_the_listings_own_images(tmp_path: Path) -> None:
    with LocalServer(ROUTES) as server:
        db = tmp_path / "review.db"
        build_store(db, image_base=server.url)
        add_accounts(db)
        with Store(db) as store:
            row_id = store.listing_row_id("ebay.de", "hyacinth")
            other = store.listing_row_id("ebay.de", "hose")
        client = make_app(db, allow_private_images=True).test_client()
        sign_in(client)
        response = client.get(f"/listings/{row_id}/image/0")
        assert response.status_code == 200 and response.data == PNG
        assert response.mimetype == "image/png"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get(f"/listings/{row_id}/image/1").status_code == 404
        assert client.get(f"/listings/{other}/image/0").status_code == 404
        assert client.get("/listings/99999/image/0").status_code == 404
        page = client.get(f"/listings/{row_id}").get_data(as_text=True)
        assert f'src="/listings/{row_id}/image/0"' in page and server.url not in page
        # Without the demo setting, the app does not fetch from a loopback address.
        strict = make_app(db, state_dir=tmp_path / "strict").test_client()
        sign_in(strict)
        assert strict.get(f"/listings/{row_id}/image/0").status_code == 404
