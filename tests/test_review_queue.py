"""The review queue: what it shows, in which order, its filters, keyset pages and the plans behind them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from classifiers.types import CATEGORIES, RISK_LEVELS, risk_for
from crawler.items import Listing
from crawler.review import queue as queue_module
from crawler.review.decisions import check_decision, decide, decide_bulk
from crawler.review.queue import (
    Cursor,
    FilterError,
    QueueFilters,
    bulk_listing_ids,
    bulk_scope,
    fts_query,
    queue_page,
)
from crawler.store import Store
from crawler.store import migrations as migrations_module
from tests.review_data import DELISTED_AT, build_store, delist, verdict


@pytest.fixture()
def small(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    ids = build_store(tmp_path / "small.db")
    with Store(tmp_path / "small.db") as store:
        yield store, ids  # type: ignore[misc]


def keys(store: Store, filters: dict[str, str]) -> list[str]:
    page = queue_page(store, QueueFilters.from_args(filters))
    return [row["listing_id"] for row in page.rows]


def test_the_default_queue_is_undecided_flagged_listings_riskiest_then_newest(small: Any) -> None:
    store, _ = small
    assert keys(store, {}) == ["tulips", "tomato", "hostile", "hyacinth", "mango"]  # the garden hose is not flagged


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "seeds"}, ["tomato", "hostile"]),
        ({"country": "nl"}, ["tulips", "hyacinth"]),
        ({"country": "NL", "status": "all"}, ["tulips", "hyacinth", "hose"]),
        ({"marketplace": "etsy.com"}, ["tomato"]),
        ({"risk": "medium"}, ["mango"]),
        ({"risk": "none"}, []),
        ({"risk": "none", "status": "undecided"}, ["hose"]),
        ({"taxa_list": "EU IAS Union list"}, ["hyacinth"]),
        ({"taxa_list": "GB quarantine pests"}, []),
        ({"watch": "nightly-test"}, ["tulips", "tomato", "hostile", "hyacinth", "mango"]),
        ({"watch": "another-watch"}, []),
        ({"since": "2026-10-03"}, ["tulips", "tomato", "mango"]),
        ({"until": "2026-10-02"}, ["hostile", "hyacinth"]),
        ({"since": "2026-10-02", "until": "2026-10-03"}, ["tomato", "hostile"]),
        ({"q": "tulip*"}, ["tulips"]),
        ({"q": "seeds sowing"}, ["tomato", "hostile"]),
        ({"q": "Eichhornia", "country": "NL", "category": "plants_for_planting"}, ["hyacinth"]),
        ({"status": "needs_review"}, ["tomato"]),
        ({"status": "all"}, ["tulips", "tomato", "hostile", "hyacinth", "mango", "hose"]),
    ],
)
def test_filters(small: Any, filters: dict[str, str], expected: list[str]) -> None:
    store, _ = small
    assert keys(store, filters) == expected


def test_decided_listings_leave_the_queue_and_are_found_by_their_decision(small: Any) -> None:
    store, ids = small
    decide(store, ids["tulips"], check_decision("confirm", None, "bulbs of a listed genus"), "anna")
    decide(store, ids["mango"], check_decision("dismiss", "processed fruit", None), "anna")
    decide(store, ids["mango"], check_decision("refer", None, "second look: fresh after all"), "ben")
    assert keys(store, {}) == ["tomato", "hostile", "hyacinth"]
    assert keys(store, {"status": "confirm"}) == ["tulips"]
    assert keys(store, {"status": "refer"}) == ["mango"]  # the latest decision counts
    assert keys(store, {"status": "dismiss"}) == []
    row = store.conn.execute("SELECT review_status, reviewed_at FROM listings WHERE id = ?", (ids["mango"],)).fetchone()
    assert row[0] == "refer" and row[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"status": "maybe"}, "unknown status"),
        ({"category": "trees"}, "unknown category"),
        ({"risk": "extreme"}, "unknown risk"),
        ({"country": "NLD"}, "not a two-letter ISO 3166 code"),
        ({"since": "yesterday"}, "not a date like 2026-11-01"),
        ({"q": "x" * 201}, "longer than 200 characters"),
        ({"listed": "gone"}, "unknown listed 'gone': choose on_sale or delisted, or nothing for both"),
    ],
)
def test_bad_filter_values_are_named(args: dict[str, str], message: str) -> None:
    with pytest.raises(FilterError, match=message):
        QueueFilters.from_args(args)


@pytest.fixture()
def some_delisted(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    """The small store with the tulips, the hostile listing and the garden hose gone from their pages."""
    ids = build_store(tmp_path / "delisted.db")
    delist(tmp_path / "delisted.db", [ids["tulips"], ids["hostile"], ids["hose"]])
    with Store(tmp_path / "delisted.db") as store:
        yield store, ids  # type: ignore[misc]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["tulips", "tomato", "hostile", "hyacinth", "mango"]),  # both by default: the queue did not change
        ({"listed": ""}, ["tulips", "tomato", "hostile", "hyacinth", "mango"]),
        ({"listed": "on_sale"}, ["tomato", "hyacinth", "mango"]),
        ({"listed": "delisted"}, ["tulips", "hostile"]),
        ({"listed": "delisted", "status": "all"}, ["tulips", "hostile", "hose"]),
        ({"listed": "delisted", "category": "seeds"}, ["hostile"]),
        ({"listed": "delisted", "country": "NL"}, ["tulips"]),
        ({"listed": "on_sale", "q": "seeds"}, ["tomato"]),
        ({"listed": "on_sale", "status": "undecided", "risk": "none"}, []),
    ],
)
def test_the_listed_filter(some_delisted: Any, filters: dict[str, str], expected: list[str]) -> None:
    store, _ = some_delisted
    assert keys(store, filters) == expected


def test_queue_rows_say_when_a_listing_was_delisted(some_delisted: Any) -> None:
    store, _ = some_delisted
    rows = {row["listing_id"]: row for row in queue_page(store, QueueFilters()).rows}
    assert rows["tulips"]["delisted_at"] == DELISTED_AT and rows["tomato"]["delisted_at"] is None
    filters = QueueFilters.from_args({"listed": "delisted", "category": "seeds"})
    assert filters.to_args() == {"category": "seeds", "listed": "delisted"}
    assert QueueFilters.from_args(filters.to_args()) == filters


def test_bulk_decisions_honour_the_listed_filter(some_delisted: Any) -> None:
    store, ids = some_delisted
    filters = QueueFilters(listed="delisted")
    count, upto = bulk_scope(store, filters)
    assert (count, upto) == (2, max(ids["tulips"], ids["hostile"]))
    chosen = bulk_listing_ids(store, filters, upto)
    assert sorted(chosen) == sorted([ids["tulips"], ids["hostile"]])
    assert decide_bulk(store, chosen, check_decision("dismiss", "no longer offered", None), "ben") == 2
    assert keys(store, {"listed": "delisted"}) == [] and keys(store, {}) == ["tomato", "hyacinth", "mango"]


def test_search_words_become_quoted_phrases() -> None:
    assert fts_query('tulip "bulbs" OR NEAR(x) col:val') == '"tulip" "bulbs" "OR" "NEAR(x)" "col:val"'
    assert fts_query("tulip* *") == '"tulip"*'
    assert fts_query('""') == ""
    assert QueueFilters.from_args({"q": '" *'}).q is None


def test_damaged_page_links_are_refused() -> None:
    for token in ("x", "1|2", "a|2026|3", "1|2026|b", "1|" + "x" * 50 + "|3"):
        with pytest.raises(FilterError):
            Cursor.parse(token)
    assert Cursor.parse("0|2026-10-01T08:00:00+00:00|7") == Cursor(0, "2026-10-01T08:00:00+00:00", 7)


# -- keyset pages over a bigger store -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 listings with random verdicts, countries, marketplaces and dates (many ties), some decided."""
    rng = random.Random(6)
    path = tmp_path_factory.mktemp("queue") / "big.db"
    words = ["tulip", "seeds", "rose", "hose", "soil", "mango", "bark", "ladybird"]
    with Store(path) as store, store.batch():
        for n in range(300):
            cats = [rng.choice(CATEGORIES)]
            day = f"2026-{rng.randint(9, 10):02d}-{rng.randint(1, 3):02d}T08:00:00+00:00"  # few dates: ties
            listing = Listing(rng.choice(["ebay.de", "etsy.com", "shop.example"]), f"L{n}", f"https://x/{n}",
                              " ".join(rng.sample(words, 3)), ships_from=rng.choice(["NL", "DE", "CN"]),
                              seller_key=f"s{n % 17}", fetched_at=day)  # fmt: skip
            store.save_listing(listing, classification=verdict(cats, risk_for(cats), needs_review=rng.random() < 0.2))
        for n in rng.sample(range(1, 301), 40):
            store.record_decision(n, rng.choice(["confirm", "dismiss", "refer", "contact"]), "anna", reason="r")
    delist(path, random.Random(9).sample(range(1, 301), 100))  # a third gone from their pages
    return path


