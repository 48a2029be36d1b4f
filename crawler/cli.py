"""The ``phytowatch`` command: a thin layer over the library, one function per command.

Every expected failure (a bad argument, a missing file, an unusable database)
ends in one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
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


EXPORT_FORMATS = ("csv", "json", "jsonl", "xlsx", "rppo")


@main.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True,
              help="csv, json, jsonl or xlsx: the listings; rppo: the RPPO package (a zip with listings, traders, "
                   "decisions, a JSON copy, a README of every field and SHA-256 checksums).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--since", metavar="DATE", help="Keep listings seen on or after this date (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Keep listings first seen on or before this date (YYYY-MM-DD).")
@click.option("--category", "categories", multiple=True, metavar="CATEGORY",
              help="Keep listings of this commodity category (repeatable), e.g. seeds, bulbs_tubers.")
@click.option("--min-risk", type=click.Choice(RISKS), default="none", show_default=True,
              help="Keep listings at this risk level or above.")
@click.option("--decision", metavar="DECISION",
              help="Keep listings whose latest review decision is confirm, dismiss, refer or contact; or undecided.")
@click.option("--country", metavar="CODE", help="Keep listings whose trader is in, or that ship from, this country "
                                                "(ISO 3166 code such as NL).")
@click.option("--watch", help="Keep listings seen by the crawl runs of this watch.")
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
def export(fmt: str, output: Path, since: str | None, until: str | None, categories: tuple[str, ...],
           min_risk: str, decision: str | None, country: str | None, watch: str | None, pseudonymise: bool,
           key_file: Path | None, include_evidence: bool, evidence_dir: Path | None, config_path: str | None,
           db: Path | None) -> None:
    """Export stored listings with their trader, verdict and codes, riskiest first; or an RPPO package.

    Filters combine: --since 2026-11-01 --until 2026-11-30 --category seeds --country NL keeps the
    seed listings from Dutch traders (or shipped from the Netherlands) on offer in November.

    \b
    Example: phytowatch export --format rppo --output rppo-2026-11.zip --min-risk high --since 2026-11-01 --pseudonymise
    """
    from crawler.export import ExportError, ExportFilters, key_file_to_use, load_key
    from crawler.export import export as run_export
    from crawler.store import Store

    try:
        filters = ExportFilters(since=since, until=until, categories=categories, min_risk=min_risk,
                                decision=decision, country=country, watch=watch)  # fmt: skip
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


def _training_errors(func):  # type: ignore[no-untyped-def]
    """Training-data and model errors are an officer's errors too: one line, exit 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        from classifiers.training import TrainingDataError

        try:
            return func(*args, **kwargs)
        except (TrainingDataError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@main.group("classifier")
def classifier_group() -> None:
    """Train and evaluate the commodity classifier."""


@classifier_group.command("evaluate")
@click.option("--data", type=click.Path(exists=True, path_type=Path),
              help="JSONL of {\"text\", \"cats\"} (a file or a folder of *.jsonl); default: the bundled data.")
@click.option("--split", type=click.Choice(["test", "dev", "train", "all"]), default=None,
              help="Which split of the data to score (default: test for the bundled data, all for --data).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False, path_type=Path),
              help="A trained pipeline directory (default: the one phytowatch uses).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_officer_errors
@_training_errors
def evaluate_command(data: Path | None, split: str | None, model_dir: Path | None, as_json: bool) -> None:
    """Per-category precision, recall and F1, macro-F1 and high-risk recall on labelled listings.

    Example: phytowatch classifier evaluate --data reviewed.jsonl
    """
    from classifiers import load_classifier
    from classifiers.evaluation import evaluate, report
    from classifiers.training import load_listings

    chosen = split or ("all" if data else "test")
    listings = load_listings(data, None if chosen == "all" else chosen)
    if not listings:
        raise click.ClickException(f"no labelled listings in {data or 'the bundled data'} ({chosen} split)")
    result = evaluate(load_classifier(model_dir=model_dir), listings)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report(result))


@classifier_group.command("train")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the pipeline (default: the cache folder phytowatch loads from).")
@click.option("--with-reviews", is_flag=True,
              help="Add the listings officers confirmed or dismissed in the database to the training data.")
@_db_option
@_officer_errors
@_training_errors
def train_command(output: Path | None, with_reviews: bool, db: Path | None) -> None:
    """Train the commodity classifier from data/training (and reviews), then score the held-out split.

    Example: phytowatch classifier train --with-reviews --output models/nppo-2026-11
    """
    from classifiers import load_classifier
    from classifiers.evaluation import evaluate, report
    from classifiers.model import default_model_dir
    from classifiers.training import default_training_dir, load_listings, train

    if with_reviews and output is None:
        raise click.ClickException("--with-reviews needs --output (then set PHYTOWATCH_MODEL to use that model)")
    target = output or default_model_dir()
    with tempfile.TemporaryDirectory(prefix="phytowatch-training-") as tmp:
        data = default_training_dir()
        if with_reviews:
            data = Path(tmp)
            for path in default_training_dir().glob("*.jsonl"):
                shutil.copy(path, data / path.name)
            count = _write_reviews(_existing_database(db), data / "reviews.jsonl")
            click.echo(f"{count} reviewed listings added to the training data", err=True)
        train(target, overrides={"paths.training": str(data)})
        held_out = load_listings(data, "test")
    click.echo(f"trained pipeline written to {target}")
    click.echo(report(evaluate(load_classifier(model_dir=target), held_out)))


def _write_reviews(db: Path, path: Path) -> int:
    from crawler.store import Store
    from crawler.store.reviews import reviewed_listings

    count = 0
    with Store(db) as store, path.open("w", encoding="utf-8") as fh:
        for row in reviewed_listings(store):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


@main.group("schedule")
def schedule_group() -> None:
    """Run the watches of watches.toml on their schedules, unattended."""


def _schedule_options(func: F) -> F:
    func = click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                        help="SQLite database (default: 'database' in phytowatch.toml).")(func)
    func = click.option("--watches", "watches_file", type=click.Path(dir_okay=False, path_type=Path),
                        help="Watches file (default: 'watches' in phytowatch.toml, else ./watches.toml).")(func)
    return click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        help="phytowatch.toml to use.")(func)  # type: ignore[return-value]


