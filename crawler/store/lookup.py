"""Read-only look-ups for spiders: what the store already knows about listings a crawl meets.

A spider never writes and never holds the store's write connection: it opens its
own read-only connection (WAL lets it read while the crawl's pipeline writes)
and asks, one search page at a time, about the listings on that page.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KnownListing:
    """What the recrawl policy needs of a stored listing."""

    listing_id: str
    risk: str | None
    #: ISO timestamp of the last read of its item page; None if never read.
    item_page_at: str | None


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
        conn = self._connection()
        if conn is None or not listing_ids:
            return {}
        found: dict[str, KnownListing] = {}
        ids = list(dict.fromkeys(listing_ids))
        for start in range(0, len(ids), 500):  # well under SQLite's limit on bound parameters
            chunk = ids[start:start + 500]
            try:
                rows = conn.execute(
                    "SELECT listing_id, risk, item_page_at FROM listings"
                    f" WHERE marketplace = ? AND listing_id IN ({', '.join('?' for _ in chunk)})",
                    (marketplace, *chunk),
                ).fetchall()
            except sqlite3.OperationalError:  # a database the crawl's store has not created or migrated yet
                return {}
            found.update({r[0]: KnownListing(*r) for r in rows})
        return found

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
