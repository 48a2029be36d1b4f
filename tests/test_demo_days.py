"""``phytowatch demo --days``: a marketplace that changes day by day, and what the store makes of it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.catalogue import Catalogue
from crawler.demo.days import DemoDays
from crawler.demo.server import start_demo_server
from crawler.store import Store

DAYS = 3


@pytest.fixture(scope="module")
def days() -> DemoDays:
    return DemoDays(Catalogue.load())


def test_days_are_deterministic_and_consistent(days: DemoDays) -> None:
    again = DemoDays(Catalogue.load())
    other = DemoDays(Catalogue.load(), seed="another seed")
    assert [again.changes(d) for d in (1, 2, 3)] == [days.changes(d) for d in (1, 2, 3)]
    assert other.changes(2) != days.changes(2)
    for day in (2, 3, 4):
        before, now, c = days.shown(day - 1), days.shown(day), days.changes(day)
        assert set(c.disappeared) <= set(before) and not set(c.disappeared) & set(now)
        assert not set(c.appeared) & set(before) and set(c.appeared) <= set(now)
        assert set(c.returned) <= set(now) - set(before)
        assert all(now[i].price != before[i].price for i in c.repriced)
        assert all(not now[i].available and before[i].available for i in c.sold_out)
        assert all(now[i].available and not before[i].available for i in c.restocked)
        assert set(now) == (set(before) - set(c.disappeared)) | set(c.appeared) | set(c.returned)
        for kind in ("appeared", "repriced", "sold_out", "disappeared"):
            assert getattr(c, kind), f"day {day} has no {kind}: the demo would not show it"
    assert days.changes(3).returned


def test_a_shop_keeps_its_product_ids_from_day_to_day(days: DemoDays) -> None:
    """WooCommerce ids are numbered over every listing a shop ever has, so a missing one shifts nothing."""
    with start_demo_server(days.catalogue(1), universe=days.universe) as server:
        url = server.shop_url("cactus-del-sur") + "wp-json/wc/store/v1/products?per_page=100"

        def ids() -> dict[str, int]:
            with urllib.request.urlopen(url) as answer:
                return {p["sku"]: p["id"] for p in json.load(answer)}

        first = ids()
        server.serve(days.catalogue(3))
        third = ids()
    assert first.keys() != third.keys()
    assert all(first[sku] == third[sku] for sku in first.keys() & third.keys())


@pytest.fixture(scope="module")
def three_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    work = tmp_path_factory.mktemp("days")
    db = work / "days.db"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("phytowatch")), "demo", "--days", str(DAYS), "--db", str(db),
         "--export-dir", str(work / "exports")],
        cwd=work, capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "150"},
    )  # fmt: skip
    return result, db


def test_three_days_end_to_end(three_days: tuple[subprocess.CompletedProcess[str], Path], days: DemoDays) -> None:
    result, db = three_days
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    sku = {listing.id: listing.sku for listing in days.universe.listings}
    ever_shown = {sku[i] for d in range(1, DAYS + 1) for i in days.shown(d)}
    last = {sku[i]: listing for i, listing in days.shown(DAYS).items()}
    events: dict[str, Counter[str]] = {k: Counter() for k in ("disappeared", "returned", "repriced")}
    shown_days: Counter[str] = Counter()
    for d in range(1, DAYS + 1):
        shown_days.update(sku[i] for i in days.shown(d))
        for kind, counter in events.items():
            counter.update(sku[i] for i in getattr(days.changes(d), kind))

    with Store(db) as store:
        listings = {r["sku"]: r for r in store.db.query("SELECT * FROM listings")}
        history: dict[str, list[dict[str, Any]]] = {}
        for h in store.db.query("SELECT l.sku, h.* FROM listing_history h JOIN listings l ON l.id = h.listing"
                                " ORDER BY h.id"):  # fmt: skip
            history.setdefault(h["sku"], []).append(h)
        runs = list(store.db.query("SELECT status, counts FROM crawl_runs"))

    assert set(listings) == ever_shown  # every listing ever shown, once
    assert len(runs) == 3 * DAYS and {r["status"] for r in runs} == {"finished"}
    delisted = {s for s, r in listings.items() if r["delisted_at"] is not None}
    assert delisted == ever_shown - set(last)  # gone on the last day, with --delist-after 1
    for s, row in listings.items():
        changes = Counter(h["change"] for h in history[s])
        assert changes["delisted"] == events["disappeared"][s], s
        assert changes["relisted"] == events["returned"][s], s
        assert row["times_seen"] == shown_days[s], s
        if s in last:
            assert (row["price"], bool(row["available"])) == (float(last[s].price), last[s].available), s
    for s, n in events["repriced"].items():  # a history row carries each new price
        prices = [h["price"] for h in history[s] if h["change"] == "changed"]
        assert len(set(prices)) >= n, s
    relisted = [h for hs in history.values() for h in hs if h["change"] == "relisted"]
    assert relisted and all(listings[h["sku"]]["first_seen"] < h["observed_at"] for h in relisted)
    for heading in ("Demo days", f"Day {DAYS}: examples", "Riskiest traders"):
        assert heading in result.stdout
