"""Amazon: search one storefront for catalogue keywords and read the product pages.

    scrapy crawl amazon -a query="tomato seeds"
    scrapy crawl amazon -a site=https://www.amazon.de -a category=seeds -a lang=de -a max_pages=2

Search ``{site}/s?k=<term>&page=1``, then each page's "next" link, up to ``max_pages``
per term. Search cards never name the seller, so by default (``item_pages=missing``)
every product page (``{site}/dp/<ASIN>``) is visited for the "Sold by" merchant;
``all`` does the same, ``none`` keeps the cards only. A card whose product page cannot
be read is still kept. Captcha pages ("Robot Check") are recognised by
:mod:`crawler.middlewares`; see :mod:`crawler.pages.amazon` for what the pages give.
"""

from __future__ import annotations

from urllib.parse import urlencode

from crawler.items import Listing, Trader
from crawler.pages import amazon as page
from crawler.pages.search import SearchPage
from spiders.marketplace import MarketplaceSearchSpider


class AmazonSpider(MarketplaceSearchSpider):
    name = "amazon"
    default_site = "https://www.amazon.com"
    example_site = "https://www.amazon.de"
    default_max_pages = 3
    default_item_pages = "missing"

    def search_url(self, term: str) -> str:
        return f"{self.site}/s?{urlencode({'k': term, 'page': 1})}"

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return page.parse_search(url, body)

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        return page.parse_product(url, body)

    def card_lacks_details(self, listing: Listing) -> bool:
        return listing.seller_key is None
