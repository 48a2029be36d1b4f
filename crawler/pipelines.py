"""Item pipeline: validate/normalise -> classify -> store, one stage one job.

Every stage opens its expensive resource once (the classifier, the database)
and counts every item it drops under ``drop_item/<reason>``, with one log line
saying why: nothing vanishes silently.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import deferred_from_coro

from crawler.items import Listing, Sighting, Trader
from crawler.normalise.country import country_code
from crawler.pages.text import clean_title
from crawler.store import Store
from crawler.store.incremental import DEFAULT_DELIST_AFTER, misses_summary
from crawler.store.store import RunStatus

logger = logging.getLogger(__name__)

MAX_DESCRIPTION_CHARS = 20_000
#: Crawl statistics kept in the crawl-run record.
RUN_COUNT_PREFIXES: tuple[str, ...] = (
    "store/", "drop_item/", "classify/", "page_error/", "blocked/", "sitemap/", "retry/", "render/",
    "search_page/", "item_page/", "item_page_not_due/", "frontier/", "spider_exceptions/",
    "downloader/response_status_count/", "item_scraped_count", "item_dropped_count",
    "response_received_count",
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _drop(stats: StatsCollector, reason: str, message: str) -> DropItem:
    stats.inc_value(f"drop_item/{reason}")
    return DropItem(f"{reason}: {message}")


class NormalisePipeline:
    """Refuse items the follow-up cannot use and put fields into their canonical form."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Listing):
            return self._listing(item)
        if isinstance(item, Trader):
            return self._trader(item)
        if isinstance(item, Sighting):  # the identity of a stored listing: nothing to normalise
            return item
        raise _drop(self.stats, "unknown_item", f"{type(item).__name__} is not a listing, trader or sighting")

    def _listing(self, listing: Listing) -> Listing:
        listing.title = clean_title(listing.title) or ""
        for required in ("marketplace", "listing_id", "url", "title"):
            if not getattr(listing, required):
                raise _drop(self.stats, f"missing_{required}", f"listing {listing.url or listing.listing_id!r}")
        if listing.price is not None and not (listing.price >= 0):
            listing.price = None
            self.stats.inc_value("normalise/bad_price")
        if listing.currency:
            currency = listing.currency.strip().upper()
            listing.currency = currency if _CURRENCY.match(currency) else None
        listing.ships_from = country_code(listing.ships_from)
        listing.ships_to = [c for c in (country_code(s) for s in listing.ships_to) if c]
        if listing.description is not None and not listing.description.strip():
            listing.description = None  # a blank description is one the page did not give: it erases nothing stored
        if listing.description and len(listing.description) > MAX_DESCRIPTION_CHARS:
            listing.description = listing.description[:MAX_DESCRIPTION_CHARS]
            self.stats.inc_value("normalise/description_truncated")
        return listing

    def _trader(self, trader: Trader) -> Trader:
        if not trader.marketplace or not trader.seller_key:
            raise _drop(self.stats, "missing_seller_key", f"trader {trader.display_name!r}")
        trader.display_name = clean_title(trader.display_name)
        trader.country = country_code(trader.country)
        if trader.rating is not None and not 0 <= trader.rating <= 1:
            trader.rating = None
            self.stats.inc_value("normalise/bad_rating")
        return trader


