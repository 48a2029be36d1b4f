"""The trained commodity pipeline: tokenizer, features, explanations, verdicts, held-out quality.

The pipeline is trained on first use (once per machine, cached); these tests
use the same model phytowatch loads, so the figures asserted here are the
product's figures.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import spacy

import classifiers.spacy_code  # noqa: F401
from classifiers import load_classifier
from classifiers.components import VerdictMaker
from classifiers.evaluation import evaluate, score
from classifiers.features import token_attributions
from classifiers.model import SpacyClassifier, fingerprint
from classifiers.tokenizer import SEPARATOR, folded, title_tokens, token_span
from classifiers.training import (
    LabelledListing,
    TrainingDataError,
    load_listings,
    read_jsonl,
    split_of,
    train,
)
from classifiers.types import CATEGORIES, Classification
from crawler.paths import data_dir


@pytest.fixture(scope="module")
def model() -> SpacyClassifier:
    loaded = load_classifier()
    assert isinstance(loaded, SpacyClassifier)
    return loaded


def test_tokenizer_folds_and_keeps_offsets(model: SpacyClassifier) -> None:
    text = "Jacinthe d'EAU — 5 Plantes\nBelle plante flottante (Eichhornia crassipes)."
    doc = model.nlp.make_doc(text)
    assert [t.text for t in doc][:5] == ["jacinthe", "d", "eau", "5", "plantes"]
    assert doc[title_tokens(doc)].text == SEPARATOR
    start, end = token_span(doc, 0, 3)
    assert text[start:end] == "Jacinthe d'EAU"
    start, end = token_span(doc, 7, 9)  # after the separator
    assert text[start:end] == "plante flottante"
    assert folded(doc).original == text


def test_attributions_are_the_exact_logit(model: SpacyClassifier) -> None:
    """The linear model's token shares add up to its logit, bias excluded, for every label."""
    textcat = model.nlp.get_pipe("textcat_multilabel")
    docs = [model.nlp.make_doc(t) for t in ("Tomato seeds 'Black Krim' x30\nHeirloom, open pollinated.", "Pots")]
    labels = list(textcat.labels)
    shares = token_attributions(textcat.model, docs, [list(range(len(labels)))] * len(docs))
    scores = textcat.model.predict(docs)
    sparse = textcat.model.get_ref("output_layer")
    bias = np.asarray(sparse.get_param("b"))
    for doc_shares, probs in zip(shares, np.asarray(scores)):
        assert np.allclose(1 / (1 + np.exp(-(doc_shares.sum(axis=0) + bias))), probs, atol=1e-4)


def test_verdict_explains_itself_on_the_original_text(model: SpacyClassifier) -> None:
    text = "SIBERIAN KALE — 250 graines bio\nVariété ancienne, à semer de mars à juin."
    verdict = model.classify([text])[0]
    assert "seeds" in verdict.categories and verdict.risk == "high"
    assert verdict.reasons, "a flagged listing says why"
    for reason in verdict.reasons:
        assert text[reason.start : reason.end] == reason.text
        assert reason.source in ("rules", "model", "taxa")
    model_reasons = [r for r in verdict.reasons if r.source == "model" and r.label == "seeds"]
    assert any("graines" in r.text.lower() or "semer" in r.text.lower() for r in model_reasons)
    assert set(verdict.scores) == set(CATEGORIES)
    assert verdict.model_version == model.version and model.version.startswith("commodity-")


def test_prohibited_taxon_makes_risk_high_whatever_the_category(model: SpacyClassifier) -> None:
    basket, plant = model.classify([
        "Water hyacinth storage basket, handwoven (Eichhornia crassipes)",
        "Eichhornia crassipes — 3 floating pond plants",
    ])
    for verdict in (basket, plant):
        assert verdict.risk == "high"
        assert any(t.scientific_name == "Eichhornia crassipes" for t in verdict.taxa)
        assert any(r.source == "taxa" for r in verdict.reasons)
    assert "plants_for_planting" in plant.categories
    assert all(t.eppo_code == "EICCR" for v in (basket, plant) for t in v.taxa if t.list_name == "EU IAS Union list")


