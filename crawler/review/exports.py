"""The queue's export button, over :mod:`crawler.export` (the app writes no export format of its own).

The export holds exactly the listings the queue shows: the queue's filters *are*
the export's filter (:class:`~crawler.review.queue.QueueFilters` is a
:class:`~crawler.exports.filters.ListingFilter` whose condition is the queue's own
WHERE clause), so the two cannot select differently, dates included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.export import FORMATS, PACKAGE_FORMAT, ExportError, export
from crawler.review.queue import QueueFilters
from crawler.store import Store

RPPO = PACKAGE_FORMAT


def export_formats() -> list[tuple[str, str]]:
    """(format, label) pairs the export button offers: every format of crawler.export and the RPPO package."""
    return [(fmt, fmt.upper()) for fmt in FORMATS] + [(RPPO, "RPPO package (zip)")]


def export_suffix(fmt: str) -> str:
    return "zip" if fmt == RPPO else fmt


def applied_filters(filters: QueueFilters) -> dict[str, Any]:
    """The filters the export applies (all of the queue's), to show beside the button."""
    return {k: v for k, v in filters.describe().items() if v is not None}


def write_queue_export(store: Store, fmt: str, filters: QueueFilters, folder: Path) -> Path:
    """Write the export of the queue's ``filters`` in ``fmt`` into ``folder``; the file."""
    if fmt not in {f for f, _ in export_formats()}:
        raise ExportError(f"unknown export format {fmt!r}")
    return export(store, fmt, folder / f"phytowatch-export.{export_suffix(fmt)}", filters).path
