"""The word-class lexicon: world knowledge the training listings cannot hold.

A bag-of-words model knows only the words its training data showed. Marketplace
titles are often nothing but a name and a quantity (``Venkel 2 st``,
``Pompelmoes 3 st``, ``Cherokee Purple — 25 pz``): whether that is a
vegetable, a fruit, a fish or a tomato variety is knowledge, not context. The
lexicon (``data/lexicon/<language>.tsv``, documented in its README) maps names
to word classes (``vegetable``, ``fruit``, ``animal_aquatic``, ``plant_genus``,
``vegetable_cultivar``…), and :class:`LexiconEvidence` turns each hit into an
evidence feature ``LX|<class>|T`` (title) or ``|D`` (description) on the tokens
it covers, like the keyword rules' hits. The model learns from the training
data what a class means next to the words around it (``fruit`` + ``kg`` is
fresh produce, ``fruit`` + ``seeds`` is seeds), and every name of the class
shares that evidence, seen in training or not.

German and Dutch write names into compounds (``Blumenkohl``, ``bloemkool``,
``Tomatensamen``): a long word that is not itself in the lexicon is read as a
compound whose *head* (its end, ``LXH|…``) or *modifier* (its start,
``LXM|…``) is a lexicon name of at least :data:`PART_MIN` letters. A plural
``s`` the lexicon does not list is tried off as well.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from classifiers.components import SEEN, BatchedComponent
from classifiers.features import EVIDENCE
from classifiers.taxa import PhraseIndex, phrase_key
from classifiers.tokenizer import SEPARATOR, folded, title_tokens

#: Shortest compound part (head or modifier) looked up, and shortest rest of the word beside it.
PART_MIN = 4
REST_MIN = 3
#: Words shorter than this are not taken apart as compounds.
COMPOUND_MIN = PART_MIN + REST_MIN
#: Classes that name things kept alive or grown (plants, animals, varieties): a doc naming one "shows
#: something regulated" for the verdict. Not vegetables, fruit, grains or spices, which are mostly
#: sold to eat: "Long Grain Rice" must not be flagged because the model is unsure of it.
LIVING_CLASSES = frozenset({
    "ornamental_plant", "tree_shrub", "plant_genus", "animal_aquatic", "animal_invertebrate", "animal_vertebrate",
    "animal_genus", "vegetable_cultivar", "fruit_cultivar", "flower_cultivar", "houseplant_cultivar",
})  # fmt: skip
#: Most words whose single-word reading is remembered (a long crawl's vocabulary keeps growing).
CACHE_LIMIT = 500_000


class LexiconError(ValueError):
    """A lexicon file that cannot be read: names the file and line."""


class WordHit(NamedTuple):
    """Tokens ``[start, end)`` name something of ``classes``; ``part`` is ``""``, ``"H"`` (head) or ``"M"``."""

    start: int
    end: int
    classes: tuple[str, ...]
    part: str = ""


class Reading(NamedTuple):
    """What a hit means, with the evidence feature names it gives, made once per word (not per listing)."""

    classes: tuple[str, ...]
    part: str
    #: The lexicon lists the word or phrase itself (not read as a plural or a compound).
    listed: bool
    #: Evidence feature names in the title (``LX|fruit|T``) and in the description (``…|D``).
    title: tuple[str, ...]
    description: tuple[str, ...]
    #: Names something kept alive or grown (:data:`LIVING_CLASSES`), and not as a compound part.
    living: bool


#: A word without a reading (falsy, unlike every :class:`Reading`).
_NO_READING: tuple[()] = ()


@dataclass
class Lexicon:
    """Folded names -> word classes, with compound and plural fallbacks for single words."""

    phrases: PhraseIndex[str] = field(default_factory=PhraseIndex)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Every word met -> its single-word reading (listed, plural, compound) or ``()``.
    _readings: dict[str, Reading | tuple[()]] = field(default_factory=dict, repr=False)
    _made: dict[tuple[tuple[str, ...], str, bool], Reading] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        """Every ``*.tsv`` of ``folder`` (``class<TAB>name`` per line); an absent folder is an empty lexicon."""
        lexicon = cls()
        for path in sorted(folder.glob("*.tsv")) if folder.is_dir() else []:
            lexicon.add_all(_read(path))
        return lexicon

    def add_all(self, entries: Iterable[tuple[str, str]]) -> None:
        for word_class, name in entries:
            key = phrase_key(name)
            if not key:
                continue
            self.phrases.add(key, word_class)
            if len(key) == 1:
                known = self.words.get(key[0], ())
                if word_class not in known:
                    self.words[key[0]] = (*known, word_class)
        self._readings.clear()

    def __len__(self) -> int:
        return len(self.phrases)

    def find(self, tokens: list[str]) -> list[WordHit]:
        """Names in ``tokens``: phrases leftmost-longest, then compounds and plurals of the words left over."""
        return [WordHit(i, j, r.classes, r.part) for i, j, r in self.readings(tokens)]

    def readings(self, tokens: list[str]) -> list[tuple[int, int, Reading]]:
        """:meth:`find`'s hits as ``(start, end, reading)``, in the same order.

        Three quarters of the names are single words: one dict lookup per token
        finds them, and the plurals and compounds, at once. Longer phrases are
        looked up only where their first two words stand, the leftmost-longest
        rule of :meth:`PhraseIndex.find` applied to both.
        """
        values = list(map(self._readings.get, tokens))
        if None in values:
            read = self._read
            values = [read(t) if v is None else v for t, v in zip(tokens, values)]
        found: list[tuple[int, Reading]] = list(compress(enumerate(values), values))  # type: ignore[arg-type]
        longer = self.phrases.pair_starts(tokens)
        if not longer:
            hits = [(i, i + 1, r) for i, r in found if r.listed]
            if len(hits) < len(found):
                hits += [(i, i + 1, r) for i, r in found if not r.listed]
            return hits
        hits, after, phrases = [], 0, self.phrases
        starts = {i: r for i, r in found if r.listed}
        for i in sorted(starts.keys() | longer):
            if i < after:
                continue
            phrase = phrases.longest_from(tokens, i) if i in longer else None
            if phrase:
                after, payloads = phrase
                hits.append((i, after, self._reading(tuple(payloads), "", True)))
            elif i in starts:
                hits.append((i, i + 1, starts[i]))
                after = i + 1
        others = [(i, i + 1, r) for i, r in found if not r.listed]
        if others and hits:
            covered = {k for a, b, _ in hits for k in range(a, b)}
            others = [hit for hit in others if hit[0] not in covered]
        return hits + others

    def _read(self, token: str) -> Reading | tuple[()]:
        """The reading of a single word: listed, or not listed but read as a plural or a compound; remembered."""
        classes = self.words.get(token)
        if classes:
            found: Reading | tuple[()] = self._reading(classes, "", True)
        else:
            classes, part = ((), "") if len(token) <= PART_MIN else self._read_word(token)
            found = self._reading(classes, part, False) if classes else _NO_READING
        if len(self._readings) < CACHE_LIMIT:
            self._readings[token] = found
        return found

    def _reading(self, classes: tuple[str, ...], part: str, listed: bool) -> Reading:
        """One :class:`Reading` per distinct meaning, its feature names shared by every word that has it."""
        made = self._made.get((classes, part, listed))
        if made is None:
            made = self._made[(classes, part, listed)] = Reading(
                classes, part, listed,
                tuple(f"LX{part}|{c}|T" for c in classes), tuple(f"LX{part}|{c}|D" for c in classes),
                not part and not LIVING_CLASSES.isdisjoint(classes),
            )  # fmt: skip
        return made

    def _read_word(self, token: str) -> tuple[tuple[str, ...], str]:
        words = self.words
        if token.endswith("s") and token[:-1] in words:
            return words[token[:-1]], ""
        if len(token) < COMPOUND_MIN or not token.isalpha():
            return (), ""
        for k in range(REST_MIN, len(token) - PART_MIN + 1):  # the longest head first
            head = words.get(token[k:])
            if head:
                return head, "H"
        for k in range(len(token) - REST_MIN, PART_MIN - 1, -1):  # the longest modifier first
            modifier = words.get(token[:k])
            if modifier:
                return modifier, "M"
        return (), ""


def _read(path: Path) -> Iterable[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            if not row or not "".join(row).strip() or row[0].startswith("#"):
                continue
            if len(row) != 2 or not row[0].strip() or not row[1].strip():
                raise LexiconError(f"{path}:{number}: expected 'class<TAB>name', got {row!r}")
            yield row[0].strip(), row[1].strip()


class LexiconEvidence(BatchedComponent):
    """Pipeline component: lexicon hits as evidence features (after ``phytowatch_rules``).

    Adds ``LX|<class>|T/D`` (``LXH``/``LXM`` for a compound's head or modifier)
    to the doc's evidence, and marks the doc as showing something regulated
    when a plant, an animal or a variety is named (:data:`LIVING_CLASSES`), so
    that an unfamiliar one can still reach an officer through the verdict's
    ``best_over_not_regulated``.
    """

    def __init__(self, data_dir: str = "") -> None:
        if not data_dir:
            from crawler.paths import data_dir as bundled

            data_dir = str(bundled())
        self.lexicon = Lexicon.load(Path(data_dir) / "lexicon")

    def __call__(self, doc: Doc) -> Doc:
        if not len(self.lexicon):
            return doc
        n_title = title_tokens(doc)
        words = folded(doc).tokens  # the doc's words, but without the separator and not cut to the model's length
        tokens = words[:n_title]
        if n_title < len(doc):
            tokens += [SEPARATOR, *words[n_title : len(doc) - 1]]
        evidence = doc.user_data.setdefault(EVIDENCE, [])
        seen = False
        for i, j, reading in self.lexicon.readings(tokens):
            if i < n_title < j or tokens[i] == SEPARATOR:
                continue
            names = reading.title if i < n_title else reading.description
            evidence.extend([(name, i, j) for name in names])
            seen = seen or reading.living
        if seen:
            doc.user_data[SEEN] = True
        return doc


@Language.factory("phytowatch_lexicon", default_config={"data_dir": ""})
def make_lexicon_evidence(nlp: Language, name: str, data_dir: str) -> LexiconEvidence:
    """``data_dir``: a folder whose ``lexicon/`` holds the word-class lists; empty = the bundled ``data/``."""
    return LexiconEvidence(data_dir)
