"""The scheduler in-process, with runs that only record that they ran: job store, misfires, overlap, stop."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from crawler.scheduler import ScheduleError, ScheduleService, schedule_overview, scheduler_holder
from crawler.store import Store
from crawler.watches import Watch, load_watches
from crawler.watchrun import WatchLock, WatchOutcome
from spiders.base import SpiderCredentialsMissing
from tests.scheduling import place_in, runs, wait_for


class FakeRun:
    """Stands in for a crawl: records the call, and blocks until released or stopped."""

    def __init__(self, watch: Watch, log: list[str], release: threading.Event) -> None:
        self.watch, self.log, self.release = watch, log, release

    def run(self) -> WatchOutcome:
        self.log.append(self.watch.name)
        self.release.wait(30)
        return WatchOutcome(self.watch.name, "finished")

    def stop(self, *, force: bool = False) -> None:
        self.log.append(f"stop {self.watch.name}")
        self.release.set()


class AnySpider:
    """The scheduler needs no real spider."""

    def __init__(self, **kwargs: str) -> None:
        pass


class KeyedSpider:
    """A spider that needs an API key this machine lacks (as the Etsy spider without ETSY_API_KEY)."""

    def __init__(self, **kwargs: str) -> None:
        raise SpiderCredentialsMissing("the keyed marketplace needs an API key: set KEYED_API_KEY", "KEYED_API_KEY")


class Harness:
    """Services over one state folder, each run a :class:`FakeRun`."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.place = place_in(tmp_path)
        self.calls: list[str] = []
        self.release = threading.Event()
        self.services: list[ScheduleService] = []

    def start(self, text: str, *, paused: bool = False, grace: int | None = None,
              spiders: dict[str, type] | None = None) -> ScheduleService:  # fmt: skip
        path = self.tmp_path / "watches.toml"
        path.write_text('[scheduler]\ntimezone = "UTC"\n\n' + text)
        service = ScheduleService(
            load_watches(path, spiders=spiders or {"shopify": AnySpider}), self.place, misfire_grace_time=grace,
            run_factory=lambda watch: FakeRun(watch, self.calls, self.release),  # type: ignore[arg-type,return-value]
        )  # fmt: skip
        service.start(paused=paused)
        self.services.append(service)
        return service

    def stop(self, service: ScheduleService) -> None:
        self.services.remove(service)
        service.shutdown()


def watch(name: str, schedule: str, enabled: bool = True, spider: str = "shopify") -> str:
    return (f'[watches.{name}]\nspider = "{spider}"\nschedule = "{schedule}"\nenabled = {str(enabled).lower()}\n'
            'arguments = { stores = "plantshop.example" }\n\n')  # fmt: skip


@pytest.fixture
def harness(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    caplog.set_level(logging.INFO, logger="crawler.scheduler")
    h = Harness(tmp_path)
    yield h
    h.release.set()
    for service in list(h.services):
        h.stop(service)


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "crawler.scheduler"]


