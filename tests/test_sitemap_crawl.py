"""The sitemap spider: robots.txt -> sitemap index -> product pages -> stored listings and trader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from classifiers.types import RISK_LEVELS
from crawler.items import utc_now
from crawler.store import Store
from tests.localserver import PROJECT_ROOT, Canned, LocalServer, rows, run_record, run_scrapy

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def product_page(name: str, sku: str, price: str, description: str | None = None) -> Canned:
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": name, "sku": sku,
        **({"description": description} if description else {}),
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "EUR",
                   "availability": "https://schema.org/InStock",
                   "seller": {"@type": "Organization", "name": "Vivai Rossi",
                              "address": {"@type": "PostalAddress", "addressCountry": "IT"}}},
    }
    body = (f'<html lang="it"><head><script type="application/ld+json">{json.dumps(data)}</script></head>'
            f"<body><h1>{name}</h1></body></html>").encode()
    return Canned(200, body, HTML)


def sitemap_routes(url: str) -> dict[str, Canned]:
    urlset = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{url}/p/olivo.html</loc></url><url><loc>{url}/p/limone.html</loc></url>"
        f"<url><loc>{url}/chi-siamo.html</loc></url><url><loc>http://elsewhere.example/p/x.html</loc></url>"
        "</urlset>"
    ).encode()
    index = (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{url}/sitemap_products_1.xml</loc></sitemap></sitemapindex>"
    ).encode()
    return {
        "/robots.txt": Canned(200, f"User-agent: *\nDisallow: /cart\nSitemap: {url}/sitemap.xml\n".encode(),
                              {"Content-Type": "text/plain"}),
        "/sitemap.xml": Canned(200, index, XML),
        "/sitemap_products_1.xml": Canned(200, urlset, XML),
        "/p/olivo.html": product_page("Olivo 'Leccino' in vaso 18 cm", "OL-18", "24.90"),
        "/p/limone.html": product_page("Pianta di limone &quot;Femminello&quot;", "LIM-1", "19,50"),
        "/chi-siamo.html": Canned(200, b"<html><body>Vivaio dal 1950</body></html>", HTML),
    }


def test_sitemap_spider_follows_robots_and_index_to_products(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    server = LocalServer({})
    server.routes.update(sitemap_routes(server.url))
    with server:
        result = run_scrapy("sitemap", {"sites": server.url}, db)
    assert result.returncode == 0, result.stderr[-3000:]
    with Store(db) as store:
        listings = list(store.db.query("SELECT listing_id, title, price, currency, ships_from, seller_key,"
                                       " risk FROM listings ORDER BY listing_id"))
        traders = list(store.db.query("SELECT seller_key, display_name, country, platform FROM traders"))
        run = store.get_run(1)
    key = "127.0.0.1"
    assert listings == [
        {"listing_id": "LIM-1", "title": 'Pianta di limone "Femminello"', "price": 19.5, "currency": "EUR",
         "ships_from": "IT", "seller_key": key, "risk": "high"},
        {"listing_id": "OL-18", "title": "Olivo 'Leccino' in vaso 18 cm", "price": 24.9, "currency": "EUR",
         "ships_from": "IT", "seller_key": key, "risk": "high"},
    ]
    assert traders == [{"seller_key": key, "display_name": "Vivai Rossi", "country": "IT", "platform": "web"}]
    assert run is not None and run["status"] == "finished"
    assert run["counts"]["sitemap/pages_without_product"] == 1


def test_scrapy_list_from_the_repository_root() -> None:
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split()
    assert listed == sorted(listed)
    assert {"shopify", "sitemap", "woocommerce"} <= set(listed)


def shop_with_a_disallowed_product() -> LocalServer:
    """The sitemap shop, whose sitemap also lists a product under robots.txt's ``Disallow: /cart``."""
    server = LocalServer({})
    routes = sitemap_routes(server.url)
    routes["/sitemap_products_1.xml"].body = routes["/sitemap_products_1.xml"].body.replace(
        b"</urlset>", f"<url><loc>{server.url}/cart/olivo.html</loc></url></urlset>".encode())
    routes["/cart/olivo.html"] = product_page("Olivo nel carrello", "CART-1", "1.00")
    server.routes.update(routes)
    return server


