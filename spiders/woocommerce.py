"""WooCommerce shops: page through the public Store API of each shop.

    scrapy crawl woocommerce -a stores="https://semillas.example"
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.pages import PageError
from crawler.pages import woocommerce as page
from spiders.base import PhytowatchSpider, SpiderArgumentError, parse_positive_int, parse_shop_urls

PRODUCTS_PATH = "/wp-json/wc/store/v1/products"


class WooCommerceSpider(PhytowatchSpider):
    name = "woocommerce"
    accepted_arguments = frozenset({"stores", "max_pages"})
    #: The Store API's largest page.
    page_size = 100

    def __init__(self, stores: str = "", max_pages: str = "", **kwargs: Any) -> None:
        super().__init__(stores=stores, max_pages=max_pages, **kwargs)
        self.stores = parse_shop_urls(stores, "stores")
        if not self.stores:
            raise SpiderArgumentError("stores: give at least one WooCommerce shop, e.g. -a stores=semillas.example")
        self.max_pages = parse_positive_int(max_pages, "max_pages", 1000)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for store in self.stores:
            yield scrapy.Request(
                f"{store}/wp-json/",
                callback=self.parse_index,
                errback=self.index_unavailable,
                cb_kwargs={"store": store},
            )

    def parse_index(self, response: Response, store: str) -> Iterator[Any]:
        """The WordPress index names the shop; its time zone gives the country."""
        try:
            trader = page.parse_site_index(store, response.body)
        except PageError as exc:
            self.page_error(response, exc)
            yield self.products_request(store, 1, None)
            return
        yield trader
        yield self.products_request(store, 1, trader.country)

    def index_unavailable(self, failure: Failure) -> Iterator[scrapy.Request]:
        store = failure.request.cb_kwargs["store"]  # type: ignore[attr-defined]
        self.logger.info("no WordPress index at %s/wp-json/ (%s)", store, failure.getErrorMessage())
        yield self.products_request(store, 1, None)

    def products_request(self, store: str, page_number: int, country: str | None) -> scrapy.Request:
        return scrapy.Request(
            f"{store}{PRODUCTS_PATH}?per_page={self.page_size}&page={page_number}",
            callback=self.parse_products,
            errback=self.products_unavailable,
            cb_kwargs={"store": store, "page_number": page_number, "country": country},
        )

    def parse_products(
        self, response: Response, store: str, page_number: int, country: str | None
    ) -> Iterator[Any]:
        try:
            listings = page.parse_products(store, response.body, country=country, search_query=store)
        except PageError as exc:
            self.page_error(response, exc)
            return
        yield from listings
        total_pages = _int_header(response, b"X-WP-TotalPages")
        more = page_number < total_pages if total_pages is not None else len(listings) >= self.page_size
        if more and page_number < self.max_pages:
            yield self.products_request(store, page_number + 1, country)

    def products_unavailable(self, failure: Failure) -> None:
        """A page past the end answers 400 ``rest_post_invalid_page_number``: that is the end."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 400 and b"invalid_page_number" in response.body:
            return
        self.logger.warning("WooCommerce products unavailable: %s", failure.getErrorMessage())
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")


def _int_header(response: Response, name: bytes) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
