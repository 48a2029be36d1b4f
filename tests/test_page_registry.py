"""``phytowatch extract`` picks the right page module from the URL and reads real saved pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import Listing, Trader
from crawler.pages.registry import PAGE_TYPES, extract, page_type
from tests.conftest import read_fixture


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://api.ebay.com/buy/browse/v1/item_summary/search?q=seeds&limit=100", "ebay-browse-api"),
        ("https://www.ebay.de/sch/i.html?_nkw=samen", "ebay-search"),
        ("https://www.ebay.co.uk/itm/143863282131", "ebay-item"),
        ("https://www.amazon.de/s?k=blumenzwiebeln", "amazon-search"),
        ("https://www.amazon.com/gp/bestsellers/lawn-garden", "amazon-search"),
        ("https://www.amazon.com/Sunglasses/dp/B01GOH7PKA", "amazon-product"),
        ("https://openapi.etsy.com/v3/application/listings/active?keywords=seeds", "etsy-open-api"),
        ("https://www.etsy.com/es/listing/550571276/felpudo", "etsy-listing"),
        ("https://aliexpress.ru/popular/seeds", "aliexpress-search"),
        ("https://boston.craigslist.org/search/sss?query=plants", "craigslist-search"),
        ("https://boston.craigslist.org/gbs/grd/d/boston-hosta/7654321098.html", "craigslist-posting"),
        ("https://www.facebook.com/marketplace/item/123456/", "facebook-listing"),
        ("https://www.facebook.com/marketplace/boston/search?query=plants", "facebook-search"),
        ("https://www.leboncoin.fr/recherche?text=graines", "leboncoin-search"),
        ("https://shop.example/products.json?limit=250&page=2", "shopify-products"),
        ("https://shop.example/wp-json/wc/store/v1/products?page=3", "woocommerce-products"),
        ("https://bulbs.example/p/tulip.html", "schema-org-product"),
    ],
)
def test_url_picks_the_page_module(url: str, name: str) -> None:
    assert page_type(url).name == name


def test_every_page_type_has_a_unique_name() -> None:
    names = [p.name for p in PAGE_TYPES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("path", "url", "listings"),
    [
        ("ebay/ebay_com_search_wireless-earbuds_s-card_2026-03.html",
         "https://www.ebay.com/sch/i.html?_nkw=wireless+earbuds", 60),
        ("craigslist/craigslist-search-results-last-page-sample_2023.html",
         "https://boston.craigslist.org/search/sss?query=aaa", 4),
        ("amazon/amazon_de_search_katzenfutter_2022.html", "https://www.amazon.de/s?k=katzenfutter", 59),
    ],
)
def test_extract_real_search_pages(corpus: Path, path: str, url: str, listings: int) -> None:
    items = extract(url, read_fixture(corpus / path))
    assert sum(isinstance(i, Listing) for i in items) == listings
    assert all(isinstance(i, (Listing, Trader)) for i in items)


def _url_for(family: str, name: str) -> str:
    """The kind of address each saved page was fetched from, enough to pick its page module."""
    if family == "ebay":
        if name.endswith(".json"):
            return "https://api.ebay.com/buy/browse/v1/item_summary/search?q=iphone"
        if "_search_" in name:
            return "https://www.ebay.com/sch/i.html?_nkw=x"
        return "https://www.ebay.com/itm/1"
    if family == "amazon":
        if "bestsellers" in name:
            return "https://www.amazon.com/gp/bestsellers/x"
        return "https://www.amazon.de/s?k=x" if "_search_" in name else "https://www.amazon.com/x/dp/B000000000"
    if family == "craigslist":
        return "https://boston.craigslist.org/search/sss" if "search" in name else \
            "https://boston.craigslist.org/gbs/for/d/x/1.html"
    if family == "facebook_marketplace":
        return "https://www.facebook.com/marketplace/item/1/" if "details" in name else \
            "https://www.facebook.com/marketplace/boston/search?query=x"
    if family == "etsy":
        return "https://www.etsy.com/es/listing/550571276/x"
    return "https://aliexpress.ru/popular/x"


FAMILIES = ("ebay", "amazon", "etsy", "aliexpress", "craigslist", "facebook_marketplace")


def test_extract_reads_every_saved_marketplace_page(corpus: Path) -> None:
    """Every saved page of the marketplace families goes through extract and yields listings."""
    read = 0
    for family in FAMILIES:
        for path in sorted((corpus / family).iterdir()):
            items = extract(_url_for(family, path.name), read_fixture(path))
            assert any(isinstance(i, Listing) for i in items), path.name
            read += 1
    assert read >= 30
