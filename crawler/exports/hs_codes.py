"""Harmonized System codes of the commodity categories, from ``data/hs_codes.toml``.

Customs services and RPPOs count trade by HS code; giving every exported
listing the codes of its categories lets them join our records with their
declarations and interceptions without learning our category names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.exports import ExportError
from crawler.paths import data_dir

#: A chapter (``07``), a heading (``0601``) or a subheading (``0701.10``), as the WCO writes them.
HS_CODE = re.compile(r"^\d{2}(\d{2}(\.\d{2})?)?$")


@dataclass(frozen=True)
class HsMapping:
    """For each commodity category, the HS codes it corresponds to, with notes and code titles.

    ``codes_by_category`` go with every exported listing of the category;
    ``also_by_category`` are documented only (headings that mostly hold other goods).
    """

    source: dict[str, str]
    codes_by_category: dict[str, tuple[str, ...]]
    also_by_category: dict[str, tuple[str, ...]]
    notes_by_category: dict[str, str]
    titles: dict[str, str]

    def codes_for(self, categories: list[str]) -> list[str]:
        """HS codes of a listing's categories, without repeats, in the order of the categories."""
        seen: dict[str, None] = {}
        for category in categories:
            for code in self.codes_by_category.get(category, ()):
                seen.setdefault(code)
        return list(seen)


def default_mapping_path() -> Path:
    return data_dir() / "hs_codes.toml"


@lru_cache(maxsize=4)
def load_hs_mapping(path: Path | None = None) -> HsMapping:
    """Read and check the mapping; a wrong file is an :class:`ExportError` naming file and entry."""
    file = path or default_mapping_path()
    try:
        raw: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExportError(f"{file}: cannot read the HS code mapping: {exc}") from None
    titles = {str(k): str(v) for k, v in raw.get("codes", {}).items()}
    codes: dict[str, tuple[str, ...]] = {}
    also: dict[str, tuple[str, ...]] = {}
    notes: dict[str, str] = {}
    for category, entry in raw.get("categories", {}).items():
        for kind, found in (("codes", codes), ("also", also)):
            listed = tuple(str(c) for c in entry.get(kind, []))
            for code in listed:
                if not HS_CODE.match(code):
                    raise ExportError(f"{file}: categories.{category}.{kind}: {code!r} is not an HS code like 0601")
                if code not in titles:
                    raise ExportError(f"{file}: categories.{category}.{kind}: {code} has no description under [codes]")
            found[category] = listed
        notes[category] = " ".join(str(entry.get("notes", "")).split())
    return HsMapping(
        source={str(k): str(v) for k, v in raw.get("source", {}).items()},
        codes_by_category=codes,
        also_by_category=also,
        notes_by_category=notes,
        titles=titles,
    )
