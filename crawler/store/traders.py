"""Trader identifiers, links and entities in the database: the SQL behind :mod:`crawler.traders`.

Reads return plain rows; writes take a connection inside the caller's
transaction, so that one refresh of the trader entities is all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from crawler.store.link_decisions import held_apart
from crawler.store.store import Store


@dataclass(frozen=True)
class TraderRow:
    id: int
    marketplace: str
    seller_key: str
    display_name: str | None
    profile_url: str | None
    shop_website: str | None
    country: str | None
    private: bool
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class LinkRow:
    id: int
    trader_a: int
    trader_b: int
    kind: str
    value: str
    undone: bool


@dataclass(frozen=True)
class ListingGroup:
    """Listings of one trader that share risk, categories and ships-from (one row of the aggregate)."""

    marketplace: str
    seller_key: str
    risk_rank: int
    categories: str  # JSON list
    ships_from: str | None
    listings: int
    active: int
    taxa_listings: int
    first_seen: str
    last_seen: str


# -- bookkeeping --------------------------------------------------------------


def get_state(store: Store, key: str) -> str | None:
    row = store.conn.execute("SELECT value FROM store_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def latest_activity(store: Store) -> tuple[int, int, str | None]:
    """Highest listing id, highest trader id and last finished crawl run: what a refresh is compared with."""
    q = store.conn.execute
    return (
        q("SELECT coalesce(max(id), 0) FROM listings").fetchone()[0],
        q("SELECT coalesce(max(id), 0) FROM traders").fetchone()[0],
        q("SELECT max(finished_at) FROM crawl_runs").fetchone()[0],
    )


# -- reading what identifiers are found in ------------------------------------------


def trader_rows(store: Store) -> list[TraderRow]:
    return [
        TraderRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8], r[9])
        for r in store.conn.execute(
            "SELECT id, marketplace, seller_key, display_name, profile_url, shop_website, country, private,"
            " first_seen, last_seen FROM traders ORDER BY id"
        )
    ]


def listing_texts(
    store: Store, after_id: int
) -> Iterator[tuple[int, str, str, str, str | None, str | None]]:
    """``(id, marketplace, seller_key, title, description, ships_from)`` of listings after ``after_id``."""
    yield from store.conn.execute(
        "SELECT id, marketplace, seller_key, title, description, ships_from FROM listings"
        " WHERE id > ? AND seller_key IS NOT NULL ORDER BY id",
        (after_id,),
    )


def listing_groups(store: Store) -> Iterator[ListingGroup]:
    """Every trader's listings, grouped by risk, categories and ships-from: one pass over the listings."""
    for row in store.conn.execute(
        "SELECT marketplace, seller_key, coalesce(risk_rank, 3), coalesce(categories, '[]'), ships_from,"
        " count(*), sum(delisted_at IS NULL), sum(taxa_hits > 0), min(first_seen), max(last_seen)"
        " FROM listings WHERE seller_key IS NOT NULL GROUP BY 1, 2, 3, 4, 5"
    ):
        yield ListingGroup(*row)


def taxa_by_trader(store: Store) -> dict[tuple[str, str], set[str]]:
    """Scientific names of the regulated taxa each trader's listings name (current verdicts)."""
    found: dict[tuple[str, str], set[str]] = {}
    for marketplace, seller_key, taxa in store.conn.execute(
        "SELECT l.marketplace, l.seller_key, c.taxa FROM listings l"
        " JOIN classifications c ON c.listing = l.id AND c.model_version = l.model_version"
        " WHERE l.taxa_hits > 0 AND l.seller_key IS NOT NULL"
    ):
        names = {t.get("scientific_name") for t in json.loads(taxa or "[]") if isinstance(t, dict)}
        found.setdefault((marketplace, seller_key), set()).update(n for n in names if n)
    return found


# -- identifiers and links ------------------------------------------------------