def all_pages(store: Store, filters: QueueFilters, size: int) -> list[int]:
    seen: list[int] = []
    page = queue_page(store, filters, None, size)
    while True:
        seen += [row["id"] for row in page.rows]
        if page.next_cursor is None:
            return seen
        assert len(page.rows) == size
        page = queue_page(store, filters, Cursor.parse(page.next_cursor.token()), size)


def expected_order(store: Store, filters: QueueFilters) -> list[int]:
    """The same listings by a plain query and a sort in Python: the queue's definition, written differently."""
    rows = list(store.db.query("SELECT l.*, (SELECT group_concat(rowid) FROM listings_fts WHERE listings_fts MATCH"
                               " coalesce(?, 'zzzz') AND rowid = l.id) AS hit FROM listings l",
                               [queue_module.fts_query(filters.q) if filters.q else None]))  # fmt: skip

    def keep(r: dict[str, Any]) -> bool:
        rank = 3 if r["risk_rank"] is None else r["risk_rank"]
        status_ok = {
            "open": r["review_status"] is None and (rank < 3 or r["needs_review"] == 1),
            "needs_review": r["review_status"] is None and r["needs_review"] == 1,
            "undecided": r["review_status"] is None,
            "all": True,
        }.get(filters.status, r["review_status"] == filters.status)
        return bool(status_ok
                    and (not filters.category or f'"{filters.category}"' in r["categories"])
                    and (not filters.country or r["ships_from"] == filters.country)
                    and (not filters.marketplace or r["marketplace"] == filters.marketplace)
                    and (not filters.risk or rank == RISK_LEVELS.index(filters.risk))
                    and (not filters.since or r["first_seen"] >= filters.since)
                    and (not filters.listed or (r["delisted_at"] is None) == (filters.listed == "on_sale"))
                    and (not filters.q or r["hit"]))  # fmt: skip

    kept = [r for r in rows if keep(r)]
    kept.sort(key=lambda r: (3 if r["risk_rank"] is None else r["risk_rank"], _neg(r["first_seen"]), -r["id"]))
    return [r["id"] for r in kept]


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


