"""Regulated-taxa lists: folding with offsets, matching, effect on verdicts, and the converter."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from classifiers.build_taxa import COLUMNS, build_eu_ias, main
from classifiers.rules import RuleClassifier
from classifiers.taxa import TaxaIndex, fold
from crawler.paths import data_dir

TAXA_DIR = data_dir() / "taxa"


@pytest.fixture(scope="module")
def taxa() -> TaxaIndex:
    return TaxaIndex.load(TAXA_DIR)


@pytest.fixture(scope="module")
def clf() -> RuleClassifier:
    return RuleClassifier.load()


def _find(index: TaxaIndex, text: str) -> list:  # type: ignore[type-arg]
    return [m for m, _ in index.find(fold(text))]


def test_fold_keeps_offsets_into_the_original() -> None:
    text = "Straße: RIESEN-BÄRENKLAU, ﬁne cafe\u0301 été"
    folded = fold(text)
    assert folded.text == "strasse: riesen-barenklau, fine cafe ete"
    words = [text[slice(*folded.token_span(k, k))] for k in range(len(folded.tokens))]
    assert words == ["Straße", "RIESEN", "BÄRENKLAU", "ﬁne", "cafe\u0301", "été"]
    assert folded.tokens == ["strasse", "riesen", "barenklau", "fine", "cafe", "ete"]
    assert fold("Plain ASCII").offsets is None
    assert fold("Title line\ndescription").title_end == len("Title line")


def test_every_list_follows_the_documented_format() -> None:
    files = sorted(TAXA_DIR.glob("*.csv"))
    assert {f.name for f in files} >= {"eu_ias_union_list.csv", "gb_quarantine_pests.csv"}
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == COLUMNS, path
            assert all(row["scientific_name"] for row in reader)


def test_eu_union_list_is_loaded(taxa: TaxaIndex) -> None:
    eu = [t for t in taxa.taxa if t.list_name == "EU IAS Union list"]
    assert len(eu) == 88
    assert {t.status for t in eu} == {"prohibited"}
    assert {t.kingdom for t in eu} == {"Plantae", "Animalia", "Chromista"}


def test_scientific_name_in_accented_text(taxa: TaxaIndex) -> None:
    text = "Jacinthe d’eau à fleurs mauves – Eichhornia crassipes, plante flottante"
    eu, us = _find(taxa, text)  # on the EU Union list and the US-RIIS invasive plants
    assert text[eu.start : eu.end] == eu.text == "Eichhornia crassipes"
    assert eu.start == text.index("Eichhornia")
    assert (eu.scientific_name, eu.list_name, eu.status, eu.matched_as, eu.eppo_code) == (
        "Eichhornia crassipes", "EU IAS Union list", "prohibited", "scientific", "EICCR",
    )  # fmt: skip
    assert (us.list_name, us.status, us.eppo_code) == ("US RIIS invasive plants", "invasive", "EICCR")


def test_synonyms_and_common_names(taxa: TaxaIndex) -> None:
    (syn,) = _find(taxa, "Pontederia crassipes, 3 Stück")
    assert (syn.scientific_name, syn.matched_as) == ("Eichhornia crassipes", "synonym")
    (common,) = _find(taxa, "Floating pond plant WATER-HYACINTH")
    assert common.text == "WATER-HYACINTH" and common.scientific_name == "Eichhornia crassipes"
    assert common.matched_as.startswith("common:")
    for text in ("Götterbaum Samen", "GOTTERBAUM samen", "Götter-baum"):
        hits = _find(taxa, text)
        assert [m.scientific_name for m in hits] == ["Ailanthus altissima"][: len(hits)], text
    assert _find(taxa, "Götterbaum Samen")[0].text == "Götterbaum"
    assert _find(taxa, "Vespa velutina nest trap")[0].scientific_name == "Vespa velutina nigrithorax"


def test_whole_words_only(taxa: TaxaIndex) -> None:
    assert _find(taxa, "Kudzuvine tea") == []
    assert _find(taxa, "Eichhorniacrassipes") == []


def test_gb_quarantine_pests_annotate(taxa: TaxaIndex, clf: RuleClassifier) -> None:
    (pest,) = _find(taxa, "Book: Xylella fastidiosa in olive groves")
    assert (pest.list_name, pest.status, pest.eppo_code) == (
        "GB quarantine pests",
        "quarantine pest",
        "XYLEFA",
    )
    verdict = clf.classify(["Book: Xylella fastidiosa in olive groves"])[0]
    assert verdict.categories == ["not_regulated"] and verdict.risk == "none"
    assert [t.scientific_name for t in verdict.taxa] == ["Xylella fastidiosa"]


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)


def test_an_nppo_list_is_just_a_csv(tmp_path: Path) -> None:
    _write(tmp_path / "national.csv", [
        {"scientific_name": "Cuscuta", "rank": "genus", "common_names": "en:Dodder; und:Ant; en:snail",
         "list_name": "National prohibited plants", "status": "prohibited", "kingdom": "Plantae"},
        {"scientific_name": "Reynoutria x bohemica", "status": "invasive", "kingdom": "Plantae"},
    ])  # fmt: skip
    index = TaxaIndex.load(tmp_path)
    (genus,) = _find(index, "Cuscuta campestris seeds, 1 g")
    assert (genus.text, genus.matched_as, genus.list_name) == (
        "Cuscuta campestris", "genus", "National prohibited plants",
    )  # fmt: skip
    (alone,) = _find(index, "CUSCUTA Seeds")
    assert alone.text == "CUSCUTA"
    assert [m.text for m in _find(index, "Dodder vine")] == ["Dodder"]
    assert _find(index, "Ant colony with snail shells") == []  # too short / stoplisted
    (hybrid,) = _find(index, "Reynoutria × bohemica rhizome")
    assert hybrid.scientific_name == "Reynoutria x bohemica" and hybrid.status == "invasive"


def test_taxon_alone_is_a_plant_to_review(clf: RuleClassifier) -> None:
    text = "Jacinthe d'eau (Eichhornia crassipes)"
    verdict = clf.classify([text])[0]
    assert verdict.categories == ["plants_for_planting"]
    assert verdict.needs_review and verdict.risk == "high"
    (reason,) = [r for r in verdict.reasons if r.label == "taxon"]
    assert text[reason.start : reason.end] == reason.text == "Eichhornia crassipes"


def test_prohibited_taxa_force_high_risk(clf: RuleClassifier) -> None:
    plants, seeds, turtle = clf.classify([
        "Eichhornia crassipes 5 plants",
        "Giant hogweed seeds (Heracleum mantegazzianum), 50 seeds",
        "Red-eared slider baby turtle",
    ])  # fmt: skip
    assert plants.categories == ["plants_for_planting"] and plants.risk == "high"
    assert seeds.categories == ["seeds"] and seeds.risk == "high"
    eu = [t.text for t in seeds.taxa if t.list_name == "EU IAS Union list"]
    assert eu == ["Giant hogweed", "Heracleum mantegazzianum"]
    assert {t.list_name for t in seeds.taxa} == {
        "EU IAS Union list", "US Federal Noxious Weeds", "US RIIS invasive plants",
    }  # fmt: skip
    assert turtle.categories == ["living_organisms"] and turtle.risk == "high"


def test_products_made_from_prohibited_taxa_go_to_review(clf: RuleClassifier) -> None:
    basket, powder = clf.classify(["Water hyacinth storage basket, handwoven", "Kudzu root powder 100 g"])
    assert basket.categories == ["not_regulated"] and basket.risk == "none" and basket.needs_review
    assert basket.taxa[0].scientific_name == "Eichhornia crassipes"
    assert powder.categories == ["processed_plant_products"] and powder.risk == "low"
    assert powder.needs_review
    for text in ("Asian hornet trap, reusable", "Raccoon plush toy 30 cm"):
        verdict = clf.classify([text])[0]
        assert verdict.categories == ["not_regulated"] and verdict.needs_review, text
        assert verdict.taxa and verdict.taxa[0].status == "prohibited"


@pytest.mark.fixtures
def test_eu_list_rebuilds_identically(corpus: Path, tmp_path: Path) -> None:
    rows = build_eu_ias(corpus / "regulated", eppo={})
    assert len(rows) == 88
    water_hyacinth = next(r for r in rows if r["scientific_name"] == "Eichhornia crassipes")
    assert "Pontederia crassipes" in water_hyacinth["synonyms"]
    assert "Water hyacinth" in water_hyacinth["common_names"]
    assert main(["--sources", str(corpus / "regulated"), "--out", str(tmp_path)]) == 0
    built = sorted(path.name for path in tmp_path.glob("*.csv"))
    assert len(built) == 4 and set(built) <= {path.name for path in TAXA_DIR.glob("*.csv")}
    for name in built:
        assert (tmp_path / name).read_bytes() == (TAXA_DIR / name).read_bytes(), name
