"""The Amazon and Etsy spiders crawling pages served on 127.0.0.1 under their original paths.

Amazon: a real saved search page and a real saved product page. Etsy: an Open API v3
answer written for these tests (field names from Etsy's public API reference, as in
tests/test_pages_marketplaces.py) and a real saved listing page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import amazon as amazon_page
from spiders.amazon import AmazonSpider
from spiders.base import SpiderArgumentError
from spiders.etsy import EtsySpider
from tests.conftest import read_fixture
from tests.localserver import Canned, LocalServer, html, rows, run_record, run_scrapy

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
KATZENFUTTER = "amazon/amazon_de_search_katzenfutter_2022.html"  # 59 distinct cards, none naming a seller
PRODUCT = "amazon/amazon_product_amazon-de__B006V2OP48__95f9586d43_2020.html.gz"  # "Verkauf und Versand durch Amazon"
ETSY_LISTING = "etsy/etsy_listing_es_calabaza_doormat_2022.html"  # shop 12418300, ships from US
NO_KEY = "Etsy search needs an Open API key: set ETSY_API_KEY (https://www.etsy.com/developers)"


# -- Amazon --------------------------------------------------------------------


def test_amazon_search_visits_product_pages_and_keeps_unreadable_cards(corpus: Path, tmp_path: Path) -> None:
    cards = amazon_page.parse_search("https://www.amazon.de/s", read_fixture(corpus / KATZENFUTTER)).listings
    first = cards[0].listing_id  # B013JF5F0C
    # The one saved product page is served at the first card's path; the other 58 answer 404.
    routes = {"/robots.txt": ROBOTS, "/s": html(corpus / KATZENFUTTER), f"/dp/{first}": html(corpus / PRODUCT)}
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("amazon", {"query": "katzenfutter", "site": server.url, "max_pages": "1"}, db)
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits["/s?k=katzenfutter&page=1"] == 1
    assert not any("page=2" in path for path in hits)  # max_pages=1: the next link is not followed
    dp_hits = {path: n for path, n in hits.items() if path.startswith("/dp/")}
    assert set(dp_hits) == {f"/dp/{card.listing_id}" for card in cards} and len(cards) == 59
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert set(listings) == {card.listing_id for card in cards}  # every card kept
    assert all(r["search_query"] == "katzenfutter" and r["platform"] == "amazon" for r in listings.values())
    visited = listings[first]
    assert visited["seller_key"] == "amazon"  # the product page's merchant
    assert visited["url"].endswith(f"/dp/{first}")  # the card's canonical link (on the host crawled) stays
    assert sum(1 for r in listings.values() if r["seller_key"]) == 1
    assert [t["seller_key"] for t in rows(db, "SELECT seller_key FROM traders")] == ["amazon"]
    assert run_record(db)["counts"]["page_error/amazon"] == 58
    assert "'item_page/amazon': 59," in result.stderr
    assert "'search_page/amazon': 1," in result.stderr


def test_amazon_follows_the_next_link_onto_our_site(corpus: Path, tmp_path: Path) -> None:
    # The saved page's "next" link is https://www.amazon.de/-/en/s?k=katzenfutter&page=2&...; here it is missing.
    routes = {"/robots.txt": ROBOTS, "/s": html(corpus / KATZENFUTTER)}
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy(
            "amazon", {"query": "katzenfutter", "site": server.url, "max_pages": "2", "item_pages": "none"}, db
        )
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [path for path in hits if path.startswith("/-/en/s?")] == [
        "/-/en/s?k=katzenfutter&page=2&crid=2FDO0AEHVMNTK&qid=1671168846&sprefix=katzenfutter%2Caps%2C88&ref=sr_pg_1"
    ]
    assert not any(path.startswith("/dp/") for path in hits)  # item_pages=none
    listings = rows(db, "SELECT seller_key FROM listings")
    assert len(listings) == 59 and all(r["seller_key"] is None for r in listings)
    assert run_record(db)["counts"]["page_error/amazon"] == 1  # page 2 answered 404


# -- Etsy Open API -------------------------------------------------------------


def _result(listing_id: int, shop_id: int, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "listing_id": listing_id, "shop_id": shop_id, "title": title, "state": "active", "quantity": 2,
        "url": f"https://www.etsy.com/listing/{listing_id}/{title.lower().replace(' ', '-')}",
        "price": {"amount": 1250, "divisor": 100, "currency_code": "EUR"}, **extra,
    }  # fmt: skip


#: Three results in all, in two pages of the API's answers.
PAGE_1 = {"count": 3, "results": [_result(550571276, 12418300, "Pumpkin doormat"),
                                  _result(1000000001, 30001, "Olive tree sapling")]}  # fmt: skip
PAGE_2 = {"count": 3, "results": [_result(1000000002, 30002, "Heirloom tomato seeds",
                                          shop={"shop_id": 30002, "shop_name": "SaatgutGarten"})]}  # fmt: skip
SEARCH = "/v3/application/listings/active?keywords=olive+tree&limit=100"


def etsy_routes() -> dict[str, Canned]:
    return {
        f"{SEARCH}&offset=0": Canned(body=json.dumps(PAGE_1).encode()),
        f"{SEARCH}&offset=2": Canned(body=json.dumps(PAGE_2).encode()),
    }


def test_etsy_searches_the_open_api_with_the_key_and_follows_offsets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETSY_API_KEY", "etsy-keystring")
    db = tmp_path / "crawl.db"
    with LocalServer(etsy_routes()) as api:
        result = run_scrapy("etsy", {"query": "olive tree"}, db, {"ETSY_API_URL": api.url})
        requests = list(api.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r.path for r in requests] == [f"{SEARCH}&offset=0", f"{SEARCH}&offset=2"]  # no robots.txt
    assert all(r.headers["x-api-key"] == "etsy-keystring" for r in requests)
    assert "etsy-keystring" not in result.stderr + result.stdout
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert set(listings) == {"550571276", "1000000001", "1000000002"}
    assert all(r["search_query"] == "olive tree" and r["marketplace"] == "etsy.com" for r in listings.values())
    assert (listings["1000000001"]["seller_key"], listings["1000000001"]["price"]) == ("30001", 12.5)
    traders = {r["seller_key"]: r for r in rows(db, "SELECT * FROM traders")}
    assert set(traders) == {"12418300", "30001", "30002"}
    assert traders["30002"]["display_name"] == "SaatgutGarten"
    assert "'search_page/etsy': 2," in result.stderr
    assert "item_page/etsy" not in result.stderr  # item_pages=missing: the API names the shop


def test_etsy_reads_listing_pages_with_item_pages_all(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETSY_API_KEY", "etsy-keystring")
    routes = {**etsy_routes(), "/robots.txt": ROBOTS,
              "/listing/550571276/pumpkin-doormat": html(corpus / ETSY_LISTING)}  # the others answer 404  # fmt: skip
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy(
            "etsy", {"query": "olive tree", "site": server.url, "max_pages": "1", "item_pages": "all"}, db,
            {"ETSY_API_URL": server.url},
        )  # fmt: skip
        paths = [r.path for r in server.requests]
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{SEARCH}&offset=2" not in paths  # max_pages=1
    assert sorted(p for p in paths if p.startswith("/listing/")) == [
        "/listing/1000000001/olive-tree-sapling", "/listing/550571276/pumpkin-doormat"
    ]  # fmt: skip
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert set(listings) == {"550571276", "1000000001"}  # the unreadable page leaves the API's listing
    read = listings["550571276"]
    assert (read["seller_key"], read["ships_from"], read["search_query"]) == ("12418300", "US", "olive tree")
    assert read["url"] == "https://www.etsy.com/listing/550571276/pumpkin-doormat"  # the API's link stays
    traders = {r["seller_key"]: r for r in rows(db, "SELECT * FROM traders")}
    assert traders["12418300"]["display_name"] == "OliveCreativeCompany"
    assert run_record(db)["counts"]["page_error/etsy"] == 1
    assert "'item_page/etsy': 2," in result.stderr


def test_etsy_refuses_to_start_without_an_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ETSY_API_KEY", raising=False)
    with pytest.raises(SpiderArgumentError, match="^" + re.escape(NO_KEY)):
        EtsySpider(query="olive tree")
    result = run_scrapy("etsy", {"query": "olive tree"}, tmp_path / "crawl.db")
    assert result.returncode != 0
    assert NO_KEY in result.stderr


# -- arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spider", "arguments", "message"),
    [
        (AmazonSpider, {"query": "a", "item_pages": "some"}, "item_pages must be one of missing, all, none"),
        (AmazonSpider, {"query": "a", "site": "www.amazon.de www.amazon.fr"}, "site: give one amazon site"),
        (AmazonSpider, {"query": "a", "country": "DE"}, "spider 'amazon' does not take country"),
        (EtsySpider, {"query": "a", "max_pages": "0"}, "max_pages must be a whole number"),
        (EtsySpider, {}, "give a query"),
    ],
)
def test_bad_arguments_fail_before_the_crawl(
    spider: type, arguments: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ETSY_API_KEY", "etsy-keystring")
    with pytest.raises(SpiderArgumentError, match="^" + re.escape(message)):
        spider(**arguments)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    amazon = AmazonSpider(query="tulip bulbs")
    assert (amazon.site, amazon.max_pages, amazon.item_pages) == ("https://www.amazon.com", 3, "missing")
    assert amazon.search_url("tulip bulbs") == "https://www.amazon.com/s?k=tulip+bulbs&page=1"
    monkeypatch.setenv("ETSY_API_KEY", "etsy-keystring")
    etsy = EtsySpider(query="tulip bulbs", site="www.etsy.com")
    assert (etsy.site, etsy.api, etsy.item_pages) == ("https://www.etsy.com", "https://openapi.etsy.com", "missing")
    assert etsy.search_url("tulip bulbs") == (
        "https://openapi.etsy.com/v3/application/listings/active?keywords=tulip+bulbs&limit=100&offset=0"
    )
