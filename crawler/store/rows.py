"""How items become rows: the columns the store keeps and their conversions.

Shared by the writing side (:mod:`crawler.store.store`) so that column lists are
said once.
"""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter
from typing import Any

from classifiers.types import risk_rank  # the store knows risk labels, not models
from crawler.items import Listing

#: Listing fields whose change makes a history row.
TRACKED_FIELDS: tuple[str, ...] = (
    "title",
    "price",
    "currency",
    "available",
    "quantity_available",
    "quantity_sold",
)

LISTING_COLUMNS: tuple[str, ...] = (
    "marketplace",
    "listing_id",
    "url",
    "title",
    "description",
    "price",
    "currency",
    "quantity_available",
    "quantity_sold",
    "available",
    "condition",
    "sku",
    "category_path",
    "image_urls",
    "ships_from",
    "ships_to",
    "seller_key",
    "search_query",
    "language",
    "platform",
    "page_url",
)
#: The list columns (stored as JSON), each with what an empty list on a page means. ``True``: "the page
#: did not say", which keeps the stored list as ``None`` keeps any other field (a page never erases what
#: we know); ``False`` would store the empty list. Decided field by field:
EMPTY_LIST_IS_UNSAID: dict[str, bool] = {
    # Breadcrumbs are on item pages; search cards and most shop APIs have none. A listing does not
    # leave its category, so an empty path is a page that did not show it.
    "category_path": True,
    # Cards of several marketplaces load their pictures by script, and a sold-out item page may show
    # none; the stored addresses are what the review app shows (by position) and caches as evidence.
    "image_urls": True,
    # Destinations are stated on item pages only, and a country the normaliser cannot read is dropped:
    # an empty list is never "ships nowhere".
    "ships_to": True,
}
JSON_COLUMNS = frozenset(EMPTY_LIST_IS_UNSAID)

TRADER_COLUMNS: tuple[str, ...] = (
    "display_name",
    "profile_url",
    "country",
    "feedback_count",
    "rating",
    "shop_website",
    "platform",
    "private",
)

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# json's C encoder called directly: a third of the time of ``encode()``, which runs several times per listing.
_C_ENCODE = c_make_encoder and c_make_encoder(
    None, _ENCODER.default, encode_basestring, None, ":", ",", False, False, True
)


def dumps(value: Any) -> str:
    """Compact JSON for list and object columns (one encoder, reused: this runs per listing)."""
    if _C_ENCODE is not None and isinstance(value, (list, tuple, dict)):
        return "".join(_C_ENCODE(value, 0))
    return _ENCODER.encode(value)


#: The current verdict, denormalised into ``listings`` so review queues need no join.
VERDICT_COLUMNS: tuple[str, ...] = (
    "categories", "risk", "risk_rank", "needs_review", "model_version", "taxa_hits",
)  # fmt: skip


def verdict_columns(verdict: dict[str, Any]) -> dict[str, Any]:
    risk = verdict.get("risk", "none")
    taxa = verdict.get("taxa") or ()
    return {
        "categories": dumps(verdict.get("categories", [])),
        "risk": risk,
        "risk_rank": risk_rank(risk),
        "needs_review": int(bool(verdict.get("needs_review"))),
        "model_version": verdict.get("model_version") or "unknown",
        # distinct regulated taxa named: the trader risk score counts listings with any
        "taxa_hits": len({t.get("scientific_name") for t in taxa}),
    }


_LISTING_VALUES = attrgetter(*LISTING_COLUMNS)
_CONVERTED = tuple((i, c) for i, c in enumerate(LISTING_COLUMNS) if c in JSON_COLUMNS or c == "available")


def listing_values(listing: Listing) -> list[Any]:
    """The listing's columns as stored, in ``LISTING_COLUMNS`` order (lists as JSON, availability as 0/1).

    ``None`` is a field the page did not give, and so is an empty list where
    :data:`EMPTY_LIST_IS_UNSAID` says so: both write paths (the full one in
    :mod:`crawler.store.store`, the conditional UPDATE of :mod:`crawler.store.sightings`)
    then keep the stored value, because they read the same values from here.
    """
    values = list(_LISTING_VALUES(listing))
    for i, column in _CONVERTED:
        value = values[i]
        if column == "available":
            if value is not None:
                values[i] = int(bool(value))
        elif not value:
            values[i] = None if EMPTY_LIST_IS_UNSAID[column] else "[]"
        else:
            values[i] = dumps(value if isinstance(value, (list, tuple)) else list(value))
    return values


def new_listing_values(row: dict[str, Any]) -> dict[str, Any]:
    """A first sighting's columns: a list the page did not give is stored as ``[]``, as it always was."""
    return {k: "[]" if v is None and k in JSON_COLUMNS else v for k, v in row.items()}


def listing_row(listing: Listing) -> dict[str, Any]:
    return dict(zip(LISTING_COLUMNS, listing_values(listing)))
