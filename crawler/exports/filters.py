"""What an officer asks an export to hold: the filters, checked before anything is written.

A wrong filter (a date that is not a date, a category that does not exist, a
watch that never ran) is an officer's typing mistake: it ends in one line that
says what is wrong and what would be right, and no file is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Protocol

from classifiers.types import CATEGORIES, RISK_LEVELS, risk_rank
from crawler.exports import ExportError
from crawler.normalise.country import country_code
from crawler.store.seen_range import DATE_BASES, DateBasis, lower_bound, upper_bound
from crawler.store.selection import ListingSelection, Selection, watch_names
from crawler.store.store import Store

#: Values of the decision filter: the latest decision on a listing, or none yet.
DECISION_FILTERS: tuple[str, ...] = ("confirm", "dismiss", "refer", "contact", "undecided")
#: Values of the listed filter: still on the marketplace's pages, or delisted (gone from them).
LISTED_FILTERS: tuple[str, ...] = ("on_sale", "delisted")
#: Values that mean "do not filter" (the web form's empty choice, and the CLI's defaults).
_NO_FILTER = {None, "", "none", "any", "all"}


class ListingFilter(Protocol):
    """What an export takes as its filter: :class:`ExportFilters`, or the review queue's own filters."""

    def selection(self, store: Store | None = None) -> Selection:
        """The filter checked (raising :class:`ExportError` with one line) and in SQL form."""
        ...

    def describe(self) -> dict[str, Any]:
        """The filter for a package's manifest and README, and an XLSX file's about sheet (None: not used)."""
        ...


@dataclass(frozen=True)
class ExportFilters:
    """Which listings an export holds; every filter left out lets every listing through.

    * ``since`` / ``until``: ISO dates (``2026-11-01``) or timestamps, read as ``dates`` says
      (:mod:`crawler.store.seen_range`): ``on_offer`` (the default) keeps a listing that was on
      offer at some time in the range (last seen on or after ``since``, first seen on or before
      ``until``, which includes the whole day ``until``); ``first_seen`` keeps a listing first
      seen in the range, as the review queue's date filter does.
    * ``categories``: commodity categories; a listing with any of them is kept.
    * ``min_risk``: ``high``, ``medium``, ``low`` or ``none``; this level or above.
    * ``decision``: the latest review decision (``confirm``, ``dismiss``, ``refer``, ``contact``),
      or ``undecided`` for listings nobody has decided on yet.
    * ``country``: ISO 3166-1 alpha-2; the trader's country or the listing's ships-from country.
    * ``watch``: listings seen by runs of that watch (``crawl_runs.watch``).
    * ``listed``: ``on_sale`` for listings still on their marketplace's pages, ``delisted`` for
      listings marked gone (``delisted_at``, see docs/traders.md).
    """

    since: str | None = None
    until: str | None = None
    categories: Sequence[str] = ()
    min_risk: str | None = None
    decision: str | None = None
    country: str | None = None
    watch: str | None = None
    listed: str | None = None
    dates: DateBasis = "on_offer"

    def selection(self, store: Store | None = None) -> ListingSelection:
        """The filters checked and in SQL form; with ``store``, the watch must have runs in it.

        Raises :class:`ExportError` with one line naming the wrong value.
        """
        if self.dates not in DATE_BASES:
            raise ExportError(f"dates {self.dates!r} is not one of {', '.join(DATE_BASES)}")
        since = _instant(self.since, "since")
        until = _instant(self.until, "until")
        if since is not None and until is not None and _as_time(lower_bound(since)) >= _as_time(upper_bound(until)):
            raise ExportError(f"since {self.since} is after until {self.until}: no listing can match")
        watch = (self.watch or "").strip() or None
        if watch is not None and store is not None:
            known = watch_names(store)
            if watch not in known:
                runs = f"watches with runs: {', '.join(known)}" if known else "no watch has run yet"
                raise ExportError(f"no crawl run of watch {watch!r} in this database ({runs})")
        return ListingSelection(
            max_risk_rank=_max_rank(self.min_risk),
            since=None if since is None else lower_bound(since),
            until_before=None if until is None else upper_bound(until),
            dates=self.dates,
            categories=_categories(self.categories),
            decision=_decision(self.decision),
            country=_country(self.country),
            watch=watch,
            listed=_listed(self.listed),
        )

    def describe(self) -> dict[str, Any]:
        """The filters, for the package's manifest and README (``None``: not used); check them first."""
        return {
            "since": self.since or None,
            "until": self.until or None,
            "categories": list(_categories(self.categories)) or None,
            "min_risk": None if self.min_risk in _NO_FILTER else self.min_risk,
            "decision": None if self.decision in _NO_FILTER else self.decision,
            "country": _country(self.country),
            "watch": (self.watch or "").strip() or None,
            "listed": _listed(self.listed),
            "dates": self.dates if (self.since or self.until) else None,
        }


def _instant(value: str | date | None, name: str) -> date | datetime | None:
    """A date, or a UTC timestamp (a timestamp without an offset is taken as UTC, as stored)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        parsed: date | datetime = value
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text) if ("T" in text or " " in text) else date.fromisoformat(text)
        except ValueError:
            raise ExportError(
                f"{name} {value!r} is not a date like 2026-11-01 (or a time like 2026-11-01T02:00)"
            ) from None
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc).replace(microsecond=0)
    return parsed


def _as_time(bound: str) -> datetime:
    parsed = datetime.fromisoformat(bound)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _max_rank(min_risk: str | None) -> int:
    if min_risk in _NO_FILTER:
        return risk_rank("none")
    try:
        return risk_rank(str(min_risk).strip().lower())
    except ValueError:
        levels = ", ".join(RISK_LEVELS)
        raise ExportError(f"min_risk {min_risk!r} is not a risk level; choose one of {levels}") from None


def _categories(categories: Sequence[str] | str | None) -> tuple[str, ...]:
    if isinstance(categories, str):  # one category given where a list was meant
        categories = [categories]
    chosen = []
    for category in categories or ():
        name = category.strip().lower()
        if name not in CATEGORIES:
            raise ExportError(f"unknown category {category!r}; choose from {', '.join(CATEGORIES)}")
        chosen.append(name)
    return tuple(sorted(set(chosen)))


def _one_of(value: str | None, choices: Sequence[str], what: str) -> str | None:
    """``value`` as one of ``choices`` (case and spaces ignored), None for no filter; else a clear error."""
    if value in _NO_FILTER:
        return None
    name = str(value).strip().lower()
    if name not in choices:
        raise ExportError(f"{what} {value!r} is not one of {', '.join(choices)}")
    return name


def _decision(decision: str | None) -> str | None:
    return _one_of(decision, DECISION_FILTERS, "decision")


def _listed(listed: str | None) -> str | None:
    return _one_of(listed, LISTED_FILTERS, "listed")


def _country(country: str | None) -> str | None:
    if country is None or not str(country).strip():
        return None
    code = country_code(str(country))
    if code is None:
        raise ExportError(f"country {country!r} is not an ISO 3166 country (give a code like NL or a name)")
    return code
