"""Build phytowatch's taxa lists (``data/taxa/*.csv``) from official source files.

Usage::

    python -m classifiers.build_taxa                  # sources from the shared corpus
    python -m classifiers.build_taxa --sources DIR --out data/taxa

Sources (``<corpus>/regulated/``, provenance in ``data/taxa/README.md``):

* ``eu_ias_union_list_2025.csv``: the 88 species of the EU list of invasive alien
  species of Union concern (Reg. (EU) 1143/2014), one per row.
* ``eu_ias_easin_names_synonyms.csv``: JRC EASIN common names and synonyms.
* ``defra_phi_pest_name.json`` + ``defra_phi_plant_pest_reg.json``: UK Plant Health
  Information pest names (EPPO codes, synonyms, common names) and GB regulation.
* ``us_federal_noxious_weeds_2010_parsed.csv``: the USDA APHIS Federal Noxious Weed
  List, parsed from its PDF (artefacts repaired in :mod:`classifiers.build_taxa_us`).
* ``us_usgs_riis_v2_plants.csv``: USGS US-RIIS v2.0 plant records; the invasive ones
  (converted in :mod:`classifiers.build_taxa_us`).

EPPO codes come from the Defra pest names and from ``data/taxa/reference/eppo_codes.tsv``
(codes stated by the EPPO Global Database, one cited page per code).

Writes ``eu_ias_union_list.csv``, ``gb_quarantine_pests.csv``,
``us_federal_noxious_weeds.csv`` and ``us_riis_invasive_plants.csv`` in the format of
``data/taxa/README.md``. The output is deterministic (sorted rows and names).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from classifiers.build_taxa_us import (  # noqa: F401  (the US converters' names, importable from here too)
    FNW_AUTHOR_ROWS,
    FNW_COMMON_REPAIRS,
    FNW_DROPPED_COMMON,
    FNW_GENERA,
    FNW_NAME_REPAIRS,
    FNW_SOURCE,
    FNW_SYNONYMS,
    RIIS_DROPPED_COMMON,
    RIIS_LOCALITIES,
    RIIS_SOURCE,
    build_us_noxious_weeds,
    build_us_riis,
)
from classifiers.taxa import phrase_key

COLUMNS = [
    "scientific_name", "rank", "synonyms", "common_names", "eppo_code",
    "list_name", "status", "kingdom", "source", "source_date", "jurisdiction",
]  # fmt: skip

#: Union-list names that EASIN files under a newer accepted name (checked by hand, 2025).
EASIN_CROSSWALK = {
    "Herpestes javanicus": "Urva auropunctata",
    "Orconectes limosus": "Faxonius limosus",
    "Prosopis juliflora": "Neltuma juliflora",
    "Pueraria montana": "Pueraria montana (Lour.) Merr. var. lobata",
    "Trachemys scripta elegans": "Trachemys scripta",
}
#: Union-list plants (and one brown alga); every other Union-list species is an animal.
PLANTAE = frozenset(
    [
        "Acacia saligna",
        "Ailanthus altissima",
        "Alternanthera philoxeroides",
        "Andropogon virginicus",
        "Asclepias syriaca",
        "Baccharis halimifolia",
        "Cabomba caroliniana",
        "Cardiospermum grandiflorum",
        "Celastrus orbiculatus",
        "Cortaderia jubata",
        "Ehrharta calycina",
        "Eichhornia crassipes",
        "Elodea nuttallii",
        "Gunnera tinctoria",
        "Gymnocoronis spilanthoides",
        "Hakea sericea",
        "Heracleum mantegazzianum",
        "Heracleum persicum",
        "Heracleum sosnowskyi",
        "Humulus scandens",
        "Hydrocotyle ranunculoides",
        "Impatiens glandulifera",
        "Koenigia polystachya",
        "Lagarosiphon major",
        "Lespedeza cuneata",
        "Ludwigia grandiflora",
        "Ludwigia peploides",
        "Lygodium japonicum",
        "Lysichiton americanus",
        "Microstegium vimineum",
        "Myriophyllum aquaticum",
        "Myriophyllum heterophyllum",
        "Parthenium hysterophorus",
        "Pennisetum setaceum",
        "Persicaria perfoliata",
        "Pistia stratiotes",
        "Prosopis juliflora",
        "Pueraria montana",
        "Salvinia molesta",
        "Triadica sebifera",
    ]
)
CHROMISTA = frozenset({"Rugulopteryx okamurae"})
#: EASIN common names too generic to name a Union-list species in a listing.
GENERIC_COMMON_NAMES = frozenset(
    [
        "acácia",
        "mimosa",
        "mosa",
        "akazie",
        "blaublättrige",
        "arcacia",
        "amargosa",
        "requeson",
        "camalote",
        "mentruz",
        "whiteheads",
        "broomweed",
        "crassula",
        "krassula",
        "nadelkraut",
        "grubosz",
        "sanguinária",
        "japanse",
        "greiskraut",
        "senecione",
        "staračac",
        "sika",
        "dojo",
        "kiver",
        "mesquite",
        "algarrobo",
        "algaroba",
        "cinamomo",
        "papelero",
        "mora turca",
        "verno",
        "irlando",
        "cornissa",
        "hivernenc",
        "llantio",
        "german sausage",
        "gypsy rhubarb",
        "pig weed",
        "giant rhubarb",
        "apple snail",
        "mystery snail",
        "black snail",
        "rice snail",
        "trapdoor snail",
        "stonecrop",
        "pigmy weed",
        "chicken tree",
        "popcorn tree",
        "florida aspen",
        "vegetable tallow",
        "white wax berry",
        "plumacho",
        "gambies",
        "top minnow",
        "asian apple snail",
        "pond loach",
    ]
)
#: Defra common names that are symptoms or everyday phrases rather than a pest's name.
GB_GENERIC = frozenset({"shot hole", "leaf scorch", "flat apple", "mal nero", "grass worm"})
#: EASIN "(XX)" suffixes are countries; the language spoken there, approximately.
COUNTRY_LANG = {
    "UK": "en", "IE": "ga", "DE": "de", "NL": "nl", "FR": "fr", "ES": "es", "IT": "it",
    "PT": "pt", "PL": "pl", "EE": "et", "SE": "sv", "RU": "ru", "LT": "lt", "CZ": "cs",
    "NO": "no", "DN": "da", "DK": "da", "BG": "bg", "RO": "ro", "LV": "lv", "FN": "fi",
    "FI": "fi", "TK": "tr", "SK": "sk", "SI": "sl", "LU": "lb", "HU": "hu", "HR": "hr",
}  # fmt: skip
EU_SOURCE = (
    "EU Union list (Reg. (EU) 1143/2014): Simon-Reynaert/iEcology-IAS-miner "
    "list_of_union_concern.csv@408bb0e; names: JRC EASIN via "
    "EASIN_species_names_synonyms_with_id.csv@e40a0ca"
)
GB_SOURCE = (
    "UK Plant Health Information (Defra/Fera, OGL v3): DEFRA/phi-etl-fera-backend "
    "pest_name.json + plant_pest_reg.json@0ffbc2d"
)
_AUTHOR = re.compile(r"\s*\([^)]*\)|\s+[A-Z][\w-]*\.(?=\s|$)")
_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<cc>[A-Z]{2})\)$")


def _clean_scientific(name: str) -> str:
    """Drop authorship: ``Pueraria montana (Lour.) Merr. var. lobata`` -> ``… var. lobata``."""
    return re.sub(r"\s+", " ", _AUTHOR.sub("", name)).strip(" '\"")


def _rank(name: str) -> str:
    """The rank a cleaned name's shape says (the sources give none); also used by the US converters."""
    words = name.split()
    if len(words) == 1:
        return "genus"
    if "var." in words:
        return "variety"
    return "species" if len(words) == 2 else "subspecies"


