"""A crawl frontier that survives kill -9: a watch's crawl resumes where its last commit left it.

Scrapy's ``JOBDIR`` writes its queue state only when a crawl closes cleanly.
After kill -9 or a power loss the saved queue is empty or stale while the
seen-requests file says the start pages were fetched, so the "resumed" crawl
ends at once, having crawled nothing. A watch's crawl (setting
``PHYTOWATCH_FRONTIER``, set by the scheduler) keeps its frontier in the
phytowatch database instead:

* a request the scheduler accepts is written as *pending*;
* once its page is parsed -- every item it yielded has been through the item
  pipelines, every request it yielded is written -- it is marked *done*;
* these writes go through the crawl's database connection, in the batches
  that hold the listings (:class:`crawler.pipelines.StorePipeline`), so any
  commit holds a page's listings and follow-up requests before it holds the
  page being done.

A resumed crawl queues the pending requests again and filters those done; a
page whose listings were not committed is fetched again, and storing a listing
twice changes only its ``last_seen``. A crawl that finishes clears its
frontier, so the next run starts from the start pages. Crawls that are not a
watch's (``phytowatch crawl``, the demo) are Scrapy's own scheduler unchanged.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterable, Iterator
from weakref import WeakKeyDictionary

from scrapy import Request, Spider, signals
from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.request import request_from_dict

from crawler.pipelines import _stores as shared_stores  # one connection per database per process
from crawler.store import Store
from crawler.store.frontier import add_request, clear_frontier, load_frontier, mark_done

logger = logging.getLogger(__name__)


@dataclass
class _Page:
    fingerprint: str
    items: int = 0
    exhausted: bool = False


class Frontier:
    """The database side of one crawl's frontier, shared by its scheduler and its middleware."""

    COMMIT_SECONDS = 0.25
    _of: WeakKeyDictionary[Crawler, Frontier] = WeakKeyDictionary()

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.crawler = crawler
        self.key = key
        self.watch = crawler.settings.get("PHYTOWATCH_WATCH") or key.split(":")[0]
        self.db_path = crawler.settings.get("PHYTOWATCH_DB", "phytowatch.db")
        self.store: Store | None = None
        #: Fingerprints pending or done: a request for one of them is not queued again.
        self.known: set[str] = set()
        self._pages: dict[int, _Page] = {}
        self._timer: Any = None

    @classmethod
    def of(cls, crawler: Crawler) -> Frontier | None:
        """The crawl's frontier, or None when the crawl is not a watch's."""
        key = crawler.settings.get("PHYTOWATCH_FRONTIER")
        if not key:
            return None
        if crawler not in cls._of:
            cls._of[crawler] = cls(crawler, key)
        return cls._of[crawler]

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def fingerprint(self, request: Request) -> str:
        assert self.crawler.request_fingerprinter is not None
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def open(self, spider: Spider) -> list[Request]:
        """Open the store and return the requests left pending by an earlier run of the watch."""
        self.store = shared_stores.acquire(self.db_path)
        pending, done = load_frontier(self.store, self.key)
        self.known = done | {p.fingerprint for p in pending}
        requests = []
        for row in pending:
            try:
                requests.append(request_from_dict(pickle.loads(row.request), spider=spider))
            except Exception as exc:  # the spider changed since: that page is skipped, and counted
                self.stats.inc_value("frontier/unreadable")
                logger.warning("frontier %s: cannot restore a saved request: %s", self.key, exc)
        if pending or done:
            self.stats.set_value("frontier/resumed", len(requests))
            logger.info("frontier %s: resuming with %d pages to do (%d done)", self.key, len(requests), len(done))
        return requests

    def add(self, request: Request, fingerprint: str) -> None:
        assert self.store is not None and self.crawler.spider is not None
        self.known.add(fingerprint)
        try:
            blob = pickle.dumps(request.to_dict(spider=self.crawler.spider), protocol=4)
        except Exception as exc:  # kept in memory only: this page is not resumable
            self.stats.inc_value("frontier/unserialisable")
            logger.debug("frontier %s: %s cannot be saved: %s", self.key, request, exc)
            return
        add_request(self.store, self.key, self.watch, fingerprint, request.priority, blob)
        self._commit_soon()

    # -- pages: a request is done when its callback's output is all handled ---

    def page(self, response: Response) -> _Page:
        page = self._pages.get(id(response))
        if page is None:
            page = self._pages[id(response)] = _Page(self.fingerprint(response.request))  # type: ignore[arg-type]
        return page

    def forget(self, response: Response) -> None:
        self._pages.pop(id(response), None)

    def item_finished(self, response: Response | None) -> None:
        page = self._pages.get(id(response)) if isinstance(response, Response) else None
        if page is not None:
            page.items -= 1
            self.settle(response)  # type: ignore[arg-type]

    def settle(self, response: Response) -> None:
        page = self._pages.get(id(response))
        if page is None or not page.exhausted or page.items > 0 or self.store is None:
            return
        del self._pages[id(response)]
        mark_done(self.store, self.key, page.fingerprint)
        self._commit_soon()

    # -- commits --------------------------------------------------------------

    def _commit_soon(self) -> None:
        if self._timer is None:
            from twisted.internet import reactor

            self._timer = reactor.callLater(self.COMMIT_SECONDS, self.commit)  # type: ignore[arg-type]

    def commit(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        if self.store is not None and self.store.in_batch:
            self.store.commit_batch()

    def close(self, reason: str) -> None:
        if self.store is None:
            return
        self.commit()
        if reason == "finished":
            clear_frontier(self.store, self.key)
            self.store.commit_batch()
        else:
            logger.info("frontier %s: kept for the next run (crawl ended: %s)", self.key, reason)
        shared_stores.release(self.store)
        self.store = None


class FrontierScheduler(Scheduler):
    """Scrapy's scheduler; for a watch's crawl, every request is also kept in the database."""

    frontier: Frontier | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.frontier = Frontier.of(crawler)
        return scheduler

    def open(self, spider: Spider) -> Any:
        result = super().open(spider)
        if self.frontier is not None:
            for request in self.frontier.open(spider):
                self._mqpush(request)
                assert self.stats is not None
                self.stats.inc_value("scheduler/enqueued/memory")
                self.stats.inc_value("scheduler/enqueued")
        return result

    def enqueue_request(self, request: Request) -> bool:
        if self.frontier is None:
            return super().enqueue_request(request)
        fingerprint = self.frontier.fingerprint(request)
        if not request.dont_filter and fingerprint in self.frontier.known:
            self.df.log(request, self.spider)
            return False
        if not super().enqueue_request(request):
            return False
        self.frontier.add(request, fingerprint)
        return True

    def close(self, reason: str) -> Any:
        if self.frontier is not None:
            self.frontier.close(reason)
        return super().close(reason)


class FrontierMiddleware:
    """Spider middleware telling the frontier when a page's output is all handled.

    Sits on the engine side of every other spider middleware, so it sees what
    the scraper receives; item signals tell it when each item has left the
    pipelines. Not enabled for crawls without a frontier.
    """

    def __init__(self, crawler: Crawler, frontier: Frontier) -> None:
        self.frontier = frontier
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_finished, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        frontier = Frontier.of(crawler)
        if frontier is None:
            raise NotConfigured  # not a watch's crawl: nothing to say (a message would log a warning)
        return cls(crawler, frontier)

    def _item_finished(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        self.frontier.item_finished(response)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        page = self.frontier.page(response)
        try:
            for output in result:
                if not isinstance(output, Request):
                    page.items += 1
                yield output
        except BaseException:
            self.frontier.forget(response)  # not done: the page is fetched again on resume
            raise
        page.exhausted = True
        self.frontier.settle(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        page = self.frontier.page(response)
        try:
            async for output in result:
                if not isinstance(output, Request):
                    page.items += 1
                yield output
        except BaseException:
            self.frontier.forget(response)
            raise
        page.exhausted = True
        self.frontier.settle(response)
