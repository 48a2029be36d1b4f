"""``phytowatch demo`` end to end: the real spiders crawl the demo marketplace on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.catalogue import Catalogue
from crawler.store import Store


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    work = tmp_path_factory.mktemp("demo")
    db, exports = work / "demo.db", work / "exports"
    phytowatch = Path(sys.executable).with_name("phytowatch")
    result = subprocess.run(
        [str(phytowatch), "demo", "--db", str(db), "--export-dir", str(exports)],
        cwd=work, capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )
    return result, db, exports


def test_demo_stores_every_listing_and_trader(demo_run: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    result, db, _ = demo_run
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    catalogue = Catalogue.load()
    with Store(db) as store:
        runs = list(store.db.query("SELECT spider, status FROM crawl_runs ORDER BY spider"))
        n_listings = store.conn.execute("SELECT count(*) FROM listings").fetchone()[0]
        traders = list(store.db.query("SELECT seller_key, display_name, country FROM traders"))
        unclassified = store.conn.execute("SELECT count(*) FROM listings WHERE risk IS NULL").fetchone()[0]
    assert runs == [{"spider": s, "status": "finished"} for s in ("shopify", "sitemap", "woocommerce")]
    assert n_listings == len(catalogue.listings)
    assert len(traders) == len(catalogue.traders)
    assert {t["country"] for t in traders} == {t.country for t in catalogue.traders}
    assert all(t["display_name"] for t in traders)
    assert unclassified == 0


DemoRun = tuple[subprocess.CompletedProcess[str], Path, Path]


def test_demo_prints_a_summary_and_writes_exports(demo_run: DemoRun) -> None:
    result, _, exports = demo_run
    for heading in ("Crawl runs", "By risk", "By category", "By country", "Riskiest traders"):
        assert heading in result.stdout
    rows = list(csv.DictReader((exports / "listings.csv").open(encoding="utf-8")))
    as_json = json.loads((exports / "listings.json").read_text(encoding="utf-8"))
    assert len(rows) == len(as_json) == len(Catalogue.load().listings)
    assert rows[0]["risk"] == "high"  # riskiest first


def test_demo_look_alikes_are_not_flagged(demo_run: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    """Listings written as look-alikes (seed beads, artificial plants...) must not reach the high-risk queue."""
    _, db, _ = demo_run
    catalogue = Catalogue.load()
    expected = {(l.title): l.expected_risk for l in catalogue.listings}
    with Store(db) as store:
        stored = {r["title"]: r["risk"] for r in store.db.query("SELECT title, risk FROM listings")}
    high_expected = [t for t, r in expected.items() if r == "high"]
    not_high_expected = [t for t, r in expected.items() if r in ("none", "low")]
    recall = sum(stored.get(t) == "high" for t in high_expected) / len(high_expected)
    false_alarms = sum(stored.get(t) == "high" for t in not_high_expected) / len(not_high_expected)
    print(f"demo high-risk recall {recall:.3f}, look-alike false-alarm rate {false_alarms:.3f}")
    assert recall >= 0.9
    assert false_alarms <= 0.1


def test_demo_run_twice_adds_nothing(demo_run: tuple[subprocess.CompletedProcess[str], Path, Path],
                                     tmp_path: Path) -> None:
    """A second night on an unchanged marketplace only moves last_seen: no new listings, no history."""
    _, db, _ = demo_run
    with Store(db) as store:
        before = store.conn.execute("SELECT count(*), (SELECT count(*) FROM listing_history) FROM listings").fetchone()
    phytowatch = Path(sys.executable).with_name("phytowatch")
    again = subprocess.run([str(phytowatch), "demo", "--db", str(db), "--export-dir", str(tmp_path)],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    with Store(db) as store:
        after = store.conn.execute("SELECT count(*), (SELECT count(*) FROM listing_history) FROM listings").fetchone()
        new_second_night = store.conn.execute(
            "SELECT sum(json_extract(counts, '$.\"store/listings_new\"')) FROM crawl_runs WHERE id > 3").fetchone()[0]
    assert after == before
    assert not new_second_night
