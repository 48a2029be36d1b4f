"""``phytowatch evidence`` (capture, show, verify): listing pages kept as WARC and screenshot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.common import F, _db_option, _officer_errors, _since, main
from crawler.config import load_config


def _evidence_errors(func: F) -> F:
    """Evidence asked for wrongly (unknown listing, unwritable folder) ends in one line, like every error."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crawler.evidence import EvidenceError

        try:
            return func(*args, **kwargs)
        except EvidenceError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _printable(text: object) -> str:
    """Scraped text on a terminal: control characters (escape sequences) shown, never obeyed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _evidence_line(record: Any) -> str:
    status = f"HTTP {record.http_status}" if record.http_status is not None else "no answer"
    files = [kind for kind, path in (("WARC", record.warc_path), ("screenshot", record.png_path)) if path]
    kept = " and ".join(files) if files else "no files"
    line = f"listing {record.listing}: evidence {record.id} ({status}; {kept})"
    return line + (f": {_printable(record.error)}" if record.error else "")


@main.group("evidence")
def evidence_group() -> None:
    """Capture listing pages as evidence (WARC and screenshot) and check their files are untouched."""


def _evidence_setup(db: Path | None, config_path: str | None, evidence_dir: Path | None) -> tuple[Path, Path, Any]:
    """The database, the evidence folder and the configuration of an evidence command."""
    from crawler.evidence import evidence_dir_for

    config = load_config(config_path)
    database = db or Path(config.database)
    if not database.exists():
        raise click.ClickException(f"no database at {database}: run 'phytowatch crawl' first, or pass --db")
    return database, evidence_dir or evidence_dir_for(database, config.evidence_dir), config


def _evidence_command_options(func: F) -> F:
    func = _db_option(func)
    return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        help="phytowatch.toml to use.")(func)  # type: ignore[return-value]


def _default_captured_by() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "phytowatch"


@evidence_group.command("capture")
@click.argument("listing_ids", nargs=-1, type=int, metavar="[LISTING_ID]...")
@click.option("--all-high-risk", is_flag=True, help="Capture every high-risk listing that has no evidence yet.")
@click.option("--since", callback=_since, help="With --all-high-risk: only listings seen on or after this date.")
@click.option("--again", is_flag=True, help="With --all-high-risk: capture listings that already have evidence too.")
@click.option("--limit", type=click.IntRange(min=1), help="With --all-high-risk: capture at most this many.")
@click.option("--no-screenshot", is_flag=True, help="Write the WARC only, without starting Chromium.")
@click.option("--evidence-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the files go (default: 'evidence_dir' in phytowatch.toml, else <database>-evidence/).")
@click.option("--captured-by", help="Who asks for the evidence (default: your login name).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds one capture may take, fetch and screenshot together.")
@click.option("--allow-private-addresses", "allow_private", is_flag=True,
              help="Fetch listings on loopback or private addresses too (a test marketplace, an intranet).")
@_evidence_command_options
@_officer_errors
@_evidence_errors
def evidence_capture(listing_ids: tuple[int, ...], all_high_risk: bool, since: str | None, again: bool,
                     limit: int | None, no_screenshot: bool, evidence_dir: Path | None, captured_by: str | None,
                     timeout: float, allow_private: bool, db: Path | None, config_path: str | None) -> None:
    """Fetch listing pages now and keep them as evidence: a WARC, a full-page PNG, their SHA-256.

    LISTING_ID is the listing's number in the database (the review app shows it).
    Exits with status 1 when a capture recorded an error (a listing gone, no
    answer, a failed screenshot); the evidence row is stored all the same.

    Example: phytowatch evidence capture 1042 1043 --captured-by anna

    Example: phytowatch evidence capture --all-high-risk --since 2026-11-01
    """
    from crawler.config import user_agent
    from crawler.evidence import capture_evidence, prepare_evidence_dir
    from crawler.store import Store
    from crawler.store.evidence import high_risk_listings, missing_listings

    if bool(listing_ids) == all_high_risk:
        raise click.UsageError("name listing ids or use --all-high-risk (one of the two)")
    if not all_high_risk and (since or again or limit):
        raise click.UsageError("--since, --again and --limit go with --all-high-risk")
    database, folder, config = _evidence_setup(db, config_path, evidence_dir)
    who = captured_by if captured_by is not None else _default_captured_by()
    with Store(database) as store:
        if all_high_risk:
            chosen = high_risk_listings(store, since=since, again=again, limit=limit)
        else:
            chosen = list(dict.fromkeys(listing_ids))
            unknown = missing_listings(store, chosen)
            if unknown:
                raise click.ClickException(f"no listing with id {', '.join(map(str, unknown))} in {database}")
        if not chosen:
            click.echo("no high-risk listings without evidence" + (f" seen since {since}" if since else ""))
            return
        prepare_evidence_dir(folder)
        failed = 0
        for listing_row_id in chosen:
            record = capture_evidence(store, listing_row_id, evidence_dir=folder, captured_by=who,
                                      screenshot=not no_screenshot, user_agent=user_agent(config.contact),
                                      timeout=timeout, allow_private=allow_private)  # fmt: skip
            failed += record.error is not None
            click.echo(_evidence_line(record))
    click.echo(f"{len(chosen)} captured into {folder}" + (f", {failed} with errors" if failed else ""))
    if failed:
        sys.exit(1)


def _check_lines(checks: list[Any]) -> list[str]:
    return [f"  {c.kind}: {c.path} {c.state.upper() if c.state != 'ok' else 'ok'}" for c in checks]


def _verification_summary(checks: list[Any]) -> str:
    from collections import Counter

    states = Counter(c.state for c in checks)
    if not checks:
        return "no evidence files to check"
    if states["ok"] == len(checks):
        return f"{len(checks)} evidence files checked: all match their SHA-256"
    bad = ", ".join(f"{states[s]} {s}" for s in ("missing", "tampered") if states[s])
    return f"{len(checks)} evidence files checked: {bad}"


@evidence_group.command("show")
@click.argument("listing_id", type=int)
@_evidence_command_options
@_officer_errors
@_evidence_errors
def evidence_show(listing_id: int, db: Path | None, config_path: str | None) -> None:
    """List a listing's evidence and check each file against its stored SHA-256.

    A missing or altered file is reported, and the exit status is 1.

    Example: phytowatch evidence show 1042
    """
    from crawler.evidence import evidence_for, verify_record
    from crawler.store import Store
    from crawler.store.evidence import listing_to_capture

    database, _, _ = _evidence_setup(db, config_path, None)
    with Store(database) as store:
        listing = listing_to_capture(store, listing_id)
        if listing is None:
            raise click.ClickException(f"no listing with id {listing_id} in {database}")
        records = evidence_for(store, listing_id)
    click.echo(f"listing {listing_id}: {_printable(listing['title'])} <{_printable(listing['url'])}>")
    if not records:
        click.echo(f"listing {listing_id} has no evidence")
        return
    checks = []
    for record in records:
        status = f"HTTP {record.http_status}" if record.http_status is not None else "no answer"
        click.echo(f"evidence {record.id}: captured {record.captured_at} by {_printable(record.captured_by)}, {status}")
        record_checks = verify_record(record)
        checks += record_checks
        for line, check in zip(_check_lines(record_checks), record_checks):
            digest = record.warc_sha256 if check.kind == "warc" else record.png_sha256
            click.echo(f"{line} (sha256 {digest})")
        if record.error:
            click.echo(f"  error: {_printable(record.error)}")
    click.echo(_verification_summary(checks))
    if any(c.state != "ok" for c in checks):
        sys.exit(1)


@evidence_group.command("verify")
@_evidence_command_options
@_officer_errors
@_evidence_errors
def evidence_verify(db: Path | None, config_path: str | None) -> None:
    """Check every evidence file against its stored SHA-256; name those missing or altered.

    Example: phytowatch evidence verify --db phytowatch.db
    """
    from crawler.evidence import verify_all
    from crawler.store import Store

    database, _, _ = _evidence_setup(db, config_path, None)
    with Store(database) as store:
        checks = verify_all(store)
    for check in checks:
        if check.state != "ok":
            click.echo(f"evidence {check.record}: {check.kind} {check.state.upper()}: {check.path}")
    click.echo(_verification_summary(checks))
    if any(c.state != "ok" for c in checks):
        sys.exit(1)
