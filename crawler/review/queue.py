"""The review queue: listings to look at, riskiest first, then newest, a page at a time.

Pages are keyset ("seek") pages, never OFFSET: a page starts after the last
listing of the previous one, so page 200 costs what page 1 costs, at a million
listings. Every filter is a fixed SQL fragment with its value as a parameter;
nothing an officer types (or a marketplace wrote) becomes SQL.

The order is ``coalesce(risk_rank, 3)`` ascending, then ``first_seen`` and ``id``
descending, which is the order of the indexes of migration 008; the queries name
the index (``INDEXED BY``) so that SQLite never trades it for an index on a
filtered column followed by a sort of half the table.

A listing gone from its marketplace's pages (``delisted_at``, see docs/traders.md)
stays in the queue: it may still need a decision, and the page is the evidence.
The ``listed`` filter shows only those on sale or only the delisted ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Mapping

from classifiers.types import CATEGORIES, RISK_LEVELS, risk_rank
from crawler.store import Store
from crawler.store.seen_range import DATE_BASES, SeenRange, upper_bound

PAGE_SIZE = 50
#: A filter an index answers that selects at most this many listings is the query's starting point (see _source).
DRIVE_LIMIT = 20_000
#: Decisions on more listings than this at once are refused: narrow the filter first.
BULK_LIMIT = 10_000

DECISION_STATUSES: tuple[str, ...] = ("confirm", "dismiss", "refer", "contact")
#: Queue statuses an officer can pick, with what they mean.
STATUSES: dict[str, str] = {
    "open": "new and needs review (undecided, flagged or unsure)",
    "needs_review": "classifier unsure, undecided",
    "undecided": "every undecided listing",
    "confirm": "confirmed",
    "dismiss": "dismissed",
    "refer": "referred to the RPPO",
    "contact": "trader to be contacted",
    "all": "every listing",
}
#: Values of the ``listed`` filter, with what they mean (empty: both).
LISTED: dict[str, str] = {
    "on_sale": "on sale (still on the marketplace's pages)",
    "delisted": "delisted (gone from the marketplace's pages)",
}

_COUNTRY = re.compile(r"[A-Z]{2}")
_FREE_TEXT_MAX = 200


class FilterError(ValueError):
    """A filter value the queue cannot use; the message names it."""


@dataclass(frozen=True)
class QueueFilters:
    """What the officer asked the queue for; every field optional but ``status``."""

    status: str = "open"
    category: str | None = None
    risk: str | None = None
    marketplace: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, where the goods ship from
    taxa_list: str | None = None  # e.g. "EU IAS Union list"
    watch: str | None = None  # crawl_runs.watch of the run that last saw the listing
    since: str | None = None  # first seen on or after (YYYY-MM-DD); see crawler.store.seen_range
    until: str | None = None  # first seen on or before (YYYY-MM-DD)
    q: str | None = None  # full-text search over title and description
    listed: str | None = None  # "on_sale" or "delisted" (see LISTED); None: both

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> QueueFilters:
        """Filters from a query string; a wrong value raises :class:`FilterError` naming it."""
        raw = {name: (args.get(name) or "").strip() for name in cls.__dataclass_fields__}
        values: dict[str, Any] = {k: v or None for k, v in raw.items()}
        values["status"] = raw["status"] or "open"
        if values["status"] not in STATUSES:
            raise FilterError(f"unknown status {raw['status']!r}")
        if values["category"] and values["category"] not in CATEGORIES:
            raise FilterError(f"unknown category {raw['category']!r}")
        if values["risk"] and values["risk"] not in RISK_LEVELS:
            raise FilterError(f"unknown risk {raw['risk']!r}")
        if values["listed"] and values["listed"] not in LISTED:
            raise FilterError(f"unknown listed {raw['listed']!r}: choose {' or '.join(LISTED)}, or nothing for both")
        if values["country"]:
            values["country"] = values["country"].upper()
            if not _COUNTRY.fullmatch(values["country"]):
                raise FilterError(f"country {raw['country']!r} is not a two-letter ISO 3166 code")
        for name in ("since", "until"):
            if values[name]:
                try:
                    values[name] = date.fromisoformat(values[name]).isoformat()
                except ValueError:
                    raise FilterError(f"{name} {raw[name]!r} is not a date like 2026-11-01") from None
        for name in ("marketplace", "taxa_list", "watch", "q"):
            if values[name] and len(values[name]) > _FREE_TEXT_MAX:
                raise FilterError(f"{name} is longer than {_FREE_TEXT_MAX} characters")
        if values["q"] and not fts_query(values["q"]):
            values["q"] = None
        return cls(**values)

    def to_args(self) -> dict[str, str]:
        """The non-empty filters, for links and hidden form fields."""
        return {k: v for k, v in asdict(self).items() if v and not (k == "status" and v == "open")}

    def seen_range(self) -> SeenRange:
        """The date filter: listings first seen in the range (the night's or the week's finds)."""
        until = upper_bound(date.fromisoformat(self.until)) if self.until else None
        return SeenRange(self.since, until, "first_seen")

    # -- as an export's filter (crawler.exports.filters.ListingFilter) --------------------------------

    def selection(self, store: Store | None = None) -> QueueFilters:
        """The queue's own condition is the export's selection: the export holds what the queue shows."""
        return self

    def where(self) -> tuple[str, list[Any]]:
        """The queue's WHERE clause over ``l``, searching through the FTS index by listing id."""
        clauses, params = _where(self, fts_in_where=False)
        return " AND ".join(clauses) or "1", params

    def describe(self) -> dict[str, Any]:
        """The filters as an export's manifest and README state them (None: not used)."""
        return {
            "queue_status": f"{self.status}: {STATUSES[self.status]}",
            "category": self.category,
            "risk": self.risk,
            "marketplace": self.marketplace,
            "ships_from": self.country,
            "taxa_list": self.taxa_list,
            "watch": self.watch,
            "since": self.since,
            "until": self.until,
            "dates": DATE_BASES["first_seen"] if (self.since or self.until) else None,
            "search": self.q,
            "listed": self.listed,
        }


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort key of its last listing."""

    rank: int
    first_seen: str
    id: int

    def token(self) -> str:
        return f"{self.rank}|{self.first_seen}|{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        if not token:
            return None
        parts = token.split("|")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit() or len(parts[1]) > 40:
            raise FilterError("the page link is damaged; start from the first page")
        return cls(int(parts[0]), parts[1], int(parts[2]))


@dataclass
class QueuePage:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None


def fts_query(text: str) -> str:
    """An FTS5 query in which every word the officer typed is a quoted phrase (so no FTS syntax gets through).

    Words are ANDed; a word ending in ``*`` is a prefix search.
    """
    terms = []
    for word in text.split()[:10]:
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', "")
        if word:
            terms.append('"' + word + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def _where(filters: QueueFilters, *, fts_in_where: bool) -> tuple[list[str], list[Any]]:
    """The WHERE clauses of ``filters``: constant SQL fragments and their parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    status = filters.status
    if status == "open":
        clauses += ["l.review_status IS NULL", "(coalesce(l.risk_rank, 3) < 3 OR l.needs_review = 1)"]
    elif status == "needs_review":
        clauses += ["l.review_status IS NULL", "l.needs_review = 1"]
    elif status == "undecided":
        clauses.append("l.review_status IS NULL")
    elif status in DECISION_STATUSES:
        clauses.append("l.review_status = ?")
        params.append(status)
    if filters.listed == "on_sale":
        clauses.append("l.delisted_at IS NULL")
    elif filters.listed == "delisted":
        clauses.append("l.delisted_at IS NOT NULL")  # also what lets idx_listings_delisted (partial) be used
    if filters.risk:
        clauses.append("coalesce(l.risk_rank, 3) = ?")
        params.append(risk_rank(filters.risk))
    if filters.category:
        # categories is a JSON list of fixed names: a quoted name occurs in it only as that category.
        clauses.append("instr(l.categories, ?) > 0")
        params.append(json.dumps(filters.category))
    if filters.marketplace:
        clauses.append("l.marketplace = ?")
        params.append(filters.marketplace)
    if filters.country:
        clauses.append("l.ships_from = ?")
        params.append(filters.country)
    if filters.taxa_list:
        clauses.append(
            "EXISTS (SELECT 1 FROM classifications c WHERE c.listing = l.id AND c.model_version = l.model_version"
            " AND instr(c.taxa, ?) > 0"
            " AND EXISTS (SELECT 1 FROM json_each(c.taxa) t WHERE json_extract(t.value, '$.list_name') = ?))"
        )
        params += [filters.taxa_list, filters.taxa_list]
    if filters.watch:
        clauses.append("l.last_run_id IN (SELECT id FROM crawl_runs WHERE watch = ?)")
        params.append(filters.watch)
    dated, dated_params = filters.seen_range().clauses()
    clauses += dated
    params += dated_params
    if filters.q:
        if fts_in_where:
            clauses.append("listings_fts MATCH ?")
        else:
            # "+": a test per listing, never a loop over the matches probing the index (SQLite would try that).
            clauses.append("+l.id IN (SELECT rowid FROM listings_fts WHERE listings_fts MATCH ?)")
        params.append(fts_query(filters.q))
    return clauses, params


