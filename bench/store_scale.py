"""Store at scale: a million listings, one night's updates, and the ``traders`` query.

Builds a store of ``--listings`` listings (1,000,000) from ``--traders`` traders
(50,000: a heavy tail of marketplace sellers and independent shops in 30
countries, some businesses selling on several marketplaces under one e-mail,
phone or website), each listing with a classification, in ``--scopes`` watches (10,
so that a watch holds what one night sees again: no listing is missed for want of a visit).
Then measures, on that store:

  (a) a night: the ``--night`` listings (100,000) of one watch seen again through
      ``Store.save_listing`` with their unchanged verdicts, committed every 500
      like the crawl pipeline, in crawl order (seller after seller, in no particular
      order), 2 % with a new price, 1 % missing and 0.5 % new: listings/s, median of
      ``--nights`` (target >= 20,000);
  (b) the end of that run: the misses of the watch counted and delisted (set-based SQL);
  (c) ``refresh_traders``: identifiers, links and entity figures, first over every
      listing, then after the night;
  (d) ``list_traders`` for the home country (NL), as ``phytowatch traders`` runs it:
      median of five (target < 1 s).

    .venv/bin/python bench/store_scale.py [--listings 1000000] [--traders 50000] [--night 100000] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.items import Listing  # noqa: E402
from crawler.store import Store  # noqa: E402
from crawler.store.incremental import DEFAULT_DELIST_AFTER  # noqa: E402
from crawler.store.rows import dumps  # noqa: E402
from crawler.traders import list_traders, refresh_traders  # noqa: E402

COUNTRIES = ["NL", "DE", "FR", "GB", "US", "IT", "ES", "BE", "PL", "CN", "PT", "AT", "DK", "SE", "CZ",
             "IE", "GR", "RO", "HU", "TH", "JP", "CA", "AU", "CH", "NO", "FI", "SK", "SI", "HR", "TR"]  # fmt: skip
MARKETPLACES = ["ebay.de", "ebay.com", "ebay.fr", "etsy.com", "amazon.de", "aliexpress.com", "leboncoin.fr"]
KINDS = [  # (categories, risk, share)
    (["plants_for_planting"], "high", 0.25), (["seeds"], "high", 0.15), (["bulbs_tubers"], "high", 0.08),
    (["soil_growing_media"], "high", 0.04), (["living_organisms"], "high", 0.04), (["fresh_produce"], "medium", 0.06),
    (["wood_bark"], "medium", 0.03), (["processed_plant_products"], "low", 0.10), (["not_regulated"], "none", 0.25),
]  # fmt: skip
WORDS = ("tulip rose seeds bulbs fern cactus orchid tomato pepper lavender maple olive citrus moss soil compost "
         "worms ladybirds pot tray set pack organic rare heirloom dwarf giant red white blue yellow mix").split()
MODEL = "rules-bench"


def verdict(categories: list[str], risk: str, taxon: bool) -> dict[str, Any]:
    taxa = [{"scientific_name": "Ludwigia grandiflora", "list_name": "EU IAS Union list", "status": "prohibited",
             "start": 0, "end": 8, "text": "Ludwigia"}] if taxon else []  # fmt: skip
    return {"categories": categories, "scores": {categories[0]: 0.9}, "risk": risk, "needs_review": False,
            "taxa": taxa, "reasons": [{"start": 0, "end": 5, "text": "tulip", "label": categories[0],
                                       "weight": 0.9}], "model_version": MODEL}  # fmt: skip


def make_traders(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Sellers and shops; one in forty is a business on several marketplaces sharing a contact detail."""
    traders = []
    for i in range(n):
        country = "NL" if rng.random() < 0.08 else rng.choice(COUNTRIES)
        shop = rng.random() < 0.05
        marketplace = f"shop{i}.example" if shop else rng.choice(MARKETPLACES)
        seller_key = marketplace if shop else f"seller{i}"
        traders.append({"marketplace": marketplace, "seller_key": seller_key, "country": country,
                        "display_name": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}",
                        "contact": None, "weight": rng.paretovariate(1.2)})  # fmt: skip
    for b in range(n // 40):  # businesses with two or three accounts
        contact = rng.choice([f"sales@business{b}.example", f"+31 20 {1000000 + b}", f"www.business{b}.example"])
        for t in rng.sample(traders, rng.choice((2, 3))):
            t["contact"] = contact
    return traders


def build(path: Path, n_listings: int, n_traders: int, scopes: int, rng: random.Random) -> list[dict[str, Any]]:
    """Write traders, listings, classifications and crawl runs directly (the fixture, not what is measured)."""
    traders = make_traders(n_traders, rng)
    total = sum(t["weight"] for t in traders)
    with Store(path) as store:
        conn = store.conn
        run_ids = [store.start_run("ebay", {"query": f"q{s}"}, watch=f"watch-{s}") for s in range(scopes)]
        for run in run_ids:
            store.finish_run(run, "finished", {"store/listings_new": 1})
        scope_of = {r: store.get_run(r)["scope_id"] for r in run_ids}  # type: ignore[index]
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO traders (marketplace, seller_key, display_name, country, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, '2026-01-05T02:00:00+00:00', '2026-11-19T02:00:00+00:00')",
            [(t["marketplace"], t["seller_key"], t["display_name"], t["country"]) for t in traders],
        )
        kinds = [(k[0], k[1]) for k in KINDS]
        weights = [k[2] for k in KINDS]
        counts = [max(1, int(t["weight"] / total * n_listings)) for t in traders]
        for i in rng.choices(range(len(traders)), k=max(0, n_listings - sum(counts))):
            counts[i] += 1  # the rounding's remainder, so that there are exactly n_listings
        n = 0
        batch: list[tuple[Any, ...]] = []
        for t, count in zip(traders, counts):
            for _ in range(count):
                if n >= n_listings:
                    break
                n += 1
                categories, risk = rng.choices(kinds, weights)[0]
                taxon = risk == "high" and rng.random() < 0.01
                title = " ".join(rng.choices(WORDS, k=6)).capitalize()
                description = " ".join(rng.choices(WORDS, k=30))
                if t["contact"] and rng.random() < 0.5:
                    description += f" Contact: {t['contact']}"
                run = run_ids[n % scopes]
                v = verdict(categories, risk, taxon)
                batch.append((n, t["marketplace"], str(n), f"https://{t['marketplace']}/itm/{n}", title, description,
                              round(rng.uniform(1, 80), 2), "EUR", 1, dumps(["Garden"]), dumps([]), t["country"],
                              t["seller_key"], "bench", dumps(categories), risk, ["high", "medium", "low", "none"]
                              .index(risk), MODEL, run, scope_of[run], int(taxon), dumps(v["taxa"]),
                              dumps(v["scores"]), dumps(v["reasons"])))  # fmt: skip
                if len(batch) == 20_000:
                    _insert(conn, batch)
                    batch = []
        _insert(conn, batch)
        conn.commit()
        print(f"built {n:,} listings from {len(traders):,} traders in {scopes} watches", flush=True)
    return traders


