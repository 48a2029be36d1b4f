"""The keyword-rule classifier: weighted multilingual terms, look-alike negatives and taxa.

The rules are data (``data/rules/commodity_rules.toml``, documented in its header);
this module only compiles and applies them. How a verdict is reached:

1. The text is folded (casefold, accents stripped; see :func:`classifiers.taxa.fold`)
   and tokenised. Every rule term becomes a token phrase; the text is matched
   leftmost-longest, so ``seed beads`` (a negative) consumes ``seed`` and
   ``LED bulb`` consumes ``bulb``. German/Dutch compound heads (``…samen``,
   ``…bollen``) match as word endings; a few regexes run on the folded text (pot
   sizes, watts, weights) and a few case-sensitive ones on the original (a
   binomial in brackets, a cultivar name in quotes).
2. The title is the first line. Evidence after it (the description) counts
   ``description_weight`` (positives) or ``description_suppress`` (negatives) as
   much; ``title_only`` rules are ignored there.
3. Per category, ``score = (1 - Π(1 - w_i)) · Π(1 - s_j)``: ``w_i`` the weights
   of matched positive terms, ``s_j`` the strengths of matched negatives that
   suppress the category (``1.0`` vetoes it).
4. *Subject* terms (plant names: ``tomato``, ``Sansevieria``) and taxa of a known
   kingdom say what the listing is about, not which commodity it is. The strongest
   one (weight ``u``) joins the best category that scores at least ``attach_min``
   and has evidence in the title (or scores ``confident``):
   ``score = 1 - (1 - score)(1 - u·Π(1 - s_j))``. Without one it goes to
   ``plants_for_planting`` (``living_organisms`` for an animal taxon named alone),
   unless the not-regulated evidence ``1 - Π(1 - n_k)`` is at least ``u`` (a pot
   "for tomatoes"): then it is dropped. Pest taxa (no kingdom) only annotate.
5. Categories scoring at least ``assign`` are assigned, except that when the title
   itself shows a category or a look-alike, a category seen only in the
   description needs ``description_only``. ``needs_review`` when the best
   assigned score is below ``confident``; no category -> ``not_regulated``.
6. A taxon with status ``prohibited`` forces risk ``high``, except when the listing
   reads as a processed product or as not regulated at all (a water-hyacinth
   basket); then it only sets ``needs_review``.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import re._constants as sre_constants
import re._parser as sre_parse
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from classifiers.taxa import Folded, PhraseIndex, TaxaIndex, Taxon, fold, phrase_key
from classifiers.types import CATEGORIES, Classification, Reason, TaxonMatch, risk_for

REGULATED: tuple[str, ...] = tuple(c for c in CATEGORIES if c != "not_regulated")
SUBJECT = "subject"
PLANT_KINGDOMS = frozenset({"Plantae", "Chromista"})
ORGANISM_KINGDOMS = frozenset({"Animalia", "Fungi", "Bacteria", "Protozoa", "Viruses"})
_TERM_TOKEN = re.compile(r"^(?:\{(?P<alts>[^{}]+)\}|(?P<base>[^()]+)(?:\((?P<sufs>[^()]+)\))?)$")


@dataclass(frozen=True)
class Rule:
    """One ``[[rule]]`` table of the TOML file."""

    id: str
    #: A category, ``not_regulated`` (negative evidence) or ``subject`` (plant names).
    category: str
    weight: float
    suppress: tuple[str, ...] = ()
    strength: float = 0.0
    title_only: bool = False


@dataclass(frozen=True)
class Scoring:
    assign: float = 0.35
    confident: float = 0.6
    description_only: float = 0.8
    description_weight: float = 0.7
    description_suppress: float = 0.4
    taxon_weight: float = 0.45
    attach_min: float = 0.25
    max_chars: int = 20_000
    #: Rules read the title and this many characters of the description (0 = all of it).
    description_chars: int = 0
    #: Regex patterns (sizes, weights, watts) read the title and this many description characters.
    pattern_chars: int = 0


@dataclass
class _Evidence:
    """What the matches of one text add up to."""

    keep: dict[str, float] = field(default_factory=lambda: dict.fromkeys(REGULATED, 1.0))
    damp: dict[str, float] = field(default_factory=lambda: dict.fromkeys(REGULATED, 1.0))
    title_cats: set[str] = field(default_factory=set)
    negative: float = 0.0
    title_negative: bool = False
    subject: float = 0.0
    subject_in_title: bool = False
    subjects: list[tuple[int, int, float]] = field(default_factory=list)
    spans: list[tuple[int, int, str, float]] = field(default_factory=list)


class RuleDecision(NamedTuple):
    """What the rules decide on one text, before it is explained (see :meth:`RuleClassifier.verdict`)."""

    #: Assigned categories, best first; empty = not regulated.
    categories: list[str]
    scores: dict[str, float]
    risk: str
    needs_review: bool
    #: ``(start, end, label) -> weight`` of every span behind the decision (original offsets).
    reasons: dict[tuple[int, int, str], float]

    def first_span(self, label: str) -> tuple[int, int] | None:
        """The first span (by start, then end) that is evidence for ``label``."""
        return min(((a, b) for a, b, x in self.reasons if x == label), default=None)


def _window(folded: Folded, description_chars: int) -> Folded:
    """The title and the first ``description_chars`` characters of the description (0 = all)."""
    cut = folded.title_end + 1 + description_chars
    if not description_chars or len(folded.text) <= cut:
        return folded
    k = bisect.bisect_right(folded.ends, cut)
    return Folded(folded.original, folded.text[:cut], folded.offsets, folded.tokens[:k], folded.starts[:k],
                  folded.ends[:k], folded.title_end)


def expand_term(term: str) -> list[str]:
    """``"plante(s) vivante(s)"`` -> all inflected phrases; ``{a|b}`` = alternatives."""
    choices: list[list[str]] = []
    for token in term.split():
        m = _TERM_TOKEN.match(token)
        if not m or (m["base"] and any(ch in m["base"] for ch in "{}|")):
            raise ValueError(f"bad term syntax {term!r} (token {token!r})")
        if m["alts"]:
            choices.append([a for part in m["alts"].split("|") for a in expand_term(part)])
        else:
            sufs = m["sufs"].split("|") if m["sufs"] else []
            choices.append([m["base"]] + [m["base"] + s for s in sufs])
    return [" ".join(parts) for parts in itertools.product(*choices)]


def _rule(table: dict[str, Any], n: int) -> Rule:
    category = table["category"]
    if category not in CATEGORIES and category != SUBJECT:
        raise ValueError(f"rule {n}: unknown category {category!r}")
    suppress = tuple(REGULATED if table.get("suppress") == ["*"] else table.get("suppress", ()))
    unknown = set(suppress) - set(REGULATED)
    if unknown:
        raise ValueError(f"rule {n}: cannot suppress {sorted(unknown)}")
    weight = float(table.get("weight", 0.5))
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"rule {n}: weight {weight} outside 0..1")
    return Rule(
        id=table.get("id", f"{category}#{n}"),
        category=category,
        weight=weight,
        suppress=suppress,
        strength=float(table.get("strength", weight if suppress else 0.0)),
        title_only=bool(table.get("title_only", False)),
    )


def _with_needed(regex: re.Pattern[str], rule: Rule) -> tuple[re.Pattern[str], Rule, str]:
    return regex, rule, needed_chars(regex)


def needed_chars(regex: re.Pattern[str], most: int = 4) -> str:
    """Characters one of which every match of ``regex`` holds ("" = none found, or too many to test).

    A regex that starts with ``\\b`` or a look-behind defeats the regex engine's own
    prefix scan: it tries every position of every listing. Testing a few literal
    characters first (``'`` for a cultivar in quotes, ``+`` for ``2+1``) skips it
    where it cannot match. Read from the parsed pattern: a literal, or a class of
    at most ``most`` characters, that the pattern's top-level sequence (or a
    group in it) must match at least once; punctuation only, as letters, digits
    and spaces are in nearly every listing.
    """
    if regex.flags & re.IGNORECASE:
        return ""
    best = ""
    for chars in _required(sre_parse.parse(regex.pattern, regex.flags)):
        rare = not any(ch.isalnum() or ch.isspace() for ch in chars)
        if rare and len(chars) <= most and (not best or len(chars) < len(best)):
            best = chars
    return best


def _required(items: Any) -> list[str]:
    """The character sets (as strings) of the items every match of the sequence ``items`` goes through."""
    out: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            out.append(chr(av))
        elif op is sre_constants.IN:
            chars = _class_chars(av)
            if chars:
                out.append(chars)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            low, _, sub = av
            if low >= 1:
                out.extend(_required(sub))
        elif op is sre_constants.SUBPATTERN:
            _, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & re.IGNORECASE:
                out.extend(_required(sub))
    return out


def _class_chars(items: Any) -> str:
    """The characters of a ``[...]`` class; "" for a negated one, a category (``\\d``) or a wide range."""
    chars: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            chars.append(chr(av))
        elif op is sre_constants.RANGE and av[1] - av[0] < 16:
            chars.extend(map(chr, range(av[0], av[1] + 1)))
        else:
            return ""
    return "".join(sorted(set(chars)))


def _pattern_hits(
    patterns: list[tuple[re.Pattern[str], Rule, str]], text: str, out: list[tuple[int, int, Rule]]
) -> None:
    """Append ``(start, end, rule)`` of every non-empty match in ``text``, skipping a pattern whose
    needed characters (:func:`needed_chars`) are all absent. A plain loop: most patterns find nothing."""
    for regex, rule, needed in patterns:
        if needed and not any(map(text.__contains__, needed)):
            continue
        for m in regex.finditer(text):
            a, b = m.span()
            if b > a:
                out.append((a, b, rule))


class RuleClassifier:
    """Keyword rules and taxa lists behind the :class:`classifiers.types.Classifier` contract."""

    def __init__(self, config: dict[str, Any], taxa: TaxaIndex, version: str) -> None:
        self.version = version
        self.scoring = Scoring(**config.get("scoring", {}))
        self.taxa = taxa
        self.phrases: PhraseIndex[Rule] = PhraseIndex()
        self.rules: list[Rule] = []
        suffixes: dict[str, list[Rule]] = {}
        #: ``(regex, rule, needed)``: ``needed`` holds characters one of which every match holds ("" = unknown).
        self._patterns: list[tuple[re.Pattern[str], Rule, str]] = []
        self._cased: list[tuple[re.Pattern[str], Rule, str]] = []
        for n, table in enumerate(config.get("rule", [])):
            rule = _rule(table, n)
            self.rules.append(rule)
            for term in table.get("terms", []):
                for phrase in expand_term(term):
                    self.phrases.add(phrase_key(phrase), rule)
            for suffix in table.get("suffixes", []):
                suffixes.setdefault(fold(suffix).text, []).append(rule)
            self._patterns.extend(_with_needed(re.compile(p), rule) for p in table.get("patterns", []))
            self._cased.extend(_with_needed(re.compile(p), rule) for p in table.get("cased_patterns", []))
        self._suffix_rules = suffixes
        self._suffixes = tuple(sorted(suffixes, key=len, reverse=True))  # longest first
        #: word -> the compound head it ends with ("" = none); a memo, as words repeat.
        self._heads: dict[str, str] = {}

    def _head_of(self, token: str) -> str:
        head = ""
        if self._suffixes and token.endswith(self._suffixes):
            found = next(e for e in self._suffixes if token.endswith(e))
            if len(token) - len(found) >= 2:
                head = found
        if len(self._heads) < 200_000:
            self._heads[token] = head
        return head

    @classmethod
    def load(cls, data_dir: Path | None = None, taxa: TaxaIndex | None = None) -> RuleClassifier:
        """Rules from ``<data_dir>/rules/*.toml``, taxa from ``<data_dir>/taxa/*.csv``.

        Pass ``taxa`` to share an index already loaded (the spaCy pipeline's taxa
        component); the version still hashes the list files.
        """
        if data_dir is None:
            from crawler.paths import data_dir as default_data_dir

            data_dir = default_data_dir()
        rule_files = sorted((data_dir / "rules").glob("*.toml"))
        if not rule_files:
            raise FileNotFoundError(f"no rule files in {data_dir / 'rules'}")
        config: dict[str, Any] = {"rule": []}
        digest = hashlib.sha256()
        for path in rule_files + sorted((data_dir / "taxa").glob("*.csv")):
            raw = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + raw)
            if path.suffix == ".toml":
                loaded = tomllib.loads(raw.decode("utf-8"))
                config.setdefault("scoring", {}).update(loaded.get("scoring", {}))
                config["rule"].extend(loaded.get("rule", []))
        if taxa is None:
            taxa = TaxaIndex.load(data_dir / "taxa")
        return cls(config, taxa, f"rules-{digest.hexdigest()[:12]}")

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        return [self.classify_one(text) for text in texts]

    def _matches(self, text: str, folded: Folded) -> list[tuple[int, int, Rule]]:
        """``(start, end, rule)`` in ``text`` for every rule term found in it."""
        hits: list[tuple[int, int, Rule]] = []  # folded offsets first
        covered: set[int] = set()  # every token inside a phrase match
        tokens, starts, ends = folded.tokens, folded.starts, folded.ends
        for i, j, rules in self.phrases.find(tokens):
            covered.update(range(i, j))
            a, b = starts[i], ends[j - 1]
            hits.extend((a, b, r) for r in rules)
        cached = list(map(self._heads.get, tokens))  # compound heads: "tomaten|samen"; "" = none
        heads: list[str] = cached  # type: ignore[assignment]  # no None left, once filled in
        if None in cached:
            head_of = self._head_of
            heads = [head_of(t) if h is None else h for t, h in zip(tokens, cached)]
        for k in itertools.compress(range(len(heads)), heads):
            if k not in covered:
                a, b = starts[k], ends[k]
                hits.extend((a, b, r) for r in self._suffix_rules[heads[k]])
        sc = self.scoring
        window = folded.text[: folded.title_end + 1 + sc.pattern_chars] if sc.pattern_chars else folded.text
        _pattern_hits(self._patterns, window, hits)
        found = hits if folded.offsets is None else [(*folded.span(a, b), rule) for a, b, rule in hits]
        if window:  # the window's end in the original text
            text = text[: folded.span(len(window) - 1, len(window))[1]]
        _pattern_hits(self._cased, text, found)  # original offsets already
        return found

    def _evidence(self, title_end: int, found: list[tuple[int, int, Rule]]) -> _Evidence:
        sc, ev = self.scoring, _Evidence()
        for a, b, rule in found:
            in_title = a < title_end
            if rule.title_only and not in_title:
                continue
            w = rule.weight * (1.0 if in_title else sc.description_weight)
            s = rule.strength * (1.0 if in_title else sc.description_suppress)
            for c in rule.suppress:
                ev.damp[c] *= 1.0 - s
            if rule.category == SUBJECT:
                ev.subject = max(ev.subject, w)
                ev.subject_in_title |= in_title
                ev.subjects.append((a, b, w))
            elif rule.category == "not_regulated":
                n = rule.weight * (1.0 if in_title else sc.description_suppress)
                ev.negative = 1.0 - (1.0 - ev.negative) * (1.0 - n)
                ev.title_negative |= in_title
                one = len(rule.suppress) == 1
                ev.spans.append(
                    (a, b, f"negative:{rule.suppress[0]}" if one else "not_regulated", w)
                )
            else:
                ev.keep[rule.category] *= 1.0 - w
                ev.spans.append((a, b, rule.category, w))
                if in_title:
                    ev.title_cats.add(rule.category)
        return ev

    def _attach_subject(
        self,
        ev: _Evidence,
        scores: dict[str, float],
        taxa: list[tuple[TaxonMatch, Taxon]],
        title_end: int,
    ) -> None:
        """Let plant names and taxa reinforce a category (step 4 of the module docstring)."""
        sc = self.scoring
        known = [(m, t) for m, t in taxa if t.kingdom in PLANT_KINGDOMS | ORGANISM_KINGDOMS]
        for m, _ in known:  # taxa of unknown kingdom (pest lists) only annotate
            in_title = m.start < title_end
            weight = sc.taxon_weight * (1.0 if in_title else sc.description_weight)
            ev.subject = max(ev.subject, weight)
            ev.subject_in_title |= in_title
        if not ev.subject:
            return
        animals_only = known and not any(t.kingdom in PLANT_KINGDOMS for _, t in known)
        default = "living_organisms" if animals_only and not ev.subjects else "plants_for_planting"
        ready = [
            c
            for c in REGULATED
            if scores[c] >= sc.attach_min and (c in ev.title_cats or scores[c] >= sc.confident)
        ]
        if not ready and ev.negative >= ev.subject:
            return  # a pot, a poster or a fertiliser "for tomatoes"
        target = max(ready, key=scores.__getitem__) if ready else default
        scores[target] = 1.0 - (1.0 - scores[target]) * (1.0 - ev.subject * ev.damp[target])
        if ev.subject_in_title:
            ev.title_cats.add(target)
        ev.spans.extend((a, b, target, w) for a, b, w in ev.subjects)

    def classify_one(self, text: str) -> Classification:
        text = (text or "")[: self.scoring.max_chars]
        folded = fold(text)
        return self.classify_folded(folded, self.taxa.find(folded))

    def classify_folded(self, folded: Folded, taxa: list[tuple[TaxonMatch, Taxon]]) -> Classification:
        """The verdict on a text already folded, with the taxa already found in it."""
        return self.evidence(folded, taxa)[0]

    def evidence(
        self, folded: Folded, taxa: list[tuple[TaxonMatch, Taxon]]
    ) -> tuple[Classification, list[tuple[int, int, Rule]]]:
        """The verdict and every rule hit ``(start, end, rule)`` behind it, in the original text."""
        decision, found = self.decide(folded, taxa)
        return self.verdict(folded.original, taxa, decision), found

    def verdict(self, text: str, taxa: list[tuple[TaxonMatch, Taxon]], decision: RuleDecision) -> Classification:
        """The explained verdict of a :class:`RuleDecision` on ``text``."""
        return Classification(
            categories=decision.categories or ["not_regulated"],
            scores=decision.scores,
            risk=decision.risk,
            taxa=[m for m, _ in taxa],
            reasons=[
                Reason(a, b, text[a:b], label, round(w, 4), "taxa" if label == "taxon" else "rules")
                for (a, b, label), w in sorted(decision.reasons.items())
            ],
            needs_review=decision.needs_review,
            model_version=self.version,
        )

    def decide(
        self, folded: Folded, taxa: list[tuple[TaxonMatch, Taxon]]
    ) -> tuple[RuleDecision, list[tuple[int, int, Rule]]]:
        """The decision and every rule hit ``(start, end, rule)`` behind it, in the original text.

        This is how the spaCy pipeline calls the rules: its tokenizer folds the
        text and its taxa component matches the lists, once for everybody; the
        hits become features of the trained model. It reads the categories, the
        spans behind them and ``needs_review``, so the explained
        :class:`Classification` (a :class:`Reason` per span) is left to :meth:`verdict`.
        """
        sc = self.scoring
        text = folded.original
        title_end = text.find("\n")
        if title_end < 0:
            title_end = len(text)
        found = self._matches(text, _window(folded, sc.description_chars))
        ev = self._evidence(title_end, found)
        scores = {c: (1.0 - ev.keep[c]) * ev.damp[c] for c in REGULATED}

        self._attach_subject(ev, scores, taxa, title_end)

        candidates = [c for c in REGULATED if scores[c] >= sc.assign]
        if ev.title_negative or ev.title_cats & set(candidates):
            candidates = [
                c for c in candidates if c in ev.title_cats or scores[c] >= sc.description_only
            ]
        categories = sorted(candidates, key=lambda c: (-scores[c], c))
        best = scores[categories[0]] if categories else 0.0
        needs_review = bool(categories) and best < sc.confident
        risk = risk_for(categories) if categories else "none"
        if any(t.status == "prohibited" for _, t in taxa):
            if set(categories) - {"processed_plant_products"}:
                risk = "high"
            else:
                needs_review = True
        reasons: dict[tuple[int, int, str], float] = {}
        for a, b, label, w in ev.spans:  # one reason per span and label
            reasons[(a, b, label)] = max(w, reasons.get((a, b, label), 0.0))
        for m, _ in taxa:
            reasons[(m.start, m.end, "taxon")] = sc.taxon_weight
        out = {c: round(scores[c], 4) for c in REGULATED}
        out["not_regulated"] = round(1.0 - best, 4)
        return RuleDecision(categories, out, risk, needs_review, reasons), found