def ago(**delta: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(**delta)


def test_jobs_follow_the_watches_file_and_an_unchanged_job_keeps_its_next_run(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    first = harness.start(watch("a", "0 2 * * *") + watch("b", "0 3 * * *") + watch("gone", "0 4 * * *")
                          + watch("off", "0 5 * * *", enabled=False), paused=True)  # fmt: skip
    assert first.scheduler is not None
    assert sorted(job.id for job in first.scheduler.get_jobs()) == ["a", "b", "gone"]
    due = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    first.scheduler.modify_job("a", next_run_time=due)  # as if the scheduler had been down since then
    harness.stop(first)

    second = harness.start(watch("a", "0 2 * * *") + watch("b", "30 3 * * *") + watch("new", "0 6 * * *")
                           + watch("off", "0 5 * * *", enabled=False), paused=True)  # fmt: skip
    assert second.scheduler is not None
    assert sorted(job.id for job in second.scheduler.get_jobs()) == ["a", "b", "new"]
    assert second.scheduler.get_job("a").next_run_time == due  # not recomputed: the missed run is still due
    b_next = second.scheduler.get_job("b").next_run_time
    assert (b_next.hour, b_next.minute) == (3, 30)
    log = logged(caplog)
    assert "watch gone: removed from the schedule (no longer an enabled watch)" in log
    assert any(m.startswith("watch a: kept, schedule '0 2 * * *', next run 2026-11-20 02:00 UTC") for m in log)
    assert any(m.startswith("watch b: rescheduled, schedule '30 3 * * *'") for m in log)
    assert any(m.startswith("watch new: added") for m in log)
    assert second.sync_jobs() == {"a": "kept", "b": "kept", "new": "kept"}


def test_a_run_missed_while_the_scheduler_was_down_is_reported_after_a_restart(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    first = harness.start(watch("a", "0 2 * * *"), paused=True)
    assert first.scheduler is not None
    first.scheduler.modify_job("a", next_run_time=ago(hours=3))
    harness.stop(first)

    second = harness.start(watch("a", "0 2 * * *"), grace=600)  # back 3 h later, 10 min grace
    wait_for(lambda: runs(harness.place.database) if harness.place.database.exists() else [])
    [missed] = runs(harness.place.database)
    assert (missed["watch"], missed["status"]) == ("a", "missed")
    assert "the scheduler was not running at" in missed["errors"]
    assert harness.calls == []
    assert any(m.startswith("watch a: missed the run due at ") for m in logged(caplog))
    assert second.scheduler is not None and second.scheduler.get_job("a").next_run_time > ago(seconds=0)
    [line] = schedule_overview(second.watches, harness.place)
    assert line.last_status == "missed"


def test_runs_missed_within_the_grace_time_are_coalesced_into_one(harness: Harness) -> None:
    first = harness.start(watch("a", "*/5 * * * *"), paused=True)
    assert first.scheduler is not None
    first.scheduler.modify_job("a", next_run_time=ago(hours=1))  # twelve runs missed
    harness.stop(first)

    second = harness.start(watch("a", "*/5 * * * *"), grace=7200)
    wait_for(lambda: harness.calls)
    harness.release.set()
    assert second.scheduler is not None
    wait_for(lambda: not second.running())
    assert harness.calls == ["a"]
    assert second.scheduler.get_job("a").next_run_time > ago(seconds=0)  # the next one is in the future
    assert not harness.place.database.exists() or runs(harness.place.database) == []  # nothing reported missed


def test_never_two_runs_of_a_watch_at_once(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    service = harness.start(watch("a", "0 2 * * *") + watch("b", "0 2 * * *"))
    assert service.scheduler is not None
    service.scheduler.modify_job("a", next_run_time=ago(seconds=1))
    wait_for(lambda: service.running() == ["a"])
    service.scheduler.modify_job("a", next_run_time=ago(seconds=1))  # due again while the first still runs
    wait_for(lambda: any("still running" in m for m in logged(caplog)))
    service.scheduler.modify_job("b", next_run_time=ago(seconds=1))  # another watch runs alongside
    wait_for(lambda: sorted(service.running()) == ["a", "b"])
    assert sorted(harness.calls) == ["a", "b"]
    assert any(m.startswith("watch a: still running; the run due at ") for m in logged(caplog))


def test_stopping_asks_running_runs_to_stop_and_waits_for_them(harness: Harness,
                                                                caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    service = harness.start(watch("a", "0 2 * * *"))
    assert service.scheduler is not None
    service.scheduler.modify_job("a", next_run_time=ago(seconds=1))
    wait_for(lambda: service.running() == ["a"])
    assert scheduler_holder(harness.place) is not None
    harness.stop(service)
    assert harness.calls == ["a", "stop a"]
    assert service.running() == [] and scheduler_holder(harness.place) is None
    assert "stopping: asking 1 running crawls to stop (a); at most 300s" in logged(caplog)


def test_one_scheduler_per_database(harness: Harness) -> None:
    harness.start(watch("a", "0 2 * * *"), paused=True)
    with pytest.raises(ScheduleError, match=r"a scheduler already runs for .*phytowatch.db \(scheduler pid \d+"):
        ScheduleService(harness.services[0].watches, harness.place).start()


def test_reload_picks_up_a_changed_file_and_ignores_a_broken_one(harness: Harness,
                                                                 caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    service = harness.start(watch("a", "0 2 * * *"), paused=True)
    assert service.scheduler is not None
    path = service.watches.path
    path.write_text(path.read_text().replace('"0 2 * * *"', '"0 4 * * *"'))
    assert service.reload()
    assert service.scheduler.get_job("a").next_run_time.hour == 4
    path.write_text(path.read_text().replace('spider = "shopify"', 'spider = "nope"'))
    assert not service.reload()
    assert any(m.startswith("not reloaded, the watches stay as they were: ") for m in logged(caplog))
    assert service.scheduler.get_job("a") is not None


def test_stale_running_rows_are_closed_when_the_scheduler_starts(harness: Harness) -> None:
    with Store(harness.place.database) as store:
        store.start_run("shopify", {}, pid=999999, watch="a")
    harness.start(watch("a", "0 2 * * *"), paused=True)
    [run] = runs(harness.place.database)
    assert run["status"] == "interrupted" and "marked interrupted when the scheduler started" in run["errors"]


def test_a_watch_whose_spider_lacks_its_credential_is_reported_and_not_scheduled(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    service = harness.start(watch("a", "0 2 * * *") + watch("keyed", "0 3 * * *", spider="keyed"), paused=True,
                            spiders={"shopify": AnySpider, "keyed": KeyedSpider})  # fmt: skip
    assert service.scheduler is not None
    assert [job.id for job in service.scheduler.get_jobs()] == ["a"]
    assert ("watch keyed: skipped, it cannot run on this machine: the keyed marketplace needs an API key: set"
            " KEYED_API_KEY (the other watches run)") in logged(caplog)  # fmt: skip
    assert service.run_watch("keyed") is None and harness.calls == []
    [keyed] = [line for line in schedule_overview(service.watches, harness.place) if line.name == "keyed"]
    assert keyed.next_run is None and keyed.skipped == "the keyed marketplace needs an API key: set KEYED_API_KEY"


def frontier_rows(harness: Harness) -> dict[str, int]:
    with Store(harness.place.database) as store:
        return dict(store.conn.execute("SELECT watch, count(*) FROM crawl_frontier GROUP BY watch").fetchall())


def test_frontiers_of_watches_gone_from_the_file_are_dropped_and_no_other(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with Store(harness.place.database) as store:  # what earlier crawls left
        for name, pages in (("a", 2), ("off", 1), ("keyed", 1), ("gone", 3), ("busy", 1), ("by/hand", 1)):
            for n in range(pages):
                store.conn.execute("INSERT INTO crawl_frontier (frontier, watch, fingerprint, state, request,"
                                   " added_at) VALUES (?, ?, ?, 'pending', x'00', '')",
                                   (f"{name}:0123456789ab", name, f"f{n}"))  # fmt: skip
        store.conn.commit()
    busy = WatchLock(harness.place.lock("busy"))  # a crawl of a watch from another file, still running
    assert busy.acquire()
    try:
        service = harness.start(watch("a", "0 2 * * *") + watch("off", "0 3 * * *", enabled=False)
                                + watch("keyed", "0 4 * * *", spider="keyed"), paused=True,
                                spiders={"shopify": AnySpider, "keyed": KeyedSpider})  # fmt: skip
    finally:
        busy.release()
    # enabled, disabled and skipped watches of the file keep theirs; so do a running crawl and a crawl by hand
    assert frontier_rows(harness) == {"a": 2, "off": 1, "keyed": 1, "busy": 1, "by/hand": 1}
    log = logged(caplog)
    assert "watch gone: no longer in {}; the 3 pages its unfinished crawl saved are dropped".format(
        service.watches.path) in log
    assert any(m.startswith("watch busy: not in ") and m.endswith("a crawl of it is running; its frontier is kept")
               for m in log)  # fmt: skip

    service.watches.path.write_text('[scheduler]\ntimezone = "UTC"\n\n' + watch("off", "0 3 * * *", enabled=False))
    assert service.reload()  # "a" and "keyed" removed from the file; nothing runs "busy" any more
    assert frontier_rows(harness) == {"off": 1, "by/hand": 1}
