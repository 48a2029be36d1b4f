"""The queue's export button, over :mod:`crawler.export` (the app writes no export format of its own).

The button offers whatever formats :mod:`crawler.export` offers, and the RPPO
package when it has ``write_rppo_package``. The queue's filters are handed over as
the export's own filters (``ExportFilters``: dates, category, risk at least,
decision, country, watch, on sale or delisted) where the export module has them;
an export module without ``ExportFilters`` takes the risk (as a minimum) and the
first-seen date.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from crawler.review.queue import DECISION_STATUSES, QueueFilters
from crawler.store import Store

RPPO = "rppo"


def _export() -> Any:
    """:mod:`crawler.export`, whichever version this installation has (see the module docstring)."""
    from crawler import export

    return export


def export_errors() -> tuple[type[Exception], ...]:
    """The errors an export raises for a filter it refuses (shown to the officer, not a server error)."""
    try:
        from crawler.exports import ExportError  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return (ValueError,)
    return (ExportError, ValueError)


def export_formats() -> list[tuple[str, str]]:
    """(format, label) pairs the export button offers."""
    export = _export()
    formats = [(fmt, fmt.upper()) for fmt in export.FORMATS]
    if hasattr(export, "write_rppo_package"):
        formats.append((RPPO, "RPPO package (zip)"))
    return formats


def export_suffix(fmt: str) -> str:
    return "zip" if fmt == RPPO else fmt


def export_filter_values(filters: QueueFilters) -> dict[str, Any]:
    """The queue's filters in the export's vocabulary (the export filters its own way)."""
    values: dict[str, Any] = {
        "since": filters.since,
        "until": filters.until,
        "categories": [filters.category] if filters.category else None,
        "min_risk": filters.risk,
        "country": filters.country,
        "watch": filters.watch,
    }
    if filters.status in DECISION_STATUSES:
        values["decision"] = filters.status
    elif filters.status in ("open", "needs_review", "undecided"):
        values["decision"] = "undecided"
    values["listed"] = filters.listed
    return {k: v for k, v in values.items() if v}


def applied_filters(filters: QueueFilters) -> dict[str, Any]:
    """The filters the export will really apply, to show beside the button."""
    export = _export()
    values = export_filter_values(filters)
    if hasattr(export, "ExportFilters"):
        known = {f.name for f in fields(export.ExportFilters)}
        return {k: v for k, v in values.items() if k in known}
    return {k: v for k, v in values.items() if k in ("min_risk", "since")}


def write_queue_export(store: Store, fmt: str, filters: QueueFilters, folder: Path) -> Path:
    """Write the export of ``filters`` in ``fmt`` into ``folder`` and return the file."""
    export = _export()
    if fmt not in {f for f, _ in export_formats()}:
        raise ValueError(f"unknown export format {fmt!r}")
    path = folder / f"phytowatch-export.{export_suffix(fmt)}"
    values = applied_filters(filters)
    if hasattr(export, "ExportFilters"):
        export_filters = export.ExportFilters(**values)
        if fmt == RPPO:
            return Path(export.write_rppo_package(store, path, filters=export_filters))
        return Path(export.write_export(store, fmt, path, filters=export_filters))
    from crawler.store import export_rows

    rows = export_rows(store, min_risk=values.get("min_risk", "none"), since=values.get("since"))
    export.write_export(rows, fmt, path)
    return path
