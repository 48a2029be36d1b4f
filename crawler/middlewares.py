"""Downloader middlewares: bot walls and servers that ask us to slow down.

A bot wall (captcha, "Pardon Our Interruption") parsed as a page looks like a page with
no listings; a crawl would then report that nobody sells the plant. ``BlockedPageMiddleware``
stops such a response before any spider sees it, counts it (``blocked/<site>``), backs off
the site and, when the site keeps refusing, ends the crawl with the reason ``blocked``.

``RetryAfterMiddleware`` replaces Scrapy's ``RetryMiddleware`` to honour ``Retry-After``
on 429/503 and to back off exponentially between other retries. Register both with::

    DOWNLOADER_MIDDLEWARES = {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.RetryAfterMiddleware": 550,
        "crawler.middlewares.BlockedPageMiddleware": 560,
    }

``BlockedPageMiddleware`` sits at 560 so that it sees a response after redirects (600)
and decompression (590) and before the retries (550): a wall is not retried.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.response import response_status_message

from crawler.pages.blocked import detect_block
from crawler.sites import site_key

logger = logging.getLogger(__name__)

#: The reason ``detect_block`` gives for a bare 429: a rate limit the retries handle first.
_RATE_LIMITED_STATUS = 429


class BlockedPageMiddleware:
    """Turn bot walls into counted, logged, ignored requests; stop a crawl a site keeps refusing.

    Settings: ``PHYTOWATCH_MAX_BLOCKS`` (3) walls from one site end the crawl;
    ``PHYTOWATCH_BLOCK_MAX_DELAY`` (60 s) caps the doubled delay between that site's requests.
    """

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        settings = crawler.settings
        self.max_blocks = settings.getint("PHYTOWATCH_MAX_BLOCKS", 3)
        self.max_delay = settings.getfloat("PHYTOWATCH_BLOCK_MAX_DELAY", 60.0)
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_times = settings.getint("RETRY_TIMES") if settings.getbool("RETRY_ENABLED") else 0
        self.blocks: Counter[str] = Counter()
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockedPageMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        headers = {str(key): str(value) for key, value in response.headers.to_unicode_dict().items()}
        reason = detect_block(response.url, response.status, response.body, headers)
        if reason is None or self._retried_later(request, response):
            return response
        site = site_key(response.url)
        self.blocks[site] += 1
        self.stats.inc_value(f"blocked/{site}")
        delay = self._back_off(request)
        count = self.blocks[site]
        logger.warning(
            "%s showed a bot wall (%s) instead of %s: backing off to one request every %.0f s "
            "(%d of %d walls before the crawl stops)",
            site, reason, response.url, delay, count, self.max_blocks,
        )
        if count >= self.max_blocks and not self.closing:
            self._close(f"{site} kept blocking the crawler ({reason}, {count} times): the crawl stopped early")
        raise IgnoreRequest(f"{site} showed a bot wall ({reason})")

    def _retried_later(self, request: Request, response: Response) -> bool:
        """A bare 429 that the retry middleware will retry is a rate limit, not yet a wall."""
        if response.status != _RATE_LIMITED_STATUS or response.status not in self.retry_codes:
            return False
        if request.meta.get("dont_retry", False):
            return False
        return request.meta.get("retry_times", 0) < request.meta.get("max_retry_times", self.retry_times)

    def _back_off(self, request: Request) -> float:
        """Double the delay of the request's download slot (at least 1 s), up to the cap."""
        engine = self.crawler.engine
        if engine is None:
            return 0.0
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return 0.0
        slot.delay = min(max(slot.delay * 2, 1.0), self.max_delay)
        return slot.delay

    def _close(self, message: str) -> None:
        self.closing = True
        self.stats.set_value("phytowatch/blocked_reason", message)
        logger.error("%s", message)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="blocked"))


def retry_after_seconds(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date), or ``None``.

    >>> retry_after_seconds("120")
    120.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as the server asks (``Retry-After``) or exponentially.

    On 429/503 with ``Retry-After`` the retry waits that long, capped at
    ``PHYTOWATCH_MAX_RETRY_AFTER`` (300 s), counted as ``retry/retry_after_waits``. Other
    retries wait ``PHYTOWATCH_RETRY_BACKOFF_BASE`` (1 s) × 2^(retries so far), with the same
    cap, counted as ``retry/backoff_waits``. The wait is an ``await`` on the reactor's event
    loop: other requests go on meanwhile; only this one is held back.
    """

    RETRY_AFTER_STATUSES = frozenset({429, 503})

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("PHYTOWATCH_MAX_RETRY_AFTER", 300.0)
        self.backoff_base = settings.getfloat("PHYTOWATCH_RETRY_BACKOFF_BASE", 1.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        asked = None
        if response.status in self.RETRY_AFTER_STATUSES:
            asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None:
            await self._wait(min(asked, self.max_wait), "retry/retry_after_waits", request, "the server asked")
        else:
            await self._wait_backoff(request)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            await self._wait_backoff(request)
        return retry

    async def _wait_backoff(self, request: Request) -> None:
        seconds = min(self.backoff_base * 2 ** request.meta.get("retry_times", 0), self.max_wait)
        await self._wait(seconds, "retry/backoff_waits", request, "backing off")

    async def _wait(self, seconds: float, stat: str, request: Request, why: str) -> None:
        if seconds <= 0:
            return
        self.crawler.stats.inc_value(stat)
        logger.info("waiting %.1f s before retrying %s (%s)", seconds, request.url, why)
        await sleep(seconds)


class RobotsOverrideMiddleware:
    """Lets an officer set robots.txt aside for one crawl, with a recorded reason.

    A spider given ``-a robots_override="<reason>"`` has every request marked
    ``dont_obey_robotstxt``; the reason is logged, kept in the stats and, as a
    spider argument, in the crawl-run record. Runs before Scrapy's
    ``RobotsTxtMiddleware`` (100).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._announced = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsOverrideMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        reason = getattr(self.crawler.spider, "robots_override", None)
        if not reason:
            return
        if not self._announced:
            self._announced = True
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("phytowatch/robots_override", reason)
            logger.warning("robots.txt is NOT obeyed in this crawl, by an officer's decision: %s", reason)
        request.meta["dont_obey_robotstxt"] = True
