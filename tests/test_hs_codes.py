"""The HS code mapping of data/hs_codes.toml: complete, well-formed, and saying what customs would expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.types import CATEGORIES
from crawler.export import ExportError
from crawler.exports.hs_codes import HS_CODE, load_hs_mapping


def test_every_category_is_mapped_and_every_code_described() -> None:
    hs = load_hs_mapping()
    assert set(hs.codes_by_category) == set(CATEGORIES)
    assert hs.codes_by_category["not_regulated"] == ()
    for category in set(CATEGORIES) - {"not_regulated"}:
        assert hs.codes_by_category[category], category
        assert hs.notes_by_category[category], category
    used = {c for codes in (*hs.codes_by_category.values(), *hs.also_by_category.values()) for c in codes}
    assert used == set(hs.titles)  # every described code is used, every used code described
    assert all(HS_CODE.match(code) for code in used)
    assert "HS" in hs.source["nomenclature"] and "2022" in hs.source["nomenclature"]
    assert hs.source["publisher"] == "World Customs Organization (WCO)"


@pytest.mark.parametrize(
    ("category", "codes"),
    [
        ("bulbs_tubers", {"0601", "0701.10"}),  # bulbs, tubers, corms, crowns, rhizomes; seed potatoes
        ("plants_for_planting", {"0602"}),  # live plants, cuttings, slips
        ("seeds", {"1209"}),  # seeds, fruit and spores for sowing
        ("soil_growing_media", {"2703", "2530"}),  # peat; soil and natural earths
        ("living_organisms", {"0106", "0307", "0602.90"}),  # live insects and other animals, snails, mushroom spawn
        ("fresh_produce", {"07", "08", "0603", "0604"}),  # vegetables, fruit, cut flowers and foliage
        ("wood_bark", {"4401", "4403"}),  # fuel wood and chips, wood in the rough
        ("processed_plant_products", {"09", "10", "12", "14"}),
    ],
)
def test_category_codes(category: str, codes: set[str]) -> None:
    assert codes <= set(load_hs_mapping().codes_by_category[category])


def test_edible_insects_are_documented_not_exported() -> None:
    hs = load_hs_mapping()
    assert "0410" in hs.also_by_category["living_organisms"]
    assert "0410" not in hs.codes_by_category["living_organisms"]
    assert hs.codes_for(["seeds", "bulbs_tubers", "seeds"]) == ["1209", "0601", "0701.10"]


def test_a_wrong_mapping_file_names_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "hs.toml"
    bad.write_text('[categories.seeds]\ncodes = ["12O9"]\n[codes]\n"1209" = "Seeds"\n')
    with pytest.raises(ExportError, match=r"hs.toml: categories.seeds.codes: '12O9' is not an HS code"):
        load_hs_mapping(bad)
    bad.write_text('[categories.seeds]\ncodes = ["1209"]\n')
    with pytest.raises(ExportError, match="categories.seeds.codes: 1209 has no description under"):
        load_hs_mapping(bad)
