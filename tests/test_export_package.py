"""The RPPO package: its files, checksums that verify, a README of every field, and evidence when asked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crawler import __version__
from crawler.cli import main
from crawler.evidence import EvidenceRecord
from crawler.export import FORMAT_VERSION, ExportError, ExportFilters, write_rppo_package
from crawler.exports.fields import DECISION_FIELDS, EVIDENCE_FIELDS, LISTING_FIELDS, TRADER_FIELDS, names
from crawler.store import Store
from tests.exportdata import build_export_store

FILES = ["listings.csv", "traders.csv", "decisions.csv", "records.json", "README.md", "manifest.json", "SHA256SUMS"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export_store(tmp_path_factory.mktemp("package") / "phytowatch.db")


def package(database: Path, path: Path, filters: ExportFilters = ExportFilters(), **options: Any) -> zipfile.ZipFile:
    with Store(database) as store:
        write_rppo_package(store, path, filters, **options)
    return zipfile.ZipFile(path)


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_package_files_and_their_agreement(database: Path, tmp_path: Path) -> None:
    archive = package(database, tmp_path / "rppo.zip", ExportFilters(min_risk="medium"))
    assert archive.namelist() == FILES
    listings, traders, decisions = (rows(archive, f"{n}.csv") for n in ("listings", "traders", "decisions"))
    assert list(listings[0]) == list(names(LISTING_FIELDS))
    assert list(traders[0]) == list(names(TRADER_FIELDS))
    assert list(decisions[0]) == list(names(DECISION_FIELDS))
    assert len(listings) == 7  # the seed beads (risk none) are left out…
    assert {t["seller_key"] for t in traders} == {l["seller_key"] for l in listings}  # …and so is their seller
    nursery = next(t for t in traders if t["seller_key"] == "kwekerij-detulp.nl")
    assert (nursery["listings"], nursery["listings_high"], nursery["country"]) == ("2", "2", "NL")
    assert [d["decision"] for d in decisions] == ["contact", "confirm", "refer", "dismiss", "refer"]
    assert decisions[0]["note"].startswith("Rang Petra")
    records = json.loads(archive.read("records.json"))
    assert records["format_version"] == FORMAT_VERSION
    assert [r["listing_id"] for r in records["listings"]] == [l["listing_id"] for l in listings]
    assert len(records["traders"]) == len(traders) and len(records["decisions"]) == len(decisions)
    assert records["listings"][1]["hs_codes"] == ["0602", "0601.20"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format_version"] == FORMAT_VERSION and manifest["phytowatch_version"] == __version__
    assert manifest["counts"] == {"listings": 7, "traders": 6, "decisions": 5}
    assert manifest["filters"]["min_risk"] == "medium" and manifest["filters"]["since"] is None
    assert manifest["pseudonymised"] is False and manifest["key_id"] is None
    assert manifest["hs_nomenclature"] == "HS 2022"


def test_checksums_verify(database: Path, tmp_path: Path) -> None:
    archive = package(database, tmp_path / "rppo.zip")
    sums = dict(reversed(line.split("  ", 1)) for line in archive.read("SHA256SUMS").decode().splitlines())
    assert sorted(sums) == sorted(set(FILES) - {"SHA256SUMS"})
    for name, digest in sums.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:  # the manifest lists the data files it was written after
        assert sums[entry["name"]] == entry["sha256"]
        assert entry["bytes"] == len(archive.read(entry["name"]))
    # and the way the README tells a recipient to check them works
    unpacked = tmp_path / "unpacked"
    archive.extractall(unpacked)
    tool = shutil.which("sha256sum")
    assert tool, "coreutils' sha256sum is part of every Debian system"
    check = subprocess.run([tool, "-c", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(FILES) - 1
    (unpacked / "listings.csv").write_text("tampered\n")
    assert subprocess.run([tool, "-c", "--quiet", "SHA256SUMS"], cwd=unpacked, capture_output=True).returncode == 1


def test_readme_explains_every_field_filter_and_code(database: Path, tmp_path: Path) -> None:
    archive = package(database, tmp_path / "rppo.zip", ExportFilters(categories=["seeds"], since="2026-10-01"))
    readme = archive.read("README.md").decode("utf-8")
    assert f"export format version **{FORMAT_VERSION}**" in readme and f"phytowatch {__version__}" in readme
    assert "* `since`: 2026-10-01" in readme and "* `categories`: seeds" in readme
    for fields in (LISTING_FIELDS, TRADER_FIELDS, DECISION_FIELDS):
        for f in fields:
            assert f"| `{f.name}` | {f.meaning}" in readme
    assert "sha256sum -c SHA256SUMS" in readme
    assert "| `seeds` | 1209 Seeds, fruit and spores, of a kind used for sowing |" in readme
    assert "ISO 3166-1 alpha-2" in readme and "EPPO" in readme
    assert "Pseudonymisation" not in readme  # only a pseudonymised package explains it


def test_empty_package_is_valid(database: Path, tmp_path: Path) -> None:
    archive = package(database, tmp_path / "empty.zip", ExportFilters(since="2030-01-01"))
    assert archive.namelist() == FILES
    for name, fields in (("listings.csv", LISTING_FIELDS), ("traders.csv", TRADER_FIELDS),
                         ("decisions.csv", DECISION_FIELDS)):  # fmt: skip
        assert archive.read(name).decode().splitlines() == [",".join(names(fields))]
    records = json.loads(archive.read("records.json"))
    assert records == {"format_version": FORMAT_VERSION, "listings": [], "traders": [], "decisions": []}
    assert json.loads(archive.read("manifest.json"))["counts"] == {"listings": 0, "traders": 0, "decisions": 0}


@pytest.fixture
def evidence(database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Captured files of the confirmed eBay listing, behind the agreed ``evidence_for(store, listing_row_id)``."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    warc, png = folder / "325987654321.warc.gz", folder / "325987654321.png"
    warc.write_bytes(b"WARC/1.1\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>tulips</html>")
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with Store(database) as store:
        row_id = store.listing_row_id("ebay.de", "325987654321")
    record = EvidenceRecord(
        id=1, listing=row_id or 0, url="https://www.ebay.de/itm/325987654321", captured_at="2026-11-09T08:00:00+00:00",
        http_status=200, warc_path=Path(warc.name), warc_sha256=hashlib.sha256(warc.read_bytes()).hexdigest(),
        png_path=png, png_sha256=hashlib.sha256(png.read_bytes()).hexdigest(), error=None,
        captured_by="officer.jansen")  # fmt: skip
    module = types.ModuleType("crawler.evidence")
    module.evidence_for = lambda store, listing_row_id: [record] if listing_row_id == row_id else []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "crawler.evidence", module)
    return folder


def test_package_with_evidence(database: Path, tmp_path: Path, evidence: Path) -> None:
    archive = package(database, tmp_path / "rppo.zip", include_evidence=True, evidence_dir=evidence)
    evidence_rows = rows(archive, "evidence.csv")
    assert list(evidence_rows[0]) == list(names(EVIDENCE_FIELDS))
    [row] = evidence_rows
    assert (row["marketplace"], row["listing_id"], row["http_status"]) == ("ebay.de", "325987654321", "200")
    assert archive.read(row["warc_file"]) == (evidence / "325987654321.warc.gz").read_bytes()
    assert archive.read(row["png_file"]) == (evidence / "325987654321.png").read_bytes()
    sums = archive.read("SHA256SUMS").decode()
    assert f"{row['warc_sha256']}  {row['warc_file']}" in sums and "evidence.csv" in sums
    assert json.loads(archive.read("manifest.json"))["counts"]["evidence"] == 1
    assert "evidence.csv" in archive.read("README.md").decode()


def test_changed_evidence_is_refused(database: Path, tmp_path: Path, evidence: Path) -> None:
    target = tmp_path / "rppo.zip"
    target.write_bytes(b"last month's package")
    (evidence / "325987654321.png").write_bytes(b"\x89PNG edited")
    with pytest.raises(ExportError, match="does not match the SHA-256 recorded at capture"):
        package(database, target, include_evidence=True, evidence_dir=evidence)
    assert target.read_bytes() == b"last month's package"


def test_cli_writes_a_package(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "rppo-2026-11.zip"
    result = CliRunner().invoke(main, ["export", "--db", str(database), "--format", "rppo", "--output", str(out),
                                       "--min-risk", "high", "--since", "2026-11-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"RPPO package written to {out}: 5 listings, 4 traders, 4 decisions"
    assert zipfile.ZipFile(out).testzip() is None


def test_cli_package_with_evidence(database: Path, tmp_path: Path, evidence: Path) -> None:
    out = tmp_path / "with-evidence.zip"
    result = CliRunner().invoke(main, ["export", "--db", str(database), "--format", "rppo", "--output", str(out),
                                       "--decision", "confirm", "--include-evidence", "--evidence-dir", str(evidence)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("1 listings, 1 traders, 2 decisions, 1 evidence captures")
    assert any(name.startswith("evidence/1-") for name in zipfile.ZipFile(out).namelist())
