"""Any web shop with a sitemap: follow product URLs and read their schema.org ``Product``.

    scrapy crawl sitemap -a sites="https://bulbs.example"
    scrapy crawl sitemap -a sitemaps="https://bulbs.example/sitemap_products_1.xml"

Sitemaps are found through ``robots.txt`` (sitemap indexes are followed). The
site is the trader; a seller named in the page's offers gives it its name and
country.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.spiders import SitemapSpider

from crawler.items import Listing, Trader
from crawler.pages import PageError
from crawler.pages.schema_org import parse_product_page
from crawler.sites import site_key
from spiders.base import PhytowatchSpider, SpiderArgumentError, parse_shop_urls


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class ShopSitemapSpider(PhytowatchSpider, SitemapSpider):
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
        self.sitemap_rules = [(pattern or "", "parse_product")]
        # A site mounted below a path only owns the URLs under that path.
        self.site_bases = self.sites or [_root(url) for url in explicit]
        self._traders_sent: set[str] = set()
        super().__init__(sites=sites, sitemaps=sitemaps, product_pattern=product_pattern, **kwargs)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for entry in entries:
            if self._site_of(entry.get("loc", "")) is not None:
                yield entry
            else:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("sitemap/outside_sites")

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
            yield listing
