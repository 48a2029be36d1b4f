"""What a page of search results says: the listings on it, their traders, the next page.

Marketplace page modules return a :class:`SearchPage` from their ``parse_search``
functions so that spiders can follow ``next_page`` without knowing how each site
paginates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import Listing, Trader


@dataclass
class SearchPage:
    """One page of search results, in the order the site shows them."""

    listings: list[Listing] = field(default_factory=list)
    #: Each trader once, for the listings that name one.
    traders: list[Trader] = field(default_factory=list)
    #: Absolute URL of the next page of results, ``None`` on the last page.
    next_page: str | None = None

    @property
    def items(self) -> list[Listing | Trader]:
        """Listings then traders, as a page module's other functions return them."""
        return [*self.listings, *self.traders]