def test_a_prohibited_taxon_in_a_processed_product_goes_to_an_officer(model: SpacyClassifier) -> None:
    """Whatever the model thinks of a basket, a prohibited species named in it makes it high risk, for review."""
    maker = model.nlp.get_pipe("phytowatch_verdict")
    doc = model.nlp("Water hyacinth basket (Eichhornia crassipes)", disable=["phytowatch_verdict"])
    doc.cats = {c: 0.0 for c in CATEGORIES} | {"processed_plant_products": 0.9}
    verdict = maker._verdict(doc)
    assert verdict.categories == ["processed_plant_products"]
    assert verdict.risk == "high" and verdict.needs_review


@pytest.mark.parametrize(
    "text, category",
    [
        ("Graines de tomate cerise 'Sweet Million' — sachet de 40", "seeds"),
        ("Semi di basilico genovese biologico 2 g", "seeds"),
        ("Bulbos de tulipán variados, calibre 12/+, 20 uds", "bulbs_tubers"),
        ("Tulpenbollen mix 50 stuks, voorjaarsbloeiers", "bulbs_tubers"),
        ("Kübelpflanze Olivenbaum 120 cm im 20 L Topf", "plants_for_planting"),
        ("Muda de jabuticabeira enxertada, 60 cm", "plants_for_planting"),
        ("Terriccio universale per piante 50 L", "soil_growing_media"),
        ("Regenwürmer lebend 500 g für den Komposthaufen", "living_organisms"),
        ("Bois de chauffage chêne sec 1 stère", "wood_bark"),
        ("Tomates coração de boi frescas 1 kg", "fresh_produce"),
        ("Organic chia seeds 1 kg — superfood for smoothies", "processed_plant_products"),
    ],
)
def test_multilingual_categories(model: SpacyClassifier, text: str, category: str) -> None:
    assert category in model.classify([text])[0].categories


@pytest.mark.parametrize(
    "text",
    [
        "Miyuki Delica seed beads 11/0 — 7 g tube",
        "Artificial monstera plant in pot, 90 cm, lifelike",
        "Terracotta plant pot 14 cm with saucer",
        "Tomato feed liquid fertiliser 1 L",
        "Poster botanique vintage « Les graines » A3",
        "LED Glühbirne E27 10 W warmweiß",
    ],
)
def test_look_alikes_are_not_high_risk(model: SpacyClassifier, text: str) -> None:
    verdict = model.classify([text])[0]
    assert verdict.risk != "high", verdict.categories


def test_unsure_listings_are_marked_for_review(model: SpacyClassifier) -> None:
    verdict_maker = model.nlp.get_pipe("phytowatch_verdict")
    assert isinstance(verdict_maker, VerdictMaker)
    verdicts = model.classify(["Cherokee Purple", "Tomato seeds 'Cherokee Purple' — packet of 25 seeds"])
    best = [max(v.scores[c] for c in CATEGORIES if c != "not_regulated") for v in verdicts]
    for verdict, top in zip(verdicts, best):
        in_band = verdict_maker.review_low <= top < verdict_maker.review_high
        below_threshold = verdict.categories != ["not_regulated"] and top < verdict_maker.assign_threshold
        assert verdict.needs_review == (in_band or below_threshold) or any(t for t in verdict.taxa)
    assert not verdicts[1].needs_review


def test_bad_thresholds_are_refused() -> None:
    nlp = spacy.blank("xx")
    with pytest.raises(ValueError, match="review_low"):
        VerdictMaker(nlp, "textcat_multilabel", 0.4, 0.4, 0.5, 0.3, 0.5, 4)
    with pytest.raises(ValueError, match="review_low"):
        VerdictMaker(nlp, "textcat_multilabel", 0.4, 0.4, 0.3, 0.2, 0.5, 4)


def test_held_out_split_quality(model: SpacyClassifier) -> None:
    """The project's held-out split: never trained on, never used to pick a checkpoint or a threshold.

    Issue 4 asks for macro-F1 >= 0.90 and high-risk recall >= 0.95 on it. Measured 2026-11-24
    on 2,471 held-out listings: macro-F1 0.925, high-risk recall 0.956 (on the 2,235 listings
    held out before training rounds 6 and 6b: 0.925 and 0.959, up from 0.913 and 0.954).
    """
    held_out = load_listings(split="test")
    assert len(held_out) >= 1000
    result = evaluate(model, held_out)
    print(f"held-out: macro-F1 {result.macro_f1:.3f}, high-risk recall {result.high_risk_recall:.3f}")
    assert result.macro_f1 >= 0.90
    assert result.high_risk_recall >= 0.95


