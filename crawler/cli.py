"""The ``phytowatch`` command: a thin layer over the library, one function per command.

Every expected failure (a bad argument, a missing file, an unusable database)
ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

import click
from rich.console import Console

from crawler.config import ConfigError, load_config

F = TypeVar("F", bound=Callable[..., Any])

RISKS = ("high", "medium", "low", "none")


def _officer_errors(func: F) -> F:
    """Turn the library's expected errors into one clear line and exit status 1."""
    import functools

    from crawler.store import StoreError
    from spiders.base import SpiderArgumentError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, SpiderArgumentError) as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None

    return wrapper  # type: ignore[return-value]


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        help="SQLite database (default: 'database' in phytowatch.toml, else ./phytowatch.db).",
    )(func)


def _database(db: Path | None, config_path: str | None = None) -> Path:
    return db or Path(load_config(config_path).database)


def _existing_database(db: Path | None) -> Path:
    path = _database(db)
    if not path.exists():
        raise click.ClickException(
            f"no database at {path}: run 'phytowatch crawl' or 'phytowatch demo' first, or pass --db"
        )
    return path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="phytowatch")
def main() -> None:
    """phytowatch: find e-commerce traders of plants, seeds, soil and living organisms (IPPC R-05)."""


@main.command()
@_db_option
@click.option("--export-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Where the CSV and JSON exports are written.")
@click.option("--days", type=click.IntRange(1, 30), default=None,
              help="Let the marketplace change over this many days, one night's crawl each, and show what changed.")
@click.option("--delist-after", type=click.IntRange(0), default=1, show_default=True,
              help="With --days: missed nights before a listing is delisted (nightly crawls default to 3).")
@_officer_errors
def demo(db: Path | None, export_dir: Path, days: int | None, delist_after: int) -> None:
    """Crawl the bundled demo marketplace on 127.0.0.1, classify, store, summarise and export.

    With --days, listings appear, change price, sell out, disappear and come back from
    one day to the next, and each day's crawl shows what phytowatch noticed.

    Example: phytowatch demo --db demo.db --export-dir exports/

    Example: phytowatch demo --days 3 --db days.db
    """
    from crawler.demo.run import print_days, print_report, run_days, run_demo

    console = Console()
    if days is None:
        report = run_demo(_database(db), export_dir, console=console)
    else:
        reports, report = run_days(_database(db), export_dir, days, console, delist_after=delist_after)
        print_days(reports, console)
    print_report(report, console)


@main.command()
@click.argument("spider")
@click.option("-a", "arguments", multiple=True, metavar="KEY=VALUE", help="Spider argument (repeatable).")
@_db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@_officer_errors
def crawl(spider: str, arguments: tuple[str, ...], db: Path | None, config_path: str | None) -> None:
    """Run one spider, classify what it finds and store it.

    Example: phytowatch crawl shopify -a stores=plantshop.example --db phytowatch.db
    """
    from crawler.config import user_agent
    from crawler.runner import CrawlJob, project_settings, run_crawls

    args = {}
    for pair in arguments:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.ClickException(f"spider argument {pair!r} must look like key=value")
        args[key.strip()] = value
    config = load_config(config_path)
    settings = project_settings(str(_database(db, config_path)), {"USER_AGENT": user_agent(config.contact)})
    [outcome] = run_crawls([CrawlJob(spider, args)], settings)
    click.echo(f"{spider}: run {outcome.run_id} ended ({outcome.reason}); {outcome.listings} listings stored")
    if outcome.reason != "finished":
        sys.exit(1)


