"""``phytowatch db``: look into the database."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli.common import _db_option, _existing_database, _officer_errors, main


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
