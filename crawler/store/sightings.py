"""A listing seen again as it was: a conditional UPDATE that both recognises and records the sighting.

Most listings of a nightly run are seen again unchanged. Reading the whole
stored row to compare it in Python, then writing it back, cost a 30-column
fetch, a row conversion and a comparison per listing (``bench/store_scale.py``).
Here the comparison is the UPDATE's own WHERE clause: it matches only a listing
that is not delisted, of the run's scope (when the run has one), whose every
field the page gives equals the stored one (a field the page lacks, None or
an empty list where :data:`~crawler.store.rows.EMPTY_LIST_IS_UNSAID` says so,
matches anything: a page never erases what an earlier one said) and, with a
verdict, whose verdict columns are the same. It then records the sighting as
:meth:`Store.save_listing <crawler.store.Store.save_listing>` would:
``last_seen``, ``last_run_id``, ``times_seen`` once per run, ``missed_runs``
cleared, ``item_page_at`` for an item page. Anything else (new, changed,
relisted, moved to another scope, reclassified) matches no row, writes nothing,
and takes the full path.

The UPDATE sets neither title nor description, so the search index trigger
(migration 003) does not fire, and no indexed column, so no index is rewritten.
It is one statement on one row, atomic by itself: no savepoint, and SQLite
needs no statement journal for it (an ``UPDATE ... RETURNING`` would: it was
measurably slower).

A listing a crawl saw without reading its page (a :class:`~crawler.items.Sighting`)
is recorded by :func:`record_seen_unread` the same way, with nothing to compare.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import Any

from crawler.items import Listing
from crawler.store.rows import LISTING_COLUMNS, VERDICT_COLUMNS, listing_values

#: Compared with the page; ``marketplace`` and ``listing_id`` find the row.
_COMPARED = LISTING_COLUMNS[2:]
#: Reads only the unique index, which holds the row id.
_ROW_ID = "SELECT id FROM listings WHERE marketplace = ? AND listing_id = ?"


@lru_cache(maxsize=256)
def _sighting_sql(
    given: tuple[bool, ...], item_page: bool, with_verdict: bool, with_run: bool, with_scope: bool
) -> str:
    """The UPDATE for one shape of page: which fields it gives, whether it is an item page, and so on.

    A field the page lacks (None) matches anything, so it is left out of the SQL rather
    than bound as NULL: fewer parameters to bind and compare, and a spider's pages come
    in a handful of shapes, each prepared once (the connection's statement cache).
    The parameters, in order: seen at, run id, scope, row id, the given fields, the
    verdict columns (those that apply).
    """
    numbers = iter(range(1, 1000))
    seen = f"?{next(numbers)}"
    run = f"?{next(numbers)}" if with_run else "NULL"
    scope = f"?{next(numbers)}" if with_scope else None
    where = [f"id = ?{next(numbers)}", "delisted_at IS NULL"]
    if scope is not None:
        where.append(f"scope_id IS {scope}")
    where += [f"{c} IS ?{next(numbers)}" for c, g in zip(_COMPARED, given) if g]
    if with_verdict:
        where += [f"{c} IS ?{next(numbers)}" for c in VERDICT_COLUMNS]
    once_per_run = f"(last_run_id IS NOT {run})" if with_run else "1"
    assignments = [f"last_seen = max(last_seen, {seen})", f"last_run_id = {run}",
                   f"times_seen = times_seen + {once_per_run}", "missed_runs = 0"]  # fmt: skip
    if item_page:
        assignments.append(f"item_page_at = {seen}")
    return f"UPDATE listings SET {', '.join(assignments)} WHERE {' AND '.join(where)}"


def record_sighting(
    conn: sqlite3.Connection,
    listing: Listing,
    verdict: dict[str, Any] | None,
    run_id: int | None,
    scope: int | None,
) -> int | None:
    """Record ``listing`` as seen again unchanged and return its row id; None (nothing written) when it is not.

    ``verdict`` is ``verdict_columns(classification)``, or None when the page came
    without a classification (the stored verdict is then kept as it is).
    """
    values = listing_values(listing)
    row = conn.execute(_ROW_ID, values[:2]).fetchone()
    if row is None:
        return None
    compared = values[2:]
    params: list[Any] = [listing.fetched_at]
    if run_id is not None:
        params.append(run_id)
    if scope is not None:
        params.append(scope)
    params.append(row[0])
    params += [v for v in compared if v is not None]
    if verdict is not None:
        params += [verdict[c] for c in VERDICT_COLUMNS]
    sql = _sighting_sql(
        tuple(v is not None for v in compared), listing.item_page, verdict is not None, run_id is not None,
        scope is not None,
    )  # fmt: skip
    return int(row[0]) if conn.execute(sql, params).rowcount == 1 else None


#: A listing seen without its page read (:class:`~crawler.items.Sighting`): the sighting and nothing else.
#: ``?2`` is the run (NULL outside one) and ``?3`` its scope, which the listing joins as a read listing would.
_SEEN_UNREAD = (
    "UPDATE listings SET last_seen = max(last_seen, ?1), last_run_id = ?2,"
    " times_seen = times_seen + (?2 IS NULL OR last_run_id IS NOT ?2), missed_runs = 0,"
    " scope_id = coalesce(?3, scope_id)"
    " WHERE id = ?4 AND delisted_at IS NULL"
)


def record_seen_unread(
    conn: sqlite3.Connection, marketplace: str, listing_id: str, seen_at: str, run_id: int | None,
    scope: int | None,
) -> int | None:
    """Record a listing seen again without its page read, as :func:`record_sighting` records an unchanged one.

    No field is compared or written: the store keeps everything its last read said
    (verdict, description, ``item_page_at``, which keeps the recrawl clock running).
    None (nothing written) when the listing is not stored or is delisted: relisting
    needs the page. Otherwise its row id.
    """
    row = conn.execute(_ROW_ID, (marketplace, listing_id)).fetchone()
    if row is None:
        return None
    return int(row[0]) if conn.execute(_SEEN_UNREAD, (seen_at, run_id, scope, row[0])).rowcount == 1 else None
