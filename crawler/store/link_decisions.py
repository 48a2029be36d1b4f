"""Officers' decisions on trader links, in the database: unlinks, and relinks that undo them.

An unlink (``trader_unlinks``, migration 005) says that two linked traders are not
one business; a relink (``trader_relinks``, migration 012) takes one unlink back,
because it was a mistake. Both are append-only, like review decisions: the
database refuses to edit or delete them, so the trail of who decided what, when
and why is whole. A link is *held apart* while it has an unlink that no relink
took back (:func:`held_apart`); after a relink it counts again, and it can be
unlinked again later (a new unlink row).

Reads return plain rows; writes take a connection inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crawler.store.store import Store

#: The unlinks still in force: not taken back by a relink.
_IN_FORCE = "NOT EXISTS (SELECT 1 FROM trader_relinks r WHERE r.unlink_id = u.id)"


def held_apart(link_id_sql: str) -> str:
    """SQL that is true when the link whose id is ``link_id_sql`` (a column, e.g. ``l.id``) is held apart.

    The one definition every query that groups traders uses, so that a relink
    counts everywhere an unlink did.
    """
    return f"EXISTS (SELECT 1 FROM trader_unlinks u WHERE u.link_id = {link_id_sql} AND {_IN_FORCE})"


def get_link(store: Store, link_id: int) -> dict[str, Any] | None:
    """A link with its evidence and, while it is held apart, the unlink in force (``unlink_id`` etc., else None)."""
    rows = list(store.db.query(
        "SELECT l.*, u.id AS unlink_id, u.unlinked_by, u.reason AS unlink_reason, u.unlinked_at"
        " FROM trader_links l LEFT JOIN trader_unlinks u ON u.id = ("
        f"   SELECT max(u.id) FROM trader_unlinks u WHERE u.link_id = l.id AND {_IN_FORCE})"
        " WHERE l.id = ?", [link_id]))  # fmt: skip
    if not rows:
        return None
    row = rows[0]
    row["evidence"] = json.loads(row["evidence"])
    return row


def record_unlink(conn: sqlite3.Connection, link: dict[str, Any], by: str, reason: str, at: str) -> int:
    """Append an unlink of ``link``; its id."""
    cur = conn.execute(
        "INSERT INTO trader_unlinks (link_id, trader_a, trader_b, unlinked_by, reason, unlinked_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (link["id"], link["trader_a"], link["trader_b"], by, reason, at),
    )
    return int(cur.lastrowid or 0)


def record_relink(conn: sqlite3.Connection, link: dict[str, Any], by: str, reason: str, at: str) -> int:
    """Append a relink taking back the unlink in force on ``link`` (as :func:`get_link` gives it); its id."""
    cur = conn.execute(
        "INSERT INTO trader_relinks (unlink_id, link_id, relinked_by, reason, relinked_at) VALUES (?, ?, ?, ?, ?)",
        (link["unlink_id"], link["id"], by, reason, at),
    )
    return int(cur.lastrowid or 0)


def links_held_apart(store: Store) -> list[dict[str, Any]]:
    """Every link held apart now, with the unlink in force, most recent unlink first."""
    return list(store.db.query(
        "SELECT l.id, l.kind, l.value, l.trader_a, l.trader_b, u.id AS unlink_id, u.unlinked_by,"
        " u.reason AS unlink_reason, u.unlinked_at FROM trader_unlinks u JOIN trader_links l ON l.id = u.link_id"
        f" WHERE {_IN_FORCE} ORDER BY u.id DESC"))  # fmt: skip


#: Every officer's decision on a link, unlinks and relinks alike: ``decision`` (``unlink`` or ``relink``),
#: ``stage`` (0 or 1), and ``unlink_id``, the unlink each is or takes back.
_DECISIONS = (
    "SELECT 'unlink' AS decision, id, link_id, unlinked_by AS officer, reason, unlinked_at AS decided_at,"
    " id AS unlink_id, 0 AS stage FROM trader_unlinks"
    " UNION ALL SELECT 'relink', id, link_id, relinked_by, reason, relinked_at, unlink_id, 1 FROM trader_relinks"
)


def link_decisions(store: Store, link_id: int) -> list[dict[str, Any]]:
    """The trail of one link: its unlinks and relinks, oldest first (``decision``: ``unlink`` or ``relink``).

    A link's decisions alternate (an unlink, the relink of that unlink, the next
    unlink...), so they are ordered by the unlink each is or takes back, not by
    their timestamps, which have whole seconds and can tie.
    """
    return list(store.db.query(
        f"SELECT decision, id, officer, reason, decided_at, unlink_id FROM ({_DECISIONS}) WHERE link_id = ?"
        " ORDER BY unlink_id, stage", [link_id]))  # fmt: skip


def link_decisions_log(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The latest unlinks and relinks, newest first, for the audit log: who held which traders apart or
    joined them again, when and why, with the link's kind and value and both traders' names."""
    return list(store.db.query(
        "SELECT d.decision, d.id, d.link_id, d.officer, d.reason, d.decided_at, l.kind, l.value,"
        " ta.marketplace AS a_marketplace, ta.seller_key AS a_seller_key, ta.display_name AS a_name,"
        " tb.marketplace AS b_marketplace, tb.seller_key AS b_seller_key, tb.display_name AS b_name"
        f" FROM ({_DECISIONS}) d JOIN trader_links l ON l.id = d.link_id"
        " LEFT JOIN traders ta ON ta.id = l.trader_a LEFT JOIN traders tb ON tb.id = l.trader_b"
        " ORDER BY d.decided_at DESC, d.stage DESC, d.id DESC LIMIT ?", [limit]))  # fmt: skip
