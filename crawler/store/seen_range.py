"""The date filter of listings, said once for the review queue and the exports.

An officer asks one of two things of a date range, and the store answers both
from the same two columns (``first_seen``, ``last_seen``):

* ``first_seen``: which listings did we *find* in the range? First seen on or
  after ``since`` and on or before ``until``. The review queue's date filter:
  the night's or the week's new finds.
* ``on_offer``: which listings were *on offer* at some time in the range? Last
  seen on or after ``since`` and first seen on or before ``until``. The
  default of ``phytowatch export``: what a monthly RPPO report covers, including
  listings found before the month and still offered in it.

The queue, the export it launches and ``phytowatch export`` all build their date
conditions here, so the two meanings cannot drift apart between them.

Bounds are text compared with the stored ISO 8601 UTC times
(``2026-11-01T02:00:00+00:00``): a bare date sorts before every time of its day,
so ``since`` is inclusive as it stands, and ``until`` becomes an exclusive bound
(the next day after a date, the next second after a time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

DateBasis = Literal["first_seen", "on_offer"]
#: The meanings of a date range, as an officer reads them.
DATE_BASES: dict[str, str] = {
    "first_seen": "first seen in the range (found then)",
    "on_offer": "on offer at some time in the range (last seen on or after its start, first seen on or before its end)",
}


def lower_bound(value: date | datetime) -> str:
    """``since`` as stored times compare with it (inclusive)."""
    return value.isoformat()


def upper_bound(value: date | datetime) -> str:
    """``until`` as an exclusive bound: the next day after a date, the next second after a time (stored times
    have whole seconds)."""
    if isinstance(value, datetime):
        return (value + timedelta(seconds=1)).isoformat()
    return (value + timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class SeenRange:
    """A date range over listings (``l``), already in bound form; an absent bound lets every listing through."""

    #: Inclusive lower bound, as :func:`lower_bound` gives it.
    since: str | None = None
    #: Exclusive upper bound, as :func:`upper_bound` gives it.
    until_before: str | None = None
    basis: DateBasis = "on_offer"

    def __post_init__(self) -> None:
        if self.basis not in DATE_BASES:
            raise ValueError(f"unknown date basis {self.basis!r}; choose one of {', '.join(DATE_BASES)}")

    def clauses(self) -> tuple[list[str], list[Any]]:
        """The WHERE conditions over ``l`` (fixed SQL) and their parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            clauses.append("l.first_seen >= ?" if self.basis == "first_seen" else "l.last_seen >= ?")
            params.append(self.since)
        if self.until_before is not None:
            clauses.append("l.first_seen < ?")  # the same for both: found before the range ended
            params.append(self.until_before)
        return clauses, params
