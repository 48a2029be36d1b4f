"""``phytowatch schedule`` (run, list, run-now): the watches of watches.toml, unattended."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from crawler.cli.common import F, _officer_errors, main
from crawler.config import load_config


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
    lines = schedule_overview(watches, place)
    for line in lines:
        next_run = line.next_run.strftime("%Y-%m-%d %H:%M %Z") if line.next_run else "-"
        enabled = "skipped" if line.skipped and line.enabled else "yes" if line.enabled else "no"
        status = f"{line.last_status}, incomplete" if line.last_incomplete else line.last_status or "-"
        table.add_row(line.name, line.spider, line.schedule, enabled,
                      (line.last_started or "-").replace("+00:00", "Z"), status, next_run)  # fmt: skip
    console = Console(width=160)
    console.print(table)
    for line in lines:
        if line.skipped:
            click.echo(f"{line.name}: cannot run on this machine, not scheduled: {line.skipped}")
        if line.last_incomplete:
            click.echo(f"{line.name}: its last run did not count missed listings, because {line.last_incomplete}")
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
    if outcome.misses:
        click.echo(f"{watch}: {outcome.misses}")
    if not outcome.ok:
        sys.exit(1)
