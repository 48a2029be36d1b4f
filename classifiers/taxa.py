"""Regulated-taxa matching, and the folded-text helpers both matchers share.

Texts are *folded* before matching: casefolded, accents stripped (NFKD), and
split into word tokens, so ``Jacinthe d'EAU`` and ``jacinthe d'eau`` look the
same and hyphens or apostrophes never matter (``water-hyacinth`` = ``water
hyacinth``). Folding keeps a map back to the original characters, so every
span this module (and :mod:`classifiers.rules`) reports indexes the ORIGINAL
text.

Taxa lists are CSV files in ``data/taxa/*.csv`` in the format documented in
``data/taxa/README.md``; an NPPO adds its own list by dropping a file there.
Names are found exactly (token phrases, leftmost-longest), misspelt by one edit in
one long word, or abbreviated (``E. crassipes``); the two inexact matchers are in
:mod:`classifiers.taxa_fuzzy`.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from classifiers.taxa_fuzzy import AbbreviatedBinomials, MisspeltWords
from classifiers.types import TaxonMatch

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_TOKEN = re.compile(r"[^\W_]+")
#: The same tokens, as the separators of a split that keeps them.
_SPLIT = re.compile(r"([^\W_]+)")
#: The same on lowercase ASCII text (most folded listings), where a plain range test is quicker.
_SPLIT_ASCII = re.compile(r"([0-9a-z]+)")

#: Common names never matched on their own: too short (< 4 characters) or ordinary words.
MIN_COMMON_NAME = 4
COMMON_NAME_STOPLIST = frozenset(
    [
        "acacia",
        "acacias",
        "mimosa",
        "plant",
        "tree",
        "weed",
        "grass",
        "snail",
        "fish",
        "bird",
        "frog",
        "crab",
        "deer",
        "duck",
        "goose",
        "squirrel",
        "ant",
        "wasp",
        "hornet",
        "turtle",
        "snake",
        "worm",
        "moss",
        "fern",
        "lily",
        "palm",
    ]
)


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: ``str.translate`` table of every non-ASCII character met so far -> its folded form.
_FOLD_TABLE: dict[int, str] = {}


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD_TABLE)


class Folded:
    """A text folded for matching, with its tokens and a map back to the original.

    Token boundaries are kept as plain integer lists (:attr:`starts`, :attr:`ends`)
    rather than ``re.Match`` objects: every listing is folded once and read by the
    tokenizer, the taxa matcher and the rules, and integers are what they all need
    (a method call per token and offset was a measurable share of classifying).
    """

    __slots__ = ("original", "text", "offsets", "tokens", "starts", "ends", "title_end")

    def __init__(
        self,
        original: str,
        text: str,
        offsets: list[int] | None,
        tokens: list[str],
        starts: list[int],
        ends: list[int],
        title_end: int,
    ) -> None:
        self.original = original
        self.text = text
        #: ``offsets[i]`` is the original index of folded character ``i``; None = identity.
        self.offsets = offsets
        self.tokens = tokens
        #: ``starts[k]``, ``ends[k]``: where token ``k`` starts and ends in the folded text.
        self.starts = starts
        self.ends = ends
        #: Folded index where the title (first line) ends.
        self.title_end = title_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the folded span ``[start, end)``."""
        if self.offsets is None:
            return start, end
        stop = self.offsets[end - 1] + 1
        while stop < len(self.original) and unicodedata.combining(self.original[stop]):
            stop += 1  # keep a decomposed accent with its letter
        return self.offsets[start], stop

    def token_span(self, first: int, last: int) -> tuple[int, int]:
        """Original ``(start, end)`` of tokens ``first`` to ``last`` (inclusive)."""
        return self.span(self.starts[first], self.ends[last])


def _tokenize(folded: str, split: re.Pattern[str] = _SPLIT) -> tuple[list[str], list[int], list[int]]:
    """Tokens of a folded text with their start and end offsets (``split``: a quicker
    splitting regex that gives the same tokens on this text, as :func:`fold` knows it).

    ``re.split`` with a capturing group alternates gaps and tokens, so the running
    sum of the parts' lengths gives every boundary without a match object per token.
    """
    parts = split.split(folded)
    bounds = list(itertools.accumulate(map(len, parts)))
    starts = bounds[0::2]
    starts.pop()  # the end of the text
    return parts[1::2], starts, bounds[1::2]


def _latin1_table() -> bytes:
    """``bytes.translate`` table: what :func:`fold` makes of each Latin-1 character, 0 where
    that is not one Latin-1 character (``ß`` -> ``ss``, ``µ`` -> ``μ``, ``½``) or for NUL."""
    table = bytearray(256)
    for code in range(1, 256):
        char = chr(code)
        folded = char if code < 128 else _fold_char(char)
        lowered = folded.lower()
        if len(folded) == 1 and len(lowered) == 1 and ord(lowered) < 256:
            table[code] = ord(lowered)
    return bytes(table)


