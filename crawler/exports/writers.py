"""Records into files: CSV, JSON, JSON Lines and XLSX, each written whole or not at all.

Scraped text is hostile here too: a title that starts with ``=`` must not
become a spreadsheet formula when an officer opens the file, and control
characters that spreadsheets refuse must not make an export fail.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from crawler.exports import ExportError
from crawler.exports.fields import Field, names

#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limits: characters in a cell, rows in a sheet (the header row included).
XLSX_CELL_LIMIT = 32_767
XLSX_MAX_ROWS = 1_048_576


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` only once it is complete and on disk.

    It is written under a temporary name in the same folder and renamed at the
    end, so a failure (a full disk, a crash, an exception) leaves any earlier
    file at ``path`` untouched and no partial file behind. Like the database,
    the result is readable by its owner only: exports can hold personal data.
    """
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give the file to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def text_cell(value: Any) -> Any:
    """A record's value as one spreadsheet or CSV cell: lists joined, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value)
    if isinstance(value, str):
        value = value.replace("\x00", "")
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


def _item(value: Any) -> str:
    if isinstance(value, dict):  # a taxon
        return f"{value.get('scientific_name')} [{value.get('eppo_code') or '-'}] ({value.get('list_name')})"
    return str(value)


class _Utf8:
    """What :func:`csv.writer` writes to, encoding to UTF-8 bytes (also inside a zip member)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(text.encode("utf-8"))


def write_csv(out: IO[bytes] | Any, fields: tuple[Field, ...], records: Iterable[dict[str, Any]]) -> int:
    """UTF-8 CSV with a header row (also when there are no records); return the record count."""
    columns = names(fields)
    writer = csv.writer(_Utf8(out))
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([text_cell(record.get(c)) for c in columns])
        count += 1
    return count


def write_json(out: IO[bytes], records: Iterable[dict[str, Any]]) -> int:
    """A JSON array of records (``[]`` when there are none), one record per line."""
    count = 0
    out.write(b"[\n")
    for record in records:
        out.write((b",\n" if count else b"") + json.dumps(record, ensure_ascii=False).encode("utf-8"))
        count += 1
    out.write(b"\n]\n" if count else b"]\n")
    return count


def write_jsonl(out: IO[bytes], records: Iterable[dict[str, Any]]) -> int:
    """JSON Lines: one record per line (an empty file when there are none)."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


def write_xlsx(
    out: IO[bytes],
    sheets: list[tuple[str, tuple[Field, ...], Iterable[dict[str, Any]]]],
    about: list[tuple[str, Any]],
) -> dict[str, int]:
    """A workbook with one sheet per record type and an ``about`` sheet; return the counts per sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet: Any, value: Any, header: bool = False) -> Any:
        if isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        elif not isinstance(value, str):
            value = text_cell(value)  # lists joined, booleans as yes/no; text needs no formula guard here
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(value) > XLSX_CELL_LIMIT:
                value = value[: XLSX_CELL_LIMIT - 1] + "…"
        if value == "":
            return None
        if not header and not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value: openpyxl writes it fastest
        c = WriteOnlyCell(sheet, value=value)
        c.data_type = "s" if isinstance(value, str) else c.data_type  # text, never a formula
        if header:
            c.font = bold
        return c

    counts = {}
    try:
        for title, fields, records in sheets:
            sheet = workbook.create_sheet(title)
            sheet.freeze_panes = "A2"
            columns = names(fields)
            sheet.append([cell(sheet, c, header=True) for c in columns])
            count = 0
            for record in records:
                if count + 1 >= XLSX_MAX_ROWS:
                    raise ExportError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS - 1:,} {title}; narrow the "
                                      "filters, or export CSV or JSON")  # fmt: skip
                sheet.append([cell(sheet, record.get(c)) for c in columns])
                count += 1
            counts[title] = count
        sheet = workbook.create_sheet("about")
        for key, value in about:
            sheet.append([cell(sheet, key, header=True), cell(sheet, value)])
        workbook.save(out)
    except BaseException:
        _discard(workbook)
        raise
    return counts


def _discard(workbook: Any) -> None:
    """Close a failed workbook's sheets and delete their temporary files (they hold the exported rows)."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        try:
            if not sheet.closed:
                sheet.close()
        except Exception:  # noqa: BLE001 - cleaning up after the real error, which is re-raised
            pass
        if writer is not None:
            writer.cleanup()
