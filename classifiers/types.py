"""The classifier's vocabulary: commodity categories, risk levels and what a verdict carries.

These types are the contract between the crawl pipeline, the store, the review
app and whatever model sits inside :mod:`classifiers` (keyword rules today, a
trained spaCy pipeline later). Changing the model must never change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol, Sequence

#: Commodity categories, as in the IPPC R-05 scope (multi-label).
CATEGORIES: tuple[str, ...] = (
    "plants_for_planting",
    "seeds",
    "bulbs_tubers",
    "soil_growing_media",
    "living_organisms",
    "fresh_produce",
    "wood_bark",
    "processed_plant_products",
    "not_regulated",
)

#: Risk levels from most to least urgent.
RISK_LEVELS: tuple[str, ...] = ("high", "medium", "low", "none")

CATEGORY_RISK: dict[str, str] = {
    "plants_for_planting": "high",
    "seeds": "high",
    "bulbs_tubers": "high",
    "soil_growing_media": "high",
    "living_organisms": "high",
    "fresh_produce": "medium",
    "wood_bark": "medium",
    "processed_plant_products": "low",
    "not_regulated": "none",
}


def risk_rank(risk: str) -> int:
    """0 for ``high`` … 3 for ``none``; lower sorts first in a review queue."""
    try:
        return RISK_LEVELS.index(risk)
    except ValueError:
        raise ValueError(f"unknown risk level {risk!r}; expected one of {', '.join(RISK_LEVELS)}") from None


def risk_for(categories: Iterable[str]) -> str:
    """The highest risk among the categories (``none`` when there are none)."""
    ranks = [risk_rank(CATEGORY_RISK[c]) for c in categories if c in CATEGORY_RISK]
    return RISK_LEVELS[min(ranks)] if ranks else "none"


@dataclass(frozen=True)
class Reason:
    """A span of the listing text that drove the decision, for highlighting.

    Offsets index the text given to :func:`classifiers.classify`
    (``title + "\\n" + description``, see :func:`crawler.items.listing_text`).
    """

    start: int
    end: int
    text: str
    #: The category (or ``"taxon"``) this span is evidence for.
    label: str
    #: How much this span weighs: a rule's weight (0..1), or for ``source = "model"`` the
    #: span's share of the category's logit (exact for the linear model; > 0 supports it).
    weight: float = 1.0
    #: What found it: ``"rules"`` (a keyword rule), ``"model"`` (the trained text classifier)
    #: or ``"taxa"`` (a regulated-taxa list).
    source: str = "rules"


@dataclass(frozen=True)
class TaxonMatch:
    """A regulated or invasive taxon named in the listing text."""

    start: int
    end: int
    text: str
    #: The accepted scientific name the match resolves to.
    scientific_name: str
    #: Which list it is on ("EU IAS Union list", "GB quarantine pests", ...).
    list_name: str
    #: "prohibited", "quarantine pest", "invasive", ...
    status: str
    eppo_code: str | None = None
    #: "scientific", "synonym", "common:<lang>", "genus", "fuzzy" ...
    matched_as: str = "scientific"


@dataclass
class Classification:
    """The classifier's verdict on one listing."""

    categories: list[str]
    scores: dict[str, float]
    risk: str
    taxa: list[TaxonMatch] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    #: True when the model is unsure and an officer should look.
    needs_review: bool = False
    model_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; written out by hand because ``asdict`` deep-copies slowly."""
        return {
            "categories": list(self.categories),
            "scores": dict(self.scores),
            "risk": self.risk,
            "taxa": [dict(vars(t)) for t in self.taxa],
            "reasons": [dict(vars(r)) for r in self.reasons],
            "needs_review": self.needs_review,
            "model_version": self.model_version,
        }


class Classifier(Protocol):
    """Anything that turns listing texts into verdicts, in order."""

    version: str

    def classify(self, texts: Sequence[str]) -> list[Classification]: ...
