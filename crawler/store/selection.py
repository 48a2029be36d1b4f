"""Which listings an export holds, and their traders and decisions, read in one consistent snapshot.

A selection is a WHERE clause over the listings (``l``, with their trader ``t``
and latest decision ``d`` joined): fixed pieces of SQL, each with its values as
parameters. Nothing an officer types, or a marketplace wrote, is ever pasted
into the SQL text. :class:`ListingSelection` is the export's own filters; the
review queue passes its own clause (:class:`crawler.review.queue.QueueFilters`),
so that its export button selects exactly what the queue shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from crawler.store.seen_range import DateBasis, SeenRange
from crawler.store.store import Store


class Selection(Protocol):
    """Anything that says which listings to read: a WHERE clause over ``l`` (and ``t``, ``d``) and its parameters."""

    def where(self) -> tuple[str, list[Any]]:
        """The condition (fixed SQL, ``?`` for each value) and the values, in order."""
        ...


@dataclass(frozen=True)
class ListingSelection:
    """The export's filters in the form the SQL takes them (already checked and normalised by the caller).

    ``since`` and ``until_before`` are the bounds of a date range read as
    ``dates`` says (:mod:`crawler.store.seen_range`): by default listings on offer at
    some time in it (last seen at or after ``since``, first seen before ``until_before``).
    """

    max_risk_rank: int = 3
    since: str | None = None
    until_before: str | None = None
    dates: DateBasis = "on_offer"
    categories: tuple[str, ...] = ()
    #: The latest decision on the listing, or ``"undecided"`` for listings without one.
    decision: str | None = None
    #: ISO 3166-1 alpha-2: the trader's country or the listing's ships-from country.
    country: str | None = None
    watch: str | None = None
    #: ``on_sale`` (not delisted) or ``delisted``.
    listed: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses = ["coalesce(l.risk_rank, 3) <= ?"]
        params: list[Any] = [self.max_risk_rank]
        dated, dated_params = SeenRange(self.since, self.until_before, self.dates).clauses()
        clauses += dated
        params += dated_params
        if self.categories:
            clauses.append("EXISTS (SELECT 1 FROM json_each(l.categories) AS cat"
                           " WHERE cat.value IN (SELECT value FROM json_each(?)))")  # fmt: skip
            params.append(json.dumps(list(self.categories)))
        if self.decision is not None:
            clauses.append("coalesce(d.decision, 'undecided') = ?")
            params.append(self.decision)
        if self.country is not None:
            clauses.append("(t.country = ? OR l.ships_from = ?)")
            params += [self.country, self.country]
        if self.watch is not None:
            clauses.append("(l.last_run_id IN (SELECT id FROM crawl_runs WHERE watch = ?)"
                           " OR EXISTS (SELECT 1 FROM listing_history h JOIN crawl_runs r ON r.id = h.run_id"
                           "            WHERE h.listing = l.id AND r.watch = ?))")  # fmt: skip
            params += [self.watch, self.watch]
        if self.listed is not None:
            clauses.append("l.delisted_at IS NOT NULL" if self.listed == "delisted" else "l.delisted_at IS NULL")
        return " AND ".join(clauses), params


#: The listings (``l``) of a selection, with their trader (``t``) and their latest decision (``d``).
_TRADER_AND_DECISION = """
    LEFT JOIN traders t ON t.marketplace = l.marketplace AND t.seller_key = l.seller_key
    LEFT JOIN review_decisions d ON d.id = (SELECT max(id) FROM review_decisions WHERE listing = l.id)
"""
_JOINS = "FROM listings l" + _TRADER_AND_DECISION

_LISTINGS = f"""
    SELECT l.id AS row_id, l.marketplace, l.platform, l.listing_id, l.url, l.title, l.description,
           l.price, l.currency, l.available, l.quantity_available, l.quantity_sold,
           l.ships_from, l.ships_to, l.seller_key,
           t.display_name AS trader_name, t.country AS trader_country,
           t.profile_url AS trader_profile_url, t.shop_website AS trader_website,
           l.categories, coalesce(l.risk, 'none') AS risk, l.needs_review, c.taxa,
           l.model_version, l.search_query, l.first_seen, l.last_seen, l.times_seen, l.delisted_at,
           d.decision, d.decided_at
    {_JOINS}
    LEFT JOIN classifications c ON c.listing = l.id AND c.model_version = l.model_version
    WHERE {{where}}