def test_phytowatch_crawl_obeys_robots_and_names_its_contact(tmp_path: Path) -> None:
    """``phytowatch crawl`` with a config file: robots.txt is obeyed and the User-Agent says who crawls."""
    server = shop_with_a_disallowed_product()
    (tmp_path / "phytowatch.toml").write_text('contact = "fitosanitario@nppo.example"\n', encoding="utf-8")
    phytowatch = Path(sys.executable).with_name("phytowatch")
    with server:
        result = subprocess.run([str(phytowatch), "crawl", "sitemap", "-a", f"sites={server.url}",
                                 "--db", str(tmp_path / "c.db")],
                                cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "sitemap: run 1 ended (finished); 2 listings stored" in result.stdout
    assert server.hits["/cart/olivo.html"] == 0  # Disallow: /cart
    assert server.user_agents == {"phytowatch/0.1.0 (plant-health surveillance crawler; +fitosanitario@nppo.example)"}


def test_robots_txt_is_set_aside_only_with_a_recorded_reason(tmp_path: Path) -> None:
    server = shop_with_a_disallowed_product()
    reason = "Mandato legale NPPO, rif. 2026/114"
    db = tmp_path / "c.db"
    with server:
        result = run_scrapy("sitemap", {"sites": server.url, "robots_override": reason}, db)
        refused = run_scrapy("sitemap", {"sites": server.url, "robots_override": "because"}, tmp_path / "r.db")
    assert result.returncode == 0, result.stderr[-3000:]
    assert server.hits["/cart/olivo.html"] == 1
    assert f"robots.txt is NOT obeyed in this crawl, by an officer's decision: {reason}" in result.stderr
    with Store(db) as store:
        run = store.get_run(1)
    assert run is not None and run["arguments"]["robots_override"] == reason
    assert refused.returncode != 0 and "robots_override needs the reason" in refused.stderr


#: A shop's products, one of each risk the classifier gives them (path: title, sku, price, description).
PRODUCTS = {
    "/p/olivo.html": ("Olivo Leccino in vaso 18 cm", "OL-18", "24.90", "Pianta di olivo"),  # high
    "/p/arance.html": ("Arance fresche di Sicilia 5 kg", "AR-5", "12.00", "Arance da tavola raccolte a mano"),
    "/p/corteccia.html": ("Corteccia di pino per pacciamatura 50 L", "CP-50", "9.90", "Corteccia di pino"),
    "/p/origano.html": ("Origano secco di Sicilia 50 g", "OR-50", "4.50", "Foglie e fiori essiccati"),  # low
    "/p/vaso.html": ("Vaso in terracotta 30 cm", "VA-30", "15.00", "Vaso fatto a mano"),  # not regulated
}
#: Written by the crawl's clock, not by what a page says.
SEEN = ("last_seen", "times_seen", "last_run_id", "item_page_at")


def urlset(url: str, lastmod: dict[str, str | None]) -> Canned:
    rows = "".join(f"<url><loc>{url}{path}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
                   for path, mod in lastmod.items())  # fmt: skip
    return Canned(200, ('<?xml version="1.0" encoding="UTF-8"?><urlset'
                        f' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>').encode(), XML)


def listings(db: Path) -> dict[str, dict[str, Any]]:
    return {r["sku"]: r for r in rows(db, "SELECT * FROM listings")}


def test_known_product_pages_are_read_again_by_risk_and_lastmod_and_every_listing_stays_seen(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    server = LocalServer({})
    products = dict(PRODUCTS)
    lastmod: dict[str, str | None] = {path: "2026-01-15" for path in products}
    lastmod["/p/vaso.html"] = None  # a sitemap need not say

    def night(settings: dict[str, str] | None = None) -> set[str]:
        """One nightly crawl of the shop; the product pages it read."""
        server.routes.update({path: product_page(*product) for path, product in products.items()})
        server.routes["/sitemap.xml"] = urlset(server.url, lastmod)
        before = dict(server.hits)
        result = run_scrapy("sitemap", {"sites": server.url}, db, settings)
        assert result.returncode == 0, result.stderr[-3000:]
        return {path for path in products if server.hits[path] > before.get(path, 0)}

    with server:
        server.routes["/robots.txt"] = Canned(200, f"User-agent: *\nSitemap: {server.url}/sitemap.xml\n".encode(),
                                              {"Content-Type": "text/plain"})
        assert night() == set(PRODUCTS)  # never read: every page
        first = listings(db)
        assert {sku: row["risk"] for sku, row in first.items()} == {
            "OL-18": "high", "AR-5": "medium", "CP-50": "medium", "OR-50": "low", "VA-30": "none"}
        classified = rows(db, "SELECT count(*) AS n FROM classifications")[0]["n"]

        # a night later: the bark changed its price and says so in <lastmod>; a new product appears
        with Store(db) as store:
            store.conn.execute("UPDATE listings SET item_page_at ="
                               " strftime('%Y-%m-%dT%H:%M:%S+00:00', item_page_at, '-1 day')")
            store.conn.commit()
        title, sku, _, description = PRODUCTS["/p/corteccia.html"]
        products["/p/corteccia.html"] = (title, sku, "8.50", description)
        lastmod["/p/corteccia.html"] = utc_now()
        products["/p/nuovo.html"] = ("Bulbi di tulipano 10 pezzi", "TU-10", "6.00", "Bulbi da fiore")
        lastmod["/p/nuovo.html"] = None
        assert night() == {"/p/olivo.html", "/p/corteccia.html", "/p/nuovo.html"}  # high, modified, unknown
        counts = run_record(db, 2)["counts"]
        assert counts["item_page_not_due/sitemap"] == 3
        assert (counts["store/listings_unchanged"], counts["store/listings_changed"], counts["store/listings_new"]) \
            == (4, 1, 1)  # fmt: skip

        for _ in range(3):  # three more nights at once: nothing due, nothing modified since its last read
            assert night() == set()
        for run in (3, 4, 5):
            counts = run_record(db, run)["counts"]
            assert (counts["item_page_not_due/sitemap"], counts["store/listings_unchanged"]) == (6, 6)
            assert (counts["store/listings_missed"], counts["store/listings_delisted"]) == (0, 0)
        after = listings(db)
        assert rows(db, "SELECT count(*) AS n FROM classifications")[0]["n"] == classified + 1  # the new one only
        assert rows(db, "SELECT count(*) AS n FROM listing_history WHERE change = 'delisted'")[0]["n"] == 0

        assert night({"PHYTOWATCH_RECRAWL_DAYS": json.dumps(dict.fromkeys(RISK_LEVELS, 0))}) == set(products)

    for sku, row in after.items():  # seen every night, never missed, and all a read said is kept
        assert (row["times_seen"], row["missed_runs"], row["delisted_at"]) == (4 if sku == "TU-10" else 5, 0, None)
        assert row["last_run_id"] == 5
    for sku, row in first.items():
        kept = {k: v for k, v in row.items() if k not in SEEN and k != "price"}
        assert {k: v for k, v in after[sku].items() if k in kept} == kept, sku
        assert after[sku]["price"] == (8.5 if sku == "CP-50" else row["price"])
        assert after[sku]["description"] and after[sku]["categories"] == row["categories"]


def test_known_pages_behind_a_redirect_or_dated_by_month_or_year_are_not_read_again_before_due(tmp_path: Path) -> None:
    db = tmp_path / "crawl.db"
    now = utc_now()
    with LocalServer({}) as server:
        url = server.url
        server.routes.update({
            "/robots.txt": Canned(200, f"User-agent: *\nSitemap: {url}/sitemap.xml\n".encode(),
                                  {"Content-Type": "text/plain"}),
            # the sitemap names the olive tree by an address that redirects to its page; <lastmod> month and year
            "/sitemap.xml": urlset(url, {"/p/123": now[:7], "/p/limone.html": now[:4]}),
            "/p/123": Canned(301, b"", {"Location": f"{url}/products/olivo-leccino"}),
            "/products/olivo-leccino": product_page("Olivo 'Leccino' in vaso 18 cm", "OL-18", "24.90"),
            "/p/limone.html": product_page("Pianta di limone Femminello", "LIM-1", "19.50"),
        })  # fmt: skip
        for _ in range(2):  # two nights, minutes apart: both listings are high risk, read again after a day
            result = run_scrapy("sitemap", {"sites": url}, db)
            assert result.returncode == 0, result.stderr[-3000:]
        hits = dict(server.hits)
    assert (hits["/p/123"], hits["/products/olivo-leccino"], hits["/p/limone.html"]) == (1, 1, 1)
    stored = listings(db)
    assert (stored["OL-18"]["url"], stored["OL-18"]["page_url"]) == (f"{url}/products/olivo-leccino", f"{url}/p/123")
    assert stored["LIM-1"]["page_url"] is None  # read at the address the sitemap gives
    assert [stored[sku]["times_seen"] for sku in ("OL-18", "LIM-1")] == [2, 2]
    counts = run_record(db, 2)["counts"]
    assert (counts["item_page_not_due/sitemap"], counts["store/listings_unchanged"]) == (2, 2)