#: The listing matches of a search term, as the outer loop (then sorted).
_FTS_SOURCE = "listings_fts CROSS JOIN listings l ON l.id = listings_fts.rowid"


def _source(store: Store, filters: QueueFilters) -> tuple[str, bool]:
    """The FROM clause, and whether the search term is matched in the WHERE clause (FTS as the outer loop).

    By default the queue walks its own index in page order and checks the filters
    on each listing: cheap while the filters let most listings through. A filter that
    an index answers (search term, marketplace, ships-from country, dates) and that
    selects at most :data:`DRIVE_LIMIT` listings is cheaper as the starting point
    (so is ``listed=delisted`` while the delisted are few, from their partial index):
    its matches are fetched and sorted. The smallest such filter is taken; counting
    stops at the limit, so the choice costs a few milliseconds.
    """
    candidates: list[tuple[str, list[Any], str, bool]] = []
    if filters.q:
        candidates.append(("SELECT 1 FROM listings_fts WHERE listings_fts MATCH ?", [fts_query(filters.q)],
                           _FTS_SOURCE, True))  # fmt: skip
    if filters.marketplace:
        index = "idx_listings_marketplace_listing_id"
        candidates.append((f"SELECT 1 FROM listings INDEXED BY {index} WHERE marketplace = ?", [filters.marketplace],
                           f"listings l INDEXED BY {index}", False))  # fmt: skip
    if filters.country:
        index = "idx_listings_ships_from"
        candidates.append((f"SELECT 1 FROM listings INDEXED BY {index} WHERE ships_from = ?", [filters.country],
                           f"listings l INDEXED BY {index}", False))  # fmt: skip
    if filters.listed == "delisted":
        index = "idx_listings_delisted"
        candidates.append((f"SELECT 1 FROM listings INDEXED BY {index} WHERE delisted_at IS NOT NULL", [],
                           f"listings l INDEXED BY {index}", False))  # fmt: skip
    if filters.since or filters.until:
        index = "idx_listings_first_seen"
        dated, dated_params = filters.seen_range().clauses()
        candidates.append((f"SELECT 1 FROM listings l INDEXED BY {index} WHERE {' AND '.join(dated)}", dated_params,
                           f"listings l INDEXED BY {index}", False))  # fmt: skip
    best: tuple[int, str, bool] | None = None
    for count_sql, params, source, fts in candidates:
        count_params = [*params, DRIVE_LIMIT + 1]
        count = store.conn.execute(f"SELECT count(*) FROM ({count_sql} LIMIT ?)", count_params).fetchone()[0]
        if count <= DRIVE_LIMIT and (best is None or count < best[0]):
            best = (count, source, fts)
    if best is not None:
        return best[1], best[2]
    if filters.status == "all":
        return "listings l INDEXED BY idx_listings_rank_recency", False
    return "listings l INDEXED BY idx_listings_review_queue", False


