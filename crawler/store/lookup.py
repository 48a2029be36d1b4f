"""Read-only look-ups for spiders: what the store already knows about listings a crawl meets.

A spider never writes and never holds the store's write connection: it opens its
own read-only connection (WAL lets it read while the crawl's pipeline writes)
and asks, one search page (or one sitemap) at a time, about the listings on it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KnownListing:
    """What the recrawl policy needs of a stored listing."""

    listing_id: str
    risk: str | None
    #: ISO timestamp of the last read of its item page; None if never read.
    item_page_at: str | None
    #: Its trader's key: a listing seen without its page read still moves its trader's last_seen.
    seller_key: str | None = None


class ListingLookup:
    """Read-only access to the listings of a database; a missing database knows nothing."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and self.path.is_file():
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        return self._conn

    def known(self, marketplace: str, listing_ids: list[str]) -> dict[str, KnownListing]:
        """The stored listings among ``listing_ids`` of ``marketplace``, by listing id."""
        rows = self._select(
            "SELECT listing_id, risk, item_page_at FROM listings WHERE marketplace = ? AND listing_id IN ({})",
            marketplace, listing_ids,
        )  # fmt: skip
        return {r[0]: KnownListing(*r) for r in rows}

    def known_at_urls(self, marketplace: str, urls: list[str]) -> dict[str, list[KnownListing]]:
        """The active (not delisted) stored listings of ``marketplace`` at ``urls``, by URL.

        A listing is at a URL when that is its own (``url``) or the one its page was
        last read through (``page_url``: a sitemap entry that redirects to the
        product's final address). A shop's page may show several products, hence a
        list. A delisted listing is left out: a page that names it again must be read,
        so that it is relisted.
        """
        found: dict[str, dict[str, KnownListing]] = {}
        for column in ("url", "page_url"):  # two index searches (idx_listings_url, idx_listings_page_url)
            rows = self._select(
                f"SELECT {column}, listing_id, risk, item_page_at, seller_key FROM listings"
                f" WHERE marketplace = ? AND {column} IN ({{}}) AND delisted_at IS NULL",
                marketplace, urls,
            )  # fmt: skip
            for url, *known in rows:
                found.setdefault(url, {})[known[0]] = KnownListing(*known)
        return {url: list(by_id.values()) for url, by_id in found.items()}

    def _select(self, sql: str, marketplace: str, keys: list[str]) -> list[tuple[Any, ...]]:
        """``sql`` (whose ``{}`` takes the placeholders of a chunk of ``keys``) over all of ``keys``."""
        conn = self._connection()
        if conn is None or not keys:
            return []
        unique = list(dict.fromkeys(keys))
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(unique), 500):  # well under SQLite's limit on bound parameters
            chunk = unique[start:start + 500]
            try:
                rows += conn.execute(sql.format(", ".join("?" for _ in chunk)), (marketplace, *chunk)).fetchall()
            except sqlite3.OperationalError:  # a database the crawl's store has not created or migrated yet
                return []
        return rows

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
