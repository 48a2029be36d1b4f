"""Commodity classification and regulated-taxa matching: texts in, verdicts out.

The pipeline, the CLI and the review app call only :func:`classify` and
:func:`load_classifier`; what model sits behind them is this package's business.
"""

from __future__ import annotations

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
    "risk_for",
    "risk_rank",
]


def load_classifier(data_dir: Path | None = None) -> Classifier:
    """Load the configured classifier once; callers keep the returned object."""
    from classifiers.rules import RuleClassifier

    return RuleClassifier.load(data_dir)


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    """The configured classifier, loaded once per process and shared (it is read-only)."""
    return load_classifier()


def classify(texts: Iterable[str]) -> list[Classification]:
    """Classify listing texts (``title + "\\n" + description``) with the default classifier."""
    return default_classifier().classify(list(texts))
