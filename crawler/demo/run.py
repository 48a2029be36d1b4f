"""``phytowatch demo``: the whole product on the bundled demo marketplace.

Starts the demo marketplace on a free loopback port, crawls it with the real
``shopify``, ``woocommerce`` and ``sitemap`` spiders, classifies and stores
everything, then summarises and exports. Nothing leaves the machine.

With ``--days N`` (:func:`run_days`) the marketplace changes from day to day
(:mod:`crawler.demo.days`) and one night's crawl runs per day, to show what
phytowatch notices: new listings, price and stock changes, delisted and
relisted listings.

Both take ``keep_serving``: called with the report while the marketplace is
still up (``phytowatch demo --serve`` runs the review app there, so that
listings can be opened, decided on and captured as evidence).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers import prepare
from classifiers.types import RISK_LEVELS
from crawler.demo.catalogue import Catalogue
from crawler.demo.days import DemoDays
from crawler.demo.server import start_demo_server
from crawler.export import write_export
from crawler.runner import CrawlJob, CrawlOutcome, project_settings, run_crawls
from crawler.store import HISTORY_CHANGES, Store, StoreStats, riskiest_traders, run_changes, store_stats

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


#: What to do with the report while the demo marketplace is still up (see the module's docstring).
WhileServing = Callable[[DemoReport], None]


def run_demo(
    db: Path, export_dir: Path, console: Console | None = None, *, keep_serving: WhileServing | None = None
) -> DemoReport:
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
        report = summarise(db, export_dir, outcomes)
        if keep_serving is not None:
            keep_serving(report)
    return report


def summarise(db: Path, export_dir: Path, outcomes: list[CrawlOutcome]) -> DemoReport:
    """The database's figures and riskiest traders, and CSV and JSON exports in ``export_dir``."""
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


@dataclass
class DayReport:
    """One demo day: what the marketplace showed and what the night's crawls changed."""

    day: int
    shown: int
    outcomes: list[CrawlOutcome]
    #: History rows the day's runs wrote, by change ("new", "changed", "delisted", "relisted").
    changes: dict[str, list[dict[str, Any]]]


def run_days(
    db: Path, export_dir: Path, days: int, console: Console | None = None, *, delist_after: int = 1,
    keep_serving: Callable[[list[DayReport], DemoReport], None] | None = None,
) -> tuple[list[DayReport], DemoReport]:
    """Crawl the demo marketplace as it is on day 1, 2, ... ``days``, one night each, into ``db``.

    The marketplace evolves as :class:`~crawler.demo.days.DemoDays` says; each night
    runs the three spiders in a fresh process (a Twisted reactor runs once per
    process) against the same server, so the runs of each spider share their
    scope. ``delist_after`` is ``PHYTOWATCH_DELIST_AFTER`` for these nights: 1, so
    that three days show listings delisted and relisted.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    console = console or Console(stderr=True)
    Store(db).close()
    prepare()  # the first run on a machine trains the classifier: its own progress bar, before the crawls'
    evolution = DemoDays(Catalogue.load())
    reports = []
    with start_demo_server(evolution.catalogue(1), universe=evolution.universe) as server:
        shops = {p: server.shop_urls(p) for p in ("shopify", "woocommerce", "sitemap")}
        # The demo's nights are minutes apart and its sitemaps' <lastmod> are the demo calendar's dates, not
        # the clock's: the recrawl policy would leave changed product pages unread. Every page, every night.
        overrides = {
            **LOOPBACK_SETTINGS, "PHYTOWATCH_DELIST_AFTER": delist_after,
            "PHYTOWATCH_RECRAWL_DAYS": dict.fromkeys(RISK_LEVELS, 0),
        }  # fmt: skip
        for day in range(1, days + 1):
            catalogue = evolution.catalogue(day)
            server.serve(catalogue)
            with console.status(f"day {day}: crawling {len(catalogue.listings)} listings at {server.base_url}/"):
                outcomes = crawl_in_child(db, demo_jobs(shops), overrides)
            failed = [o for o in outcomes if o.reason != "finished"]
            if failed:
                raise RuntimeError(f"day {day}: {failed[0].spider} ended {failed[0].reason}")
            with Store(db) as store:
                changes = run_changes(store, [o.run_id for o in outcomes if o.run_id is not None])
            reports.append(DayReport(day, len(catalogue.listings), outcomes, changes))
            console.print(f"day {day}: " + ", ".join(f"{len(changes[c])} {c}" for c in HISTORY_CHANGES))
        report = summarise(db, export_dir, reports[-1].outcomes)
        if keep_serving is not None:
            keep_serving(reports, report)  # the last day's marketplace
    return reports, report


def crawl_in_child(db: Path, jobs: list[CrawlJob], overrides: dict[str, Any]) -> list[CrawlOutcome]:
    """``run_crawls`` in a fresh process (spawned, so nothing of this one's reactor is inherited)."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_crawl_child, args=(str(db), jobs, overrides, send), name="phytowatch-demo-day")
    child.start()
    send.close()
    try:
        outcomes: list[CrawlOutcome] = receive.recv()
    except EOFError:
        raise RuntimeError(f"the crawl process ended without a result (exit code {child.exitcode})") from None
    finally:
        child.join()
    return outcomes


def _crawl_child(db: str, jobs: list[CrawlJob], overrides: dict[str, Any], send: Any) -> None:
    outcomes = run_crawls(jobs, project_settings(db, overrides))
    send.send(outcomes)
    send.close()


def print_days(reports: list[DayReport], console: Console, examples: int = 5) -> None:
    """Day by day, what the crawls found changed; then examples of the last day's changes."""
    table = Table(title="Demo days", title_justify="left")
    for column in ("day", "listings shown", *HISTORY_CHANGES):
        table.add_column(column, justify="right")
    for r in reports:
        table.add_row(str(r.day), str(r.shown), *(str(len(r.changes[c])) for c in HISTORY_CHANGES))
    console.print(table)
    last = reports[-1]
    if last.day == 1:
        return
    detail = Table(title=f"Day {last.day}: examples", title_justify="left")
    for column in ("change", "listing", "was", "now"):
        detail.add_column(column)
    for change in ("changed", "delisted", "relisted"):
        for row in last.changes[change][:examples]:
            now = _offer(row["price"], row["available"], row["currency"])
            was = _offer(row["previous_price"], row["previous_available"], row["currency"])
            if change != "changed":  # a delisted row keeps the last offer; a relisted one the offer it came back with
                was, now = (now, "gone") if change == "delisted" else ("gone", now)
            detail.add_row(change, escape(row["title"] or ""), was, now)
    console.print(detail)


def _offer(price: float | None, available: int | None, currency: str | None) -> str:
    text = f"{price:.2f} {currency or ''}".strip() if price is not None else "?"
    return text + (" (sold out)" if available == 0 else "")


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
    delisted = f" ({s.delisted} delisted)" if s.delisted else ""
    console.print(f"[bold]{s.listings}[/] listings{delisted} from [bold]{s.traders}[/] traders in the database")
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
