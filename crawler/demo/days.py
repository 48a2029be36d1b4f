"""The demo marketplace day by day: listings appear, change price, sell out, disappear and return.

Day 1 is the bundled catalogue less a few listings held back; each later day
derives from the one before by seeded, per-listing draws (so a listing's fate
does not depend on the others, and the same seed always gives the same days):

==================  ==========================================================
event               chance per listing and day
==================  ==========================================================
held back on day 1  5 %; then appears with 50 % each day
disappears          3 % of the listings shown
price change        6 % of the listings shown, by ±5–25 %
sells out           3 % of the listings shown and in stock
restocked           30 % of the sold-out ones
returns             35 % of the disappeared ones (with its price of before)
==================  ==========================================================

>>> days = DemoDays(Catalogue.load())
>>> len(days.catalogue(1).listings) < len(days.universe.listings)
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from crawler.demo.catalogue import Catalogue, DemoListing

DEFAULT_SEED = "phytowatch-demo-days"
FIRST_DAY = date(2026, 11, 2)

HELD_BACK, APPEARS = 0.05, 0.50
DISAPPEARS, REPRICED, SELLS_OUT = 0.03, 0.06, 0.03
RESTOCKED, RETURNS = 0.30, 0.35


@dataclass(frozen=True)
class DayChanges:
    """What changed on a day against the day before (listing ids, in catalogue order)."""

    day: int
    appeared: tuple[str, ...] = ()
    repriced: tuple[str, ...] = ()
    sold_out: tuple[str, ...] = ()
    restocked: tuple[str, ...] = ()
    disappeared: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Day:
    shown: dict[str, DemoListing]
    #: Listings shown on an earlier day and not today, as they were last shown.
    gone: dict[str, DemoListing]
    changes: DayChanges


class DemoDays:
    """The catalogue of each demo day, and what changed from one day to the next."""

    def __init__(self, universe: Catalogue, seed: str = DEFAULT_SEED) -> None:
        self.universe = universe
        self.seed = seed
        first = {x.id: x for x in universe.listings if self._draw(x.id, "held back") >= HELD_BACK}
        self._days = [_Day(first, {}, DayChanges(1, appeared=tuple(first)))]

    def _draw(self, listing_id: str, what: str | int) -> float:
        """A number in [0, 1) fixed by the seed, the listing and what is drawn for."""
        digest = hashlib.sha256(f"{self.seed}/{listing_id}/{what}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def catalogue(self, day: int) -> Catalogue:
        shown = self._day(day).shown
        return Catalogue(self.universe.traders, tuple(shown[x.id] for x in self.universe.listings if x.id in shown))

    def changes(self, day: int) -> DayChanges:
        return self._day(day).changes

    def shown(self, day: int) -> dict[str, DemoListing]:
        """The listings shown on ``day``, by id, as shown that day."""
        return dict(self._day(day).shown)

    def _day(self, day: int) -> _Day:
        if day < 1:
            raise ValueError("demo days start at 1")
        while len(self._days) < day:
            self._days.append(self._next(self._days[-1], len(self._days) + 1))
        return self._days[day - 1]

    def _next(self, before: _Day, day: int) -> _Day:
        shown: dict[str, DemoListing] = {}
        gone = dict(before.gone)
        events: dict[str, list[str]] = {k: [] for k in ("appeared", "repriced", "sold_out", "restocked",
                                                        "disappeared", "returned")}  # fmt: skip
        updated = (FIRST_DAY + timedelta(days=day - 1)).isoformat()
        for original in self.universe.listings:
            lid = original.id
            u = self._draw(lid, day)
            if lid in before.shown:
                listing = before.shown[lid]
                if u < DISAPPEARS:
                    gone[lid] = listing
                    events["disappeared"].append(lid)
                    continue
                if u < DISAPPEARS + REPRICED:
                    listing = self._repriced(listing, self._draw(lid, f"price {day}"), updated)
                    events["repriced"].append(lid)
                elif listing.available and u < DISAPPEARS + REPRICED + SELLS_OUT:
                    listing = replace(listing, available=False, quantity=0, updated_at=updated)
                    events["sold_out"].append(lid)
                elif not listing.available and u < RESTOCKED:
                    listing = replace(listing, available=True, quantity=original.quantity or 5, updated_at=updated)
                    events["restocked"].append(lid)
                shown[lid] = listing
            elif lid in gone:
                if u < RETURNS:
                    shown[lid] = gone.pop(lid)
                    events["returned"].append(lid)
            elif u < APPEARS:  # held back until now
                shown[lid] = original
                events["appeared"].append(lid)
        changes = DayChanges(day, **{k: tuple(v) for k, v in events.items()})
        return _Day(shown, gone, changes)

    @staticmethod
    def _repriced(listing: DemoListing, u: float, updated: str) -> DemoListing:
        magnitude = Decimal("0.05") + Decimal(int((u % 0.5) * 40)) / 100  # 5 to 24 %, up or down
        factor = 1 + magnitude if u >= 0.5 else 1 - magnitude
        price = max((listing.price * factor).quantize(Decimal("0.01")), Decimal("0.50"))
        if price == listing.price:
            price += Decimal("0.10")
        compare = listing.compare_at_price if listing.compare_at_price and listing.compare_at_price > price else None
        return replace(listing, price=price, compare_at_price=compare, updated_at=updated)
