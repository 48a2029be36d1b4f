"""``phytowatch schedule run`` as a service: SIGTERM stops it cleanly, with the running crawl recorded."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.scheduler import ScheduleService
from crawler.watches import load_watches
from tests.localserver import PROJECT_ROOT, LocalServer, products_page, shopify_shop
from tests.scheduling import committed, place_in, runs, wait_for, watches_file


def start_service(tmp_path: Path, url: str, stop_timeout: int) -> subprocess.Popen[str]:
    """The scheduler in its own process, with the watch's run due now (as after a short restart)."""
    watches = watches_file(tmp_path, url, stop_timeout=stop_timeout)
    place = place_in(tmp_path)
    seed = ScheduleService(load_watches(watches), place)
    seed.start(paused=True)
    assert seed.scheduler is not None
    seed.scheduler.modify_job("roses", next_run_time=datetime.now(timezone.utc) - timedelta(seconds=1))
    seed.shutdown()
    cmd = [sys.executable, "-m", "crawler", "schedule", "run", "--watches", str(watches), "--db", str(place.database)]
    return subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_lets_the_running_crawl_finish_its_pages_and_records_it_interrupted(tmp_path: Path) -> None:
    with LocalServer(shopify_shop(5000, delay=1.0, slow_from_page=2)) as server:
        service = start_service(tmp_path, server.url, stop_timeout=60)
        wait_for(lambda: server.hits[products_page(2)] or service.poll() is not None)
        service.send_signal(signal.SIGTERM)
        _, log = service.communicate(timeout=60)
    assert service.returncode == 0, log
    assert "received SIGTERM: stopping" in log
    assert "watch roses: asking the crawl (pid " in log
    assert "watch roses: run 1 interrupted after " in log and log.rstrip().endswith("INFO scheduler stopped")
    [run] = runs(place_in(tmp_path).database)
    assert (run["status"], run["watch"], run["exit_status"]) == ("interrupted", "roses", 1)  # Scrapy's own end
    db = place_in(tmp_path).database
    assert committed(db, "SELECT count(*) FROM listings") == [(500,)]  # the page in flight was finished
    assert committed(db, "SELECT count(*) FROM crawl_frontier WHERE state = 'pending'") == [(1,)]  # for the resume


@pytest.mark.parametrize(("stop_timeout", "signals", "how"), [
    (1, [signal.SIGTERM], "after not stopping within 1s"),
    (60, [signal.SIGTERM, signal.SIGINT], "when asked to stop at once"),
])  # fmt: skip
def test_a_crawl_that_does_not_stop_is_killed_and_recorded_interrupted(
    tmp_path: Path, stop_timeout: int, signals: list[signal.Signals], how: str
) -> None:
    with LocalServer(shopify_shop(500, delay=30, slow_from_page=1)) as server:  # a page that never comes
        service = start_service(tmp_path, server.url, stop_timeout=stop_timeout)
        wait_for(lambda: server.hits[products_page(1)] or service.poll() is not None)
        for sig in signals:
            service.send_signal(sig)
        _, log = service.communicate(timeout=60)
    assert service.returncode == 0, log
    assert "watch roses: killing the crawl (pid " in log and how in log
    [run] = runs(place_in(tmp_path).database)
    assert (run["status"], run["exit_status"]) == ("interrupted", -signal.SIGKILL)
    assert json.loads(run["errors"]) == [f"the crawl process was killed by SIGKILL {how}, before recording its end"]


def test_the_service_runs_from_the_repository_root_too(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "crawler", "schedule", "run", "--watches", str(tmp_path / "x")],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 1 and result.stderr.strip() == f"Error: watches file {tmp_path / 'x'} does not exist"
