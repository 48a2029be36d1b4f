"""Every export format: the same records, the codes RPPOs share, hostile text, empty selections, atomic writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from crawler.export import FORMAT_VERSION, ExportFilters, write_export, write_rppo_package
from crawler.exports.fields import LISTING_FIELDS, names
from crawler.exports.records import RecordMaker
from crawler.items import Listing
from crawler.store import Store
from tests.exportdata import build_export_store

COLUMNS = list(names(LISTING_FIELDS))
NOTHING = ExportFilters(since="2030-01-01")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export_store(tmp_path_factory.mktemp("formats") / "phytowatch.db")


def read(path: Path) -> list[dict[str, Any]]:
    """Rows of any listing export, as text the way CSV gives it."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == COLUMNS
            return list(reader)
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True)["listings"]
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert list(header) == COLUMNS
        padded = [list(row) + [None] * (len(header) - len(row)) for row in rows]
        return [{k: "" if v is None else str(v) for k, v in zip(header, row)} for row in padded]
    text = path.read_text(encoding="utf-8")
    records = json.loads(text) if path.suffix == ".json" else [json.loads(line) for line in text.splitlines()]
    assert all(list(r) == COLUMNS for r in records)
    return [{k: _as_text(v) for k, v in r.items()} for r in records]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(f"{v['scientific_name']} [{v['eppo_code'] or '-'}] ({v['list_name']})" if isinstance(v, dict)
                         else str(v) for v in value)  # fmt: skip
    return str(value)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx"])
def test_every_format_holds_the_same_records_with_codes(database: Path, tmp_path: Path, fmt: str) -> None:
    with Store(database) as store:
        path = write_export(store, fmt, tmp_path / f"listings.{fmt}")
        reference = read(write_export(store, "jsonl", tmp_path / "reference.jsonl"))
    rows = read(path)
    assert len(rows) == 8
    for row, expected in zip(rows, reference):
        for column in COLUMNS:
            if column == "price" and row[column]:
                assert float(row[column]) == float(expected[column])
            else:
                assert row[column] == expected[column], (fmt, column)
    by_id = {r["listing_id"]: r for r in rows}
    assert {r["format_version"] for r in rows} == {FORMAT_VERSION}
    hyacinth = by_id["7002"]
    assert hyacinth["hs_codes"] == "0602; 0601.20" and hyacinth["eppo_codes"] == "EICCR"
    assert hyacinth["taxa"] == "Eichhornia crassipes [EICCR] (EU IAS Union list)"
    assert (hyacinth["ships_from"], hyacinth["trader_country"], hyacinth["decision"]) == ("NL", "NL", "refer")
    assert by_id["1584736291"]["ships_to"] == "US; CA; GB" and by_id["1584736291"]["needs_review"] == "yes"
    assert by_id["B0C7K2M9XQ"]["hs_codes"] == "2703; 2530; 3101; 6806; 1404"
    assert by_id["B0C7K2M9XQ"]["ships_from"] == "DE" and by_id["B0C7K2M9XQ"]["trader_country"] == "CN"
    assert by_id["413"]["hs_codes"] == "07; 08; 0603; 0604"
    assert by_id["176543210987"]["hs_codes"] == "" and by_id["176543210987"]["risk"] == "none"
    assert by_id["325987654321"]["description"].startswith("Bei Fragen")  # not pseudonymised: all of it


