"""A watch's crawl keeps its frontier in the database: killed with SIGKILL, it resumes without duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.localserver import PROJECT_ROOT, LocalServer, products_page, run_scrapy, scrapy_command, shopify_shop

PRODUCTS = 1760  # 8 pages
FRONTIER = {"PHYTOWATCH_WATCH": "roses", "PHYTOWATCH_FRONTIER": "roses:test"}


def committed(db: Path, sql: str) -> list[tuple[object, ...]]:
    """What another process sees: only committed rows."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []


def test_a_crawl_killed_with_sigkill_resumes_where_its_last_commit_left_it(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    # Pages 4 and later are slow, so the crawl is still running when it is killed.
    with LocalServer(shopify_shop(PRODUCTS, delay=0.5, slow_from_page=4)) as server:
        cmd = scrapy_command("shopify", {"stores": server.url}, db, FRONTIER)
        crawl = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while committed(db, "SELECT count(*) FROM crawl_frontier WHERE state = 'done'") < [(4,)]:  # card, pages 1-3
            assert time.monotonic() < deadline and crawl.poll() is None, "the crawl should still be running"
            time.sleep(0.05)
        os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its classifier worker, as a power cut would
        assert crawl.wait() == -signal.SIGKILL
        killed_with = committed(db, "SELECT count(*) FROM listings")[0][0]
        assert 750 <= killed_with < PRODUCTS
        assert committed(db, "SELECT status FROM crawl_runs") == [("running",)]  # it could not write its end

        result = run_scrapy("shopify", {"stores": server.url}, db, FRONTIER)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "resuming with 1 pages to do (4 done)" in result.stderr
        hits = dict(server.hits)

    for page in (1, 2, 3, 5, 6, 7, 8):  # done before the kill, or after the resume: fetched once
        assert hits[products_page(page)] == 1, hits
    assert hits[products_page(4)] == 2  # in flight when the crawl was killed
    rows = committed(db, "SELECT count(*), count(DISTINCT listing_id) FROM listings")
    assert rows == [(PRODUCTS, PRODUCTS)]  # every listing exactly once
    assert committed(db, "SELECT count(*) FROM listing_history") == [(PRODUCTS,)]  # one 'new' row each
    assert committed(db, "PRAGMA integrity_check") == [("ok",)]
    assert committed(db, "SELECT count(*) FROM crawl_frontier") == [(0,)]  # a finished crawl clears its frontier
    assert committed(db, "SELECT id, status FROM crawl_runs ORDER BY id") == [(1, "running"), (2, "finished")]


def test_crawls_that_are_not_a_watchs_keep_no_frontier(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer(shopify_shop(300)) as server:
        result = run_scrapy("shopify", {"stores": server.url}, db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert committed(db, "SELECT count(*) FROM listings") == [(300,)]
    assert committed(db, "SELECT count(*) FROM crawl_frontier") == [(0,)]
    assert "FrontierMiddleware" not in result.stderr.split("Enabled spider middlewares")[1].split("]")[0]
