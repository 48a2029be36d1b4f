"""The queue's export button, over :mod:`crawler.export` (the app writes no export format of its own).

The export holds exactly the listings the queue shows: the queue's filters *are*
the export's filter (:class:`~crawler.review.queue.QueueFilters` is a
:class:`~crawler.exports.filters.ListingFilter` whose condition is the queue's own
WHERE clause), so the two cannot select differently, dates included.

A pseudonymised export finds the NPPO's key exactly as ``phytowatch export
--pseudonymise`` does without ``--key-file``: ``$PHYTOWATCH_PSEUDONYM_KEY_FILE``
of the app's process, else ``pseudonym_key_file`` of the ``phytowatch.toml`` it was
started with. The key never comes from the request and never goes into a page or
a URL: the form has a checkbox, and an officer is told only that the key is
missing or unreadable (the file's name is logged for the administrator).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from crawler.export import FORMATS, PACKAGE_FORMAT, ExportError, export, key_file_to_use, load_key
from crawler.exports.pseudonyms import KEY_FILE_ENV
from crawler.review.queue import QueueFilters
from crawler.store import Store

log = logging.getLogger(__name__)
RPPO = PACKAGE_FORMAT


class KeyUnavailable(Exception):
    """A pseudonymised export was asked for and the app has no key it can read; the message is for an officer."""


def export_formats() -> list[tuple[str, str]]:
    """(format, label) pairs the export button offers: every format of crawler.export and the RPPO package."""
    return [(fmt, fmt.upper()) for fmt in FORMATS] + [(RPPO, "RPPO package (zip)")]


def export_suffix(fmt: str) -> str:
    """The downloaded file's extension: the package is a zip, whatever the format's name."""
    return "zip" if fmt == RPPO else fmt


def applied_filters(filters: QueueFilters) -> dict[str, Any]:
    """The filters the export applies (all of the queue's), to show beside the button."""
    return {k: v for k, v in filters.describe().items() if v is not None}


def pseudonym_key_named(configured: str | None) -> bool:
    """Whether a key file is named for this app (the checkbox is offered); says nothing of where it is."""
    return bool(os.environ.get(KEY_FILE_ENV) or configured)


def export_key(configured: str | None) -> bytes:
    """The NPPO's key, found as the CLI finds it; :class:`KeyUnavailable` (naming no file) if it cannot be read."""
    try:
        return load_key(key_file_to_use(None, configured))
    except ExportError as exc:
        log.warning("pseudonymised export refused: %s", exc)
        raise KeyUnavailable(
            "A pseudonymised export needs the NPPO's pseudonymisation key, and this app has none it can read."
            f" The administrator sets pseudonym_key_file in phytowatch.toml (or {KEY_FILE_ENV}) for"
            " 'phytowatch serve'; the app's log says what is wrong with it."
        ) from None


def write_queue_export(store: Store, fmt: str, filters: QueueFilters, folder: Path, key: bytes | None = None) -> Path:
    """Write the export of the queue's ``filters`` in ``fmt`` into ``folder`` (pseudonymised with ``key``); the file."""
    if fmt not in {f for f, _ in export_formats()}:
        raise ExportError(f"unknown export format {fmt!r}")
    name = f"phytowatch-export{'-pseudonymised' if key else ''}.{export_suffix(fmt)}"
    return export(store, fmt, folder / name, filters, key).path
