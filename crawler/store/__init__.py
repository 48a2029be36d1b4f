"""Storage: the SQLite database behind one small interface (see :class:`Store`)."""

from crawler.store.queries import (
    EXPORT_COLUMNS,
    HISTORY_CHANGES,
    StoreStats,
    export_rows,
    riskiest_traders,
    run_changes,
    store_stats,
)
from crawler.store.rows import TRACKED_FIELDS
from crawler.store.store import Store, StoredListing, StoreError

__all__ = [
    "EXPORT_COLUMNS",
    "HISTORY_CHANGES",
    "TRACKED_FIELDS",
    "Store",
    "StoreError",
    "StoreStats",
    "StoredListing",
    "export_rows",
    "riskiest_traders",
    "run_changes",
    "store_stats",
]
