"""What every phytowatch spider shares: validated arguments and counted page errors.

Spider arguments arrive as strings from ``-a key=value`` or a watch file. They
are parsed once, at start-up, so a wrong nightly configuration fails before the
first request with a message that says what is wrong.
"""

from __future__ import annotations

import re
from typing import Any, AsyncIterator, ClassVar, Iterator, Self
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import Listing, Trader
from crawler.pages import PageError
from crawler.recrawl import RecrawlPolicy
from crawler.store.lookup import ListingLookup


class SpiderArgumentError(ValueError):
    """A spider argument is missing or wrong; the message is meant for an officer."""


class SpiderCredentialsMissing(SpiderArgumentError):
    """A credential the spider cannot run without (an API key in the environment) is not set.

    Not a mistake in what was asked but in where it runs: a watches file skips the
    watches of such a spider and runs the others (:mod:`crawler.watches`), where a
    wrong argument fails the whole file. Raise it only after the arguments are
    validated, so that a watch with both problems is refused for the wrong argument.
    """

    def __init__(self, message: str, *names: str) -> None:
        super().__init__(message)
        #: The environment variables that are missing.
        self.names = names


def split_list(value: str | None) -> list[str]:
    """``"a, b c"`` -> ``["a", "b", "c"]``: lists given on a command line."""
    return [part for part in re.split(r"[\s,]+", value or "") if part]


def parse_shop_urls(value: str | None, argument: str) -> list[str]:
    """Shop base URLs from a list of URLs or bare domains (``shop.example`` -> ``https://shop.example``)."""
    urls = []
    for raw in split_list(value):
        url = raw if "://" in raw else f"https://{raw}"
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SpiderArgumentError(f"{argument}: {raw!r} is not a web address (expected e.g. https://shop.example)")
        urls.append(f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}")
    return list(dict.fromkeys(urls))


def parse_positive_int(value: str | int | None, argument: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"{argument} must be a whole number of at least 1, not {value!r}")
    return number


