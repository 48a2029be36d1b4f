"""The demo marketplace: every demo trader as a real-looking shop on one loopback port.

>>> from crawler.demo.catalogue import Catalogue
>>> with start_demo_server(Catalogue.load()) as server:
...     urls = server.shop_urls("shopify")
>>> urls[0].endswith("/shops/bloembollen-vandermeer/")
True

URL layout (``<shop>`` = ``/shops/<trader key>/``):

=====================  ==========================================================
every shop             ``<shop>`` home page (schema.org Organization with address),
                       ``<shop>images/...`` placeholder images
shopify                ``<shop>products.json?limit=&page=``, ``<shop>meta.json``,
                       ``<shop>products/<handle>`` (+ ``.json``)
woocommerce            ``<shop>wp-json/``, ``<shop>wp-json/wc/store/v1/products?per_page=&page=``,
                       ``<shop>wp-json/wc/store/v1/products/<id>``, ``<shop>wp-json/wc/store/v1/cart``
                       (empty cart; its default addresses are the shop's base country),
                       ``<shop>product/<slug>/``
sitemap                ``<shop>sitemap.xml`` (index) → ``sitemap_products_1.xml``,
                       ``sitemap_products_2.xml``, ``sitemap_pages_1.xml``;
                       ``<shop>p/<n>-<slug>.html``, ``<shop>about.html``, ``<shop>contact.html``
host                   ``/`` (index of shops), ``/robots.txt`` (allow all + sitemap lines)
=====================  ==========================================================

Responses are rendered by :mod:`crawler.demo.render` once and cached, so serving a
5,000-listing catalogue costs the crawler, not the server.
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.demo import render
from crawler.demo.catalogue import PLATFORMS, Catalogue, DemoListing, DemoTrader

JSON = "application/json; charset=UTF-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

SHOPIFY_MAX_LIMIT, SHOPIFY_DEFAULT_LIMIT = 250, 30
WOO_MAX_PER_PAGE, WOO_DEFAULT_PER_PAGE = 100, 10


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def _json(obj: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, JSON, body, headers or [])


def _png() -> bytes:
    """A valid 1×1 light-grey PNG, the placeholder for every product image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\xdd")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PLACEHOLDER_PNG = _png()
NOT_FOUND = Response(404, HTML, b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                                b"<body><h1>404 Not Found</h1></body></html>")
WP_NO_ROUTE = {"code": "rest_no_route", "message": "No route was found matching the URL and request method.",
               "data": {"status": 404}}


class _Shop:
    """One trader's shop: its listings, ids, URL maps and rendered-response cache."""

    def __init__(
        self, trader: DemoTrader, listings: tuple[DemoListing, ...], base_url: str,
        every_listing: tuple[DemoListing, ...] | None = None,
    ) -> None:  # fmt: skip
        self.trader = trader
        self.listings = listings
        self.url = f"{base_url}/shops/{trader.key}/"
        self.cache: dict[Any, Response] = {}
        self.lock = threading.Lock()
        self.by_handle = {listing.handle: listing for listing in listings}
        #: WordPress post ids (woocommerce) and page numbers (sitemap shops): sequential, like real shops,
        #: and numbered over every listing the shop ever has, so that a day without one keeps the others' ids.
        numbered = every_listing if every_listing is not None else listings
        self.seq = {listing.id: 100 + 3 * i for i, listing in enumerate(numbered)}
        self.by_seq = {self.seq[listing.id]: listing for listing in listings}
        self.images = {p for listing in listings for p in listing.images}
        if trader.platform == "woocommerce":
            self.images |= {render.woo_thumbnail(p) for p in self.images}
        self._fragments: list[bytes] | None = None
        self._terms: dict[str, int] | None = None

    def cached(self, key: Any, make: Callable[[], Response]) -> Response:
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache.setdefault(key, make())
        return hit

    def product_url(self, listing: DemoListing) -> str:
        platform = self.trader.platform
        if platform == "shopify":
            return f"{self.url}products/{listing.handle}"
        if platform == "woocommerce":
            return f"{self.url}product/{listing.handle}/"
        return f"{self.url}p/{self.seq[listing.id]}-{listing.handle}.html"

    def fragments(self) -> list[bytes]:
        """Each listing's API JSON, serialised once; list pages are joins of these."""
        if self._fragments is None:
            with self.lock:
                if self._fragments is None:
                    self._fragments = [json.dumps(self.api_product(listing), ensure_ascii=False,
                                                  separators=(",", ":")).encode()
                                       for listing in self.listings]
        return self._fragments

    def api_product(self, listing: DemoListing) -> dict[str, Any]:
        if self.trader.platform == "shopify":
            return render.shopify_product(listing, self.trader, self.url)
        return render.woo_product(listing, self.trader, self.url, self.seq[listing.id], self.terms)

    @property
    def terms(self) -> dict[str, int]:
        if self._terms is None:
            names = sorted({f"cat:{c}" for listing in self.listings for c in listing.category_path}
                           | {f"tag:{t}" for listing in self.listings for t in listing.tags})
            self._terms = {name: 15 + i for i, name in enumerate(names)}
        return self._terms


