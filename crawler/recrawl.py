"""The recrawl policy: when a known listing's own page is worth fetching again.

A marketplace search card says enough to see a listing again (its id, title,
price); its item page says more (seller, location, description) and costs a
request. A nightly crawl therefore reads a listing's item page when it has
never been read, and afterwards by risk and age:

=======  ==================  =======================================================
risk     default             why
=======  ==================  =======================================================
high     every night (1 d)   plants, seeds, bulbs, soil, organisms: follow quantity
                             sold and seller changes closely
medium   weekly (7 d)        fresh produce, wood and bark
low      monthly (30 d)      processed plant products
none     monthly (30 d)      not regulated: only to notice a changed description
=======  ==================  =======================================================

A listing not yet classified is treated as high. Ages are measured from the last
item-page visit with :data:`SLACK` of tolerance, so that a page read at 02:10
last night is due again at 02:05 tonight. ``PHYTOWATCH_RECRAWL_DAYS`` overrides
the days per risk (0 = every run). A listing the policy skips is still stored
from its search card, so it is seen and never counted missing.

A sitemap shop has no search card: its product page is the item page. The
sitemap spider fetches a product page when the store knows no active listing at
its URL, when the policy says a listing there is due, or when the sitemap's
``<lastmod>`` is later than the last read (:func:`modified_since`). Otherwise it
does not fetch the page and the store records each listing at it as seen again,
unchanged (:class:`crawler.items.Sighting`): counted seen, its stored fields and
verdict kept, never classified again from less text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from classifiers.types import RISK_LEVELS

#: Days between item-page visits of a known listing, by its risk.
DEFAULT_DAYS: dict[str, float] = {"high": 1, "medium": 7, "low": 30, "none": 30}
#: Tolerance on the age, so that nightly runs a few minutes early still count a day.
SLACK = timedelta(hours=4)
#: ``<lastmod>`` given as a year, or a year and month (W3C datetime's coarser forms).
_YEAR = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class RecrawlPolicy:
    """Days between item-page visits by risk; see the module docstring for the defaults."""

    days: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DAYS))

    @classmethod
    def from_setting(cls, value: Mapping[str, Any] | None) -> RecrawlPolicy:
        """The defaults, overridden by ``PHYTOWATCH_RECRAWL_DAYS`` (a mapping of risk to days)."""
        days = dict(DEFAULT_DAYS)
        for risk, n in dict(value or {}).items():
            if risk not in RISK_LEVELS:
                raise ValueError(f"PHYTOWATCH_RECRAWL_DAYS: unknown risk {risk!r} (one of {', '.join(RISK_LEVELS)})")
            try:
                days[risk] = float(n)
            except (TypeError, ValueError):
                raise ValueError(f"PHYTOWATCH_RECRAWL_DAYS: {risk} must be a number of days, not {n!r}") from None
            if days[risk] < 0:
                raise ValueError(f"PHYTOWATCH_RECRAWL_DAYS: {risk} must not be negative")
        return cls(days)

    def due(self, risk: str | None, item_page_at: str | None, now: datetime | None = None) -> bool:
        """Whether to read the item page of a listing of ``risk`` whose page was last read at ``item_page_at``.

        A listing never stored, or whose page was never read, has ``item_page_at`` None: always due.
        """
        if item_page_at is None:
            return True
        days = self.days.get(risk or "high", self.days["high"])
        if days <= 0:
            return True
        try:
            visited = datetime.fromisoformat(item_page_at)
        except ValueError:
            return True
        return (now or datetime.now(timezone.utc)) - _utc(visited) >= timedelta(days=days) - SLACK


def modified_since(lastmod: str | None, item_page_at: str | None) -> bool:
    """Whether a sitemap's ``<lastmod>`` says the page changed after it was read at ``item_page_at``.

    No ``<lastmod>``: the sitemap says nothing (False; the policy decides). A value
    that cannot be read, or a page never read, counts as changed: fetching once too
    often is the safe error. ``<lastmod>`` is a W3C datetime, given as precisely as
    the shop cares to (:func:`lastmod_moment` says which moment each form stands for).
    """
    if lastmod is None or not lastmod.strip():
        return False
    if item_page_at is None:
        return True
    try:
        read = _utc(datetime.fromisoformat(item_page_at))
        modified = lastmod_moment(lastmod)
    except ValueError:
        return True
    return modified > read


def lastmod_moment(lastmod: str) -> datetime:
    """The moment a sitemap's ``<lastmod>`` is compared with a page's last read; ValueError when unreadable.

    The W3C datetime forms a sitemap may use, and how each is read:

    * a time (``2024-05-10T14:30:00+02:00``, minutes only, fractions, ``Z``): that
      moment; without a zone, UTC;
    * a day (``2024-05-10``): the day's end. It may mean any moment of that day, and
      its end costs at most one extra read (the night after), never a missed change;
    * a month (``2024-05``) or a year (``2024``): the period's start. Its end would
      make the page look changed every night until the month or year is over, a
      nightly fetch of every page of a shop that dates its sitemap so coarsely (and,
      for a year, of pages not changed since). Its start means a change later in
      the period goes unseen until the recrawl policy makes the page due (by
      default within 30 days, see :data:`DEFAULT_DAYS`), as it would without a
      ``<lastmod>``.
    """
    text = lastmod.strip()
    if "T" in text or " " in text:
        return _utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    if _YEAR.fullmatch(text):
        return datetime(int(text), 1, 1, tzinfo=timezone.utc)
    if _YEAR_MONTH.fullmatch(text):
        year, month = text.split("-")
        return datetime(int(year), int(month), 1, tzinfo=timezone.utc)  # ValueError for month 13
    return datetime.combine(date.fromisoformat(text), time.max, timezone.utc)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
