"""Real spiders against a local server that misbehaves: the crawl goes on and says what happened."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.store import Store
from tests.localserver import Canned, LocalServer, run_scrapy

ROBOTS = Canned(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})


def product(n: int) -> dict[str, object]:
    return {"id": n, "title": f"Rosa 'Gloria Dei' wurzelnackt, Pflanze {n}", "handle": f"rosa-{n}",
            "body_html": "<p>Wurzelnackte Rose</p>",
            "variants": [{"id": n, "price": "9.90", "available": True, "sku": f"R{n}"}], "images": []}


def test_shopify_without_meta_paginates_and_survives_a_malformed_page(tmp_path: Path) -> None:
    full_page = json.dumps({"products": [product(n) for n in range(1, 251)]}).encode()
    routes = {
        "/robots.txt": ROBOTS,
        "/products.json?limit=250&page=1": Canned(body=full_page),
        "/products.json?limit=250&page=2": Canned(body=b'{"products": [{"id": 9'),  # cut off
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("shopify", {"stores": server.url}, db)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "could not read" in result.stderr and "not valid JSON" in result.stderr
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM listings").fetchone()[0] == 250
        run = store.get_run(1)
    assert run is not None and run["status"] == "finished"
    assert run["counts"]["store/listings_new"] == 250
    assert run["counts"]["page_error/shopify"] == 1
    assert run["arguments"] == {"stores": server.url, "max_pages": ""}


def test_woocommerce_server_error_storm_is_retried_then_recorded(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": ROBOTS,
        "/wp-json/": Canned(body=json.dumps({"name": "Jardín", "timezone_string": "Europe/Madrid"}).encode()),
        "/wp-json/wc/store/v1/products": Canned(500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"}),
    }
    db = tmp_path / "crawl.db"
    with LocalServer(routes) as server:
        result = run_scrapy("woocommerce", {"stores": server.url}, db)
        hits = server.hits["/wp-json/wc/store/v1/products?per_page=100&page=1"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert hits == 3  # first try + RETRY_TIMES=2
    with Store(db) as store:
        run = store.get_run(1)
        traders = list(store.db.query("SELECT display_name, country FROM traders"))
    assert traders == [{"display_name": "Jardín", "country": "ES"}]
    assert run is not None and run["status"] == "finished"
    assert run["counts"]["page_error/woocommerce"] == 1