class PhytowatchSpider(scrapy.Spider):
    """Base spider: keeps its validated arguments for the crawl-run record."""

    #: Argument names this spider accepts (besides Scrapy's own).
    accepted_arguments: ClassVar[frozenset[str]] = frozenset()

    #: Every spider takes this: the officer's reason for not obeying robots.txt in this crawl.
    ROBOTS_OVERRIDE = "robots_override"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        accepted = self.accepted_arguments | {self.ROBOTS_OVERRIDE}
        unknown = set(kwargs) - accepted - {"_job"}
        if unknown:
            raise SpiderArgumentError(
                f"spider {self.name!r} does not take {', '.join(sorted(unknown))}"
                f" (it takes: {', '.join(sorted(accepted))})"
            )
        reason = str(kwargs.get(self.ROBOTS_OVERRIDE) or "").strip()
        if self.ROBOTS_OVERRIDE in kwargs and len(reason) < 10:
            raise SpiderArgumentError(
                "robots_override needs the reason robots.txt is set aside, in words an auditor can read"
                " (e.g. -a robots_override=\"NPPO legal mandate, ref. 2026/114\")"
            )
        #: Why robots.txt is not obeyed in this crawl; None (the default) obeys it.
        self.robots_override: str | None = reason or None
        self.arguments: dict[str, Any] = {k: v for k, v in kwargs.items() if not k.startswith("_")}
        super().__init__(*args, **kwargs)

    def page_error(self, response: Response, error: Exception) -> None:
        """Count and log a page its module could not read; the crawl goes on."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")
        self.logger.warning("could not read %s: %s", response.url, error)


class RecrawlingSpider(PhytowatchSpider):
    """A spider that reads a known listing's own page again only when the recrawl policy says so.

    It reads the store through its own read-only connection (never the pipeline's)
    and counts each page it leaves unread under ``item_page_not_due/<spider>``.
    """

    #: When known listings' item pages are read again (``PHYTOWATCH_RECRAWL_DAYS``).
    recrawl: RecrawlPolicy = RecrawlPolicy()
    #: What the store knows of the listings met (``PHYTOWATCH_DB``); None knows nothing.
    listing_lookup: ListingLookup | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.recrawl = RecrawlPolicy.from_setting(crawler.settings.getdict("PHYTOWATCH_RECRAWL_DAYS"))
        except ValueError as exc:
            raise SpiderArgumentError(str(exc)) from None
        spider.listing_lookup = ListingLookup(crawler.settings.get("PHYTOWATCH_DB", "phytowatch.db"))
        crawler.signals.connect(spider.listing_lookup.close, signal=signals.spider_closed)
        return spider

    def count_not_due(self) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"item_page_not_due/{self.name}")


class ShopCatalogueSpider(PhytowatchSpider):
    """Shops with a public catalogue API: read the shop's card (the trader), then page through products.

    Subclasses say where the card and the product pages are and how to read them;
    this class does the crawl: one card request per shop, then pages until the
    shop has no more (or ``max_pages``). A shop without a readable card is still
    crawled, without its trader details.
    """

    accepted_arguments = frozenset({"stores", "max_pages"})
    #: The API's largest page.
    page_size: ClassVar[int]
    #: Path of the shop card, relative to the store URL.
    card_path: ClassVar[str]
    default_max_pages: ClassVar[int] = 1000
    example_store: ClassVar[str] = "shop.example"

    def __init__(self, stores: str = "", max_pages: str = "", **kwargs: Any) -> None:
        super().__init__(stores=stores, max_pages=max_pages, **kwargs)
        self.stores = parse_shop_urls(stores, "stores")
        if not self.stores:
            raise SpiderArgumentError(
                f"stores: give at least one {self.platform_name} store, e.g. -a stores={self.example_store}"
            )
        self.max_pages = parse_positive_int(max_pages, "max_pages", self.default_max_pages)

    @property
    def platform_name(self) -> str:
        return self.name.capitalize()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for store in self.stores:
            yield scrapy.Request(
                f"{store}{self.card_path}",
                callback=self._parse_card,
                errback=self._card_unavailable,
                cb_kwargs={"store": store},
            )

    def _parse_card(self, response: Response, store: str) -> Iterator[Any]:
        try:
            trader, context = self.parse_card(store, response.body)
        except PageError as exc:
            self.page_error(response, exc)
            yield self.products_request(store, 1, {})
            return
        yield trader
        yield self.products_request(store, 1, context)

    def _card_unavailable(self, failure: Failure) -> Iterator[scrapy.Request]:
        store = failure.request.cb_kwargs["store"]  # type: ignore[attr-defined]
        self.logger.info("no shop card at %s%s (%s)", store, self.card_path, failure.getErrorMessage())
        yield self.products_request(store, 1, {})

    def products_request(self, store: str, page_number: int, context: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(
            self.products_url(store, page_number),
            callback=self._parse_products,
            errback=self.products_unavailable,
            cb_kwargs={"store": store, "page_number": page_number, "context": context},
        )

    def _parse_products(
        self, response: Response, store: str, page_number: int, context: dict[str, Any]
    ) -> Iterator[Any]:
        try:
            listings = self.parse_products(store, response.body, context)
        except PageError as exc:
            self.page_error(response, exc)
            return
        yield from listings
        if self.has_next_page(response, page_number, len(listings)) and page_number < self.max_pages:
            yield self.products_request(store, page_number + 1, context)

    def products_unavailable(self, failure: Failure) -> None:
        """A product page that could not be fetched (after retries): counted, and the shop ends there."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")
        self.logger.warning("%s products unavailable: %s", self.platform_name, failure.getErrorMessage())

    def has_next_page(self, response: Response, page_number: int, count: int) -> bool:
        """A full page means there may be another."""
        return count >= self.page_size

    # -- what subclasses say --------------------------------------------------

    def parse_card(self, store: str, body: bytes) -> tuple[Trader, dict[str, Any]]:
        """The trader, and what product pages need from the card (currency, country)."""
        raise NotImplementedError

    def products_url(self, store: str, page_number: int) -> str:
        raise NotImplementedError

    def parse_products(self, store: str, body: bytes, context: dict[str, Any]) -> list[Listing]:
        raise NotImplementedError