def _schedule_setup(config_path: str | None, watches_file: Path | None, db: Path | None) -> tuple[Any, Any]:
    """The validated watches file and where their crawls read and write."""
    import os

    from crawler.config import DEFAULT_CONFIG, state_dir_for
    from crawler.watches import load_watches, watches_path
    from crawler.watchrun import RunPlace

    config = load_config(config_path)
    watches = load_watches(watches_path(config, watches_file))
    database = (db or Path(config.database)).resolve()
    config_file = Path(config_path or os.environ.get("PHYTOWATCH_CONFIG") or DEFAULT_CONFIG)
    place = RunPlace(
        database=database,
        state_dir=state_dir_for(database, config.state_dir).resolve(),
        config=config_file.resolve() if config_file.exists() else None,
    )
    return watches, place


class _StderrHandler:
    """Marker base: the handler :func:`_log_to_stderr` installs once."""


def _log_to_stderr() -> None:
    """One line per event on stderr (the journal, under systemd); APScheduler's own chatter left out."""
    import logging

    class Handler(logging.StreamHandler, _StderrHandler):  # type: ignore[type-arg]
        @property  # type: ignore[override]
        def stream(self) -> Any:  # whatever stderr is now (click's test runner swaps it)
            return sys.stderr

        @stream.setter
        def stream(self, value: Any) -> None:
            pass

    handler = Handler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("crawler.scheduler", "crawler.watchrun"):
        log = logging.getLogger(name)
        log.setLevel(logging.INFO)
        if not any(isinstance(h, _StderrHandler) for h in log.handlers):
            log.addHandler(handler)
    logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL)  # job events are logged by our listener
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    scheduler_log.setLevel(logging.WARNING)  # job store trouble still shows; "Added job" and the like do not
    if not scheduler_log.filters:
        scheduler_log.addFilter(lambda record: not str(record.msg).startswith("Execution of job"))  # ours says it


@schedule_group.command("run")
@_schedule_options
@click.option("--stop-timeout", type=click.IntRange(min=0), metavar="SECONDS",
              help="How long a running crawl gets to finish after SIGTERM (default: [scheduler] stop_timeout).")
