"""Facebook Marketplace: search one city's logged-out Marketplace for catalogue keywords.

    scrapy crawl facebook -a city=boston -a query="seed potatoes"
    scrapy crawl facebook -a city=london -a category=plants_for_planting -a lang=en

Search ``{site}/marketplace/<city>/search?query=<term>``: one page per term, since
Facebook loads further results by a GraphQL cursor, not a link (``max_pages`` has
nothing to follow). Search results carry no description and one photo, so with
``item_pages=missing`` (default) or ``all`` each listing's ``/marketplace/item/<id>/``
page is visited for its description and photos; ``none`` keeps the results only. A
listing whose item page cannot be read (a login wall, a removed item) keeps its search
card. Sellers are kept as :mod:`crawler.pages.facebook` says: the id and the name shown.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from crawler.items import Listing, Trader
from crawler.pages import facebook as page
from crawler.pages.search import SearchPage
from spiders.base import SpiderArgumentError
from spiders.marketplace import MarketplaceSearchSpider

#: A Marketplace location slug ("boston", "nyc", "sanfrancisco") or numeric place id.
_CITY = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")


class FacebookSpider(MarketplaceSearchSpider):
    name = "facebook"
    accepted_arguments = MarketplaceSearchSpider.accepted_arguments | {"city"}
    default_site = "https://www.facebook.com"
    example_site = "https://www.facebook.com"
    default_max_pages = 1
    default_item_pages = "missing"

    def __init__(self, city: str = "", **kwargs: Any) -> None:
        super().__init__(city=city, **kwargs)
        self.city = city.strip().lower()
        if not self.city:
            raise SpiderArgumentError("city: give the Marketplace city to search, e.g. -a city=boston")
        if not _CITY.match(self.city):
            raise SpiderArgumentError(
                f"city must be a Marketplace location slug such as boston or 112548152092705, not {city!r}"
            )

    def search_url(self, term: str) -> str:
        return f"{self.site}/marketplace/{quote(self.city)}/search?{urlencode({'query': term})}"

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return page.parse_search(url, body)

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        return page.parse_listing(url, body)

    def card_lacks_details(self, listing: Listing) -> bool:
        return listing.description is None
