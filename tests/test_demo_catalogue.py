"""The demo catalogue: its invariants, its loader and the 5,000-listing benchmark scaling."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from classifiers.types import CATEGORIES, RISK_LEVELS, risk_for
from crawler.demo.catalogue import PLATFORMS, Catalogue
from crawler.paths import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return Catalogue.load()


def test_size_and_spread(cat: Catalogue) -> None:
    assert len(cat.listings) >= 400
    assert len(cat.traders) >= 12
    assert len(cat.countries) >= 5
    assert len(cat.languages) >= 4
    assert {c for c in cat.countries} - {"AT", "BE", "DE", "ES", "FR", "GB", "IT", "NL", "PT"}, \
        "at least one trader outside Europe"
    per_platform = Counter(t.platform for t in cat.traders)
    assert set(per_platform) == set(PLATFORMS)
    assert max(per_platform.values()) - min(per_platform.values()) <= 1
    for t in cat.traders:
        assert len(cat.listings_of(t.key)) >= 20, t.key


def test_every_category_is_covered(cat: Catalogue) -> None:
    seen = Counter(c for listing in cat.listings for c in listing.expected_categories)
    for category in CATEGORIES:
        assert seen[category] >= 5, category


def test_look_alikes(cat: Catalogue) -> None:
    look = [listing for listing in cat.listings if listing.look_alike]
    assert len(look) >= 60
    assert all(listing.expected_risk in ("none", "low") for listing in look)
    titles = " ".join(listing.title.lower() for listing in look)
    for word in ("seed beads", "artificial", "led", "notebook", "mehlwürmer getrocknet"):
        assert word in titles, word


def test_labels_are_consistent(cat: Catalogue) -> None:
    for listing in cat.listings:
        assert listing.expected_categories, listing.id
        assert set(listing.expected_categories) <= set(CATEGORIES), listing.id
        assert listing.expected_risk in RISK_LEVELS
        assert listing.expected_risk == risk_for(listing.expected_categories), listing.id
        if "not_regulated" in listing.expected_categories:
            assert listing.expected_categories == ("not_regulated",), listing.id
        if listing.expected_taxa:
            assert listing.expected_risk == "high", listing.id


def test_ids_skus_handles_prices(cat: Catalogue) -> None:
    ids = [listing.id for listing in cat.listings]
    assert len(ids) == len(set(ids))
    assert len(cat.by_sku) == len(cat.listings)
    for t in cat.traders:
        handles = [listing.handle for listing in cat.listings_of(t.key)]
        assert len(handles) == len(set(handles)), t.key
    keys = {t.key for t in cat.traders}
    for listing in cat.listings:
        assert listing.trader in keys
        assert listing.price > 0, listing.id
        if listing.compare_at_price is not None:
            assert listing.compare_at_price > listing.price, listing.id
        assert listing.quantity >= 0
        assert listing.available == (listing.quantity > 0), listing.id
        assert listing.title.strip() and listing.description.strip()
        assert all(p.startswith(f"images/{listing.trader}/") for p in listing.images)
    for t in cat.traders:
        assert len(t.country) == 2 and t.country.isupper()
        assert len(t.currency) == 3 and t.currency.isupper()
        assert t.domain.endswith(".example") and t.email.endswith(".example")


def test_no_filler_titles(cat: Catalogue) -> None:
    titles = [listing.title for listing in cat.listings]
    assert len(set(titles)) == len(titles)
    assert not [t for t in titles if t.lower().startswith(("product ", "item ", "test"))]


def test_hostile_listing_is_present(cat: Catalogue) -> None:
    hostile = [listing for listing in cat.listings if "<script>alert(1)</script>" in listing.title]
    assert len(hostile) == 1


def test_taxa_are_on_the_eu_union_list(cat: Catalogue, corpus: Path) -> None:
    with open(corpus / "regulated" / "eu_ias_union_list_2025.csv", encoding="utf-8") as fh:
        union = {row["Scientific Name"] for row in csv.DictReader(fh)}
    named = {t for listing in cat.listings for t in listing.expected_taxa}
    assert len(named) >= 10
    assert named <= union, named - union


def test_scaled_cycles_with_unique_ids(cat: Catalogue) -> None:
    big = cat.scaled(5000)
    assert len(big.listings) == 5000
    assert len({listing.id for listing in big.listings}) == 5000
    assert len(big.by_sku) == 5000
    assert big.listings[: len(cat.listings)] == cat.listings
    lot = big.listings[len(cat.listings)]
    assert lot.id == f"{cat.listings[0].id}-lot2"
    assert lot.title == f"{cat.listings[0].title} — lot 2"
    for t in big.traders:
        handles = [listing.handle for listing in big.listings_of(t.key)]
        assert len(handles) == len(set(handles))
    assert len(cat.scaled(7).listings) == 7
    assert cat.scaled(0).listings == ()
    with pytest.raises(ValueError):
        cat.scaled(-1)


def test_load_from_a_directory_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo = tmp_path / "data" / "demo"
    (demo / "listings").mkdir(parents=True)
    shutil.copy(DEMO_DIR / "traders.toml", demo / "traders.toml")
    shutil.copy(DEMO_DIR / "listings" / "insektenkiste.jsonl", demo / "listings")
    small = Catalogue.load(demo)
    assert {listing.trader for listing in small.listings} == {"insektenkiste"}
    assert len(small.traders) == len(Catalogue.load().traders)

    monkeypatch.setenv("PHYTOWATCH_DATA", str(tmp_path / "data"))
    assert Catalogue.load() == small


def test_bad_listing_names_the_file_and_line(tmp_path: Path) -> None:
    shutil.copy(DEMO_DIR / "traders.toml", tmp_path / "traders.toml")
    (tmp_path / "listings").mkdir()
    good = (DEMO_DIR / "listings" / "insektenkiste.jsonl").read_text("utf-8").splitlines()[0]
    bad = json.loads(good)
    del bad["sku"]
    (tmp_path / "listings" / "insektenkiste.jsonl").write_text(good + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(ValueError, match=r"insektenkiste\.jsonl:2"):
        Catalogue.load(tmp_path)


def test_generator_output_is_committed() -> None:
    spec = importlib.util.spec_from_file_location("demo_generate", DEMO_DIR / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, "run: python data/demo/generate.py"
