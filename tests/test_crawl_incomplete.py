"""A spider's own code raising makes its run incomplete: the listings it never met are not counted missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.localserver import FAST, PROJECT_ROOT, Canned, LocalServer, rows, run_record, run_scrapy
from tests.planted_bugs import BUG_TRIGGER
from tests.test_sitemap_crawl import XML, product_page

WATCH = {"PHYTOWATCH_WATCH": "olive-trees", "PHYTOWATCH_DELIST_AFTER": "1"}  # one scope; one miss delists
BUGGY = {**WATCH, "SPIDER_MODULES": "spiders,tests.planted_bugs"}
#: The real pipeline with a stage that raises on lemon trees before they are stored.
LEMON_BUG = {**WATCH, "ITEM_PIPELINES": json.dumps({
    "crawler.pipelines.NormalisePipeline": 100, "crawler.pipelines.ClassifyPipeline": 200,
    "tests.planted_bugs.LemonBugPipeline": 250, "crawler.pipelines.StorePipeline": 300,
})}  # fmt: skip


def urlset(*locs: str, extra: bytes = b"") -> Canned:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return Canned(200, b'<?xml version="1.0" encoding="UTF-8"?>' + extra + b'<urlset xmlns="http://www.sitemaps.org'
                  b'/schemas/sitemap/0.9">' + entries.encode() + b"</urlset>", XML)  # fmt: skip


def two_sitemaps(server: LocalServer) -> str:
    """A nursery with two sitemaps, an olive tree in one and a lemon tree in the other; the ``sitemaps`` argument."""
    url = server.url
    server.routes.update({
        "/robots.txt": Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"}),
        "/sitemap_a.xml": urlset(f"{url}/p/olivo.html"),
        "/sitemap_b.xml": urlset(f"{url}/p/limone.html"),
        "/p/olivo.html": product_page("Olivo 'Leccino' in vaso 18 cm", "OL-18", "24.90"),
        "/p/limone.html": product_page("Pianta di limone Femminello", "LIM-1", "19.50"),
    })  # fmt: skip
    return f"{url}/sitemap_a.xml,{url}/sitemap_b.xml"


def lemon(db: Path) -> dict[str, Any]:
    [row] = rows(db, "SELECT missed_runs, delisted_at FROM listings WHERE listing_id = 'LIM-1'")
    return row


def phytowatch_crawl(spider: str, sitemaps: str, db: Path,
                     settings: dict[str, str]) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``phytowatch crawl``, whose output is the run's summary."""
    cmd = [sys.executable, "-m", "crawler", "crawl", spider, "-a", f"sitemaps={sitemaps}", "--db", str(db)]
    for key, value in {**FAST, **settings}.items():
        cmd += ["-s", f"{key}={value}"]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)


def test_a_sitemap_the_spider_fails_to_read_keeps_its_listings_from_being_counted_missing(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer({}) as server:
        sitemaps = two_sitemaps(server)
        first = run_scrapy("sitemap", {"sitemaps": sitemaps}, db, WATCH)
        assert first.returncode == 0, first.stderr[-3000:]
        assert lemon(db) == {"missed_runs": 0, "delisted_at": None}

        server.routes["/sitemap_b.xml"] = urlset(f"{server.url}/p/limone.html", extra=BUG_TRIGGER)
        buggy = phytowatch_crawl("sitemap_parser_bug", sitemaps, db, BUGGY)
        assert buggy.returncode == 0, buggy.stderr[-3000:]

        server.routes["/sitemap_b.xml"] = urlset()  # the lemon tree really gone: a complete run counts it
        gone = phytowatch_crawl("sitemap", sitemaps, db, WATCH)
        assert gone.returncode == 0, gone.stderr[-3000:]

    assert "sitemap_parser_bug: run 2 ended (finished); 1 listings stored" in buggy.stdout
    assert ("sitemap_parser_bug: listings not seen were not counted missing, because not every page was read"
            " (1 page stopped on a program error in the spider (a bug, or a page it does not expect)), so listings"
            " on the pages not read may simply not have been seen") in buggy.stdout  # fmt: skip
    run = run_record(db, 2)
    assert run["counts"]["spider_exceptions/count"] == 1 and "store/listings_missed" not in run["counts"]
    assert f"{server.url}/sitemap_b.xml: KeyError: 'lastmod'" in run["errors"]

    assert "sitemap: 1 listings of its scope not seen this time, 1 of them now delisted" in gone.stdout
    assert lemon(db)["delisted_at"] is not None
    history = rows(db, "SELECT h.run_id, h.change FROM listing_history h JOIN listings l ON l.id = h.listing"
                       " WHERE l.listing_id = 'LIM-1' ORDER BY h.id")  # fmt: skip
    assert history == [{"run_id": 1, "change": "new"}, {"run_id": 3, "change": "delisted"}]  # not by the buggy run


def test_a_failure_listing_the_start_pages_is_recorded_and_counts_nothing_missing(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer({}) as server:
        sitemaps = two_sitemaps(server)
        first = run_scrapy("sitemap", {"sitemaps": sitemaps}, db, WATCH)
        assert first.returncode == 0, first.stderr[-3000:]
        buggy = run_scrapy("sitemap_start_bug", {"sitemaps": sitemaps}, db, BUGGY)
        hits = dict(server.hits)
    assert buggy.returncode == 0, buggy.stderr[-3000:]
    assert hits["/sitemap_b.xml"] == 1  # the first night only
    assert "Error caught on signal handler" not in buggy.stderr  # the error has no page: still recorded
    run = run_record(db, 2, status="failed")  # Scrapy ends such a crawl early ("start_error")
    assert run["counts"]["spider_exceptions/count"] == 1 and "store/listings_missed" not in run["counts"]
    assert run["errors"][0] == "reading the start pages: RuntimeError: the start pages could not be listed"
    assert lemon(db) == {"missed_runs": 0, "delisted_at": None}
    assert "listings not seen were not counted missing, because the run did not finish (it ended failed)" \
        in buggy.stderr  # fmt: skip


def test_a_listing_lost_to_an_error_in_a_pipeline_stage_is_not_counted_missing(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    every_night = {"PHYTOWATCH_RECRAWL_DAYS": json.dumps({"high": 0})}  # read both pages again
    with LocalServer({}) as server:
        sitemaps = two_sitemaps(server)
        first = run_scrapy("sitemap", {"sitemaps": sitemaps}, db, WATCH)
        assert first.returncode == 0, first.stderr[-3000:]
        buggy = run_scrapy("sitemap", {"sitemaps": sitemaps}, db, {**LEMON_BUG, **every_night})
    assert buggy.returncode == 0, buggy.stderr[-3000:]
    run = run_record(db, 2)
    assert run["counts"]["drop_item/pipeline_error"] == 1 and "store/listings_missed" not in run["counts"]
    assert f"{server.url}/p/limone.html: an item was lost: ValueError: cannot handle this title" in run["errors"]
    assert lemon(db) == {"missed_runs": 0, "delisted_at": None}
    assert "1 item was lost to a program error while being classified or stored" in buggy.stderr
