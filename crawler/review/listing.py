"""What the listing page shows: the listing, its verdict, history, trader, decisions and evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.review.highlight import Piece, highlighted
from crawler.store import Store

OTHER_LISTINGS = 20


def safe_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None: a scraped ``javascript:`` URL never becomes a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


@dataclass
class ListingView:
    listing: dict[str, Any]
    trader: dict[str, Any] | None
    verdict: dict[str, Any]
    title_pieces: list[Piece]
    description_pieces: list[Piece]
    link: str | None
    images: int
    history: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    other_listings: list[dict[str, Any]]
    #: None when evidence capture is not installed; else the listing's evidence records.
    evidence: list[Any] | None = field(default=None)
    #: When the listing was marked gone from its marketplace's pages; None while it is on sale.
    delisted_at: str | None = None
    #: When it last came back after being delisted (None if it never was, or is delisted now).
    relisted_at: str | None = None


def listing_view(store: Store, listing_row_id: int) -> ListingView | None:
    rows = list(store.db.query("SELECT * FROM listings WHERE id = ?", [listing_row_id]))
    if not rows:
        return None
    listing = rows[0]
    for column in ("categories", "category_path", "image_urls", "ships_to"):
        listing[column] = _json_list(listing.get(column))
    trader = None
    if listing["seller_key"]:
        found = list(store.db.query(
            "SELECT * FROM traders WHERE marketplace = ? AND seller_key = ?",
            [listing["marketplace"], listing["seller_key"]],
        ))  # fmt: skip
        trader = found[0] if found else None
    verdict = _verdict(store, listing)
    history = store.history(listing_row_id)
    title_pieces, description_pieces = highlighted(
        listing["title"] or "", listing["description"], verdict["reasons"], verdict["taxa"]
    )
    return ListingView(
        listing=listing,
        trader=trader,
        verdict=verdict,
        title_pieces=title_pieces,
        description_pieces=description_pieces,
        link=safe_link(listing["url"]),
        images=len(image_urls(listing)),
        history=history,
        decisions=list(store.db.query(
            "SELECT * FROM review_decisions WHERE listing = ? ORDER BY id DESC", [listing_row_id]
        )),  # fmt: skip
        other_listings=_other_listings(store, listing),
        evidence=evidence_records(store, listing_row_id),
        delisted_at=listing["delisted_at"],
        relisted_at=None if listing["delisted_at"] else last_change(history, "relisted"),
    )


def last_change(history: list[dict[str, Any]], change: str) -> str | None:
    """When the listing's history last recorded ``change`` (``relisted``, ``delisted``…), or None.

    An officer looking at a listing that came back wants to know that it was gone
    for a while: the trader may have relisted it after a warning.
    """
    times = [h["observed_at"] for h in history if h["change"] == change]
    return times[-1] if times else None


def image_urls(listing: dict[str, Any]) -> list[str]:
    """The listing's http(s) image addresses, in the order the page gave them."""
    urls = listing["image_urls"] if isinstance(listing["image_urls"], list) else _json_list(listing["image_urls"])
    return [u for u in (safe_link(str(u)) for u in urls) if u]


def _verdict(store: Store, listing: dict[str, Any]) -> dict[str, Any]:
    row = store.conn.execute(
        "SELECT scores, taxa, reasons, classified_at FROM classifications WHERE listing = ? AND model_version = ?",
        (listing["id"], listing["model_version"]),
    ).fetchone()
    scores, taxa, reasons, classified_at = row if row else (None, None, None, None)
    score_map = json.loads(scores or "{}")
    return {
        "scores": sorted(score_map.items(), key=lambda kv: -float(kv[1] or 0)),
        "taxa": [t for t in json.loads(taxa or "[]") if isinstance(t, dict)],
        "reasons": [r for r in json.loads(reasons or "[]") if isinstance(r, dict)],
        "classified_at": classified_at,
    }


def _other_listings(store: Store, listing: dict[str, Any]) -> list[dict[str, Any]]:
    if not listing["seller_key"]:
        return []
    return list(store.db.query(
        "SELECT id, title, coalesce(risk, 'none') AS risk, price, currency, review_status, first_seen, delisted_at"
        " FROM listings WHERE marketplace = ? AND seller_key = ? AND id != ?"
        " ORDER BY coalesce(risk_rank, 3), first_seen DESC, id DESC LIMIT ?",
        [listing["marketplace"], listing["seller_key"], listing["id"], OTHER_LISTINGS],
    ))  # fmt: skip


def evidence_records(store: Store, listing_row_id: int) -> list[Any] | None:
    """The listing's captured evidence, or None when this installation has no evidence capture."""
    try:
        from crawler.evidence import evidence_for  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return list(evidence_for(store, listing_row_id))


def evidence_capture_available() -> bool:
    try:
        from crawler.evidence import capture_evidence  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def _json_list(value: Any) -> list[Any]:
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return []
    return parsed if isinstance(parsed, list) else []
