"""``phytowatch export`` and ``export-key``: listings as CSV, JSON, XLSX or the RPPO package."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.common import RISKS, _db_option, _officer_errors, main
from crawler.config import load_config

EXPORT_FORMATS = ("csv", "json", "jsonl", "xlsx", "rppo")


@main.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True,
              help="csv, json, jsonl or xlsx: the listings; rppo: the RPPO package (a zip with listings, traders, "
                   "decisions, a JSON copy, a README of every field and SHA-256 checksums).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--since", metavar="DATE",
              help="Start of the date range (YYYY-MM-DD, or a UTC time 2026-11-01T02:00): by default, keep listings "
                   "still on offer on or after it (last seen on or after it). See --dates.")
@click.option("--until", metavar="DATE",
              help="End of the date range, the whole day included: keep listings already on offer on or before it "
                   "(first seen on or before it). See --dates.")
@click.option("--dates", type=click.Choice(("on-offer", "first-seen")), default="on-offer", show_default=True,
              help="How --since and --until select: on-offer keeps listings on offer at some time in the range; "
                   "first-seen keeps listings first seen in it (found then), as the review queue's date filter does.")
@click.option("--category", "categories", multiple=True, metavar="CATEGORY",
              help="Keep listings of this commodity category (repeatable), e.g. seeds, bulbs_tubers.")
@click.option("--min-risk", type=click.Choice(RISKS), default="none", show_default=True,
              help="Keep listings at this risk level or above.")
@click.option("--decision", metavar="DECISION",
              help="Keep listings whose latest review decision is confirm, dismiss, refer or contact; or undecided.")
@click.option("--country", metavar="CODE", help="Keep listings whose trader is in, or that ship from, this country "
                                                "(ISO 3166 code such as NL).")
@click.option("--watch", help="Keep listings seen by the crawl runs of this watch.")
@click.option("--listed", type=click.Choice(("on_sale", "delisted")),
              help="on_sale: keep listings still on their marketplace's pages; delisted: keep those marked gone.")
@click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
              help="Replace seller names, ids, profile URLs and contact details by keyed pseudonyms.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Key for --pseudonymise (default: $PHYTOWATCH_PSEUDONYM_KEY_FILE, else pseudonym_key_file in "
                   "phytowatch.toml); make one with 'phytowatch export-key FILE'.")
@click.option("--include-evidence", is_flag=True, help="rppo only: add captured pages (WARC) and screenshots (PNG).")
@click.option("--evidence-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where evidence files recorded with relative paths are (default: the database's folder).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@_db_option
@_officer_errors
def export(fmt: str, output: Path, since: str | None, until: str | None, dates: str, categories: tuple[str, ...],
           min_risk: str, decision: str | None, country: str | None, watch: str | None, listed: str | None,
           pseudonymise: bool, key_file: Path | None, include_evidence: bool, evidence_dir: Path | None,
           config_path: str | None, db: Path | None) -> None:
    """Export stored listings with their trader, verdict and codes, riskiest first; or an RPPO package.

    Filters combine: --since 2026-11-01 --until 2026-11-30 --category seeds --country NL keeps the
    seed listings from Dutch traders (or shipped from the Netherlands) on offer at some time in
    November; with --dates first-seen, only those first found in November.

    \b
    Example: phytowatch export --format rppo --output rppo-2026-11.zip --min-risk high --since 2026-11-01 --pseudonymise
    """
    from crawler.export import ExportError, ExportFilters, key_file_to_use, load_key
    from crawler.export import export as run_export
    from crawler.store import Store

    try:
        filters = ExportFilters(since=since, until=until, categories=categories, min_risk=min_risk,
                                decision=decision, country=country, watch=watch, listed=listed,
                                dates="first_seen" if dates == "first-seen" else "on_offer")  # fmt: skip
        filters.selection()  # a wrong filter is reported before anything is opened
        config = load_config(config_path)
        if key_file is not None and not pseudonymise:
            raise ExportError("--key-file is only used with --pseudonymise; add --pseudonymise to pseudonymise")
        key = load_key(key_file_to_use(key_file, config.pseudonym_key_file)) if pseudonymise else None
        database = db or Path(config.database)
        if not database.exists():
            raise click.ClickException(
                f"no database at {database}: run 'phytowatch crawl' or 'phytowatch demo' first, or pass --db")
        with Store(database) as store:
            result = run_export(store, fmt, output, filters, key, include_evidence=include_evidence,
                                evidence_dir=evidence_dir)  # fmt: skip
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "rppo":
        counts = result.counts
        click.echo(f"RPPO package written to {output}: {counts['listings']} listings, {counts['traders']} traders, "
                   f"{counts['decisions']} decisions" + (f", {counts['evidence']} evidence captures"
                                                         if "evidence" in counts else "")
                   + (f" (pseudonymised, key {result.manifest['key_id']})" if key and result.manifest else ""))
    else:
        click.echo(f"{result.counts['listings']} listings written to {output}" + (" (pseudonymised)" if key else ""))


@main.command("export-key")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_officer_errors
def export_key(file: Path) -> None:
    """Create the key of pseudonymised exports: 256 random bits, readable by you only.

    Keep it with the NPPO and back it up: exports made with one key can be linked
    to each other (the same trader has the same pseudonym), exports made with
    another key cannot. An existing file is never overwritten.

    Example: phytowatch export-key /etc/phytowatch/export.key
    """
    from crawler.export import ExportError, create_key_file

    try:
        create_key_file(file)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"pseudonymisation key written to {file}; pass it with --key-file or set pseudonym_key_file")