#: Most listings are Latin-1 text whose every character folds to one character: one
#: ``bytes.translate`` folds them, without a Python call per run of accented letters.
_LATIN1_FOLD = _latin1_table()
#: :data:`_SPLIT` on text folded by :data:`_LATIN1_FOLD`, whose word characters are few
#: (``0-9a-zæðøþ``): a plain class is quicker than the Unicode word test.
_SPLIT_LATIN1 = re.compile(
    "([" + "".join(re.escape(chr(c)) for c in sorted(set(_LATIN1_FOLD)) if _TOKEN.fullmatch(chr(c))) + "]+)"
)


def _fold_latin1(text: str) -> str | None:
    """``text`` folded by :data:`_LATIN1_FOLD`, or None when that table cannot fold it."""
    try:
        folded = text.encode("latin-1").translate(_LATIN1_FOLD)
    except UnicodeEncodeError:
        return None
    return None if 0 in folded else folded.decode("latin-1")


def fold(text: str) -> Folded:
    """Casefold and strip accents, keeping offsets into ``text``; then tokenise."""
    offsets: list[int] | None = None
    split = _SPLIT
    if text.isascii():
        folded = text.lower()
        split = _SPLIT_ASCII
    elif (quick := _fold_latin1(text)) is not None:
        folded = quick  # every character folds to one: the offsets are the identity
        split = _SPLIT_LATIN1
    else:
        table = _FOLD_TABLE
        chars = set("".join(_NON_ASCII.findall(text)))
        for ch in chars:
            if ord(ch) not in table:
                table[ord(ch)] = _fold_char(ch)
        folded = _NON_ASCII.sub(_fold_run, text).lower()
        odd = "".join(ch for ch in chars if len(table[ord(ch)]) != 1)
        if odd:  # "ß" -> "ss", "ﬁ" -> "fi", combining marks -> "": map folded back to original
            offsets, pos = [], 0
            for m in re.finditer(f"[{re.escape(odd)}]", text):
                i = m.start()
                offsets.extend(range(pos, i))
                offsets.extend([i] * len(table[ord(text[i])]))
                pos = i + 1
            offsets.extend(range(pos, len(text)))
    tokens, starts, ends = _tokenize(folded, split)
    nl = folded.find("\n")
    return Folded(text, folded, offsets, tokens, starts, ends, len(folded) if nl < 0 else nl)


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token tuple a phrase folds to (``"Water-Hyacinth"`` -> ``("water", "hyacinth")``)."""
    if phrase.isascii():  # what fold() does to ASCII text
        return tuple(_TOKEN.findall(phrase.lower()))
    return tuple(_TOKEN.findall(fold(phrase).text))


P = TypeVar("P")


class PhraseIndex(Generic[P]):
    """Token n-gram lookup, leftmost-longest and non-overlapping."""

    def __init__(self) -> None:
        self._phrases: dict[tuple[str, ...], list[P]] = {}
        self._longest: dict[str, int] = {}
        self._pairs: set[tuple[str, str]] = set()  # first two tokens of the longer phrases
        self._singles: set[str] = set()  # one-token phrases
        self._widest = 0

    def add(self, key: tuple[str, ...], payload: P) -> None:
        if not key:
            return
        bucket = self._phrases.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)
        self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
        self._widest = max(self._widest, len(key))
        if len(key) > 1:
            self._pairs.add((key[0], key[1]))
        else:
            self._singles.add(key[0])

    def __len__(self) -> int:
        return len(self._phrases)

    def keys(self) -> Iterable[tuple[str, ...]]:
        return self._phrases.keys()

    def get(self, key: tuple[str, ...]) -> list[P]:
        return self._phrases.get(key, [])

    def may_match(self, words: set[str], tokens: list[str]) -> bool:
        """A quick test: False when :meth:`find` surely finds nothing (``words = set(tokens)``)."""
        return not self._singles.isdisjoint(words) or not self._pairs.isdisjoint(zip(tokens, tokens[1:]))

    def find(self, tokens: list[str]) -> Iterator[tuple[int, int, list[P]]]:
        """Yield ``(first_token, end_token, payloads)`` for each match."""
        longest, phrases, pairs, singles = self._longest, self._phrases, self._pairs, self._singles
        if longest.keys().isdisjoint(tokens):
            return
        n, after = len(tokens), 0
        for i in itertools.compress(range(n), map(longest.__contains__, tokens)):
            if i < after:
                continue
            first = tokens[i]
            widest = min(longest[first], n - i)
            if widest > 1 and (first, tokens[i + 1]) in pairs:
                for size in range(widest, 1, -1):
                    hit = phrases.get(tuple(tokens[i : i + size]))
                    if hit:
                        break
                else:
                    size = 1
                    hit = phrases[(first,)] if first in singles else None
            elif first in singles:  # no longer phrase starts with these two words: no slice to look up
                size, hit = 1, phrases[(first,)]
            else:
                continue
            if hit:
                yield i, i + size, hit
                after = i + size

    def pair_starts(self, tokens: list[str]) -> list[int]:
        """Positions where a phrase of two or more tokens may start: its first two tokens are there."""
        return list(itertools.compress(range(len(tokens) - 1), map(self._pairs.__contains__, zip(tokens, tokens[1:]))))

    def longest_from(self, tokens: list[str], i: int) -> tuple[int, list[P]] | None:
        """``(end_token, payloads)`` of the longest phrase of two or more tokens at token ``i``, if any.

        With :meth:`pair_starts` and a lookup of the one-token phrases, a caller
        rebuilds :meth:`find` without a phrase lookup at every listed first word.
        """
        phrases = self._phrases
        for size in range(min(self._longest.get(tokens[i], 0), len(tokens) - i), 1, -1):
            hit = phrases.get(tuple(tokens[i : i + size]))
            if hit:
                return i + size, hit
        return None

    def find_with(self, tokens: list[str], i: int, word: str) -> tuple[int, int, list[P]] | None:
        """The leftmost-longest phrase covering token ``i`` once it is replaced by ``word``."""
        longest, phrases = self._longest, self._phrases
        for s in range(max(0, i - self._widest + 1), i + 1):
            first = word if s == i else tokens[s]
            for size in range(min(longest.get(first, 0), len(tokens) - s), i - s, -1):
                key = tokens[s:i] + [word] + tokens[i + 1 : s + size]
                hit = phrases.get(tuple(key))
                if hit:
                    return s, s + size, hit
        return None


@dataclass(frozen=True)
class Taxon:
    """One row of a taxa list."""

    scientific_name: str
    rank: str
    list_name: str
    status: str
    kingdom: str
    eppo_code: str | None
    #: ISO 3166-1 alpha-2 code, or "EU", of the authority that lists it ("" = not given).
    jurisdiction: str = ""


def _names(row: dict[str, str]) -> Iterator[tuple[str, str]]:
    yield row["scientific_name"], "scientific"
    for syn in (row.get("synonyms") or "").split(";"):
        if syn.strip():
            yield syn.strip(), "synonym"
    for entry in (row.get("common_names") or "").split(";"):
        lang, sep, name = entry.strip().partition(":")
        if not sep:
            lang, name = "und", lang
        if name.strip():
            yield name.strip(), f"common:{lang.strip() or 'und'}"


def _usable_common(key: tuple[str, ...]) -> bool:
    joined = " ".join(key)
    return len(joined.replace(" ", "")) >= MIN_COMMON_NAME and joined not in COMMON_NAME_STOPLIST


def _variants(key: tuple[str, ...], how: str) -> Iterator[tuple[str, ...]]:
    """Other ways a name is written: hybrids without the "x", possessives ("Anne's" = "Annes")."""
    yield key
    if "x" in key[:-1]:  # "Reynoutria x bohemica" is also written "Reynoutria × bohemica"
        yield tuple(t for t in key if t != "x")
    if how.startswith("common") and "s" in key[1:]:  # "queen anne s lace" -> "queen annes lace"
        out: list[str] = []
        for t in key:
            if t == "s" and out:
                out[-1] += "s"
            else:
                out.append(t)
        yield tuple(out)


_EPITHET_QUOTES = frozenset("'\"‘’‚“”„`´")
#: Lowercase words often written after a genus that are no epithet ("Cuscuta seeds").
_NOT_EPITHETS = frozenset(
    "and for from with the seed seeds plant plants live bulb bulbs root roots cutting cuttings tree trees".split()
)


class TaxaIndex:
    """Every ``*.csv`` taxa list in a folder, ready to match listing texts.

    Names match exactly (after folding), misspelt by one edit (:attr:`FUZZY_MIN`), or as
    an abbreviated binomial (``E. crassipes``) that names one listed taxon only.
    """

    #: A name token this long or longer also matches a text word one edit away.
    FUZZY_MIN = 8
    #: Name kinds that match fuzzily (common names too: measured on real titles).
    FUZZY_KINDS = ("scientific", "synonym", "genus", "common")
    #: Forget the per-word fuzzy verdicts after this many distinct words.
    CACHE_LIMIT = 500_000

    def __init__(self, taxa: Iterable[tuple[Taxon, list[tuple[str, str]]]] = ()) -> None:
        self.index: PhraseIndex[tuple[Taxon, str]] = PhraseIndex()
        self.taxa: list[Taxon] = []
        self._misspelt = MisspeltWords(self.FUZZY_MIN, self.CACHE_LIMIT)
        self._abbreviated = AbbreviatedBinomials()
        self._stale = False  # names added since the last refresh
        for taxon, names in taxa:
            self.add(taxon, names)

    def add(self, taxon: Taxon, names: list[tuple[str, str]]) -> None:
        self.taxa.append(taxon)
        for name, how in names:
            key = phrase_key(name)
            if not key or (how.startswith("common") and not _usable_common(key)):
                continue
            if how == "synonym" and len(key) == 1 and len(key[0]) < 5:  # acronyms: "PVX"
                continue
            if how == "scientific" and taxon.rank == "genus":
                how = "genus"
            if how.startswith("common") and len(key) > 2 and key[0] in ("a", "an", "the"):
                key = key[1:]  # "A dagger nematode"
            for variant in _variants(key, how):
                if any(t is taxon for t, _ in self.index.get(variant)):
                    continue  # one name of the taxon already reads so ("Cuscuta" = "Cúscuta")
                self.index.add(variant, (taxon, how))
                self._misspelt.add(variant, fuzzy=how.startswith(self.FUZZY_KINDS))
            if how in ("scientific", "synonym"):
                self._abbreviated.add(key, taxon)
        self._stale = True  # the caches are stale now, even without a long word

    def _refresh(self) -> None:
        """Index the names added since for the inexact matchers, and forget their caches."""
        self._misspelt.refresh()
        self._abbreviated.refresh()
        self._stale = False

    @classmethod
    def load(cls, folder: Path) -> TaxaIndex:
        index = cls()
        for path in sorted(folder.glob("*.csv")):
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    if not (row.get("scientific_name") or "").strip():
                        continue
                    taxon = Taxon(
                        scientific_name=row["scientific_name"].strip(),
                        rank=(row.get("rank") or "species").strip().lower(),
                        list_name=(row.get("list_name") or path.stem).strip(),
                        status=(row.get("status") or "regulated").strip().lower(),
                        kingdom=(row.get("kingdom") or "").strip().capitalize(),
                        eppo_code=(row.get("eppo_code") or "").strip() or None,
                        jurisdiction=(row.get("jurisdiction") or "").strip().upper(),
                    )
                    index.add(taxon, list(_names(row)))
        index._refresh()
        return index

    def find(self, folded: Folded) -> list[tuple[TaxonMatch, Taxon]]:
        """Taxa named in a folded text, with spans in the original text."""
        if self._stale:
            self._refresh()
        found: list[tuple[TaxonMatch, Taxon]] = []
        taken: list[tuple[int, int]] = []  # token spans already matched
        words = set(folded.tokens)
        if self.index.may_match(words, folded.tokens):
            for i, j, payloads in self.index.find(folded.tokens):
                taken.append((i, j))
                self._report(folded, i, j, payloads, found, None)
        for i, j, payloads in self._misspelt.find(self.index, folded.tokens, words, taken):
            self._report(folded, i, j, payloads, found, "fuzzy")
        for i, j, payloads in self._abbreviated.find(folded, words, taken):
            self._report(folded, i, j, payloads, found, None)
        return found

    def _report(
        self,
        folded: Folded,
        i: int,
        j: int,
        payloads: Iterable[tuple[Taxon, str]],
        found: list[tuple[TaxonMatch, Taxon]],
        how_all: str | None,
    ) -> None:
        tokens = folded.tokens
        for taxon, how in payloads:
            end_tok = j
            if how == "genus" and j < len(tokens) and _epithet(folded, j):
                end_tok = j + 1
            start, end = folded.token_span(i, end_tok - 1)
            match = TaxonMatch(
                start=start,
                end=end,
                text=folded.original[start:end],
                scientific_name=taxon.scientific_name,
                list_name=taxon.list_name,
                status=taxon.status,
                eppo_code=taxon.eppo_code,
                matched_as=how_all or how,
            )
            found.append((match, taxon))


def _epithet(folded: Folded, j: int) -> bool:
    """Token ``j`` looks like a species epithet: lowercase letters in the original, or sp./spp.,
    and not a cultivar in quotes (``Cuscuta 'gold'``)."""
    token = folded.tokens[j]
    if token in ("sp", "spp"):
        return True
    if token in _NOT_EPITHETS:
        return False
    start, end = folded.token_span(j, j)
    if start and folded.original[start - 1] in _EPITHET_QUOTES:
        return False
    word = folded.original[start:end]
    return len(token) >= 3 and token.isalpha() and word.islower()
