"""Marketplace search crawls: keyword searches, pagination to a depth, item pages when needed.

The crawl policy shared by marketplace spiders (eBay, Craigslist, ...): each
search term from ``query`` or the keyword catalogue is searched on ``site``,
pages are followed up to ``max_pages``, and item pages are visited when the
search card lacks what the follow-up needs (or always, with ``item_pages=all``)
and the recrawl policy (:mod:`crawler.recrawl`) says a known listing's page is
due. Subclasses say how to build search URLs and which page modules read the pages.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any, AsyncIterator, ClassVar, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import Listing, Trader
from crawler.keywords import KeywordError, SearchTerm, expand
from crawler.pages import PageError
from crawler.pages.search import SearchPage
from crawler.store.lookup import KnownListing
from spiders.base import RecrawlingSpider, SpiderArgumentError, parse_positive_int, parse_shop_urls

ITEM_PAGES = ("missing", "all", "none")


def search_terms(query: str, category: str, lang: str) -> list[SearchTerm]:
    """The searches to run, or a :class:`SpiderArgumentError` saying what the catalogue has."""
    try:
        terms = expand(query=query or None, category=category or None, lang=lang or None)
    except KeywordError as exc:
        raise SpiderArgumentError(str(exc)) from None
    if not terms:
        raise SpiderArgumentError(f"query: {query!r} has no search terms (separate several with ';')")
    return terms


def rebase(url: str, base: str) -> str:
    """``url``'s path and query on ``base``: a link to the real site, followed on the site we crawl."""
    parts = urlsplit(url)
    return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def fill_from(detailed: Listing, card: Listing) -> Listing:
    """The item page's listing, completed by its search card; the card's key, link and search stay."""
    merged = dataclasses.replace(
        detailed, marketplace=card.marketplace, listing_id=card.listing_id, url=card.url,
        search_query=card.search_query,
    )  # fmt: skip
    for field in dataclasses.fields(Listing):
        if getattr(merged, field.name) in (None, [], "") and getattr(card, field.name) not in (None, [], ""):
            setattr(merged, field.name, getattr(card, field.name))
    return merged


class MarketplaceSearchSpider(RecrawlingSpider):
    """Search a marketplace for each term, page through the results, visit item pages as asked."""

    accepted_arguments = frozenset({"query", "category", "lang", "site", "max_pages", "item_pages"})
    default_site: ClassVar[str | None] = None
    example_site: ClassVar[str]
    default_max_pages: ClassVar[int]
    default_item_pages: ClassVar[str]

    def __init__(
        self, query: str = "", category: str = "", lang: str = "", site: str = "", max_pages: str = "",
        item_pages: str = "", **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(
            query=query, category=category, lang=lang, site=site, max_pages=max_pages, item_pages=item_pages,
            **kwargs,
        )  # fmt: skip
        self.terms = search_terms(query, category, lang)
        sites = parse_shop_urls(site or self.default_site, "site")
        if len(sites) != 1:
            raise SpiderArgumentError(f"site: give one {self.name} site, e.g. -a site={self.example_site}")
        self.site = sites[0]
        self.max_pages = parse_positive_int(max_pages, "max_pages", self.default_max_pages)
        self.item_pages = item_pages or self.default_item_pages
        if self.item_pages not in ITEM_PAGES:
            raise SpiderArgumentError(f"item_pages must be one of {', '.join(ITEM_PAGES)}, not {item_pages!r}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for term in self.terms:
            yield self.search_request(self.search_url(term.text), term, 1)

    def search_request(self, url: str, term: SearchTerm, page_number: int, **options: Any) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self._parse_search, errback=self._unavailable,
            cb_kwargs={"term": term, "page_number": page_number}, **options,
        )  # fmt: skip

    def _parse_search(self, response: Response, term: SearchTerm, page_number: int) -> Iterator[Any]:
        try:
            page = self.parse_search(response.url, response.body)
        except PageError as exc:
            self.page_error(response, exc)
            return
        self.count("search_page")
        yield from page.traders
        for listing in page.listings:
            listing.search_query = term.text
        due = self.item_pages_due([listing for listing in page.listings if self.wants_item_page(listing)])
        for listing in page.listings:
            if id(listing) in due:
                self.count("item_page")
                yield scrapy.Request(
                    rebase(listing.url, self.site), callback=self._parse_item, errback=self._item_unavailable,
                    cb_kwargs={"card": listing},
                )  # fmt: skip
            else:
                yield listing
        if page.next_page and page_number < self.max_pages:
            yield self.next_request(response, page.next_page, term, page_number + 1)

    def next_request(self, response: Response, next_page: str, term: SearchTerm, page_number: int) -> scrapy.Request:
        return self.search_request(rebase(next_page, self.site), term, page_number)

    def item_pages_due(self, wanted: list[Listing]) -> set[int]:
        """``id()`` of the listings whose item page the recrawl policy says to read now.

        A known listing whose page is not due is stored from its search card: it is
        seen (never counted missing), and what its page said last time is kept.
        """
        if not wanted:
            return set()
        known: dict[tuple[str, str], KnownListing] = {}
        if self.listing_lookup is not None:
            for marketplace in {listing.marketplace for listing in wanted}:
                ids = [listing.listing_id for listing in wanted if listing.marketplace == marketplace]
                known.update({(marketplace, k): v for k, v in self.listing_lookup.known(marketplace, ids).items()})
        now = datetime.now(timezone.utc)
        due = set()
        for listing in wanted:
            stored = known.get((listing.marketplace, listing.listing_id))
            if stored is None or self.recrawl.due(stored.risk, stored.item_page_at, now):
                due.add(id(listing))
            else:
                self.count_not_due()
        return due

    def wants_item_page(self, listing: Listing) -> bool:
        if self.item_pages == "missing":
            return self.card_lacks_details(listing)
        return self.item_pages == "all"

    def _parse_item(self, response: Response, card: Listing) -> Iterator[Listing | Trader]:
        try:
            items = self.parse_item(response.url, response.body)
        except PageError as exc:
            self.page_error(response, exc)
            yield card
            return
        listings = [item for item in items if isinstance(item, Listing)]
        if not listings:
            self.page_error(response, PageError("item page shows no listing; keeping the search card"))
            yield card
            return
        yield from (item for item in items if isinstance(item, Trader))
        listing = fill_from(listings[0], card)
        listing.item_page = True
        yield listing

    def _item_unavailable(self, failure: Failure) -> Iterator[Listing]:
        self._unavailable(failure)
        yield failure.request.cb_kwargs["card"]  # type: ignore[attr-defined]

    def _unavailable(self, failure: Failure) -> None:
        """A page that could not be fetched (after retries): counted and logged; the crawl goes on."""
        self.count_page_error()
        self.logger.warning("%s unavailable: %s", failure.request.url, failure.getErrorMessage())  # type: ignore[attr-defined]

    def count(self, what: str) -> None:
        """``search_page/ebay``, ``item_page/ebay``: in the stats Scrapy logs at the end of a crawl."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{what}/{self.name}")

    def count_page_error(self) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"page_error/{self.name}")

    # -- what subclasses say --------------------------------------------------

    def search_url(self, term: str) -> str:
        raise NotImplementedError

    def parse_search(self, url: str, body: bytes) -> SearchPage:
        raise NotImplementedError

    def parse_item(self, url: str, body: bytes) -> list[Listing | Trader]:
        raise NotImplementedError

    def card_lacks_details(self, listing: Listing) -> bool:
        raise NotImplementedError
