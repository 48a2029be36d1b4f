"""Review decisions as labelled data, so officers' judgements can retrain the classifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from crawler.items import listing_text
from crawler.store.store import Store

#: Decisions that say what a listing is: confirmed as classified, or dismissed as not regulated.
CONFIRM = "confirm"
DISMISS = "dismiss"


def reviewed_listings(store: Store) -> Iterator[dict[str, Any]]:
    """``{"text", "cats", "lang"}`` for every listing whose latest decision is a confirm or a dismiss.

    A confirmation keeps the regulated categories the listing was classified with;
    a dismissal labels it ``not_regulated``. Referrals and contacts say nothing
    about the category and are left out; so is a confirmation of a listing whose
    verdict had no regulated category (there is nothing to confirm).
    """
    from classifiers.types import CATEGORIES

    sql = """
        SELECT l.title, l.description, l.categories, d.decision
        FROM review_decisions d
        JOIN listings l ON l.id = d.listing
        WHERE d.id = (SELECT max(id) FROM review_decisions WHERE listing = d.listing)
          AND d.decision IN (?, ?)
        ORDER BY d.listing
    """
    for row in store.db.query(sql, [CONFIRM, DISMISS]):
        if row["decision"] == DISMISS:
            labels = {"not_regulated"}
        else:
            labels = set(json.loads(row["categories"] or "[]")) - {"not_regulated"}
            if not labels:
                continue
        yield {
            "text": listing_text(row["title"] or "", row["description"] or ""),
            "cats": {c: int(c in labels) for c in CATEGORIES},
            "lang": "",
        }
