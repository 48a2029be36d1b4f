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
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from classifiers.components import SEEN
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


@dataclass
class Lexicon:
    """Folded names -> word classes, with compound and plural fallbacks for single words."""

    phrases: PhraseIndex[str] = field(default_factory=PhraseIndex)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _cache: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict, repr=False)

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
        self._cache.clear()

    def __len__(self) -> int:
        return len(self.phrases)

    def find(self, tokens: list[str]) -> list[WordHit]:
        """Names in ``tokens``: phrases leftmost-longest, then compounds and plurals of the words left over."""
        hits = [WordHit(i, j, tuple(classes)) for i, j, classes in self.phrases.find(tokens)]
        return hits + [WordHit(i, i + 1, *found) for i, found in self._other_words(tokens, hits)]

    def _other_words(self, tokens: list[str], hits: list[WordHit]) -> list[tuple[int, tuple[tuple[str, ...], str]]]:
        """``(position, (classes, part))`` of the words not listed themselves but read as plurals or compounds."""
        get, word = self._cache.get, self._word
        found = [(i, x) for i, x in enumerate([get(t) or word(t) for t in tokens]) if x[0]]
        if found and hits:
            covered = {k for hit in hits for k in range(hit.start, hit.end)}
            found = [(i, x) for i, x in found if i not in covered]
        return found

    def _word(self, token: str) -> tuple[tuple[str, ...], str]:
        """The classes of a single word that is not listed itself (as a plural or a compound), remembered."""
        found = ((), "") if token in self.words or len(token) <= PART_MIN else self._read_word(token)
        if len(self._cache) < CACHE_LIMIT:
            self._cache[token] = found
        return found

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


class LexiconEvidence:
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
        for hit in self.lexicon.find(tokens):
            if hit.start < n_title < hit.end or tokens[hit.start] == SEPARATOR:
                continue
            where = "T" if hit.start < n_title else "D"
            for word_class in hit.classes:
                evidence.append((f"LX{hit.part}|{word_class}|{where}", hit.start, hit.end))
            seen = seen or not hit.part and not LIVING_CLASSES.isdisjoint(hit.classes)
        if seen:
            doc.user_data[SEEN] = True
        return doc


@Language.factory("phytowatch_lexicon", default_config={"data_dir": ""})
def make_lexicon_evidence(nlp: Language, name: str, data_dir: str) -> LexiconEvidence:
    """``data_dir``: a folder whose ``lexicon/`` holds the word-class lists; empty = the bundled ``data/``."""
    return LexiconEvidence(data_dir)
