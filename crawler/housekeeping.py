"""What the scheduler tidies when it loads the watches file, so that the database follows the file.

* Watches that cannot run on this machine (a spider without its credential) are
  reported, one warning each: they are not scheduled, and the others run.
* Runs left ``running`` by a crawl that died with the machine or the scheduler are
  marked interrupted (on start only: a reload changes no crawl).
* The saved frontiers of watches no longer in the file are dropped. A frontier
  only lets a killed crawl resume, and a watch that is gone will never resume; its
  rows would otherwise stay for ever. Rows are dropped only for a watch named in
  no watch of the file, and only while its lock is free: a crawl of that watch
  still running (a ``run-now`` from another watches file) keeps its frontier.

Each step takes what it needs and returns what it did, for the log and the tests.
"""

from __future__ import annotations

import logging

from crawler.store import Store
from crawler.store.frontier import drop_watch_frontiers, frontier_watches
from crawler.store.runs import close_stale_runs
from crawler.watches import WatchFile, is_watch_name
from crawler.watchrun import RunPlace, WatchLock

logger = logging.getLogger("crawler.scheduler")  # the scheduler's lines, in its log


def report_skipped(watches: WatchFile) -> list[str]:
    """Warn once for each enabled watch that cannot run here; return their names."""
    names = []
    for watch in watches.skipped:
        if watch.enabled:
            logger.warning("watch %s: skipped, it cannot run on this machine: %s (the other watches run)",
                           watch.name, watch.skipped)  # fmt: skip
            names.append(watch.name)
    return names


def close_stale_runs_of_idle_watches(watches: WatchFile, place: RunPlace) -> list[int]:
    """Runs left 'running' by a crawl that died with the machine or the scheduler, for every idle watch."""
    closed = []
    for name in watches.watches:
        lock = WatchLock(place.lock(name))
        if not lock.acquire():
            continue  # a crawl of this watch is alive (a run-now, or an orphan of a killed scheduler)
        try:
            with Store(place.database) as store:
                for run_id in close_stale_runs(store, name, "the crawl ended without recording its end (killed,"
                                                            " or the machine stopped); marked interrupted when"
                                                            " the scheduler started"):  # fmt: skip
                    logger.warning("watch %s: run %d never recorded its end; marked interrupted", name, run_id)
                    closed.append(run_id)
        finally:
            lock.release()
    return closed


def drop_frontiers_of_removed_watches(watches: WatchFile, place: RunPlace) -> dict[str, int]:
    """Delete the frontier rows of watches the file no longer has; return the rows dropped per watch."""
    if not place.database.exists():
        return {}
    dropped: dict[str, int] = {}
    with Store(place.database) as store:
        for name in frontier_watches(store):
            if name in watches.watches or not is_watch_name(name):
                continue  # a watch of the file (enabled, disabled or skipped); or no watch's (a crawl by hand)
            lock = WatchLock(place.lock(name))
            if not lock.acquire():
                logger.info("watch %s: not in %s, but a crawl of it is running; its frontier is kept", name,
                            watches.path)  # fmt: skip
                continue
            try:
                dropped[name] = drop_watch_frontiers(store, name)
            finally:
                lock.release()
            logger.info("watch %s: no longer in %s; the %d pages its unfinished crawl saved are dropped", name,
                        watches.path, dropped[name])  # fmt: skip
    return dropped
