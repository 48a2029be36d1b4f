"""Craigslist: search one regional site for catalogue keywords and read the postings.

    scrapy crawl craigslist -a site=https://boston.craigslist.org -a query="seed potatoes"
    scrapy crawl craigslist -a site=https://london.craigslist.org -a category=plants_for_planting -a lang=en

Search ``{site}/search/sss?query=<term>``, then each page's static "next" link, up to
``max_pages`` per term. Search results show no description, so every posting is
visited by default (``item_pages=all``); ``missing`` does the same (a result always
lacks the description), ``none`` keeps the results only. Postings name no seller:
see :mod:`crawler.pages.craigslist`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from crawler.items import Listing, Trader
from crawler.pages import craigslist as page
from crawler.pages.search import SearchPage
from spiders.marketplace import MarketplaceSearchSpider


class CraigslistSpider(MarketplaceSearchSpider):
    name = "craigslist"
    example_site = "https://boston.craigslist.org"
    default_max_pages = 3
    default_item_pages = "all"

    def search_url(self, term: str) -> str:
        return f"{self.site}/search/sss?{urlencode({'query': term})}"

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return page.parse_search(url, body)

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        return page.parse_posting(url, body)

    def card_lacks_details(self, listing: Listing) -> bool:
        return listing.description is None
