"""Finding sellers' names, ids and shop domains in text, by their words.

An identifier is stored as its sequence of folded words (case and accents
folded, split at every character that is not a letter or digit), so that
``Kwekerij De Tulp``, ``kwekerij-de-tulp``, ``KWEKERIJ_DE_TULP`` and the run-
together ``KwekerijDeTulp`` are all one name. A text's words are looked up a
few at a time in a dictionary: the cost per title does not grow with the
number of sellers, so one index can hold every trader of the database.

Two kinds of index:

* :meth:`KnownSellers.of` — one listing's own seller, every identifier of three
  letters or more: a seller called "Garden" loses its name in its own titles;
* :meth:`KnownSellers.from_store` — every trader of the database, for titles
  that name *another* seller (resellers name the nursery they buy from). Only
  identifiers that cannot be ordinary words are kept: names of two or more
  words (eight letters at least) and single words with a digit, an underscore
  or an inner capital (``Gartenfreund_Petra74``, ``SeedVaultEmporium``,
  ``A2XJ4KQ9PLM3ZT``); not "Garden" in every listing that says "garden".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.exports.pseudonyms import Pseudonymiser
    from crawler.store.store import Store

_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8
#: A piece of text, and whether it is already a pseudonym (and must not be looked into again).
Segment = tuple[str, bool]
#: What replaces an identifier: (kind, value, marketplace) for :meth:`Pseudonymiser`'s kinds.
Replacement = tuple[str, str, str]


@dataclass(frozen=True)
class SellerIdentity:
    """What identifies the seller of a listing: the strings a pseudonymised export must not contain."""

    marketplace: str
    seller_key: str | None = None
    name: str | None = None
    profile_url: str | None = None
    website: str | None = None


def fold(word: str) -> str:
    """Case and accents folded: ``Jardín`` -> ``jardin``."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def folded_words(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _WORD.findall(text))


def host_of(url: str) -> str:
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "").lower().removeprefix("www.")


def _distinctive(token: str) -> bool:
    """A single word that is an identifier, not a word of any language."""
    token = token.strip()
    if len(token) < 6:
        return False
    inner_capital = any(c.isupper() for c in token[1:]) and not token.isupper()
    return any(c.isdigit() for c in token) or "_" in token or inner_capital


class KnownSellers:
    """Folded word sequences of seller identifiers, each with what replaces it."""

    def __init__(self, platforms: Iterable[str] = (), *, strict: bool = True) -> None:
        self._known: dict[tuple[str, ...], Replacement] = {}
        #: first word -> the lengths (in words) of the identifiers starting with it, longest first
        self._lengths: dict[str, tuple[int, ...]] = {}
        #: Hosts of marketplaces (ebay.de, etsy.com): they identify nobody, even when a shop links to one.
        self._platforms = set(platforms)
        self._strict = strict

    def __len__(self) -> int:
        return len(self._known)

    @classmethod
    def from_store(cls, store: Store) -> KnownSellers:
        """Every trader of the database; only identifiers that cannot be ordinary words."""
        platforms = {host_of(m) for (m,) in store.conn.execute(
            "SELECT DISTINCT marketplace FROM traders WHERE marketplace != seller_key")}  # fmt: skip
        known = cls(platforms)
        rows = store.conn.execute(
            "SELECT marketplace, seller_key, display_name, profile_url, shop_website FROM traders"
        )
        for marketplace, seller_key, name, profile_url, website in rows:
            known.add(SellerIdentity(marketplace, seller_key, name, profile_url, website))
        return known

    @classmethod
    def of(cls, identity: SellerIdentity) -> KnownSellers:
        """One seller, every identifier of three letters or more (its marketplace aside)."""
        own_shop = identity.marketplace == identity.seller_key
        known = cls(() if own_shop else (host_of(identity.marketplace),), strict=False)
        known.add(identity)
        return known

    def add(self, seller: SellerIdentity) -> None:
        if seller.name:  # before the key: an eBay key is the user name in lower case
            self._add_identifier(seller.name, ("name", seller.name, ""))
        if seller.seller_key:
            self._add_identifier(seller.seller_key, ("seller", seller.seller_key, seller.marketplace))
        for url in (seller.profile_url, seller.website):
            host = host_of(url) if url else ""
            if not url or not host:
                continue
            if not self._strict:
                self._add(folded_words(url.split("//", 1)[-1]), ("url", url, ""))  # the whole address
            if host not in self._platforms and len(folded_words(host)) >= 2:
                self._add(folded_words(host), ("domain", host, ""))

    def _add_identifier(self, text: str, replacement: Replacement) -> None:
        words = folded_words(text)
        letters = sum(map(len, words))
        if self._strict:
            if len(words) >= 2 and letters >= 8:
                self._add(words, replacement)
                if letters >= 10:
                    self._add(("".join(words),), replacement)  # written together: KwekerijDeTulp
            elif len(words) == 1 and _distinctive(text):
                self._add(words, replacement)
        elif letters >= 3:
            self._add(words, replacement)
            if len(words) >= 2 and letters >= 6:
                self._add(("".join(words),), replacement)

    def _add(self, words: tuple[str, ...], replacement: Replacement) -> None:
        if words and len(words) <= _MAX_WORDS:
            self._known.setdefault(words, replacement)
            lengths = set(self._lengths.get(words[0], ())) | {len(words)}
            self._lengths[words[0]] = tuple(sorted(lengths, reverse=True))

    def split(self, text: str, pseudonyms: Pseudonymiser) -> list[Segment]:
        """``text`` cut into plain pieces and the pseudonyms of the sellers it names."""
        return split_text(text, (self,), pseudonyms)

    def mentions(self, text: str) -> bool:
        return mentioned(text, (self,))

    def match_at(self, words: list[str], i: int) -> tuple[int, Replacement] | None:
        """The longest identifier starting at word ``i``: its length in words and its replacement."""
        for n in self._lengths.get(words[i], ()):  # most words start no identifier: one lookup
            if i + n <= len(words):
                replacement = self._known.get(tuple(words[i : i + n]))
                if replacement is not None:
                    return n, replacement
        return None


def _matches(text: str, indexes: Sequence[KnownSellers]) -> Iterator[tuple[int, int, Replacement]]:
    """Where the indexes' identifiers are, left to right, never overlapping; an earlier index wins a tie."""
    matches = list(_WORD.finditer(text))
    words = [fold(m.group()) for m in matches]
    i = 0
    while i < len(words):
        for index in indexes:
            found = index.match_at(words, i)
            if found is not None:
                n, replacement = found
                yield matches[i].start(), matches[i + n - 1].end(), replacement
                i += n
                break
        else:
            i += 1


def split_text(text: str, indexes: Sequence[KnownSellers], pseudonyms: Pseudonymiser) -> list[Segment]:
    """``text`` cut into plain pieces and the pseudonyms of the sellers the indexes know, in one reading."""
    out: list[Segment] = []
    position = 0
    for start, end, replacement in _matches(text, indexes):
        out += [(text[position:start], False), (_pseudonym(pseudonyms, replacement), True)]
        position = end
    out.append((text[position:], False))
    return [s for s in out if s[0]]


def mentioned(text: str, indexes: Sequence[KnownSellers]) -> bool:
    return next(_matches(text, indexes), None) is not None


def _pseudonym(pseudonyms: Pseudonymiser, replacement: Replacement) -> str:
    kind, value, marketplace = replacement
    if kind == "name":
        return pseudonyms.name(value)
    if kind == "seller":
        return pseudonyms.seller(marketplace, value)
    if kind == "url":
        return pseudonyms.url(value)
    return pseudonyms.token("domain", value)
