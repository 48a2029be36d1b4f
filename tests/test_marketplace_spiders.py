"""The eBay and Craigslist spiders crawling real saved pages served on 127.0.0.1 under their original paths."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from crawler.pages import craigslist as craigslist_page
from crawler.pages import ebay as ebay_page
from spiders.base import SpiderArgumentError
from spiders.craigslist import CraigslistSpider
from spiders.ebay import EbaySpider
from tests.conftest import read_fixture
from tests.localserver import Canned, LocalServer, html, rows, run_record, run_scrapy

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
EARBUDS = "ebay_com_search_wireless-earbuds_s-card_2026-03.html"
CHARIZARD = "ebay_com_search_charizard_s-card_ko-KR-locale_2025-12.html"  # cards without sellers
ITEM = "ebay_com_item_226771798286_new-layout_2025-06.html"
BROWSE = "ebay_browse_api_item_summary_search_q-iphone_best-match_limit100_2023.json"
CL_SEARCH = "craigslist-search-results-sample_2023.html"
CL_LAST = "craigslist-search-results-last-page-sample_2023.html"
CL_POSTING = "craigslist-result-details-sample_2023.html"  # one of CL_SEARCH's results


# -- eBay web pages ------------------------------------------------------------


def test_ebay_search_page_gives_every_card_its_seller_and_search(corpus: Path, tmp_path: Path) -> None:
    body = read_fixture(corpus / "ebay" / EARBUDS)
    expected = ebay_page.parse_search("https://www.ebay.com/sch/i.html", body)
    db = tmp_path / "crawl.db"
    with LocalServer({"/robots.txt": ROBOTS, "/sch/i.html": html(corpus / "ebay" / EARBUDS)}) as server:
        result = run_scrapy(
            "ebay", {"query": "wireless earbuds", "site": server.url, "max_pages": "1", "item_pages": "none"}, db
        )
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == {"/robots.txt": 1, "/sch/i.html?_nkw=wireless+earbuds&_pgn=1": 1}  # the next page is not followed
    listings = rows(db, "SELECT listing_id, seller_key, search_query FROM listings")
    assert len(listings) == len(expected.listings) == 60
    assert {r["listing_id"] for r in listings} == {x.listing_id for x in expected.listings}
    assert all(r["seller_key"] and r["search_query"] == "wireless earbuds" for r in listings)
    traders = rows(db, "SELECT seller_key, feedback_count FROM traders")
    assert len(traders) == len(expected.traders) == 40
    assert all(t["feedback_count"] is not None for t in traders)
    assert "'search_page/ebay': 1," in result.stderr


def test_ebay_follows_next_link_onto_our_site_and_stops_at_max_pages(corpus: Path, tmp_path: Path) -> None:
    # Page 1's "next" link points at https://www.ebay.com/...&_pgn=2; page 2 (another search) has a next link too.
    routes = {
        "/robots.txt": ROBOTS,
        "/sch/i.html?_nkw=wireless+earbuds&_pgn=1": html(corpus / "ebay" / EARBUDS),
        "/sch/i.html?_nkw=wireless+earbuds&_sop=12&_pgn=2": html(corpus / "ebay" / CHARIZARD),
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy(
            "ebay", {"query": "wireless earbuds", "site": server.url, "max_pages": "2", "item_pages": "none"}, db
        )
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == {path: 1 for path in routes}
    assert rows(db, "SELECT count(*) AS n FROM listings")[0]["n"] == 120
    assert "'search_page/ebay': 2," in result.stderr


def test_ebay_visits_item_pages_of_cards_without_seller_and_keeps_the_rest(corpus: Path, tmp_path: Path) -> None:
    body = read_fixture(corpus / "ebay" / CHARIZARD)
    cards = ebay_page.parse_search("https://www.ebay.com/sch/i.html", body).listings
    first = cards[0].listing_id
    routes = {"/robots.txt": ROBOTS, "/sch/i.html": html(corpus / "ebay" / CHARIZARD),
              f"/itm/{first}": html(corpus / "ebay" / ITEM)}  # the others answer 404  # fmt: skip
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("ebay", {"query": "charizard", "site": server.url, "max_pages": "1"}, db)
        item_hits = sum(n for path, n in server.hits.items() if path.startswith("/itm/"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert item_hits == len(cards) == 60
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert len(listings) == 60  # unreadable item pages leave the search card
    visited = listings[first]
    assert (visited["seller_key"], visited["ships_from"]) == ("salomon0651", "FR")
    assert visited["search_query"] == "charizard" and visited["url"].endswith(f"/itm/{first}")
    assert rows(db, "SELECT seller_key, feedback_count FROM traders") == [
        {"seller_key": "salomon0651", "feedback_count": 113}
    ]
    assert run_record(db)["counts"]["page_error/ebay"] == 59
    assert "'item_page/ebay': 60," in result.stderr


# -- eBay Browse API -----------------------------------------------------------


def test_ebay_browse_api_with_credentials(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EBAY_CLIENT_ID", "test-client")
    monkeypatch.setenv("EBAY_CLIENT_SECRET", "s3cret-do-not-log")
    page = json.loads(read_fixture(corpus / "ebay" / BROWSE))  # its "next" points at api.ebay.com
    token = json.dumps({"access_token": "v^1.1#token", "expires_in": 7200, "token_type": "Application Access Token"})
    routes = {
        "/identity/v1/oauth2/token": Canned(body=token.encode()),
        "/buy/browse/v1/item_summary/search": Canned(body=json.dumps(page).encode()),
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as api:
        result = run_scrapy(
            "ebay", {"query": "iphone", "country": "US", "marketplace_id": "EBAY_US", "max_pages": "2"}, db,
            {"EBAY_API_URL": api.url, "LOG_LEVEL": "DEBUG"},
        )  # fmt: skip
        requests = api.requests
    assert result.returncode == 0, result.stderr[-3000:]
    assert "s3cret-do-not-log" not in result.stderr + result.stdout
    token_request, *searches = requests
    assert (token_request.method, token_request.path) == ("POST", "/identity/v1/oauth2/token")
    assert (
        token_request.headers["Authorization"] == "Basic " + base64.b64encode(b"test-client:s3cret-do-not-log").decode()
    )
    assert token_request.body == b"grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope"
    assert [s.path for s in searches] == [
        "/buy/browse/v1/item_summary/search?q=iphone&limit=200&filter=itemLocationCountry%3AUS",
        "/buy/browse/v1/item_summary/search?q=iphone&limit=100&offset=100",  # "next", on our API host
    ]
    for search in searches:
        assert search.headers["Authorization"] == "Bearer v^1.1#token"
        assert search.headers["X-EBAY-C-MARKETPLACE-ID"] == "EBAY_US"
    listings = rows(db, "SELECT marketplace, seller_key, search_query FROM listings")
    assert len(listings) == 100  # page 2 repeats page 1
    assert all(r["marketplace"] == "ebay.com" and r["search_query"] == "iphone" for r in listings)
    assert rows(db, "SELECT count(*) AS n FROM traders")[0]["n"] == 38


def test_ebay_refused_credentials_are_reported_without_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EBAY_CLIENT_ID", "test-client")
    monkeypatch.setenv("EBAY_CLIENT_SECRET", "s3cret-do-not-log")
    refused = Canned(401, b'{"error": "invalid_client"}')
    db = tmp_path / "crawl.db"
    with LocalServer({"/identity/v1/oauth2/token": refused}) as api:
        result = run_scrapy("ebay", {"query": "iphone"}, db, {"EBAY_API_URL": api.url, "LOG_LEVEL": "DEBUG"})
        paths = [r.path for r in api.requests]
    assert result.returncode == 0, result.stderr[-3000:]
    assert paths == ["/identity/v1/oauth2/token"]
    assert "eBay refused the API credentials of client test-client" in result.stderr
    assert "s3cret-do-not-log" not in result.stderr + result.stdout
    assert run_record(db)["counts"]["page_error/ebay"] == 1


# -- Craigslist ----------------------------------------------------------------


def test_craigslist_pages_through_results_and_reads_postings(corpus: Path, tmp_path: Path) -> None:
    search = read_fixture(corpus / "craigslist" / CL_SEARCH)
    first = craigslist_page.parse_search("https://boston.craigslist.org/search/sss", search).listings
    posting = next(x for x in first if x.listing_id == "7692736931")
    routes = {
        "/robots.txt": ROBOTS,
        "/search/sss?query=solar+light": html(corpus / "craigslist" / CL_SEARCH),
        "/search/sss?query=solar+light&s=120": html(corpus / "craigslist" / CL_LAST),
        "/nos/for/d/peabody-solar-tea-light/7692736931.html": html(corpus / "craigslist" / CL_POSTING),
    }  # the other postings answer 404
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("craigslist", {"query": "solar light", "site": server.url}, db)
        hits = server.hits
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits["/search/sss?query=solar+light"] == hits["/search/sss?query=solar+light&s=120"] == 1
    assert sum(n for path, n in hits.items() if path.endswith(".html")) == 124
    listings = {r["listing_id"]: r for r in rows(db, "SELECT * FROM listings")}
    assert len(listings) == 124
    assert all(r["search_query"] == "solar light" and r["marketplace"] == "craigslist.org" for r in listings.values())
    read = listings["7692736931"]
    assert read["description"].startswith("Small solar tea light") and read["url"] == posting.url
    assert read["price"] == 5.0
    assert run_record(db)["counts"]["page_error/craigslist"] == 123
    assert "'search_page/craigslist': 2," in result.stderr


# -- arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spider", "arguments", "message"),
    [
        (EbaySpider, {"category": "orchids"}, "no keywords for category 'orchids' (the catalogue has: "),
        (EbaySpider, {"category": "seeds", "lang": "xx"}, "no seeds keywords in xx"),
        (EbaySpider, {"query": "a", "category": "seeds"}, "give either query or category, not both"),
        (EbaySpider, {}, "give a query"),
        (EbaySpider, {"query": "a", "item_pages": "some"}, "item_pages must be one of missing, all, none"),
        (EbaySpider, {"query": "a", "max_pages": "0"}, "max_pages must be a whole number"),
        (EbaySpider, {"query": "a", "country": "Atlantis"}, "country must be a two-letter ISO code"),
        (EbaySpider, {"query": "a", "marketplace_id": "US"}, "marketplace_id must be an eBay marketplace"),
        (EbaySpider, {"query": "a", "site": "ftp://ebay.de"}, "site: 'ftp://ebay.de' is not a web address"),
        (CraigslistSpider, {"query": "a"}, "site: give one craigslist site, e.g. -a site=https://boston"),
        (
            CraigslistSpider,
            {"query": "a", "site": "boston.craigslist.org", "country": "US"},
            "spider 'craigslist' does not take country (it takes: category, item_pages",
        ),
    ],
)
def test_bad_arguments_fail_before_the_crawl(spider: type, arguments: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match="^" + re.escape(message)):
        spider(**arguments)


def test_defaults() -> None:
    ebay = EbaySpider(query="tulip bulbs; seed potatoes")
    assert [t.text for t in ebay.terms] == ["tulip bulbs", "seed potatoes"]
    assert (ebay.site, ebay.max_pages, ebay.item_pages, ebay.marketplace_id) == (
        "https://www.ebay.com",
        5,
        "missing",
        "EBAY_US",
    )
    assert ebay.search_url("tulip bulbs") == "https://www.ebay.com/sch/i.html?_nkw=tulip+bulbs&_pgn=1"
    cl = CraigslistSpider(category="seeds", lang="en", site="boston.craigslist.org")
    assert cl.terms and all(t.category == "seeds" and t.lang == "en" for t in cl.terms)
    assert (cl.site, cl.max_pages, cl.item_pages) == ("https://boston.craigslist.org", 3, "all")
    assert cl.search_url("seed potatoes") == "https://boston.craigslist.org/search/sss?query=seed+potatoes"


def test_unknown_category_fails_the_scrapy_command(tmp_path: Path) -> None:
    result = run_scrapy("ebay", {"category": "orchids"}, tmp_path / "crawl.db")
    assert result.returncode != 0
    assert "no keywords for category 'orchids'" in result.stderr