def _insert(conn: Any, batch: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        "INSERT INTO listings (id, marketplace, listing_id, url, title, description, price, currency, available,"
        " category_path, image_urls, ships_from, seller_key, search_query, categories, risk, risk_rank,"
        " model_version, last_run_id, scope_id, taxa_hits, first_seen, last_seen, needs_review, ships_to)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " '2026-10-01T02:00:00+00:00', '2026-11-19T02:00:00+00:00', 0, '[]')",  # ships_to as save_listing stores []
        [row[:21] for row in batch],
    )
    conn.executemany(
        "INSERT INTO classifications (listing, model_version, categories, scores, risk, needs_review, taxa,"
        " reasons, classified_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, '2026-10-01T02:00:00+00:00')",
        [(row[0], MODEL, row[14], row[22], row[15], row[21], row[23]) for row in batch],
    )


def night(path: Path, size: int, rng: random.Random) -> dict[str, float]:
    """One run of watch-0: its listings seen again (some repriced, some missing, some new), then its end."""
    with Store(path) as store:
        rows = store.conn.execute(
            "SELECT l.id, l.marketplace, l.listing_id, l.url, l.title, l.description, l.price, l.currency,"
            " l.ships_from, l.seller_key, l.categories, l.risk, l.taxa_hits FROM listings l"
            " WHERE l.scope_id = (SELECT scope_id FROM crawl_runs WHERE watch = 'watch-0' LIMIT 1)"
            " AND l.listing_id NOT LIKE 'new-%' ORDER BY l.id LIMIT ?",
            (size,),
        ).fetchall()
        # the watch holds more listings than one --night when --night < --listings / --scopes: (b) counts them all
        watch_listings = store.conn.execute(
            "SELECT count(*) FROM listings WHERE delisted_at IS NULL"
            " AND scope_id = (SELECT scope_id FROM crawl_runs WHERE watch = 'watch-0' LIMIT 1)"
        ).fetchone()[0]
        # in crawl order: shop after shop (search after search) in no particular order, each page by page
        by_trader: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        for row in rows:
            by_trader.setdefault((row[1], row[9]), []).append(row)
        sellers = list(by_trader)
        rng.shuffle(sellers)
        items = list(_night_items([row for seller in sellers for row in by_trader[seller]], rng))
        run = store.start_run("ebay", {"query": "q0"}, watch="watch-0")
        started, cpu = time.perf_counter(), time.process_time()
        store.begin_batch()
        for i, (listing, v) in enumerate(items, start=1):
            store.save_listing(listing, run_id=run, classification=v)
            if i % 500 == 0:
                store.commit_batch()
                store.begin_batch()
        store.commit_batch()
        saving, cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        misses = store.finish_run(run, "finished", {"store/listings_unchanged": len(items)},
                                  delist_after=DEFAULT_DELIST_AFTER)
        ending = time.perf_counter() - started
    return {"seen": len(items), "seconds": saving, "per_s": len(items) / saving, "per_cpu_s": len(items) / cpu,
            "end_seconds": ending,
            "missed": misses.missed, "delisted": misses.delisted, "watch_listings": watch_listings}  # fmt: skip


