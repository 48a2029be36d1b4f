"""Bot walls and "slow down" answers, crawled for real: the run says what happened and why.

A Shopify spider crawls a local server that serves a real saved DataDome captcha page,
rate limits with ``Retry-After``, or fails with plain 500s.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from crawler.middlewares import retry_after_seconds
from crawler.store import Store
from tests.conftest import read_fixture
from tests.localserver import Canned, LocalServer, run_scrapy

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
PRODUCTS = "/products.json?limit=250&page=1"
MIDDLEWARES = {
    "DOWNLOADER_MIDDLEWARES": json.dumps({
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.RetryAfterMiddleware": 550,
        "crawler.middlewares.BlockedPageMiddleware": 560,
    }),
    "RETRY_TIMES": "3",
    "PHYTOWATCH_RETRY_BACKOFF_BASE": "0.05",
    "PHYTOWATCH_CLASSIFY_IN_WORKER": "False",
}


def products_body(count: int) -> bytes:
    return json.dumps({"products": [
        {"id": n, "title": f"Citrus limon Topfpflanze {n}", "handle": f"citrus-{n}", "body_html": "<p>Zitrone</p>",
         "variants": [{"id": n, "price": "19.90", "available": True, "sku": f"C{n}"}], "images": []}
        for n in range(1, count + 1)
    ]}).encode()


class Script(dict[str, Canned]):
    """Routes for ``LocalServer`` where one path answers from a script, recording when it was asked."""

    def __init__(self, routes: dict[str, Canned], path: str, answers: list[Canned]) -> None:
        super().__init__(routes)
        self.path, self.answers, self.times = path, list(answers), []  # type: ignore[var-annotated]
        self.lock = threading.Lock()

    def get(self, key: str, default: Canned | None = None) -> Canned | None:  # type: ignore[override]
        if key != self.path:
            return super().get(key, default)
        with self.lock:
            self.times.append(time.monotonic())
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def crawl(server: LocalServer, tmp_path: Path, **settings: str) -> tuple[str, dict[str, object], int]:
    """Crawl the server's shop; the log, the crawl-run record and the listings stored."""
    db = tmp_path / "crawl.db"
    result = run_scrapy("shopify", {"stores": server.url}, db, {**MIDDLEWARES, **settings})
    assert result.returncode == 0, result.stderr[-3000:]
    with Store(db) as store:
        run = store.get_run(1)
        listings = store.conn.execute("SELECT count(*) FROM listings").fetchone()[0]
    assert run is not None, result.stderr[-3000:]
    return result.stderr, run, listings


@pytest.mark.fixtures
def test_a_datadome_captcha_stores_nothing_and_stops_the_crawl_as_blocked(corpus: Path, tmp_path: Path) -> None:
    captcha = Canned(403, read_fixture(corpus / "blocked_pages" / "etsy_search_datadome_captcha_2026-03.html"),
                     {"Content-Type": "text/html; charset=utf-8", "X-DataDome": "protected"})
    routes = {"/robots.txt": ROBOTS, "/meta.json": captcha, "/products.json": captcha}
    with LocalServer(routes) as server:
        stderr, run, listings = crawl(server, tmp_path, PHYTOWATCH_MAX_BLOCKS="2")
    assert listings == 0
    assert run["status"] == "blocked"
    assert run["counts"]["blocked/127.0.0.1"] == 2  # type: ignore[index]
    assert "store/listings_new" not in run["counts"]  # type: ignore[operator]
    assert "127.0.0.1 showed a bot wall (DataDome captcha)" in stderr
    assert "backing off to one request every 2 s" in stderr  # the second wall doubled the first back-off
    reason = "127.0.0.1 kept blocking the crawler (DataDome captcha, 2 times): the crawl stopped early"
    assert reason in stderr
    assert reason in run["errors"]  # type: ignore[operator]


def test_retry_after_is_waited_for_then_the_listings_are_stored(tmp_path: Path) -> None:
    slow_down = Canned(429, b"Too Many Requests", {"Content-Type": "text/plain", "Retry-After": "1"})
    routes = Script({"/robots.txt": ROBOTS}, PRODUCTS, [slow_down, slow_down, Canned(body=products_body(3))])
    with LocalServer(routes) as server:
        stderr, run, listings = crawl(server, tmp_path)
    assert listings == 3
    assert run["status"] == "finished"
    assert len(routes.times) == 3
    gaps = [later - earlier for earlier, later in zip(routes.times, routes.times[1:])]
    assert all(gap >= 1.0 for gap in gaps), gaps
    counts = run["counts"]
    assert counts["retry/retry_after_waits"] == 2  # type: ignore[index]
    assert "retry/backoff_waits" not in counts  # type: ignore[operator]
    assert not any(key.startswith("blocked/") for key in counts)  # type: ignore[attr-defined]
    assert "waiting 1.0 s before retrying" in stderr


def test_retry_after_is_capped(tmp_path: Path) -> None:
    slow_down = Canned(503, b"Maintenance", {"Content-Type": "text/plain", "Retry-After": "3600"})
    routes = Script({"/robots.txt": ROBOTS}, PRODUCTS, [slow_down, Canned(body=products_body(1))])
    with LocalServer(routes) as server:
        started = time.monotonic()
        _, run, listings = crawl(server, tmp_path, PHYTOWATCH_MAX_RETRY_AFTER="0.5")
    assert listings == 1 and time.monotonic() - started < 60
    assert 0.5 <= routes.times[1] - routes.times[0] < 30
    assert run["counts"]["retry/retry_after_waits"] == 1  # type: ignore[index]


def test_a_plain_server_error_is_retried_with_backoff_then_given_up(tmp_path: Path) -> None:
    error = Canned(500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})
    routes = Script({"/robots.txt": ROBOTS}, PRODUCTS, [error])
    with LocalServer(routes) as server:
        _, run, listings = crawl(server, tmp_path)
    assert listings == 0
    assert run["status"] == "finished"
    assert len(routes.times) == 4  # first try + RETRY_TIMES=3
    gaps = [later - earlier for earlier, later in zip(routes.times, routes.times[1:])]
    assert [gap >= wait for gap, wait in zip(gaps, (0.05, 0.1, 0.2))] == [True] * 3, gaps
    counts = run["counts"]
    assert counts["retry/count"] == 3 and counts["retry/max_reached"] == 1  # type: ignore[index]
    assert counts["retry/backoff_waits"] == 3  # type: ignore[index]
    assert "retry/retry_after_waits" not in counts  # type: ignore[operator]
    assert counts["page_error/shopify"] == 1  # type: ignore[index]


def test_a_rate_limit_that_outlasts_the_retries_counts_as_a_block(tmp_path: Path) -> None:
    slow_down = Canned(429, b"Too Many Requests", {"Content-Type": "text/plain"})
    routes = Script({"/robots.txt": ROBOTS}, PRODUCTS, [slow_down])
    with LocalServer(routes) as server:
        stderr, run, listings = crawl(server, tmp_path)
    assert listings == 0 and len(routes.times) == 4
    assert run["status"] == "finished"  # one wall, below PHYTOWATCH_MAX_BLOCKS
    assert run["counts"]["blocked/127.0.0.1"] == 1  # type: ignore[index]
    assert "127.0.0.1 showed a bot wall (rate limited (HTTP 429 Too Many Requests))" in stderr


def test_retry_after_values() -> None:
    assert retry_after_seconds(b" 7 ") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0  # already past
    assert retry_after_seconds("") is None
    assert retry_after_seconds("-5") is None
