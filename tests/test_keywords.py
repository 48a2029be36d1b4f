"""The keyword catalogue: every category in seven languages, expanded as spiders ask."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import CATEGORIES, default_classifier
from crawler.keywords import KeywordError, SearchTerm, expand, load_catalogue

LANGUAGES = {"en", "es", "fr", "de", "it", "nl", "pt"}


def test_every_regulated_category_has_terms_in_seven_languages() -> None:
    catalogue = load_catalogue()
    assert set(catalogue) == set(CATEGORIES) - {"not_regulated"}
    for category, by_lang in catalogue.items():
        assert set(by_lang) >= LANGUAGES, category
        assert all(len(terms) >= 3 for terms in by_lang.values()), category


def test_category_and_languages() -> None:
    german = expand(category="seeds", lang="de")
    assert german[0] == SearchTerm("Samen", "seeds", "de")
    assert {t.lang for t in german} == {"de"}
    both = expand(category="bulbs_tubers", lang="nl, fr")
    assert {t.lang for t in both} == {"nl", "fr"} and SearchTerm("bloembollen", "bulbs_tubers", "nl") in both
    assert {t.lang for t in expand(category="living_organisms")} >= LANGUAGES


def test_own_queries_pass_through() -> None:
    assert expand(query="Eichhornia crassipes; water hyacinth ") == [
        SearchTerm("Eichhornia crassipes"), SearchTerm("water hyacinth")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give a query"),
        ({"query": "x", "category": "seeds"}, "not both"),
        ({"category": "sedes"}, "no keywords for category 'sedes'"),
        ({"category": "seeds", "lang": "fi"}, "no seeds keywords in fi (languages available: en, es"),
    ],
)
def test_wrong_requests_say_what_exists(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(KeywordError, match=message.replace("(", r"\(")):
        expand(**kwargs)


def test_a_broken_catalogue_names_file_and_section(tmp_path: Path) -> None:
    bad = tmp_path / "catalogue.toml"
    bad.write_text('[seeds.de]\nterms = "Samen"\n', encoding="utf-8")
    with pytest.raises(KeywordError, match=r"\[seeds.de\] needs terms"):
        load_catalogue(bad)
    bad.write_text('[seed.de]\nterms = ["Samen"]\n', encoding="utf-8")
    with pytest.raises(KeywordError, match="unknown category 'seed'"):
        load_catalogue(bad)


def test_high_risk_searches_are_recognised_by_the_classifier() -> None:
    """A search term for a high-risk category should itself read as that commodity to the classifier."""
    terms = [t for c in ("plants_for_planting", "seeds", "bulbs_tubers", "soil_growing_media", "living_organisms")
             for t in expand(category=c)]
    verdicts = default_classifier().classify([t.text for t in terms])
    share = sum(v.risk == "high" for v in verdicts) / len(terms)
    print(f"high-risk search terms read as high risk: {share:.2f} of {len(terms)}")
    assert share >= 0.8
