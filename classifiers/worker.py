"""Classification in a worker process, so a crawl uses the machine's second core.

A crawl's process is busy downloading and parsing; classifying each listing
on the same core slows the crawl by a third. :class:`ClassifierProcess` runs
the classifier in a child process instead, fed through a pipe that the
crawl's asyncio loop watches (no threads, so no GIL hand-offs). Listings that
arrive together travel as one batch; one batch is in flight at a time, which
keeps the pipe from ever filling in both directions.

If the child dies, pending and later listings are classified in the crawl's
own process: slower, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import deque
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

#: Most texts sent in one batch.
MAX_BATCH = 256


def _serve(conn: Connection) -> None:
    """The child: classify each batch of texts it receives until the pipe closes."""
    from classifiers import default_classifier

    classifier = default_classifier()
    conn.send(classifier.version)
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):  # the crawl ended or was killed
            return
        conn.send([verdict.to_dict() for verdict in classifier.classify(texts)])


class ClassifierProcess:
    """``await classify(text)`` -> the verdict as a dict, computed in a child process."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # never fork a process that runs a reactor
        self._conn, child_conn = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child_conn,), name="phytowatch-classifier", daemon=True)
        self._process.start()
        child_conn.close()
        self.version: str = self._conn.recv()
        self._waiting: deque[tuple[str, asyncio.Future[dict[str, Any]]]] = deque()
        self._in_flight: list[tuple[str, asyncio.Future[dict[str, Any]]]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fallback: Any = None

    async def classify(self, text: str) -> dict[str, Any]:
        if self._fallback is not None:
            return self._fallback.classify([text])[0].to_dict()
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            loop.add_reader(self._conn.fileno(), self._on_result)
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._waiting.append((text, future))
        if self._in_flight is None:
            loop.call_soon(self._send)  # let the listings arriving in this turn join the batch
        return await future

    def _send(self) -> None:
        if self._in_flight is not None or not self._waiting:
            return
        batch = [self._waiting.popleft() for _ in range(min(MAX_BATCH, len(self._waiting)))]
        self._in_flight = batch
        try:
            self._conn.send([text for text, _ in batch])
        except OSError:
            self._in_flight = None
            self._waiting.extendleft(reversed(batch))
            self._fail_over("the classifier process is gone")

    def _on_result(self) -> None:
        try:
            verdicts = self._conn.recv()
        except (EOFError, OSError):
            self._fail_over("the classifier process stopped")
            return
        batch, self._in_flight = self._in_flight or [], None
        for (_, future), verdict in zip(batch, verdicts):
            if not future.done():
                future.set_result(verdict)
        self._send()

    def _fail_over(self, why: str) -> None:
        """Classify everything pending, and from now on, in this process."""
        from classifiers import default_classifier

        logger.warning("%s; classifying in the crawl's own process from now on", why)
        self._fallback = default_classifier()
        self._detach()
        pending = [*(self._in_flight or []), *self._waiting]  # the in-flight batch died with the child
        self._in_flight = None
        self._waiting.clear()
        for text, future in pending:
            if not future.done():
                future.set_result(self._fallback.classify([text])[0].to_dict())

    def _detach(self) -> None:
        if self._loop is not None:
            self._loop.remove_reader(self._conn.fileno())
            self._loop = None

    def close(self) -> None:
        """Stop the child; call once the crawl has no more listings to classify."""
        self._detach()
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