def test_json_keeps_types(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        path = write_export(store, "json", tmp_path / "x.json")
    tulips = next(r for r in json.loads(path.read_text(encoding="utf-8")) if r["listing_id"] == "325987654321")
    assert tulips["price"] == 12.5 and tulips["available"] is True and tulips["quantity_sold"] == 23
    assert tulips["categories"] == ["bulbs_tubers"] and tulips["hs_codes"] == ["0601", "0701.10"]
    assert tulips["decided_at"].endswith("+00:00") and tulips["first_seen"] == "2026-11-02T01:10:00+00:00"


def test_xlsx_about_sheet_and_typed_cells(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        path = write_export(store, "xlsx", tmp_path / "x.xlsx", ExportFilters(min_risk="high", country="NL"))
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["listings", "about"]
    about = {k: v for k, v in workbook["about"].iter_rows(values_only=True)}
    assert about["format_version"] == FORMAT_VERSION and about["pseudonymised"] == "no"
    assert about["filter min_risk"] == "high" and about["filter country"] == "NL"
    listings = workbook["listings"]
    assert listings["A1"].font.bold and listings.freeze_panes == "A2"
    price = COLUMNS.index("price") + 1
    assert isinstance(listings.cell(row=2, column=price).value, float)


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    database = tmp_path / "hostile.db"
    with Store(database) as store:
        store.save_listing(Listing(marketplace="m.example", listing_id="1", url="https://m.example/1",
                                   title='=HYPERLINK("https://evil.example","click")', seller_key="@attacker",
                                   description="bell\x07 vertical\x0b tab " + "x" * 40_000),
                           classification={"categories": ["seeds"], "risk": "high", "model_version": "t"})
        csv_path = write_export(store, "csv", tmp_path / "x.csv")
        xlsx_path = write_export(store, "xlsx", tmp_path / "x.xlsx")
        json_path = write_export(store, "json", tmp_path / "x.json")
    [row] = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert row["title"] == "'=HYPERLINK(\"https://evil.example\",\"click\")" and row["seller_key"] == "'@attacker"
    sheet = load_workbook(xlsx_path)["listings"]
    title = sheet.cell(row=2, column=COLUMNS.index("title") + 1)
    assert title.data_type == "s" and title.value == '=HYPERLINK("https://evil.example","click")'
    description = sheet.cell(row=2, column=COLUMNS.index("description") + 1).value
    assert description.startswith("bell vertical tab x") and len(description) == 32_767
    assert json.loads(json_path.read_text())[0]["title"].startswith("=HYPERLINK")  # JSON is data: unchanged


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx"])
def test_empty_selection_is_a_valid_file(database: Path, tmp_path: Path, fmt: str) -> None:
    with Store(database) as store:
        path = write_export(store, fmt, tmp_path / f"empty.{fmt}", NOTHING)
    assert read(path) == []
    if fmt == "json":
        assert json.loads(path.read_text()) == []
    if fmt == "jsonl":
        assert path.read_bytes() == b""


def _fail_on_third(monkeypatch: pytest.MonkeyPatch) -> None:
    real = RecordMaker.listing
    calls = []

    def failing(self: RecordMaker, row: dict[str, Any]) -> dict[str, Any]:
        calls.append(row)
        if len(calls) == 3:
            raise RuntimeError("disk unplugged half-way")
        return real(self, row)

    monkeypatch.setattr(RecordMaker, "listing", failing)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "xlsx", "rppo"])
def test_a_failed_export_leaves_the_good_one(database: Path, tmp_path: Path, fmt: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / f"export.{fmt}"
    with Store(database) as store:
        if fmt == "rppo":
            write_rppo_package(store, target)
        else:
            write_export(store, fmt, target)
        good = target.read_bytes()
        _fail_on_third(monkeypatch)
        with pytest.raises(RuntimeError, match="half-way"):
            if fmt == "rppo":
                write_rppo_package(store, target)
            else:
                write_export(store, fmt, target)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no partial file left behind


def test_a_new_export_in_a_new_folder(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        path = write_export(store, "csv", tmp_path / "2026" / "11" / "x.csv", ExportFilters(min_risk="high"))
    assert len(read(path)) == 6
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)  # exports hold personal data: owner only


def test_a_failed_xlsx_leaves_no_temporary_rows(database: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl streams a sheet's rows through temporary files: a failure must delete them too."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    _fail_on_third(monkeypatch)
    with Store(database) as store, pytest.raises(RuntimeError):
        write_export(store, "xlsx", tmp_path / "x.xlsx")
    assert list(scratch.iterdir()) == []


def test_xlsx_refuses_more_rows_than_excel_holds(database: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.export import ExportError
    from crawler.exports import writers

    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 4)  # Excel's 1,048,576, made small
    with Store(database) as store:
        assert len(read(write_export(store, "xlsx", tmp_path / "three.xlsx", ExportFilters(country="DE")))) == 3
        with pytest.raises(ExportError, match="an XLSX sheet holds at most 3 listings; narrow the filters"):
            write_export(store, "xlsx", tmp_path / "all.xlsx")
    assert not (tmp_path / "all.xlsx").exists()
