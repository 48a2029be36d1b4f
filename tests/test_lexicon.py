"""The word-class lexicon: reading the lists, finding names, and the evidence it gives the model."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import classifiers.spacy_code  # noqa: F401  (registers the tokenizer and the components)
from classifiers.components import SEEN
from classifiers.features import EVIDENCE
from classifiers.lexicon import Lexicon, LexiconError, LexiconEvidence, WordHit
from classifiers.taxa import fold
from crawler.paths import data_dir

CLASSES = {
    "vegetable", "fruit", "grain_legume_nut", "spice", "ornamental_plant", "tree_shrub", "wood", "fungus",
    "animal_aquatic", "seafood", "animal_invertebrate", "animal_vertebrate", "food_prepared", "material_object",
    "plant_genus", "animal_genus", "fungus_genus",
    "vegetable_cultivar", "fruit_cultivar", "flower_cultivar", "houseplant_cultivar",
}  # fmt: skip


def _lexicon(tmp_path: Path, text: str) -> Lexicon:
    (tmp_path / "xx.tsv").write_text(text, encoding="utf-8")
    return Lexicon.load(tmp_path)


def _find(lexicon: Lexicon, text: str) -> list[tuple[str, tuple[str, ...], str]]:
    tokens = fold(text).tokens
    return [(" ".join(tokens[h.start : h.end]), h.classes, h.part) for h in lexicon.find(tokens)]


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    return _lexicon(
        tmp_path,
        "# a comment\nvegetable\tkool\nvegetable\tVenkel\nvegetable\ttomaten\nfruit\tgrapefruit\n"
        "animal_aquatic\tneon tetra\nanimal_aquatic\tneon\nmaterial_object\tneon lamp\n"
        "vegetable_cultivar\tCherokee Purple\nfruit\tfig\nfruit\tcarp\n",
    )


def test_names_are_found_folded_and_leftmost_longest(lexicon: Lexicon) -> None:
    assert _find(lexicon, "VENKEL 2 st") == [("venkel", ("vegetable",), "")]
    assert _find(lexicon, "Neon-Tetra x10, neon lamp") == [
        ("neon tetra", ("animal_aquatic",), ""),
        ("neon lamp", ("material_object",), ""),
    ]
    assert _find(lexicon, "Tomate 'Cherokee Purple' — 25 pz") == [("cherokee purple", ("vegetable_cultivar",), "")]


def test_compounds_are_read_by_head_then_modifier(lexicon: Lexicon) -> None:
    assert _find(lexicon, "Bloemkool 1 stuk") == [("bloemkool", ("vegetable",), "H")]
    assert _find(lexicon, "Tomatensamen") == [("tomatensamen", ("vegetable",), "M")]
    # parts shorter than four letters, or a rest shorter than three, are not taken apart
    assert _find(lexicon, "figurine carpet") == []
    assert _find(lexicon, "koolx") == []


def test_an_unlisted_plural_s_is_tried_off(lexicon: Lexicon) -> None:
    assert _find(lexicon, "Grapefruits 3 st") == [("grapefruits", ("fruit",), "")]


def test_a_name_in_two_classes_gives_both(tmp_path: Path) -> None:
    lexicon = _lexicon(tmp_path, "tree_shrub\tolive\nfruit\tolive\nfruit\tOlive\n")
    assert lexicon.find(["olive"]) == [WordHit(0, 1, ("tree_shrub", "fruit"))]


def test_a_bad_line_names_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"xx\.tsv:2: expected 'class<TAB>name'"):
        _lexicon(tmp_path, "fruit\tfig\nfruit fig\n")


def test_no_folder_is_an_empty_lexicon(tmp_path: Path) -> None:
    assert len(Lexicon.load(tmp_path / "absent")) == 0


def test_evidence_marks_title_and_description_and_what_was_seen(tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    lines = "vegetable\tvenkel\nmaterial_object\tschaar\nornamental_plant\tbegonia\n"
    (tmp_path / "lexicon" / "nl.tsv").write_text(lines, encoding="utf-8")
    nlp = spacy.blank("xx", config={"nlp": {"tokenizer": {"@tokenizers": "phytowatch.FoldedTokenizer.v1"}}})
    component = LexiconEvidence(str(tmp_path))
    doc = component(nlp.make_doc("Schaar\nVoor begonia en venkel"))
    assert doc.user_data[EVIDENCE] == [
        ("LX|material_object|T", 0, 1),
        ("LX|ornamental_plant|D", 3, 4),
        ("LX|vegetable|D", 5, 6),
    ]
    assert doc.user_data[SEEN] is True  # a plant is named
    doc = component(nlp.make_doc("Schaar 20 cm\nVoor venkel"))
    assert doc.user_data[EVIDENCE] == [("LX|material_object|T", 0, 1), ("LX|vegetable|D", 5, 6)]
    assert SEEN not in doc.user_data  # scissors and a vegetable (mostly eaten) are not enough


def test_bundled_lexicon_is_well_formed() -> None:
    folder = data_dir() / "lexicon"
    lexicon = Lexicon.load(folder)
    files = {p.stem for p in folder.glob("*.tsv")}
    assert {"en", "de", "fr", "es", "it", "nl", "pt", "la", "xx"} <= files
    classes = {c for key in lexicon.phrases.keys() for c in lexicon.phrases.get(key)}
    assert classes == CLASSES
    assert len(lexicon) > 10_000
