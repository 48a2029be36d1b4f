"""A watch's crawl frontier in the database: the requests still to do, and those done.

Rows are written on the crawl's own connection, inside the batches that hold
the listings (see :mod:`crawler.frontier`), so one commit makes a page's
listings, the requests it led to and its being done durable together.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.items import utc_now
from crawler.store.store import Store


@dataclass(frozen=True)
class PendingRequest:
    fingerprint: str
    priority: int
    request: bytes


def load_frontier(store: Store, frontier: str) -> tuple[list[PendingRequest], set[str]]:
    """The pending requests (in the order they were added) and the fingerprints of those done."""
    pending, done = [], set()
    for fingerprint, state, priority, request in store.conn.execute(
        "SELECT fingerprint, state, priority, request FROM crawl_frontier WHERE frontier = ? ORDER BY rowid",
        (frontier,),
    ):
        if state == "pending" and request is not None:
            pending.append(PendingRequest(fingerprint, priority, request))
        else:
            done.add(fingerprint)
    return pending, done


def add_request(store: Store, frontier: str, watch: str, fingerprint: str, priority: int, request: bytes) -> None:
    """Record a request to do (in the current batch)."""
    store.begin_batch()
    store.conn.execute(
        "INSERT OR IGNORE INTO crawl_frontier (frontier, watch, fingerprint, state, priority, request, added_at)"
        " VALUES (?, ?, ?, 'pending', ?, ?, ?)",
        (frontier, watch, fingerprint, priority, request, utc_now()),
    )


def mark_done(store: Store, frontier: str, fingerprint: str) -> None:
    """Record that a request's page, its items and its follow-ups are all written (in the current batch)."""
    store.begin_batch()
    store.conn.execute(
        "UPDATE crawl_frontier SET state = 'done', request = NULL WHERE frontier = ? AND fingerprint = ?",
        (frontier, fingerprint),
    )


def clear_frontier(store: Store, frontier: str) -> None:
    """Forget a frontier (its crawl finished, or an officer asked for a fresh start)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM crawl_frontier WHERE frontier = ?", (frontier,))


def discard_other_frontiers(store: Store, watch: str, keep: str) -> int:
    """Drop the watch's frontiers for another spider or other arguments: they cannot be resumed."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM crawl_frontier WHERE watch = ? AND frontier != ?", (watch, keep)).rowcount


def pending_count(store: Store, frontier: str) -> int:
    return int(
        store.conn.execute(
            "SELECT count(*) FROM crawl_frontier WHERE frontier = ? AND state = 'pending'", (frontier,)
        ).fetchone()[0]
    )


def frontier_watches(store: Store) -> list[str]:
    """The watches that have frontier rows (pending or done), by name."""
    rows = store.conn.execute("SELECT DISTINCT watch FROM crawl_frontier ORDER BY watch")  # idx_crawl_frontier_watch
    return [name for (name,) in rows]


def drop_watch_frontiers(store: Store, watch: str) -> int:
    """Delete every frontier row of ``watch``; return how many (a watch gone from the watches file)."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM crawl_frontier WHERE watch = ?", (watch,)).rowcount
