"""Exports for RPPOs and colleagues: stored listings (CSV, JSON, JSON Lines) and trader lists (CSV, JSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Iterable, Literal, TextIO

from crawler.store import EXPORT_COLUMNS

ExportFormat = Literal["csv", "json", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "json", "jsonl")


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "; ".join(
                f"{t.get('scientific_name')} [{t.get('eppo_code') or '-'}] ({t.get('list_name')})" for t in value
            )
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_export(rows: Iterable[dict[str, Any]], fmt: ExportFormat, output: Path) -> int:
    """Write rows to ``output`` atomically (a temporary file renamed at the end); return the count.

    A failure half-way leaves any earlier export at ``output`` untouched.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            if fmt == "csv":
                writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore")
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _csv_value(row.get(k)) for k in EXPORT_COLUMNS})
                    count += 1
            elif fmt == "jsonl":
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            else:
                out.write("[\n")
                for row in rows:
                    out.write(("," if count else "") + json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
                out.write("]\n")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return count


#: Columns of a trader-entity row in CSV (JSON carries every field, with members and links).
TRADER_COLUMNS: tuple[str, ...] = (
    "id", "name", "country", "country_basis", "traders", "marketplaces", "listings", "active_listings", "high",
    "medium", "low", "unregulated", "regulated_share", "taxa_listings", "taxa", "first_activity", "last_activity",
    "risk", "risk_score",
)  # fmt: skip


def write_traders(rows: list[dict[str, Any]], fmt: Literal["csv", "json"], out: TextIO) -> None:
    """Trader entities as CSV (one row each, lists joined by "; ") or as a JSON list."""
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=TRADER_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in TRADER_COLUMNS})

