"""The one place phytowatch reads and writes its SQLite database.

Everything else (pipelines, CLI, review app, exports) goes through :class:`Store`,
so the schema can evolve, or move to another engine, without touching them.

Writing rules that keep the database whole when a crawl is killed:

* one listing (with its trader, history row and verdict) is one transaction;
* WAL journal and a busy timeout, so a reader (the review app, Datasette) never
  blocks a crawl and a crawl never blocks a reader;
* upserts are idempotent: storing the same listing again in the same run changes
  ``last_seen`` and nothing else, and a history row is written only when something
  an officer follows (price, title, availability, quantities) changes, or the
  listing is delisted or comes back (see :mod:`crawler.store.incremental`).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal, NamedTuple

import sqlite_utils

from crawler.items import Listing, Sighting, Trader, utc_now
from crawler.store import sightings
from crawler.store.incremental import Misses, incomplete_reason, record_misses, scope_id
from crawler.store.migrations import apply_migrations
from crawler.store.rows import (
    LISTING_COLUMNS,
    TRACKED_FIELDS,
    TRADER_COLUMNS,
    VERDICT_COLUMNS,
    dumps,
    listing_row,
    new_listing_values,
    verdict_columns,
)

ListingChange = Literal["new", "changed", "unchanged", "relisted"]
RunStatus = Literal["running", "finished", "failed", "interrupted", "blocked", "missed"]


#: What :meth:`Store.save_listing` reads of a listing it has seen before.
_EXISTING_COLUMNS: tuple[str, ...] = (
    *LISTING_COLUMNS, *VERDICT_COLUMNS, "missed_runs", "delisted_at", "scope_id", "last_run_id",
)  # fmt: skip
_VERDICT_AT = 1 + len(LISTING_COLUMNS)  # positions in the row _SELECT_EXISTING reads (the id first)
_STATE_AT = _VERDICT_AT + len(VERDICT_COLUMNS)
_SELECT_EXISTING = (
    f"SELECT id, {', '.join(_EXISTING_COLUMNS)} FROM listings WHERE marketplace = ? AND listing_id = ?"
)

_TOUCH_TRADER = "UPDATE traders SET last_seen = max(last_seen, ?) WHERE marketplace = ? AND seller_key = ?"


class StoreError(Exception):
    """The database cannot be opened or used; the message is meant for an officer."""


@dataclass
class StoredListing:
    """What :meth:`Store.save_listing` did."""

    row_id: int
    change: ListingChange
    changed_fields: list[str] = field(default_factory=list)


class _Update(NamedTuple):
    sql: str
    params: tuple[Any, ...]
    stored: StoredListing
    #: The listing's columns as they are after the update (empty when nothing an officer follows changed).
    current: dict[str, Any]
    reclassify: bool


class Store:
    """A phytowatch database: open it once, keep it for the whole crawl or request."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        try:
            if self.path is not None and self.path.exists() and self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not a phytowatch database")
            if self.path is not None and not self.path.parent.exists():
                raise StoreError(f"cannot create database {self.path}: folder {self.path.parent} does not exist")
            conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000)
            self.db = sqlite_utils.Database(conn)
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if self.path is not None:
                self.db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA wal_autocheckpoint = 10000")
            conn.execute("PRAGMA foreign_keys = ON")
            apply_migrations(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot use {path} as a phytowatch database: {exc}") from exc
        self.conn: sqlite3.Connection = self.db.conn
        self._in_batch = False
        self._traders_touched: set[tuple[str, str]] = set()
        self._run_scopes: dict[int, int | None] = {}

    # -- housekeeping -------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside happen, or none do.

        Inside a batch this is a savepoint: a failing write undoes only itself.
        """
        if self._in_batch:
            self.conn.execute("SAVEPOINT write")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO write")
                self.conn.execute("RELEASE write")
                self._traders_touched.clear()
                raise
            self.conn.execute("RELEASE write")
            return
        try:
            yield self.conn
        except BaseException:
            self.rollback_batch()
            raise
        else:
            self.conn.commit()

    @property
    def in_batch(self) -> bool:
        return self._in_batch

    def begin_batch(self) -> None:
        """Start grouping writes into one commit (several times faster than one commit each)."""
        if not self._in_batch:
            self.conn.execute("BEGIN")
            self._in_batch = True

    def commit_batch(self) -> None:
        if self._in_batch:
            self._in_batch = False
            self.conn.commit()

    def rollback_batch(self) -> None:
        """Undo everything since :meth:`begin_batch`: a crash loses the batch, never half a listing."""
        self._in_batch = False
        self.conn.rollback()
        self._traders_touched.clear()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The writes inside are committed together at the end, or not at all."""
        if self._in_batch:
            yield
            return
        self.begin_batch()
        try:
            yield
        except BaseException:
            self.rollback_batch()
            raise
        self.commit_batch()

    # -- crawl runs ---------------------------------------------------------

    def start_run(
        self, spider: str, arguments: dict[str, Any], pid: int | None = None, watch: str | None = None
    ) -> int:
        """Record the start of a crawl (of ``watch``, when a watch started it) and return its run id.

        The run's scope (its watch, else the spider and its arguments) is what its
        end counts missing listings against.
        """
        with self.transaction() as conn:
            scope = scope_id(conn, spider, arguments, watch)
            cur = conn.execute(
                "INSERT INTO crawl_runs (spider, arguments, started_at, status, counts, errors, pid, watch, scope_id)"
                " VALUES (?, ?, ?, 'running', '{}', '[]', ?, ?, ?)",
                (spider, dumps(arguments), utc_now(), pid, watch, scope),
            )
            run_id = int(cur.lastrowid or 0)
        self._run_scopes[run_id] = scope
        return run_id

    def finish_run(
        self,
        run_id: int,
        status: RunStatus,
        counts: dict[str, Any],
        errors: list[str] | None = None,
        *,
        delist_after: int | None = None,
    ) -> Misses:
        """Close a crawl run with its outcome and counters.

        With ``delist_after``, a complete run (see :func:`~crawler.store.incremental.incomplete_reason`)
        also counts the listings of its scope it did not see, and delists those missed
        ``delist_after`` times in a row; ``store/listings_missed`` and
        ``store/listings_delisted`` are added to its counts. All of it is one transaction.
        """
        now = utc_now()
        with self.transaction() as conn:
            misses = Misses(skipped="not asked")
            scope = self._scope_of(run_id)
            if delist_after is not None and scope is not None:
                reason = incomplete_reason(status, counts)
                if reason is None:
                    misses = record_misses(conn, run_id, scope, delist_after, now)
                    counts = {**counts, "store/listings_missed": misses.missed,
                              "store/listings_delisted": misses.delisted}
                else:
                    misses = Misses(skipped=reason)
            conn.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, counts = ?, errors = ? WHERE id = ?",
                (now, status, dumps(counts), dumps(errors or []), run_id),
            )
        return misses

    def _scope_of(self, run_id: int | None) -> int | None:
        if run_id is None:
            return None
        if run_id not in self._run_scopes:
            row = self.conn.execute("SELECT scope_id FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
            self._run_scopes[run_id] = row[0] if row else None
        return self._run_scopes[run_id]

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))
        if not rows:
            return None
        run = rows[0]
        for key in ("arguments", "counts", "errors"):
            run[key] = json.loads(run[key] or "null")
        return run

    # -- traders and listings ----------------------------------------------

    def save_trader(self, trader: Trader) -> None:
        """Insert or refresh a trader; known fields are never erased by a page that lacks them."""
        values = {c: getattr(trader, c) for c in TRADER_COLUMNS}
        with self.transaction() as conn:
            self._upsert_trader(conn, trader.marketplace, trader.seller_key, values, trader.fetched_at)

    def _upsert_trader(
        self,
        conn: sqlite3.Connection,
        marketplace: str,
        seller_key: str,
        values: dict[str, Any],
        seen_at: str,
    ) -> None:
        columns = ", ".join(TRADER_COLUMNS)
        placeholders = ", ".join("?" for _ in TRADER_COLUMNS)
        updates = ", ".join(f"{c} = coalesce(excluded.{c}, {c})" for c in TRADER_COLUMNS)
        conn.execute(
            f"INSERT INTO traders (marketplace, seller_key, {columns}, first_seen, last_seen)"
            f" VALUES (?, ?, {placeholders}, ?, ?)"
            f" ON CONFLICT (marketplace, seller_key) DO UPDATE SET {updates},"
            " last_seen = max(last_seen, excluded.last_seen)",
            (marketplace, seller_key, *(values[c] for c in TRADER_COLUMNS), seen_at, seen_at),
        )

    def save_listing(
        self,
        listing: Listing,
        *,
        run_id: int | None = None,
        classification: dict[str, Any] | None = None,
    ) -> StoredListing:
        """Insert or update a listing, its history and (if given) its verdict, atomically.

        A listing whose seller is not yet known gets a minimal trader row, so that
        every listing can be followed to a trader. Seeing a listing counts once per
        run (``times_seen``), makes it belong to the run's scope and clears its
        misses; a delisted listing seen again is relisted, with a history row.

        Outside a batch the listing is one transaction of its own.
        """
        if not self._in_batch:
            with self.batch():
                return self.save_listing(listing, run_id=run_id, classification=classification)
        conn = self.conn
        seen_at = listing.fetched_at
        verdict = verdict_columns(classification) if classification is not None else None
        scope = self._scope_of(run_id)
        # Most listings of a nightly run: seen again as they were, recognised and recorded by one UPDATE.
        row_id = sightings.record_sighting(conn, listing, verdict, run_id, scope)
        if row_id is not None:
            # The trader exists (the stored listing names it); moving its last_seen after the listing's is
            # a second statement, each atomic by itself, and every prefix is a consistent store: no savepoint.
            self._touch_trader(conn, listing, seen_at)
            return StoredListing(row_id, "unchanged")
        row = listing_row(listing)
        existing = conn.execute(_SELECT_EXISTING, (listing.marketplace, listing.listing_id)).fetchone()
        update = None
        if existing is not None:
            update = self._listing_update(existing, row, verdict, seen_at, run_id, scope, listing.item_page)
            if update.stored.change == "unchanged" and not update.reclassify:
                # Changed only where no officer looks (its url, pictures, search term, scope): no history row,
                # no new verdict. The trader row without the listing's update is harmless (it exists either
                # way): no savepoint.
                self._touch_trader(conn, listing, seen_at)
                conn.execute(update.sql, update.params)
                return update.stored
        with self.transaction() as conn:
            self._touch_trader(conn, listing, seen_at)
            if update is None:
                stored = self._insert_listing(conn, row, verdict, seen_at, run_id, scope, listing.item_page)
                current, reclassify = row, True
            else:
                conn.execute(update.sql, update.params)
                stored, current, reclassify = update.stored, update.current, update.reclassify
            if stored.change != "unchanged":
                conn.execute(
                    f"INSERT INTO listing_history (listing, observed_at, run_id, change, {', '.join(TRACKED_FIELDS)})"
                    f" VALUES (?, ?, ?, ?, {', '.join('?' for _ in TRACKED_FIELDS)})",
                    (stored.row_id, seen_at, run_id, stored.change, *(current[f] for f in TRACKED_FIELDS)),
                )
            if classification is not None and verdict is not None and reclassify:
                self._write_classification(conn, stored.row_id, classification, verdict)
        return stored

    def record_seen(self, sighting: Sighting, *, run_id: int | None = None) -> StoredListing | None:
        """Record a stored listing seen again without its page read (see :class:`~crawler.items.Sighting`).

        It counts as an unchanged listing would: ``last_seen``, ``times_seen`` once per
        run, misses cleared, the run's scope; nothing else changes, no history row,
        no verdict. None (nothing written) when the listing is not stored or is delisted.
        """
        if not self._in_batch:
            with self.batch():
                return self.record_seen(sighting, run_id=run_id)
        row_id = sightings.record_seen_unread(
            self.conn, sighting.marketplace, sighting.listing_id, sighting.fetched_at, run_id, self._scope_of(run_id)
        )  # fmt: skip
        if row_id is None:
            return None
        # Two statements, each atomic, every prefix a consistent store (as for a listing seen unchanged).
        self._touch_trader(self.conn, sighting, sighting.fetched_at)
        return StoredListing(row_id, "unchanged")

    def _touch_trader(self, conn: sqlite3.Connection, listing: Listing | Sighting, seen_at: str) -> None:
        """Make sure the listing's trader exists; once per trader and Store is enough."""
        if not listing.seller_key:
            return
        key = (listing.marketplace, listing.seller_key)
        if key in self._traders_touched:
            return
        # A known trader only has its last_seen moved: one UPDATE by its key costs about a quarter less
        # than the upsert's insert attempt, conflict and rewrite of every column.
        if not conn.execute(_TOUCH_TRADER, (seen_at, *key)).rowcount:
            self._upsert_trader(conn, *key, dict.fromkeys(TRADER_COLUMNS), seen_at)
        self._traders_touched.add(key)

    def _insert_listing(
        self,
        conn: sqlite3.Connection,
        row: dict[str, Any],
        verdict: dict[str, Any] | None,
        seen_at: str,
        run_id: int | None,
        scope: int | None,
        item_page: bool,
    ) -> StoredListing:
        values = {
            **new_listing_values(row), **(verdict or {}), "first_seen": seen_at, "last_seen": seen_at,
            "last_run_id": run_id, "scope_id": scope, "item_page_at": seen_at if item_page else None,
        }  # fmt: skip
        cur = conn.execute(
            f"INSERT INTO listings ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            tuple(values.values()),
        )
        return StoredListing(int(cur.lastrowid or 0), "new")

    def _listing_update(
        self,
        existing: tuple[Any, ...],
        row: dict[str, Any],
        verdict: dict[str, Any] | None,
        seen_at: str,
        run_id: int | None,
        scope: int | None,
        item_page: bool,
    ) -> _Update:
        """The UPDATE that brings a stored listing up to date, what it changes, and whether to reclassify.

        The stored verdict is rewritten only when the text, the model or the verdict
        changed: the same text under the same model gives the same verdict, and most
        listings of a nightly run are seen again unchanged.
        """
        row_id = int(existing[0])
        stored_row, stored_verdict = existing[1:_VERDICT_AT], existing[_VERDICT_AT:_STATE_AT]
        missed_runs, delisted_at, old_scope, last_run_id = existing[_STATE_AT:]
        # A page that omits a field (None, or an empty list where rows.EMPTY_LIST_IS_UNSAID says so) does not
        # erase what an earlier page said.
        new = {k: v for (k, v), old in zip(row.items(), stored_row) if v is not None and v != old}
        changed = [f for f in TRACKED_FIELDS if f in new]
        text_changed = "title" in new or "description" in new
        new_verdict = {} if verdict is None else {
            k: verdict[k] for k, old in zip(VERDICT_COLUMNS, stored_verdict) if verdict[k] != old
        }  # fmt: skip
        new.update(new_verdict)
        if missed_runs:
            new["missed_runs"] = 0
        relisted = delisted_at is not None
        if relisted:
            new["delisted_at"] = None
        if scope is not None and scope != old_scope:
            new["scope_id"] = scope
        if item_page:
            new["item_page_at"] = seen_at
        assignments = [f"{k} = ?" for k in new] + ["last_seen = max(last_seen, ?)", "last_run_id = ?"]
        if run_id is None or run_id != last_run_id:  # once per run, however often a run meets it
            assignments.append("times_seen = times_seen + 1")
        change: ListingChange = "relisted" if relisted else "changed" if changed else "unchanged"
        current = {} if change == "unchanged" else {**dict(zip(_EXISTING_COLUMNS, existing[1:])), **new}
        return _Update(
            f"UPDATE listings SET {', '.join(assignments)} WHERE id = ?",
            (*new.values(), seen_at, run_id, row_id),
            StoredListing(row_id, change, changed),
            current,
            text_changed or bool(new_verdict),
        )

    def _write_classification(
        self, conn: sqlite3.Connection, row_id: int, verdict: dict[str, Any], columns: dict[str, Any]
    ) -> None:
        """Keep the verdict per model version; an identical verdict writes nothing.

        ``columns`` is ``verdict_columns(verdict)``, already computed for the listing row.
        """
        conn.execute(
            "INSERT INTO classifications (listing, model_version, categories, scores, risk,"
            " needs_review, taxa, reasons, classified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (listing, model_version) DO UPDATE SET categories = excluded.categories,"
            " scores = excluded.scores, risk = excluded.risk, needs_review = excluded.needs_review,"
            " taxa = excluded.taxa, reasons = excluded.reasons"
            " WHERE classifications.categories IS NOT excluded.categories"
            " OR classifications.scores IS NOT excluded.scores"
            " OR classifications.taxa IS NOT excluded.taxa"
            " OR classifications.reasons IS NOT excluded.reasons",
            (
                row_id,
                columns["model_version"],
                columns["categories"],
                dumps(verdict.get("scores", {})),
                columns["risk"],
                columns["needs_review"],
                dumps(verdict.get("taxa", [])),
                dumps(verdict.get("reasons", [])),
                utc_now(),
            ),
        )

    # -- review decisions ---------------------------------------------------

    def record_decision(
        self,
        listing_row_id: int,
        decision: str,
        reviewer: str,
        *,
        reason: str | None = None,
        note: str | None = None,
    ) -> int:
        """Append a review decision; decisions are never edited or deleted."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO review_decisions (listing, decision, reason, note, reviewer, decided_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (listing_row_id, decision, reason, note, reviewer, utc_now()),
            )
            return int(cur.lastrowid or 0)

    # -- reading ------------------------------------------------------------

    def listing_row_id(self, marketplace: str, listing_id: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM listings WHERE marketplace = ? AND listing_id = ?",
            (marketplace, listing_id),
        ).fetchone()
        return int(row[0]) if row else None

    def get_listing(self, marketplace: str, listing_id: str) -> dict[str, Any] | None:
        rows = list(
            self.db.query(
                "SELECT * FROM listings WHERE marketplace = ? AND listing_id = ?",
                [marketplace, listing_id],
            )
        )
        return rows[0] if rows else None

    def history(self, listing_row_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM listing_history WHERE listing = ? ORDER BY id", [listing_row_id]
            )
        )

    def search(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Full-text search over listing titles and descriptions (FTS5 syntax is escaped)."""
        return list(self.db.table("listings").search(query, limit=limit, quote=True))
