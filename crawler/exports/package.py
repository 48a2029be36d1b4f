"""The RPPO package: one zip with listings, traders, decisions, a JSON copy, a README and checksums.

Everything is read in one snapshot of the database and streamed into the zip
(no file of the package is held in memory whole), and every member's SHA-256
is computed as it is written, so ``SHA256SUMS`` describes exactly the bytes in
the zip.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from crawler import __version__
from crawler.exports import ExportError
from crawler.exports.fields import DECISION_FIELDS, EVIDENCE_FIELDS, FORMAT_VERSION, LISTING_FIELDS, TRADER_FIELDS
from crawler.exports.readme import package_readme
from crawler.exports.records import RecordMaker
from crawler.exports.writers import write_csv
from crawler.items import utc_now
from crawler.store.selection import (
    Selection,
    selected_decisions,
    selected_listing_ids,
    selected_listings,
    selected_traders,
    snapshot,
)
from crawler.store.store import Store

CHECKSUMS = "SHA256SUMS"
_SPOOL_BYTES = 16 << 20


class _Member:
    """A zip member being written, hashed and counted on the way in."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)


@dataclass
class _Zip:
    zip: zipfile.ZipFile
    sums: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, name: str, write: Any) -> Any:
        """Write member ``name`` with ``write(stream)``; remember its checksum; return what ``write`` returns."""
        with self.zip.open(name, "w", force_zip64=True) as raw:
            member = _Member(raw)
            result = write(member)
        self.sums[name] = (member.sha256.hexdigest(), member.size)
        return result

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, lambda out: out.write(data))


def _json_array_into(spool: IO[bytes], record: dict[str, Any], first: bool) -> None:
    spool.write((b"" if first else b",\n") + json.dumps(record, ensure_ascii=False).encode("utf-8"))


def _tee(records: Iterable[dict[str, Any]], spool: IO[bytes]) -> Iterator[dict[str, Any]]:
    """Pass records through while copying them, as a JSON array body, into ``spool``."""
    first = True
    for record in records:
        _json_array_into(spool, record, first)
        first = False
        yield record


def write_package(
    store: Store,
    out: IO[bytes],
    selection: Selection,
    *,
    filters: dict[str, Any],
    makers: RecordMaker,
    evidence_dir: Path | None = None,
    include_evidence: bool = False,
) -> dict[str, Any]:
    """Write the package to ``out`` (a binary file); return its manifest."""
    pseudonyms = makers.pseudonyms
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive, snapshot(store):
        package = _Zip(archive)
        tables = (
            ("listings", LISTING_FIELDS, map(makers.listing, selected_listings(store, selection))),
            ("traders", TRADER_FIELDS, map(makers.trader, selected_traders(store, selection))),
            ("decisions", DECISION_FIELDS, map(makers.decision, selected_decisions(store, selection))),
        )
        spools: dict[str, IO[bytes]] = {}
        counts: dict[str, int] = {}
        try:
            for name, fields, records in tables:
                # The CSV goes into the zip now; its JSON copy waits in a spool (memory, then disk) for records.json.
                spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
                spools[name] = spool
                write = partial(write_csv, fields=fields, records=_tee(records, spool))
                counts[name] = package.add(f"{name}.csv", write)
            package.add("records.json", partial(_records_json, spools=spools))
        finally:
            for spool in spools.values():
                spool.close()
        if include_evidence:
            counts["evidence"] = _add_evidence(store, package, selection, evidence_dir)
        manifest = {
            "format_version": FORMAT_VERSION,
            "phytowatch_version": __version__,
            "created_at": utc_now(),
            "filters": filters,
            "pseudonymised": pseudonyms is not None,
            "key_id": pseudonyms.key_id if pseudonyms is not None else None,
            "hs_nomenclature": makers.hs.source.get("version", "HS 2022"),
            "counts": counts,
            "files": [{"name": n, "sha256": s, "bytes": b} for n, (s, b) in package.sums.items()],
        }
        package.add_bytes("README.md", package_readme(manifest, makers.hs, include_evidence).encode("utf-8"))
        package.add_bytes("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        sums = "".join(f"{digest}  {name}\n" for name, (digest, _) in package.sums.items())
        archive.writestr(CHECKSUMS, sums)
    return manifest


def _records_json(out: _Member, *, spools: Mapping[str, IO[bytes]]) -> None:
    out.write(f'{{"format_version": "{FORMAT_VERSION}"'.encode())
    for name, spool in spools.items():
        out.write(f',\n"{name}": [\n'.encode())
        spool.seek(0)
        shutil.copyfileobj(spool, out)  # type: ignore[misc]
        out.write(b"\n]")
    out.write(b"}\n")


def _add_evidence(store: Store, package: _Zip, selection: Selection, evidence_dir: Path | None) -> int:
    """Captured pages and screenshots of the selected listings, checked against their recorded SHA-256."""
    try:
        from crawler.evidence import evidence_for  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ExportError("this phytowatch cannot include evidence: evidence capture is not installed") from None
    base = evidence_dir or (store.path.parent if store.path else Path.cwd())
    rows = []
    for row_id in list(selected_listing_ids(store, selection)):
        place = store.conn.execute("SELECT marketplace, listing_id FROM listings WHERE id = ?", (row_id,)).fetchone()
        for record in evidence_for(store, row_id):
            row = {
                "format_version": FORMAT_VERSION,
                "evidence_id": record.id,
                "marketplace": place[0],
                "listing_id": place[1],
                "url": record.url,
                "captured_at": record.captured_at,
                "http_status": record.http_status,
                "warc_sha256": record.warc_sha256,
                "png_sha256": record.png_sha256,
                "error": record.error,
                "captured_by": record.captured_by,
            }
            for kind in ("warc", "png"):
                stored = getattr(record, f"{kind}_path")
                if stored:
                    row[f"{kind}_file"] = _copy_evidence(package, base, Path(stored), record.id,
                                                         getattr(record, f"{kind}_sha256"))  # fmt: skip
            rows.append(row)
    package.add("evidence.csv", lambda o: write_csv(o, EVIDENCE_FIELDS, rows))
    return len(rows)


def _copy_evidence(package: _Zip, base: Path, stored: Path, evidence_id: int, recorded: str | None) -> str:
    source = stored if stored.is_absolute() else base / stored
    name = f"evidence/{evidence_id}-{source.name}"
    try:
        with source.open("rb") as fh:
            package.add(name, lambda o: shutil.copyfileobj(fh, o))  # type: ignore[misc]
    except OSError as exc:
        raise ExportError(f"evidence file {source} cannot be read: {exc.strerror or exc}") from None
    digest = package.sums[name][0]
    if recorded and digest != recorded.lower():
        raise ExportError(f"evidence file {source} does not match the SHA-256 recorded at capture: it was changed")
    return name