def save_identifiers(
    conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, str | None, str, int | None, str]]
) -> int:
    """``(trader_id, kind, match_key, value, found_in, listing_id, found_at)`` rows; the first finding is kept."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO trader_identifiers (trader_id, kind, match_key, value, found_in, listing_id, found_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


@dataclass(frozen=True)
class Holder:
    """A trader an identifier was found for, and where."""

    trader_id: int
    value: str | None
    found_in: str
    listing_id: int | None


def identifier_groups(store: Store) -> dict[tuple[str, str], list[Holder]]:
    """Identifiers found for more than one trader: ``(kind, match_key) -> holders``, by trader id."""
    groups: dict[tuple[str, str], list[Holder]] = {}
    for kind, key, trader_id, value, found_in, listing_id in store.conn.execute(
        "SELECT kind, match_key, trader_id, value, found_in, listing_id FROM trader_identifiers"
        " WHERE (kind, match_key) IN (SELECT kind, match_key FROM trader_identifiers GROUP BY kind, match_key"
        "                             HAVING count(*) > 1)"
        " ORDER BY kind, match_key, trader_id"
    ):
        groups.setdefault((kind, key), []).append(Holder(trader_id, value, found_in, listing_id))
    return groups


def save_links(conn: sqlite3.Connection, rows: Iterable[tuple[int, int, str, str, str, float | None, str]]) -> int:
    """``(trader_a, trader_b, kind, value, evidence JSON, similarity, linked_at)``; known links are kept as they are."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO trader_links (trader_a, trader_b, kind, value, evidence, similarity, linked_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


def links(store: Store) -> list[LinkRow]:
    return [
        LinkRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]))
        for r in store.conn.execute(
            f"SELECT id, trader_a, trader_b, kind, value, {held_apart('l.id')} FROM trader_links l ORDER BY id"
        )
    ]


# -- entities ------------------------------------------------------------------------

ENTITY_COLUMNS: tuple[str, ...] = (
    "id", "name", "country", "country_basis", "country_evidence", "traders", "marketplaces", "listings",
    "active_listings", "high", "medium", "low", "unregulated", "by_category", "regulated_share", "taxa_listings",
    "taxa", "first_activity", "last_activity", "risk", "risk_rank", "risk_score", "refreshed_at",
)  # fmt: skip
_ENTITY_JSON = ("country_evidence", "marketplaces", "by_category", "taxa")


def write_entity_ids(conn: sqlite3.Connection, entity_of: dict[int, int]) -> None:
    current = dict(conn.execute("SELECT id, entity_id FROM traders"))
    conn.executemany(
        "UPDATE traders SET entity_id = ? WHERE id = ?",
        ((entity, trader) for trader, entity in entity_of.items() if current.get(trader) != entity),
    )


def replace_entities(conn: sqlite3.Connection, rows: Iterable[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM trader_entities")
    conn.executemany(
        f"INSERT INTO trader_entities ({', '.join(ENTITY_COLUMNS)})"
        f" VALUES ({', '.join('?' for _ in ENTITY_COLUMNS)})",
        (
            tuple(json.dumps(row[c], ensure_ascii=False) if c in _ENTITY_JSON else row[c] for c in ENTITY_COLUMNS)
            for row in rows
        ),
    )


def entities_in(store: Store, country: str, max_rank: int, limit: int | None = None) -> list[dict[str, Any]]:
    """Entities based in ``country`` whose riskiest listing ranks ``max_rank`` or higher, riskiest first."""
    rows = list(store.db.query(
        "SELECT * FROM trader_entities WHERE country = ? AND risk_rank <= ?"
        " ORDER BY risk_score DESC, listings DESC, id LIMIT ?",
        [country, max_rank, -1 if limit is None else limit],
    ))  # fmt: skip
    for row in rows:
        for column in _ENTITY_JSON:
            row[column] = json.loads(row[column] or "null")
    return rows


Rows = dict[int, list[dict[str, Any]]]


def members_and_links(store: Store, entity_ids: list[int]) -> tuple[Rows, Rows]:
    """The traders of each entity, and the links (not undone) that join them, by entity id."""
    members: Rows = {e: [] for e in entity_ids}
    joined: Rows = {e: [] for e in entity_ids}
    for start in range(0, len(entity_ids), 500):
        chunk = entity_ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in store.db.query(
            "SELECT entity_id, id, marketplace, seller_key, display_name, country, profile_url, shop_website"
            f" FROM traders WHERE entity_id IN ({marks}) ORDER BY id", chunk,
        ):  # fmt: skip
            members[row.pop("entity_id")].append(row)
        for row in store.db.query(
            "SELECT a.entity_id, l.id, l.kind, l.value, l.trader_a, l.trader_b, l.evidence, l.similarity, l.linked_at"
            " FROM trader_links l JOIN traders a ON a.id = l.trader_a JOIN traders b ON b.id = l.trader_b"
            f" WHERE a.entity_id IN ({marks}) AND b.entity_id = a.entity_id"
            f" AND NOT {held_apart('l.id')} ORDER BY l.id", chunk,
        ):  # fmt: skip
            row["evidence"] = json.loads(row["evidence"])
            joined[row.pop("entity_id")].append(row)
    return members, joined
