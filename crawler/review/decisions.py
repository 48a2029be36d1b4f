"""Officers' decisions on listings, one at a time or in bulk, and the audit log that lists them.

Decisions go into ``review_decisions``, which the database keeps append-only:
a decision is corrected by a later one, never by an edit, so the log always says
who decided what and when. The latest decision is the listing's status
(``listings.review_status``, kept by a trigger). Confirmations and dismissals are
also the labelled data ``phytowatch classifier train --with-reviews`` learns from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.items import utc_now
from crawler.store import Store
from crawler.store.reviews import CONFIRM, DISMISS

REFER = "refer"
CONTACT = "contact"
#: Decision names and what an officer reads for them.
DECISIONS: dict[str, str] = {
    CONFIRM: "Confirm: regulated / non-compliant",
    DISMISS: "Dismiss: not regulated",
    REFER: "Refer to the RPPO",
    CONTACT: "Contact the trader",
}
#: What a confirmation says about the listing.
CONFIRM_REASONS: tuple[str, ...] = ("regulated", "non-compliant")
MAX_REASON = 500
MAX_NOTE = 4000
AUDIT_PAGE = 100


class DecisionError(ValueError):
    """A decision that cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str | None
    note: str | None


def check_decision(decision: str, reason: str | None, note: str | None) -> Decision:
    """A decision as it will be stored: known name, a reason where one is needed, bounded text."""
    if decision not in DECISIONS:
        raise DecisionError(f"unknown decision {decision!r}")
    reason = (reason or "").strip() or None
    note = (note or "").strip() or None
    if decision == DISMISS and not reason:
        raise DecisionError("a dismissal needs a reason: why is this listing not regulated?")
    if decision == CONFIRM:
        reason = reason or CONFIRM_REASONS[0]
        if reason not in CONFIRM_REASONS:
            raise DecisionError(f"a confirmation says {' or '.join(CONFIRM_REASONS)}, not {reason!r}")
    if reason and len(reason) > MAX_REASON:
        raise DecisionError(f"the reason is longer than {MAX_REASON} characters")
    if note and len(note) > MAX_NOTE:
        raise DecisionError(f"the note is longer than {MAX_NOTE} characters")
    return Decision(decision, reason, note)


def decide(store: Store, listing_row_id: int, decision: Decision, reviewer: str) -> int:
    """Record one decision; returns its id."""
    if store.conn.execute("SELECT 1 FROM listings WHERE id = ?", (listing_row_id,)).fetchone() is None:
        raise DecisionError(f"no listing {listing_row_id}")
    return store.record_decision(
        listing_row_id, decision.decision, reviewer, reason=decision.reason, note=decision.note
    )


def decide_bulk(store: Store, listing_row_ids: list[int], decision: Decision, reviewer: str) -> int:
    """The same decision on many listings, all recorded or none; returns how many."""
    decided_at = utc_now()
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO review_decisions (listing, decision, reason, note, reviewer, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((n, decision.decision, decision.reason, decision.note, reviewer, decided_at) for n in listing_row_ids),
        )
    return len(listing_row_ids)


def audit_page(
    store: Store,
    *,
    before: int | None = None,
    reviewer: str | None = None,
    decision: str | None = None,
    limit: int = AUDIT_PAGE,
) -> tuple[list[dict[str, Any]], int | None]:
    """Decisions newest first (a keyset page before decision id ``before``), and where the next page starts."""
    clauses: list[str] = []
    params: list[Any] = []
    if before is not None:
        clauses.append("d.id < ?")
        params.append(before)
    if reviewer:
        clauses.append("d.reviewer = ?")
        params.append(reviewer)
    if decision:
        clauses.append("d.decision = ?")
        params.append(decision)
    where = " AND ".join(clauses) or "1"
    rows = list(store.db.query(
        "SELECT d.id, d.listing, d.decision, d.reason, d.note, d.reviewer, d.decided_at,"
        " l.title, l.marketplace, l.seller_key FROM review_decisions d LEFT JOIN listings l ON l.id = d.listing"
        f" WHERE {where} ORDER BY d.id DESC LIMIT ?",
        [*params, limit + 1],
    ))  # fmt: skip
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1]["id"] if more and rows else None)