@pytest.mark.fixtures
def test_real_titles(model: SpacyClassifier, corpus: Path) -> None:
    """Real shop titles the model never saw (tests/real_titles.py): the share rated high per group.

    Measured 2026-11-24 (training round 6b): seed shops 0.59 (titles that are a variety name only),
    Sansevieria nursery 0.98, aquarium plants 0.66, aquarium shrimps 1.00; fresh produce 0.12, spices
    and grains 0.04, tea and snacks 0.09, pet food 0.02, jewellery and craft 0.01, home decor 0.00.
    """

    from tests.real_titles import title_groups

    bars = {
        "seed shops (variety names)": 0.55, "sansevieria nursery": 0.95, "aquarium plants": 0.60,
        "aquarium shrimps and snails": 0.90, "fresh fruit and vegetables": 0.20, "spices, grains, oils": 0.06,
        "tea, coffee, snacks": 0.14, "pet food and accessories": 0.04, "jewellery and craft": 0.05,
        "home decor": 0.03,
    }  # fmt: skip
    for group in title_groups(corpus):
        share = sum(v.risk == "high" for v in model.classify(group.titles)) / len(group.titles)
        print(f"{group.name}: {share:.3f} of {len(group.titles)} rated high")
        if group.high_risk:
            assert share >= bars[group.name], group.name
        else:
            assert share <= bars[group.name], group.name


def test_unrelated_goods_are_not_flagged(model: SpacyClassifier) -> None:
    """Goods with no plant, commodity or taxon word are not flagged just because the model is unsure."""
    for text in ("NVIDIA GeForce RTX 5090 FE Founders Edition", "Samsung Galaxy S21 Ultra 256GB",
                 "Gold plated chain necklace 18 inch"):
        assert model.classify([text])[0].risk != "high", text


def test_training_data_is_balanced_and_multilingual() -> None:
    listings = load_listings()
    per_category = {c: sum(bool(x.cats[c]) for x in listings) for c in CATEGORIES}
    assert min(per_category.values()) >= 300, per_category
    assert {"en", "es", "fr", "de", "it", "nl", "pt"} <= {x.lang for x in listings}
    texts = [x.text for x in listings]
    assert len(texts) == len(set(texts)), "no listing is written twice"
    for x in listings:
        assert not (x.cats["not_regulated"] and len(x.labels) > 1), x.text


def test_splits_are_stable_and_disjoint() -> None:
    assert split_of("Tulipa 'Queen of Night' 25 bulbs") == split_of("Tulipa 'Queen of Night' 25 bulbs")
    splits = {split: {x.text for x in load_listings(split=split)} for split in ("train", "dev", "test")}
    assert not (splits["train"] & splits["test"]) and not (splits["dev"] & splits["test"])


