"""Crawl throughput: the full pipeline against a parse-only crawl of the same catalogue.

Serves a demo catalogue of 5,000 listings on 127.0.0.1 and crawls it, in one
run and side by side, with

  (a) the full pipeline: normalise -> classify (in its worker process) -> store (SQLite), and
  (b) the same spiders with a pipeline that drops every item (parse only),

each in its own process (a Twisted reactor runs once per process). Prints
pages/s for each, the ratio a/b and the peak RSS of the crawl and of its
classifier worker. Each round runs (b) then (a) back to back and gives one
paired ratio; the headline is the median of those ratios, since these machines
are shared and noisy. Targets: a/b >= 0.8, peak RSS < 400 MB.

    .venv/bin/python bench/crawl_throughput.py [--listings 5000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class DropAllPipeline:
    """The parse-only baseline: every item is dropped as soon as it is scraped."""

    def process_item(self, item: object) -> None:
        from scrapy.exceptions import DropItem

        raise DropItem("parse-only benchmark")


def child(mode: str, jobs_json: str, db: str) -> None:
    """Run one crawl in this process and print its figures as JSON."""
    import logging

    from crawler.demo.run import LOOPBACK_SETTINGS
    from crawler.runner import CrawlJob, project_settings, run_crawls

    overrides = dict(LOOPBACK_SETTINGS, LOG_LEVEL="ERROR")
    if mode == "parse":
        overrides["ITEM_PIPELINES"] = {"__main__.DropAllPipeline": 100}
    logging.getLogger("scrapy").setLevel(logging.ERROR)
    jobs = [CrawlJob(**job) for job in json.loads(jobs_json)]
    outcomes = run_crawls(jobs, project_settings(db, overrides))
    starts = [o.stats["start_time"] for o in outcomes]
    ends = [o.stats["finish_time"] for o in outcomes]
    seconds = (max(ends) - min(starts)).total_seconds()
    pages = sum(int(o.stats.get("response_received_count", 0)) for o in outcomes)
    items = sum(int(o.stats.get("item_scraped_count", 0)) + int(o.stats.get("item_dropped_count", 0))
                for o in outcomes)
    print(json.dumps({
        "mode": mode, "seconds": seconds, "pages": pages, "items": items,
        "stored": sum(o.listings for o in outcomes),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # the classifier worker process, reaped by the time the crawl ends
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))


def measure(mode: str, jobs: list[dict[str, object]], workdir: Path, round_no: int) -> dict[str, float]:
    db = workdir / f"{mode}-{round_no}.db"
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, json.dumps(jobs), str(db)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} crawl failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "JOBS", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from crawler.demo.catalogue import Catalogue
    from crawler.demo.run import demo_jobs
    from crawler.demo.server import start_demo_server

    catalogue = Catalogue.load().scaled(args.listings)
    rounds: list[dict[str, dict[str, float]]] = []
    with start_demo_server(catalogue) as server, tempfile.TemporaryDirectory() as tmp:
        shops = {p: server.shop_urls(p) for p in ("shopify", "woocommerce", "sitemap")}
        jobs = [{"spider": j.spider, "arguments": j.arguments} for j in demo_jobs(shops)]
        for round_no in range(args.rounds):
            pair = {}
            for mode in ("parse", "full"):
                result = measure(mode, jobs, Path(tmp), round_no)
                result["pages_per_s"] = result["pages"] / result["seconds"]
                pair[mode] = result
            rounds.append(pair)
            print(f"round {round_no + 1}: parse only {pair['parse']['pages_per_s']:.0f} pages/s, "
                  f"full {pair['full']['pages_per_s']:.0f} pages/s "
                  f"({pair['full']['pages']:.0f} pages, {pair['full']['items']:.0f} items), "
                  f"ratio {pair['full']['pages_per_s'] / pair['parse']['pages_per_s']:.2f}", flush=True)
    ratios = sorted(r["full"]["pages_per_s"] / r["parse"]["pages_per_s"] for r in rounds)
    median = statistics.median(ratios)
    crawl_rss = max(r["full"]["peak_rss_mb"] for r in rounds)
    worker_rss = max(r["full"]["worker_rss_mb"] for r in rounds)
    print(f"\ncatalogue: {args.listings} listings; each full crawl stored {rounds[-1]['full']['stored']:.0f}")
    print(f"(a) full pipeline : {statistics.median(r['full']['pages_per_s'] for r in rounds):.0f} pages/s (median)")
    print(f"(b) parse only    : {statistics.median(r['parse']['pages_per_s'] for r in rounds):.0f} pages/s (median)")
    print(f"ratio a/b         : {median:.2f} median of {len(ratios)} paired rounds "
          f"(range {ratios[0]:.2f}-{ratios[-1]:.2f}; target >= 0.8)")
    print(f"peak RSS          : {crawl_rss:.0f} MB crawl + {worker_rss:.0f} MB classifier worker"
          f" = {crawl_rss + worker_rss:.0f} MB  (target < 400 MB)")


if __name__ == "__main__":
    main()
