"""The commodity pipeline's own spaCy components: taxa, rule evidence and the verdict.

``nlp.pipeline`` is ``phytowatch_taxa`` → ``phytowatch_rules`` →
``textcat_multilabel`` → ``phytowatch_verdict`` (see ``classifiers/config.cfg``):

* ``phytowatch_taxa`` finds the regulated and invasive taxa of ``data/taxa/*.csv``
  in the folded text (the lists are read when the pipeline loads).
* ``phytowatch_rules`` runs the multilingual keyword rules (``data/rules/``) and
  leaves their hits, their categories and the taxa as evidence features.
* ``textcat_multilabel`` is the trained model (:mod:`classifiers.features`): it
  weighs words, sub-words and the rules' evidence together.
* ``phytowatch_verdict`` turns the model's probabilities and the taxa into a
  :class:`~classifiers.types.Classification`: categories at least as likely as
  ``not_regulated`` and at or above ``assign_threshold`` (``high_risk_threshold`` for the five high-risk ones: a
  missed seed or plant costs more than a false alarm); when none reaches its
  threshold, the best regulated category is still assigned if the model rates
  it above ``not_regulated`` and the rules or taxa saw something regulated in
  the text (``best_over_not_regulated``); ``needs_review`` when the best regulated probability lies
  in ``[review_low, review_high)``; risk ``high`` for a prohibited taxon whatever
  the scores. Its reasons are the taxa and the runs of tokens (words or rule
  hits) whose exact share of the category's logit is at least ``reason_min_weight``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from classifiers.features import EVIDENCE, token_attributions
from classifiers.rules import REGULATED, RuleClassifier, RuleDecision
from classifiers.taxa import TaxaIndex, Taxon
from classifiers.tokenizer import folded, title_tokens, token_span
from classifiers.types import CATEGORIES, CATEGORY_RISK, Classification, Reason, TaxonMatch, risk_for

#: ``doc.user_data`` keys.
TAXA = "phytowatch.taxa"
RULES = "phytowatch.rules"
#: True when the rules or the taxa lists saw anything regulated (a plant word, a commodity term, a taxon).
SEEN = "phytowatch.seen"
VERDICT = "phytowatch.verdict"


def _data_dir(path: str) -> Path:
    if path:
        return Path(path)
    from crawler.paths import data_dir

    return data_dir()


class BatchedComponent:
    """A component whose ``pipe`` runs a whole batch of docs before passing it on.

    Without a ``pipe``, spaCy sends each doc through every component in turn, so
    every listing brings each component's tables (taxa, rules, lexicon, their
    caches: tens of thousands of entries) back into the CPU caches. A batch at a
    time keeps them there: about 50 of 440 µs per listing, measured on
    ``bench/classify_throughput.py``; the pipeline's ``batch_size``
    (``classifiers/config.cfg``) sets how many. Each doc gets exactly what ``__call__`` gives it.
    """

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 2048) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            yield from [self(doc) for doc in batch]


class TaxaMatcher(BatchedComponent):
    """Pipeline component: regulated and invasive taxa named in the listing."""

    def __init__(self, data_dir: str = "") -> None:
        self.index = TaxaIndex.load(_data_dir(data_dir) / "taxa")

    def __call__(self, doc: Doc) -> Doc:
        found = self.index.find(folded(doc))
        doc.user_data[TAXA] = found
        return doc


@Language.factory("phytowatch_taxa", default_config={"data_dir": ""})
def make_taxa_matcher(nlp: Language, name: str, data_dir: str) -> TaxaMatcher:
    """``data_dir``: a folder whose ``taxa/`` holds the lists; empty = the bundled ``data/``."""
    return TaxaMatcher(data_dir)


def taxa_of(doc: Doc) -> list[tuple[TaxonMatch, Taxon]]:
    return doc.user_data.get(TAXA, [])  # type: ignore[no-any-return]


class RuleEvidence(BatchedComponent):
    """Pipeline component: the keyword rules' hits and verdict, as features for the model.

    Every rule hit becomes a feature ``R|<rule id>|T`` (in the title) or ``|D``,
    every category the rules assign a feature ``RC|<category>`` and every taxon a
    feature ``TX|<kingdom>|<status>``, each placed on the tokens it covers. The
    trained model learns how much each is worth next to the words themselves, so
    the rules' multilingual vocabulary and look-alike vetoes reach listings the
    training data never showed, and their weight in a decision is explained like
    any word's.
    """

    def __init__(self, data_dir: str = "") -> None:
        self.rules = RuleClassifier.load(_data_dir(data_dir), taxa=TaxaIndex())
        #: rule id -> its feature names in the title and in the description
        self._names = {rule.id: (f"R|{rule.id}|T", f"R|{rule.id}|D") for rule in self.rules.rules}

    def __call__(self, doc: Doc) -> Doc:
        f, taxa = folded(doc), taxa_of(doc)
        decision, hits = self.rules.decide(f, taxa)
        title_end = len(f.original) if (nl := f.original.find("\n")) < 0 else nl
        locate = _TokenLocator(doc)
        evidence: list[tuple[str, int, int]] = []
        names = self._names
        for a, b, rule in hits:
            where = locate(a, b)
            if where:
                evidence.append((names[rule.id][a >= title_end], *where))
        for category in decision.categories:  # regulated ones only
            span = decision.first_span(category)
            where = locate(*span) if span else None
            if where:
                evidence.append((f"RC|{category}", *where))
        for match, taxon in taxa:
            where = locate(match.start, match.end)
            if where:
                evidence.append((f"TX|{taxon.kingdom or 'pest'}|{taxon.status}", *where))
        doc.user_data[EVIDENCE] = evidence
        doc.user_data[RULES] = decision
        doc.user_data[SEEN] = bool(taxa) or any(rule.category != "not_regulated" for _, _, rule in hits)
        return doc


class _TokenLocator:
    """Original-text ``[start, end)`` -> the doc tokens ``[i, j)`` covering it (None if outside the doc)."""

    def __init__(self, doc: Doc) -> None:
        f = folded(doc)
        offsets = f.offsets
        #: Original start of every folded token, for a plain bisect.
        self.starts = f.starts if offsets is None else [offsets[s] for s in f.starts]
        self.n_title = title_tokens(doc)
        self.n_doc = len(doc)

    def __call__(self, start: int, end: int) -> tuple[int, int] | None:
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = max(bisect.bisect_left(self.starts, end), first + 1)
        n_title = self.n_title
        i = first if first < n_title else first + 1
        j = last if last < n_title else last + 1
        if first < n_title < last:
            j = n_title  # never across the separator
        j = min(j, self.n_doc)
        return (i, j) if i < j else None


@Language.factory("phytowatch_rules", default_config={"data_dir": ""})
def make_rule_evidence(nlp: Language, name: str, data_dir: str) -> RuleEvidence:
    """``data_dir``: a folder whose ``rules/`` holds the keyword rules; empty = the bundled ``data/``."""
    return RuleEvidence(data_dir)


def rules_of(doc: Doc) -> RuleDecision | None:
    """The rules' decision on the doc (its categories, scores, ``needs_review``), not explained:
    the verdict explains with the model's reasons, and :meth:`RuleClassifier.verdict` can make the rules'."""
    return doc.user_data.get(RULES)  # type: ignore[no-any-return]


class VerdictMaker:
    """Pipeline component: the final, explained verdict (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        textcat: str,
        assign_threshold: float,
        high_risk_threshold: float,
        review_low: float,
        review_high: float,
        reason_min_weight: float,
        max_model_reasons: int,
        best_over_not_regulated: bool = True,
    ) -> None:
        if not 0.0 < review_low <= min(assign_threshold, high_risk_threshold) <= review_high <= 1.0:
            raise ValueError(
                "thresholds must satisfy 0 < review_low <= assign_threshold, high_risk_threshold <= review_high"
                f" <= 1, not {review_low}, {assign_threshold}, {high_risk_threshold}, {review_high}"
            )
        self.nlp = nlp
        self.textcat = textcat
        self.assign_threshold = assign_threshold
        self.high_risk_threshold = high_risk_threshold
        self.review_low = review_low
        self.review_high = review_high
        self.reason_min_weight = reason_min_weight
        self.max_model_reasons = max_model_reasons
        self.best_over_not_regulated = best_over_not_regulated

    def _threshold(self, category: str) -> float:
        return self.high_risk_threshold if CATEGORY_RISK[category] == "high" else self.assign_threshold

    def __call__(self, doc: Doc) -> Doc:
        for done in self.pipe([doc]):
            return done
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 2048) -> Iterator[Doc]:
        textcat = self.nlp.get_pipe(self.textcat)
        labels: list[str] = list(textcat.labels)  # type: ignore[attr-defined]
        for batch in minibatch(docs, batch_size):
            verdicts = [self._verdict(doc) for doc in batch]
            if self.max_model_reasons:
                # Reasons say why a listing was flagged or held for review; a confident
                # "not regulated" has nothing to show an officer.
                columns = [
                    [labels.index(c) for c in v.categories if c in labels]
                    if v.needs_review or v.categories != ["not_regulated"]
                    else []
                    for v in verdicts
                ]
                explain = [i for i, cols in enumerate(columns) if cols]
                shares = token_attributions(
                    textcat.model,  # type: ignore[attr-defined]
                    [batch[i] for i in explain],
                    [columns[i] for i in explain],
                )
                for i, share in zip(explain, shares):
                    verdict = verdicts[i]
                    verdict.reasons.extend(self._model_reasons(batch[i], share, [labels[j] for j in columns[i]]))
                    verdict.reasons.sort(key=lambda r: (r.start, r.end, r.label))
            for doc, verdict in zip(batch, verdicts):
                doc.user_data[VERDICT] = verdict
                yield doc

    def _verdict(self, doc: Doc) -> Classification:
        taxa = taxa_of(doc)
        if not len(doc):  # nothing to read: spaCy would score the bias alone, depending on the batch
            return Classification(categories=["not_regulated"], scores=dict.fromkeys(CATEGORIES, 0.0), risk="none")
        scores = {c: round(float(doc.cats.get(c, 0.0)), 4) for c in CATEGORIES}
        ranked = sorted(REGULATED, key=lambda c: (-scores[c], c))
        doubt = scores["not_regulated"]  # a category must also be at least as likely as "not regulated"
        categories = [c for c in ranked if scores[c] >= self._threshold(c) and scores[c] >= doubt]
        needs_review = self.review_low <= scores[ranked[0]] < self.review_high
        if (
            not categories
            and self.best_over_not_regulated
            and scores[ranked[0]] > doubt
            and doc.user_data.get(SEEN, True)
        ):
            categories = [ranked[0]]  # the model doubts everything, but less that it is regulated
            needs_review = True
        rules = rules_of(doc)
        if rules is not None and rules.needs_review and set(rules.categories) & set(categories):
            needs_review = True  # e.g. a plant named only by its species: the rules asked for a look
        risk = risk_for(categories) if categories else "none"
        if any(t.status == "prohibited" for _, t in taxa):
            if risk != "high" or {"processed_plant_products", "not_regulated"} & set(categories or ["not_regulated"]):
                needs_review = True  # a prohibited species' basket or powder: an officer decides
            risk = "high"
        return Classification(
            categories=categories or ["not_regulated"],
            scores=scores,
            risk=risk,
            taxa=[m for m, _ in taxa],
            reasons=[Reason(m.start, m.end, m.text, "taxon", 1.0, "taxa") for m, _ in taxa],
            needs_review=needs_review,
        )

    def _model_reasons(self, doc: Doc, share: np.ndarray, categories: list[str]) -> list[Reason]:
        """Runs of tokens whose share of a verdict category's logit is high enough."""
        text = folded(doc).original
        n_title = title_tokens(doc)
        reasons: list[Reason] = []
        for j, category in enumerate(categories):
            column = share[:, j]
            strong: list[int] = np.flatnonzero(column >= self.reason_min_weight).tolist()
            if len(strong) > self.max_model_reasons:  # only the strongest few
                top = np.argsort(-column)[: self.max_model_reasons]
                strong = sorted(top[column[top] >= self.reason_min_weight].tolist())
            for start, end in _runs(strong, n_title):
                a, b = token_span(doc, start, end)
                weight = float(column[start] if end - start == 1 else column[start:end].sum())
                reasons.append(Reason(a, b, text[a:b], category, round(weight, 3), "model"))
        return reasons


def _runs(indices: list[int], separator: int) -> list[tuple[int, int]]:
    """Consecutive token indices grouped into ``[start, end)`` runs, never across the separator."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if i == separator:
            continue
        if runs and runs[-1][1] == i and not (runs[-1][0] < separator <= i):
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


@Language.factory(
    "phytowatch_verdict",
    default_config={
        "textcat": "textcat_multilabel",
        "assign_threshold": 0.5,
        "high_risk_threshold": 0.35,
        "review_low": 0.3,
        "review_high": 0.7,
        "reason_min_weight": 0.5,
        "max_model_reasons": 4,
        "best_over_not_regulated": True,
    },
)
def make_verdict_maker(
    nlp: Language,
    name: str,
    textcat: str,
    assign_threshold: float,
    high_risk_threshold: float,
    review_low: float,
    review_high: float,
    reason_min_weight: float,
    max_model_reasons: int,
    best_over_not_regulated: bool,
) -> VerdictMaker:
    """Every knob is in ``classifiers/config.cfg`` under ``[components.phytowatch_verdict]``."""
    return VerdictMaker(
        nlp, textcat, assign_threshold, high_risk_threshold, review_low, review_high, reason_min_weight,
        max_model_reasons, best_over_not_regulated,
    )
