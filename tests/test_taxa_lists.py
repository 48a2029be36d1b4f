"""The converter of the US lists: every repair of the parsed noxious-weed file, US-RIIS, EPPO codes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifiers.build_taxa import (
    FNW_AUTHOR_ROWS,
    FNW_COMMON_REPAIRS,
    FNW_NAME_REPAIRS,
    RIIS_DROPPED_COMMON,
    build_us_noxious_weeds,
    build_us_riis,
    load_eppo_table,
)
from classifiers.taxa import phrase_key
from crawler.paths import data_dir

TAXA_DIR = data_dir() / "taxa"
EPPO_TABLE = TAXA_DIR / "reference" / "eppo_codes.tsv"


@pytest.fixture(scope="module")
def noxious(corpus: Path) -> dict[str, dict[str, str]]:
    rows = build_us_noxious_weeds(corpus / "regulated", load_eppo_table(EPPO_TABLE))
    return {row["scientific_name"]: row for row in rows}


@pytest.fixture(scope="module")
def riis(corpus: Path) -> dict[str, dict[str, str]]:
    rows = build_us_riis(corpus / "regulated", load_eppo_table(EPPO_TABLE))
    return {row["scientific_name"]: row for row in rows}


def _commons(row: dict[str, str]) -> list[str]:
    return [c.split(":", 1)[1] for c in row["common_names"].split("; ") if c]


@pytest.mark.fixtures
def test_noxious_weeds_list(noxious: dict[str, dict[str, str]]) -> None:
    assert len(noxious) == 110  # 112 parsed rows minus the two author fragments
    assert {r["status"] for r in noxious.values()} == {"noxious weed"}
    assert {r["list_name"] for r in noxious.values()} == {"US Federal Noxious Weeds"}
    assert {(r["kingdom"], r["jurisdiction"]) for r in noxious.values()} == {("Plantae", "US")}
    assert all(r["source_date"] == "2010-12-10" for r in noxious.values())


@pytest.mark.fixtures
@pytest.mark.parametrize(("parsed", "repaired"), sorted(FNW_NAME_REPAIRS.items()))
def test_each_noxious_weed_name_repair(noxious: dict[str, dict[str, str]], parsed: str, repaired: str) -> None:
    assert parsed not in noxious
    assert repaired in noxious


@pytest.mark.fixtures
@pytest.mark.parametrize("fragment", sorted(FNW_AUTHOR_ROWS))
def test_author_rows_are_dropped(noxious: dict[str, dict[str, str]], fragment: str) -> None:
    assert not any(fragment.split()[0] in name for name in noxious)


@pytest.mark.fixtures
@pytest.mark.parametrize(
    ("name", "common"),
    [
        ("Hydrilla verticillata", "Hydrilla"),
        ("Lagarosiphon major", "African elodea"),
        ("Drymaria arenariodes", "Lightning weed"),
        ("Eichhornia azurea", "Anchored water hyacinth"),
        ("Digitaria velutina", "Velvet fingergrass"),
        ("Cuscuta", "Dodder"),
        ("Orobanche", "Broomrape"),
        ("Striga", "Witchweed"),
    ],
)
def test_each_noxious_weed_common_name_repair(noxious: dict[str, dict[str, str]], name: str, common: str) -> None:
    assert common in _commons(noxious[name])
    (cell,) = [cell for cell, names in FNW_COMMON_REPAIRS.items() if common in names]
    assert cell not in _commons(noxious[name]) or cell in FNW_COMMON_REPAIRS[cell]  # "Dodders" stays


@pytest.mark.fixtures
def test_noxious_weed_genus_rows_and_dropped_names(noxious: dict[str, dict[str, str]]) -> None:
    genera = {name for name, row in noxious.items() if row["rank"] == "genus"}
    assert genera == {"Aeginetia", "Alectra", "Cuscuta", "Orobanche", "Striga"}
    assert "Pennisetum" not in noxious and "Senecio" not in noxious  # species rows, not the genus
    assert noxious["Pennisetum clandestinum"]["synonyms"] == "Cenchrus clandestinus"
    assert "Digitaria abyssinica" in noxious["Digitaria scalarum"]["synonyms"]
    everything = {c.casefold() for row in noxious.values() for c in _commons(row)}
    for dropped in ("varies by species", "mesquite", "red rice", "arrowhead", "coat buttons", "fireweed"):
        assert dropped not in everything
    assert _commons(noxious["Azolla pinnata"]) == ["Mosquito fern", "water velvet"]
    assert noxious["Salvinia molesta"]["eppo_code"] == "SAVMO"


@pytest.mark.fixtures
def test_riis_invasive_plants(riis: dict[str, dict[str, str]], corpus: Path) -> None:
    with (corpus / "regulated" / "us_usgs_riis_v2_plants.csv").open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    invasive = {r["scientific_name"] for r in records if "invasive" in r["degree_of_establishment"]}
    established_only = {r["scientific_name"] for r in records} - invasive
    assert len(riis) == len(invasive) == 1930  # one row per taxon, localities merged
    assert not established_only & set(riis)
    assert {(r["status"], r["kingdom"], r["jurisdiction"]) for r in riis.values()} == {("invasive", "Plantae", "US")}
    assert riis["Ailanthus altissima"]["source"].endswith("invasive in: Hawaii, lower 48 states")
    assert riis["Fallopia x bohemica"]["rank"] == "hybrid"  # "Fallopia X bohemica" in the source
    assert riis["Euphorbia esula ssp. tommasiniana"]["synonyms"] == "Euphorbia esula subsp. tommasiniana"
    assert riis["Ailanthus altissima"]["eppo_code"] == "AILAL"


@pytest.mark.fixtures
def test_riis_drops_food_crops_and_everyday_words(riis: dict[str, dict[str, str]]) -> None:
    kept = {c.casefold() for row in riis.values() for c in _commons(row)}
    assert not kept & RIIS_DROPPED_COMMON
    assert _commons(riis["Camellia sinensis"]) == []  # "Tea"
    assert _commons(riis["Oryza sativa"]) == []  # "Rice"
    assert "Horseradish" not in _commons(riis["Armoracia rusticana"])
    assert "Lantana" not in _commons(riis["Lantana camara"])  # the genus name itself
    assert "Kudzu" in _commons(riis["Pueraria montana var. lobata"])
    assert "Tree of heaven" in _commons(riis["Ailanthus altissima"])


def test_eppo_table_cites_a_source_for_every_code() -> None:
    with EPPO_TABLE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    assert len(rows) >= 25
    for row in rows:
        assert row["eppo_code"].isupper() and 5 <= len(row["eppo_code"]) <= 6, row
        assert row["source"].startswith(("https://", "EPPO ", "DEFRA/")), row
    table = load_eppo_table(EPPO_TABLE)
    assert table[phrase_key("Pontederia crassipes")] == table[phrase_key("Eichhornia crassipes")] == "EICCR"
