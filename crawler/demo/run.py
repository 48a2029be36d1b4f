"""``phytowatch demo``: the whole product on the bundled demo marketplace.

Starts the demo marketplace on a free loopback port, crawls it with the real
``shopify``, ``woocommerce`` and ``sitemap`` spiders, classifies and stores
everything, then summarises and exports. Nothing leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers import prepare
from crawler.demo.catalogue import Catalogue
from crawler.demo.server import start_demo_server
from crawler.export import write_export
from crawler.runner import CrawlJob, CrawlOutcome, project_settings, run_crawls
from crawler.store import Store, StoreStats, riskiest_traders, store_stats

#: The demo marketplace is our own server on loopback: no politeness delay is owed to it.
LOOPBACK_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "LOG_LEVEL": "WARNING",
}


@dataclass
class DemoReport:
    outcomes: list[CrawlOutcome]
    stats: StoreStats
    traders: list[dict[str, Any]]
    exports: list[Path]


def demo_jobs(shop_urls: dict[str, list[str]]) -> list[CrawlJob]:
    """One crawl job per shop platform the demo marketplace serves."""
    return [
        CrawlJob("shopify", {"stores": ",".join(shop_urls["shopify"])}),
        CrawlJob("woocommerce", {"stores": ",".join(shop_urls["woocommerce"])}),
        CrawlJob("sitemap", {"sites": ",".join(shop_urls["sitemap"])}),
    ]


def run_demo(db: Path, export_dir: Path, console: Console | None = None) -> DemoReport:
    """Crawl the demo marketplace into ``db`` and write CSV and JSON exports to ``export_dir``."""
    console = console or Console(stderr=True)
    Store(db).close()  # fail early, with a clear message, on an unusable database path
    prepare()  # the first run on a machine trains the classifier: its own progress bar, before the crawl's
    catalogue = Catalogue.load()
    expected = len(catalogue.listings) + len(catalogue.traders)
    with start_demo_server(catalogue) as server:
        console.print(f"Demo marketplace: {server.base_url}/ ({len(catalogue.traders)} shops, "
                      f"{len(catalogue.listings)} listings)")
        shops = {p: server.shop_urls(p) for p in ("shopify", "woocommerce", "sitemap")}
        settings = project_settings(str(db), LOOPBACK_SETTINGS)
        with Progress(
            TextColumn("[bold]crawling[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("shopify, woocommerce, sitemap", total=expected)
            outcomes = run_crawls(demo_jobs(shops), settings, on_item=lambda _: progress.advance(task))
    with Store(db) as store:
        stats = store_stats(store)
        traders = riskiest_traders(store, limit=10)
        export_dir.mkdir(parents=True, exist_ok=True)
        exports = []
        for fmt in ("csv", "json"):
            path = export_dir / f"listings.{fmt}"
            write_export(store, fmt, path)
            exports.append(path)
    return DemoReport(outcomes, stats, traders, exports)


def print_report(report: DemoReport, console: Console) -> None:
    """The summary an officer reads after the demo."""
    runs = Table(title="Crawl runs", title_justify="left")
    for column in ("spider", "run", "ended", "listings stored", "new", "changed", "dropped"):
        runs.add_column(column)
    for o in report.outcomes:
        runs.add_row(
            o.spider, str(o.run_id), o.reason, str(o.listings),
            str(o.stats.get("store/listings_new", 0)), str(o.stats.get("store/listings_changed", 0)),
            str(o.stats.get("item_dropped_count", 0)),
        )
    console.print(runs)
    s = report.stats
    console.print(f"[bold]{s.listings}[/] listings from [bold]{s.traders}[/] traders in the database")
    for title, counts in (("By risk", s.by_risk), ("By category", s.by_category), ("By country", s.by_country)):
        table = Table(title=title, title_justify="left")
        table.add_column(title.split()[-1])
        table.add_column("listings", justify="right")
        for key, n in counts.items():
            table.add_row(escape(str(key)), str(n))
        console.print(table)
    riskiest = Table(title="Riskiest traders", title_justify="left")
    for column in ("trader", "country", "listings", "high", "medium"):
        riskiest.add_column(column)
    for t in report.traders:
        riskiest.add_row(  # scraped names are hostile text: never let them be read as markup
            escape(t["display_name"] or t["seller_key"]),
            escape(t["country"] or "?"),
            str(t["listings"]),
            str(t["high"]),
            str(t["medium"]),
        )
    console.print(riskiest)
    for path in report.exports:
        console.print(f"Export written: {path}")
