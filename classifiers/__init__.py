"""Commodity classification and regulated-taxa matching: texts in, verdicts out.

The pipeline, the CLI and the review app call only :func:`classify` and
:func:`load_classifier`; what model sits behind them is this package's business.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from classifiers.types import (
    CATEGORIES,
    CATEGORY_RISK,
    RISK_LEVELS,
    Classification,
    Classifier,
    Reason,
    TaxonMatch,
    risk_for,
    risk_rank,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_RISK",
    "RISK_LEVELS",
    "Classification",
    "Classifier",
    "Reason",
    "TaxonMatch",
    "classify",
    "default_classifier",
    "load_classifier",
    "prepare",
    "risk_for",
    "risk_rank",
]


def load_classifier(data_dir: Path | None = None, model_dir: Path | None = None) -> Classifier:
    """Load the configured classifier once; callers keep the returned object.

    The default is the trained spaCy pipeline (:mod:`classifiers.model`; trained on
    first use). ``data_dir`` replaces the bundled ``data/`` folder for the keyword
    rules and taxa lists; ``model_dir`` (or ``$PHYTOWATCH_MODEL``) a trained
    pipeline. ``$PHYTOWATCH_CLASSIFIER=rules`` selects the keyword rules alone,
    e.g. to compare them with the model.
    """
    if os.environ.get("PHYTOWATCH_CLASSIFIER", "model") == "rules":
        from classifiers.rules import RuleClassifier

        return RuleClassifier.load(data_dir)
    from classifiers.model import SpacyClassifier

    return SpacyClassifier.load(model_dir, data_dir)


def prepare() -> None:
    """Train the default model now if this machine has none yet (with a progress bar).

    Crawls call this before they start, so the first crawl on a new machine
    shows the training instead of stalling in a worker process.
    """
    if os.environ.get("PHYTOWATCH_CLASSIFIER", "model") != "rules":
        from classifiers.model import ensure_model

        ensure_model()


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    """The configured classifier, loaded once per process and shared (it is read-only)."""
    return load_classifier()


def classify(texts: Iterable[str]) -> list[Classification]:
    """Classify listing texts (``title + "\\n" + description``) with the default classifier."""
    return default_classifier().classify(list(texts))