@main.command()
@click.option("--input", "source", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON Lines: one {\"id\", \"title\", \"description\"?} object per line.")
@click.option("--output", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines written with categories, scores, risk, taxa and reasons added.")
@_officer_errors
def classify(source: Path, target: Path) -> None:
    """Classify listings from a JSON Lines file.

    Example: phytowatch classify --input titles.jsonl --output verdicts.jsonl
    """
    from classifiers import load_classifier
    from classifiers.jsonl import classify_jsonl

    report = classify_jsonl(source, target, load_classifier())
    for problem in report.problems[:20]:
        click.echo(f"skipped {problem}", err=True)
    if len(report.problems) > 20:
        click.echo(f"... and {len(report.problems) - 20} more lines skipped", err=True)
    click.echo(f"{report.written} listings classified into {target}")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} input lines could not be classified")


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--since`` as an ISO date or timestamp, checked before anything is opened."""
    if value is None:
        return None
    try:
        return (datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-01", param_hint="--since") from None


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--min-risk", type=click.Choice(RISKS), default="none", show_default=True,
              help="Keep listings at this risk level or above.")
@click.option("--since", callback=_since, help="Keep listings seen on or after this date (YYYY-MM-DD).")
@_db_option
@_officer_errors
def export(fmt: str, output: Path, min_risk: str, since: str | None, db: Path | None) -> None:
    """Export stored listings with their trader and verdict, riskiest first.

    Example: phytowatch export --format csv --output high.csv --min-risk high --since 2026-11-01
    """
    from crawler.export import write_export
    from crawler.store import Store, export_rows

    with Store(_existing_database(db)) as store:
        count = write_export(export_rows(store, min_risk=min_risk, since=since), fmt, output)  # type: ignore[arg-type]
    click.echo(f"{count} listings written to {output}")


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


@main.group("db")
def db_group() -> None:
    """Look into the database."""


@db_group.command("stats")
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_officer_errors
def db_stats(db: Path | None, as_json: bool) -> None:
    """Counts of listings, traders, runs and decisions, by risk, category and country.

    Example: phytowatch db stats --db phytowatch.db
    """
    from dataclasses import asdict

    from crawler.store import Store, store_stats

    with Store(_existing_database(db)) as store:
        stats = store_stats(store)
    if as_json:
        click.echo(json.dumps(asdict(stats), indent=2, ensure_ascii=False))
        return
    click.echo(f"listings: {stats.listings} ({stats.delisted} delisted)\ntraders: {stats.traders}"
               f"\ncrawl runs: {stats.crawl_runs}"
               f"\nreview decisions: {stats.decisions}")
    for title, counts in (("risk", stats.by_risk), ("category", stats.by_category), ("country", stats.by_country)):
        click.echo(f"by {title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if stats.last_run:
        run = stats.last_run
        click.echo(f"last run: {run['id']} {run['spider']} {run['status']} (started {run['started_at']})")


@main.group("traders", invoke_without_command=True)
@click.option("--country", help="ISO 3166 country (NL, Netherlands); default: home_country in phytowatch.toml.")
@click.option("--min-risk", type=click.Choice(RISKS), default="medium", show_default=True,
              help="Keep traders whose riskiest listing is at this level or above (medium: regulated articles).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of the screen.")
@click.option("--limit", type=click.IntRange(1), help="At most this many traders.")
@_db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@click.pass_context
@_officer_errors
def traders(ctx: click.Context, country: str | None, min_risk: str, fmt: str, output: Path | None,
            limit: int | None, db: Path | None, config_path: str | None) -> None:
    """The traders based in a country who sell regulated articles, riskiest first: the outreach list.

    A trader here is a business: the sellers and shops the evidence links together
    (shared website, e-mail or phone; close names in one country). Entities are
    brought up to date first when crawls have finished since the last time.

    Example: phytowatch traders --country NL --min-risk high --format csv --output nl.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from crawler.export import write_traders
    from crawler.normalise.country import country_code
    from crawler.store import Store
    from crawler.traders import list_traders

    config = load_config(config_path)
    code = country_code(country) if country else config.home_country
    if country and code is None:
        raise click.ClickException(f"--country {country!r} is not a country (try a code such as NL)")
    if code is None:
        raise click.ClickException(
            "no country: pass --country (e.g. --country NL) or set home_country in phytowatch.toml"
        )
    with Store(_existing_database(db or Path(config.database))) as store:
        rows = list_traders(store, code, min_risk=min_risk, limit=limit, details=fmt == "json", refresh=True)
    if fmt == "table":
        console = Console(file=output.open("w", encoding="utf-8") if output else None)
        console.print(_traders_table(rows, code, min_risk))
        return
    if output is None:
        write_traders(rows, fmt, sys.stdout)  # type: ignore[arg-type]
        return
    with output.open("w", encoding="utf-8", newline="") as out:
        write_traders(rows, fmt, out)  # type: ignore[arg-type]
    click.echo(f"{len(rows)} traders written to {output}", err=True)


def _traders_table(rows: list[dict[str, Any]], country: str, min_risk: str) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Traders based in {country} with listings at {min_risk} risk or above, riskiest first",
                  title_justify="left")
    for column, justify in (("entity", "right"), ("trader", "left"), ("marketplaces", "left"),
                            ("listings", "right"), ("high", "right"), ("medium", "right"), ("taxa", "right"),
                            ("last active", "left"), ("score", "right")):  # fmt: skip
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in rows:  # scraped names are hostile text: never let them be read as markup
        table.add_row(str(r["id"]), escape(r["name"] or "?"), escape(", ".join(r["marketplaces"])),
                      str(r["listings"]), str(r["high"]), str(r["medium"]), str(r["taxa_listings"]),
                      (r["last_activity"] or "")[:10], f"{r['risk_score']:.1f}")  # fmt: skip
    if not rows:
        table.caption = "none found"
    return table


@traders.command("link")
@_db_option
@click.option("--rescan", is_flag=True, help="Read every listing's text again, not only new listings'.")
@_officer_errors
def traders_link(db: Path | None, rescan: bool) -> None:
    """Read new contact details, link traders and recompute trader entities and their risk.

    Example: phytowatch traders link --db phytowatch.db
    """
    from crawler.store import Store
    from crawler.traders import refresh_traders

    with Store(_existing_database(db)) as store:
        report = refresh_traders(store, rescan=rescan)
    click.echo(f"{report.listings_read} listings read, {report.identifiers_added} identifiers and"
               f" {report.links_added} links added; {report.traders} traders in {report.entities} entities"
               f" ({report.links_held_apart} links held apart by officers) in {report.seconds:.1f} s")


@traders.command("unlink")
@click.argument("link_id", type=int)
@click.option("--by", "officer", required=True, help="Who undoes the link (recorded).")
@click.option("--reason", required=True, help="Why, in words an auditor can read (recorded).")
@_db_option
@_officer_errors
def traders_unlink(link_id: int, officer: str, reason: str, db: Path | None) -> None:
    """Undo a link between two traders: they stay apart from now on, whatever the evidence.

    Link ids are in `phytowatch traders --format json` (each entity's "links").

    Example: phytowatch traders unlink 42 --by "J. de Vries" --reason "shared courier's phone number"
    """
    from crawler.store import Store
    from crawler.traders import LinkError, unlink

    with Store(_existing_database(db)) as store:
        try:
            done = unlink(store, link_id, officer, reason)
        except LinkError as exc:
            raise click.ClickException(str(exc)) from None
    link = done.link
    click.echo(f"link {link_id} ({link['kind']} {link['value']}) between traders {link['trader_a']} and"
               f" {link['trader_b']} undone (record {done.unlink_id}); {done.report.entities} trader entities")

