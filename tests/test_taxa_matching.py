"""Taxa matching: each way a listed name is found (or rightly not found) in a listing text."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from classifiers.build_taxa import COLUMNS
from classifiers.rules import RuleClassifier
from classifiers.taxa import TaxaIndex, fold
from classifiers.types import TaxonMatch
from crawler.paths import data_dir

TAXA_DIR = data_dir() / "taxa"
NPPO_ROWS = [
    {
        "scientific_name": "Cuscuta", "rank": "genus", "common_names": "en:Dodder; fr:Cuscute; es:Cúscuta",
        "eppo_code": "1CVCG", "list_name": "Ruritania prohibited plants", "status": "prohibited",
        "kingdom": "Plantae", "jurisdiction": "rt",
    },
    {
        "scientific_name": "Reynoutria x bohemica", "synonyms": "Fallopia x bohemica",
        "common_names": "en:Bohemian knotweed", "list_name": "Ruritania invasive plants", "status": "invasive",
        "kingdom": "Plantae", "jurisdiction": "RT",
    },
    {
        "scientific_name": "Eichhornia crassipes", "synonyms": "Pontederia crassipes",
        "common_names": "en:Water hyacinth; fr:Jacinthe d'eau; de:Wasserhyazinthe; en:Queen Anne's weed",
        "eppo_code": "EICCR", "list_name": "Ruritania prohibited plants", "status": "prohibited",
        "kingdom": "Plantae", "jurisdiction": "RT",
    },
    {"scientific_name": "x Cuprocyparis leylandii", "status": "invasive", "kingdom": "Plantae"},
    {"scientific_name": "Aaaa japonica", "status": "invasive"},
    {"scientific_name": "Abbb japonica", "status": "invasive"},
]  # fmt: skip


def _write(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)


@pytest.fixture(scope="module")
def nppo(tmp_path_factory: pytest.TempPathFactory) -> TaxaIndex:
    folder = tmp_path_factory.mktemp("nppo")
    _write(folder / "ruritania.csv", NPPO_ROWS)
    return TaxaIndex.load(folder)


@pytest.fixture(scope="module")
def shipped() -> TaxaIndex:
    return TaxaIndex.load(TAXA_DIR)


def _find(index: TaxaIndex, text: str) -> list[TaxonMatch]:
    return [m for m, _ in index.find(fold(text))]


def _one(index: TaxaIndex, text: str) -> TaxonMatch:
    (match,) = _find(index, text)
    assert text[match.start : match.end] == match.text
    return match


@pytest.mark.parametrize(
    "text", ["EICHHORNIA CRASSIPES", "eichhornia crassipes", "Eichhornia  Crassipes", "Eichhornia\ncrassipes"]
)
def test_case_and_spacing_do_not_matter(nppo: TaxaIndex, text: str) -> None:
    assert _one(nppo, text).matched_as == "scientific"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Jacinthe d’eau, 3 plantes", "Jacinthe d’eau"),  # curly apostrophe
        ("JACINTHE D EAU", "JACINTHE D EAU"),
        ("Water-hyacinth for ponds", "Water-hyacinth"),  # hyphen
        ("waterhyacinth", None),  # whole words only
        ("Wasserhyazinthe kaufen", "Wasserhyazinthe"),
        ("Semillas de cuscuta", "cuscuta"),  # the genus row
        ("Cúscuta", "Cúscuta"),  # accented common name = the folded genus name
        ("Queen Annes weed", "Queen Annes weed"),  # possessive without apostrophe
        ("Queen Anne’s weed", "Queen Anne’s weed"),
    ],
)
def test_accents_hyphens_apostrophes(nppo: TaxaIndex, text: str, found: str | None) -> None:
    assert [m.text for m in _find(nppo, text)] == ([found] if found else [])


def test_multilingual_common_names(nppo: TaxaIndex, shipped: TaxaIndex) -> None:
    assert _one(nppo, "Cuscute en graines").matched_as == "common:fr"
    assert _one(nppo, "Wasserhyazinthe").matched_as == "common:de"
    assert _one(nppo, "Bohemian knotweed rhizome").matched_as == "common:en"
    for text in ("Götterbaum Samen", "Ailante glanduleux", "Acacia de hoja azul", "Mimosa a foglie blu"):
        names = {(m.scientific_name, m.list_name) for m in _find(shipped, text)}
        assert len(names) == 1 and next(iter(names))[1] == "EU IAS Union list", text


def test_synonyms(nppo: TaxaIndex) -> None:
    match = _one(nppo, "Pontederia crassipes, 5 Stück")
    assert (match.scientific_name, match.matched_as) == ("Eichhornia crassipes", "synonym")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Cuscuta campestris seeds", "Cuscuta campestris"),
        ("Cuscuta sp. seeds", "Cuscuta sp"),
        ("CUSCUTA seeds", "CUSCUTA"),
        ("Cuscuta 'gold' seeds", "Cuscuta"),  # a cultivar in quotes is no epithet
        ("Cuscuta ‘gold’", "Cuscuta"),
        ("Cuscuta Gold", "Cuscuta"),
    ],
)
def test_genus_entries_cover_every_species(nppo: TaxaIndex, text: str, found: str) -> None:
    match = _one(nppo, text)
    assert (match.text, match.scientific_name, match.matched_as) == (found, "Cuscuta", "genus")


@pytest.mark.parametrize(
    "text",
    [
        "Eichhornia crassipes 'Blue Star' 3 plants",
        "Eichhornia crassipes ‘Blue Star’",
        "Eichhornia crassipes “Blue”",
        'Eichhornia crassipes "Blue"',
        "Eichhornia crassipes'Blue'",
        "'Eichhornia crassipes'",
    ],
)
def test_cultivar_quotes_after_a_name(nppo: TaxaIndex, text: str) -> None:
    match = _one(nppo, text)
    assert (match.text, match.matched_as) == ("Eichhornia crassipes", "scientific")


@pytest.mark.parametrize(
    ("text", "matched_as"),
    [
        ("Reynoutria x bohemica", "scientific"),
        ("Reynoutria × bohemica", "scientific"),
        ("Reynoutria ×bohemica", "scientific"),
        ("REYNOUTRIA X BOHEMICA", "scientific"),
        ("Reynoutria bohemica", "scientific"),
        ("Fallopia ×bohemica", "synonym"),
        ("× Cuprocyparis leylandii hedge", "scientific"),
        ("Cuprocyparis leylandii", "scientific"),
    ],
)
def test_hybrids_with_x_or_times_sign(nppo: TaxaIndex, text: str, matched_as: str) -> None:
    assert _one(nppo, text).matched_as == matched_as


@pytest.mark.parametrize(
    ("text", "misspelt"),
    [
        ("Eichornia crassipes 3 plants", "Eichornia crassipes"),  # deletion
        ("Eichhornia crasssipes", "Eichhornia crasssipes"),  # insertion
        ("Eichhornia crassipas", "Eichhornia crassipas"),  # substitution
        ("Eichhronia crassipes", "Eichhronia crassipes"),  # transposition of neighbours
        ("Pontederia crasipes", "Pontederia crasipes"),  # a synonym
        ("Water hyacinths", "Water hyacinths"),  # a common name, plural
    ],
)
def test_one_edit_on_a_long_name_word_is_fuzzy(nppo: TaxaIndex, text: str, misspelt: str) -> None:
    match = _one(nppo, text)
    assert (match.text, match.scientific_name, match.matched_as) == (misspelt, "Eichhornia crassipes", "fuzzy")
    assert match.eppo_code == "EICCR"


@pytest.mark.parametrize(
    "text",
    [
        "Eichornia crasipes",  # one corrected word per name
        "Eichhorniaa crassipess",
        "Aichhornia crassipes",  # the first letter is never the misspelt one
        "Eichhxxnia crassipes",  # two edits
        "Cuscata seeds",  # a name word shorter than 8 letters
        "Cuscutta campestris",
        "crassipas",  # a name word alone is no name
    ],
)
def test_fuzzy_non_hits(nppo: TaxaIndex, text: str) -> None:
    assert _find(nppo, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Aquatic plants for garden ponds",  # Ipomoea aquatica
        "LED lighting for aquariums, cleaning kit included",  # lightning weed / vein clearing
        "Breeding pair of guppies",  # love lies bleeding
        "Fresh vegetables from America",  # vegetable fern / American ...
        "Training tools, stunning sterling silver",
        "Himalaya salt lamp",
    ],
)
def test_fuzzy_non_hits_on_near_words_in_shipped_lists(shipped: TaxaIndex, text: str) -> None:
    assert _find(shipped, text) == []


def test_fuzzy_hits_in_shipped_lists(shipped: TaxaIndex) -> None:
    hits = _find(shipped, "Hygrophilla polysperma (Hygrophila ‘Sunset’)")
    assert {(m.text, m.scientific_name, m.matched_as) for m in hits} == {
        ("Hygrophilla polysperma", "Hygrophila polysperma", "fuzzy")
    }
    assert {m.list_name for m in hits} == {"US Federal Noxious Weeds", "US RIIS invasive plants"}
    assert {m.eppo_code for m in hits} == {"HYGPO"}
    heracleum = _find(shipped, "Heracleum mantegazianum seeds")
    assert {m.matched_as for m in heracleum} == {"fuzzy"} and len(heracleum) == 3


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("E. crassipes floating plant", "E. crassipes"),
        ("E.crassipes", "E.crassipes"),
        ("Water hyacinth (E. crassipes)", None),  # the common name is matched; the abbreviation too
    ],
)
def test_abbreviated_binomials(nppo: TaxaIndex, text: str, found: str | None) -> None:
    abbreviated = [m for m in _find(nppo, text) if m.matched_as == "abbreviated"]
    if found is None:
        assert [m.text for m in abbreviated] == ["E. crassipes"]
        return
    (match,) = abbreviated
    assert (match.text, match.scientific_name, match.eppo_code) == (found, "Eichhornia crassipes", "EICCR")


@pytest.mark.parametrize(
    "text",
    [
        "A. japonica",  # Aaaa japonica or Abbb japonica: not one taxon
        "e. crassipes",  # lowercase initial
        "E crassipes",  # no full stop
        "E. Crassipes",  # capitalised epithet
        "i.e. crassipes",
        "P. crassipes",  # the synonym's initial is P: that is Pontederia crassipes
    ],
)
def test_abbreviated_non_hits(nppo: TaxaIndex, text: str) -> None:
    found = [m for m in _find(nppo, text) if m.matched_as == "abbreviated"]
    assert [m.scientific_name for m in found] == (["Eichhornia crassipes"] if text.startswith("P.") else [])


def test_abbreviated_in_shipped_lists(shipped: TaxaIndex) -> None:
    hits = _find(shipped, "H. verticillata, 5 stems")
    assert {(m.scientific_name, m.matched_as) for m in hits} == {("Hydrilla verticillata", "abbreviated")}
    assert {m.eppo_code for m in hits} == {"HYLLI"}
    assert _find(shipped, "A. japonica") == []  # Ailanthus (synonym), Ardisia, Popillia, ...


def test_every_match_reports_its_eppo_code(shipped: TaxaIndex) -> None:
    for text, code in [
        ("Pistia stratiotes", "PIIST"),
        ("Tree of heaven seeds", "AILAL"),
        ("Xylella fastidiosa", "XYLEFA"),
        ("Salvinia molesta", "SAVMO"),
    ]:
        hits = _find(shipped, text)
        assert hits and {m.eppo_code for m in hits} == {code}, text


def test_jurisdiction_column_is_read(nppo: TaxaIndex, shipped: TaxaIndex, tmp_path: Path) -> None:
    by_list = {t.list_name: t.jurisdiction for t in shipped.taxa}
    assert by_list == {
        "EU IAS Union list": "EU", "GB quarantine pests": "GB",
        "US Federal Noxious Weeds": "US", "US RIIS invasive plants": "US",
    }  # fmt: skip
    assert {t.scientific_name: t.jurisdiction for t in nppo.taxa}["Cuscuta"] == "RT"  # upper-cased
    assert {t.scientific_name: t.jurisdiction for t in nppo.taxa}["x Cuprocyparis leylandii"] == ""
    old_format = [c for c in COLUMNS if c != "jurisdiction"]
    _write(tmp_path / "old.csv", [{"scientific_name": "Pistia stratiotes"}], old_format)
    (taxon,) = TaxaIndex.load(tmp_path).taxa
    assert (taxon.jurisdiction, taxon.status, taxon.list_name, taxon.rank) == ("", "regulated", "old", "species")


def test_a_dropped_in_nppo_list_changes_verdicts_without_code(tmp_path: Path) -> None:
    _write(tmp_path / "ruritania.csv", NPPO_ROWS)
    clf = RuleClassifier.load(taxa=TaxaIndex.load(tmp_path))
    seeds, misspelt, pest = clf.classify([
        "Cuscuta europaea seeds, 100 seeds",
        "Eichornia crassipes floating pond plant, 3 plants",
        "Book about Aaaa japonica",
    ])  # fmt: skip
    assert seeds.categories == ["seeds"] and seeds.risk == "high"
    assert [(t.list_name, t.eppo_code) for t in seeds.taxa] == [("Ruritania prohibited plants", "1CVCG")]
    assert misspelt.risk == "high" and [t.matched_as for t in misspelt.taxa] == ["fuzzy"]
    assert pest.risk == "none" and [t.scientific_name for t in pest.taxa] == ["Aaaa japonica"]


def _titles(corpus: Path) -> list[str]:
    folder = corpus / "titles"

    def column(name: str, key: str) -> list[str]:
        return [row[key] for row in json.loads((folder / name).read_text(encoding="utf-8"))]

    titles = column("amazon_in_products_2023_garden-grocery-decor-craft-pet_subset.json", "name")
    titles += column("bigbasket_products_grocery-garden-pet_subset_2021.json", "product")
    titles += column("fermosaplants_sansevieria_products_2025-04.json", "Product Name")
    for path in sorted(folder.glob("seedcollector_*.json")):
        titles += column(path.name, "seed")
    with (folder / "aquarium_shop_duckaroo_shopify_products_export_2026.csv").open(newline="", encoding="utf-8") as fh:
        titles += [row["Title"] for row in csv.DictReader(fh) if row["Title"]]
    return titles


@pytest.mark.fixtures
def test_fuzzy_and_abbreviated_hits_on_real_titles_are_right(corpus: Path, shipped: TaxaIndex) -> None:
    titles = _titles(corpus)
    assert len(titles) > 10_000
    judged = set()
    for title in titles:
        for match in _find(shipped, title):
            if match.matched_as in ("fuzzy", "abbreviated"):
                judged.add((match.text.casefold(), match.scientific_name))
    # every one checked by hand: real misspellings of listed names
    assert judged == {
        ("sansevieria trifaciata", "Sansevieria trifasciata"),
        ("hygrophilla polysperma", "Hygrophila polysperma"),
    }
