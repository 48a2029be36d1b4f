"""Running crawls from Python: the library behind ``phytowatch crawl`` and ``phytowatch demo``.

A Twisted reactor runs once per process, so one call of :func:`run_crawls` is
the whole life of the crawling in a process; schedulers and tests start a new
process per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from classifiers import prepare
from spiders.base import SpiderArgumentError


@dataclass
class CrawlJob:
    """One spider with its arguments."""

    spider: str
    arguments: dict[str, str] = field(default_factory=dict)


@dataclass
class CrawlOutcome:
    """How one crawl ended."""

    spider: str
    run_id: int | None
    reason: str
    stats: dict[str, Any]

    @property
    def listings(self) -> int:
        return sum(int(self.stats.get(f"store/listings_{c}", 0)) for c in ("new", "changed", "unchanged", "relisted"))

    @property
    def misses(self) -> str | None:
        """What the run's end did about listings it did not see (counted missing, or why not); None without a store."""
        value = self.stats.get("phytowatch/misses")
        return str(value) if value else None


def project_settings(db: str | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """phytowatch's Scrapy settings, wherever the command is run from."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if db:
        settings.set("PHYTOWATCH_DB", db, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def spider_names(settings: Settings | None = None) -> list[str]:
    return sorted(SpiderLoader.from_settings(settings or project_settings()).list())


def check_job(job: CrawlJob, settings: Settings) -> type:
    """The spider class for a job, with its arguments validated before anything runs."""
    loader = SpiderLoader.from_settings(settings)
    try:
        spidercls = loader.load(job.spider)
    except KeyError:
        raise SpiderArgumentError(
            f"there is no spider called {job.spider!r} (available: {', '.join(sorted(loader.list()))})"
        ) from None
    spidercls(**job.arguments)  # raises SpiderArgumentError with the officer-facing message
    return spidercls


def run_crawls(
    jobs: list[CrawlJob],
    settings: Settings,
    *,
    on_item: Callable[[str], None] | None = None,
) -> list[CrawlOutcome]:
    """Run the jobs side by side in this process and report how each ended.

    ``on_item`` is called with the spider name for every stored item (progress bars).
    """
    classes = [check_job(job, settings) for job in jobs]
    prepare()  # train the classifier now if this machine has none, before any request goes out
    process = CrawlerProcess(settings)
    crawlers: list[Crawler] = []
    reasons: dict[int, str] = {}
    for job, spidercls in zip(jobs, classes):
        crawler = process.create_crawler(spidercls)
        crawlers.append(crawler)

        def closed(spider: Any, reason: str, _id: int = id(crawler)) -> None:
            reasons[_id] = reason

        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
        if on_item is not None:
            name = job.spider
            crawler.signals.connect(
                lambda item, response, spider, _n=name: on_item(_n),
                signal=signals.item_scraped,
                weak=False,
            )
        process.crawl(crawler, **job.arguments)
    process.start()
    outcomes = []
    for job, crawler in zip(jobs, crawlers):
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcomes.append(
            CrawlOutcome(
                spider=job.spider,
                run_id=stats.get("phytowatch/run_id"),
                reason=reasons.get(id(crawler), "unknown"),
                stats=stats,
            )
        )
    return outcomes
