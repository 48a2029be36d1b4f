"""The dashboard's figures: what the crawls flag week by week, where it ships from, who sells it, the backlog.

"Flagged" is what the review queue shows by default: a listing of high, medium or
low risk, or one the classifier was unsure of, delisted or not (a listing gone from
the marketplace may still need a decision). These are whole-table aggregates;
the app caches them for a few minutes (:data:`CACHE_SECONDS`).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from classifiers.types import CATEGORIES, RISK_LEVELS
from crawler.review.charts import (
    PALETTE,
    RISK_COLOURS,
    Chart,
    horizontal_bars,
    line_chart,
    stacked_bars,
    stacked_columns,
)
from crawler.store import Store

WEEKS = 12
TOP = 10
CACHE_SECONDS = 300
FLAGGED = "(coalesce(l.risk_rank, 3) < 3 OR l.needs_review = 1)"
CATEGORY_COLOURS: dict[str, str] = dict(zip(CATEGORIES, PALETTE))


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def weeks_until(today: date, count: int = WEEKS) -> list[date]:
    last = week_start(today)
    return [last - timedelta(weeks=count - 1 - i) for i in range(count)]


def dashboard_charts(store: Store, today: date | None = None) -> dict[str, Chart]:
    today = today or datetime.now(timezone.utc).date()
    weeks = weeks_until(today)
    return {
        "flagged_per_week": flagged_per_week(store, weeks),
        "ships_from": top_ships_from(store),
        "traders": traders_by_country_and_risk(store),
        "backlog": backlog(store, weeks, today),
    }


def _week_sql(column: str) -> str:
    """SQL for the Monday of the week of an ISO timestamp column."""
    return f"date(substr({column}, 1, 10), '-6 days', 'weekday 1')"


def _week_of(day: str) -> str:
    return week_start(date.fromisoformat(day[:10])).isoformat()


#: The queue's index carries risk, first seen, needs_review, ships_from and categories: the whole-table
#: counts read it instead of the table (several times faster at a million listings).
_COVERING = "listings l INDEXED BY idx_listings_rank_recency"


def flagged_per_week(store: Store, weeks: list[date]) -> Chart:
    counts: dict[tuple[str, str], int] = {}
    for day, category, n in store.conn.execute(
        f"SELECT substr(l.first_seen, 1, 10), c.value, count(*) FROM {_COVERING}, json_each(l.categories) c"
        f" WHERE l.first_seen >= ? AND {FLAGGED} GROUP BY 1, 2",
        (weeks[0].isoformat(),),
    ):
        key = (_week_of(day), category)
        counts[key] = counts.get(key, 0) + n
    labels = [w.isoformat() for w in weeks]
    present = [c for c in CATEGORIES if any(counts.get((w, c)) for w in labels)]
    series = {c: [counts.get((w, c), 0) for w in labels] for c in present}
    short = [w.strftime("%d %b") for w in weeks]
    return stacked_columns("Flagged listings per week (first seen), by category", short, series, CATEGORY_COLOURS)


def top_ships_from(store: Store, limit: int = TOP) -> Chart:
    items = [
        (country or "unknown", n)
        for country, n in store.conn.execute(
            f"SELECT l.ships_from, count(*) FROM {_COVERING} WHERE {FLAGGED} GROUP BY 1 ORDER BY 2 DESC LIMIT ?",
            (limit,),
        )
    ]
    return horizontal_bars("Flagged listings by ships-from country (top 10)", items)


def traders_by_country_and_risk(store: Store, limit: int = TOP) -> Chart:
    """Traders by country and by their riskiest listing (entities instead, where the store has them)."""
    entities = "trader_entities" in store.db.table_names() and store.conn.execute(
        "SELECT 1 FROM trader_entities LIMIT 1"
    ).fetchone()  # entities are computed by `phytowatch traders link`; until then, count traders
    if entities:
        sql = "SELECT country, coalesce(risk_rank, 3), count(*) FROM trader_entities GROUP BY 1, 2"
    else:
        sql = (
            "SELECT t.country, x.rank, count(*) FROM ("
            " SELECT l.marketplace AS marketplace, l.seller_key AS seller_key, min(coalesce(l.risk_rank, 3)) AS rank"
            " FROM listings l INDEXED BY idx_listings_trader_risk WHERE l.seller_key IS NOT NULL"
            " GROUP BY l.marketplace, l.seller_key) x"
            " JOIN traders t ON t.marketplace = x.marketplace AND t.seller_key = x.seller_key GROUP BY 1, 2"
        )
    counts: dict[str, dict[str, int]] = {}
    for country, rank, n in store.conn.execute(sql):
        if rank is None or rank >= 3:
            continue  # traders with nothing regulated are not the dashboard's concern
        counts.setdefault(country or "unknown", {})[RISK_LEVELS[rank]] = n
    rows = sorted(counts, key=lambda c: (-sum(counts[c].values()), c))[:limit]
    series = {r: [counts[c].get(r, 0) for c in rows] for r in RISK_LEVELS[:3]}
    return stacked_bars("Traders by country and their riskiest listing (top 10)", rows, series, RISK_COLOURS)


def backlog(store: Store, weeks: list[date], today: date) -> Chart:
    """Flagged listings without a decision at the end of each week (the last point: now)."""
    arrived = _by_week(
        store, f"SELECT substr(l.first_seen, 1, 10), count(*) FROM {_COVERING} WHERE {FLAGGED} GROUP BY 1"
    )
    decided = _by_week(store, (
        "SELECT substr(first, 1, 10), count(*) FROM ("
        " SELECT min(d.decided_at) AS first FROM review_decisions d JOIN listings l ON l.id = d.listing"
        f" WHERE {FLAGGED} GROUP BY d.listing) GROUP BY 1"
    ))  # fmt: skip
    points: list[tuple[str, int]] = []
    for week in weeks:
        end = (week + timedelta(days=7)).isoformat()
        open_then = sum(n for w, n in arrived.items() if w < end) - sum(n for w, n in decided.items() if w < end)
        label = "this week" if week == weeks[-1] else week.strftime("%d %b")
        points.append((label, max(open_then, 0)))
    return line_chart("Review backlog: flagged listings without a decision, end of each week", points)


def delisted_awaiting(store: Store) -> int:
    """Flagged listings without a decision that are delisted: in the backlog, but gone from the marketplace.

    The backlog (and the default queue) counts them, since a listing that disappeared
    may still need a decision; this says how much of the backlog they are. Read from
    the partial index of the delisted listings, so it costs what there is to count.
    """
    row = store.conn.execute(
        "SELECT count(*) FROM listings l INDEXED BY idx_listings_delisted"
        f" WHERE l.delisted_at IS NOT NULL AND l.review_status IS NULL AND {FLAGGED}"
    ).fetchone()
    return int(row[0])


def _by_week(store: Store, sql: str) -> dict[str, int]:
    """Counts per day (``YYYY-MM-DD`` first column) summed per week."""
    weeks: dict[str, int] = {}
    for day, n in store.conn.execute(sql):
        if day:
            week = _week_of(day)
            weeks[week] = weeks.get(week, 0) + n
    return weeks


def cached(cache: dict[str, Any], key: str, compute: Any, now: float) -> Any:
    """``compute()``, remembered under ``key`` for :data:`CACHE_SECONDS`."""
    hit = cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = compute()
    cache[key] = (now, value)
    return value


class DashboardCache:
    """The dashboard's charts of one database, recomputed in the background when stale.

    At a million listings the charts take seconds to compute; only the very first
    visit waits for them. Later visits get the last charts at once and, when those
    are older than :data:`CACHE_SECONDS`, start one background refresh (with its own
    connection: SQLite connections belong to their thread).
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self.lock = threading.Lock()
        self.charts: dict[str, Chart] | None = None
        self.computed_at = 0.0
        self.refreshing = False

    def get(self, store: Store) -> dict[str, Chart]:
        with self.lock:
            charts, stale = self.charts, time.monotonic() - self.computed_at >= CACHE_SECONDS
            if charts is not None and stale and not self.refreshing:
                self.refreshing = True
                threading.Thread(target=self._refresh, name="dashboard-refresh", daemon=True).start()
        if charts is not None:
            return charts
        charts = dashboard_charts(store)
        with self.lock:
            self.charts, self.computed_at = charts, time.monotonic()
        return charts

    def _refresh(self) -> None:
        try:
            with Store(self.database) as store:
                charts = dashboard_charts(store)
            with self.lock:
                self.charts, self.computed_at = charts, time.monotonic()
        finally:
            with self.lock:
                self.refreshing = False
