"""Helpers for the tests of watches, their runs and the scheduler: a watches file, the state, the rows."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from crawler.store import Store
from crawler.watchrun import RunPlace

#: Politeness for crawling our own loopback servers quickly.
FAST = "{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, RETRY_TIMES = 1 }"


def watches_file(tmp_path: Path, url: str, *, schedule: str = "0 2 * * *", stop_timeout: int = 30) -> Path:
    """A watches file with one watch, ``roses``: the Shopify shop at ``url``."""
    path = tmp_path / "watches.toml"
    path.write_text(
        f'[scheduler]\ntimezone = "UTC"\nstop_timeout = {stop_timeout}\n\n'
        f'[watches.roses]\nspider = "shopify"\nschedule = "{schedule}"\n'
        f'arguments = {{ stores = "{url}" }}\npoliteness = {FAST}\n'
    )
    return path


def place_in(tmp_path: Path) -> RunPlace:
    return RunPlace(database=tmp_path / "phytowatch.db", state_dir=tmp_path / "phytowatch-state")


def runs(db: Path) -> list[dict[str, Any]]:
    with Store(db) as store:
        return list(store.db.query("SELECT id, status, watch, exit_status, resumed_from, errors FROM crawl_runs"))


def committed(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """What another process sees: committed rows only (none while the database does not exist)."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def wait_for(condition: Callable[[], object], timeout: float = 60) -> None:
    """Until ``condition()`` holds; a test that waits longer than ``timeout`` fails."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
