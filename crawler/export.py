"""Exports for RPPOs and colleagues: listings (CSV, JSON, JSON Lines, XLSX, the RPPO package) and trader lists.

The public face of :mod:`crawler.exports`; the CLI's ``phytowatch export`` and
the review app's export button both call these functions:

* :func:`write_export` writes the selected listings in one format;
* :func:`write_rppo_package` writes the zip an NPPO sends its RPPO (listings,
  traders, decisions, a JSON copy, a README of every field, checksums).

Both take :class:`ExportFilters` (or the review queue's own filters, so that
its export button holds exactly what the queue shows) and, to pseudonymise, the
NPPO's key. Both
write atomically: a failure leaves any earlier file at the path untouched.
The format is described in docs/export-format.md.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from crawler import __version__
from crawler.exports import ExportError
from crawler.exports.fields import FORMAT_VERSION, LISTING_FIELDS
from crawler.exports.filters import DECISION_FILTERS, LISTED_FILTERS, ExportFilters, ListingFilter
from crawler.exports.hs_codes import load_hs_mapping
from crawler.exports.known_sellers import KnownSellers
from crawler.exports.package import write_package
from crawler.exports.pseudonyms import Pseudonymiser, create_key_file, key_file_to_use, load_key
from crawler.exports.records import RecordMaker
from crawler.exports.writers import atomic_output, text_cell, write_csv, write_json, write_jsonl, write_xlsx
from crawler.items import utc_now
from crawler.store.selection import selected_listings, snapshot
from crawler.store.store import Store

__all__ = [
    "DECISION_FILTERS",
    "FORMATS",
    "FORMAT_VERSION",
    "LISTED_FILTERS",
    "PACKAGE_FORMAT",
    "ExportError",
    "ExportFilters",
    "ExportResult",
    "ListingFilter",
    "create_key_file",
    "export",
    "key_file_to_use",
    "load_key",
    "write_export",
    "write_rppo_package",
]

ExportFormat = Literal["csv", "json", "jsonl", "xlsx"]
#: Formats of :func:`write_export`: the selected listings, one record per listing.
FORMATS: tuple[str, ...] = ("csv", "json", "jsonl", "xlsx")
#: The RPPO package (:func:`write_rppo_package`), also accepted by :func:`export`.
PACKAGE_FORMAT = "rppo"


@dataclass
class ExportResult:
    """What an export wrote: the file, and how many records of each kind."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    manifest: dict[str, Any] | None = None


def write_export(
    store: Store,
    fmt: ExportFormat | str,
    path: str | Path,
    filters: ListingFilter = ExportFilters(),
    pseudonymise_key: bytes | None = None,
) -> Path:
    """Write the listings ``filters`` select to ``path`` as ``fmt`` (csv, json, jsonl or xlsx); return the path.

    With ``pseudonymise_key`` every seller identity is replaced by a keyed
    pseudonym (see docs/export-format.md). An empty selection still gives a
    valid file (a CSV or XLSX header row, ``[]`` in JSON, an empty JSON Lines file).
    """
    return export(store, fmt, path, filters, pseudonymise_key).path


def write_rppo_package(
    store: Store,
    path: str | Path,
    filters: ListingFilter = ExportFilters(),
    pseudonymise_key: bytes | None = None,
    include_evidence: bool = False,
    *,
    evidence_dir: Path | None = None,
) -> Path:
    """Write the RPPO package (a zip) of the listings ``filters`` select to ``path``; return the path.

    ``include_evidence`` adds the captured pages and screenshots of the listings
    (relative evidence paths are read from ``evidence_dir``, default the
    database's folder); a pseudonymised package cannot include them, since they
    show the seller.
    """
    return export(store, PACKAGE_FORMAT, path, filters, pseudonymise_key, include_evidence=include_evidence,
                  evidence_dir=evidence_dir).path  # fmt: skip


