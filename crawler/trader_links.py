"""Officers' decisions on trader links: undo a link (unlink), and undo that (relink).

The linking rules of :mod:`crawler.traders` are evidence, not proof: a courier's
phone number or a reseller quoting a shop's website can join two businesses that
are not one. An officer then *unlinks* them, and every later refresh keeps the two
traders apart. An unlink can be a mistake too (the wrong link id, a reason that
turned out wrong), so an officer can *relink*: the unlink is taken back and the
link counts again. Both are recorded, append-only, with who, why and when
(:mod:`crawler.store.link_decisions`), like review decisions, and both regroup the
trader entities at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.items import utc_now
from crawler.store import Store
from crawler.store import link_decisions as db
from crawler.traders import RefreshReport, refresh_traders

#: Shortest reason accepted: an auditor must be able to read why.
MIN_REASON = 5


@dataclass(frozen=True)
class Unlinked:
    unlink_id: int
    link: dict[str, Any]
    report: RefreshReport


@dataclass(frozen=True)
class Relinked:
    relink_id: int
    #: The link as it was before the relink, with the unlink taken back (``unlink_id``, ``unlinked_by``...).
    link: dict[str, Any]
    report: RefreshReport


class LinkError(ValueError):
    """An unlink or relink that cannot be done; the message is meant for an officer."""


def _checked(store: Store, link_id: int, by: str, reason: str, what: str) -> dict[str, Any]:
    """The link, once the officer's name and reason are there: a decision nobody can account for is refused."""
    if not by.strip() or len(reason.strip()) < MIN_REASON:
        raise LinkError(f"{what} needs the officer's name (--by) and a reason in words (--reason)")
    link = db.get_link(store, link_id)
    if link is None:
        raise LinkError(f"there is no trader link {link_id}")
    return link


def unlink(store: Store, link_id: int, by: str, reason: str) -> Unlinked:
    """Undo a link (recorded, append-only) and regroup: the two traders stay apart from now on."""
    link = _checked(store, link_id, by, reason, "an unlink")
    if link["unlink_id"] is not None:
        raise LinkError(f"link {link_id} was already undone by {link['unlinked_by']} on {link['unlinked_at']}")
    with store.transaction() as conn:
        unlink_id = db.record_unlink(conn, link, by.strip(), reason.strip(), utc_now())
    return Unlinked(unlink_id, link, refresh_traders(store))


def relink(store: Store, link_id: int, by: str, reason: str) -> Relinked:
    """Take back the unlink of a link (recorded, append-only) and regroup: the link counts again.

    The unlink stays in the trail, with the relink that took it back; the link can
    be unlinked again later.
    """
    link = _checked(store, link_id, by, reason, "a relink")
    if link["unlink_id"] is None:
        raise LinkError(f"link {link_id} is not undone: there is no unlink to take back")
    with store.transaction() as conn:
        relink_id = db.record_relink(conn, link, by.strip(), reason.strip(), utc_now())
    return Relinked(relink_id, link, refresh_traders(store))


def links_held_apart(store: Store) -> list[dict[str, Any]]:
    """The links officers have undone and not taken back, most recent first: what ``relink`` can apply to."""
    return db.links_held_apart(store)


def link_trail(store: Store, link_id: int) -> list[dict[str, Any]]:
    """Every unlink and relink of one link, oldest first."""
    if db.get_link(store, link_id) is None:
        raise LinkError(f"there is no trader link {link_id}")
    return db.link_decisions(store, link_id)
