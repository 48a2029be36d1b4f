"""The demo server answers like real Shopify, WooCommerce and schema.org shops."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import extruct  # type: ignore[import-untyped]
import pytest

from crawler.demo.catalogue import Catalogue, DemoTrader
from crawler.demo.server import DemoServer, start_demo_server

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="module")
def server(cat: Catalogue) -> Iterator[DemoServer]:
    with start_demo_server(cat) as srv:
        yield srv


def fetch(url: str, method: str = "GET") -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get_json(url: str) -> Any:
    status, headers, body = fetch(url)
    assert status == 200, (url, status, body[:200])
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    return json.loads(body)


def products_in(html: str, url: str) -> list[dict[str, Any]]:
    """schema.org Products on a page, from JSON-LD (incl. ``@graph``) and microdata."""
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata"], uniform=True)
    items: list[dict[str, Any]] = []
    for item in data["json-ld"] + data["microdata"]:
        items.extend(item.get("@graph", [item]))
    return [item for item in items if item.get("@type") == "Product"]


def shops(cat: Catalogue, platform: str) -> list[DemoTrader]:
    return list(cat.traders_on(platform))


# ------------------------------------------------------------------ host


def test_robots_and_index(server: DemoServer, cat: Catalogue) -> None:
    status, headers, body = fetch(server.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "User-agent: *" in text and "Allow: /" in text
    assert [line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("Sitemap:")] \
        == server.sitemap_urls()
    assert len(server.sitemap_urls()) == len(shops(cat, "sitemap"))

    status, headers, body = fetch(server.base_url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Hedgerow &amp; Hive" in body.decode()
    for url in server.shop_urls():
        assert url in body.decode()


def test_shop_urls(server: DemoServer, cat: Catalogue) -> None:
    assert len(server.shop_urls()) == len(cat.traders)
    for platform in ("shopify", "woocommerce", "sitemap"):
        urls = server.shop_urls(platform)
        assert urls == [f"{server.base_url}/shops/{t.key}/" for t in shops(cat, platform)]
    with pytest.raises(ValueError):
        server.shop_urls("magento")
    assert server.port > 0 and server.base_url == f"http://127.0.0.1:{server.port}"


@pytest.mark.parametrize("path", [
    "/nope", "/shops/", "/shops/no-such-shop/", "/shops/bloembollen-vandermeer/wp-json/",
    "/shops/bloembollen-vandermeer/products/no-such-handle", "/shops/cactus-del-sur/products.json",
    "/shops/cactus-del-sur/product/nothing/", "/shops/vijverplanten-direct/products.json",
    "/shops/vijverplanten-direct/p/100-wrong-slug.html", "/shops/greenwave-seeds/images/x.jpg",
])
def test_unknown_paths_are_404(server: DemoServer, path: str) -> None:
    assert fetch(server.base_url + path)[0] == 404


def test_every_shop_has_a_home_page_with_its_address(server: DemoServer, cat: Catalogue) -> None:
    for t in cat.traders:
        url = server.shop_url(t.key)
        status, _, body = fetch(url)
        assert status == 200
        html = body.decode()
        assert f'<html lang="{t.language}">' in html
        org = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"][0]
        assert org["@type"] == "Organization" and org["address"]["addressCountry"] == t.country
        assert fetch(url + "about.html")[0] == 200


def test_images_and_head(server: DemoServer, cat: Catalogue) -> None:
    listing = cat.listings[0]
    url = server.shop_url(listing.trader) + listing.images[0]
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert body.startswith(b"\x89PNG")
    status, headers, body = fetch(server.shop_url(listing.trader) + "meta.json", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_keep_alive(server: DemoServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(3):
            conn.request("GET", "/shops/bloembollen-vandermeer/meta.json")
            response = conn.getresponse()
            assert response.status == 200 and json.loads(response.read())["country"] == "NL"
    finally:
        conn.close()


# ------------------------------------------------------------------ Shopify


def test_shopify_products_json_paginates_to_the_end(server: DemoServer, cat: Catalogue) -> None:
    for t in shops(cat, "shopify"):
        base = server.shop_url(t.key)
        seen: list[dict[str, Any]] = []
        page = 1
        while True:
            batch = get_json(f"{base}products.json?limit=7&page={page}")["products"]
            if not batch:
                break
            assert len(batch) <= 7
            seen.extend(batch)
            page += 1
        expected = cat.listings_of(t.key)
        assert len(seen) == len(expected)
        assert len({p["id"] for p in seen}) == len(seen)
        for product, listing in zip(seen, expected):
            assert isinstance(product["id"], int)
            assert product["title"] == listing.title and product["handle"] == listing.handle
            assert product["body_html"].startswith("<p>")
            assert product["vendor"] == t.name and product["product_type"] == listing.product_type
            assert isinstance(product["tags"], list) and all(isinstance(x, str) for x in product["tags"])
            for key in ("published_at", "created_at", "updated_at", "options"):
                assert key in product
            (variant,) = product["variants"]
            assert variant["price"] == f"{listing.price:.2f}" and isinstance(variant["price"], str)
            assert variant["sku"] == listing.sku and variant["available"] is listing.available
            for key in ("id", "title", "compare_at_price", "grams", "requires_shipping"):
                assert key in variant
            assert [i["position"] for i in product["images"]] == list(range(1, len(listing.images) + 1))
            assert all({"id", "src", "width", "height"} <= set(i) for i in product["images"])


def test_shopify_default_and_maximum_limit(cat: Catalogue) -> None:
    big = cat.scaled(5000)
    key = "bloembollen-vandermeer"
    n = len(big.listings_of(key))
    assert n > 300
    with start_demo_server(big) as srv:
        base = srv.shop_url(key)
        assert len(get_json(f"{base}products.json")["products"]) == 30
        assert len(get_json(f"{base}products.json?limit=1000")["products"]) == 250
        assert len(get_json(f"{base}products.json?limit=250&page=2")["products"]) == n - 250
        assert get_json(f"{base}products.json?limit=250&page=3") == {"products": []}


def test_shopify_meta_and_product_page(server: DemoServer, cat: Catalogue) -> None:
    for t in shops(cat, "shopify"):
        base = server.shop_url(t.key)
        meta = get_json(base + "meta.json")
        assert meta["country"] == t.country and meta["currency"] == t.currency
        assert meta["name"] == t.name and meta["city"] == t.city and meta["domain"] == t.domain
        assert meta["myshopify_domain"].endswith(".myshopify.com")
        assert meta["published_products_count"] == len(cat.listings_of(t.key))
        listing = cat.listings_of(t.key)[3]
        url = server.product_url(listing)
        assert url == f"{base}products/{listing.handle}"
        status, headers, body = fetch(url)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        (product,) = products_in(body.decode(), url)
        assert product["sku"] == listing.sku and product["name"] == listing.title
        assert Decimal(product["offers"][0]["price"]) == listing.price
        assert product["offers"][0]["priceCurrency"] == t.currency
        assert get_json(url + ".json")["product"]["variants"][0]["sku"] == listing.sku


# ------------------------------------------------------------------ WooCommerce


def test_woo_store_api_paginates_with_headers(server: DemoServer, cat: Catalogue) -> None:
    for t in shops(cat, "woocommerce"):
        api = server.shop_url(t.key) + "wp-json/wc/store/v1/products"
        expected = cat.listings_of(t.key)
        pages = -(-len(expected) // 10)
        seen: list[dict[str, Any]] = []
        for page in range(1, pages + 1):
            status, headers, body = fetch(f"{api}?per_page=10&page={page}")
            assert status == 200 and headers["Content-Type"] == "application/json; charset=UTF-8"
            assert headers["X-WP-Total"] == str(len(expected))
            assert headers["X-WP-TotalPages"] == str(pages)
            assert ('rel="next"' in headers.get("Link", "")) == (page < pages)
            seen.extend(json.loads(body))
        assert len(seen) == len(expected)
        status, _, body = fetch(f"{api}?per_page=10&page={pages + 1}")
        assert status == 400
        error = json.loads(body)
        assert error["code"] == "rest_post_invalid_page_number" and error["data"]["status"] == 400
        for product, listing in zip(seen, expected):
            assert product["name"] == listing.title and product["sku"] == listing.sku
            assert product["slug"] == listing.handle and product["permalink"].endswith(f"/product/{listing.handle}/")
            prices = product["prices"]
            assert prices["price"] == str(int(listing.price * 100))
            assert prices["currency_code"] == t.currency and prices["currency_minor_unit"] == 2
            assert prices["sale_price"] == prices["price"]
            assert (prices["regular_price"] != prices["price"]) == (listing.compare_at_price is not None)
            assert product["is_in_stock"] is listing.available and product["is_purchasable"] is True
            assert product["description"].startswith("<p>") and product["short_description"].startswith("<p>")
            assert [c["name"] for c in product["categories"]] == list(listing.category_path)
            assert all({"id", "name", "slug", "link"} <= set(c) for c in product["categories"])
            assert all({"id", "src", "thumbnail", "name", "alt"} <= set(i) for i in product["images"])
            low = product["low_stock_remaining"]
            assert low is None or low == listing.quantity <= 5
            assert "add_to_cart" in product


def test_woo_parameters_and_index(server: DemoServer, cat: Catalogue) -> None:
    t = shops(cat, "woocommerce")[0]
    base = server.shop_url(t.key)
    status, _, body = fetch(base + "wp-json/wc/store/v1/products?per_page=101")
    assert status == 400 and json.loads(body)["code"] == "rest_invalid_param"
    assert len(get_json(base + "wp-json/wc/store/v1/products")) == 10
    assert len(get_json(base + "wp-json/wc/store/v1/products?per_page=100")) == len(cat.listings_of(t.key))
    index = get_json(base + "wp-json/")
    assert "wc/store/v1" in index["namespaces"]
    assert index["timezone_string"] == t.timezone and index["name"] == t.name
    assert {"description", "url", "home", "gmt_offset"} <= set(index)
    first = get_json(base + "wp-json/wc/store/v1/products?per_page=1")[0]
    assert get_json(f"{base}wp-json/wc/store/v1/products/{first['id']}")["sku"] == first["sku"]
    status, _, body = fetch(base + "wp-json/wc/store/v1/nothing")
    assert status == 404 and json.loads(body)["code"] == "rest_no_route"
    cart = get_json(base + "wp-json/wc/store/v1/cart")
    assert cart["items"] == [] and cart["shipping_address"]["country"] == t.country


def test_woo_product_page(server: DemoServer, cat: Catalogue) -> None:
    for t in shops(cat, "woocommerce"):
        listing = cat.listings_of(t.key)[-1]
        url = server.product_url(listing)
        status, headers, body = fetch(url)
        assert status == 200 and "api.w.org" in headers["Link"]
        (product,) = products_in(body.decode(), url)
        assert product["sku"] == listing.sku
        assert Decimal(product["offers"][0]["price"]) == listing.price


# ------------------------------------------------------------------ sitemap / schema.org shops


def test_sitemaps_lead_to_every_product(server: DemoServer, cat: Catalogue) -> None:
    for t in shops(cat, "sitemap"):
        status, headers, body = fetch(server.shop_url(t.key) + "sitemap.xml")
        assert status == 200 and headers["Content-Type"].startswith("application/xml")
        index = ET.fromstring(body)
        assert index.tag == f"{SM}sitemapindex"
        maps = [e.text or "" for e in index.iter(f"{SM}loc")]
        assert [m.rsplit("/", 1)[1] for m in maps] == [
            "sitemap_products_1.xml", "sitemap_products_2.xml", "sitemap_pages_1.xml"]
        product_urls: list[str] = []
        page_urls: list[str] = []
        for m in maps:
            urlset = ET.fromstring(fetch(m)[2])
            assert urlset.tag == f"{SM}urlset"
            locs = [e.text or "" for e in urlset.iter(f"{SM}loc")]
            assert all(e.text for e in urlset.iter(f"{SM}lastmod"))
            (product_urls if "products" in m else page_urls).extend(locs)
        listings = cat.listings_of(t.key)
        assert len(product_urls) == len(listings)
        assert product_urls == [server.product_url(listing) for listing in listings]
        for url in page_urls:
            status, _, body = fetch(url)
            assert status == 200 and products_in(body.decode(), url) == []
        for listing in listings[::5]:
            check_schema_page(server, t, listing.sku, server.product_url(listing), cat)


def check_schema_page(server: DemoServer, t: DemoTrader, sku: str, url: str, cat: Catalogue) -> None:
    listing = cat.by_sku[sku]
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert f'<html lang="{t.language}">' in html
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata"], uniform=True)
    if t.markup == "microdata":
        assert data["json-ld"] == [] and data["microdata"]
    else:
        assert data["microdata"] == [] and data["json-ld"]
    (product,) = products_in(html, url)
    offer = product["offers"]
    assert product["sku"] == listing.sku and product["name"] == listing.title
    assert product["description"] == listing.description
    assert Decimal(offer["price"]) == listing.price and offer["priceCurrency"] == t.currency
    assert offer["availability"] == ("https://schema.org/InStock" if listing.available
                                     else "https://schema.org/OutOfStock")
    assert int(offer["inventoryLevel"]["value"]) == listing.quantity
    assert offer["seller"]["name"] == t.name
    assert offer["seller"]["address"]["addressCountry"] == t.country
    if t.shipping_details:
        assert offer["shippingDetails"]["shippingOrigin"]["addressCountry"] == t.country
    else:
        assert "shippingDetails" not in offer


def test_hostile_title_is_escaped(server: DemoServer, cat: Catalogue) -> None:
    (listing,) = [x for x in cat.listings if "<script>" in x.title]
    url = server.product_url(listing)
    html = fetch(url)[2].decode()
    assert "<script>alert(1)" not in html and "<b>Limited" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    (product,) = products_in(html, url)
    assert product["name"] == listing.title and product["description"] == listing.description
    home = fetch(server.shop_url(listing.trader))[2].decode()
    assert "<script>alert(1)" not in home


# ------------------------------------------------------------------ lifecycle & speed


def test_stop_closes_the_port(cat: Catalogue) -> None:
    srv = start_demo_server(cat)
    url = srv.base_url + "/robots.txt"
    assert fetch(url)[0] == 200
    srv.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_5000_listings_are_served_fast(cat: Catalogue) -> None:
    big = cat.scaled(5000)
    with start_demo_server(big) as srv:
        started = time.perf_counter()
        count = 0
        for base in srv.shop_urls("shopify"):
            page = 1
            while batch := get_json(f"{base}products.json?limit=250&page={page}")["products"]:
                count += len(batch)
                page += 1
        for base in srv.shop_urls("woocommerce"):
            pages = -(-len(big.listings_of(base.rstrip("/").rsplit("/", 1)[1])) // 100)
            for page in range(1, pages + 1):
                count += len(get_json(f"{base}wp-json/wc/store/v1/products?per_page=100&page={page}"))
        elapsed = time.perf_counter() - started
    expected = sum(len(big.listings_of(t.key)) for t in big.traders if t.platform != "sitemap")
    assert count == expected
    assert elapsed < 5, f"API pages for {count} listings took {elapsed:.1f}s"
