"""How good the classifier is on labelled listings: per-category and high-risk figures.

The figures an NPPO cares about: per category, precision (how much of what
is flagged is right), recall (how much of what should be flagged is), F1;
their macro average; and above all the **high-risk recall**: of the listings
that are plants for planting, seeds, bulbs, growing media or living
organisms, the share the classifier rates ``high`` — a miss there is a
regulated article nobody reviews.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from classifiers.training import LabelledListing
from classifiers.types import CATEGORIES, CATEGORY_RISK, Classification, Classifier

HIGH_RISK: tuple[str, ...] = tuple(c for c in CATEGORIES if CATEGORY_RISK[c] == "high")


@dataclass(frozen=True)
class CategoryScore:
    precision: float
    recall: float
    f1: float
    #: Listings that truly are of the category.
    support: int
    #: Listings the classifier put in it.
    predicted: int


@dataclass
class Evaluation:
    listings: int
    categories: dict[str, CategoryScore]
    macro_f1: float
    high_risk_recall: float
    #: Of the listings that are not high-risk, the share rated ``high`` anyway.
    high_risk_false_alarms: float
    needs_review: float
    #: ``(true category, predicted instead)`` counts for every missed true category.
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: Up to 20 misclassified texts with their true and predicted categories.
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "listings": self.listings,
            "macro_f1": round(self.macro_f1, 4),
            "high_risk_recall": round(self.high_risk_recall, 4),
            "high_risk_false_alarms": round(self.high_risk_false_alarms, 4),
            "needs_review": round(self.needs_review, 4),
            "categories": {c: vars(s) for c, s in self.categories.items()},
            "confusions": [{"true": t, "predicted": p, "count": n} for (t, p), n in self.confusions.most_common()],
            "examples": self.examples,
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def score(listings: Sequence[LabelledListing], verdicts: Sequence[Classification]) -> Evaluation:
    """Compare verdicts with the true labels, listing by listing."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    examples: list[dict[str, Any]] = []
    high_total = high_hit = low_total = low_alarm = review = 0
    for listing, verdict in zip(listings, verdicts):
        truth, predicted = set(listing.labels), set(verdict.categories)
        for c in CATEGORIES:
            if c in truth and c in predicted:
                tp[c] += 1
            elif c in predicted:
                fp[c] += 1
            elif c in truth:
                fn[c] += 1
                confusions.update((c, p) for p in sorted(predicted - truth) or ["(nothing)"])
        if truth & set(HIGH_RISK):
            high_total += 1
            high_hit += verdict.risk == "high"
        else:
            low_total += 1
            low_alarm += verdict.risk == "high"
        review += verdict.needs_review
        if truth != predicted and len(examples) < 20:
            examples.append({"text": listing.text, "true": sorted(truth), "predicted": sorted(predicted)})
    categories: dict[str, CategoryScore] = {}
    for c in CATEGORIES:
        p, r = _ratio(tp[c], tp[c] + fp[c]), _ratio(tp[c], tp[c] + fn[c])
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        categories[c] = CategoryScore(round(p, 4), round(r, 4), round(f1, 4), tp[c] + fn[c], tp[c] + fp[c])
    present = [s.f1 for s in categories.values() if s.support]
    return Evaluation(
        listings=len(listings),
        categories=categories,
        macro_f1=sum(present) / len(present) if present else 0.0,
        high_risk_recall=_ratio(high_hit, high_total),
        high_risk_false_alarms=_ratio(low_alarm, low_total),
        needs_review=_ratio(review, len(listings)),
        confusions=confusions,
        examples=examples,
    )


def evaluate(classifier: Classifier, listings: Sequence[LabelledListing]) -> Evaluation:
    """Classify the listings and score the verdicts."""
    return score(listings, classifier.classify([x.text for x in listings]))


def report(evaluation: Evaluation, top_confusions: int = 10) -> str:
    """A plain-text report: per-category table, the headline figures, the commonest confusions."""
    lines = [f"{'category':<26} {'precision':>9} {'recall':>7} {'F1':>6} {'true':>6} {'flagged':>7}"]
    for c, s in evaluation.categories.items():
        lines.append(f"{c:<26} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>6} {s.predicted:>7}")
    lines += [
        "",
        f"listings              {evaluation.listings}",
        f"macro-F1              {evaluation.macro_f1:.3f}",
        f"high-risk recall      {evaluation.high_risk_recall:.3f}  (true high-risk listings rated high)",
        f"high-risk false alarm {evaluation.high_risk_false_alarms:.3f}  (other listings rated high)",
        f"needs review          {evaluation.needs_review:.3f}",
    ]
    if evaluation.confusions:
        lines += ["", "commonest confusions (true -> predicted instead):"]
        for (truth, predicted), n in evaluation.confusions.most_common(top_confusions):
            lines.append(f"  {n:>4}  {truth} -> {predicted}")
    return "\n".join(lines)
