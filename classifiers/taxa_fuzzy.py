"""Inexact taxa matching: names misspelt by one edit, and abbreviated binomials.

:class:`classifiers.taxa.TaxaIndex` finds names exactly first; these two indexes
find what sellers actually write on top of that:

* :class:`MisspeltWords`: a long name word (``crassipes``) written one edit off
  (``crasipes``, ``crassipse``). A SymSpell-style index of the name words'
  deletions answers "which name words are one edit away?" without comparing a
  text word with every name; it is consulted only for text words that are no name
  word, and each word's verdict is cached, since the same words recur in every
  listing of a crawl.
* :class:`AbbreviatedBinomials`: ``E. crassipes`` for *Eichhornia crassipes*, when
  the initial and the epithet name one listed taxon only.

Both report token spans; the caller turns them into matches with original offsets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # taxa.py imports this module
    from classifiers.taxa import Folded, PhraseIndex, Taxon

P = TypeVar("P")
#: A taxon found under an abbreviation, as :class:`~classifiers.taxa.TaxaIndex` reports it.
Payload = tuple["Taxon", str]


def _deletions(word: str) -> set[str]:
    """``word`` minus one letter, never the first (a misspelling keeps the first letter)."""
    return {word[:k] + word[k + 1 :] for k in range(1, len(word))}


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one insertion, deletion, substitution or
    transposition of neighbours (optimal string alignment distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    k = 0
    while k < min(len(a), len(b)) and a[k] == b[k]:
        k += 1
    if len(a) == len(b):
        if a[k + 1 :] == b[k + 1 :]:
            return True  # substitution
        return a[k + 2 :] == b[k + 2 :] and a[k] == b[k + 1] and a[k + 1] == b[k]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return short[k:] == long[k + 1 :]


class MisspeltWords:
    """Name words of ``min_length`` letters or more, found again when misspelt by one edit.

    Short words are left out: one edit turns too many short words into other real
    words. Names are indexed lazily (:meth:`refresh`), since a list is loaded name by
    name and only matched once complete.
    """

    def __init__(self, min_length: int, cache_limit: int) -> None:
        self.min_length = min_length
        #: Forget the per-word verdicts after this many distinct words (a long crawl's vocabulary).
        self.cache_limit = cache_limit
        #: A long name word minus one letter (never the first) -> the name word(s).
        self._deletes: dict[str, str | tuple[str, ...]] = {}
        self._words: set[str] = set()  # the long name words in ``_deletes``
        #: Long name word -> every word of the names it is in (None: it is a name alone).
        self._partners: dict[str, set[str] | None] = {}
        self._name_words: set[str] = set()  # every word of every name: never misspelt
        self._pending: list[tuple[str, ...]] = []  # names to index at the next refresh
        self.refresh()

    def add(self, key: tuple[str, ...], fuzzy: bool) -> None:
        """A name's tokens; ``fuzzy``: its long words also match one edit away."""
        if fuzzy:
            self._pending.append(key)
        self._name_words.update(key)

    def refresh(self) -> None:
        """Index the long words of the names added since, and forget the per-word caches."""
        deletes, partners, words = self._deletes, self._partners, self._words
        for key in self._pending:
            for word in key:
                if len(word) < self.min_length or not word.isalpha():
                    continue
                if word not in words:
                    words.add(word)
                    partners[word] = set()
                    for d in _deletions(word):
                        known = deletes.get(d)
                        deletes[d] = word if known is None else (*((known,) if isinstance(known, str) else known), word)
                together = partners[word]
                if len(key) == 1:
                    partners[word] = None
                elif together is not None:
                    together.update(key)
        self._pending = []
        self._forget()

    def _forget(self) -> None:
        #: Words known to have no fuzzy match, or to be name words themselves.
        self._settled: set[str] = set(self._name_words)
        self._fuzzy: dict[str, tuple[str, ...]] = {}

    def candidates(self, word: str) -> tuple[str, ...]:
        """Long name words one edit away from ``word`` (a word that is no name word itself)."""
        if len(word) < self.min_length - 1 or not word.isalpha():
            return ()
        deletes, words, near = self._deletes, self._words, []
        for d in (word, *_deletions(word)):
            if d in words:  # one letter too many
                near.append(d)
            known = deletes.get(d)  # one letter missing (d = word), or replaced, or swapped
            if known:
                near.extend((known,) if isinstance(known, str) else known)
        return tuple(sorted({w for w in near if w[0] == word[0] and _one_edit(word, w)}))

    def fixes(self, words: set[str]) -> dict[str, list[str]]:
        """Each misspelt word of a text (``words``) -> the name words it may stand for.

        A word of longer names only counts when another word of those names is in
        the text too, so ``Japanese knotweed`` is found as ``japanese knotwed`` but
        a lone ``japanesse`` is nothing.
        """
        misspelt = words.difference(self._settled) if self._words else None
        if not misspelt:
            return {}
        if len(self._settled) > self.cache_limit:
            self._forget()
        fixes: dict[str, list[str]] = {}
        for word in misspelt:
            cached = self._fuzzy.get(word)
            if cached is None:
                cached = self.candidates(word)
                if cached:
                    self._fuzzy[word] = cached
                else:
                    self._settled.add(word)
            near = [w for w in cached if (p := self._partners[w]) is None or not p.isdisjoint(words)]
            if near:
                fixes[word] = near
        return fixes

    def find(
        self, index: PhraseIndex[P], tokens: list[str], words: set[str], taken: list[tuple[int, int]]
    ) -> Iterator[tuple[int, int, list[P]]]:
        """Phrases of ``index`` found with one misspelt token fixed, clear of the ``taken`` spans.

        ``words`` is ``set(tokens)``. Each hit is added to ``taken`` before it is yielded.
        """
        fixes = self.fixes(words)
        if not fixes:
            return
        for k, word in enumerate(tokens):
            if word not in fixes or any(a <= k < b for a, b in taken):
                continue
            for fix in fixes[word]:
                hit = index.find_with(tokens, k, fix)
                if hit and not any(a < hit[1] and hit[0] < b for a, b in taken):
                    taken.append(hit[:2])
                    yield hit
                    break


