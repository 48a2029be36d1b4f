"""The crawl runs of watches, as the scheduler sees them from outside the crawl.

A crawl records its own start and end (:class:`crawler.pipelines.StorePipeline`).
The process that launched it completes the record: the exit status, the run
it resumed, and the end of a crawl that died before it could write it (kill
-9, power loss, a crash on start-up). Missed runs get a row too, so the
history of a watch shows every night.
"""

from __future__ import annotations

import json
from typing import Any

from crawler.items import utc_now
from crawler.store.rows import dumps
from crawler.store.store import RunStatus, Store


def _run(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("arguments", "counts", "errors"):
        row[key] = json.loads(row[key] or "null")
    return row


def last_run_id(store: Store) -> int:
    """The highest run id so far (0 for none): runs after it were started later."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM crawl_runs").fetchone()[0])


def close_stale_runs(store: Store, watch: str, reason: str) -> list[int]:
    """Mark the watch's runs still shown as running as interrupted; return their ids.

    Call it only while holding the watch's lock: then no crawl of the watch is
    alive, and a 'running' row is one whose crawl died without writing its end.
    """
    with store.transaction() as conn:
        rows = conn.execute("SELECT id, errors FROM crawl_runs WHERE watch = ? AND status = 'running'", (watch,))
        stale = list(rows)
        for run_id, errors in stale:
            conn.execute(
                "UPDATE crawl_runs SET status = 'interrupted', finished_at = ?, errors = ? WHERE id = ?",
                (utc_now(), dumps([*json.loads(errors or "[]"), reason]), run_id),
            )
    return [run_id for run_id, _ in stale]


def run_of_process(store: Store, watch: str, pid: int, after: int) -> dict[str, Any] | None:
    """The run the crawl process ``pid`` started for ``watch`` (with an id above ``after``)."""
    rows = list(
        store.db.query(
            "SELECT * FROM crawl_runs WHERE watch = ? AND pid = ? AND id > ? ORDER BY id DESC LIMIT 1",
            [watch, pid, after],
        )
    )
    return _run(rows[0]) if rows else None


def complete_run(
    store: Store,
    run_id: int,
    *,
    exit_status: int | None,
    resumed_from: int | None = None,
    status: RunStatus | None = None,
    error: str | None = None,
) -> None:
    """Add what the launcher knows to a run; end it as ``status`` if the crawl did not record its end."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE crawl_runs SET exit_status = ?, resumed_from = coalesce(?, resumed_from) WHERE id = ?",
            (exit_status, resumed_from, run_id),
        )
        if status is not None:
            (errors,) = conn.execute("SELECT errors FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()
            conn.execute(
                "UPDATE crawl_runs SET status = ?, finished_at = ?, errors = ? WHERE id = ? AND status = 'running'",
                (status, utc_now(), dumps([*json.loads(errors or "[]"), *([error] if error else [])]), run_id),
            )


def record_run(
    store: Store,
    *,
    spider: str,
    arguments: dict[str, Any],
    watch: str,
    status: RunStatus,
    started_at: str,
    errors: list[str],
    exit_status: int | None = None,
    pid: int | None = None,
) -> int:
    """A run that ended before its crawl could record it (a crawl that failed to start, a missed run)."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO crawl_runs (spider, arguments, started_at, finished_at, status, counts, errors, pid, watch,"
            " exit_status) VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?)",
            (spider, dumps(arguments), started_at, utc_now(), status, dumps(errors), pid, watch, exit_status),
        )
        return int(cur.lastrowid or 0)


def last_crawl(store: Store, watch: str) -> dict[str, Any] | None:
    """The watch's latest run that was a crawl (not a missed run)."""
    rows = list(
        store.db.query(
            "SELECT * FROM crawl_runs WHERE watch = ? AND status != 'missed' ORDER BY id DESC LIMIT 1", [watch]
        )
    )
    return _run(rows[0]) if rows else None


def last_runs(store: Store) -> dict[str, dict[str, Any]]:
    """The latest run of each watch."""
    rows = store.db.query(
        "SELECT * FROM crawl_runs WHERE id IN (SELECT max(id) FROM crawl_runs WHERE watch IS NOT NULL GROUP BY watch)"
    )
    return {row["watch"]: _run(row) for row in rows}
