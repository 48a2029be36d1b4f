"""Shared test fixtures.

Tests on real saved pages read them from the shared corpus (``../shared/fixtures``,
or ``PHYTOWATCH_FIXTURES``). A clone without the corpus skips those tests with a
clear reason; ``.ci/run`` refuses to start without it, so CI always runs them.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from crawler.paths import fixtures_dir


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Root of the shared corpus of real pages; skips the test when it is absent."""
    root = fixtures_dir()
    if not (root / "SOURCES.md").is_file():
        pytest.skip(f"shared corpus of real pages not found at {root} (set PHYTOWATCH_FIXTURES)")
    return root


def read_fixture(path: Path) -> bytes:
    """Bytes of a saved page, transparently un-gzipping ``*.gz`` files."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data
