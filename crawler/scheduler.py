"""``phytowatch schedule``: the watches run on their schedules, unattended, by APScheduler 3.

:class:`ScheduleService` keeps one job per enabled watch in a SQLite job store
(``<state>/schedule.sqlite``), so a restart loses no job and a run whose time
passed while the scheduler was down is either started late (within the grace
time, once however many were missed) or reported as missed: a log line and a
``missed`` crawl-run row. Each run is a :class:`crawler.watchrun.WatchRun`: its
own crawl process, never two of one watch at once.

SIGTERM or SIGINT stops the service: no new run starts, each running crawl is
asked to stop gracefully and, after ``stop_timeout``, killed; either way its
crawl run is recorded as interrupted and the next run resumes it. A second
signal kills the running crawls at once. SIGHUP reloads the watches file.

On start and on reload, the database is tidied to follow the file
(:mod:`crawler.housekeeping`): watches that cannot run here are reported, and
the saved frontiers of watches the file no longer has are dropped.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any, Callable

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED

from crawler.config import ConfigError
from crawler.housekeeping import (
    close_stale_runs_of_idle_watches,
    drop_frontiers_of_removed_watches,
    report_skipped,
)
from crawler.items import utc_now
from crawler.store import Store
from crawler.store.incremental import incomplete_reason
from crawler.store.runs import last_runs, record_run
from crawler.watches import Watch, WatchError, WatchFile, load_watches
from crawler.watchrun import RunPlace, WatchLock, WatchOutcome, WatchRun

logger = logging.getLogger(__name__)

JOBSTORE_FILE = "schedule.sqlite"
_JOB_EVENTS = EVENT_JOB_MISSED | EVENT_JOB_ERROR | EVENT_JOB_EXECUTED | EVENT_JOB_MAX_INSTANCES

#: The service running in this process, for :func:`run_scheduled_watch`.
_service: ScheduleService | None = None


class ScheduleError(ConfigError):
    """The scheduler cannot start (another one runs for the same database); the message is for an officer."""


def run_scheduled_watch(name: str) -> WatchOutcome | None:
    """The job of every watch: run it once.

    A module-level function taking only the watch's name, because the job
    store keeps a reference to it, not the function itself.
    """
    if _service is None:
        raise RuntimeError(f"watch {name}: no schedule service runs in this process")
    return _service.run_watch(name)


class _Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler, minus one way to lose a run at shutdown.

    In APScheduler 3, ``shutdown()`` marks the scheduler stopped, shuts the
    executors down and then wakes its thread, which processes due jobs once
    more: submitting fails, yet the job's next run time moves on, so a run due
    at that moment is neither run nor reported missed. Processing nothing once
    stopped leaves it due in the job store, for the next start to run or report.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def jobstore_path(place: RunPlace) -> Path:
    return place.state_dir / JOBSTORE_FILE


class ScheduleService:
    """The long-lived scheduler behind ``phytowatch schedule run``."""

    def __init__(
        self,
        watches: WatchFile,
        place: RunPlace,
        *,
        stop_timeout: int | None = None,
        misfire_grace_time: int | None = None,
        run_factory: Callable[[Watch], WatchRun] | None = None,
    ) -> None:
        options = watches.options
        self.options = replace(
            options,
            stop_timeout=options.stop_timeout if stop_timeout is None else stop_timeout,
            misfire_grace_time=options.misfire_grace_time if misfire_grace_time is None else misfire_grace_time,
        )
        self.watches = watches
        self.place = place
        self.run_factory = run_factory or (lambda watch: WatchRun(watch, place, stop_timeout=self.options.stop_timeout))
        self.scheduler: BackgroundScheduler | None = None
        self._runs: dict[str, WatchRun] = {}
        self._runs_changed = threading.Condition()
        self._stopping = False
        self._lock = WatchLock(place.state_dir / "scheduler.lock")

    # -- life cycle -----------------------------------------------------------

    def start(self, *, paused: bool = False) -> None:
        """Open the job store, bring its jobs in line with the watches file, and start scheduling.

        ``paused`` leaves the jobs unprocessed until :meth:`resume` (the tests prepare a job store so).
        """
        global _service
        if not self._lock.acquire():
            raise ScheduleError(f"a scheduler already runs for {self.place.database} ({self._lock.holder()})")
        if _service is not None:
            self._lock.release()
            raise ScheduleError("a schedule service already runs in this process")
        self._lock.note(f"scheduler pid {os.getpid()}, started {utc_now()}\n")
        try:
            self.scheduler = _Scheduler(
                jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore_path(self.place)}")},
                executors={"default": ThreadPoolExecutor(self.options.max_parallel)},
                job_defaults={"coalesce": True, "max_instances": 1,
                              "misfire_grace_time": self.options.misfire_grace_time},
                timezone=self.options.timezone,
            )  # fmt: skip
            self.scheduler.add_listener(self._on_event, _JOB_EVENTS)
            _service = self
            self.scheduler.start(paused=True)
            report_skipped(self.watches)
            self.sync_jobs()
            close_stale_runs_of_idle_watches(self.watches, self.place)
            drop_frontiers_of_removed_watches(self.watches, self.place)
            if not paused:
                self.scheduler.resume()
        except BaseException:
            self._release()
            raise
        logger.info("scheduler started: %d watches scheduled from %s; state in %s",
                    len(self.watches.enabled), self.watches.path, self.place.state_dir)  # fmt: skip

    def sync_jobs(self) -> dict[str, str]:
        """Make the job store match the enabled watches; return what happened to each job.

        A job whose schedule is unchanged keeps its next run time, so a run
        missed while the scheduler was down is still due (or reported missed).
        """
        assert self.scheduler is not None
        actions: dict[str, str] = {}
        enabled = {watch.name: watch for watch in self.watches.enabled}
        for job in self.scheduler.get_jobs():
            if job.id not in enabled:
                self.scheduler.remove_job(job.id)
                actions[job.id] = "removed"
                logger.info("watch %s: removed from the schedule (no longer an enabled watch)", job.id)
        for name, watch in enabled.items():
            job = self.scheduler.get_job(name)
            settings = {"misfire_grace_time": self.options.misfire_grace_time, "coalesce": True, "max_instances": 1}
            if job is None:
                job = self.scheduler.add_job(run_scheduled_watch, watch.trigger, args=[name], id=name, name=name,
                                             **settings)  # fmt: skip
                actions[name] = "added"
            elif repr(job.trigger) != repr(watch.trigger):
                self.scheduler.modify_job(name, **settings)
                job = self.scheduler.reschedule_job(name, trigger=watch.trigger)
                actions[name] = "rescheduled"
            else:
                job = self.scheduler.modify_job(name, func=run_scheduled_watch, args=[name], **settings)
                actions[name] = "kept"
            logger.info("watch %s: %s, schedule '%s', next run %s", name, actions[name], watch.schedule,
                        _when(self.scheduler.get_job(name).next_run_time))  # fmt: skip
        if not enabled:
            logger.warning("no enabled watches in %s: nothing to run", self.watches.path)
        return actions

    def reload(self) -> bool:
        """Read the watches file again and resynchronise the jobs; a wrong file changes nothing."""
        try:
            watches = load_watches(self.watches.path)
        except WatchError as exc:
            logger.error("not reloaded, the watches stay as they were: %s", exc)
            return False
        self.watches = watches
        report_skipped(watches)
        self.sync_jobs()
        drop_frontiers_of_removed_watches(watches, self.place)
        logger.info("reloaded %s", watches.path)
        return True

    def shutdown(self, *, force: bool = False) -> None:
        """Stop scheduling; let running crawls finish (or kill them after ``stop_timeout``), then return."""
        with self._runs_changed:
            self._stopping = True
            runs = list(self._runs.values())
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if runs:
            logger.info("stopping: asking %d running crawls to stop (%s); at most %ss", len(runs),
                        ", ".join(run.watch.name for run in runs), self.options.stop_timeout)  # fmt: skip
        for run in runs:
            run.stop(force=force)
        deadline = time.monotonic() + self.options.stop_timeout + 60
        with self._runs_changed:
            while self._runs and time.monotonic() < deadline:
                self._runs_changed.wait(timeout=1)
        self._release()
        logger.info("scheduler stopped")

    def stop_now(self) -> None:
        """A second signal: kill the running crawls now (they are recorded as interrupted)."""
        with self._runs_changed:
            runs = list(self._runs.values())
        for run in runs:
            run.stop(force=True)

    def _release(self) -> None:
        global _service
        if _service is self:
            _service = None
        self._lock.release()

    def serve(self) -> None:
        """Run in the foreground until SIGTERM or SIGINT; SIGHUP reloads the watches file. Main thread only."""
        stop, reload = threading.Event(), threading.Event()

        def on_stop(signum: int, frame: FrameType | None) -> None:
            if stop.is_set():
                logger.warning("received %s again: killing the running crawls", signal.Signals(signum).name)
                self.stop_now()
                return
            logger.info("received %s: stopping", signal.Signals(signum).name)
            stop.set()

        handlers = {signal.SIGTERM: on_stop, signal.SIGINT: on_stop, signal.SIGHUP: lambda *_: reload.set()}
        previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
        try:
            self.start()
            while not stop.wait(timeout=0.5):
                if reload.is_set():
                    reload.clear()
                    self.reload()
            self.shutdown()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    # -- runs -----------------------------------------------------------------

    def run_watch(self, name: str) -> WatchOutcome | None:
        watch = self.watches.watches.get(name)
        if watch is None or not watch.enabled or watch.skipped:
            logger.warning("watch %s: not in %s any more, disabled or skipped; not run", name, self.watches.path)
            return None
        run = self.run_factory(watch)
        with self._runs_changed:
            if self._stopping:
                logger.warning("watch %s: not started, the scheduler is stopping", name)
                self._record_missed(name, datetime.now(timezone.utc), "the scheduler was stopping when it was due")
                return None
            self._runs[name] = run
        try:
            return run.run()
        finally:
            with self._runs_changed:
                self._runs.pop(name, None)
                self._runs_changed.notify_all()

    def running(self) -> list[str]:
        with self._runs_changed:
            return list(self._runs)

    def _next_run(self, name: str) -> str:
        try:
            job = self.scheduler.get_job(name) if self.scheduler is not None else None
        except Exception:  # the job store is closing
            job = None
        return _when(job.next_run_time if job is not None else None)

    def _on_event(self, event: JobEvent) -> None:
        """One log line per job event; a missed run also gets a crawl-run row."""
        name = event.job_id
        if event.code == EVENT_JOB_MISSED:
            due = event.scheduled_run_time  # type: ignore[attr-defined]
            logger.warning("watch %s: missed the run due at %s (the scheduler was not running, and is back more"
                           " than %ss later); next run %s", name, _when(due), self.options.misfire_grace_time,
                           self._next_run(name))  # fmt: skip
            self._record_missed(name, due, f"the scheduler was not running at {_when(due)} and came back more"
                                            f" than {self.options.misfire_grace_time}s later")
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            due = event.scheduled_run_times  # type: ignore[attr-defined]
            logger.warning("watch %s: still running; the run due at %s is skipped", name,
                           ", ".join(_when(t) for t in due))  # fmt: skip
        elif event.code == EVENT_JOB_ERROR:
            logger.error("watch %s: the run failed: %s", name, event.exception)  # type: ignore[attr-defined]
        elif event.code == EVENT_JOB_EXECUTED and not self._stopping:
            logger.info("watch %s: next run %s", name, self._next_run(name))

    def _record_missed(self, name: str, due: datetime, why: str) -> None:
        watch = self.watches.watches.get(name)
        if watch is None:
            return
        reason = f"missed: {why}"
        try:
            with Store(self.place.database) as store:
                record_run(store, spider=watch.spider, arguments=watch.arguments, watch=name, status="missed",
                           started_at=due.astimezone(timezone.utc).replace(microsecond=0).isoformat(),
                           errors=[reason])  # fmt: skip
        except Exception as exc:  # the log line above already reported the missed run
            logger.error("watch %s: could not record the missed run: %s", name, exc)


# -- list ------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchStatus:
    """A line of ``phytowatch schedule list``."""

    name: str
    spider: str
    schedule: str
    enabled: bool
    last_started: str | None
    last_status: str | None
    next_run: datetime | None
    #: Why the watch cannot run on this machine (see :attr:`crawler.watches.Watch.skipped`).
    skipped: str | None = None
    #: Why its last run, though finished, did not count the listings it missed (None: it did, or it did not finish).
    last_incomplete: str | None = None


def schedule_overview(watches: WatchFile, place: RunPlace) -> list[WatchStatus]:
    """Each watch with its last run (from the database) and next run (from the job store, else its schedule)."""
    stored = _stored_next_runs(jobstore_path(place), watches)
    runs: dict[str, dict[str, Any]] = {}
    if place.database.exists():
        with Store(place.database) as store:
            runs = last_runs(store)
    now = datetime.now(watches.options.timezone)
    lines = []
    for watch in watches.watches.values():
        next_run = None
        if watch.enabled and not watch.skipped:
            next_run = stored[watch.name] if watch.name in stored else watch.trigger.get_next_fire_time(None, now)
        last = runs.get(watch.name) or {}
        incomplete = None
        if last.get("status") == "finished":
            incomplete = incomplete_reason("finished", last.get("counts") or {})
        lines.append(WatchStatus(watch.name, watch.spider, watch.schedule, watch.enabled, last.get("started_at"),
                                 last.get("status"), next_run, watch.skipped, incomplete))  # fmt: skip
    return lines


def scheduler_holder(place: RunPlace) -> str | None:
    """Who runs the scheduler for this database ("scheduler pid 123, started ..."), or None."""
    lock = WatchLock(place.state_dir / "scheduler.lock")
    if not place.state_dir.exists():
        return None
    if lock.acquire():
        lock.release()
        return None
    return lock.holder()


def _stored_next_runs(path: Path, watches: WatchFile) -> dict[str, datetime | None]:
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT id, next_run_time FROM apscheduler_jobs").fetchall()
    except sqlite3.Error:
        return {}
    zone = watches.options.timezone
    return {job: datetime.fromtimestamp(t, zone) if t is not None else None for job, t in rows}


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip() if moment is not None else "none"
