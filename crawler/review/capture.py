"""Evidence of confirmed listings, captured in the background through :mod:`crawler.evidence` when installed.

A capture loads the live page in a browser and can take many seconds (or hang
until its timeout on a slow site): no officer should wait for it, and a bulk
confirmation of hundreds of listings must not hold a request open. One worker
thread per app takes the listings one at a time, with its own database
connection (SQLite connections belong to their thread). Without evidence capture
installed, nothing is queued and the listing page says so.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import Iterable

from crawler.review.listing import evidence_capture_available
from crawler.store import Store

log = logging.getLogger(__name__)


class CaptureWorker:
    """Captures listings one at a time in a thread of its own, as ``capture_evidence`` with the app's settings."""

    def __init__(self, database: Path, evidence_dir: Path, *, user_agent: str | None = None,
                 allow_private: bool = False) -> None:  # fmt: skip
        self.database = database
        self.evidence_dir = evidence_dir
        #: The app's User-Agent (from the contact of its phytowatch.toml), not one read from the working folder.
        self.user_agent = user_agent
        #: Listing URLs are scraped: loopback and private addresses are refused unless the app was told
        #: otherwise (``ReviewSettings.allow_private_addresses``: the demo marketplace on 127.0.0.1, tests).
        self.allow_private = allow_private
        self.jobs: queue.Queue[tuple[int, str]] = queue.Queue()
        self.lock = threading.Lock()
        self.pending: set[int] = set()
        self.thread: threading.Thread | None = None

    def submit(self, listing_row_ids: Iterable[int], captured_by: str) -> int:
        """Queue captures of these listings (each once while pending); how many were queued."""
        if not evidence_capture_available():
            return 0
        queued = 0
        with self.lock:
            for listing in listing_row_ids:
                if listing not in self.pending:
                    self.pending.add(listing)
                    self.jobs.put((listing, captured_by))
                    queued += 1
            if queued and (self.thread is None or not self.thread.is_alive()):
                self.thread = threading.Thread(target=self._work, name="evidence-capture", daemon=True)
                self.thread.start()
        return queued

    def is_pending(self, listing_row_id: int) -> bool:
        with self.lock:
            return listing_row_id in self.pending

    def wait(self) -> None:
        """Until every queued capture is done (for tests and orderly shutdowns)."""
        self.jobs.join()

    def _work(self) -> None:
        from crawler.evidence import capture_evidence  # type: ignore[import-not-found,unused-ignore]

        with Store(self.database) as store:
            while True:
                listing, captured_by = self.jobs.get()
                try:
                    capture_evidence(store, listing, evidence_dir=self.evidence_dir, captured_by=captured_by,
                                     user_agent=self.user_agent, allow_private=self.allow_private)  # fmt: skip
                except Exception:  # one failed capture must not stop the others; the log says what happened
                    log.exception("evidence capture of listing %s failed", listing)
                finally:
                    with self.lock:
                        self.pending.discard(listing)
                    self.jobs.task_done()
