"""Spiders and a pipeline stage with a planted bug, for the tests of what a crawl does when our own code raises.

Loaded only by tests, through ``-s SPIDER_MODULES=spiders,tests.planted_bugs`` (the
spiders) or ``ITEM_PIPELINES`` (the stage). Each is the real thing with one deliberate
fault, as a bug would put it there: the engine, the other stages and the store are real.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from scrapy.http import Response

from crawler.items import Listing
from spiders.sitemap import ShopSitemapSpider

#: A sitemap holding this comment makes :class:`SitemapParserBug` raise while reading it.
BUG_TRIGGER = b"<!-- trips the parser bug -->"


class SitemapParserBug(ShopSitemapSpider):
    """Raises while reading a sitemap that holds :data:`BUG_TRIGGER`, as a parser bug would on an odd sitemap."""

    name = "sitemap_parser_bug"

    def _parse_sitemap(self, response: Response) -> Iterator[Any]:
        if BUG_TRIGGER in response.body:
            raise KeyError("lastmod")
        yield from super()._parse_sitemap(response)


class StartPagesBug(ShopSitemapSpider):
    """Raises after its first start request: the sitemaps after the first are never asked for."""

    name = "sitemap_start_bug"

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            yield request
            raise RuntimeError("the start pages could not be listed")


class LemonBugPipeline:
    """A stage that raises on listings of lemon trees (between classify and store), as a bug on odd text would."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Listing) and "limone" in item.title.lower():
            raise ValueError("cannot handle this title")
        return item
