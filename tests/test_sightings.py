"""A listing seen again as it was is recorded by one conditional UPDATE; it must do what the full path does."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing, Sighting
from crawler.store import Store, sightings

VERDICT = {"categories": ["bulbs_tubers"], "scores": {"bulbs_tubers": 0.9}, "risk": "high", "taxa": [],
           "reasons": [], "model_version": "rules-test"}  # fmt: skip
#: Columns written with the wall clock, not with what the crawl saw.
CLOCK = {"classified_at", "started_at", "finished_at", "applied_at", "delisted_at", "counts", "pid"}


def listing(n: int, day: int, **changes: Any) -> Listing:
    base: dict[str, Any] = dict(
        marketplace="bulbs.example", listing_id=str(n), url=f"https://bulbs.example/p/{n}",
        title=f"Tulip bulbs no. {n}", description="Ten bulbs.", price=5.0, currency="EUR", available=True,
        category_path=["Bulbs"], seller_key=f"seller{n % 2}", search_query="tulip",
        fetched_at=f"2026-11-{day:02d}T02:00:00+00:00",
    )  # fmt: skip
    base.update(changes)
    return Listing(**base)


def nights(store: Store) -> list[tuple[str, int, str, list[str]]]:
    """Runs over a few nights that meet every case the fast path must accept or hand on; what each save said."""
    said = []

    def save(run: int | None, item: Listing, verdict: dict[str, Any] | None = VERDICT) -> None:
        stored = store.save_listing(item, run_id=run, classification=verdict)
        said.append((item.listing_id, stored.row_id, stored.change, stored.changed_fields))

    watch = {"spider": "shopify", "arguments": {"stores": "bulbs.example"}, "watch": "nl-bulbs"}
    run = store.start_run(**watch)  # type: ignore[arg-type]
    with store.batch():
        for n in range(1, 11):
            save(run, listing(n, 1))
        save(run, listing(1, 1))  # the same run meets it twice: counted once
    store.finish_run(run, "finished", {"store/listings_new": 10}, delist_after=2)

    run = store.start_run(**watch)  # type: ignore[arg-type]
    with store.batch():
        save(run, listing(1, 2))  # unchanged
        save(run, listing(2, 2, price=4.5))  # repriced: a history row
        save(run, listing(3, 2, description=None, price=None))  # a card: lacks fields, erases nothing
        save(run, listing(4, 2, description="Ten bulbs, now with a planting guide."))  # new text: reclassified
        save(run, listing(5, 2, url="https://bulbs.example/products/5"))  # a change no officer follows
        save(run, listing(6, 2, item_page=True))  # its own page read
        save(run, listing(7, 2), {**VERDICT, "model_version": "rules-test-2"})  # a new model's verdict
        save(run, listing(11, 2))  # new; 8, 9 and 10 are missed once
    store.finish_run(run, "finished", {"store/listings_new": 1}, delist_after=2)

    run = store.start_run(**watch)  # type: ignore[arg-type]
    with store.batch():
        save(run, listing(8, 3))  # back before the limit: its miss counter cleared
        save(run, listing(9, 3, category_path=[]))  # a card without breadcrumbs: the stored path is kept
        save(run, listing(3, 3), None)  # no verdict: the stored one is kept
        save(run, listing(2, 3, price=4.5))
        save(run, listing(7, 3, image_urls=["https://bulbs.example/7.jpg"], ships_to=["NL", "BE"]),
             {**VERDICT, "model_version": "rules-test-2"})  # lists no officer follows: no history row
    store.finish_run(run, "finished", {"store/listings_unchanged": 4}, delist_after=2)  # 10 is delisted

    run = store.start_run(**watch)  # type: ignore[arg-type]
    with store.batch():
        save(run, listing(1, 4))  # missed once
        save(run, listing(10, 4))  # relisted, with a history row, amid unchanged listings
        save(run, listing(2, 4, price=4.5))
        save(run, listing(7, 4), {**VERDICT, "model_version": "rules-test-2"})  # a card: empty lists erase nothing
    store.finish_run(run, "finished", {"store/listings_unchanged": 3})

    run = store.start_run("sitemap", {"sites": "bulbs.example"})  # another scope
    with store.batch():
        save(run, listing(1, 5))  # moves to this scope
        save(run, listing(2, 5, price=4.5))
    store.finish_run(run, "finished", {"store/listings_unchanged": 2})
    save(None, listing(2, 6, price=4.5))  # outside a batch, outside a run
    save(None, listing(2, 6, price=4.5))
    return said


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = ["listings", "listing_history", "classifications", "traders", "crawl_runs", "crawl_scopes"]
    found = {}
    for table in tables:
        cursor = store.conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor]
        for row in rows:
            if row.get("change") == "delisted":
                row.pop("observed_at")  # the end of the run, by the wall clock: the two stores differ by a tick
        found[table] = [tuple(v for k, v in row.items() if k not in CLOCK) for row in rows]
    found["delisted"] = store.conn.execute("SELECT listing_id FROM listings WHERE delisted_at IS NOT NULL").fetchall()
    found["search"] = [(r["listing_id"],) for r in store.search("planting")]
    return found


def test_the_fast_path_leaves_the_store_as_the_full_path_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = sightings.record_sighting

    def counted(conn: sqlite3.Connection, item: Listing, *args: Any) -> int | None:
        row_id = real(conn, item, *args)
        if row_id is not None:
            calls.append((item.listing_id, item.fetched_at[8:10]))
        return row_id

    monkeypatch.setattr(sightings, "record_sighting", counted)
    with Store(tmp_path / "fast.db") as fast:
        said_fast, fast_contents = nights(fast), contents(fast)
        lists = {r[0]: r[1:] for r in fast.conn.execute(
            "SELECT listing_id, category_path, image_urls, ships_to FROM listings WHERE listing_id IN ('7', '9')")}
    monkeypatch.setattr(sightings, "record_sighting", lambda *args: None)  # every listing the full way
    with Store(tmp_path / "full.db") as full:
        said_full, full_contents = nights(full), contents(full)
    assert said_fast == said_full
    assert fast_contents == full_contents
    # seen again as it was, in the same scope (a move to another scope, a relisting, any change take the full path)
    assert calls == [("1", "01"), ("1", "02"), ("3", "02"), ("6", "02"), ("8", "03"), ("9", "03"), ("3", "03"),
                     ("2", "03"), ("1", "04"), ("2", "04"), ("7", "04"), ("2", "06"), ("2", "06")]  # fmt: skip
    assert lists == {"7": ('["Bulbs"]', '["https://bulbs.example/7.jpg"]', '["NL","BE"]'),
                     "9": ('["Bulbs"]', "[]", "[]")}  # fmt: skip
    changes = {(name, change) for name, _, change, _ in said_fast}
    assert {("10", "relisted"), ("2", "changed"), ("11", "new"), ("1", "unchanged")} <= changes


def test_a_sighting_counts_once_per_run_and_keeps_what_a_card_lacks(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        run = store.start_run("shopify", {"stores": "bulbs.example"})
        first = store.save_listing(listing(1, 1), run_id=run, classification=VERDICT)
        with store.batch():
            again = store.save_listing(listing(1, 2, description=None, price=None), run_id=run,
                                       classification=VERDICT)  # fmt: skip
            # the batch's own reads see it at once (one connection), before any commit
            row = store.get_listing("bulbs.example", "1")
            assert row is not None and (row["last_seen"][:10], row["times_seen"]) == ("2026-11-02", 1)
        nxt = store.start_run("shopify", {"stores": "bulbs.example"})
        store.save_listing(listing(1, 3, item_page=True), run_id=nxt, classification=VERDICT)
        row = store.get_listing("bulbs.example", "1")
    assert (again.row_id, again.change) == (first.row_id, "unchanged")
    assert row is not None
    assert (row["times_seen"], row["price"], row["description"]) == (2, 5.0, "Ten bulbs.")
    assert (row["item_page_at"], row["last_run_id"]) == ("2026-11-03T02:00:00+00:00", nxt)


def test_a_rolled_back_batch_takes_its_sightings_with_it(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as store:
        store.save_listing(listing(1, 1), classification=VERDICT)
        store.begin_batch()
        assert store.save_listing(listing(1, 2), classification=VERDICT).change == "unchanged"
        store.rollback_batch()
        row = store.get_listing("bulbs.example", "1")
        assert row is not None and (row["last_seen"][:10], row["times_seen"]) == ("2026-11-01", 1)


def test_a_process_killed_in_the_middle_of_a_batch_of_sightings_leaves_the_last_commit(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    with Store(db) as store, store.batch():
        for n in range(1, 1001):
            store.save_listing(listing(n, 1), classification=VERDICT)
    before = sqlite3.connect(db).execute("SELECT sum(times_seen), max(last_seen) FROM listings").fetchone()
    script = textwrap.dedent(f"""
        import sys
        from tests.test_sightings import VERDICT, listing
        from crawler.store import Store
        store = Store({str(db)!r})
        run = store.start_run("shopify", {{}})
        store.begin_batch()
        for n in range(1, 1001):
            store.save_listing(listing(n, 2), run_id=run, classification=VERDICT)
            if n == 700:
                print("half", flush=True)
                sys.stdin.read()  # killed here, the batch open
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             cwd=Path(__file__).resolve().parent.parent, text=True)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline() == "half\n"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("SELECT sum(times_seen), max(last_seen) FROM listings").fetchone() == before
    assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("running",)]  # its start was committed