@_officer_errors
def schedule_run(config_path: str | None, watches_file: Path | None, db: Path | None,
                 stop_timeout: int | None) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C (a service, e.g. under systemd).

    Each run is its own crawl process; a run missed while the scheduler was down
    starts late or is reported as missed. SIGHUP reloads the watches file.

    Example: phytowatch schedule run --config /etc/phytowatch/phytowatch.toml
    """
    from crawler.scheduler import ScheduleService

    watches, place = _schedule_setup(config_path, watches_file, db)
    _log_to_stderr()
    ScheduleService(watches, place, stop_timeout=stop_timeout).serve()


@schedule_group.command("list")
@_schedule_options
@_officer_errors
def schedule_list(config_path: str | None, watches_file: Path | None, db: Path | None) -> None:
    """Show the watches with their schedule, last run and next run.

    Example: phytowatch schedule list --watches watches.toml
    """
    from rich.table import Table

    from crawler.scheduler import schedule_overview, scheduler_holder

    watches, place = _schedule_setup(config_path, watches_file, db)
    table = Table("watch", "spider", "schedule", "enabled", "last run started", "last status", "next run",
                  title=f"watches in {watches.path}")  # fmt: skip
    for line in schedule_overview(watches, place):
        next_run = line.next_run.strftime("%Y-%m-%d %H:%M %Z") if line.next_run else "-"
        table.add_row(line.name, line.spider, line.schedule, "yes" if line.enabled else "no",
                      (line.last_started or "-").replace("+00:00", "Z"), line.last_status or "-", next_run)  # fmt: skip
    console = Console(width=160)
    console.print(table)
    holder = scheduler_holder(place)
    console.print(f"scheduler: running ({holder})" if holder else "scheduler: not running")


@schedule_group.command("run-now")
@click.argument("watch")
@_schedule_options
@click.option("--fresh", is_flag=True, help="Start from the start pages, dropping what an interrupted run left to do.")
@_officer_errors
def schedule_run_now(watch: str, config_path: str | None, watches_file: Path | None, db: Path | None,
                     fresh: bool) -> None:
    """Run one watch now, in the foreground (also the way to run watches from cron).

    Example: phytowatch schedule run-now ebay-de-seeds
    """
    from crawler.watchrun import run_now

    watches, place = _schedule_setup(config_path, watches_file, db)
    _log_to_stderr()
    outcome = run_now(watches, watch, place, fresh=fresh)
    if outcome.status == "busy":
        raise click.ClickException(outcome.message)
    click.echo(f"{watch}: run {outcome.run_id} {outcome.status}; {outcome.listings} listings stored"
               f" (log: {outcome.log_file})")
    if not outcome.ok:
        sys.exit(1)


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


# -- review web app -----------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_db_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="phytowatch.toml to use.")
@click.option("--insecure-cookies", is_flag=True,
              help="Let cookies travel over plain http (a LAN without TLS). Not needed on localhost.")
@click.option("--trusted-proxies", type=click.IntRange(min=0), default=0, show_default=True,
              help="Reverse proxies in front of the app whose X-Forwarded-For to trust (sign-in throttle).")
@click.option("--allow-private-images", is_flag=True,
              help="Fetch listing images from private and loopback addresses too (the demo marketplace).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@_officer_errors
def serve(host: str, port: int, db: Path | None, config_path: str | None, insecure_cookies: bool,
          trusted_proxies: int, allow_private_images: bool, threads: int) -> None:
    """Run the review web app (queue, listings, traders, decisions, dashboard) until Ctrl-C.

    Sign in with an account made by 'phytowatch users add'.

    Example: phytowatch serve --port 8000 --db phytowatch.db
    """
    from waitress import serve as waitress_serve

    from crawler.review import ReviewSettings, create_app
    from crawler.review.accounts import list_users
    from crawler.store import Store

    config = load_config(config_path)
    database = _existing_database(db or Path(config.database))
    review = ReviewSettings(
        database=database.resolve(),
        secure_cookies=not insecure_cookies,
        state_dir=Path(config.state_dir) if config.state_dir else None,
        evidence_dir=Path(evidence) if (evidence := getattr(config, "evidence_dir", None)) else None,
        allow_private_images=allow_private_images,
        trusted_proxies=trusted_proxies,
        contact=config.contact,
    )
    app = create_app(review)
    with Store(database) as store:
        if not list_users(store):
            click.echo("no accounts yet: add one with 'phytowatch users add NAME --role admin'", err=True)
    click.echo(f"phytowatch review app on http://{host}:{port}/ (database {database}); Ctrl-C stops it", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="phytowatch", _quiet=True)


@main.group("users")
def users_group() -> None:
    """Accounts of the review web app."""


def _read_password(confirm: bool = True) -> str:
    """From a hidden prompt on a terminal, else the first line of stdin; never from the command line."""
    if sys.stdin.isatty():
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=confirm)
        return password
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("no password given: type it at the prompt or pipe it on stdin")
    return line


def _account_errors(func: F) -> F:
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from crawler.review.accounts import AccountError

        try:
            return func(*args, **kwargs)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer", show_default=True)
@_db_option
@_officer_errors
@_account_errors
def users_add(name: str, role: str, db: Path | None) -> None:
    """Add an account; the password is asked for (or read from stdin), never given as an argument.

    Example: phytowatch users add anna --role admin
    """
    from crawler.review.accounts import add_user, check_name
    from crawler.store import Store

    check_name(name)
    password = _read_password()
    with Store(_database(db)) as store:
        add_user(store, name, role, password)
    click.echo(f"account {name} ({role}) added")


@users_group.command("password")
@click.argument("name")
@_db_option
@_officer_errors
@_account_errors
def users_password(name: str, db: Path | None) -> None:
    """Set a new password (asked for, or read from stdin); the account's sessions end.

    Example: phytowatch users password anna
    """
    from crawler.review.accounts import set_password
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        set_password(store, name, _read_password())
    click.echo(f"password of {name} changed; its sessions are signed out")


@users_group.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@_db_option
@_officer_errors
@_account_errors
def users_disable(name: str, enable: bool, db: Path | None) -> None:
    """Disable an account (and sign it out); its decisions stay in the audit log under its name.

    Example: phytowatch users disable anna
    """
    from crawler.review.accounts import set_disabled
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        set_disabled(store, name, not enable)
    click.echo(f"account {name} {'enabled' if enable else 'disabled'}")


@users_group.command("list")
@_db_option
@_officer_errors
def users_list(db: Path | None) -> None:
    """The accounts, their roles and whether they are disabled.

    Example: phytowatch users list
    """
    from crawler.review.accounts import list_users
    from crawler.store import Store

    with Store(_existing_database(db)) as store:
        for user in list_users(store):
            state = f"disabled {user['disabled_at']}" if user["disabled_at"] else "active"
            click.echo(f"{user['name']}\t{user['role']}\t{state}")
