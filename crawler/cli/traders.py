"""``phytowatch traders`` (and link, unlink, relink, unlinked): the outreach list of traders in a country."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from crawler.cli.common import RISKS, _db_option, _existing_database, _officer_errors, main
from crawler.config import load_config


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


Decided = TypeVar("Decided")


def _link_decision(
    decide: Callable[[Any, int, str, str], Decided], db: Path | None, link_id: int, officer: str, reason: str
) -> Decided:
    """Record an officer's unlink or relink in the database; a refused one is one clear line."""
    from crawler.store import Store
    from crawler.trader_links import LinkError

    with Store(_existing_database(db)) as store:
        try:
            return decide(store, link_id, officer, reason)
        except LinkError as exc:
            raise click.ClickException(str(exc)) from None


@traders.command("unlink")
@click.argument("link_id", type=int)
@click.option("--by", "officer", required=True, help="Who undoes the link (recorded).")
@click.option("--reason", required=True, help="Why, in words an auditor can read (recorded).")
@_db_option
@_officer_errors
def traders_unlink(link_id: int, officer: str, reason: str, db: Path | None) -> None:
    """Undo a link between two traders: they stay apart from now on, whatever the evidence.

    Link ids are in `phytowatch traders --format json` (each entity's "links").
    'phytowatch traders relink LINK_ID' takes an unlink back.

    Example: phytowatch traders unlink 42 --by "J. de Vries" --reason "shared courier's phone number"
    """
    from crawler.trader_links import unlink

    done = _link_decision(unlink, db, link_id, officer, reason)
    link = done.link
    click.echo(f"link {link_id} ({link['kind']} {link['value']}) between traders {link['trader_a']} and"
               f" {link['trader_b']} undone (record {done.unlink_id}); {done.report.entities} trader entities")


@traders.command("relink")
@click.argument("link_id", type=int)
@click.option("--by", "officer", required=True, help="Who takes the unlink back (recorded).")
@click.option("--reason", required=True, help="Why, in words an auditor can read (recorded).")
@_db_option
@_officer_errors
def traders_relink(link_id: int, officer: str, reason: str, db: Path | None) -> None:
    """Take back an unlink: the link between the two traders counts again (the unlink stays on record).

    The links held apart, with their ids, are in 'phytowatch traders unlinked'.

    Example: phytowatch traders relink 42 --by "J. de Vries" --reason "wrong link: 42 is the shop's own site"
    """
    from crawler.trader_links import relink

    done = _link_decision(relink, db, link_id, officer, reason)
    link = done.link
    click.echo(f"link {link_id} ({link['kind']} {link['value']}) between traders {link['trader_a']} and"
               f" {link['trader_b']} counts again: unlink {link['unlink_id']} by {link['unlinked_by']} taken back"
               f" (record {done.relink_id}); {done.report.entities} trader entities")


@traders.command("unlinked")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_db_option
@_officer_errors
def traders_unlinked(fmt: str, db: Path | None) -> None:
    """The links officers have undone and not taken back, most recent first: who, when and why.

    Example: phytowatch traders unlinked --format json
    """
    import json

    from rich.markup import escape
    from rich.table import Table

    from crawler.store import Store
    from crawler.trader_links import links_held_apart

    with Store(_existing_database(db)) as store:
        rows = links_held_apart(store)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="Links held apart by officers, most recent first", title_justify="left")
    for column in ("link", "kind", "value", "traders", "unlinked by", "on", "reason"):
        table.add_column(column)
    for r in rows:  # the value and reason may hold scraped or typed text: never read as markup
        table.add_row(str(r["id"]), r["kind"], escape(r["value"]), f"{r['trader_a']}, {r['trader_b']}",
                      escape(r["unlinked_by"]), r["unlinked_at"][:10], escape(r["unlink_reason"]))  # fmt: skip
    if not rows:
        table.caption = "none"
    Console().print(table)
