"""What the trader page shows, and the trader's follow-up status.

A trader is one seller on one marketplace (``traders``). Where the store also
links traders into entities (``trader_entities``, ``trader_links`` and
``trader_identifiers``, from the trader-entities migration), the page shows the
entity, its other identities and the evidence of each link; without those tables
it shows the trader alone.

Follow-up (none / contacted / compliant / referred) is an append-only history in
``trader_followups``: the current status is the latest row, and every change
keeps who made it, when and why.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.items import utc_now
from crawler.store import Store

FOLLOWUP_STATUSES: tuple[str, ...] = ("none", "contacted", "compliant", "referred")
MAX_FOLLOWUP_NOTE = 4000
TRADER_LISTINGS = 50


class FollowupError(ValueError):
    """A follow-up change that cannot be recorded; the message says why."""


def trader_view(store: Store, marketplace: str, seller_key: str) -> dict[str, Any] | None:
    """The trader, its listings by category and risk, decisions so far, follow-up and entity; None if unknown."""
    found = list(store.db.query(
        "SELECT * FROM traders WHERE marketplace = ? AND seller_key = ?", [marketplace, seller_key]
    ))  # fmt: skip
    if not found:
        return None
    key = [marketplace, seller_key]
    by_risk = {
        risk: n
        for risk, n in store.conn.execute(
            "SELECT coalesce(risk, 'none'), count(*) FROM listings WHERE marketplace = ? AND seller_key = ?"
            " GROUP BY 1 ORDER BY min(coalesce(risk_rank, 3))",
            key,
        )
    }
    by_category = list(store.db.query(
        "SELECT c.value AS category, coalesce(l.risk, 'none') AS risk, count(*) AS listings"
        " FROM listings l, json_each(l.categories) c WHERE l.marketplace = ? AND l.seller_key = ?"
        " GROUP BY 1, 2 ORDER BY min(coalesce(l.risk_rank, 3)), 3 DESC",
        key,
    ))  # fmt: skip
    listings = list(store.db.query(
        "SELECT id, title, coalesce(risk, 'none') AS risk, categories, price, currency, ships_from,"
        " review_status, first_seen, last_seen, delisted_at FROM listings WHERE marketplace = ? AND seller_key = ?"
        " ORDER BY coalesce(risk_rank, 3), first_seen DESC, id DESC LIMIT ?",
        [*key, TRADER_LISTINGS],
    ))  # fmt: skip
    for row in listings:
        row["categories"] = json.loads(row["categories"] or "[]")
    decisions = list(store.db.query(
        "SELECT d.id, d.listing, d.decision, d.reason, d.note, d.reviewer, d.decided_at, l.title"
        " FROM review_decisions d JOIN listings l ON l.id = d.listing"
        " WHERE l.marketplace = ? AND l.seller_key = ? ORDER BY d.id DESC LIMIT 200",
        key,
    ))  # fmt: skip
    followups = list(store.db.query(
        "SELECT status, note, set_by, set_at FROM trader_followups WHERE marketplace = ? AND seller_key = ?"
        " ORDER BY id DESC",
        key,
    ))  # fmt: skip
    return {
        "trader": found[0],
        "by_risk": by_risk,
        "by_category": by_category,
        "listings": listings,
        "listing_count": sum(by_risk.values()),
        "decisions": decisions,
        "followups": followups,
        "followup": followups[0]["status"] if followups else "none",
        "entity": entity_view(store, marketplace, seller_key),
    }


def set_followup(store: Store, marketplace: str, seller_key: str, status: str, note: str | None, by: str) -> None:
    if status not in FOLLOWUP_STATUSES:
        raise FollowupError(f"unknown follow-up status {status!r}; choose one of {', '.join(FOLLOWUP_STATUSES)}")
    note = (note or "").strip() or None
    if note and len(note) > MAX_FOLLOWUP_NOTE:
        raise FollowupError(f"the note is longer than {MAX_FOLLOWUP_NOTE} characters")
    exists = store.conn.execute(
        "SELECT 1 FROM traders WHERE marketplace = ? AND seller_key = ?", (marketplace, seller_key)
    ).fetchone()
    if not exists:
        raise FollowupError("no such trader")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO trader_followups (marketplace, seller_key, status, note, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (marketplace, seller_key, status, note, by, utc_now()),
        )


def _has_entities(store: Store) -> bool:
    tables = set(store.db.table_names())
    if not {"trader_entities", "trader_links", "trader_identifiers"} <= tables:
        return False
    return {"id", "entity_id"} <= {c.name for c in store.db.table("traders").columns}


def entity_view(store: Store, marketplace: str, seller_key: str) -> dict[str, Any] | None:
    """The entity the trader belongs to, its members, identifiers and links with their evidence."""
    if not _has_entities(store):
        return None
    row = store.conn.execute(
        "SELECT entity_id FROM traders WHERE marketplace = ? AND seller_key = ?", (marketplace, seller_key)
    ).fetchone()
    if row is None or row[0] is None:
        return None
    entity_id = row[0]
    entities = list(store.db.query("SELECT * FROM trader_entities WHERE id = ?", [entity_id]))
    members = list(store.db.query(
        "SELECT id, marketplace, seller_key, display_name, country, profile_url FROM traders"
        " WHERE entity_id = ? ORDER BY id",
        [entity_id],
    ))  # fmt: skip
    identifiers = list(store.db.query(
        "SELECT i.kind, i.value, i.found_in, i.found_at, t.marketplace, t.seller_key FROM trader_identifiers i"
        " JOIN traders t ON t.id = i.trader_id WHERE t.entity_id = ? ORDER BY i.kind, i.value",
        [entity_id],
    ))  # fmt: skip
    links = list(store.db.query(
        "SELECT k.kind, k.value, k.evidence, k.similarity, k.linked_at,"
        " a.marketplace AS a_marketplace, a.seller_key AS a_seller, b.marketplace AS b_marketplace,"
        " b.seller_key AS b_seller FROM trader_links k JOIN traders a ON a.id = k.trader_a"
        " JOIN traders b ON b.id = k.trader_b WHERE a.entity_id = ? OR b.entity_id = ? ORDER BY k.id",
        [entity_id, entity_id],
    ))  # fmt: skip
    for link in links:
        link["evidence"] = _evidence_lines(link["evidence"])
    return {"entity": entities[0] if entities else {"id": entity_id}, "members": members,
            "identifiers": identifiers, "links": links}  # fmt: skip


def _evidence_lines(raw: str | None) -> list[str]:
    """A link's JSON evidence as readable ``key: value`` lines (escaped by the template like all text)."""
    try:
        value = json.loads(raw or "null")
    except ValueError:
        return [raw or ""]
    lines: list[str] = []

    def walk(prefix: str, item: Any) -> None:
        if isinstance(item, dict):
            for k, v in item.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(item, list):
            for i, v in enumerate(item):
                walk(f"{prefix}[{i}]", v)
        elif item is not None:
            lines.append(f"{prefix}: {item}" if prefix else str(item))

    walk("", value)
    return lines
