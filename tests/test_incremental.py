"""Incremental state: times seen, misses per scope, delisting only after complete runs, relisting."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing
from crawler.store import Store, export_rows, store_stats
from crawler.store.incremental import incomplete_reason, misses_summary, scope_key
from crawler.store.migrations import MIGRATIONS, apply_migrations

VERDICT = {"categories": ["bulbs_tubers"], "scores": {"bulbs_tubers": 0.9}, "risk": "high", "taxa": [],
           "reasons": [], "model_version": "rules-test"}  # fmt: skip
COMPLETE = {"store/listings_unchanged": 1}


def listing(n: int, day: int = 1, **changes: Any) -> Listing:
    base: dict[str, Any] = dict(
        marketplace="bulbs.example", listing_id=str(n), url=f"https://bulbs.example/p/{n}",
        title=f"Tulip bulbs no. {n}", price=5.0, currency="EUR", available=True, seller_key="bulbs.example",
        fetched_at=f"2026-11-{day:02d}T02:00:00+00:00",
    )  # fmt: skip
    base.update(changes)
    return Listing(**base)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "inc.db") as s:
        yield s


def night(store: Store, seen: list[int], day: int, *, status: str = "finished", delist_after: int = 2,
          spider: str = "shopify", arguments: dict[str, str] | None = None, watch: str | None = None,
          counts: dict[str, int] | None = None) -> int:  # fmt: skip
    """One crawl run that sees the listings ``seen`` and ends with ``status``."""
    run = store.start_run(spider, arguments or {"stores": "bulbs.example"}, watch=watch)
    for n in seen:
        store.save_listing(listing(n, day), run_id=run, classification=VERDICT)
    store.finish_run(run, status, counts if counts is not None else COMPLETE, delist_after=delist_after)  # type: ignore[arg-type]
    return run


def state(store: Store, n: int) -> dict[str, Any]:
    row = store.get_listing("bulbs.example", str(n))
    assert row is not None
    return row


def changes(store: Store, n: int) -> list[str]:
    return [h["change"] for h in store.history(state(store, n)["id"])]


def test_times_seen_counts_runs_not_items(store: Store) -> None:
    run = store.start_run("shopify", {"stores": "bulbs.example"})
    store.save_listing(listing(1), run_id=run)
    store.save_listing(listing(1), run_id=run)  # the same run meets it twice (two search terms)
    assert state(store, 1)["times_seen"] == 1
    night(store, [1], day=2)
    night(store, [1], day=3)
    assert (state(store, 1)["times_seen"], state(store, 1)["first_seen"][:10], state(store, 1)["last_seen"][:10]) == (
        3, "2026-11-01", "2026-11-03")


def test_a_listing_is_delisted_after_n_consecutive_missed_runs_and_relisted_with_its_history(store: Store) -> None:
    night(store, [1, 2, 3], day=1)
    night(store, [1, 2], day=2)  # 3 missed once
    assert (state(store, 3)["missed_runs"], state(store, 3)["delisted_at"]) == (1, None)
    night(store, [1, 3], day=3)  # 3 back before the limit: counter cleared; 2 missed once
    assert (state(store, 3)["missed_runs"], state(store, 2)["missed_runs"]) == (0, 1)
    final = night(store, [1], day=4)  # 2 missed twice in a row: delisted; 3 missed once
    assert state(store, 2)["delisted_at"] is not None and state(store, 3)["delisted_at"] is None
    assert changes(store, 2) == ["new", "delisted"]
    record = store.get_run(final)
    assert record is not None
    assert (record["counts"]["store/listings_missed"], record["counts"]["store/listings_delisted"]) == (2, 1)
    night(store, [1], day=5)  # a delisted listing is not counted again
    assert state(store, 2)["missed_runs"] == 2

    relisted = store.save_listing(listing(2, day=6, price=4.5), run_id=store.start_run("shopify", {"stores": "x"}))
    row = state(store, 2)
    assert relisted.change == "relisted" and relisted.changed_fields == ["price"]
    assert (row["delisted_at"], row["missed_runs"], row["first_seen"][:10], row["price"]) == (
        None, 0, "2026-11-01", 4.5)
    assert changes(store, 2) == ["new", "delisted", "relisted"]
    assert store.history(row["id"])[-1]["price"] == 4.5


@pytest.mark.parametrize(("status", "counts"), [
    ("failed", COMPLETE),
    ("blocked", {**COMPLETE, "blocked/ebay.de": 3}),
    ("interrupted", COMPLETE),
    ("finished", {**COMPLETE, "page_error/shopify": 1}),
    ("finished", {**COMPLETE, "drop_item/store_error": 1}),
    ("finished", {**COMPLETE, "spider_exceptions/count": 1, "spider_exceptions/KeyError": 1}),  # a callback raised
    ("finished", {**COMPLETE, "drop_item/pipeline_error": 1}),  # a pipeline stage raised: the item was lost
    ("finished", {}),  # nothing stored: a broken page more likely than an empty shop
    ("finished", {**COMPLETE, "frontier/resumed": 0}),  # took over a killed run: saw only the rest
])  # fmt: skip
def test_a_half_run_never_counts_anything_missing(store: Store, status: str, counts: dict[str, int]) -> None:
    night(store, [1, 2], day=1)
    run = night(store, [1], day=2, status=status, counts=counts, delist_after=1)
    assert (state(store, 2)["missed_runs"], state(store, 2)["delisted_at"]) == (0, None)
    record = store.get_run(run)
    assert record is not None and "store/listings_missed" not in record["counts"]
    assert incomplete_reason(status, counts) is not None


def test_the_summary_says_in_words_why_misses_were_not_counted() -> None:
    counts = {**COMPLETE, "page_error/shopify": 2, "spider_exceptions/count": 1, "spider_exceptions/KeyError": 1,
              "blocked/shop.example": 3}  # fmt: skip
    assert misses_summary("finished", counts) == (
        "listings not seen were not counted missing, because not every page was read (2 pages could not be read;"
        " 1 page stopped on a program error in the spider (a bug, or a page it does not expect); the site answered"
        " 3 times with a bot wall), so listings on the pages not read may simply not have been seen")
    assert misses_summary("interrupted", COMPLETE) == (
        "listings not seen were not counted missing, because the run did not finish (it ended interrupted)")
    counted = {**COMPLETE, "store/listings_missed": 4, "store/listings_delisted": 1}
    assert misses_summary("finished", counted) == "4 listings of its scope not seen this time, 1 of them now delisted"


def test_misses_are_counted_per_scope(store: Store) -> None:
    night(store, [1, 2], day=1, arguments={"stores": "bulbs.example"})
    night(store, [3], day=1, spider="sitemap", arguments={"sites": "other.example"})
    night(store, [1], day=2, arguments={"stores": "bulbs.example"}, delist_after=1)
    assert state(store, 2)["delisted_at"] is not None  # its own scope no longer shows it
    assert state(store, 3)["missed_runs"] == 0  # another scope's listing is not this run's business
    # a listing seen by another scope since belongs to that scope now
    night(store, [1], day=3, spider="sitemap", arguments={"sites": "other.example"}, delist_after=1)
    night(store, [], day=4, arguments={"stores": "bulbs.example"}, counts=COMPLETE, delist_after=1)
    assert state(store, 1)["delisted_at"] is None


def test_a_watch_is_one_scope_whatever_its_arguments() -> None:
    assert scope_key("ebay", {"query": "tulips"}, "nl-bulbs") == scope_key("ebay", {"query": "tulip"}, "nl-bulbs")
    assert scope_key("ebay", {"query": "a", "site": "x"}, None) == scope_key("ebay", {"site": "x", "query": "a"}, None)
    assert scope_key("ebay", {"query": "a"}, None) != scope_key("ebay", {"query": "b"}, None)
    reason = "NPPO legal mandate, ref. 2026/114"
    assert scope_key("ebay", {"query": "a", "robots_override": reason}, None) == scope_key("ebay", {"query": "a"}, None)


def test_runs_of_one_watch_share_their_listings(store: Store) -> None:
    night(store, [1, 2], day=1, watch="nl-bulbs", arguments={"stores": "a.example"})
    night(store, [1], day=2, watch="nl-bulbs", arguments={"stores": "b.example"}, delist_after=1)
    assert state(store, 2)["delisted_at"] is not None


def test_delist_after_zero_counts_misses_but_never_delists(store: Store) -> None:
    night(store, [1, 2], day=1)
    for day in (2, 3, 4):
        night(store, [1], day=day, delist_after=0)
    assert (state(store, 2)["missed_runs"], state(store, 2)["delisted_at"]) == (3, None)


def test_verdict_is_rewritten_only_when_text_model_or_verdict_change(store: Store) -> None:
    row = store.save_listing(listing(1), classification=VERDICT).row_id
    taxa = [{"scientific_name": "Eichhornia crassipes", "status": "prohibited"},
            {"scientific_name": "Eichhornia crassipes", "status": "prohibited"}]  # fmt: skip
    store.save_listing(listing(1, title="Water hyacinth (Eichhornia crassipes)"),
                       classification={**VERDICT, "taxa": taxa})  # fmt: skip
    stored = store.conn.execute("SELECT taxa FROM classifications WHERE listing = ?", (row,)).fetchone()[0]
    assert "Eichhornia" in stored
    assert state(store, 1)["taxa_hits"] == 1  # distinct taxa


def test_a_database_from_before_migration_005_keeps_its_data(tmp_path: Path) -> None:
    import sqlite_utils

    from crawler.store import migrations

    path = tmp_path / "old.db"
    saved = list(migrations.MIGRATIONS)
    migrations.MIGRATIONS[:] = [m for m in saved if m[0] < "005"]
    try:  # a database as phytowatch wrote it before 005, row by row as the old code did
        old = sqlite_utils.Database(sqlite3.connect(path))
        apply_migrations(old)
    finally:
        migrations.MIGRATIONS[:] = saved
    old.execute("INSERT INTO crawl_runs (spider, arguments, started_at, status, counts, errors)"
                " VALUES ('shopify', '{\"stores\":\"bulbs.example\"}', '2026-11-01', 'finished', '{}', '[]')")
    old.execute("INSERT INTO traders (marketplace, seller_key, first_seen, last_seen)"
                " VALUES ('bulbs.example', 'bulbs.example', '2026-11-01', '2026-11-01')")
    old.execute("INSERT INTO listings (id, marketplace, listing_id, url, title, seller_key, first_seen, last_seen,"
                " last_run_id, model_version) VALUES (7, 'bulbs.example', '1', 'https://bulbs.example/p/1',"
                " 'Ludwigia', 'bulbs.example', '2026-11-01', '2026-11-01', 1, 'v1')")
    old.execute("INSERT INTO classifications (listing, model_version, taxa) VALUES"
                " (7, 'v1', '[{\"scientific_name\": \"Ludwigia grandiflora\"}]')")
    old.conn.commit()
    old.conn.close()
    with Store(path) as store:
        assert [r[0] for r in store.conn.execute("SELECT name FROM _migrations ORDER BY name")] == [
            name for name, _ in MIGRATIONS]
        row = state(store, 1)
        assert (row["times_seen"], row["taxa_hits"], row["delisted_at"]) == (1, 1, None)
        run = store.get_run(1)
        assert run is not None and row["scope_id"] == run["scope_id"] is not None
        assert store.conn.execute("SELECT id, entity_id, seller_key FROM traders").fetchall() == [
            (1, 1, "bulbs.example")]
        night(store, [], day=2, counts=COMPLETE, delist_after=1)  # the old run's listing is in the same scope
        assert state(store, 1)["delisted_at"] is not None
    assert apply_migrations(sqlite_utils.Database(sqlite3.connect(path))) == []


def test_exports_and_stats_say_how_often_a_listing_was_seen_and_whether_it_is_delisted(store: Store) -> None:
    night(store, [1, 2], day=1)
    night(store, [1], day=2, delist_after=1)
    rows = {r["listing_id"]: r for r in export_rows(store)}
    assert (rows["1"]["times_seen"], rows["1"]["delisted_at"]) == (2, None)
    assert rows["2"]["times_seen"] == 1 and rows["2"]["delisted_at"] is not None
    assert (store_stats(store).listings, store_stats(store).delisted) == (2, 1)


def test_a_failure_while_counting_misses_leaves_nothing_half_counted(store: Store) -> None:
    """The misses are counted by one UPDATE OR FAIL (no statement journal): a failure midway still undoes it all."""
    night(store, [1, 2, 3, 4], day=1)
    row_of_3 = state(store, 3)["id"]
    store.conn.execute(f"CREATE TEMP TRIGGER fail_on_3 BEFORE UPDATE OF missed_runs ON main.listings"
                       f" WHEN old.id = {row_of_3} BEGIN SELECT RAISE(FAIL, 'disk on fire'); END")  # fmt: skip
    run = store.start_run("shopify", {"stores": "bulbs.example"})
    store.save_listing(listing(1, 2), run_id=run, classification=VERDICT)
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        store.finish_run(run, "finished", COMPLETE, delist_after=1)
    assert [state(store, n)["missed_runs"] for n in (2, 3, 4)] == [0, 0, 0]  # 2 was counted before 3 failed
    assert [state(store, n)["delisted_at"] for n in (2, 3, 4)] == [None, None, None]
    assert changes(store, 2) == ["new"] and store.get_run(run)["status"] == "running"  # type: ignore[index]
    store.conn.execute("DROP TRIGGER fail_on_3")
    store.finish_run(run, "finished", COMPLETE, delist_after=1)  # the store is usable: the same end now succeeds
    assert [state(store, n)["delisted_at"] is not None for n in (1, 2, 3, 4)] == [False, True, True, True]