def _order(payload: Payload) -> tuple[str, str]:
    return payload[0].list_name, payload[0].scientific_name


class AbbreviatedBinomials:
    """Binomials written with the genus abbreviated to its initial (``E. crassipes``).

    Only an uppercase initial with its dot before a lowercase epithet counts, and only
    when it names a single listed taxon: ``A. japonica`` could be many.
    """

    def __init__(self) -> None:
        self._binomials: dict[str, dict[str, set[Payload]]] = {}  # epithet -> initial -> taxa
        self.refresh()

    def add(self, key: tuple[str, ...], taxon: Taxon) -> None:
        """A scientific name or synonym's tokens; only a genus and an epithet are kept."""
        if len(key) == 2 and key[1].isalpha():
            initials = self._binomials.setdefault(key[1], {})
            initials.setdefault(key[0][0], set()).add((taxon, "abbreviated"))

    def refresh(self) -> None:
        """Take in the binomials added since."""
        self._epithets = frozenset(self._binomials)

    def find(
        self, folded: Folded, words: set[str], taken: list[tuple[int, int]]
    ) -> Iterator[tuple[int, int, list[Payload]]]:
        """Abbreviated binomials clear of the ``taken`` token spans (``words`` = the text's tokens).

        Each hit is added to ``taken`` before it is yielded.
        """
        if words.isdisjoint(self._epithets):
            return
        tokens, text, original = folded.tokens, folded.text, folded.original
        for k in range(1, len(tokens)):
            if len(tokens[k - 1]) != 1 or tokens[k] not in self._epithets:
                continue
            initials = self._binomials[tokens[k]]
            dot = folded.ends[k - 1]
            payloads = initials.get(tokens[k - 1])
            if not payloads or text[dot : dot + 1] != "." or any(a <= k < b for a, b in taken):
                continue
            if len({taxon.scientific_name for taxon, _ in payloads}) != 1:
                continue  # "A. japonica": more than one listed taxon
            first = slice(*folded.span(folded.starts[k - 1], dot))
            last = slice(*folded.token_span(k, k))
            if original[first].isupper() and original[last].islower():
                taken.append((k - 1, k + 1))
                yield k - 1, k + 1, sorted(payloads, key=_order)