def _dedupe(names: list[str]) -> list[str]:
    """Names that fold to the same phrase once only, sorted; also used by the US converters."""
    seen: dict[tuple[str, ...], str] = {}
    for name in names:
        seen.setdefault(phrase_key(name.split(":", 1)[-1]), name)
    return sorted(seen.values(), key=str.casefold)


def _eppo_lookup(pests: list[dict]) -> dict[tuple[str, ...], str]:
    lookup: dict[tuple[str, ...], str] = {}
    for pest in pests:
        code = pest.get("EPPO_CODE")
        if not code:
            continue
        for name in [pest.get("LATIN_NAME")] + ((pest.get("SYNONYM_NAME") or {}).get("SYNONYM_NAME") or []):
            if name:
                lookup.setdefault(phrase_key(_clean_scientific(name)), code)
    return lookup


def build_eu_ias(sources: Path, eppo: dict[tuple[str, ...], str]) -> list[dict[str, str]]:
    with (sources / "eu_ias_union_list_2025.csv").open(newline="", encoding="utf-8") as fh:
        union = [row["Scientific Name"].strip() for row in csv.DictReader(fh)]
    common: dict[str, list[str]] = defaultdict(list)
    synonyms: dict[str, list[str]] = defaultdict(list)
    accepted_of: dict[str, str] = {}
    with (sources / "eu_ias_easin_names_synonyms.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            species, name = row["Scientific Name"].strip(), row["All Names"].strip()
            if row["Label"] == "Synonym":
                synonyms[species].append(_clean_scientific(name))
                accepted_of.setdefault(name, species)
            else:
                common[species].append(name)
    rows = []
    for name in union:
        easin = name if name in common or name in synonyms else None
        easin = easin or accepted_of.get(name) or EASIN_CROSSWALK.get(name)
        syns = list(synonyms.get(easin, [])) if easin else []
        if easin and easin != name:
            syns.append(_clean_scientific(easin))
        if _rank(name) == "subspecies":  # sellers write "Vespa velutina"
            syns.append(" ".join(name.split()[:2]))
        syns = [s for s in _dedupe(syns) if phrase_key(s) != phrase_key(name)]
        names = []
        for raw in common.get(easin, []) if easin else []:
            m = _SUFFIX.match(raw)
            label, lang = (m["name"], COUNTRY_LANG.get(m["cc"], "und")) if m else (raw, "und")
            label = label.strip()
            bad = "?" in label or label.endswith("-") or len(label) < 4
            if bad or label.casefold() in GENERIC_COMMON_NAMES:
                continue
            if phrase_key(label) == phrase_key(name.split()[0]):  # "Hakea": the whole genus
                continue
            names.append(f"{lang}:{label}")
        # prefer a tagged language over "und" for the same name
        names.sort(key=lambda n: n.startswith("und:"))
        code = next((eppo[k] for k in map(phrase_key, [name, *syns]) if k in eppo), "")
        kingdom = "Plantae" if name in PLANTAE else "Chromista" if name in CHROMISTA else "Animalia"
        rows.append({
            "scientific_name": name, "rank": _rank(name), "synonyms": "; ".join(syns),
            "common_names": "; ".join(_dedupe(names)), "eppo_code": code,
            "list_name": "EU IAS Union list", "status": "prohibited", "kingdom": kingdom,
            "source": EU_SOURCE, "source_date": "2025", "jurisdiction": "EU",
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["scientific_name"])


def build_gb_quarantine(sources: Path) -> list[dict[str, str]]:
    pests = {p["CSL_REF"]: p for p in _json(sources / "defra_phi_pest_name.json")["PEST_NAME"]}
    regulation: dict[int, set[str]] = defaultdict(set)
    for row in _json(sources / "defra_phi_plant_pest_reg.json")["PLANT_PEST_REG"]:
        category = row.get("REGULATION_CATEGORY") or ""
        if category.startswith(("Quarantine pest", "Provisional quarantine pest")):
            regulation[row["CSL_REF"]].add(category)
    rows = []
    for ref in sorted(regulation):
        pest = pests.get(ref)
        if not pest or not pest.get("LATIN_NAME"):
            continue
        name = _clean_scientific(pest["LATIN_NAME"])
        syns = [
            _clean_scientific(s)
            for s in (pest.get("SYNONYM_NAME") or {}).get("SYNONYM_NAME") or []
            if s and len(phrase_key(s)) > 1  # no acronyms ("PVX", "AP")
        ]
        commons = [
            f"en:{c.strip()}"
            for c in (pest.get("COMMON_NAME") or {}).get("COMMON_NAME") or []
            if c and len(c.split()) > 1 and "," not in c and c.casefold() not in GB_GENERIC
        ]
        provisional = all(c.startswith("Provisional") for c in regulation[ref])
        rows.append({
            "scientific_name": name, "rank": _rank(name),
            "synonyms": "; ".join(s for s in _dedupe(syns) if s and phrase_key(s) != phrase_key(name)),
            "common_names": "; ".join(_dedupe(commons)), "eppo_code": pest.get("EPPO_CODE") or "",
            "list_name": "GB quarantine pests",
            "status": "provisional quarantine pest" if provisional else "quarantine pest",
            "kingdom": "", "source": GB_SOURCE, "source_date": "2026-03-19", "jurisdiction": "GB",
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["scientific_name"].casefold())


def load_eppo_table(path: Path) -> dict[tuple[str, ...], str]:
    """``reference/eppo_codes.tsv``: scientific name -> EPPO code, each with its source page."""
    table: dict[tuple[str, ...], str] = {}
    if not path.is_file():
        return table
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            table[phrase_key(row["scientific_name"])] = row["eppo_code"].strip()
    return table


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    from crawler.paths import data_dir, fixtures_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=fixtures_dir() / "regulated")
    parser.add_argument("--out", type=Path, default=data_dir() / "taxa")
    parser.add_argument("--eppo", type=Path, default=data_dir() / "taxa" / "reference" / "eppo_codes.tsv")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    eppo = _eppo_lookup(_json(args.sources / "defra_phi_pest_name.json")["PEST_NAME"])
    eppo.update(load_eppo_table(args.eppo))
    lists = {
        "eu_ias_union_list.csv": build_eu_ias(args.sources, eppo),
        "gb_quarantine_pests.csv": build_gb_quarantine(args.sources),
        "us_federal_noxious_weeds.csv": build_us_noxious_weeds(args.sources, eppo),
        "us_riis_invasive_plants.csv": build_us_riis(args.sources, eppo),
    }
    for name, rows in lists.items():
        write(rows, args.out / name)
        coded = sum(bool(r["eppo_code"]) for r in rows)
        print(f"{name}: {len(rows)} taxa, {coded} with an EPPO code", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
