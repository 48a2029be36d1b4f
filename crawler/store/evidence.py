"""The evidence table: append a capture, read a listing's captures, find listings still without one.

Rows are only ever inserted (the table's triggers refuse updates and deletes);
files and digests are the business of :mod:`crawler.evidence`.
"""

from __future__ import annotations

from typing import Any

from crawler.store.store import Store

#: The columns of an evidence row besides its id, in the order of :class:`crawler.evidence.EvidenceRecord`.
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "listing", "url", "captured_at", "http_status", "warc_path", "warc_sha256", "png_path", "png_sha256",
    "error", "captured_by",
)  # fmt: skip


def insert_evidence(store: Store, values: dict[str, Any]) -> int:
    """Append one capture (keys: :data:`EVIDENCE_COLUMNS`) and return its id."""
    row = tuple(values.get(column) for column in EVIDENCE_COLUMNS)
    with store.transaction() as conn:
        cur = conn.execute(
            f"INSERT INTO evidence ({', '.join(EVIDENCE_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in EVIDENCE_COLUMNS)})",
            row,
        )
        return int(cur.lastrowid or 0)


def evidence_rows(store: Store, listing_row_id: int | None = None) -> list[dict[str, Any]]:
    """A listing's captures (or every capture), oldest first."""
    columns = ", ".join(("id", *EVIDENCE_COLUMNS))
    if listing_row_id is None:
        return list(store.db.query(f"SELECT {columns} FROM evidence ORDER BY id"))
    return list(store.db.query(f"SELECT {columns} FROM evidence WHERE listing = ? ORDER BY id", [listing_row_id]))


def listing_to_capture(store: Store, listing_row_id: int) -> dict[str, Any] | None:
    """The listing's id and address, or None when there is no such listing."""
    rows = list(store.db.query("SELECT id, url, title FROM listings WHERE id = ?", [listing_row_id]))
    return rows[0] if rows else None


def missing_listings(store: Store, listing_row_ids: list[int]) -> list[int]:
    """Those of ``listing_row_ids`` that name no listing."""
    known = {
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM listings WHERE id IN (SELECT value FROM json_each(?))",
            (f"[{', '.join(str(int(i)) for i in listing_row_ids)}]",),
        )
    }
    return [i for i in listing_row_ids if i not in known]


def high_risk_listings(
    store: Store, *, since: str | None = None, again: bool = False, limit: int | None = None
) -> list[int]:
    """High-risk listings seen on or after ``since``, newest first, for a round of captures.

    Unless ``again``, a listing that already has evidence (a capture that got a
    WARC, whatever its HTTP status: a 404 page shows the listing gone) is left
    out; one whose captures all failed before any answer came is tried again.
    """
    sql = """
        SELECT l.id FROM listings l
        WHERE l.risk = 'high' AND (? IS NULL OR l.last_seen >= ?)
          AND (? OR NOT EXISTS (SELECT 1 FROM evidence e WHERE e.listing = l.id AND e.warc_path IS NOT NULL))
        ORDER BY l.last_seen DESC, l.id
        LIMIT ?
    """
    params = (since, since, int(again), -1 if limit is None else limit)
    return [int(row[0]) for row in store.conn.execute(sql, params)]
