"""AliExpress search: the listings (and their stores) that searches for regulated commodities find.

    scrapy crawl aliexpress -a query="tomato seeds"
    scrapy crawl aliexpress -a category=seeds -a lang=de,nl -a max_pages=5
    scrapy crawl aliexpress -a query="bonsai" -a render=never

AliExpress serves some search pages with their results embedded and others as a
shell that JavaScript fills in. With ``render=auto`` (the default) each page is
fetched plainly first and, only when its page module says it needs JavaScript,
fetched again through a headless Chromium (:mod:`crawler.browser`);
``render=always`` renders every page, ``render=never`` none. Without Chromium
installed, ``auto`` skips such pages and counts each one as a page error.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator
from urllib.parse import quote

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy_playwright.page import PageMethod  # type: ignore[import-untyped]
from twisted.python.failure import Failure

from crawler.browser import CHROMIUM_NOT_FOUND, chromium_path, playwright_settings, renders
from crawler.keywords import KeywordError, SearchTerm, expand
from crawler.pages import PageError
from crawler.pages import aliexpress as page
from spiders.base import PhytowatchSpider, SpiderArgumentError, parse_positive_int, parse_shop_urls

DEFAULT_SITE = "https://aliexpress.com"
RENDER_MODES = ("auto", "always", "never")
#: A result card, as the page module reads them; rendering waits until one is in the page.
RESULT_CARD = "div[data-product-id]"
#: Milliseconds to wait for the first result card of a rendered page.
CARD_TIMEOUT_MS = 20_000


class AliExpressSpider(PhytowatchSpider):
    name = "aliexpress"
    accepted_arguments = frozenset({"query", "category", "lang", "site", "max_pages", "render"})

    def __init__(
        self,
        query: str = "",
        category: str = "",
        lang: str = "",
        site: str = "",
        max_pages: str = "",
        render: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            query=query, category=category, lang=lang, site=site, max_pages=max_pages, render=render, **kwargs
        )
        try:
            self.terms = expand(query=query or None, category=category or None, lang=lang or None)
        except KeywordError as exc:
            raise SpiderArgumentError(str(exc)) from None
        sites = parse_shop_urls(site or DEFAULT_SITE, "site")
        if len(sites) != 1:
            raise SpiderArgumentError(f"site: give one AliExpress address, not {site!r}")
        self.site = sites[0]
        self.max_pages = parse_positive_int(max_pages, "max_pages", 3)
        self.render = (render or "auto").strip().lower()
        if self.render not in RENDER_MODES:
            raise SpiderArgumentError(f"render must be one of {', '.join(RENDER_MODES)}, not {render!r}")
        if self.render == "always" and chromium_path() is None:
            raise SpiderArgumentError(f"render=always: {CHROMIUM_NOT_FOUND}")
        self.can_render = False

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Send ``playwright`` requests through Chromium, when there is one."""
        super().update_settings(settings)
        path = chromium_path()
        if path is not None:
            settings.setdict(playwright_settings(path), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> AliExpressSpider:
        spider: AliExpressSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.can_render = renders(crawler.settings)
        if spider.render == "always" and not spider.can_render:
            raise SpiderArgumentError("render=always, but the crawl's settings send no requests through a browser")
        if spider.render == "auto" and not spider.can_render:
            spider.logger.warning("%s; search pages that need JavaScript are skipped", CHROMIUM_NOT_FOUND)
        return spider

    def search_url(self, term: SearchTerm) -> str:
        words = "-".join(term.text.split())
        return f"{self.site}/w/wholesale-{quote(words)}.html"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for term in self.terms:
            yield self.search_request(self.search_url(term), 1, rendered=self.render == "always")

    def search_request(self, url: str, page_number: int, *, rendered: bool) -> scrapy.Request:
        meta: dict[str, Any] = {}
        if rendered:
            meta = {
                "playwright": True,
                "playwright_page_methods": [PageMethod("wait_for_selector", RESULT_CARD, timeout=CARD_TIMEOUT_MS)],
            }
        return scrapy.Request(
            url,
            callback=self.parse_search,
            errback=self.search_unavailable,
            meta=meta,
            cb_kwargs={"page_number": page_number, "rendered": rendered},
            # The plain fetch of the same URL came first when a page is rendered again.
            dont_filter=rendered and self.render == "auto",
        )

    def parse_search(self, response: Response, page_number: int, rendered: bool) -> Iterator[Any]:
        try:
            result = page.parse_search(response.url, response.body)
        except PageError as exc:
            if not rendered and self.render == "auto" and self.can_render and _needs_javascript(exc):
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(f"render/{self.name}")
                yield self.search_request(response.url, page_number, rendered=True)
                return
            self.page_error(response, exc)
            return
        yield from result.traders
        yield from result.listings
        if result.next_page and page_number < self.max_pages:
            yield self.search_request(result.next_page, page_number + 1, rendered=self.render == "always")

    def search_unavailable(self, failure: Failure) -> None:
        """A search page that could not be fetched or rendered (after retries): counted, the search ends."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")
        url = failure.request.url  # type: ignore[attr-defined]
        self.logger.warning("search page unavailable %s: %s", url, failure.getErrorMessage())


def _needs_javascript(error: PageError) -> bool:
    return str(error).startswith("needs JavaScript rendering")
