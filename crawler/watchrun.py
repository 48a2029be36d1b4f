"""One run of one watch: a crawl in its own process, locked, logged and recorded.

Used by the scheduler for every scheduled run and by ``phytowatch schedule
run-now``. A run

* takes the watch's lock (``<state>/locks/<watch>.lock``), so two runs of a
  watch never overlap, whichever process starts them; the crawl inherits the
  lock, so it stays held while the crawl lives even if its launcher dies;
* marks the watch's runs still shown as running as interrupted (their crawls
  died without writing their end);
* starts ``phytowatch crawl`` in a new session (Scrapy's reactor cannot
  restart, and a terminal's Ctrl-C must reach the launcher only) with the
  watch's arguments and politeness settings, ``PHYTOWATCH_WATCH`` and the
  frontier key that lets a killed crawl resume;
* on :meth:`WatchRun.stop`, asks the crawl to stop as Scrapy's first SIGINT
  does (finish the pages in flight, record the run as interrupted), and kills
  it after ``stop_timeout`` seconds;
* completes the crawl-run row: exit status, the run it resumed, and the end
  of a crawl that could not write it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType

from crawler.items import utc_now
from crawler.store import Store
from crawler.store.frontier import clear_frontier, discard_other_frontiers, pending_count
from crawler.store.incremental import misses_summary
from crawler.store.runs import (
    close_stale_runs,
    complete_run,
    last_crawl,
    last_run_id,
    record_run,
    run_of_process,
)
from crawler.store.store import RunStatus
from crawler.watches import Watch, WatchError, WatchFile

logger = logging.getLogger(__name__)

#: Crawl logs kept per watch.
KEEP_LOGS = 30


@dataclass(frozen=True)
class RunPlace:
    """Where the crawls of watches read and write."""

    database: Path
    #: The scheduler's files: ``locks/``, ``logs/``, the job store.
    state_dir: Path
    #: phytowatch.toml handed to each crawl (for the contact in the User-Agent), if there is one.
    config: Path | None = None

    def lock(self, watch: str) -> Path:
        return self.state_dir / "locks" / f"{watch}.lock"

    def logs(self, watch: str) -> Path:
        return self.state_dir / "logs" / watch


@dataclass
class WatchOutcome:
    """How a run of a watch ended; ``status`` is a crawl-run status, or ``busy`` when it did not start."""

    watch: str
    status: str
    run_id: int | None = None
    exit_status: int | None = None
    listings: int = 0
    seconds: float = 0.0
    log_file: Path | None = None
    message: str = ""
    #: What the run's end did about the listings it did not see: counted missing, or why not.
    misses: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "finished"


class WatchLock:
    """An exclusive ``flock`` on ``<state>/locks/<watch>.lock``, released when every holder has closed it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def note(self, text: str) -> None:
        """Say who holds the lock, for whoever finds it taken."""
        assert self.fd is not None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, text.encode(), 0)

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "another process"
        except OSError:
            return "another process"

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def crawl_command(watch: Watch, place: RunPlace) -> list[str]:
    """``python -m crawler crawl SPIDER -a ... -s ...``: the crawl a run of ``watch`` starts."""
    cmd = [sys.executable, "-m", "crawler", "crawl", watch.spider, "--db", str(place.database)]
    if place.config is not None:
        cmd += ["--config", str(place.config)]
    for key, value in watch.arguments.items():
        cmd += ["-a", f"{key}={value}"]
    settings = {**watch.crawl_settings, "PHYTOWATCH_WATCH": watch.name, "PHYTOWATCH_FRONTIER": watch.frontier}
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return "exited normally" if code == 0 else f"exited with status {code}"


