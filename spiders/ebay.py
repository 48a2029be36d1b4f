"""eBay: search the site (or its Browse API) for catalogue keywords, and read item pages where cards say too little.

    scrapy crawl ebay -a query="tulip bulbs" -a site=https://www.ebay.de
    scrapy crawl ebay -a category=seeds -a lang=de,nl -a max_pages=2 -a item_pages=all

Search pages: ``{site}/sch/i.html?_nkw=<term>&_pgn=1``, then each page's "next" link,
up to ``max_pages`` per term. ``item_pages`` says which item pages to visit:
``missing`` (default) those whose search card lacks the seller or where the item is
located, ``all``, or ``none``. A card whose item page cannot be read is still kept.

With ``EBAY_CLIENT_ID`` and ``EBAY_CLIENT_SECRET`` in the environment the Browse API
is used instead of the web pages: one OAuth client-credentials token, then
``item_summary/search`` pages (``marketplace_id``, ``country``) following ``next``. Its
answers carry seller and location, so no item pages are visited. The API host is the
setting ``EBAY_API_URL`` (default ``https://api.ebay.com``).

:class:`MarketplaceSearchSpider` is the crawl shared with :mod:`spiders.craigslist`.
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import Listing, Trader
from crawler.keywords import SearchTerm
from crawler.normalise.country import country_code
from crawler.pages import PageError, load_json
from crawler.pages import ebay as search_page
from crawler.pages.ebay_api import parse_browse_search
from crawler.pages.ebay_item import parse_item
from crawler.pages.search import SearchPage
from spiders.base import SpiderArgumentError
from spiders.marketplace import MarketplaceSearchSpider, rebase

_MARKETPLACE_ID = re.compile(r"^EBAY_[A-Z]{2,5}$")


class EbaySpider(MarketplaceSearchSpider):
    name = "ebay"
    accepted_arguments = MarketplaceSearchSpider.accepted_arguments | {"country", "marketplace_id"}
    default_site = "https://www.ebay.com"
    example_site = "https://www.ebay.de"
    default_max_pages = 5
    default_item_pages = "missing"
    api_scope = "https://api.ebay.com/oauth/api_scope"

    def __init__(self, country: str = "", marketplace_id: str = "", **kwargs: Any) -> None:
        super().__init__(country=country, marketplace_id=marketplace_id, **kwargs)
        self.country = country_code(country) if country else None
        if country and (self.country is None or len(country) != 2):
            raise SpiderArgumentError(f"country must be a two-letter ISO code such as DE, not {country!r}")
        self.marketplace_id = (marketplace_id or "EBAY_US").upper()
        if not _MARKETPLACE_ID.match(self.marketplace_id):
            raise SpiderArgumentError(
                f"marketplace_id must be an eBay marketplace such as EBAY_DE, not {marketplace_id!r}"
            )
        self.client_id = os.environ.get("EBAY_CLIENT_ID", "")
        self._client_secret = os.environ.get("EBAY_CLIENT_SECRET", "")
        self._token: str | None = None

    @property
    def uses_api(self) -> bool:
        return bool(self.client_id and self._client_secret)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.uses_api:
            if self.country:
                self.logger.info("country=%s is applied with the Browse API only; web searches ignore it", self.country)
            async for request in super().start():
                yield request
            return
        self.api = self.settings.get("EBAY_API_URL") or "https://api.ebay.com"
        self.api = self.api.rstrip("/")
        self.logger.info("searching through the eBay Browse API at %s (%s)", self.api, self.marketplace_id)
        basic = base64.b64encode(f"{self.client_id}:{self._client_secret}".encode()).decode()
        yield scrapy.Request(
            f"{self.api}/identity/v1/oauth2/token",
            method="POST",
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            body=urlencode({"grant_type": "client_credentials", "scope": self.api_scope}),
            callback=self._got_token,
            errback=self._token_refused,
            # An API we hold credentials for, not pages to crawl.
            meta={"dont_obey_robotstxt": True},
            dont_filter=True,
        )

    def _got_token(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            token = load_json(response.body, "eBay OAuth token answer").get("access_token")
        except (PageError, AttributeError) as exc:
            token = None
            self.logger.error("eBay OAuth token answer unreadable: %s", exc)
        if not isinstance(token, str) or not token:
            self.count_page_error()
            self.logger.error("eBay gave no access token; nothing searched")
            return
        self._token = token
        for term in self.terms:
            query = {"q": term.text, "limit": 200}
            if self.country:
                query["filter"] = f"itemLocationCountry:{self.country}"
            yield self.search_request(
                f"{self.api}/buy/browse/v1/item_summary/search?{urlencode(query)}", term, 1, **self._api_options()
            )

    def _token_refused(self, failure: Failure) -> None:
        self.count_page_error()
        # The failure message names the status only; the request (and its credentials) is not logged.
        self.logger.error(
            "eBay refused the API credentials of client %s: %s", self.client_id, failure.getErrorMessage()
        )

    def _api_options(self) -> dict[str, Any]:
        return {
            "headers": {"Authorization": f"Bearer {self._token}", "X-EBAY-C-MARKETPLACE-ID": self.marketplace_id},
            "meta": {"dont_obey_robotstxt": True},
        }

    def next_request(self, response: Response, next_page: str, term: SearchTerm, page_number: int) -> scrapy.Request:
        if not self.uses_api:
            return super().next_request(response, next_page, term, page_number)
        return self.search_request(rebase(next_page, self.api), term, page_number, **self._api_options())

    def search_url(self, term: str) -> str:
        return f"{self.site}/sch/i.html?{urlencode({'_nkw': term, '_pgn': 1})}"

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return parse_browse_search(url, body) if self.uses_api else search_page.parse_search(url, body)

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        return parse_item(url, body)

    def wants_item_page(self, listing: Listing) -> bool:
        return not self.uses_api and super().wants_item_page(listing)

    def card_lacks_details(self, listing: Listing) -> bool:
        return not (listing.seller_key and listing.ships_from)
