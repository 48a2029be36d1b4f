"""Read-only reports over the store: counts, summaries and export rows.

Kept apart from :mod:`crawler.store.store` (which writes) so that the CLI,
the demo summary and the exports share one set of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from classifiers import RISK_LEVELS, risk_rank
from crawler.store.selection import ListingSelection, selected_listings
from crawler.store.store import Store

#: Columns of an exported listing row, in order.
EXPORT_COLUMNS: tuple[str, ...] = (
    "marketplace",
    "listing_id",
    "url",
    "title",
    "price",
    "currency",
    "available",
    "quantity_available",
    "quantity_sold",
    "ships_from",
    "seller_key",
    "trader_name",
    "trader_country",
    "categories",
    "risk",
    "needs_review",
    "taxa",
    "model_version",
    "search_query",
    "first_seen",
    "last_seen",
    "times_seen",
    "delisted_at",
)


@dataclass
class StoreStats:
    """Headline figures of a database."""

    listings: int
    #: Of those, listings marked delisted (missing from their scope's pages).
    delisted: int
    traders: int
    crawl_runs: int
    decisions: int
    by_risk: dict[str, int]
    by_category: dict[str, int]
    by_country: dict[str, int]
    last_run: dict[str, Any] | None


def store_stats(store: Store) -> StoreStats:
    """Counts an officer wants first: how much is stored, and how risky it is."""
    q = store.conn.execute
    by_risk = dict.fromkeys(RISK_LEVELS, 0)
    for risk, n in q("SELECT coalesce(risk, 'none'), count(*) FROM listings GROUP BY 1"):
        by_risk[risk] = n
    by_category = {
        cat: n
        for cat, n in q(
            "SELECT value, count(*) FROM listings, json_each(listings.categories)"
            " GROUP BY value ORDER BY count(*) DESC"
        )
    }
    by_country = {
        country or "unknown": n
        for country, n in q(
            "SELECT coalesce(l.ships_from, t.country), count(*) FROM listings l"
            " LEFT JOIN traders t ON t.marketplace = l.marketplace AND t.seller_key = l.seller_key"
            " GROUP BY 1 ORDER BY count(*) DESC"
        )
    }
    last = q("SELECT id FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
    return StoreStats(
        listings=q("SELECT count(*) FROM listings").fetchone()[0],
        delisted=q("SELECT count(*) FROM listings WHERE delisted_at IS NOT NULL").fetchone()[0],
        traders=q("SELECT count(*) FROM traders").fetchone()[0],
        crawl_runs=q("SELECT count(*) FROM crawl_runs").fetchone()[0],
        decisions=q("SELECT count(*) FROM review_decisions").fetchone()[0],
        by_risk=by_risk,
        by_category=by_category,
        by_country=by_country,
        last_run=store.get_run(last[0]) if last else None,
    )


def riskiest_traders(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """Traders ranked by how many high-risk listings they offer, then medium ones."""
    return list(
        store.db.query(
            """
            SELECT t.marketplace, t.seller_key, t.display_name, t.country,
                   count(l.id) AS listings,
                   sum(l.risk = 'high') AS high,
                   sum(l.risk = 'medium') AS medium,
                   sum(l.risk = 'low') AS low
            FROM traders t JOIN listings l
              ON l.marketplace = t.marketplace AND l.seller_key = t.seller_key
            GROUP BY t.marketplace, t.seller_key
            HAVING high + medium > 0
            ORDER BY high DESC, medium DESC, listings DESC
            LIMIT ?
            """,
            [limit],
        )
    )


def export_rows(
    store: Store, *, min_risk: str = "none", since: str | None = None
) -> Iterator[dict[str, Any]]:
    """Listings with their trader and verdict, riskiest first, as :data:`EXPORT_COLUMNS`.

    ``min_risk`` keeps listings at that level or above; ``since`` (ISO date or
    timestamp) keeps listings seen on or after it. The exports themselves
    (:mod:`crawler.export`) take more filters and more fields.
    """
    for row in selected_listings(store, ListingSelection(max_risk_rank=risk_rank(min_risk), since=since)):
        row["taxa"] = [
            {k: t.get(k) for k in ("scientific_name", "eppo_code", "list_name", "status", "text")} for t in row["taxa"]
        ]
        yield {column: row.get(column) for column in EXPORT_COLUMNS}


#: History changes a night can bring, in the order a summary shows them.
HISTORY_CHANGES: tuple[str, ...] = ("new", "changed", "delisted", "relisted")


def run_changes(store: Store, run_ids: list[int], limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """What the runs changed, by kind of change: the listings' history rows with the price before.

    Each row has ``listing``, ``title``, ``price``, ``currency``, ``available``,
    ``previous_price`` and ``previous_available`` (from the listing's history row
    before it, None for a new listing). ``limit`` keeps the first rows of each kind.
    """
    found: dict[str, list[dict[str, Any]]] = {change: [] for change in HISTORY_CHANGES}
    if not run_ids:
        return found
    marks = ", ".join("?" for _ in run_ids)
    sql = f"""
        SELECT h.change, h.listing, h.title, h.price, h.currency, h.available,
               p.price AS previous_price, p.available AS previous_available
        FROM listing_history h
        LEFT JOIN listing_history p ON p.id = (
            SELECT max(id) FROM listing_history WHERE listing = h.listing AND id < h.id)
        WHERE h.run_id IN ({marks})
        ORDER BY h.id
    """
    for row in store.db.query(sql, run_ids):
        rows = found.setdefault(row["change"], [])
        if limit is None or len(rows) < limit:
            rows.append(row)
    return found
