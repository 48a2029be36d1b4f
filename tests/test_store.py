"""The store: migrations, idempotent upserts, history on change, append-only decisions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from crawler.items import Listing, Trader
from crawler.store import Store, StoreError, export_rows, riskiest_traders, store_stats
from crawler.store.migrations import MIGRATIONS

VERDICT = {
    "categories": ["bulbs_tubers"],
    "scores": {"bulbs_tubers": 0.97},
    "risk": "high",
    "needs_review": False,
    "taxa": [],
    "reasons": [{"start": 7, "end": 12, "text": "bulbs", "label": "bulbs_tubers", "weight": 0.9}],
    "model_version": "rules-test",
}


def listing(**changes: object) -> Listing:
    base = dict(
        marketplace="bulbs.example",
        listing_id="101",
        url="https://bulbs.example/products/tulip",
        title="Tulip bulbs 'Queen of Night', 10 pcs",
        description="Fresh bulbs from Lisse.",
        price=6.5,
        currency="EUR",
        available=True,
        seller_key="bulbs.example",
        fetched_at="2026-11-01T02:00:00+00:00",
    )
    base.update(changes)
    return Listing(**base)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "test.db") as s:
        yield s


def test_fresh_database_has_every_table_and_records_migrations(store: Store) -> None:
    tables = set(store.db.table_names())
    assert {"traders", "listings", "listing_history", "classifications", "crawl_runs",
            "review_decisions", "listings_fts", "_migrations"} <= tables
    applied = [r["name"] for r in store.db.query("SELECT name FROM _migrations ORDER BY name")]
    assert applied == [name for name, _ in MIGRATIONS]


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    Store(tmp_path / "a.db").close()
    with Store(tmp_path / "a.db") as again:
        assert again.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


def test_wal_mode_and_busy_timeout(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000


def test_same_listing_twice_changes_only_last_seen(store: Store) -> None:
    run = store.start_run("shopify", {"stores": "bulbs.example"})
    first = store.save_listing(listing(), run_id=run, classification=VERDICT)
    before = store.get_listing("bulbs.example", "101")
    second = store.save_listing(listing(fetched_at="2026-11-02T02:00:00+00:00"), run_id=run, classification=VERDICT)
    after = store.get_listing("bulbs.example", "101")
    assert (first.change, second.change) == ("new", "unchanged")
    assert {k for k in before if before[k] != after[k]} == {"last_seen"}  # one run sees it once
    assert after["first_seen"] == "2026-11-01T02:00:00+00:00"
    assert after["last_seen"] == "2026-11-02T02:00:00+00:00"
    assert len(store.history(first.row_id)) == 1
    assert store.conn.execute("SELECT count(*) FROM classifications").fetchone()[0] == 1


def test_history_row_only_when_a_followed_field_changes(store: Store) -> None:
    row = store.save_listing(listing()).row_id
    store.save_listing(listing(description="Now with planting instructions."))  # not followed
    changed = store.save_listing(listing(price=5.0, available=False))
    history = store.history(row)
    assert [h["change"] for h in history] == ["new", "changed"]
    assert changed.changed_fields == ["price", "available"]
    assert (history[-1]["price"], history[-1]["available"]) == (5.0, 0)


def test_missing_field_on_a_later_page_does_not_erase_it(store: Store) -> None:
    store.save_listing(listing())
    result = store.save_listing(listing(price=None, description=None))
    row = store.get_listing("bulbs.example", "101")
    assert result.change == "unchanged"
    assert (row["price"], row["description"]) == (6.5, "Fresh bulbs from Lisse.")


def test_listing_creates_its_trader_and_trader_details_are_kept(store: Store) -> None:
    store.save_listing(listing())
    store.save_trader(Trader(marketplace="bulbs.example", seller_key="bulbs.example",
                             display_name="Van der Meer Bloembollen", country="NL"))
    store.save_trader(Trader(marketplace="bulbs.example", seller_key="bulbs.example"))
    traders = list(store.db.query("SELECT * FROM traders"))
    assert len(traders) == 1
    assert (traders[0]["display_name"], traders[0]["country"]) == ("Van der Meer Bloembollen", "NL")


def test_new_model_version_adds_a_classification_and_updates_the_queue_columns(store: Store) -> None:
    store.save_listing(listing(), classification=VERDICT)
    store.save_listing(listing(), classification={**VERDICT, "model_version": "rules-v2", "risk": "medium",
                                                  "categories": ["fresh_produce"]})
    row = store.get_listing("bulbs.example", "101")
    assert (row["risk"], row["risk_rank"], row["model_version"]) == ("medium", 1, "rules-v2")
    assert store.conn.execute("SELECT count(*) FROM classifications").fetchone()[0] == 2


def test_review_decisions_are_append_only(store: Store) -> None:
    row = store.save_listing(listing()).row_id
    store.record_decision(row, "confirm", "officer1", note="Tulipa bulbs without phytosanitary certificate")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE review_decisions SET decision = 'dismiss'")
    store.conn.rollback()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM review_decisions")
    store.conn.rollback()
    assert store.conn.execute("SELECT decision FROM review_decisions").fetchall() == [("confirm",)]


def test_full_text_search_treats_input_as_words_not_syntax(store: Store) -> None:
    store.save_listing(listing())
    store.save_listing(listing(listing_id="102", title="Seed beads 2 mm", description=None))
    assert [r["listing_id"] for r in store.search("tulip")] == ["101"]
    assert store.search('bulbs" OR "x') == []  # FTS5 operators in input are quoted, not run


def test_crawl_run_lifecycle(store: Store) -> None:
    run = store.start_run("shopify", {"stores": "bulbs.example"}, pid=123)
    store.finish_run(run, "finished", {"store/listings_new": 3}, [])
    record = store.get_run(run)
    assert record is not None
    assert (record["status"], record["counts"], record["arguments"]) == (
        "finished", {"store/listings_new": 3}, {"stores": "bulbs.example"})
    assert record["finished_at"] is not None


def test_reader_is_not_blocked_by_an_open_write(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with Store(path) as writer:
        writer.save_listing(listing())
        writer.conn.execute("UPDATE listings SET title = 'in progress'")  # transaction left open
        result: list[int] = []
        reader = threading.Thread(
            target=lambda: result.append(sqlite3.connect(path, timeout=0.1).execute(
                "SELECT count(*) FROM listings").fetchone()[0]))
        reader.start()
        reader.join(5)
        writer.conn.rollback()
    assert result == [1]


def test_unusable_paths_give_an_officer_readable_error(tmp_path: Path) -> None:
    junk = tmp_path / "not-a-db.db"
    junk.write_bytes(b"this is a spreadsheet, not SQLite" * 100)
    with pytest.raises(StoreError, match="cannot use .* as a phytowatch database"):
        Store(junk)
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "missing" / "x.db")


def test_reports_rank_risky_traders_and_filter_exports(store: Store) -> None:
    store.save_trader(Trader(marketplace="bulbs.example", seller_key="bulbs.example", country="NL",
                             display_name="Van der Meer"))
    store.save_listing(listing(), classification=VERDICT)
    store.save_listing(listing(listing_id="102", title="Vase"),
                       classification={**VERDICT, "categories": ["not_regulated"], "risk": "none"})
    stats = store_stats(store)
    assert (stats.listings, stats.traders, stats.by_risk["high"], stats.by_risk["none"]) == (2, 1, 1, 1)
    assert stats.by_category == {"bulbs_tubers": 1, "not_regulated": 1}
    assert riskiest_traders(store)[0]["high"] == 1
    high = list(export_rows(store, min_risk="high"))
    assert [r["listing_id"] for r in high] == ["101"]
    assert high[0]["trader_country"] == "NL" and high[0]["categories"] == ["bulbs_tubers"]
    assert list(export_rows(store, since="2026-12-01")) == []


def test_batch_commits_once_and_a_failing_write_undoes_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "batch.db"
    with Store(path) as store:
        with store.batch():
            store.save_listing(listing())
            with pytest.raises(sqlite3.IntegrityError):
                store.save_listing(listing(listing_id="bad", title=None))  # NOT NULL title
            store.save_listing(listing(listing_id="102"))
            # nothing is visible to another connection before the batch ends
            assert sqlite3.connect(path).execute("SELECT count(*) FROM listings").fetchone()[0] == 0
        assert sqlite3.connect(path).execute("SELECT count(*) FROM listings").fetchone()[0] == 2
        with pytest.raises(RuntimeError), store.batch():
            store.save_listing(listing(listing_id="103"))
            raise RuntimeError("crawl killed")
        assert store.listing_row_id("bulbs.example", "103") is None


def test_search_follows_title_changes_and_a_failed_migration_leaves_nothing(tmp_path: Path) -> None:
    from crawler.store import migrations

    with Store(tmp_path / "s.db") as store:
        store.save_listing(listing())
        store.save_listing(listing(title="Hyacinth bulbs 'Delft Blue'"))
        assert [r["listing_id"] for r in store.search("hyacinth")] == ["101"]
        assert store.search("tulip") == []

    def broken(db: object) -> None:
        db.execute("CREATE TABLE half_done (x)")  # type: ignore[attr-defined]
        raise RuntimeError("power cut")

    migrations.MIGRATIONS.append(("999_broken", broken))
    try:
        with pytest.raises(RuntimeError):
            Store(tmp_path / "s.db")
    finally:
        migrations.MIGRATIONS.pop()
    with Store(tmp_path / "s.db") as store:
        assert "half_done" not in store.db.table_names()


def test_a_crawl_run_records_its_watch(tmp_path):
    store = Store(tmp_path / "w.db")
    by_hand = store.start_run("shopify", {"stores": "a.example"})
    nightly = store.start_run("shopify", {"stores": "a.example"}, watch="nl-seed-shops")
    assert store.get_run(by_hand)["watch"] is None
    assert store.get_run(nightly)["watch"] == "nl-seed-shops"
