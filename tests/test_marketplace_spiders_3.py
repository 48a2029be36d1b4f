"""The Facebook Marketplace and leboncoin spiders crawling pages served on 127.0.0.1.

Facebook: the real saved search and item pages (``facebook_marketplace/`` in the shared
corpus) served under their original paths. leboncoin has no saved page (see
tests/test_pages_classifieds.py): its search pages are written here, ads embedded in
``__NEXT_DATA__`` as the page module reads them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import facebook as facebook_page
from spiders.base import SpiderArgumentError
from spiders.facebook import FacebookSpider
from spiders.leboncoin import LeboncoinSpider
from tests.conftest import read_fixture
from tests.localserver import Canned, LocalServer, html, rows, run_record, run_scrapy

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
FB_SEARCH = "facebook_marketplace/marketplace-search-results-sample_2023.html"
FB_ITEM = "facebook_marketplace/marketplace-result-details-sample_2023.html"  # one of FB_SEARCH's listings
HARLEY = "1677104469719388"


# -- Facebook Marketplace ------------------------------------------------------


def test_facebook_search_then_item_pages_for_descriptions(corpus: Path, tmp_path: Path) -> None:
    search = read_fixture(corpus / FB_SEARCH)
    cards = facebook_page.parse_search("https://www.facebook.com/marketplace/boston/search", search).listings
    routes = {
        "/robots.txt": ROBOTS,
        "/marketplace/boston/search": html(search),
        f"/marketplace/item/{HARLEY}/": html(read_fixture(corpus / FB_ITEM)),
    }  # the other item pages answer 404
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("facebook", {"query": "motorcycles", "city": "boston", "site": server.url}, db)
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits["/marketplace/boston/search?query=motorcycles"] == 1  # one page: no link to a next one
    item_hits = {path: n for path, n in hits.items() if path.startswith("/marketplace/item/")}
    assert item_hits == {f"/marketplace/item/{card.listing_id}/": 1 for card in cards}
    assert len(item_hits) == 24

    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert len(listings) == 24  # unreadable item pages leave the search card
    assert all(
        r["search_query"] == "motorcycles" and r["marketplace"] == "facebook.com/marketplace" for r in listings.values()
    )
    harley = listings[HARLEY]
    assert harley["description"].startswith("2003 Harley Davidson Sportster 1200 100th Anniversary")
    assert len(json.loads(harley["image_urls"])) == 6
    assert harley["url"] == f"https://www.facebook.com/marketplace/item/{HARLEY}/"
    assert (harley["price"], harley["currency"], harley["condition"]) == (4500.0, "USD", "used")
    others = [r for key, r in listings.items() if key != HARLEY]
    assert all(r["description"] is None and len(json.loads(r["image_urls"])) == 1 for r in others)

    traders = rows(db, "SELECT seller_key, display_name FROM traders")
    assert len(traders) == 3
    assert {"seller_key": harley["seller_key"], "display_name": "Devan Bartlett"} in traders
    assert run_record(db)["counts"]["page_error/facebook"] == 23
    assert "'search_page/facebook': 1," in result.stderr
    assert "'item_page/facebook': 24," in result.stderr


def test_facebook_item_pages_none_keeps_cards_only(corpus: Path, tmp_path: Path) -> None:
    routes = {"/robots.txt": ROBOTS, "/marketplace/nyc/search": html(read_fixture(corpus / FB_SEARCH))}
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy(
            "facebook",
            {"query": "tulip bulbs; seed potatoes", "city": "nyc", "site": server.url, "item_pages": "none"},
            db,
        )
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == {
        "/robots.txt": 1,
        "/marketplace/nyc/search?query=tulip+bulbs": 1,
        "/marketplace/nyc/search?query=seed+potatoes": 1,
    }
    # The same page answered both searches: each listing is stored once.
    assert rows(db, "SELECT count(*) AS n FROM listings")[0]["n"] == 24
    assert rows(db, "SELECT count(*) AS n FROM traders")[0]["n"] == 3
    assert "page_error/facebook" not in run_record(db)["counts"]


# -- leboncoin -----------------------------------------------------------------


def next_data_page(ads: list[dict[str, Any]], **search: Any) -> str:
    """A leboncoin search page as Next.js serves it: the ads in ``__NEXT_DATA__``, an empty ``__next``."""
    data = {"props": {"pageProps": {"searchData": {"ads": ads, **search}}}, "page": "/recherche", "query": {}}
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Annonces bulbes de tulipes</title>"
        '</head><body><div id="__next"></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data, ensure_ascii=False)}</script>'
        "</body></html>"
    )


def ad(list_id: int, subject: str, owner: dict[str, Any], price: list[int]) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "subject": subject,
        "body": f"{subject}, à venir chercher sur place.",
        "url": f"https://www.leboncoin.fr/ad/jardin/{list_id}",
        "price": price,
        "status": "active",
        "category_name": "Jardin & Plantes",
        "images": {"urls": [f"https://img.leboncoin.fr/api/v1/lbcpb1/images/{list_id}.jpg?rule=ad-image"]},
        "location": {"city": "Angers", "zipcode": "49000", "country_id": "FR"},
        "owner": owner,
        "attributes": [{"key": "condition", "value": "bonetat"}],
    }


NURSERY = {"store_id": "8800123", "user_id": "u-77", "type": "pro", "name": "Pépinière du Val de Loire"}
BULB_SHOP = {"store_id": "8800456", "user_id": "u-78", "type": "pro", "name": "Bulbes & Co"}
MARYSE = {"user_id": "u-1", "type": "private", "name": "Maryse"}
PAGE_1 = [
    ad(2900000001, "Bulbes de tulipes x50", MARYSE, [12]),
    ad(2900000002, "Tulipes perroquet, 20 bulbes", NURSERY, [9]),
    ad(2900000003, "Lot de bulbes de tulipes botaniques", NURSERY, []),
]
PAGE_2 = [
    ad(2900000004, "Bulbes tulipes Darwin", BULB_SHOP, [15]),
    ad(2900000005, "Tulipes noires 'Queen of Night'", NURSERY, [7]),
]


def test_leboncoin_pages_through_results_to_max_pages(tmp_path: Path) -> None:
    # The site says 3 pages; max_pages=2 stops the crawl after page 2.
    routes = {
        "/robots.txt": ROBOTS,
        "/recherche?text=bulbes+de+tulipes&page=1": html(next_data_page(PAGE_1, total=90, max_pages=3)),
        "/recherche?text=bulbes+de+tulipes&page=2": html(next_data_page(PAGE_2, total=90, max_pages=3)),
        "/recherche?text=bulbes+de+tulipes&page=3": html(next_data_page([], total=90, max_pages=3)),
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("leboncoin", {"query": "bulbes de tulipes", "site": server.url, "max_pages": "2"}, db)
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == {
        "/robots.txt": 1,
        "/recherche?text=bulbes+de+tulipes&page=1": 1,
        "/recherche?text=bulbes+de+tulipes&page=2": 1,
    }
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert sorted(listings) == [str(a["list_id"]) for a in PAGE_1 + PAGE_2]
    assert all(
        r["marketplace"] == "leboncoin.fr" and r["search_query"] == "bulbes de tulipes" and r["language"] == "fr"
        for r in listings.values()
    )
    first = listings["2900000001"]
    assert (first["price"], first["currency"], first["ships_from"], first["seller_key"]) == (12.0, "EUR", "FR", "u-1")
    assert first["url"] == "https://www.leboncoin.fr/ad/jardin/2900000001"
    assert first["description"] == "Bulbes de tulipes x50, à venir chercher sur place."
    assert (listings["2900000003"]["price"], listings["2900000003"]["seller_key"]) == (None, "8800123")
    traders = {r["seller_key"]: r for r in rows(db, "SELECT * FROM traders")}
    assert sorted(traders) == ["8800123", "8800456", "u-1"]
    nursery = traders["8800123"]
    assert (nursery["display_name"], nursery["country"]) == ("Pépinière du Val de Loire", "FR")
    assert nursery["profile_url"] == "https://www.leboncoin.fr/boutique/8800123"
    assert traders["u-1"]["profile_url"] is None and traders["u-1"]["country"] is None  # a private person
    assert "'search_page/leboncoin': 2," in result.stderr
    assert "page_error/leboncoin" not in run_record(db)["counts"]


def test_leboncoin_stops_on_the_last_page_and_counts_unreadable_ones(tmp_path: Path) -> None:
    # "tulipes": the site says two pages, so page 2 is the last. "olivier": no __NEXT_DATA__.
    routes = {
        "/robots.txt": ROBOTS,
        "/recherche?text=tulipes&page=1": html(next_data_page(PAGE_1, total=5, max_pages=2)),
        "/recherche?text=tulipes&page=2": html(next_data_page(PAGE_2, total=5, max_pages=2)),
        "/recherche?text=olivier&page=1": html("<!DOCTYPE html><html><body><div id='__next'></div></body></html>"),
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("leboncoin", {"query": "tulipes; olivier", "site": server.url}, db)
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == {path: 1 for path in routes}
    assert rows(db, "SELECT count(*) AS n FROM listings")[0]["n"] == 5
    assert run_record(db)["counts"]["page_error/leboncoin"] == 1
    assert "'search_page/leboncoin': 2," in result.stderr


# -- arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spider", "arguments", "message"),
    [
        (FacebookSpider, {"query": "a"}, "city: give the Marketplace city to search, e.g. -a city=boston"),
        (FacebookSpider, {"query": "a", "city": "new york"}, "city must be a Marketplace location slug"),
        (FacebookSpider, {"query": "a", "city": "boston/../login"}, "city must be a Marketplace location slug"),
        (FacebookSpider, {"query": "a", "city": "boston", "site": "a.com b.com"}, "site: give one facebook site"),
        (FacebookSpider, {"city": "boston"}, "give a query"),
        (LeboncoinSpider, {"query": "a", "item_pages": "all"}, "item_pages=all: leboncoin search pages carry"),
        (LeboncoinSpider, {"query": "a", "city": "paris"}, "spider 'leboncoin' does not take city"),
    ],
)
def test_bad_arguments_fail_before_the_crawl(spider: type, arguments: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match="^" + re.escape(message)):
        spider(**arguments)


def test_defaults() -> None:
    fb = FacebookSpider(query="seed potatoes", city="Boston")
    assert (fb.site, fb.city, fb.max_pages, fb.item_pages) == ("https://www.facebook.com", "boston", 1, "missing")
    assert fb.search_url("seed potatoes") == "https://www.facebook.com/marketplace/boston/search?query=seed+potatoes"
    assert FacebookSpider(query="a", city="112548152092705").city == "112548152092705"
    lbc = LeboncoinSpider(query="bulbes de tulipes")
    assert (lbc.site, lbc.max_pages, lbc.item_pages) == ("https://www.leboncoin.fr", 5, "none")
    assert lbc.search_url("bulbes de tulipes") == "https://www.leboncoin.fr/recherche?text=bulbes+de+tulipes&page=1"
