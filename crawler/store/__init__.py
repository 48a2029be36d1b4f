"""Storage: the SQLite database behind one small interface (see :class:`Store`)."""

from crawler.store.queries import EXPORT_COLUMNS, StoreStats, export_rows, riskiest_traders, store_stats
from crawler.store.store import TRACKED_FIELDS, Store, StoredListing, StoreError

__all__ = [
    "EXPORT_COLUMNS",
    "TRACKED_FIELDS",
    "Store",
    "StoreError",
    "StoreStats",
    "StoredListing",
    "export_rows",
    "riskiest_traders",
    "store_stats",
]