class _Site:
    """Routes a request path to a cached :class:`Response`."""

    def __init__(self, catalogue: Catalogue, base_url: str, universe: Catalogue | None = None) -> None:
        self.catalogue = catalogue
        self.base_url = base_url
        every = universe or catalogue
        self.shops = {t.key: _Shop(t, catalogue.listings_of(t.key), base_url, every.listings_of(t.key))
                      for t in catalogue.traders}
        self.root_cache: dict[str, Response] = {}

    def respond(self, target: str) -> Response:
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path == "/":
            return self._root("index", self._index)
        if path == "/robots.txt":
            return self._root("robots", self._robots)
        segments = path.split("/")
        if len(segments) < 3 or segments[1] != "shops" or segments[2] not in self.shops:
            return NOT_FOUND
        shop = self.shops[segments[2]]
        if len(segments) == 3:
            return Response(301, HTML, b"", [("Location", shop.url)])
        rest = "/".join(segments[3:])
        if rest == "":
            return shop.cached("home", lambda: self._home(shop))
        if rest in ("about.html", "contact.html"):
            return shop.cached(rest, lambda: self._info_page(shop, rest))
        if rest.startswith("images/"):
            return Response(200, "image/png", PLACEHOLDER_PNG) if rest in shop.images else NOT_FOUND
        handler = {"shopify": self._shopify, "woocommerce": self._woo, "sitemap": self._sitemap}
        return handler[shop.trader.platform](shop, rest, query)

    def _root(self, key: str, make: Callable[[], Response]) -> Response:
        hit = self.root_cache.get(key)
        if hit is None:
            hit = self.root_cache.setdefault(key, make())
        return hit

    # ------------------------------------------------------------------ host-wide pages

    def _index(self) -> Response:
        rows = "".join(
            f'<li><a href="{escape(s.url)}">{escape(s.trader.name)}</a> — {escape(s.trader.platform)}, '
            f"{escape(s.trader.city)} ({escape(s.trader.country)}), {len(s.listings)} products</li>\n"
            for s in self.shops.values())
        body = ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
                "<title>phytowatch demo marketplace</title></head>\n<body>\n"
                "<h1>phytowatch demo marketplace</h1>\n<p>Invented shops for testing; "
                f"nothing here is for sale.</p>\n<ul>\n{rows}</ul>\n</body>\n</html>\n")
        return Response(200, HTML, body.encode())

    def _robots(self) -> Response:
        lines = ["User-agent: *", "Allow: /", ""]
        lines += [f"Sitemap: {s.url}sitemap.xml" for s in self.shops.values()
                  if s.trader.platform == "sitemap"]
        return Response(200, TEXT, ("\n".join(lines) + "\n").encode())

    def _home(self, shop: _Shop) -> Response:
        t = shop.trader
        links = "".join(f'<li><a href="{escape(shop.product_url(listing))}">{escape(listing.title)}</a></li>\n'
                        for listing in shop.listings[:24])
        body = (f"<h1>{escape(t.name)}</h1>\n<p>{escape(t.description)}</p>\n"
                f"<h2>{escape(render.ui(t)[6])}</h2>\n<ul>\n{links}</ul>")
        head = ""
        if t.platform == "woocommerce":
            head = f'<link rel="https://api.w.org/" href="{escape(shop.url)}wp-json/">\n'
        html = render.page(t, shop.url, t.name, body, canonical=shop.url, head=head,
                           ld=[render.organization(t, shop.url)])
        return Response(200, HTML, html.encode())

    # ------------------------------------------------------------------ Shopify

    def _shopify(self, shop: _Shop, rest: str, query: dict[str, str]) -> Response:
        if rest == "products.json":
            limit = _int(query.get("limit"), SHOPIFY_DEFAULT_LIMIT)
            limit = min(max(limit, 1), SHOPIFY_MAX_LIMIT)
            page = max(_int(query.get("page"), 1), 1)
            return shop.cached(("products", limit, page), lambda: self._shopify_page(shop, limit, page))
        if rest == "meta.json":
            return shop.cached("meta", lambda: _json(render.shopify_meta(
                shop.trader, len(shop.listings), len({listing.category_path[0] for listing in shop.listings}))))
        if rest.startswith("products/"):
            handle = rest[len("products/"):]
            as_json = handle.endswith(".json")
            listing = shop.by_handle.get(handle[:-5] if as_json else handle)
            if listing is None:
                return NOT_FOUND
            if as_json:
                return shop.cached(("pjson", listing.id),
                                   lambda: _json({"product": shop.api_product(listing)}))
            return shop.cached(("page", listing.id), lambda: self._shopify_html(shop, listing))
        return NOT_FOUND

    def _shopify_page(self, shop: _Shop, limit: int, page: int) -> Response:
        chunk = shop.fragments()[(page - 1) * limit: page * limit]
        return Response(200, JSON, b'{"products":[' + b",".join(chunk) + b"]}")

    def _shopify_html(self, shop: _Shop, listing: DemoListing) -> Response:
        t = shop.trader
        url = shop.product_url(listing)
        head = (f'<meta property="og:type" content="product">\n'
                f'<meta property="og:title" content="{escape(listing.title)}">\n'
                f'<meta property="og:price:amount" content="{listing.price:.2f}">\n'
                f'<meta property="og:price:currency" content="{t.currency}">\n'
                f"<script>var Shopify = Shopify || {{}};\nShopify.shop = "
                f'"{t.key}.myshopify.com";\nShopify.country = "{t.country}";\n'
                f'Shopify.currency = {{"active":"{t.currency}","rate":"1.0"}};</script>\n')
        html = render.page(t, shop.url, listing.title, render.plain_product(listing, t, shop.url),
                           canonical=url, head=head, ld=[render.shopify_ld(listing, t, url, shop.url)])
        return Response(200, HTML, html.encode())

    # ------------------------------------------------------------------ WooCommerce

    def _woo(self, shop: _Shop, rest: str, query: dict[str, str]) -> Response:
        if rest in ("wp-json", "wp-json/"):
            return shop.cached("wp-index", lambda: _json(render.wp_index(
                shop.trader, shop.url, render.utc_offset_hours(shop.trader.timezone))))
        for store in ("wp-json/wc/store/v1/", "wp-json/wc/store/"):
            if rest.startswith(store):
                return self._woo_store(shop, rest[len(store):].strip("/"), query)
        if rest.startswith("wp-json"):
            return _json(WP_NO_ROUTE, 404)
        if rest.startswith("product/"):
            listing = shop.by_handle.get(rest[len("product/"):].strip("/"))
            if listing is None:
                return NOT_FOUND
            return shop.cached(("page", listing.id), lambda: self._woo_html(shop, listing))
        return NOT_FOUND

    def _woo_store(self, shop: _Shop, route: str, query: dict[str, str]) -> Response:
        if route == "products":
            return self._woo_list(shop, query)
        if route.startswith("products/"):
            listing = shop.by_seq.get(_int(route[len("products/"):], -1))
            if listing is None:
                return _json({"code": "woocommerce_rest_product_invalid_id",
                              "message": "Invalid product ID.", "data": {"status": 404}}, 404)
            return shop.cached(("wjson", listing.id), lambda: _json(shop.api_product(listing)))
        if route == "cart":
            return shop.cached("cart", lambda: _json(render.woo_cart(shop.trader)))
        return _json(WP_NO_ROUTE, 404)

    def _woo_list(self, shop: _Shop, query: dict[str, str]) -> Response:
        per_page = _int(query.get("per_page"), WOO_DEFAULT_PER_PAGE)
        page = _int(query.get("page"), 1)
        if not 1 <= per_page <= WOO_MAX_PER_PAGE:
            return _invalid_param(
                "per_page", f"per_page must be between 1 (inclusive) and {WOO_MAX_PER_PAGE} (inclusive)"
            )
        if page < 1:
            return _invalid_param("page", "page must be greater than or equal to 1")
        return shop.cached(("woo", per_page, page), lambda: self._woo_page(shop, per_page, page))

    def _woo_page(self, shop: _Shop, per_page: int, page: int) -> Response:
        total = len(shop.listings)
        pages = -(-total // per_page)
        if page > max(pages, 1):
            return _json({"code": "rest_post_invalid_page_number",
                          "message": "The page number requested is larger than the number of pages available.",
                          "data": {"status": 400}}, 400)
        chunk = shop.fragments()[(page - 1) * per_page: page * per_page]
        link = f"{shop.url}wp-json/wc/store/v1/products"
        rels = []
        if page > 1:
            rels.append(f'<{link}?per_page={per_page}&page={page - 1}>; rel="prev"')
        if page < pages:
            rels.append(f'<{link}?per_page={per_page}&page={page + 1}>; rel="next"')
        headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
        if rels:
            headers.append(("Link", ", ".join(rels)))
        return Response(200, JSON, b"[" + b",".join(chunk) + b"]", headers)

    def _woo_html(self, shop: _Shop, listing: DemoListing) -> Response:
        t = shop.trader
        url = shop.product_url(listing)
        head = f'<link rel="https://api.w.org/" href="{escape(shop.url)}wp-json/">\n'
        html = render.page(t, shop.url, listing.title, render.plain_product(listing, t, shop.url),
                           canonical=url, head=head, ld=[render.woo_ld(listing, t, url, shop.url)])
        return Response(200, HTML, html.encode(), [("Link", f'<{shop.url}wp-json/>; rel="https://api.w.org/"')])

    # ------------------------------------------------------------------ schema.org shops

    def _sitemap(self, shop: _Shop, rest: str, query: dict[str, str]) -> Response:
        if rest == "sitemap.xml":
            return shop.cached("sitemap", lambda: self._sitemap_index(shop))
        if rest in ("sitemap_products_1.xml", "sitemap_products_2.xml"):
            return shop.cached(rest, lambda: self._sitemap_products(shop, int(rest[-5])))
        if rest == "sitemap_pages_1.xml":
            return shop.cached(rest, lambda: self._sitemap_pages(shop))
        if rest.startswith("p/") and rest.endswith(".html"):
            num, _, handle = rest[2:-5].partition("-")
            listing = shop.by_seq.get(_int(num, -1))
            if listing is None or listing.handle != handle:
                return NOT_FOUND
            return shop.cached(("page", listing.id), lambda: self._schema_html(shop, listing))
        return NOT_FOUND

    def _halves(self, shop: _Shop) -> tuple[tuple[DemoListing, ...], tuple[DemoListing, ...]]:
        mid = (len(shop.listings) + 1) // 2
        return shop.listings[:mid], shop.listings[mid:]

    def _lastmod(self, shop: _Shop) -> str:
        return max((listing.updated_at for listing in shop.listings), default="2024-01-01")

    def _sitemap_index(self, shop: _Shop) -> Response:
        halves = self._halves(shop)
        entries = [(f"{shop.url}sitemap_products_{i}.xml",
                    max((listing.updated_at for listing in half), default=self._lastmod(shop)))
                   for i, half in enumerate(halves, start=1)]
        entries.append((f"{shop.url}sitemap_pages_1.xml", "2024-01-15"))
        return Response(200, XML, render.sitemap_index(entries).encode())

    def _sitemap_products(self, shop: _Shop, n: int) -> Response:
        half = self._halves(shop)[n - 1]
        return Response(200, XML, render.urlset(
            (shop.product_url(listing), listing.updated_at) for listing in half).encode())

    def _sitemap_pages(self, shop: _Shop) -> Response:
        entries = [(shop.url, self._lastmod(shop)), (f"{shop.url}about.html", "2024-01-15"),
                   (f"{shop.url}contact.html", "2024-01-15")]
        return Response(200, XML, render.urlset(entries).encode())

    def _info_page(self, shop: _Shop, name: str) -> Response:
        t = shop.trader
        labels = render.ui(t)
        title = labels[4] if name == "about.html" else labels[5]
        body = (f"<h1>{escape(title)}</h1>\n<p>{escape(t.description)}</p>\n"
                f"<address>{escape(t.name)}<br>{escape(t.street)}<br>{escape(t.postal_code)} "
                f"{escape(t.city)}<br>{escape(t.country)}<br>"
                f'<a href="mailto:{escape(t.email)}">{escape(t.email)}</a></address>')
        html = render.page(t, shop.url, title, body, canonical=shop.url + name,
                           ld=[render.organization(t, shop.url)])
        return Response(200, HTML, html.encode())

    def _schema_html(self, shop: _Shop, listing: DemoListing) -> Response:
        t = shop.trader
        url = shop.product_url(listing)
        crumbs = [(render.ui(t)[3], shop.url)] + [(c, shop.url) for c in listing.category_path]
        crumbs.append((listing.title, url))
        if t.markup == "microdata":
            body = render.microdata_product(listing, t, url, shop.url)
            ld: list[dict[str, Any]] = []
        else:
            body = render.plain_product(listing, t, shop.url)
            ld = [render.schema_product(listing, t, url, shop.url), render.breadcrumbs(crumbs)]
        html = render.page(t, shop.url, listing.title, body, canonical=url, ld=ld, crumbs=crumbs)
        return Response(200, HTML, html.encode())


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default  # type: ignore[arg-type]
    except ValueError:
        return default


def _invalid_param(name: str, why: str) -> Response:
    return _json({"code": "rest_invalid_param", "message": f"Invalid parameter(s): {name}",
                  "data": {"status": 400, "params": {name: why},
                           "details": {name: {"code": "rest_out_of_bounds", "message": why, "data": None}}}},
                 400)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "phytowatch-demo/1"
    #: Idle keep-alive connections are dropped after this many seconds.
    timeout = 60
    site: _Site  # set on the subclass made per server

    def do_GET(self) -> None:
        self._send(self.site.respond(self.path), body=True)

    def do_HEAD(self) -> None:
        self._send(self.site.respond(self.path), body=False)

    def _send(self, response: Response, body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the demo draws a progress bar on the terminal."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class DemoServer:
    """A running demo marketplace; stop it with :meth:`stop` or use it as a context manager."""

    def __init__(
        self, catalogue: Catalogue, host: str = "127.0.0.1", port: int = 0, universe: Catalogue | None = None
    ) -> None:
        self.catalogue = catalogue
        #: Every listing the shops will ever have (demo days): fixes their ids across days.
        self.universe = universe or catalogue
        self._handler: type[_Handler] = type("DemoHandler", (_Handler,), {})
        self._httpd = _Server((host, port), self._handler)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._site = _Site(catalogue, self.base_url, self.universe)
        self._handler.site = self._site
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"demo-server-{self.port}", daemon=True)

    def serve(self, catalogue: Catalogue) -> None:
        """From now on, serve ``catalogue`` (the same shops on another day) at the same addresses."""
        self.catalogue = catalogue
        self._site = _Site(catalogue, self.base_url, self.universe)
        self._handler.site = self._site

    def start(self) -> DemoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def shop_url(self, trader_key: str) -> str:
        """``http://127.0.0.1:<port>/shops/<key>/`` (with the trailing slash)."""
        return self._site.shops[trader_key].url

    def shop_urls(self, platform: str | None = None) -> list[str]:
        """Root URLs of the shops on ``platform`` ("shopify", "woocommerce", "sitemap"), or all shops."""
        if platform is not None and platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
        return [s.url for s in self._site.shops.values() if platform in (None, s.trader.platform)]

    def sitemap_urls(self) -> list[str]:
        """The sitemap index of every sitemap-style shop (the ones robots.txt lists)."""
        return [url + "sitemap.xml" for url in self.shop_urls("sitemap")]

    def product_url(self, listing: DemoListing) -> str:
        """The HTML product page of ``listing`` on its shop."""
        return self._site.shops[listing.trader].product_url(listing)


def start_demo_server(
    catalogue: Catalogue, host: str = "127.0.0.1", port: int = 0, universe: Catalogue | None = None
) -> DemoServer:
    """Serve ``catalogue`` on ``host:port`` (0 = a free port) from a background thread.

    ``universe`` is every listing the shops will serve on any day (see :meth:`DemoServer.serve`).
    """
    return DemoServer(catalogue, host, port, universe).start()
