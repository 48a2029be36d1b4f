"""Shopify shops: page through the public ``/products.json`` of each store.

    scrapy crawl shopify -a stores="plantshop.example, https://seeds.example"

``/meta.json`` gives the shop's name, country and the currency of its prices.
"""

from __future__ import annotations

from typing import Any

from crawler.items import Listing, Trader
from crawler.pages import shopify as page
from spiders.base import ShopCatalogueSpider


class ShopifySpider(ShopCatalogueSpider):
    name = "shopify"
    page_size = 250
    card_path = "/meta.json"
    default_max_pages = 400
    example_store = "plantshop.example"

    def parse_card(self, store: str, body: bytes) -> tuple[Trader, dict[str, Any]]:
        trader = page.parse_shop_meta(store, body)
        return trader, {"currency": page.shop_currency(body), "country": trader.country}

    def products_url(self, store: str, page_number: int) -> str:
        return f"{store}/products.json?limit={self.page_size}&page={page_number}"

    def parse_products(self, store: str, body: bytes, context: dict[str, Any]) -> list[Listing]:
        return page.parse_products(
            store, body, currency=context.get("currency"), country=context.get("country"), search_query=store
        )
