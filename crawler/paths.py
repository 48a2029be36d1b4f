"""Where phytowatch finds its bundled data and the shared corpus of real pages."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The ``data/`` folder (keyword rules, taxa lists, demo catalogue); ``PHYTOWATCH_DATA`` overrides."""
    return Path(os.environ.get("PHYTOWATCH_DATA", PROJECT_ROOT / "data"))


def fixtures_dir() -> Path:
    """The shared corpus of real saved pages; ``PHYTOWATCH_FIXTURES`` overrides."""
    return Path(os.environ.get("PHYTOWATCH_FIXTURES", PROJECT_ROOT.parent / "shared" / "fixtures"))
