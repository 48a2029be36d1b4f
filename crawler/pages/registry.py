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
from crawler.pages.search import SearchPage

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


def _module_reader(module: str, function: str) -> Reader:
    """A reader that imports its page module on first use (the CLI starts fast)."""

    def read(url: str, body: bytes) -> Any:
        from importlib import import_module

        return getattr(import_module(f"crawler.pages.{module}"), function)(url, body)

    return read


#: Most specific first; ``schema-org-product`` is the fallback for any web page.
PAGE_TYPES: list[PageType] = [
    PageType("ebay-browse-api", r"api\.ebay\.com/buy/browse/v1/item_summary/search",
             _module_reader("ebay_api", "parse_browse_search"), "eBay Browse API item_summary/search"),
    PageType("ebay-search", r"ebay\.[a-z.]+/sch/", _module_reader("ebay", "parse_search"),
             "eBay search results (s-item and s-card markup)"),
    PageType("ebay-item", r"ebay\.[a-z.]+/itm/", _module_reader("ebay_item", "parse_item"), "eBay item page"),
    PageType("amazon-search", r"amazon\.[a-z.]+/(s\?|s/|gp/bestsellers|[^/]+/zgbs/|zgbs/)",
             _module_reader("amazon", "parse_search"), "Amazon search results and best-seller lists"),
    PageType("amazon-product", r"amazon\.[a-z.]+/(.+/)?(dp|gp/product)/",
             _module_reader("amazon", "parse_product"), "Amazon product page"),
    PageType("etsy-open-api", r"openapi\.etsy\.com/v3/", _module_reader("etsy", "parse_open_api_listings"),
             "Etsy Open API v3 listings"),
    PageType("etsy-listing", r"etsy\.com/([a-z-]+/)?listing/", _module_reader("etsy", "parse_listing"),
             "Etsy listing page"),
    PageType("aliexpress-search", r"aliexpress\.[a-z.]+/(w/|wholesale|popular/|af/|category/)",
             _module_reader("aliexpress", "parse_search"), "AliExpress search results"),
    PageType("craigslist-search", r"craigslist\.org/search/", _module_reader("craigslist", "parse_search"),
             "Craigslist search results"),
    PageType("craigslist-posting", r"craigslist\.org/.*/\d+\.html", _module_reader("craigslist", "parse_posting"),
             "Craigslist posting"),
    PageType("facebook-listing", r"facebook\.com/marketplace/item/", _module_reader("facebook", "parse_listing"),
             "Facebook Marketplace listing"),
    PageType("facebook-search", r"facebook\.com/marketplace/", _module_reader("facebook", "parse_search"),
             "Facebook Marketplace search results"),
    PageType("leboncoin-search", r"leboncoin\.fr/", _module_reader("leboncoin", "parse_search"),
             "leboncoin search results (__NEXT_DATA__)"),
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
    return result.items if isinstance(result, SearchPage) else list(result)
