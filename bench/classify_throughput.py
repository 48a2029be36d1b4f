"""Commodity classifier speed: listings per second and model load time (issue 4 targets).

Listings are a title and a 500-character description, built from the project's
own training data (titles as written, descriptions stitched from the data's
descriptions), classified in this single process with the full pipeline:
folding, taxa matching (every list in data/taxa, at least 10,000 name
patterns), the trained text classifier, the keyword rules and the verdict with
its explanations. The model load is timed in fresh processes, as a crawl's
classifier worker loads it.

    .venv/bin/python bench/classify_throughput.py [--listings 20000] [--rounds 3]

Targets: >= 3,000 listings/s, load < 2 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_LOAD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from classifiers import load_classifier
imported = time.perf_counter()
load_classifier(data_dir=Path(sys.argv[1]))
done = time.perf_counter()
print(f"{imported - start:.3f} {done - imported:.3f}")
"""


def listings(n: int, seed: int = 7) -> list[str]:
    """``n`` texts: a training title + a description of exactly 500 characters."""
    from classifiers.training import load_listings

    rows = load_listings()
    rng = random.Random(seed)
    titles = [x.text.split("\n", 1)[0] for x in rows]
    descriptions = [x.text.split("\n", 1)[1] for x in rows if "\n" in x.text]
    texts = []
    for _ in range(n):
        description = ""
        while len(description) < 500:
            description += rng.choice(descriptions) + " "
        texts.append(f"{rng.choice(titles)}\n{description[:500]}")
    return texts


def with_extra_list(target: Path) -> Path:
    """A data folder: the bundled rules, taxa lists and lexicon, plus a large extra taxa list from the corpus."""
    from crawler.paths import data_dir, fixtures_dir

    shutil.copytree(data_dir() / "rules", target / "rules")
    shutil.copytree(data_dir() / "taxa", target / "taxa")
    shutil.copytree(data_dir() / "lexicon", target / "lexicon")
    source = fixtures_dir() / "regulated" / "us_usgs_riis_v2_plants.csv"
    if not source.exists():
        print(f"note: {source} not found; measuring with the bundled lists only")
        return target
    seen: dict[str, str] = {}
    with source.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["scientific_name"].strip()
            if name and name not in seen:
                seen[name] = row.get("common_name", "").strip()
    with (target / "taxa" / "bench_extra_introduced_plants.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["scientific_name", "rank", "common_names", "list_name", "status", "kingdom"])
        for name, common in sorted(seen.items()):
            out.writerow([name, "species", f"en:{common}" if common else "", "bench extra list", "introduced",
                          "Plantae"])
    return target


def load_times(runs: int, data_dir: Path) -> list[tuple[float, float]]:
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _LOAD, str(data_dir)], check=True, capture_output=True, text=True)
        imported, loaded = (float(x) for x in done.stdout.split())
        out.append((imported, loaded))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from classifiers import load_classifier, prepare

    prepare()  # a first run on a new machine trains the model: not part of either figure
    with tempfile.TemporaryDirectory(prefix="phytowatch-bench-") as work:
        data_dir = with_extra_list(Path(work))
        loads = load_times(args.rounds, data_dir)
        classifier = load_classifier(data_dir=data_dir)
    taxa = classifier.nlp.get_pipe("phytowatch_taxa").index  # type: ignore[attr-defined]
    texts = listings(args.listings)
    print(f"model {classifier.version}")
    print(f"taxa: {len(taxa.taxa)} taxa, {len(taxa.index)} name patterns loaded")
    print(f"listings: {len(texts)}, title + {len(texts[0].split(chr(10), 1)[1])}-character description")
    rates = []
    for round_ in range(args.rounds):
        start = time.perf_counter()
        verdicts = classifier.classify(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
        high = sum(v.risk == "high" for v in verdicts)
        print(f"round {round_ + 1}: {rates[-1]:,.0f} listings/s ({high} rated high)", flush=True)
    print(f"throughput: median {statistics.median(rates):,.0f} listings/s over {len(rates)} rounds "
          f"(target >= 3,000)")
    print(f"model load: median {statistics.median(x[1] for x in loads):.2f} s in a fresh process "
          f"(target < 2 s), after {statistics.median(x[0] for x in loads):.2f} s of imports")


if __name__ == "__main__":
    main()