class ClassifyPipeline:
    """Attach the classifier's verdict (categories, risk, taxa, reasons) to each listing.

    A :class:`~crawler.items.Sighting` (a listing seen without its page read) has no
    text and passes unclassified: its stored verdict stands.

    By default the classifier runs in a worker process (``PHYTOWATCH_CLASSIFY_IN_WORKER``),
    so that classifying does not slow the crawl; set it to False to classify in the
    crawl's own process.
    """

    def __init__(self, stats: StatsCollector, in_worker: bool) -> None:
        self.stats = stats
        self.in_worker = in_worker
        self.classifier: Any = None
        self.worker: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        assert crawler.stats is not None
        return cls(crawler.stats, crawler.settings.getbool("PHYTOWATCH_CLASSIFY_IN_WORKER", True))

    def open_spider(self) -> None:
        from classifiers import prepare

        prepare()  # train once, here, rather than in the worker (the runner usually did already)
        if self.in_worker:
            from classifiers.worker import ClassifierProcess

            self.worker = ClassifierProcess()
        else:
            from classifiers import default_classifier

            self.classifier = default_classifier()

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, Listing):
            if self.worker is not None:
                item.classification = await self.worker.classify(item.text)
            else:
                item.classification = self.classifier.classify([item.text])[0].to_dict()
            self.stats.inc_value(f"classify/risk/{item.classification['risk']}")
        return item

    def close_spider(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None


class _SharedStores:
    """One connection per database per process, shared by the crawlers running in it.

    Crawlers side by side in one process (the demo runs three) then never wait
    for each other's write locks, and their writes share commits.
    """

    def __init__(self) -> None:
        self._open: dict[str, tuple[Store, int]] = {}

    def acquire(self, path: str) -> Store:
        key = os.path.abspath(path)
        store, users = self._open.get(key) or (Store(path), 0)
        self._open[key] = (store, users + 1)
        return store

    def release(self, store: Store) -> None:
        for key, (open_store, users) in list(self._open.items()):
            if open_store is store:
                if users > 1:
                    self._open[key] = (store, users - 1)
                else:
                    del self._open[key]
                    store.close()


_stores = _SharedStores()


class StorePipeline:
    """Write traders and listings (and sightings of listings not read) to the database and record the crawl run.

    At the end of a complete run, the listings of its scope it did not see are
    counted missing, and delisted after ``PHYTOWATCH_DELIST_AFTER`` misses in a row
    (:mod:`crawler.store.incremental`).

    Writes are grouped: a commit every ``COMMIT_ITEMS`` items or
    ``COMMIT_SECONDS`` seconds, whichever comes first, with a savepoint per
    item so that one refused write undoes only itself. A killed crawl loses at
    most the last fraction of a second, and never half a listing.
    """

    COMMIT_ITEMS = 500
    COMMIT_SECONDS = 0.25

    def __init__(self, crawler: Crawler, db_path: str, delist_after: int = DEFAULT_DELIST_AFTER) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.delist_after = delist_after
        self.store: Store | None = None
        self.run_id: int | None = None
        self.errors: list[str] = []
        self._pending = 0
        self._timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(
            crawler,
            crawler.settings.get("PHYTOWATCH_DB", "phytowatch.db"),
            crawler.settings.getint("PHYTOWATCH_DELIST_AFTER", DEFAULT_DELIST_AFTER),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        return pipeline

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def open_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None
        self.store = _stores.acquire(self.db_path)
        arguments = dict(getattr(spider, "arguments", {}) or {})
        watch = self.crawler.settings.get("PHYTOWATCH_WATCH") or None
        self.run_id = self.store.start_run(spider.name, arguments, pid=os.getpid(), watch=watch)
        self.commit()
        self.stats.set_value("phytowatch/run_id", self.run_id)
        logger.info("crawl run %s of %s writes to %s", self.run_id, spider.name, self.db_path)

    def process_item(self, item: Any) -> Any:
        store = self.store
        assert store is not None
        store.begin_batch()
        try:
            if isinstance(item, Trader):
                store.save_trader(item)
                self.stats.inc_value("store/traders")
            elif isinstance(item, Listing):
                stored = store.save_listing(item, run_id=self.run_id, classification=item.classification)
                self.stats.inc_value(f"store/listings_{stored.change}")
            elif isinstance(item, Sighting):
                seen = store.record_seen(item, run_id=self.run_id)
                # Seen again, unchanged, as far as the store knows; delisted meanwhile, the next run reads its page.
                self.stats.inc_value("store/listings_unchanged" if seen else "store/sightings_unmatched")
        except sqlite3.Error as exc:
            raise self._refused(f"the database {self.db_path} refused a write: {exc}") from exc
        self._pending += 1
        if self._pending >= self.COMMIT_ITEMS:
            self.commit()
        elif self._timer is None:
            from twisted.internet import reactor  # the reactor Scrapy installed; never import it early

            self._timer = reactor.callLater(self.COMMIT_SECONDS, self.commit)  # type: ignore[arg-type]
        return item

    def commit(self) -> None:
        """Make the items written so far durable (they were already visible to this process)."""
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        if self.store is None or not self.store.in_batch:
            return
        try:
            self.store.commit_batch()
        except sqlite3.Error as exc:
            lost = self._pending
            self.store.rollback_batch()
            self._refused(f"the database {self.db_path} could not save the last {lost} items: {exc}")
        self._pending = 0

    def _refused(self, message: str) -> DropItem:
        """Count a refused write; the first one stops the crawl, since the next would fail alike."""
        if not self.errors:
            logger.error("%s; stopping the crawl", message)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))
        self.errors.append(message)
        return _drop(self.stats, "store_error", message)

    def spider_error(self, failure: Any, response: Any, spider: Spider) -> None:
        """Keep what a spider's callback raised, for the run's errors.

        Scrapy counts it too (``spider_exceptions/``, kept in the run's counts), and that
        makes the run incomplete: the page's listings were never met, and must not be
        counted missing. ``response`` is None when reading the start requests failed.
        """
        where = getattr(response, "url", None) or "reading the start pages"
        self.errors.append(f"{where}: {type(failure.value).__name__}: {failure.getErrorMessage()}")

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        """An item a pipeline stage raised on is lost: count it as a discard, so the run is incomplete.

        Scrapy logs it but counts nothing; uncounted, the listing would look missing at the end of the run.
        """
        self.stats.inc_value("drop_item/pipeline_error")
        where = getattr(response, "url", None) or type(item).__name__
        self.errors.append(f"{where}: an item was lost: {type(failure.value).__name__}: {failure.getErrorMessage()}")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Commit what is pending, then close the crawl-run record with its outcome."""
        if self.store is None or self.run_id is None:
            return
        self.commit()
        status: RunStatus = {  # type: ignore[assignment]
            "finished": "finished",
            "shutdown": "interrupted",
            "cancelled": "interrupted",
            "blocked": "blocked",
        }.get(reason, "failed")
        counts = {
            key: value
            for key, value in self.stats.get_stats().items()
            if isinstance(value, (int, float)) and key.startswith(RUN_COUNT_PREFIXES)
        }
        errors = list(self.errors)
        if status == "failed":
            errors.append(f"crawl ended early: {reason}")
        blocked = self.stats.get_value("phytowatch/blocked_reason")
        if blocked:
            errors.append(str(blocked))
        try:
            misses = self.store.finish_run(self.run_id, status, counts, errors[:100], delist_after=self.delist_after)
            self.commit()
            if misses.skipped is None:
                self.stats.set_value("store/listings_missed", misses.missed)
                self.stats.set_value("store/listings_delisted", misses.delisted)
                counts = {**counts, "store/listings_missed": misses.missed, "store/listings_delisted": misses.delisted}
            summary = misses_summary(status, counts)
            self.stats.set_value("phytowatch/misses", summary)
            logger.log(logging.INFO if misses.skipped is None else logging.WARNING, "run %s: %s", self.run_id, summary)
        finally:
            _stores.release(self.store)
            self.store = None
