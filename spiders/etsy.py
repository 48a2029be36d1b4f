"""Etsy: search the Etsy Open API v3 for catalogue keywords, and read listing pages if asked.

    ETSY_API_KEY=... scrapy crawl etsy -a query="monstera cutting"
    ETSY_API_KEY=... scrapy crawl etsy -a category=seeds -a lang=en -a max_pages=2 -a item_pages=all

Etsy's HTML search answers plain HTTP clients with a DataDome captcha, so search goes
through the Open API: ``{api}/v3/application/listings/active?keywords=<term>&limit=100&offset=0``
with the key from ``ETSY_API_KEY`` in the ``x-api-key`` header, then the next ``offset``
while the answer's ``count`` says there are more, up to ``max_pages`` per term. The API
host is the setting ``ETSY_API_URL`` (default ``https://openapi.etsy.com``). Without a
key the spider refuses to start.

API results carry the shop id (the seller) already, so listing pages (``{site}/listing/<id>``,
for the shop's name and the "Ships from" country) are visited only with ``item_pages=all``;
``missing`` (the default) and ``none`` visit none. See :mod:`crawler.pages.etsy`.
"""

from __future__ import annotations

import os
from typing import Any, AsyncIterator
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.items import Listing, Trader
from crawler.keywords import SearchTerm
from crawler.pages import etsy as page
from crawler.pages.search import SearchPage
from spiders.base import SpiderCredentialsMissing
from spiders.marketplace import MarketplaceSearchSpider, rebase

DEFAULT_API = "https://openapi.etsy.com"
PAGE_SIZE = 100
NO_KEY = "Etsy search needs an Open API key: set ETSY_API_KEY (https://www.etsy.com/developers)"


class EtsySpider(MarketplaceSearchSpider):
    name = "etsy"
    default_site = "https://www.etsy.com"
    example_site = "https://www.etsy.com"
    default_max_pages = 5
    default_item_pages = "missing"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # the arguments first: a wrong one is an error whatever the environment
        self._api_key = os.environ.get("ETSY_API_KEY", "").strip()
        if not self._api_key:
            # HTML search answers with a captcha: without the API there is nothing to crawl.
            raise SpiderCredentialsMissing(f"{NO_KEY}; Etsy's HTML search answers crawlers with a captcha",
                                           "ETSY_API_KEY")
        self.api = DEFAULT_API

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.api = (self.settings.get("ETSY_API_URL") or DEFAULT_API).rstrip("/")
        self.logger.info("searching through the Etsy Open API at %s", self.api)
        async for request in super().start():
            yield request

    def search_url(self, term: str) -> str:
        query = {"keywords": term, "limit": PAGE_SIZE, "offset": 0}
        return f"{self.api}/v3/application/listings/active?{urlencode(query)}"

    def search_request(self, url: str, term: SearchTerm, page_number: int, **options: Any) -> scrapy.Request:
        # An API we hold a key for, not pages to crawl: robots.txt is for the latter.
        options.setdefault("headers", {"x-api-key": self._api_key, "Accept": "application/json"})
        options.setdefault("meta", {"dont_obey_robotstxt": True})
        return super().search_request(url, term, page_number, **options)

    def next_request(self, response: Response, next_page: str, term: SearchTerm, page_number: int) -> scrapy.Request:
        return self.search_request(rebase(next_page, self.api), term, page_number)

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return page.parse_open_api_listings(url, body)

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        return page.parse_listing(url, body)

    def wants_item_page(self, listing: Listing) -> bool:
        return self.item_pages == "all"

    def card_lacks_details(self, listing: Listing) -> bool:
        return False  # only item_pages=all visits listing pages (see wants_item_page)
