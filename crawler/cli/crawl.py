"""``phytowatch demo``, ``crawl`` and ``extract``: crawling, and reading saved pages offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console

from crawler.cli.common import _database, _db_option, _officer_errors, main
from crawler.config import load_config


@main.command()
@_db_option
@click.option("--export-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Where the CSV and JSON exports are written.")
@click.option("--days", type=click.IntRange(1, 30), default=None,
              help="Let the marketplace change over this many days, one night's crawl each, and show what changed.")
@click.option("--delist-after", type=click.IntRange(0), default=1, show_default=True,
              help="With --days: missed nights before a listing is delisted (nightly crawls default to 3).")
@click.option("--serve", is_flag=True,
              help="Then keep the marketplace up and run the review app over the demo's database on 127.0.0.1, "
                   "with evidence captures allowed to reach the marketplace, until Ctrl-C.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="With --serve: the review app's port.")
@_officer_errors
def demo(db: Path | None, export_dir: Path, days: int | None, delist_after: int, serve: bool, port: int) -> None:
    """Crawl the bundled demo marketplace on 127.0.0.1, classify, store, summarise and export.

    With --days, listings appear, change price, sell out, disappear and come back from
    one day to the next, and each day's crawl shows what phytowatch noticed. With
    --serve, review the result in the browser: confirm a listing and its page is
    captured as evidence from the marketplace, which stays up.

    Example: phytowatch demo --db demo.db --export-dir exports/

    Example: phytowatch demo --days 3 --db days.db

    Example: phytowatch demo --db demo.db --serve --port 8000
    """
    from crawler.demo.run import DayReport, DemoReport, print_days, print_report, run_days, run_demo

    console = Console()
    database = _database(db)

    def review(report: DemoReport) -> None:
        print_report(report, console)
        from crawler.demo.review import serve_demo_review

        serve_demo_review(database, port, say=lambda text: console.print(text, markup=False, highlight=False))

    def review_days(reports: list[DayReport], report: DemoReport) -> None:
        print_days(reports, console)
        review(report)

    if days is None:
        report = run_demo(database, export_dir, console=console, keep_serving=review if serve else None)
    else:
        reports, report = run_days(database, export_dir, days, console, delist_after=delist_after,
                                   keep_serving=review_days if serve else None)  # fmt: skip
        if not serve:
            print_days(reports, console)
    if not serve:
        print_report(report, console)


def _pairs(pairs: tuple[str, ...], what: str, form: str) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"{what} {pair!r} must look like {form}")
        values[key.strip()] = value
    return values


@main.command()
@click.argument("spider")
@click.option("-a", "arguments", multiple=True, metavar="KEY=VALUE", help="Spider argument (repeatable).")
@_db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Scrapy setting for this crawl (repeatable), e.g. -s DOWNLOAD_DELAY=3.")
@_officer_errors
def crawl(spider: str, arguments: tuple[str, ...], db: Path | None, config_path: str | None,
          overrides: tuple[str, ...]) -> None:
    """Run one spider, classify what it finds and store it.

    Example: phytowatch crawl shopify -a stores=plantshop.example --db phytowatch.db
    """
    from crawler.config import user_agent
    from crawler.runner import CrawlJob, project_settings, run_crawls

    args = _pairs(arguments, "spider argument", "key=value")
    config = load_config(config_path)
    settings = project_settings(
        str(_database(db, config_path)),
        {"USER_AGENT": user_agent(config.contact), **_pairs(overrides, "setting", "NAME=VALUE")},
    )
    [outcome] = run_crawls([CrawlJob(spider, args)], settings)
    click.echo(f"{spider}: run {outcome.run_id} ended ({outcome.reason}); {outcome.listings} listings stored")
    if outcome.misses:
        click.echo(f"{spider}: {outcome.misses}")
    if outcome.reason != "finished":
        sys.exit(1)


@main.command()
@click.option("--url", required=True, help="The address the page was saved from: it picks the page module.")
@click.option("--page", "page_name", help="Page module to use instead of guessing from the URL.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_officer_errors
def extract(url: str, page_name: str | None, file: Path) -> None:
    """Read a saved page (plain or .gz) or API answer offline; print one JSON object per item.

    Each line has "type" ("listing" or "trader") and the item's fields.

    Example: phytowatch extract --url https://shop.example/products.json products.json
    """
    from crawler.pages import PageError
    from crawler.pages.registry import extract as extract_items

    try:
        items = extract_items(url, file.read_bytes(), page_name)
    except PageError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    for item in items:
        kind = "trader" if type(item).__name__ == "Trader" else "listing"
        fields = {k: v for k, v in item.to_dict().items() if k != "classification"}
        click.echo(json.dumps({"type": kind, **fields}, ensure_ascii=False))
