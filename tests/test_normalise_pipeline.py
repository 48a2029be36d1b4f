"""The first pipeline stage: items the follow-up cannot use are dropped and counted, fields put in canonical form."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import Listing, Trader
from crawler.pipelines import MAX_DESCRIPTION_CHARS, NormalisePipeline
from crawler.store import Store


def _pipeline() -> NormalisePipeline:
    crawler = get_crawler()
    assert crawler.stats is not None
    return NormalisePipeline(crawler.stats)


def _listing(**fields: object) -> Listing:
    base: dict[str, object] = dict(marketplace="bulbs.example", listing_id="7", url="https://bulbs.example/p/7",
                                   title="Tulip bulbs x10", description="Ten bulbs.", price=5.0, currency="EUR")
    return Listing(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["marketplace", "listing_id", "url", "title"])
def test_a_listing_without_what_the_follow_up_needs_is_dropped_and_counted(missing: str) -> None:
    pipeline = _pipeline()
    with pytest.raises(DropItem, match=f"missing_{missing}"):
        pipeline.process_item(_listing(**{missing: ""}))
    assert pipeline.stats.get_value(f"drop_item/missing_{missing}") == 1


def test_fields_are_put_in_canonical_form() -> None:
    pipeline = _pipeline()
    listing = pipeline.process_item(_listing(price=-3.0, currency=" eur ", ships_from="Netherlands",
                                             ships_to=["Germany", "Atlantis", "FR"]))  # fmt: skip
    assert (listing.price, listing.currency, listing.ships_from, listing.ships_to) == (None, "EUR", "NL", ["DE", "FR"])
    assert pipeline.stats.get_value("normalise/bad_price") == 1
    assert pipeline.process_item(_listing(currency="euros")).currency is None


def test_a_long_description_is_cut_and_a_blank_one_is_no_description() -> None:
    pipeline = _pipeline()
    long = pipeline.process_item(_listing(description="x" * (MAX_DESCRIPTION_CHARS + 5)))
    assert len(long.description or "") == MAX_DESCRIPTION_CHARS
    assert pipeline.stats.get_value("normalise/description_truncated") == 1
    for blank in ("", "   ", "\n\t"):
        assert pipeline.process_item(_listing(description=blank)).description is None


def test_a_page_with_a_blank_description_keeps_the_stored_one(tmp_path: Path) -> None:
    pipeline = _pipeline()
    with Store(tmp_path / "s.db") as store:
        store.save_listing(pipeline.process_item(_listing()))
        store.save_listing(pipeline.process_item(_listing(description="  ", price=4.5)))
        row = store.get_listing("bulbs.example", "7")
    assert row is not None and (row["description"], row["price"]) == ("Ten bulbs.", 4.5)


def test_a_trader_without_a_seller_key_is_dropped_and_a_bad_rating_cleared() -> None:
    pipeline = _pipeline()
    with pytest.raises(DropItem, match="missing_seller_key"):
        pipeline.process_item(Trader(marketplace="bulbs.example", seller_key="", display_name="X"))
    trader = pipeline.process_item(Trader(marketplace="bulbs.example", seller_key="s1", display_name="  Bulb  Shop ",
                                          country="Germany", rating=4.5))  # fmt: skip
    assert (trader.country, trader.rating) == ("DE", None)
    assert pipeline.stats.get_value("normalise/bad_rating") == 1
