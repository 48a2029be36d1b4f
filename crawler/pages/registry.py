"""Which page module reads which page: the table behind ``phytowatch extract``.

Each entry names a page type, the URLs it recognises and the pure function that
reads it. ``extract`` picks the first entry whose pattern matches the URL (or
the one named), so an officer can run any saved page or API answer through
the same code the spiders use.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from typing import Any, Callable

from crawler.items import Listing, Trader
from crawler.pages import PageError

Item = Listing | Trader
Reader = Callable[[str, bytes], Any]


@dataclass(frozen=True)
class PageType:
    name: str
    #: Matched against the page's URL with ``re.search``.
    url_pattern: str
    read: Reader
    description: str


def _shopify_products(url: str, body: bytes) -> list[Item]:
    from crawler.pages import shopify

    store = re.sub(r"/products\.json.*$", "", url)
    return list(shopify.parse_products(store, body))


def _shopify_meta(url: str, body: bytes) -> list[Item]:
    from crawler.pages import shopify

    return [shopify.parse_shop_meta(re.sub(r"/meta\.json.*$", "", url), body)]


def _woocommerce_products(url: str, body: bytes) -> list[Item]:
    from crawler.pages import woocommerce

    return list(woocommerce.parse_products(re.sub(r"/wp-json/.*$", "", url), body))


def _wordpress_index(url: str, body: bytes) -> list[Item]:
    from crawler.pages import woocommerce

    return [woocommerce.parse_site_index(re.sub(r"/wp-json/?$", "", url), body)]


def _schema_org(url: str, body: bytes) -> list[Item]:
    from crawler.pages.schema_org import parse_product_page

    return list(parse_product_page(url, body))


#: Most specific first; ``schema-org-product`` is the fallback for any web page.
PAGE_TYPES: list[PageType] = [
    PageType("shopify-products", r"/products\.json(\?|$)", _shopify_products, "Shopify /products.json"),
    PageType("shopify-meta", r"/meta\.json(\?|$)", _shopify_meta, "Shopify /meta.json shop card"),
    PageType("woocommerce-products", r"/wp-json/wc/store(/v1)?/products(\?|$)", _woocommerce_products,
             "WooCommerce Store API products"),
    PageType("wordpress-index", r"/wp-json/?$", _wordpress_index, "WordPress REST index (shop card)"),
    PageType("schema-org-product", r"^https?://", _schema_org, "any page with a schema.org Product"),
]


def page_type(url: str, name: str | None = None) -> PageType:
    """The page type named, or the first whose pattern matches the URL."""
    if name:
        for entry in PAGE_TYPES:
            if entry.name == name:
                return entry
        raise PageError(f"no page type {name!r} (known: {', '.join(p.name for p in PAGE_TYPES)})")
    for entry in PAGE_TYPES:
        if re.search(entry.url_pattern, url):
            return entry
    raise PageError(f"no page module recognises {url!r}; name one with --page")


def extract(url: str, body: bytes, name: str | None = None) -> list[Item]:
    """Items of a saved page or API answer (gzip is undone), as the spiders would see them."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    result = page_type(url, name).read(url, body)
    if hasattr(result, "listings"):  # a search page: its listings and traders
        return [*result.traders, *result.listings]
    return list(result)
