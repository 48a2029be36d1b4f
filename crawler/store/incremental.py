"""Incremental state: which crawl scope saw a listing, and which listings went missing.

A *scope* is what one nightly crawl revisits: its watch (``crawl_runs.watch``)
when a watch started it, else the spider with its arguments. A listing belongs
to the scope that saw it last. When a run of a scope ends complete (status
``finished``, no page errors, no program error in the spider, no bot wall, no
refused or lost write, at least one listing stored, not the resumption of a
killed run that read only the pages left over), every active listing of that
scope the run did not see has its ``missed_runs`` counter raised; at
``delist_after`` consecutive misses it gets ``delisted_at`` and a ``delisted``
history row. Seeing a listing again clears both (see
:meth:`crawler.store.Store.save_listing`).

Everything here is set-based SQL: a run over a million listings costs two
statements, not a Python loop.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from crawler.store.rows import TRACKED_FIELDS, dumps

#: Consecutive complete runs of its scope that must miss a listing before it is delisted.
DEFAULT_DELIST_AFTER = 3
#: Arguments that change how a crawl behaves but not what it visits.
_NOT_SCOPE = frozenset({"robots_override"})
#: Counters that say a run did not see everything it should have, and what each means to an officer.
#: ``spider_exceptions/`` is Scrapy's: a callback (a sitemap, a search page) raised, so the listings
#: that page would have led to were never met. Its ``count`` key is the total of the per-exception keys.
_INCOMPLETE: tuple[tuple[str, str], ...] = (
    ("page_error/", "{n} page{s} could not be read"),
    ("spider_exceptions/count", "{n} page{s} stopped on a program error in the spider (a bug, or a page it does"
                                " not expect)"),
    ("blocked/", "the site answered {n} time{s} with a bot wall"),
    ("drop_item/store_error", "the database refused {n} write{s}"),
    ("drop_item/pipeline_error", "{n} item{s} {were} lost to a program error while being classified or stored"),
)  # fmt: skip


@dataclass(frozen=True)
class Misses:
    """What the end of a run did to the listings of its scope."""

    #: Listings of the scope this run did not see (their miss counter went up).
    missed: int = 0
    #: Of those, the ones that reached the limit and were delisted now.
    delisted: int = 0
    #: Why misses were not counted, when they were not.
    skipped: str | None = None


def scope_key(spider: str, arguments: dict[str, Any], watch: str | None) -> str:
    """``watch:<name>``, or ``spider:<name> <arguments as sorted JSON>``."""
    if watch:
        return f"watch:{watch}"
    kept = {k: arguments[k] for k in sorted(arguments) if k not in _NOT_SCOPE}
    return f"spider:{spider} {dumps(kept)}"


def scope_id(conn: sqlite3.Connection, spider: str, arguments: dict[str, Any], watch: str | None) -> int:
    """The id of a run's scope, created on first use."""
    key = scope_key(spider, arguments, watch)
    conn.execute(
        "INSERT OR IGNORE INTO crawl_scopes (key, watch, spider, arguments) VALUES (?, ?, ?, ?)",
        (key, watch, None if watch else spider, None if watch else dumps(arguments)),
    )
    return int(conn.execute("SELECT id FROM crawl_scopes WHERE key = ?", (key,)).fetchone()[0])


def incomplete_reason(status: str, counts: dict[str, Any]) -> str | None:
    """Why a run may not count misses, or None when it may.

    A half run must never delist anything: only a run that finished, read every
    page it fetched and stored at least one listing speaks for its whole scope.
    The reason is written for an officer reading a run's summary: what went wrong,
    in words, not counter names.
    """
    if status != "finished":
        return f"the run did not finish (it ended {status})"
    if "frontier/resumed" in counts:  # a watch's crawl that took over the pages a killed run left
        return "the run resumed an interrupted one and read only the pages that one had not"
    problems = [text.format(n=n, s="" if n == 1 else "s", were="was" if n == 1 else "were")
                for prefix, text in _INCOMPLETE if (n := _total(counts, prefix))]  # fmt: skip
    if problems:
        return (f"not every page was read ({'; '.join(problems)}), so listings on the pages not read may simply"
                " not have been seen")
    if not any(counts.get(f"store/listings_{c}") for c in ("new", "changed", "unchanged", "relisted")):
        return "the run stored no listing (an empty result is more likely a broken page than an empty shop)"
    return None


def _total(counts: dict[str, Any], prefix: str) -> int:
    """The sum of the counters under ``prefix`` (``prefix`` itself when it names one counter)."""
    if not prefix.endswith("/"):
        return int(counts.get(prefix) or 0)
    return sum(int(v) for k, v in counts.items() if k.startswith(prefix) and isinstance(v, (int, float)))


def misses_summary(status: str, counts: dict[str, Any]) -> str:
    """What the end of a run did about the listings it did not see, in one sentence for its summary.

    Read back from the run's status and stored counts, so the crawl's own output,
    ``schedule run-now`` and the scheduler's log all say the same.
    """
    if "store/listings_missed" in counts:
        missed, delisted = counts["store/listings_missed"], counts.get("store/listings_delisted", 0)
        return f"{missed} listings of its scope not seen this time, {delisted} of them now delisted"
    reason = incomplete_reason(status, counts)
    if reason is None:  # complete, yet misses not counted: a run outside the pipeline (a test, a tool)
        return "listings not seen were not counted missing"
    return f"listings not seen were not counted missing, because {reason}"


def record_misses(
    conn: sqlite3.Connection, run_id: int, scope: int, delist_after: int, now: str
) -> Misses:
    """Raise the miss counter of the scope's active listings the run did not see; delist at the limit.

    ``delist_after`` < 1 counts misses but never delists.
    """
    where = "scope_id = ? AND delisted_at IS NULL AND last_run_id IS NOT ?"
    limit = delist_after if delist_after >= 1 else None
    delisted = 0
    if limit is not None:
        tracked = ", ".join(TRACKED_FIELDS)
        delisted = conn.execute(
            f"INSERT INTO listing_history (listing, observed_at, run_id, change, {tracked})"
            f" SELECT id, ?, ?, 'delisted', {tracked} FROM listings WHERE {where} AND missed_runs + 1 >= ?",
            (now, run_id, scope, run_id, limit),
        ).rowcount
    # OR FAIL: no constraint can fail here, and if anything did, the caller's transaction is rolled back
    # whole. With the default (ABORT) SQLite keeps a statement journal to undo this one statement: a copy
    # of every page it touches, written to a temporary file (83 MB for 20,000 missed listings,
    # bench/README.md). OR FAIL needs none, so nothing is written twice and nothing is held in memory.
    missed = conn.execute(
        f"UPDATE OR FAIL listings SET missed_runs = missed_runs + 1,"
        f" delisted_at = CASE WHEN ? IS NOT NULL AND missed_runs + 1 >= ? THEN ? END WHERE {where}",
        (limit, limit, now, scope, run_id),
    ).rowcount
    return Misses(missed=missed, delisted=delisted)
