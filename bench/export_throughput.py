"""How fast exports are, and how much memory they take, on a large store.

Builds a store of ``--listings`` listings from ``--traders`` traders (titles
with names, e-mails and phone numbers, taxa, decisions on one listing in
twenty), then runs each export in a fresh process and prints its wall time,
listings per second, file size and peak RSS. Exports stream from SQLite to
the file, so memory should not grow with the number of listings.

    .venv/bin/python bench/export_throughput.py [--listings 100000] [--traders 10000] [--formats csv,xlsx,rppo]

Target: a pseudonymised RPPO package of 100,000 listings in under 60 s, every export under 300 MB RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEY = b"bench-key-0123456789abcdef0123456789abcdef"
CATEGORIES = [("bulbs_tubers", "high"), ("seeds", "high"), ("plants_for_planting", "high"),
              ("fresh_produce", "medium"), ("processed_plant_products", "low"), ("not_regulated", "none")]  # fmt: skip
WORDS = "tulip bulbs seeds heirloom tomato dahlia tuber cutting rooted pond plant peat coir bark organic".split()


def build(path: Path, listings: int, traders: int) -> None:
    from crawler.items import Listing, Trader
    from crawler.store import Store

    rng = random.Random(6)
    with Store(path) as store, store.batch():
        for t in range(traders):
            shop = t % 3 == 0
            marketplace = f"shop{t}.example.nl" if shop else "ebay.de"
            key = marketplace if shop else f"seller_{t:06d}"
            store.save_trader(Trader(marketplace=marketplace, seller_key=key, display_name=f"Kwekerij Bloem {t}",
                                     profile_url=f"https://{marketplace}/" if shop else f"https://www.ebay.de/usr/{key}",
                                     country=rng.choice(["NL", "DE", "FR", "CN", "US"])))  # fmt: skip
        for n in range(listings):
            t = rng.randrange(traders)
            shop = t % 3 == 0
            marketplace = f"shop{t}.example.nl" if shop else "ebay.de"
            category, risk = rng.choice(CATEGORIES)
            title = " ".join(rng.choices(WORDS, k=6)) + (f" – Kwekerij Bloem {t}, bel 06 {n:08d}" if n % 4 == 0 else "")
            row = store.save_listing(
                Listing(marketplace=marketplace, listing_id=str(n), url=f"https://{marketplace}/p/{n}", title=title,
                        description=f"Mail bloem{t}@example.nl. " + " ".join(rng.choices(WORDS, k=40)),
                        price=round(rng.uniform(1, 50), 2), currency="EUR", ships_from="NL",
                        seller_key=marketplace if shop else f"seller_{t:06d}",
                        fetched_at=f"2026-11-{1 + n % 28:02d}T02:00:00+00:00"),
                classification={"categories": [category], "risk": risk, "model_version": "bench", "scores": {},
                                "taxa": [{"scientific_name": "Eichhornia crassipes", "eppo_code": "EICCR",
                                          "list_name": "EU IAS Union list", "status": "prohibited",
                                          "text": "water hyacinth"}] if n % 10 == 0 else []},
            )  # fmt: skip
            if n % 20 == 0:
                store.record_decision(row.row_id, rng.choice(["confirm", "dismiss", "refer"]), "officer")


def one(database: str, fmt: str, output: str, pseudonymise: bool) -> None:
    """Run one export in this process and print its figures as JSON."""
    from crawler.export import export
    from crawler.store import Store

    start = time.perf_counter()
    with Store(database) as store:
        result = export(store, fmt, output, pseudonymise_key=KEY if pseudonymise else None)
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb, "listings": result.counts.get("listings", 0)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--traders", type=int, default=10_000)
    parser.add_argument("--formats", default="csv,json,jsonl,xlsx,rppo")
    parser.add_argument("--one", nargs=4, metavar=("DB", "FORMAT", "OUTPUT", "PSEUDONYMISE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        database, fmt, output, pseudonymise = args.one
        one(database, fmt, output, pseudonymise == "yes")
        return
    with tempfile.TemporaryDirectory(prefix="phytowatch-export-bench-") as work:
        database = Path(work) / "bench.db"
        start = time.perf_counter()
        build(database, args.listings, args.traders)
        print(f"store of {args.listings:,} listings from {args.traders:,} traders built in "
              f"{time.perf_counter() - start:.0f} s ({database.stat().st_size / 1e6:.0f} MB)", flush=True)  # fmt: skip
        print(f"{'export':<22} {'seconds':>8} {'listings/s':>11} {'MB':>7} {'peak RSS MB':>12}")
        for fmt in args.formats.split(","):
            for pseudonymise in (False, True):
                output = Path(work) / f"out.{'zip' if fmt == 'rppo' else fmt}"
                command = [sys.executable, __file__, "--one", str(database), fmt, str(output),
                           "yes" if pseudonymise else "no"]  # fmt: skip
                run = subprocess.run(command, capture_output=True, text=True, check=True)
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                name = fmt + (" pseudonymised" if pseudonymise else "")
                print(f"{name:<22} {figures['seconds']:>8.1f} {figures['listings'] / figures['seconds']:>11,.0f} "
                      f"{output.stat().st_size / 1e6:>7.1f} {figures['rss_mb']:>12.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
