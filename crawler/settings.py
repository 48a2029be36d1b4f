"""Scrapy settings for phytowatch: only deliberate values, each with its reason."""

from __future__ import annotations

import os

from crawler import recrawl
from crawler.config import Config, user_agent
from crawler.store import incremental

BOT_NAME = "phytowatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Politeness: we are a public authority crawling traders' sites; be a good guest.
ROBOTSTXT_OBEY = True
USER_AGENT = user_agent(os.environ.get("PHYTOWATCH_CONTACT", Config.contact))
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60

# Bot walls are counted, backed off and stop the crawl; Retry-After is honoured, other retries back off.
# 560 sits after decompression and redirects (so it sees the final page) and before the retries (550).
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.RobotsOverrideMiddleware": 90,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.BlockedPageMiddleware": 560,
}
#: Bot-wall pages from one site before the crawl stops with status "blocked".
PHYTOWATCH_MAX_BLOCKS = 3
#: Longest wait, in seconds, for a Retry-After header (it also caps the backoff).
PHYTOWATCH_MAX_RETRY_AFTER = 300.0

# validate/normalise -> classify -> store
ITEM_PIPELINES = {
    "crawler.pipelines.NormalisePipeline": 100,
    "crawler.pipelines.ClassifyPipeline": 200,
    "crawler.pipelines.StorePipeline": 300,
}
#: SQLite database the store stage writes to (``phytowatch crawl --db`` sets it).
PHYTOWATCH_DB = os.environ.get("PHYTOWATCH_DB", Config.database)
#: The watch (``watches.toml``) this crawl runs for; recorded on its crawl run. None for crawls started by hand.
PHYTOWATCH_WATCH = None
# A watch's crawl keeps its frontier in the database, so a crawl killed at any moment resumes (crawler/frontier.py).
# Scrapy's JOBDIR saves its queue only on a clean close; without PHYTOWATCH_FRONTIER both classes change nothing.
SCHEDULER = "crawler.frontier.FrontierScheduler"
SPIDER_MIDDLEWARES = {"crawler.frontier.FrontierMiddleware": 10}
#: The frontier's key (``<watch>:<digest of spider and arguments>``), set by the scheduler for a watch's crawl.
PHYTOWATCH_FRONTIER = None
#: Consecutive complete runs of a scope (a watch, or a spider with its arguments) that must miss a
#: listing before it is marked delisted; 0 never delists. Three nights: one missed night is more often
#: a search ranking or a page that moved than a listing taken down.
PHYTOWATCH_DELIST_AFTER = incremental.DEFAULT_DELIST_AFTER
#: Days after which a known listing's own page is visited again, by risk (spiders/marketplace.py,
#: spiders/sitemap.py, crawler/recrawl.py). A listing whose page was never read is always visited.
PHYTOWATCH_RECRAWL_DAYS = dict(recrawl.DEFAULT_DAYS)
#: Classify in a worker process, so classification runs on another core than the crawl.
PHYTOWATCH_CLASSIFY_IN_WORKER = True

TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
