"""leboncoin.fr: search for catalogue keywords and read the ads embedded in the result pages.

    scrapy crawl leboncoin -a query="bulbes de tulipes"
    scrapy crawl leboncoin -a category=plants_for_planting -a lang=fr -a max_pages=3

Search ``{site}/recherche?text=<term>&page=1``, then ``page=2, 3, ...`` while the page's
``__NEXT_DATA__`` says more ads follow, up to ``max_pages`` per term. Each ad on a search
page already carries its description, photos, location and seller, so no ad pages are
visited: ``item_pages`` may be ``none`` (default) or ``missing`` (nothing is missing),
not ``all``. Professional sellers become traders keyed by their shop; private sellers
are kept to the name shown and the id (see :mod:`crawler.pages.leboncoin`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from crawler.items import Listing
from crawler.pages import leboncoin as page
from crawler.pages.search import SearchPage
from spiders.base import SpiderArgumentError
from spiders.marketplace import MarketplaceSearchSpider


class LeboncoinSpider(MarketplaceSearchSpider):
    name = "leboncoin"
    default_site = "https://www.leboncoin.fr"
    example_site = "https://www.leboncoin.fr"
    default_max_pages = 5
    default_item_pages = "none"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.item_pages == "all":
            raise SpiderArgumentError(
                "item_pages=all: leboncoin search pages carry the whole ad and ad pages are not read; "
                "use none or missing"
            )

    def search_url(self, term: str) -> str:
        return f"{self.site}/recherche?{urlencode({'text': term, 'page': 1})}"

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        return page.parse_search(url, body)

    def wants_item_page(self, listing: Listing) -> bool:
        return False

    def card_lacks_details(self, listing: Listing) -> bool:
        return False
