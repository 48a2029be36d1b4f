"""The recrawl policy: a known listing's item page is read again by risk and age, never-read pages always."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.items import Listing
from crawler.pages import ebay as ebay_page
from crawler.recrawl import DEFAULT_DAYS, RecrawlPolicy, modified_since
from crawler.store import Store
from crawler.store.lookup import ListingLookup
from tests.conftest import read_fixture
from tests.localserver import Canned, LocalServer, html, rows, run_record, run_scrapy

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=timezone.utc)


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat()


def test_stated_defaults() -> None:
    assert DEFAULT_DAYS == {"high": 1, "medium": 7, "low": 30, "none": 30}


@pytest.mark.parametrize(("risk", "visited", "due"), [
    ("high", None, True),                     # never read: always
    ("none", None, True),
    ("high", ago(hours=23), True),            # every night, a little early included
    ("high", ago(hours=12), False),           # not twice a night
    ("medium", ago(days=6, hours=23), True),
    ("medium", ago(days=5), False),
    ("low", ago(days=29, hours=22), True),
    ("low", ago(days=20), False),
    ("none", ago(days=20), False),
    (None, ago(hours=23), True),              # not yet classified: as high
    ("high", "not a date", True),
])  # fmt: skip
def test_due_by_risk_and_age(risk: str | None, visited: str | None, due: bool) -> None:
    assert RecrawlPolicy().due(risk, visited, NOW) is due


def test_settings_override_the_days_and_bad_values_are_refused() -> None:
    policy = RecrawlPolicy.from_setting({"none": 0, "high": "2"})
    assert policy.days == {"high": 2.0, "medium": 7, "low": 30, "none": 0.0}
    assert policy.due("none", ago(minutes=5), NOW)  # 0 days: every run
    assert not policy.due("high", ago(hours=30), NOW)
    for bad in ({"urgent": 1}, {"high": "often"}, {"low": -1}):
        with pytest.raises(ValueError, match="PHYTOWATCH_RECRAWL_DAYS"):
            RecrawlPolicy.from_setting(bad)


def test_lookup_reads_only_what_it_is_asked_and_knows_nothing_without_a_database(tmp_path: Path) -> None:
    assert ListingLookup(tmp_path / "none.db").known("ebay.com", ["1"]) == {}
    with Store(tmp_path / "s.db") as store:
        for n, page in ((1, True), (2, False)):
            store.save_listing(Listing(marketplace="ebay.com", listing_id=str(n), url=f"https://ebay.com/itm/{n}",
                                       title="Tulip bulbs", item_page=page, fetched_at=ago(days=1)),
                               classification={"categories": ["bulbs_tubers"], "risk": "high", "model_version": "t"})
    lookup = ListingLookup(tmp_path / "s.db")
    known = lookup.known("ebay.com", ["1", "2", "3"] + [str(n) for n in range(1000, 2000)])
    lookup.close()
    assert sorted(known) == ["1", "2"]
    assert (known["1"].risk, known["1"].item_page_at, known["2"].item_page_at) == ("high", ago(days=1), None)


@pytest.mark.parametrize(("lastmod", "read", "modified"), [
    (None, ago(days=1), False),                          # the sitemap says nothing: the policy decides
    ("", ago(days=1), False),
    ("2026-11-09", ago(days=1), True),                   # read at 02:00 on the 9th, modified that day: maybe after
    ("2026-11-08", ago(days=1), False),
    ("2026-11-09T01:00:00+00:00", ago(days=1), False),
    ("2026-11-09T03:00:00+00:00", ago(days=1), True),
    ("2026-11-09T04:00:00+03:00", ago(days=1), False),   # 01:00 UTC
    ("2026-11-09T03:00:00Z", ago(days=1), True),
    ("2026-11-09T03:00:00", ago(days=1), True),          # no zone: UTC
    ("2026-11-10", ago(days=1), True),
    ("last Tuesday", ago(days=1), True),                 # unreadable: fetch
    ("2026-11-09T03:00+00:00", ago(days=1), True),       # minutes without seconds (W3C datetime allows it)
    ("2026-11-09T00:30:00.25Z", ago(days=1), False),     # fractions of a second
    # a month or a year counts from its start (its end would fetch the page every night until it is over)
    ("2026-11", ago(days=1), False),
    ("2026", ago(days=1), False),
    ("2026-11", "2026-10-31T23:00:00+00:00", True),      # a month that began after the read
    ("2026", "2025-12-31T02:00:00+00:00", True),
    ("2026-13", ago(days=1), True),                      # no such month: unreadable
    ("26", ago(days=1), True),
    ("2026-11-01", None, True),                          # never read
])  # fmt: skip
def test_lastmod_later_than_the_last_read(lastmod: str | None, read: str | None, modified: bool) -> None:
    assert modified_since(lastmod, read) is modified


def test_lookup_by_url_finds_a_shops_active_listings_at_each_page(tmp_path: Path) -> None:
    page = "https://bulbs.example/p/tulips.html"
    assert ListingLookup(tmp_path / "none.db").known_at_urls("bulbs.example", [page]) == {}
    with Store(tmp_path / "s.db") as store:
        for n, marketplace, url in ((1, "bulbs.example", page), (2, "bulbs.example", page),  # two products, one page
                                    (3, "bulbs.example", "https://bulbs.example/p/3.html"),
                                    (4, "other.example", page), (5, "bulbs.example", "https://bulbs.example/p/5.html")):
            store.save_listing(Listing(marketplace=marketplace, listing_id=str(n), url=url, title="Tulip bulbs",
                                       seller_key="bulbs.example", item_page=True, fetched_at=ago(days=1)))
        store.conn.execute("UPDATE listings SET delisted_at = ? WHERE listing_id = '5'", (ago(hours=1),))
        store.conn.commit()
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT listing_id FROM listings"
                                  " WHERE marketplace = 'bulbs.example' AND url IN ('a', 'b')").fetchall()
    lookup = ListingLookup(tmp_path / "s.db")
    known = lookup.known_at_urls("bulbs.example", [page, "https://bulbs.example/p/5.html",
                                                   *(f"https://bulbs.example/p/{n}.html" for n in range(1000, 2000))])
    lookup.close()
    assert list(known) == [page]  # not another shop's, not a delisted one (its page must be read to relist it)
    assert sorted((k.listing_id, k.seller_key, k.item_page_at) for k in known[page]) == [
        ("1", "bulbs.example", ago(days=1)), ("2", "bulbs.example", ago(days=1))]
    assert any("idx_listings_url" in str(step) for step in plan)


def test_lookup_by_url_also_finds_listings_by_the_address_their_page_was_read_through(tmp_path: Path) -> None:
    final, redirecting = "https://bulbs.example/products/tulips", "https://bulbs.example/p/tulips.html"
    with Store(tmp_path / "s.db") as store:
        store.save_listing(Listing(marketplace="bulbs.example", listing_id="1", url=final, page_url=redirecting,
                                   title="Tulip bulbs", item_page=True, fetched_at=ago(days=1)))
        store.save_listing(Listing(marketplace="bulbs.example", listing_id="2", url=redirecting, page_url=redirecting,
                                   title="Tulip bulbs, 20", item_page=True, fetched_at=ago(days=1)))
        plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT listing_id FROM listings"
                                  " WHERE marketplace = 'bulbs.example' AND page_url IN ('a', 'b')").fetchall()
        # a page read again without the redirect keeps the address it was read through (None erases nothing)
        store.save_listing(Listing(marketplace="bulbs.example", listing_id="1", url=final, title="Tulip bulbs",
                                   item_page=True, fetched_at=ago(hours=1)))
        assert store.get_listing("bulbs.example", "1")["page_url"] == redirecting  # type: ignore[index]
    lookup = ListingLookup(tmp_path / "s.db")
    known = lookup.known_at_urls("bulbs.example", [redirecting, final])
    lookup.close()
    assert sorted(k.listing_id for k in known[redirecting]) == ["1", "2"]  # by page_url, and by url: once each
    assert [k.listing_id for k in known[final]] == ["1"]
    assert any("idx_listings_page_url" in str(step) for step in plan)


ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
CHARIZARD = "ebay_com_search_charizard_s-card_ko-KR-locale_2025-12.html"  # cards without sellers
ITEM = "ebay_com_item_226771798286_new-layout_2025-06.html"


def test_a_second_night_reads_only_the_item_pages_that_are_due(corpus: Path, tmp_path: Path) -> None:
    body = read_fixture(corpus / "ebay" / CHARIZARD)
    cards = ebay_page.parse_search("https://www.ebay.com/sch/i.html", body).listings
    first = cards[0].listing_id
    routes = {"/robots.txt": ROBOTS, "/sch/i.html": html(corpus / "ebay" / CHARIZARD),
              f"/itm/{first}": html(corpus / "ebay" / ITEM)}  # the other item pages answer 404  # fmt: skip
    db = tmp_path / "crawl.db"
    arguments = {"query": "charizard", "max_pages": "1"}
    item_hits = []
    with LocalServer(routes) as server:
        every_night = {"PHYTOWATCH_RECRAWL_DAYS": json.dumps(dict.fromkeys(("high", "medium", "low", "none"), 0))}
        for settings in ({}, {}, every_night):
            before = sum(n for path, n in server.hits.items() if path.startswith("/itm/"))
            result = run_scrapy("ebay", {**arguments, "site": server.url}, db, settings)
            assert result.returncode == 0, result.stderr[-3000:]
            item_hits.append(sum(n for path, n in server.hits.items() if path.startswith("/itm/")) - before)
    # night 1 reads all 60; night 2 skips the one page it read (its listing is not high risk, so
    # monthly) and retries the 59 that failed; with every risk due every night, all 60 again
    assert item_hits == [60, 59, 60]
    assert run_record(db, 2)["counts"]["item_page_not_due/ebay"] == 1
    visited = rows(db, f"SELECT * FROM listings WHERE listing_id = '{first}'")[0]
    assert visited["risk"] in ("low", "none") and visited["item_page_at"] is not None
    assert (visited["times_seen"], visited["seller_key"]) == (3, "salomon0651")  # seen from its card on night 2
    assert rows(db, "SELECT count(*) AS n FROM listings WHERE times_seen = 3")[0]["n"] == 60