"""

_LISTING_ORDER = " ORDER BY coalesce(l.risk_rank, 3), l.last_seen DESC, l.id"

_TRADERS = f"""
    WITH selected AS (SELECT l.marketplace, l.seller_key, coalesce(l.risk, 'none') AS risk,
                             d.decision AS decision {_JOINS} WHERE {{where}})
    SELECT t.marketplace, t.seller_key, t.display_name, t.profile_url, t.shop_website, t.country,
           t.platform, t.feedback_count, t.rating, t.first_seen, t.last_seen,
           count(*) AS listings,
           sum(s.risk IS 'high') AS listings_high,
           sum(s.risk IS 'medium') AS listings_medium,
           sum(s.risk IS 'low') AS listings_low,
           sum(s.decision IS 'confirm') AS listings_confirmed
    FROM selected s JOIN traders t ON t.marketplace = s.marketplace AND t.seller_key = s.seller_key
    GROUP BY t.marketplace, t.seller_key
    ORDER BY listings_high DESC, listings_medium DESC, listings DESC, t.marketplace, t.seller_key
"""

# From the decisions to their listings (not the other way round): a decision's listing is one row lookup.
_DECISIONS = f"""
    SELECT r.id AS decision_id, r.decision, r.reason, r.note, r.reviewer, r.decided_at,
           l.marketplace, l.listing_id, l.url, l.seller_key,
           t.display_name AS trader_name, t.profile_url AS trader_profile_url, t.shop_website AS trader_website
    FROM review_decisions r
    JOIN listings l ON l.id = r.listing
    {_TRADER_AND_DECISION}
    WHERE {{where}}
    ORDER BY r.id
"""


def _query(template: str, selection: Selection) -> tuple[str, list[Any]]:
    """``template`` with the selection's condition in its WHERE (in brackets: it may hold ORs)."""
    where, params = selection.where()
    return template.format(where=f"({where or '1'})"), params


def _listing(row: dict[str, Any]) -> dict[str, Any]:
    row["categories"] = json.loads(row["categories"] or "[]")
    row["ships_to"] = json.loads(row["ships_to"] or "[]")
    row["taxa"] = json.loads(row["taxa"] or "[]")
    row["available"] = None if row["available"] is None else bool(row["available"])
    row["needs_review"] = bool(row["needs_review"])
    return row


def selected_listings(store: Store, selection: Selection) -> Iterator[dict[str, Any]]:
    """The selected listings, riskiest first, then most recently seen, with trader and latest decision."""
    sql, params = _query(_LISTINGS + _LISTING_ORDER, selection)
    for row in store.db.query(sql, params):
        yield _listing(row)


def selected_listing_ids(store: Store, selection: Selection) -> Iterator[int]:
    """Row ids of the selected listings, in export order."""
    sql, params = _query("SELECT l.id " + _JOINS + " WHERE {where}" + _LISTING_ORDER, selection)
    for (row_id,) in store.conn.execute(sql, params):
        yield int(row_id)


def selected_traders(store: Store, selection: Selection) -> Iterator[dict[str, Any]]:
    """Traders with at least one selected listing, with counts over the selected listings."""
    yield from store.db.query(*_query(_TRADERS, selection))


def selected_decisions(store: Store, selection: Selection) -> Iterator[dict[str, Any]]:
    """Every decision (not only the latest) on the selected listings, oldest first: the audit trail."""
    yield from store.db.query(*_query(_DECISIONS, selection))


def watch_names(store: Store) -> list[str]:
    """Watches that have crawl runs in this database."""
    rows = store.conn.execute("SELECT DISTINCT watch FROM crawl_runs WHERE watch IS NOT NULL ORDER BY watch")
    return [name for (name,) in rows]


@contextmanager
def snapshot(store: Store) -> Iterator[None]:
    """Read several queries from one state of the database, even while a crawl writes.

    In WAL mode a read transaction sees the database as it was when it began,
    so listings.csv, traders.csv and decisions.csv of one export agree.
    """
    store.conn.execute("SAVEPOINT export_snapshot")
    try:
        yield
    finally:
        store.conn.execute("RELEASE export_snapshot")