def test_a_listing_seen_unread_is_stored_as_one_seen_again_unchanged(tmp_path: Path) -> None:
    """A :class:`Sighting` (its page not read) leaves the store as the same listing seen again as it was."""

    def nights(store: Store, seen: Any) -> None:
        shop = {"spider": "sitemap", "arguments": {"sites": "bulbs.example"}}
        run = store.start_run(**shop)  # type: ignore[arg-type]
        with store.batch():
            for n in range(1, 5):
                store.save_listing(listing(n, 1, item_page=True), run_id=run, classification=VERDICT)
        store.finish_run(run, "finished", {"store/listings_new": 4}, delist_after=3)
        run = store.start_run(**shop)  # type: ignore[arg-type]
        with store.batch():
            for n in (1, 1, 2):  # the same run meets 1 twice: counted once
                seen(store, run, n, 2)
        store.finish_run(run, "finished", {"store/listings_unchanged": 2}, delist_after=3)  # 3 and 4 missed
        run = store.start_run("sitemap", {"sites": "bulbs.example"}, watch="it-bulbs")  # another scope
        seen(store, run, 3, 3)  # its miss cleared, it moves to the watch's scope
        store.finish_run(run, "finished", {"store/listings_unchanged": 1}, delist_after=3)
        seen(store, None, 4, 4)  # outside a run

    def as_unchanged(store: Store, run: int | None, n: int, day: int) -> None:
        assert store.save_listing(listing(n, day), run_id=run, classification=VERDICT).change == "unchanged"

    def unread(store: Store, run: int | None, n: int, day: int) -> None:
        sighting = Sighting("bulbs.example", str(n), f"seller{n % 2}", fetched_at=listing(n, day).fetched_at)
        stored = store.record_seen(sighting, run_id=run)
        assert stored is not None and stored.change == "unchanged"

    with Store(tmp_path / "unchanged.db") as store:
        nights(store, as_unchanged)
        expected = contents(store)
    with Store(tmp_path / "unread.db") as store:
        nights(store, unread)
        assert contents(store) == expected
        row = store.get_listing("bulbs.example", "3")
        assert row is not None and (row["times_seen"], row["missed_runs"], row["description"]) == (2, 0, "Ten bulbs.")
        assert row["item_page_at"] == listing(3, 1).fetched_at  # the recrawl clock runs from the last read


def test_a_sighting_of_a_listing_not_stored_or_delisted_writes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        store.save_listing(listing(1, 1), classification=VERDICT)
        store.conn.execute("UPDATE listings SET delisted_at = '2026-11-02T02:00:00+00:00'")
        store.conn.commit()
        before = contents(store)
        assert store.record_seen(Sighting("bulbs.example", "1", "seller1")) is None  # relisting needs its page
        assert store.record_seen(Sighting("bulbs.example", "2", "seller0")) is None
        assert contents(store) == before