CASES = [
    {}, {"status": "all"}, {"status": "undecided"}, {"status": "needs_review"}, {"status": "confirm"},
    {"category": "seeds"}, {"country": "CN"}, {"country": "DE", "status": "all"}, {"marketplace": "etsy.com"},
    {"risk": "high"}, {"risk": "medium", "status": "all"}, {"since": "2026-10-02"}, {"q": "tulip"},
    {"q": "tulip rose", "country": "NL"}, {"q": "soil", "category": "soil_growing_media", "status": "all"},
    {"listed": "delisted"}, {"listed": "on_sale", "status": "all"}, {"listed": "delisted", "country": "CN"},
    {"listed": "on_sale", "q": "tulip"}, {"listed": "delisted", "risk": "high"},
    {"listed": "delisted", "status": "all", "since": "2026-10-02"},
]  # fmt: skip


@pytest.mark.parametrize("drive_limit", [0, 10**6], ids=["index-order", "filter-first"])
@pytest.mark.parametrize("filters", CASES, ids=[str(c) or "default" for c in CASES])
def test_pages_follow_each_other_without_gaps_or_repeats(big: Path, filters: dict[str, str], drive_limit: int,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Both plans (walking the queue index, or starting from a selective filter) give the same pages."""
    monkeypatch.setattr(queue_module, "DRIVE_LIMIT", drive_limit)
    with Store(big) as store:
        parsed = QueueFilters.from_args(filters)
        expected = expected_order(store, parsed)
        assert all_pages(store, parsed, 7) == expected
        assert all_pages(store, parsed, 500) == expected


def _plan(store: Store, filters: QueueFilters, after: Cursor | None) -> list[str]:
    """EXPLAIN QUERY PLAN of the queries queue_page runs (recorded by wrapping the store's query)."""
    plans: list[str] = []
    original = store.db.query

    def explain(sql: str, params: list[Any]) -> Any:
        plans.extend(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        return original(sql, params)

    store.db.query = explain  # type: ignore[method-assign]
    try:
        queue_page(store, filters, after)
    finally:
        store.db.query = original  # type: ignore[method-assign]
    return plans


def test_pages_are_index_seeks_in_queue_order_never_a_sort(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What keeps page 1 and page 200 fast at a million listings: the index gives the order, no sort, no OFFSET.

    (Unless a filter selects at most DRIVE_LIMIT listings: those few are sorted; set to 0 here.)
    """
    monkeypatch.setattr(queue_module, "DRIVE_LIMIT", 0)
    with Store(big) as store:
        for filters in (QueueFilters(), QueueFilters(status="all"), QueueFilters(risk="high"),
                        QueueFilters(status="confirm"), QueueFilters(category="seeds", country="NL"),
                        QueueFilters(listed="on_sale"), QueueFilters(listed="delisted"),
                        QueueFilters(listed="delisted", status="all"), QueueFilters(listed="on_sale", risk="high")):
            first = queue_page(store, filters, None, 5)
            for after in (None, first.next_cursor):
                plans = _plan(store, filters, after)
                assert plans and not any("TEMP B-TREE" in p for p in plans), (filters, plans)
                assert all("USING INDEX idx_listings_" in p for p in plans if p.startswith(("SEARCH l", "SCAN l")))


def test_few_delisted_listings_are_the_starting_point(big: Path) -> None:
    """While the delisted are few, the delisted filter starts from their partial index (and sorts those few)."""
    with Store(big) as store:
        for filters in (QueueFilters(listed="delisted"), QueueFilters(listed="delisted", status="all")):
            first = queue_page(store, filters, None, 5)
            for after in (None, first.next_cursor):
                plans = _plan(store, filters, after)
                assert any("USING INDEX idx_listings_delisted" in p for p in plans), plans
        plans = _plan(store, QueueFilters(listed="on_sale"), None)  # most listings: the queue's own index
        assert any("idx_listings_review_queue" in p for p in plans) and not any("TEMP B-TREE" in p for p in plans)


def test_bulk_scope_is_bounded_by_what_the_officer_saw(small: Any) -> None:
    store, ids = small
    filters = QueueFilters(category="seeds")
    count, upto = bulk_scope(store, filters)
    assert (count, upto) == (2, max(ids["tomato"], ids["hostile"]))
    late = Listing("etsy.com", "late", "https://etsy.com/late", "Carrot seeds", fetched_at="2026-10-30T08:00:00+00:00")
    store.save_listing(late, classification=verdict(["seeds"], "high"))
    assert sorted(bulk_listing_ids(store, filters, upto)) == sorted([ids["tomato"], ids["hostile"]])
    chosen = bulk_listing_ids(store, filters, upto)
    assert decide_bulk(store, chosen, check_decision("refer", None, "batch"), "ben") == 2
    assert keys(store, {"category": "seeds"}) == ["late"]


def test_the_migration_fills_review_status_from_earlier_decisions(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = tmp_path / "old.db"
    # a database from before 008, its listings written by today's store, which needs the column 011 adds
    before = [m for m in migrations_module.MIGRATIONS if m[0] < "008" or m[0] == "011_listing_page_url"]
    monkeypatch.setattr(migrations_module, "MIGRATIONS", before)
    ids = build_store(path)
    with Store(path) as store:
        store.record_decision(ids["tomato"], "dismiss", "anna", reason="not seeds")
        store.record_decision(ids["tomato"], "confirm", "ben", reason="regulated")
        store.record_decision(ids["mango"], "contact", "ben")
    monkeypatch.undo()
    with Store(path) as store:
        decided = store.conn.execute("SELECT listing_id, review_status FROM listings WHERE review_status IS NOT NULL")
        statuses = dict(decided)
        assert statuses == {"tomato": "confirm", "mango": "contact"}
        assert keys(store, {}) == ["tulips", "hostile", "hyacinth"]