_COLUMNS = """
    l.id, l.marketplace, l.listing_id, l.title, l.price, l.currency, l.available, l.ships_from,
    l.seller_key, l.categories, coalesce(l.risk, 'none') AS risk, coalesce(l.risk_rank, 3) AS rank,
    l.needs_review, l.first_seen, l.last_seen, l.review_status, l.reviewed_at, l.delisted_at
"""
_ORDER = " ORDER BY coalesce(l.risk_rank, 3), l.first_seen DESC, l.id DESC LIMIT ?"
#: The same order when the risk level is fixed by an equality (SQLite then needs the ORDER BY without it
#: to read the index in order instead of sorting).
_ORDER_IN_LEVEL = " ORDER BY l.first_seen DESC, l.id DESC LIMIT ?"


def queue_page(store: Store, filters: QueueFilters, after: Cursor | None = None, limit: int = PAGE_SIZE) -> QueuePage:
    """One page of the queue after ``after`` (the first page when None).

    Two seeks instead of one OR: the rest of the last listing's risk level, then the
    levels below it. Each is a contiguous range of the index.
    """
    source, fts_in_where = _source(store, filters)
    clauses, params = _where(filters, fts_in_where=fts_in_where)
    arms: list[tuple[list[str], list[Any], str]] = []
    if after is None:
        arms.append(([], [], _ORDER_IN_LEVEL if filters.risk else _ORDER))
    else:
        arms.append((["coalesce(l.risk_rank, 3) = ?", "(l.first_seen, l.id) < (?, ?)"],
                     [after.rank, after.first_seen, after.id], _ORDER_IN_LEVEL))  # fmt: skip
        if not filters.risk:
            arms.append((["coalesce(l.risk_rank, 3) > ?"], [after.rank], _ORDER))
    rows: list[dict[str, Any]] = []
    for extra, extra_params, order in arms:
        where = " AND ".join(clauses + extra) or "1"
        sql = f"SELECT {_COLUMNS} FROM {source} WHERE {where}{order}"
        rows += store.db.query(sql, [*params, *extra_params, limit + 1 - len(rows)])
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    _add_traders(store, rows)
    for row in rows:
        row["categories"] = json.loads(row["categories"] or "[]")
    last = rows[-1] if rows else None
    cursor = Cursor(last["rank"], last["first_seen"], last["id"]) if more and last else None
    return QueuePage(rows, cursor)


