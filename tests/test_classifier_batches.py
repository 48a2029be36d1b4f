"""What the classifier's speed-ups must never change: a listing's verdict does not depend on
its batch, on what the tokenizer or the feature extractor remember, or on how a text was split.

``bench/classify_throughput.py`` measures the speed; these tests pin the results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest

import classifiers.features as features
import classifiers.tokenizer as tokenizer
from classifiers import load_classifier
from classifiers.features import FEATURES
from classifiers.model import SpacyClassifier
from classifiers.taxa import _LATIN1_FOLD, _SPLIT, _SPLIT_LATIN1, _fold_latin1, _tokenize, fold
from classifiers.tokenizer import ORTHS, token_ids
from classifiers.types import Classification

LISTINGS = [
    "Tulipa 'Queen of Night' – 10 bulbs\nTop-size bulbs for autumn planting, 12/+ cm.",
    "Graines de tomate Cœur de Bœuf x50\nSemences non traitées, récolte 2025.",
    "Blumenzwiebeln Straße ﬁne Mischung\nTulpen-Zwiebeln, 10 Stück, winterhart.",
    "Jacinthe d'eau (Eichhornia crassipes) plante flottante\nIdéal pour bassin.",
    "Seed bead necklace, glass, 45 cm\nHandmade jewellery.",
    "",
    "\n",
    "Ævintýri fræ þistill ðe øre\nÞetta er próf.",
    "盆栽 bonsai Ficus ginseng 15 cm\nLive plant in a ceramic pot.",
    "Kunstpflanze Monstera 120 cm im Topf\nSieht echt aus, pflegeleicht.",
    "Achatina fulica live giant African land snails x3\nCaptive bred, shipped in moss.",
    "Terreau universel 40 L\nPour plantes d'intérieur et d'extérieur.",
]


def _as_record(verdict: Classification) -> tuple[object, ...]:
    return (
        verdict.categories, verdict.risk, verdict.needs_review, verdict.scores,
        [(t.scientific_name, t.start, t.end, t.matched_as) for t in verdict.taxa],
        [(r.start, r.end, r.text, r.label, r.weight, r.source) for r in verdict.reasons],
    )  # fmt: skip


@pytest.fixture(scope="module")
def model() -> SpacyClassifier:
    loaded = load_classifier()
    assert isinstance(loaded, SpacyClassifier)
    return loaded


@pytest.fixture
def batch_size(model: SpacyClassifier) -> Iterator[int]:
    configured = model.nlp.batch_size
    yield configured
    model.nlp.batch_size = configured


def test_a_verdict_does_not_depend_on_its_batch(model: SpacyClassifier, batch_size: int) -> None:
    together = [_as_record(v) for v in model.classify(LISTINGS * 3)]
    alone = [_as_record(model.classify([text])[0]) for text in LISTINGS]
    assert together == alone * 3
    model.nlp.batch_size = 5  # batches that cut the list anywhere
    assert [_as_record(v) for v in model.classify(LISTINGS * 3)] == together


def test_the_doc_keeps_the_ids_of_its_words(model: SpacyClassifier) -> None:
    doc = model.nlp.make_doc(LISTINGS[2])
    assert doc.user_data[ORTHS] == [t.orth for t in doc]
    assert token_ids(doc) == [t.orth for t in doc]
    copy = doc.copy()
    copy.user_data.clear()  # spaCy's reference docs come without user data
    assert token_ids(copy) == [t.orth for t in doc]


def test_words_met_in_a_memory_zone_are_not_remembered(model: SpacyClassifier) -> None:
    make = model.nlp.tokenizer
    with model.nlp.memory_zone():
        doc = make("Zzyzxwort seeds\nqqvplmnrt")
        assert [t.text for t in doc][:2] == ["zzyzxwort", "seeds"]
        assert "zzyzxwort" not in make._ids  # the zone forgets its new strings; an id kept would dangle
    again = make("Zzyzxwort seeds")
    assert [t.text for t in again] == ["zzyzxwort", "seeds"]


def test_the_tokenizer_starts_afresh_past_its_limit(model: SpacyClassifier, monkeypatch: pytest.MonkeyPatch) -> None:
    before = [[t.text for t in model.nlp.make_doc(text)] for text in LISTINGS]
    make = model.nlp.tokenizer
    monkeypatch.setattr(tokenizer, "ORTH_CACHE_LIMIT", 3)
    monkeypatch.setattr(make, "_ids", {})
    for text, words in zip(LISTINGS, before):
        assert [t.text for t in make(text)] == words
        assert len(make._ids) <= 3 + max(map(len, before))  # it forgets, then takes in a doc's new words


def test_features_are_the_same_when_the_piece_table_starts_afresh(
    model: SpacyClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    textcat = model.nlp.get_pipe("textcat_multilabel")
    extractor = textcat.model.get_ref("features").attrs["extractor"]  # type: ignore[attr-defined]

    def occurrences() -> list[tuple[np.ndarray, ...]]:
        return [doc.user_data[FEATURES] for doc in model.nlp.pipe(LISTINGS)]

    expected = occurrences()
    monkeypatch.setattr(features, "CACHE_LIMIT", 5)  # every batch overflows the table
    got = occurrences()
    for a, b in zip(expected, got):
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert len(extractor._subwords._row) <= 5 + sum(len(model.nlp.make_doc(t)) for t in LISTINGS)


def test_latin1_text_splits_into_the_same_tokens() -> None:
    alphabet = "".join(sorted({chr(c) for c in _LATIN1_FOLD if c}))  # everything Latin-1 folding can give
    samples = [alphabet, alphabet[::-1], _fold_latin1("Æble-GRØD Þorn ðe Øl_2x ª º ¹²³ 5kg 12/+ cm")]
    for text in samples:
        assert text is not None
        tokens, starts, ends = _tokenize(text, _SPLIT_LATIN1)
        assert (tokens, starts, ends) == _tokenize(text)
        assert tokens == re.findall(_SPLIT.pattern[1:-1], text)
        assert all(text[a:b] == t for t, a, b in zip(tokens, starts, ends))
    assert fold("Cœur de Bœuf").tokens == ["cœur", "de", "bœuf"]  # beyond Latin-1: the general path
    assert fold("Crème brûlée ÆØÅ ª").tokens == ["creme", "brulee", "æøa", "a"]