class WatchRun:
    """Run a watch once: ``run()`` blocks until the crawl has ended and is recorded; ``stop()`` from anywhere."""

    def __init__(self, watch: Watch, place: RunPlace, *, stop_timeout: float = 300, fresh: bool = False) -> None:
        self.watch = watch
        self.place = place
        self.stop_timeout = stop_timeout
        self.fresh = fresh
        self._stop = threading.Event()
        self._force = threading.Event()
        self._guard = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._killed: str | None = None

    def stop(self, *, force: bool = False) -> None:
        """Ask the crawl to finish gracefully (one SIGINT); it is killed ``stop_timeout`` seconds later.

        ``force`` kills it at once (a second Ctrl-C or SIGTERM).
        """
        with self._guard:
            first = not self._stop.is_set()
            self._stop.set()
            if force:
                self._force.set()
            if first and self._proc is not None and self._proc.poll() is None:
                logger.info("watch %s: asking the crawl (pid %d) to stop", self.watch.name, self._proc.pid)
                os.kill(self._proc.pid, signal.SIGINT)

    def run(self) -> WatchOutcome:
        name = self.watch.name
        lock = WatchLock(self.place.lock(name))
        if not lock.acquire():
            message = f"watch {name} is already running ({lock.holder()}); not starting another run"
            logger.warning("%s", message)
            return WatchOutcome(name, "busy", message=message)
        try:
            if self._stop.is_set():
                return WatchOutcome(name, "interrupted", message=f"watch {name}: stopped before it started")
            return self._run(lock)
        finally:
            lock.release()

    def _prepare(self, store: Store) -> tuple[int, int | None]:
        """Housekeeping under the lock; returns the last run id so far and the run being resumed."""
        name, frontier = self.watch.name, self.watch.frontier
        previous = last_crawl(store, name)
        reason = "the crawl ended without recording its end (killed, or the machine stopped); marked interrupted"
        for run_id in close_stale_runs(store, name, f"{reason} by the next run"):
            logger.warning("watch %s: run %d never recorded its end (crawl killed?); marked interrupted", name, run_id)
        if discard_other_frontiers(store, name, frontier):
            logger.info("watch %s: its spider or arguments changed; the saved frontier is dropped", name)
        if self.fresh:
            clear_frontier(store, frontier)
        pending = pending_count(store, frontier)
        resumed = previous["id"] if pending and previous else None
        if pending:
            logger.info("watch %s: resuming run %s with %d pages still to do", name, resumed, pending)
        return last_run_id(store), resumed

    def _run(self, lock: WatchLock) -> WatchOutcome:
        name = self.watch.name
        with Store(self.place.database) as store:
            before, resumed = self._prepare(store)
        log_file = self._log_file()
        started_at, started = utc_now(), time.monotonic()
        with log_file.open("ab") as log, self._guard:
            self._proc = proc = subprocess.Popen(
                crawl_command(self.watch, self.place), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, pass_fds=(lock.fd,),  # type: ignore[arg-type]
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
            if self._stop.is_set():  # a stop that came while the crawl was starting (one SIGINT, never two)
                os.kill(proc.pid, signal.SIGINT)
        lock.note(f"crawl pid {proc.pid}, started {started_at}\n")
        logger.info("watch %s: started %s crawl (pid %d); log %s", name, self.watch.spider, proc.pid, log_file)
        code = self._wait(proc)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever the crawl left behind (classifier worker, browser)
        except (ProcessLookupError, PermissionError):
            pass
        outcome = self._record(proc.pid, code, before, resumed, started_at, log_file)
        outcome.seconds = time.monotonic() - started
        level = logging.INFO if outcome.ok else logging.WARNING
        logger.log(
            level, "watch %s: run %s %s after %s (crawl %s); %d listings; %s; log %s", name, outcome.run_id,
            outcome.status, _duration(outcome.seconds), describe_exit(code), outcome.listings, outcome.misses,
            log_file,
        )  # fmt: skip
        return outcome

    def _wait(self, proc: subprocess.Popen[bytes]) -> int:
        deadline: float | None = None
        while True:
            if self._stop.is_set() and deadline is None:
                deadline = time.monotonic() + self.stop_timeout
            try:
                return proc.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                if self._force.is_set():
                    self._killed = "when asked to stop at once"
                elif deadline is not None and time.monotonic() >= deadline:
                    self._killed = f"after not stopping within {_duration(self.stop_timeout)}"
                if self._killed:
                    logger.warning("watch %s: killing the crawl (pid %d) %s", self.watch.name, proc.pid, self._killed)
                    os.killpg(proc.pid, signal.SIGKILL)
                    return proc.wait()

    def _record(
        self, pid: int, code: int, before: int, resumed: int | None, started_at: str, log_file: Path
    ) -> WatchOutcome:
        watch = self.watch
        ended_by_us = self._stop.is_set()
        status: RunStatus = "interrupted" if code < 0 or ended_by_us else "failed"
        how = describe_exit(code)
        if self._killed:
            how += f" {self._killed}"
        with Store(self.place.database) as store:
            run = run_of_process(store, watch.name, pid, before)
            if run is None:
                errors = [f"the crawl process {how}, before its crawl started", *_tail(log_file)]
                run_id = record_run(store, spider=watch.spider, arguments=watch.arguments, watch=watch.name,
                                    status=status, started_at=started_at, errors=errors, exit_status=code,
                                    pid=pid)  # fmt: skip
                return WatchOutcome(watch.name, status, run_id, code, 0, log_file=log_file, message=errors[-1],
                                    misses=misses_summary(status, {}))  # fmt: skip
            if run["status"] == "running":
                complete_run(store, run["id"], exit_status=code, resumed_from=resumed, status=status,
                             error=f"the crawl process {how}, before recording its end")  # fmt: skip
            else:
                complete_run(store, run["id"], exit_status=code, resumed_from=resumed)
                status = run["status"]
            counts = run["counts"] or {}
            kinds = ("new", "changed", "unchanged", "relisted")
            listings = sum(int(counts.get(f"store/listings_{c}", 0)) for c in kinds)
            if not counts:  # the crawl died before writing its counts: what it stored is still there
                listings = store.conn.execute("SELECT count(*) FROM listings WHERE last_run_id = ?",
                                              (run["id"],)).fetchone()[0]  # fmt: skip
        return WatchOutcome(watch.name, status, run["id"], code, listings, log_file=log_file,
                            misses=misses_summary(status, counts))  # fmt: skip

    def _log_file(self) -> Path:
        folder = self.place.logs(self.watch.name)
        folder.mkdir(parents=True, exist_ok=True)
        for old in sorted(folder.glob("*.log"))[: -KEEP_LOGS + 1]:
            old.unlink(missing_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        return folder / f"{stamp}.log"


def run_now(watches: WatchFile, name: str, place: RunPlace, *, fresh: bool = False,
            stop_timeout: int | None = None) -> WatchOutcome:  # fmt: skip
    """Run one watch now, in the foreground; SIGTERM/SIGINT stop it as they stop the scheduler."""
    watch = watches.get(name)
    if watch.skipped:
        raise WatchError(f"{watches.path}: watch {name} cannot run on this machine: {watch.skipped}")
    if not watch.enabled:
        logger.info("watch %s is disabled in %s; running it because it was asked for", name, watches.path)
    timeout = watches.options.stop_timeout if stop_timeout is None else stop_timeout
    run = WatchRun(watch, place, stop_timeout=timeout, fresh=fresh)
    stopping = threading.Event()

    def on_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("received %s: stopping the crawl", signal.Signals(signum).name)
        run.stop(force=stopping.is_set())
        stopping.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = {sig: signal.signal(sig, on_stop) for sig in (signal.SIGTERM, signal.SIGINT)} if in_main else {}
    try:
        return run.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _tail(log_file: Path, lines: int = 3) -> list[str]:
    try:
        text = log_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()][-lines:]


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"
