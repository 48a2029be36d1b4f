"""The README.md inside an RPPO package: what each file and field means, for a reader without phytowatch.

A package travels by e-mail and ends up in someone else's archive; it has to
explain itself there, years later, with nothing but its own files.
"""

from __future__ import annotations

from typing import Any

from crawler.exports.fields import (
    DECISION_FIELDS,
    EVIDENCE_FIELDS,
    FORMAT_VERSION,
    LISTING_FIELDS,
    TRADER_FIELDS,
    Field,
)
from crawler.exports.hs_codes import HsMapping


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def field_table(fields: tuple[Field, ...], pseudonymised: bool, column: str = "in this pseudonymised export") -> str:
    """A Markdown table of fields; the pseudonymisation column (titled ``column``) only when it applies."""
    head = "| field | meaning | units or codes |" + (f" {column} |" if pseudonymised else "")
    rule = "| --- | --- | --- |" + (" --- |" if pseudonymised else "")
    rows = [
        f"| `{f.name}` | {_cell(f.meaning)} | {_cell(f.units)} |"
        + (f" {_cell(f.pseudonymised)} |" if pseudonymised else "")
        for f in fields
    ]
    return "\n".join([head, rule, *rows])


def hs_table(hs: HsMapping) -> str:
    rows = ["| category | HS codes (in `hs_codes`) | also declared under | notes |", "| --- | --- | --- | --- |"]
    for category, codes in hs.codes_by_category.items():
        listed = "; ".join(f"{c} {hs.titles[c]}" for c in codes) or "none"
        also = "; ".join(f"{c} {hs.titles[c]}" for c in hs.also_by_category.get(category, ())) or "-"
        notes = hs.notes_by_category.get(category, "")
        rows.append(f"| `{category}` | {_cell(listed)} | {_cell(also)} | {_cell(notes)} |")
    return "\n".join(rows)


def package_readme(manifest: dict[str, Any], hs: HsMapping, with_evidence: bool) -> str:
    """The README's text, from the manifest of the package it describes."""
    pseudonymised = bool(manifest["pseudonymised"])
    filters = manifest["filters"]
    used = [f"* `{k}`: {', '.join(v) if isinstance(v, list) else v}" for k, v in filters.items() if v is not None]
    counts = manifest["counts"]
    parts = [
        "# phytowatch export for an RPPO",
        "",
        f"Made by phytowatch {manifest['phytowatch_version']} on {manifest['created_at']} (UTC), "
        f"export format version **{FORMAT_VERSION}**.",
        f"It holds {counts['listings']} listings of {counts['traders']} traders and {counts['decisions']} review "
        "decisions, selected by these filters:",
        "",
        *(used or ["* none: every listing in the database"]),
        "",
        "## Files",
        "",
        "| file | content |",
        "| --- | --- |",
        "| `listings.csv` | one row per listing, riskiest first |",
        "| `traders.csv` | one row per trader with at least one listing here |",
        "| `decisions.csv` | every review decision on these listings, oldest first (the audit trail) |",
        "| `records.json` | the same records as one JSON object: `format_version`, `listings`, `traders`, "
        "`decisions` |",
        *(["| `evidence.csv`, `evidence/` | captured pages (WARC) and screenshots (PNG) of the listings |"]
          if with_evidence else []),
        "| `manifest.json` | version, time, filters, counts, and the SHA-256 of every data file |",
        "| `README.md` | this description |",
        "| `SHA256SUMS` | SHA-256 of every other file in the package |",
        "",
        "CSV files are UTF-8 with a header row, comma-separated, quoted where needed. Lists are joined with `; `. "
        "A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so that "
        "a spreadsheet shows it as text instead of running it as a formula. Listings join traders on "
        "(`marketplace`, `seller_key`) and decisions on (`marketplace`, `listing_id`).",
        "",
        "## Checking the files",
        "",
        "Unzip the package and, in its folder, run `sha256sum -c SHA256SUMS` (Linux; on macOS "
        "`shasum -a 256 -c SHA256SUMS`): every line must say `OK`. On Windows, compare "
        "`Get-FileHash -Algorithm SHA256 listings.csv` with the line of `SHA256SUMS`.",
        "",
    ]
    if pseudonymised:
        parts += [
            "## Pseudonymisation",
            "",
            "This export is **pseudonymised**. Seller names, seller ids, profile and shop URLs, listing URLs and ids "
            "that name the seller, and e-mail addresses, phone numbers, URLs and domain names in titles are replaced "
            "by `pw:<kind>:<16 hex digits>`: the start of HMAC-SHA256 under a key that stays with the exporting NPPO. "
            "The same seller has the same pseudonym in every export made with the same key "
            f"(key fingerprint `{manifest['key_id']}`), so packages can be linked; without the key a pseudonym "
            "cannot be turned back into a name or checked against a guess. Descriptions and officers' notes are left "
            "out, because no pattern can find every name, address or phone number written in free prose.",
            "",
        ]
    parts += [
        "## listings.csv",
        "",
        field_table(LISTING_FIELDS, pseudonymised),
        "",
        "## traders.csv",
        "",
        field_table(TRADER_FIELDS, pseudonymised),
        "",
        "## decisions.csv",
        "",
        field_table(DECISION_FIELDS, pseudonymised),
        "",
    ]
    if with_evidence:
        parts += ["## evidence.csv", "", field_table(EVIDENCE_FIELDS, False), ""]
    parts += [
        "## Codes",
        "",
        "Countries are ISO 3166-1 alpha-2 codes, currencies ISO 4217 codes, taxa carry their EPPO codes "
        "(https://gd.eppo.int). HS codes follow the "
        f"{hs.source.get('nomenclature', 'Harmonized System')} ({hs.source.get('publisher', 'WCO')}); each "
        "category corresponds to these codes:",
        "",
        hs_table(hs),
        "",
        "Risk levels: `high` for plants for planting, seeds, bulbs and tubers, soil and growing media and living "
        "organisms, and for any listing naming a prohibited taxon; `medium` for fresh produce and wood and bark; "
        "`low` for processed plant products; `none` otherwise.",
        "",
    ]
    return "\n".join(parts)
