"""Any web shop with a sitemap: follow product URLs and read their schema.org ``Product``.

    scrapy crawl sitemap -a sites="https://bulbs.example"
    scrapy crawl sitemap -a sitemaps="https://bulbs.example/sitemap_products_1.xml"

Sitemaps are found through ``robots.txt`` (sitemap indexes are followed). The
site is the trader; a seller named in the page's offers gives it its name and
country.

A product page is the listing's item page, and known listings' pages are read
again as the recrawl policy says (:mod:`crawler.recrawl`): before a sitemap's
pages are requested, the store is asked (once per sitemap, read-only) which
active listings live at them, by their own URL or by the sitemap's address that
led to them last time (``page_url``, kept when a sitemap entry redirects). A
page is left unread when every listing at it is not due and the sitemap's
``<lastmod>`` (when given) is not later than its last read; each of its
listings is then sent on as a :class:`~crawler.items.Sighting`, which the store
records as seen again, unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from w3lib.url import safe_url_string

from crawler.items import Listing, Sighting, Trader
from crawler.pages import PageError
from crawler.pages.schema_org import parse_product_page
from crawler.recrawl import modified_since
from crawler.sites import site_key
from spiders.base import RecrawlingSpider, SpiderArgumentError, parse_shop_urls


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ShopSitemapSpider(RecrawlingSpider, SitemapSpider):
    name = "sitemap"
    accepted_arguments = frozenset({"sites", "sitemaps", "product_pattern"})

    def __init__(self, sites: str = "", sitemaps: str = "", product_pattern: str = "", **kwargs: Any) -> None:
        self.sites = parse_shop_urls(sites, "sites")
        explicit = parse_shop_urls(sitemaps, "sitemaps") if sitemaps else []
        if not self.sites and not explicit:
            raise SpiderArgumentError(
                "give the shops to crawl: -a sites=https://shop.example or -a sitemaps=https://shop.example/sitemap.xml"
            )
        robots = [f"{_root(site)}/robots.txt" for site in self.sites]
        self.sitemap_urls = list(dict.fromkeys(robots + explicit))
        try:
            pattern = re.compile(product_pattern) if product_pattern else None
        except re.error as exc:
            raise SpiderArgumentError(
                f"product_pattern {product_pattern!r} is not a valid regular expression: {exc}"
            ) from None
        #: The product pages (None: every page); not ``product_pattern``, which Scrapy sets to the argument.
        self.product_urls = pattern
        self.sitemap_rules = [(pattern or "", "parse_product")]
        # A site mounted below a path only owns the URLs under that path.
        self.site_bases = self.sites or [_root(url) for url in explicit]
        self._traders_sent: set[str] = set()
        #: Sightings of the pages the sitemap being read leaves unread; None outside :meth:`_parse_sitemap`.
        self._unread: list[Sighting] | None = None
        super().__init__(sites=sites, sitemaps=sitemaps, product_pattern=product_pattern, **kwargs)

    def _parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Scrapy's sitemap callback, and the sightings of the pages the recrawl policy leaves unread.

        Scrapy's ``SitemapSpider`` yields only requests from a sitemap, and its one
        public hook, :meth:`sitemap_filter`, can drop entries but not yield items. This
        (private) callback is therefore wrapped: while Scrapy's own reads the sitemap,
        :meth:`sitemap_filter` drops the pages not due and sets their sightings aside,
        and they are yielded here. Were the method renamed in a later Scrapy, this
        wrapper would not be called, :meth:`sitemap_filter` would leave every page in,
        and every page would be read as before: a listing is never left both unread
        and unseen.
        """
        self._unread = []
        try:
            requests = list(super()._parse_sitemap(response))  # list(): the filter has run when it returns
            unread = self._unread
        finally:
            self._unread = None
        yield from unread
        yield from requests

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        inside = []
        for entry in entries:
            if self._site_of(entry.get("loc", "")) is not None:
                inside.append(entry)
            else:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("sitemap/outside_sites")
        unread: set[str] = set()
        if self._unread is not None and getattr(entries, "type", "urlset") == "urlset":
            sightings = self.pages_not_due(inside)
            unread = set(sightings)
            for found in sightings.values():
                self._unread.extend(found)
        for entry in inside:
            if entry["loc"] not in unread:
                yield entry

    def pages_not_due(self, entries: list[dict[str, Any]]) -> dict[str, list[Sighting]]:
        """The product pages among a sitemap's ``entries`` to leave unread tonight, with their listings' sightings.

        One read-only look-up per shop and sitemap. A page is left unread only when the
        store knows active listings at its URL, none of them is due, and ``<lastmod>``
        (when given) is not later than the last read of any of them.
        """
        if self.listing_lookup is None:
            return {}
        pages: dict[str, dict[str, dict[str, Any]]] = {}  # marketplace -> URL as requested -> entry
        for entry in entries:
            loc = entry["loc"]
            site = self._site_of(loc)
            if site is not None and (self.product_urls is None or self.product_urls.search(loc)):
                # the URL as Scrapy requests it, and so as stored (the page read gives the listing its URL)
                pages.setdefault(site_key(site), {})[safe_url_string(loc)] = entry
        now = datetime.now(timezone.utc)
        unread: dict[str, list[Sighting]] = {}
        for marketplace, by_url in pages.items():
            for url, stored in self.listing_lookup.known_at_urls(marketplace, list(by_url)).items():
                lastmod = by_url[url].get("lastmod")
                if any(self.recrawl.due(k.risk, k.item_page_at, now) or modified_since(lastmod, k.item_page_at)
                       for k in stored):  # fmt: skip
                    continue
                unread[by_url[url]["loc"]] = [Sighting(marketplace, k.listing_id, k.seller_key) for k in stored]
                self.count_not_due()
        return unread

    def _site_of(self, url: str) -> str | None:
        matches = [base for base in self.site_bases if url == base or url.startswith(base + "/")]
        return max(matches, key=len) if matches else None

    def parse_product(self, response: Response) -> Iterator[Any]:
        assert self.crawler.stats is not None
        try:
            items = parse_product_page(response.url, response.body)
        except PageError as exc:
            self.page_error(response, exc)
            return
        listings = [i for i in items if isinstance(i, Listing)]
        if not listings:
            self.crawler.stats.inc_value("sitemap/pages_without_product")
            return
        site = self._site_of(response.url) or _root(response.url)
        key = site_key(site)
        # The address the sitemap named (before redirects): the next night's look-up finds the listings by it.
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        seller = next((i for i in items if isinstance(i, Trader)), None)
        if key not in self._traders_sent:
            self._traders_sent.add(key)
            yield Trader(
                marketplace=key,
                seller_key=key,
                display_name=seller.display_name if seller else None,
                country=seller.country if seller else None,
                profile_url=site + "/",
                platform="web",
            )
        for listing in listings:
            listing.marketplace = key
            listing.seller_key = key
            listing.search_query = site
            listing.ships_from = listing.ships_from or (seller.country if seller else None)
            listing.item_page = True  # a shop's product page is its item page: the recrawl policy's clock
            listing.page_url = requested if requested != listing.url else None
            yield listing
