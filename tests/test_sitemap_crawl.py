"""The sitemap spider: robots.txt -> sitemap index -> product pages -> stored listings and trader."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.store import Store
from tests.localserver import PROJECT_ROOT, Canned, LocalServer, run_scrapy

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def product_page(name: str, sku: str, price: str) -> Canned:
    data = {
        "@context": "https://schema.org", "@type": "Product", "name": name, "sku": sku,
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
