"""Time the review queue on a store of 1,000,000 listings: first page, filtered search, and as pages.

    .venv/bin/python bench/review_queue.py [--listings 1000000] [--runs 7] [--db bench-queue.db]

Builds (or reuses, with ``--db`` naming an existing bench store of the right size) a
store with a realistic spread: a dozen marketplaces and 600 independent shops,
40,000 traders in 40 countries (skewed, as trade is), the classifier's nine
categories and four risk levels in the proportions a night's crawl shows, a year of
first-seen dates, titles and descriptions in several languages for the full-text
index, 2 % of listings naming a regulated taxon, 3 % of flagged listings already
decided. The build is a bulk insert with the listings' indexes and triggers set
aside and put back (and the FTS index rebuilt) at the end.

Then it times, median of ``--runs`` after one warm-up, the queue query
(:func:`crawler.review.queue.queue_page`) and the whole page through the Flask app
(signed in, rendered, security headers and all):

* the queue's first page (new and needs-review listings, riskiest then newest);
* a filtered search: category + ships-from country + a full-text term;
* a few more filters, a deep page and the slowest kinds of filter we know, for context;
* the dashboard's charts, computed once.

Target: under 200 ms each for the first page and the filtered search.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifiers.types import risk_for, risk_rank  # noqa: E402
from crawler.store import Store  # noqa: E402

MARKETPLACES = [("ebay.de", 18), ("ebay.com", 12), ("amazon.de", 10), ("etsy.com", 10), ("aliexpress.com", 14),
                ("ebay.fr", 5), ("leboncoin.fr", 6), ("facebook.com", 5), ("craigslist.org", 3), ("amazon.com", 7),
                ("ebay.nl", 4), ("marktplaats.nl", 6)]  # fmt: skip
COUNTRIES = ["NL", "DE", "CN", "US", "FR", "GB", "PL", "IT", "ES", "BE", "TH", "IN", "TR", "UA", "JP", "VN",
             "CZ", "AT", "DK", "SE", "PT", "RO", "HU", "GR", "CH", "IE", "ID", "MY", "BR", "MX", "CA", "AU",
             "ZA", "KE", "CO", "IL", "EG", "MA", "LT", "FI"]  # fmt: skip
CATEGORY_WEIGHTS = {"not_regulated": 42, "processed_plant_products": 9, "fresh_produce": 6, "wood_bark": 3,
                    "plants_for_planting": 15, "seeds": 13, "bulbs_tubers": 6, "soil_growing_media": 3,
                    "living_organisms": 3}  # fmt: skip
WORDS = {
    "plants_for_planting": ["rose bush", "Rosa rugosa", "olive tree", "Olea europaea", "bonsai", "Ficus",
                            "Pflanze im Topf", "plante en pot", "kamerplant", "citrus tree", "Monstera cutting",
                            "bare root apple tree", "Acer palmatum", "lavender plant", "Stecklinge"],
    "seeds": ["tomato seeds", "Samen", "graines", "zaden", "semi", "chilli seeds", "Capsicum annuum",
              "heirloom seeds", "sunflower seeds for sowing", "Cannabis seeds", "bonsai seeds", "Saatgut"],
    "bulbs_tubers": ["tulip bulbs", "Tulipa", "Tulpenzwiebeln", "bulbes de tulipe", "dahlia tubers", "crocus",
                     "narcissus bulbs", "lily bulbs", "Knollen", "bloembollen tulp", "gladiolus corms"],
    "soil_growing_media": ["potting soil", "Blumenerde", "terreau", "coco coir", "peat moss", "compost",
                           "bonsai soil", "Anzuchterde"],
    "living_organisms": ["ladybird larvae", "nematodes", "earthworms", "Regenwürmer", "beneficial insects",
                         "mycorrhiza live culture", "snails", "aquarium plants Eichhornia"],
    "fresh_produce": ["fresh mango", "citrus fruit box", "Kartoffeln", "pommes de terre", "fresh chillies"],
    "wood_bark": ["pine bark mulch", "firewood", "Rindenmulch", "oak logs", "driftwood"],
    "processed_plant_products": ["dried lavender", "herbal tea", "Tee", "rose oil", "dried flowers bouquet"],
    "not_regulated": ["garden hose", "plant pot ceramic", "Gießkanne", "arrosoir", "grow light LED",
                      "pruning shears", "T-shirt flower print", "plastic plant decoration", "seed tray",
                      "greenhouse", "bonsai tools", "tulip print poster", "vase", "garden gnome"],
}
FILLER = ["fast shipping", "Versand", "livraison rapide", "high quality", "100 pcs", "new", "rare",
          "gift", "organic", "bio", "garden", "Garten", "jardin", "tuin", "home decor", "wholesale"]  # fmt: skip
TAXA = [("Eichhornia crassipes", "EU IAS Union list"), ("Ailanthus altissima", "EU IAS Union list"),
        ("Xylella fastidiosa", "GB quarantine pests"), ("Popillia japonica", "GB quarantine pests"),
        ("Imperata cylindrica", "US Federal Noxious Weeds")]  # fmt: skip
WATCHES = ["ebay-de-seeds", "aquatic-invasives", "etsy-bulbs", "aliexpress-plants", None]


def weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Callable[[], Any]:
    values, weights = zip(*pairs)
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    import bisect

    return lambda: values[bisect.bisect(cum, rng.random() * total)]


def build(path: Path, listings: int, seed: int = 6) -> None:
    """A store of ``listings`` generated listings at ``path`` (replaced if it exists)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Store(path).close()  # the schema, through the migrations
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    saved = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'listings' AND sql IS NOT NULL"
        " AND type IN ('index', 'trigger')"
    ).fetchall()
    for kind, name, _ in saved:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    now = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)
    runs = []
    with conn:
        for i in range(400):
            started = (now - timedelta(days=400 - i)).isoformat()
            cur = conn.execute(
                "INSERT INTO crawl_runs (spider, arguments, started_at, finished_at, status, counts, errors, watch)"
                " VALUES ('ebay', '{}', ?, ?, 'finished', '{}', '[]', ?)",
                (started, started, WATCHES[i % len(WATCHES)]),
            )
            runs.append(cur.lastrowid)
    country = weighted(rng, [(c, 1 / (i + 1)) for i, c in enumerate(COUNTRIES)])
    market = weighted(rng, [(m, w) for m, w in MARKETPLACES] + [("shop", 20)])
    traders: list[tuple[str, str, str]] = []
    seen = set()
    while len(traders) < 40_000:
        m = market()
        if m == "shop":
            m = f"shop{rng.randrange(600)}.example"
            key = m
        else:
            key = f"seller{rng.randrange(10**7)}"
        if (m, key) not in seen:
            seen.add((m, key))
            traders.append((m, key, country()))
    with conn:
        conn.executemany(
            "INSERT INTO traders (marketplace, seller_key, display_name, country, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            ((m, k, f"Trader {k}", c, now.isoformat(), now.isoformat()) for m, k, c in traders),
        )
    category = weighted(rng, list(CATEGORY_WEIGHTS.items()))
    trader_pick = weighted(rng, [(t, 1 / ((i % 5000) + 1) ** 0.5) for i, t in enumerate(traders)])

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(1, listings + 1):
            m, key, trader_country = trader_pick()
            cats = [category()]
            if rng.random() < 0.15:
                cats.append(category())
            cats = sorted(set(cats))
            if len(cats) > 1 and "not_regulated" in cats:
                cats.remove("not_regulated")
            risk = risk_for(cats)
            words = [rng.choice(WORDS[c]) for c in cats] + rng.sample(FILLER, 3)
            rng.shuffle(words)
            title = " ".join(words)[:120]
            description = " ".join(rng.choice(WORDS[rng.choice(cats)]) for _ in range(3)) + ". " + " ".join(
                rng.sample(FILLER, 5)
            )
            first = now - timedelta(seconds=rng.randrange(365 * 86400))
            last = min(now, first + timedelta(days=rng.randrange(60)))
            ships = trader_country if rng.random() < 0.85 else country()
            yield (n, m, f"L{n}", f"https://{m}/item/{n}", title, description, round(rng.uniform(1, 200), 2), "EUR",
                   1, ships, key, json.dumps(cats), risk, risk_rank(risk), int(rng.random() < 0.06),
                   "bench-1", first.isoformat(), last.isoformat(), rng.choice(runs))  # fmt: skip

    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO listings (id, marketplace, listing_id, url, title, description, price, currency, available,"
            " ships_from, seller_key, categories, risk, risk_rank, needs_review, model_version, first_seen,"
            " last_seen, last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    print(f"  {listings:,} listings inserted in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    for _, _, sql in saved:
        conn.execute(sql)
    conn.execute("INSERT INTO listings_fts (listings_fts) VALUES ('rebuild')")
    conn.commit()
    print(f"  indexes, triggers and full-text index rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    _taxa_and_decisions(conn, rng, listings)
    conn.commit()  # no ANALYZE: a crawled store has no statistics either
    conn.close()


def _taxa_and_decisions(conn: sqlite3.Connection, rng: random.Random, listings: int) -> None:
    """2 % of listings name a regulated taxon (with their classification row); 3 % of flagged ones are decided."""
    with conn:
        picks = rng.sample(range(1, listings + 1), listings // 50)
        for n in picks:
            name, list_name = rng.choice(TAXA)
            taxa = [{"start": 0, "end": len(name), "text": name, "scientific_name": name, "list_name": list_name,
                     "status": "prohibited", "eppo_code": None, "matched_as": "scientific"}]  # fmt: skip
            conn.execute(
                "INSERT INTO classifications (listing, model_version, categories, scores, risk, needs_review, taxa,"
                " reasons, classified_at) SELECT id, model_version, categories, '{}', 'high', needs_review, ?, '[]',"
                " last_seen FROM listings WHERE id = ?",
                (json.dumps(taxa, separators=(",", ":")), n),
            )
            conn.execute("UPDATE listings SET risk = 'high', risk_rank = 0 WHERE id = ?", (n,))
        flagged = [r[0] for r in conn.execute("SELECT id FROM listings WHERE risk_rank < 3")]
        decisions = ("confirm", "dismiss", "refer", "contact")
        conn.executemany(
            "INSERT INTO review_decisions (listing, decision, reason, note, reviewer, decided_at)"
            " VALUES (?, ?, ?, NULL, 'bench', '2026-11-01T09:00:00+00:00')",
            ((n, d, "not a plant" if d == "dismiss" else None)
             for n in rng.sample(flagged, len(flagged) * 3 // 100) for d in [rng.choice(decisions)]),
        )  # fmt: skip


def timed(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds of ``runs`` calls after one warm-up, and the last result."""
    result = func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="Bench store to build or reuse (default: a temporary file).")
    args = parser.parse_args()

    from crawler.review.queue import QueueFilters, queue_page

    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.TemporaryDirectory(prefix="phytowatch-bench-")
        path = Path(tmp.name) / "queue.db"
    reuse = path.exists() and _count(path) == args.listings
    if not reuse:
        print(f"building a store of {args.listings:,} listings at {path} ...", flush=True)
        started = time.perf_counter()
        build(path, args.listings)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"reusing {path} ({args.listings:,} listings)")
    cases = {
        "first page (new and needs review)": {},
        "filtered search: bulbs_tubers + NL + 'tulip'": {"category": "bulbs_tubers", "country": "NL", "q": "tulip"},
        "seeds + DE + 'Samen'": {"category": "seeds", "country": "DE", "q": "Samen"},
        "search 'Eichhornia' (rare term)": {"q": "Eichhornia"},
        "search 'garden' (common term)": {"q": "garden"},
        "marketplace ebay.nl + risk high": {"marketplace": "ebay.nl", "risk": "high"},
        "taxa list 'EU IAS Union list'": {"taxa_list": "EU IAS Union list"},
        "watch aquatic-invasives + since 2026-10-01": {"watch": "aquatic-invasives", "since": "2026-10-01"},
        "decision status: confirm": {"status": "confirm"},
        "every listing, country KE": {"status": "all", "country": "KE"},
        "one independent shop (shop17.example)": {"marketplace": "shop17.example"},
        "needs review + CN + wood_bark": {"status": "needs_review", "country": "CN", "category": "wood_bark"},
        "'garden' (half the listings) + KE + soil": {"q": "garden", "country": "KE", "category": "soil_growing_media"},
    }
    with Store(path) as store:
        print(f"\nqueue query (crawler.review.queue.queue_page), median of {args.runs} ms:")
        for label, values in cases.items():
            filters = QueueFilters.from_args(values)
            ms, page = timed(lambda f=filters: queue_page(store, f), args.runs)
            print(f"  {label:<48} {ms:8.1f} ms  ({len(page.rows)} rows)")
        filters = QueueFilters()
        page = queue_page(store, filters)
        for _ in range(199):
            page = queue_page(store, filters, page.next_cursor)
        deep = page.next_cursor
        ms, page = timed(lambda: queue_page(store, filters, deep), args.runs)
        print(f"  {'page 201 of the first page (keyset)':<48} {ms:8.1f} ms  ({len(page.rows)} rows)")
        from crawler.review.dashboard import dashboard_charts

        started = time.perf_counter()
        dashboard_charts(store)
        print(f"\ndashboard charts, computed once (the app then serves them from its cache): "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
    _time_pages(path, args.runs, cases)
    if tmp is not None:
        tmp.cleanup()


def _time_pages(path: Path, runs: int, cases: dict[str, dict[str, str]]) -> None:
    """The same through the app: a signed-in GET of /queue, rendered."""
    from crawler.review.accounts import add_user, find_user
    from crawler.review.app import ReviewSettings, create_app

    with Store(path) as store:
        if find_user(store, "bench") is None:
            add_user(store, "bench", "reviewer", "bench-password-123")
    app = create_app(ReviewSettings(database=path, secure_cookies=False))
    client = app.test_client()
    client.get("/login")
    token = client.get_cookie("phytowatch_login")
    client.post("/login", data={"name": "bench", "password": "bench-password-123",
                                "csrf_token": token.value if token else ""})  # fmt: skip
    print(f"\nwhole page (GET /queue through the app, signed in), median of {runs} ms:")
    for label in list(cases)[:2]:
        values = cases[label]
        ms, response = timed(lambda v=values: client.get("/queue", query_string=v), runs)
        assert response.status_code == 200, response.status_code
        print(f"  {label:<48} {ms:8.1f} ms  ({len(response.data) // 1024} KiB)")


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM listings").fetchone()[0])
    except sqlite3.DatabaseError:
        return -1


if __name__ == "__main__":
    main()