def _add_traders(store: Store, rows: list[dict[str, Any]]) -> None:
    """Each row's trader name and country, one primary-key lookup per row."""
    for row in rows:
        trader = store.conn.execute(
            "SELECT display_name, country FROM traders WHERE marketplace = ? AND seller_key = ?",
            (row["marketplace"], row["seller_key"]),
        ).fetchone()
        row["trader_name"], row["trader_country"] = trader if trader else (None, None)


def _bulk_where(store: Store, filters: QueueFilters, upto: int) -> tuple[str, str, list[Any]]:
    source, fts_in_where = _source(store, filters)
    clauses, params = _where(filters, fts_in_where=fts_in_where)
    return source, " AND ".join([*clauses, "l.id <= ?"]), [*params, upto]


def bulk_scope(store: Store, filters: QueueFilters) -> tuple[int, int]:
    """How many listings the filters select now, and the highest listing id among them.

    The id bounds a bulk decision to what the officer was shown: listings that
    arrive between the confirmation and the decision are left alone.
    """
    source, fts_in_where = _source(store, filters)
    clauses, params = _where(filters, fts_in_where=fts_in_where)
    where = " AND ".join(clauses) or "1"
    count, upto = store.conn.execute(
        f"SELECT count(*), coalesce(max(l.id), 0) FROM {source} WHERE {where}", params
    ).fetchone()
    return int(count), int(upto)


def bulk_listing_ids(store: Store, filters: QueueFilters, upto: int) -> list[int]:
    """The listings a bulk decision applies to: those the filters select, up to id ``upto``."""
    source, where, params = _bulk_where(store, filters, upto)
    return [row[0] for row in store.conn.execute(f"SELECT l.id FROM {source} WHERE {where}", params)]


def with_status(filters: QueueFilters, status: str) -> QueueFilters:
    return replace(filters, status=status)
