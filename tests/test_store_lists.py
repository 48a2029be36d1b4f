"""An empty list on a page is a page that did not say: it keeps the stored list, on both write paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing
from crawler.store import Store, sightings
from crawler.store.rows import EMPTY_LIST_IS_UNSAID, JSON_COLUMNS, LISTING_COLUMNS

VERDICT = {"categories": ["seeds"], "scores": {"seeds": 0.9}, "risk": "high", "taxa": [], "reasons": [],
           "model_version": "rules-test"}  # fmt: skip
LISTS = {"category_path": ["Garden", "Seeds"], "image_urls": ["https://seeds.example/1.jpg"], "ships_to": ["NL", "BE"]}


def seeds(day: int, **changes: Any) -> Listing:
    base: dict[str, Any] = dict(marketplace="seeds.example", listing_id="1", url="https://seeds.example/p/1",
                                title="Tomato seeds", price=2.5, currency="EUR", seller_key="seeds.example",
                                fetched_at=f"2026-11-{day:02d}T02:00:00+00:00", **LISTS)  # fmt: skip
    base.update(changes)
    return Listing(**base)


def stored_lists(store: Store) -> dict[str, str]:
    row = store.get_listing("seeds.example", "1")
    assert row is not None
    return {column: row[column] for column in LISTS}


def test_every_list_column_says_what_an_empty_list_means() -> None:
    assert JSON_COLUMNS == {c for c in LISTING_COLUMNS if isinstance(getattr(seeds(1), c), list)}
    assert set(EMPTY_LIST_IS_UNSAID) == JSON_COLUMNS


@pytest.mark.parametrize("column", sorted(LISTS))
@pytest.mark.parametrize("path", ["fast", "full"])
def test_an_empty_list_keeps_the_stored_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str,
                                             path: str) -> None:  # fmt: skip
    """Seen again with ``[]``: unchanged (the fast UPDATE), or changed elsewhere (the full path); the list stays."""
    if path == "full":
        monkeypatch.setattr(sightings, "record_sighting", lambda *args: None)
    with Store(tmp_path / "s.db") as store:
        run = store.start_run("shopify", {"stores": "seeds.example"})
        store.save_listing(seeds(1), run_id=run, classification=VERDICT)
        before = stored_lists(store)
        again = store.save_listing(seeds(2, **{column: []}), run_id=run, classification=VERDICT)
        assert again.change == "unchanged" and stored_lists(store) == before
        repriced = store.save_listing(seeds(3, price=3.0, **{column: []}), run_id=run, classification=VERDICT)
        assert repriced.changed_fields == ["price"] and stored_lists(store) == before
        # a list the page does give still replaces the stored one
        store.save_listing(seeds(4, **{column: ["XX"]}), run_id=run, classification=VERDICT)
        assert stored_lists(store) == {**before, column: '["XX"]'}


def test_a_new_listing_without_lists_stores_empty_lists(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as store:
        store.save_listing(seeds(1, category_path=[], image_urls=[], ships_to=[]), classification=VERDICT)
        assert stored_lists(store) == dict.fromkeys(LISTS, "[]")
        store.save_listing(seeds(2), classification=VERDICT)  # what a later page says is stored
        assert stored_lists(store) == {"category_path": '["Garden","Seeds"]',
                                       "image_urls": '["https://seeds.example/1.jpg"]', "ships_to": '["NL","BE"]'}
