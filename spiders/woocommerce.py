"""WooCommerce shops: page through the public Store API of each shop.

    scrapy crawl woocommerce -a stores="https://semillas.example"

The WordPress index ``/wp-json/`` names the shop; its time zone gives the country.
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import Listing, Trader
from crawler.pages import woocommerce as page
from spiders.base import ShopCatalogueSpider

PRODUCTS_PATH = "/wp-json/wc/store/v1/products"


class WooCommerceSpider(ShopCatalogueSpider):
    name = "woocommerce"
    page_size = 100
    card_path = "/wp-json/"
    example_store = "semillas.example"

    @property
    def platform_name(self) -> str:
        return "WooCommerce"

    def parse_card(self, store: str, body: bytes) -> tuple[Trader, dict[str, Any]]:
        trader = page.parse_site_index(store, body)
        return trader, {"country": trader.country}

    def products_url(self, store: str, page_number: int) -> str:
        return f"{store}{PRODUCTS_PATH}?per_page={self.page_size}&page={page_number}"

    def parse_products(self, store: str, body: bytes, context: dict[str, Any]) -> list[Listing]:
        return page.parse_products(store, body, country=context.get("country"), search_query=store)

    def has_next_page(self, response: Response, page_number: int, count: int) -> bool:
        """The Store API says how many pages there are; trust it when it does."""
        total = response.headers.get(b"X-WP-TotalPages")
        if total is not None and total.isdigit():
            return page_number < int(total)
        return super().has_next_page(response, page_number, count)

    def products_unavailable(self, failure: Failure) -> None:
        """A page past the end answers 400 ``rest_post_invalid_page_number``: that is the end, not an error."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 400 and b"invalid_page_number" in response.body:
            return
        super().products_unavailable(failure)