def export(
    store: Store,
    fmt: str,
    path: str | Path,
    filters: ListingFilter = ExportFilters(),
    pseudonymise_key: bytes | None = None,
    *,
    include_evidence: bool = False,
    evidence_dir: Path | None = None,
) -> ExportResult:
    """Any export (a format of :data:`FORMATS`, or ``rppo``), with the counts of what was written."""
    filters = filters or ExportFilters()
    if fmt not in (*FORMATS, PACKAGE_FORMAT):
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join((*FORMATS, PACKAGE_FORMAT))}")
    if include_evidence and fmt != PACKAGE_FORMAT:
        raise ExportError("evidence can only be included in an RPPO package (format rppo)")
    if include_evidence and pseudonymise_key is not None:
        raise ExportError(
            "a pseudonymised package cannot include evidence: the saved pages and screenshots show the seller"
        )
    selection = filters.selection(store)
    pseudonyms = None
    if pseudonymise_key is not None:
        pseudonyms = Pseudonymiser(pseudonymise_key, KnownSellers.from_store(store))
    makers = RecordMaker(load_hs_mapping(), pseudonyms)
    described = _described(store, filters, pseudonyms)
    target = Path(path)
    result = ExportResult(target)
    with atomic_output(target) as out:
        if fmt == PACKAGE_FORMAT:
            result.manifest = write_package(store, out, selection, filters=described, makers=makers,
                                            evidence_dir=evidence_dir, include_evidence=include_evidence)  # fmt: skip
            result.counts = dict(result.manifest["counts"])
            return result
        with snapshot(store):
            records = map(makers.listing, selected_listings(store, selection))
            if fmt == "csv":
                result.counts["listings"] = write_csv(out, LISTING_FIELDS, records)
            elif fmt == "json":
                result.counts["listings"] = write_json(out, records)
            elif fmt == "jsonl":
                result.counts["listings"] = write_jsonl(out, records)
            else:
                result.counts = write_xlsx(out, [("listings", LISTING_FIELDS, records)], _about(described, pseudonyms))
    return result


def _described(store: Store, filters: ListingFilter, pseudonyms: Pseudonymiser | None) -> dict[str, Any]:
    """The filters for the manifest; in a pseudonymised export, whatever may name a seller is pseudonymised too.

    A watch can be named after a seller; a queue's search words can be a seller's
    name or address; an independent shop is its own marketplace.
    """
    described = filters.describe()
    if pseudonyms is None:
        return described
    if described.get("watch"):
        described["watch"] = pseudonyms.token("watch", described["watch"])
    if described.get("search"):
        described["search"] = pseudonyms.scrub(described["search"])
    marketplace = described.get("marketplace")
    if marketplace and store.conn.execute(
        "SELECT 1 FROM traders WHERE marketplace = ? AND seller_key = ?", (marketplace, marketplace)
    ).fetchone():
        described["marketplace"] = pseudonyms.seller(marketplace, marketplace)
    return described


def _about(filters: dict[str, Any], pseudonyms: Pseudonymiser | None) -> list[tuple[str, Any]]:
    """The XLSX file's ``about`` sheet: what a reader of a lone spreadsheet needs to know."""
    return [
        ("format_version", FORMAT_VERSION),
        ("phytowatch_version", __version__),
        ("created_at", utc_now()),
        *((f"filter {k}", v if not isinstance(v, list) else "; ".join(v)) for k, v in filters.items()
          if v is not None),
        ("pseudonymised", "yes" if pseudonyms else "no"),
        ("key_id", pseudonyms.key_id if pseudonyms else ""),
        ("hs_nomenclature", load_hs_mapping().source.get("version", "HS 2022")),
        ("fields", "described in docs/export-format.md (phytowatch) and in the README of an RPPO package"),
    ]  # fmt: skip


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
        writer.writerow({k: text_cell(row.get(k)) for k in TRADER_COLUMNS})

