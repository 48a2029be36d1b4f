"""How long ``phytowatch demo`` takes, end to end (issue target: under a minute).

Runs the installed ``phytowatch demo`` in a fresh process on a new database,
the way ``make demo`` does after set-up, and prints the wall time of each run.

    .venv/bin/python bench/demo_time.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    phytowatch = Path(sys.executable).with_name("phytowatch")
    seconds = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as work:
            start = time.perf_counter()
            subprocess.run([str(phytowatch), "demo", "--db", f"{work}/demo.db", "--export-dir", f"{work}/exports"],
                           cwd=work, check=True, capture_output=True)
            seconds.append(time.perf_counter() - start)
        print(f"run {run + 1}: {seconds[-1]:.1f} s", flush=True)
    print(f"phytowatch demo: median {statistics.median(seconds):.1f} s over {len(seconds)} runs (target < 60 s)")


if __name__ == "__main__":
    main()
