"""What the command modules share: the ``phytowatch`` group, one-line errors, the --db option."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

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


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--since`` as an ISO date or timestamp, checked before anything is opened."""
    if value is None:
        return None
    try:
        return (datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-01", param_hint="--since") from None
