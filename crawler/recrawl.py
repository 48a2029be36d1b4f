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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from classifiers.types import RISK_LEVELS

#: Days between item-page visits of a known listing, by its risk.
DEFAULT_DAYS: dict[str, float] = {"high": 1, "medium": 7, "low": 30, "none": 30}
#: Tolerance on the age, so that nightly runs a few minutes early still count a day.
SLACK = timedelta(hours=4)


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
        if visited.tzinfo is None:
            visited = visited.replace(tzinfo=timezone.utc)
        return (now or datetime.now(timezone.utc)) - visited >= timedelta(days=days) - SLACK