def test_a_bad_training_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "ok", "cats": {"seeds": 1}}\n{"text": "no cats"}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"x\.jsonl:2"):
        list(read_jsonl(path))
    path.write_text('{"text": "x", "cats": {"seedz": 1}}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match="seedz"):
        list(read_jsonl(path))


def test_training_writes_a_loadable_pipeline(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A short training run on a small folder, the way `classifier train` runs it."""
    data = tmp_path / "data"
    data.mkdir()
    rows = [x for x in load_listings() if x.lang == "en"][:400]
    (data / "en.jsonl").write_text(
        "".join(json.dumps({"text": x.text, "cats": x.cats, "lang": x.lang}) + "\n" for x in rows), encoding="utf-8"
    )
    out = train(tmp_path / "model", overrides={"paths.training": str(data), "training.max_steps": 40,
                                               "training.eval_frequency": 20})
    assert (out / "meta.json").exists() and not list(tmp_path.glob(".model-*")), "written whole, temp removed"
    small = SpacyClassifier(out)
    verdict = small.classify(["Tomato seeds x50"])[0]
    assert isinstance(verdict, Classification) and set(verdict.scores) == set(CATEGORIES)
    assert small.evidence_mismatch is None
    # next to other word classes than it was trained with, the model says so (and still loads)
    other = tmp_path / "other-data"
    for part in ("rules", "taxa", "lexicon"):
        shutil.copytree(data_dir() / part, other / part)
    with (other / "lexicon" / "en.tsv").open("a", encoding="utf-8") as fh:
        fh.write("fruit\tzzyzx berry\n")
    with caplog.at_level(logging.WARNING, logger="classifiers.model"):
        moved = SpacyClassifier(out, other)
    assert moved.evidence_mismatch is not None and "retrain" in moved.evidence_mismatch
    assert str(other) in caplog.text and "phytowatch classifier train" in caplog.text
    assert moved.classify(["Tomato seeds x50"])[0].scores == verdict.scores  # the new name is not in the text


def test_fingerprint_follows_the_training_data(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "x", "cats": {"seeds": 1}}\n', encoding="utf-8")
    before = fingerprint(tmp_path)
    (tmp_path / "a.jsonl").write_text('{"text": "y", "cats": {"seeds": 1}}\n', encoding="utf-8")
    assert fingerprint(tmp_path) != before


def test_score_counts_high_risk_recall() -> None:
    listings = [
        LabelledListing("a", {**dict.fromkeys(CATEGORIES, 0.0), "seeds": 1.0}),
        LabelledListing("b", {**dict.fromkeys(CATEGORIES, 0.0), "not_regulated": 1.0}),
    ]

    def verdict(categories: list[str], risk: str) -> Classification:
        return Classification(categories=categories, scores={}, risk=risk)

    result = score(listings, [verdict(["not_regulated"], "none"), verdict(["seeds"], "high")])
    assert result.high_risk_recall == 0.0 and result.high_risk_false_alarms == 1.0
    assert result.categories["seeds"].precision == 0.0 and result.categories["seeds"].recall == 0.0
    assert result.confusions[("seeds", "not_regulated")] == 1


def test_classifier_evaluate_command(tmp_path: Path, model: SpacyClassifier) -> None:
    from click.testing import CliRunner

    from crawler.cli import main

    data = tmp_path / "labelled.jsonl"
    rows = [
        ("Tomato seeds 'Marmande' — 50 seeds", "seeds"),
        ("Glass seed beads 2 mm, 500 g jar", "not_regulated"),
        ("Tulip bulbs 'Apricot Beauty' x20", "bulbs_tubers"),
    ]
    data.write_text(
        "".join(json.dumps({"text": t, "cats": {c: int(c == label) for c in CATEGORIES}}) + "\n" for t, label in rows),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["classifier", "evaluate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    for line in ("seeds", "macro-F1", "high-risk recall", "listings              3"):
        assert line in result.output
    as_json = CliRunner().invoke(main, ["classifier", "evaluate", "--data", str(data), "--json"])
    figures = json.loads(as_json.output)
    assert figures["listings"] == 3 and set(figures["categories"]) == set(CATEGORIES)

    data.write_text('{"text": "x"}\n', encoding="utf-8")
    broken = CliRunner().invoke(main, ["classifier", "evaluate", "--data", str(data)])
    assert broken.exit_code == 1 and "labelled.jsonl:1" in broken.output and "Traceback" not in broken.output


def test_train_with_reviews_needs_an_output() -> None:
    from click.testing import CliRunner

    from crawler.cli import main

    result = CliRunner().invoke(main, ["classifier", "train", "--with-reviews"])
    assert result.exit_code == 1 and "--output" in result.output


def test_reviewed_listings_become_labelled_data(tmp_path: Path) -> None:
    from crawler.items import Listing
    from crawler.store import Store
    from crawler.store.reviews import reviewed_listings

    store = Store(tmp_path / "r.db")
    verdict = {"categories": ["seeds"], "scores": {}, "risk": "high", "taxa": [], "reasons": [],
               "needs_review": False, "model_version": "t"}
    ids = []
    for n, title in enumerate(("Tomato seeds x50", "Seed bead necklace", "Basil plant")):
        listing = Listing(marketplace="shop.example", listing_id=str(n), url=f"https://shop.example/{n}",
                          title=title, description="Nice.")
        store.save_listing(listing, classification=verdict)
        ids.append(store.listing_row_id("shop.example", str(n)))
    store.record_decision(ids[0], "confirm", "officer-a")
    store.record_decision(ids[1], "confirm", "officer-a")
    store.record_decision(ids[1], "dismiss", "officer-b", reason="jewellery")  # the latest decision counts
    store.record_decision(ids[2], "refer", "officer-a")  # says nothing about the category
    rows = list(reviewed_listings(store))
    assert [r["text"] for r in rows] == ["Tomato seeds x50\nNice.", "Seed bead necklace\nNice."]
    assert rows[0]["cats"]["seeds"] == 1 and rows[1]["cats"]["not_regulated"] == 1
    assert sum(rows[1]["cats"].values()) == 1