def _night_items(rows: list[tuple[Any, ...]], rng: random.Random) -> Iterator[tuple[Listing, dict[str, Any]]]:
    fetched = "2026-11-20T02:00:00+00:00"
    for (row_id, marketplace, listing_id, url, title, description, price, currency, ships_from, seller, categories,
         risk, taxa_hits) in rows:  # fmt: skip
        if rng.random() < 0.01:
            continue  # not on tonight's pages
        if rng.random() < 0.02:
            price = round(price * 1.1, 2)
        v = verdict(json.loads(categories), risk, bool(taxa_hits))
        yield Listing(marketplace=marketplace, listing_id=listing_id, url=url, title=title, description=description,
                      price=price, currency=currency, available=True, category_path=["Garden"],
                      ships_from=ships_from, seller_key=seller, search_query="bench", fetched_at=fetched), v
        if rng.random() < 0.005:
            yield Listing(marketplace=marketplace, listing_id=f"new-{row_id}", url=f"{url}-new", title=title,
                          description=description, price=price, currency=currency, ships_from=ships_from,
                          seller_key=seller, search_query="bench", fetched_at=fetched), v  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--traders", type=int, default=50_000)
    parser.add_argument("--scopes", type=int, default=10,
                        help="watches the listings are spread over (10: a watch holds one night's 100,000)")
    parser.add_argument("--night", type=int, default=100_000, help="listings of the measured watch's night")
    parser.add_argument("--nights", type=int, default=3, help="nights measured; the median is reported")
    parser.add_argument("--db", type=Path, help="keep the store here (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "scale.db"
        started = time.perf_counter()
        build(path, args.listings, args.traders, args.scopes, rng)
        print(f"build: {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e9:.2f} GB", flush=True)
        with Store(path) as store:
            first = refresh_traders(store)
        nights = []
        for number in range(1, args.nights + 1):
            nights.append(night(path, args.night, rng))
            print(f"night {number}: {nights[-1]['per_s']:,.0f} listings/s"
                  f" ({nights[-1]['per_cpu_s']:,.0f} per CPU-second)", flush=True)
        n = sorted(nights, key=lambda x: x["per_s"])[len(nights) // 2]
        with Store(path) as store:
            second = refresh_traders(store)
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                rows = list_traders(store, "NL", refresh=True)
                timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            detailed = list_traders(store, "NL", details=True)
            details = time.perf_counter() - started
            entities = store.conn.execute("SELECT count(*), sum(traders > 1) FROM trader_entities").fetchone()
            stored = store.conn.execute("SELECT count(*) FROM listings").fetchone()[0]
            links = store.conn.execute("SELECT count(*) FROM trader_links").fetchone()[0]
    query = statistics.median(timings)
    print(f"\nstore: {stored:,} listings, {args.traders:,} traders -> {entities[0]:,} entities"
          f" ({entities[1]:,} of several traders, {links:,} links)")
    rates = sorted(x["per_s"] for x in nights)
    cpu = statistics.median(x["per_cpu_s"] for x in nights)
    print(f"(a) night of one watch : {n['seen']:,} listings seen again in {n['seconds']:.1f} s ="
          f" {n['per_s']:,.0f} listings/s, median of {len(nights)} nights (range {rates[0]:,.0f}-{rates[-1]:,.0f};"
          f" target >= 20,000); {cpu:,.0f} per CPU-second of the process")
    print(f"(b) end of that run    : {n['missed']:,} of its {n['watch_listings']:,} active listings missed,"
          f" {n['delisted']:,} delisted, in {n['end_seconds']:.2f} s")
    print(f"(c) refresh_traders    : {first.seconds:.1f} s first ({first.listings_read:,} listings read),"
          f" {second.seconds:.1f} s after the night ({second.listings_read:,} new listings read)")
    print(f"(d) traders --country NL: {query * 1000:.0f} ms median of 5 ({len(rows):,} entities;"
          f" with members and links {details * 1000:.0f} ms) (target < 1 s)")
    _ = detailed


if __name__ == "__main__":
    main()
