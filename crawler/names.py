"""Trader names: normalised, and matched within one country (rapidfuzz).

A name is weak evidence: two traders are linked on their names only when both
are based in the same country, the names match closely once legal forms,
accents, punctuation and word order are set aside, and any numbers in them
agree. :mod:`crawler.traders` uses it; ``docs/traders.md`` states the rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import Iterable

from rapidfuzz import fuzz

#: token_sort_ratio (0-100) of two normalised names from which traders of one country are linked.
NAME_SIMILARITY = 92
#: Shorter normalised names ("flora", "seeds") are too common to link anybody.
MIN_NAME_CHARS = 6
#: An identifier or name shared by more traders than this is generic (a platform's support
#: address, a wholesaler's domain quoted by its resellers) and links nobody.
MAX_SHARED = 10
#: Legal forms dropped before names are compared (lower case, dots removed).
LEGAL_FORMS = frozenset({
    "bv", "nv", "vof", "cv", "gmbh", "ag", "kg", "ohg", "ug", "ek", "gbr", "ltd", "limited", "llc", "llp",
    "inc", "plc", "co", "company", "corp", "sarl", "sas", "sa", "eurl", "snc", "srl", "spa", "sl",
    "slu", "lda", "ltda", "sprl", "bvba", "oy", "ab", "as", "aps", "pty", "the",
})  # fmt: skip


def normalise_name(name: str | None) -> str:
    """Lower case, accents and punctuation off, ``&`` as ``and``, legal forms dropped.

    >>> normalise_name("Bloembollen Van der Meer B.V.")
    'bloembollen van der meer'
    >>> normalise_name("Pépinière des Trois Chênes SARL")
    'pepiniere des trois chenes'
    """
    if not name:
        return ""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace(".", "")
    return " ".join(t for t in re.findall(r"\w+", text) if t not in LEGAL_FORMS)


def name_links(named: Iterable[tuple[int, str, str]]) -> list[tuple[int, int, float, str, str]]:
    """``(a, b, similarity, name a, name b)`` for traders ``(id, name, country)`` of one country with close names.

    Candidates share a word of four letters or more (or the whole name); a name
    or word met in more than :data:`MAX_SHARED` / 50 traders of the country is too
    generic to link on; names with different numbers in them are never linked.
    """
    by_country: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for trader_id, name, country in named:
        norm = normalise_name(name)
        if country and len(norm.replace(" ", "")) >= MIN_NAME_CHARS:
            by_country[country].append((trader_id, norm, name))
    found: dict[tuple[int, int], tuple[int, int, float, str, str]] = {}
    for traders in by_country.values():
        exact = Counter(norm for _, norm, _ in traders)
        buckets: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for trader in traders:
            if exact[trader[1]] > MAX_SHARED:
                continue
            for token in {trader[1], *(t for t in trader[1].split() if len(t) >= 4)}:
                buckets[token].append(trader)
        for bucket in buckets.values():
            if len(bucket) < 2 or len(bucket) > 50:
                continue
            for i, (a, norm_a, name_a) in enumerate(bucket):
                for b, norm_b, name_b in bucket[i + 1:]:
                    key = (min(a, b), max(a, b))
                    if key in found or a == b:
                        continue
                    if _numbers(norm_a) != _numbers(norm_b):  # "Shop 1" and "Shop 2" are two shops
                        continue
                    score = fuzz.token_sort_ratio(norm_a, norm_b)
                    if score >= NAME_SIMILARITY:
                        first, second = (name_a, name_b) if a < b else (name_b, name_a)
                        found[key] = (*key, round(score, 1), first, second)
    return list(found.values())


def _numbers(name: str) -> list[str]:
    return re.findall(r"\d+", name)
