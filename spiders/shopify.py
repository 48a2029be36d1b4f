"""Shopify shops: page through the public ``/products.json`` of each store.

    scrapy crawl shopify -a stores="plantshop.example, https://seeds.example"
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.pages import PageError
from crawler.pages import shopify as page
from spiders.base import PhytowatchSpider, SpiderArgumentError, parse_positive_int, parse_shop_urls


class ShopifySpider(PhytowatchSpider):
    name = "shopify"
    accepted_arguments = frozenset({"stores", "max_pages"})
    #: Shopify's largest page.
    page_size = 250

    def __init__(self, stores: str = "", max_pages: str = "", **kwargs: Any) -> None:
        super().__init__(stores=stores, max_pages=max_pages, **kwargs)
        self.stores = parse_shop_urls(stores, "stores")
        if not self.stores:
            raise SpiderArgumentError("stores: give at least one Shopify store, e.g. -a stores=plantshop.example")
        self.max_pages = parse_positive_int(max_pages, "max_pages", 400)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for store in self.stores:
            yield scrapy.Request(
                f"{store}/meta.json",
                callback=self.parse_meta,
                errback=self.meta_unavailable,
                cb_kwargs={"store": store},
            )

    def parse_meta(self, response: Response, store: str) -> Iterator[Any]:
        """The shop card gives the trader, its country and the currency of every price."""
        try:
            trader = page.parse_shop_meta(store, response.body)
            currency = page.shop_currency(response.body)
        except PageError as exc:
            self.page_error(response, exc)
            yield self.products_request(store, 1, None, None)
            return
        yield trader
        yield self.products_request(store, 1, currency, trader.country)

    def meta_unavailable(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Some stores hide ``meta.json``; their products are still worth reading."""
        store = failure.request.cb_kwargs["store"]  # type: ignore[attr-defined]
        self.logger.info("no shop card at %s/meta.json (%s)", store, failure.getErrorMessage())
        yield self.products_request(store, 1, None, None)

    def products_request(
        self, store: str, page_number: int, currency: str | None, country: str | None
    ) -> scrapy.Request:
        return scrapy.Request(
            f"{store}/products.json?limit={self.page_size}&page={page_number}",
            callback=self.parse_products,
            cb_kwargs={"store": store, "page_number": page_number, "currency": currency, "country": country},
        )

    def parse_products(
        self, response: Response, store: str, page_number: int, currency: str | None, country: str | None
    ) -> Iterator[Any]:
        try:
            listings = page.parse_products(store, response.body, currency=currency, country=country, search_query=store)
        except PageError as exc:
            self.page_error(response, exc)
            return
        yield from listings
        if len(listings) >= self.page_size and page_number < self.max_pages:
            yield self.products_request(store, page_number + 1, currency, country)

