"""JavaScript pages through the system Chromium: the AliExpress spider against a local server.

The search page below is ours: its result cards are not in the HTML but built by
an inline script when the page loads, in the markup of aliexpress.ru's snippet
cards that :mod:`crawler.pages.aliexpress` reads. Only a browser sees them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.browser import BrowserNotFound, chromium_path, playwright_settings
from crawler.store import Store
from spiders.aliexpress import AliExpressSpider
from spiders.base import SpiderArgumentError
from tests.localserver import Canned, LocalServer, run_scrapy

needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="Chromium not installed (apt-get install chromium, or set CHROMIUM_PATH); CI installs it",
)

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})

#: Cards as (product id, title, price text, sold text).
CARDS = [
    ("1005001000000001", "Tomato seeds San Marzano heirloom 200 pcs", "US $2.49", "1000+ sold"),
    ("1005001000000002", "Cherry tomato seeds mix Solanum lycopersicum", "US $3.15", "85 sold"),
    ("1005001000000003", "Bonsai tomato tree seeds 50 pcs", "US $1.07", ""),
]

SHELL = """<!doctype html>
<html><head><meta charset="utf-8"><title>tomato seeds - AliExpress</title></head>
<body>
<div id="root"><div class="search-results" id="results"></div></div>
<script>
const cards = %(cards)s;
window.addEventListener("DOMContentLoaded", () => {
  const grid = document.getElementById("results");
  for (const [id, title, price, sold] of cards) {
    const card = document.createElement("div");
    card.className = "red-snippet_RedSnippet__container__e15tmk";
    card.setAttribute("data-product-id", id);
    card.innerHTML =
      '<a href="/item/' + id + '.html"><img class="gallery_Gallery__image__15bdcj" src="/img/' + id + '.jpg"></a>' +
      '<div class="red-snippet_RedSnippet__priceNew__e15tmk">' + price + '</div>' +
      '<div class="red-snippet_RedSnippet__title__e15tmk">' + title + '</div>' +
      (sold ? '<span>' + sold + '</span>' : '');
    grid.appendChild(card);
  }
});
</script>
<a href="/w/wholesale-tomato-seeds.html?page=2">2</a>
</body></html>
"""


def js_search_page() -> bytes:
    rows = ",".join("[" + ",".join(f'"{value}"' for value in card) + "]" for card in CARDS)
    return (SHELL % {"cards": f"[{rows}]"}).encode()


def routes() -> dict[str, Canned]:
    html = {"Content-Type": "text/html; charset=utf-8"}
    return {
        "/robots.txt": ROBOTS,
        "/w/wholesale-tomato-seeds.html": Canned(body=js_search_page(), headers=html),
    }


@needs_chromium
def test_cards_built_by_javascript_are_rendered_and_stored(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    with LocalServer(routes()) as server:
        result = run_scrapy("aliexpress", {"query": "tomato seeds", "site": server.url, "max_pages": "1"}, db)
        hits = dict(server.hits)
        user_agents = server.user_agents
    assert result.returncode == 0, result.stderr[-3000:]
    # The browser says who we are, like every other request, and fetches no pictures.
    assert len(user_agents) == 1 and user_agents.pop().startswith("phytowatch/")
    assert not [path for path in hits if path.startswith("/img/")]
    # Fetched plainly first, then once more through the browser; page 2 is beyond max_pages.
    assert hits["/w/wholesale-tomato-seeds.html"] == 2
    assert "/w/wholesale-tomato-seeds.html?page=2" not in hits
    with Store(db) as store:
        rows = list(store.db.query(
            "SELECT listing_id, title, price, currency, quantity_sold, search_query, platform, url"
            " FROM listings ORDER BY listing_id"
        ))
        run = store.get_run(1)
    assert [(r["listing_id"], r["title"], r["price"], r["currency"], r["quantity_sold"]) for r in rows] == [
        ("1005001000000001", "Tomato seeds San Marzano heirloom 200 pcs", 2.49, "USD", 1000),
        ("1005001000000002", "Cherry tomato seeds mix Solanum lycopersicum", 3.15, "USD", 85),
        ("1005001000000003", "Bonsai tomato tree seeds 50 pcs", 1.07, "USD", None),
    ]
    assert {(r["search_query"], r["platform"]) for r in rows} == {("tomato seeds", "aliexpress")}
    assert rows[0]["url"] == "https://127.0.0.1/item/1005001000000001.html"
    assert run is not None and run["status"] == "finished"
    assert run["counts"]["store/listings_new"] == 3
    # The crawl's own stats (the run record keeps only some prefixes) show the browser at work.
    assert "'render/aliexpress': 1" in result.stderr
    assert "'playwright/page_count': 1" in result.stderr
    assert "page_error/aliexpress" not in run["counts"]


@needs_chromium
def test_without_rendering_the_same_page_stores_nothing_and_counts_a_page_error(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    arguments = {"query": "tomato seeds", "site": "", "max_pages": "1", "render": "never"}
    with LocalServer(routes()) as server:
        result = run_scrapy("aliexpress", {**arguments, "site": server.url}, db)
        hits = dict(server.hits)
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits["/w/wholesale-tomato-seeds.html"] == 1
    assert "needs JavaScript rendering" in result.stderr
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM listings").fetchone()[0] == 0
        run = store.get_run(1)
    assert run is not None and run["status"] == "finished"
    assert run["counts"]["page_error/aliexpress"] == 1


# --- without Chromium (a CHROMIUM_PATH that names no file stands for a machine without one) ------


def test_without_chromium_javascript_pages_are_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    db = tmp_path / "crawl.db"
    with LocalServer(routes()) as server:
        result = run_scrapy("aliexpress", {"query": "tomato seeds", "site": server.url, "max_pages": "1"}, db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "search pages that need JavaScript are skipped" in result.stderr
    assert "Starting download handler" not in result.stderr  # no scrapy-playwright at all
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM listings").fetchone()[0] == 0
        run = store.get_run(1)
    assert run is not None and run["counts"]["page_error/aliexpress"] == 1


def test_rendering_asked_for_without_chromium_fails_before_the_first_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-chromium"))
    assert chromium_path() is None
    with pytest.raises(BrowserNotFound, match="install the Debian package chromium or set CHROMIUM_PATH"):
        playwright_settings()
    with pytest.raises(SpiderArgumentError, match="render=always: Chromium not found"):
        AliExpressSpider(query="tomato seeds", render="always")
    AliExpressSpider(query="tomato seeds", render="auto")  # auto and never need no browser


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"query": "tomato seeds", "render": "sometimes"}, "render must be one of auto, always, never"),
        ({"query": "tomato seeds", "max_pages": "0"}, "max_pages must be a whole number"),
        ({"query": "tomato seeds", "site": "ftp://aliexpress.com"}, "site: 'ftp://aliexpress.com' is not a web"),
        ({}, "give a query"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        AliExpressSpider(**arguments)


def test_search_url_and_defaults() -> None:
    spider = AliExpressSpider(query="tomato seeds; Tulipa bulbs")
    assert (spider.site, spider.max_pages, spider.render) == ("https://aliexpress.com", 3, "auto")
    assert [spider.search_url(term) for term in spider.terms] == [
        "https://aliexpress.com/w/wholesale-tomato-seeds.html",
        "https://aliexpress.com/w/wholesale-Tulipa-bulbs.html",
    ]
