"""Runs of a watch: each its own crawl process, locked, logged, and recorded even when the crawl dies."""

from __future__ import annotations

import json
import os
import signal
import threading
from dataclasses import replace
from pathlib import Path

from crawler.store import Store
from crawler.watches import load_watches
from crawler.watchrun import RunPlace, WatchLock, WatchOutcome, WatchRun, crawl_command
from tests.localserver import LocalServer, products_page, shopify_shop
from tests.scheduling import committed, place_in, runs, wait_for, watches_file


def test_the_crawl_command_carries_arguments_politeness_watch_and_frontier(tmp_path: Path) -> None:
    watch = load_watches(watches_file(tmp_path, "https://plantshop.example")).get("roses")
    place = RunPlace(tmp_path / "p.db", tmp_path / "state", tmp_path / "phytowatch.toml")
    cmd = crawl_command(watch, place)
    assert cmd[1:5] == ["-m", "crawler", "crawl", "shopify"]
    assert cmd[cmd.index("--db") + 1] == str(tmp_path / "p.db")
    assert cmd[cmd.index("--config") + 1] == str(tmp_path / "phytowatch.toml")
    assert cmd[cmd.index("-a") + 1] == "stores=https://plantshop.example"
    settings = [cmd[i + 1] for i, part in enumerate(cmd) if part == "-s"]
    assert settings == ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "RETRY_TIMES=1", "PHYTOWATCH_WATCH=roses",
                        f"PHYTOWATCH_FRONTIER={watch.frontier}"]  # fmt: skip


def test_a_killed_crawl_is_recorded_and_the_next_run_resumes_it(tmp_path: Path) -> None:
    place = place_in(tmp_path)
    db = place.database
    with Store(db) as store:  # a run whose launcher died with it (power cut): left 'running' for good
        store.start_run("shopify", {}, pid=999999, watch="roses")
    with LocalServer(shopify_shop(1760, delay=0.5, slow_from_page=4)) as server:
        watches = load_watches(watches_file(tmp_path, server.url))
        outcomes: list[WatchOutcome] = []
        first = threading.Thread(target=lambda: outcomes.append(WatchRun(watches.get("roses"), place).run()))
        first.start()
        wait_for(lambda: committed(db, "SELECT count(*) FROM crawl_frontier WHERE state = 'done'") >= [(4,)])
        [(pid,)] = committed(db, "SELECT pid FROM crawl_runs WHERE id = 2")
        os.killpg(pid, signal.SIGKILL)  # kill -9: the crawl cannot write its end; its launcher does
        first.join(timeout=60)
        [killed] = outcomes
        second = WatchRun(watches.get("roses"), place).run()
        hits = dict(server.hits)

    stale, interrupted, resumed = runs(db)
    assert stale["status"] == "interrupted" and "marked interrupted by the next run" in str(stale["errors"])
    assert (killed.status, killed.exit_status, killed.run_id) == ("interrupted", -9, 2)
    assert killed.listings >= 750  # what it stored before it died
    assert (interrupted["status"], interrupted["exit_status"]) == ("interrupted", -9)
    [error] = json.loads(str(interrupted["errors"]))
    assert error == "the crawl process was killed by SIGKILL, before recording its end"
    assert (second.status, second.run_id) == ("finished", 3)
    assert (resumed["status"], resumed["exit_status"], resumed["resumed_from"]) == ("finished", 0, 2)
    assert [hits[products_page(page)] for page in range(1, 9)] == [1, 1, 1, 2, 1, 1, 1, 1]  # page 4 was in flight
    assert committed(db, "SELECT count(*), count(DISTINCT listing_id) FROM listings") == [(1760, 1760)]
    assert committed(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_crawl_that_cannot_start_still_gets_its_run_recorded(tmp_path: Path) -> None:
    place = place_in(tmp_path)
    good = load_watches(watches_file(tmp_path, "https://plantshop.example"))
    broken = replace(good.get("roses"), arguments={"stores": "ftp://nowhere"})  # as if the spider had changed
    outcome = WatchRun(broken, place).run()
    assert (outcome.status, outcome.exit_status) == ("failed", 1)
    [run] = runs(place.database)
    errors = json.loads(str(run["errors"]))
    assert errors[0] == "the crawl process exited with status 1, before its crawl started"
    assert "stores: 'ftp://nowhere' is not a web address" in errors[-1]


def test_a_run_finding_the_watch_locked_does_not_start(tmp_path: Path) -> None:
    watch = load_watches(watches_file(tmp_path, "https://plantshop.example")).get("roses")
    place = place_in(tmp_path)
    held = WatchLock(place.lock("roses"))
    assert held.acquire()
    try:
        outcome = WatchRun(watch, place).run()
    finally:
        held.release()
    assert outcome.status == "busy" and not outcome.ok
