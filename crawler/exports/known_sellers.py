"""Every seller the database knows, so that a title naming *another* seller is pseudonymised too.

A listing's own seller is found in its text by a regular expression built
for that seller (:mod:`crawler.exports.pseudonyms`). Resellers, though, name
the nursery they buy from, and shops name their rivals; one expression for
every trader in the database would be far too slow. Instead every name is
stored as its sequence of folded words, and a text's words are looked up a
few at a time: the cost per title does not grow with the number of traders.

Only identifiers that cannot be ordinary words are looked up across sellers:
names of two or more words (eight letters at least), and single words with a
digit, an underscore or an inner capital (``Gartenfreund_Petra74``,
``SeedVaultEmporium``, ``A2XJ4KQ9PLM3ZT``). A seller called "Garden" is
pseudonymised in its own listings, not in every listing that says "garden".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.exports.pseudonyms import Pseudonymiser
    from crawler.store.store import Store

_WORD = re.compile(r"[^\W_]+")
_MAX_WORDS = 8
#: A piece of text, and whether it is already a pseudonym (and must not be looked into again).
Segment = tuple[str, bool]


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def folded_words(text: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in _WORD.findall(text))


def _distinctive(token: str) -> bool:
    """A single word that is an identifier, not a word of any language."""
    token = token.strip()
    if len(token) < 6:
        return False
    inner_capital = any(c.isupper() for c in token[1:]) and not token.isupper()
    return any(c.isdigit() for c in token) or "_" in token or inner_capital


class KnownSellers:
    """Folded word sequences of seller names, ids and shop domains, each with what replaces it."""

    def __init__(self, platforms: Iterable[str] = ()) -> None:
        #: words -> (kind, value, marketplace): "name" of a name, "seller" of a key, "domain" of a host
        self._known: dict[tuple[str, ...], tuple[str, str, str]] = {}
        self._longest = 1
        self._platforms = set(platforms)

    def __len__(self) -> int:
        return len(self._known)

    @classmethod
    def from_store(cls, store: Store) -> KnownSellers:
        # Hosts of marketplaces (ebay.de, etsy.com) identify nobody, even when a shop links to one.
        platforms = {_host(m) for (m,) in store.conn.execute(
            "SELECT DISTINCT marketplace FROM traders WHERE marketplace != seller_key")}  # fmt: skip
        known = cls(platforms)
        rows = store.conn.execute(
            "SELECT marketplace, seller_key, display_name, profile_url, shop_website FROM traders"
        )
        for marketplace, seller_key, name, profile_url, website in rows:
            known.add_trader(marketplace, seller_key, name, (profile_url, website))
        return known

    def add_trader(
        self, marketplace: str, seller_key: str | None, name: str | None, urls: Iterable[str | None]
    ) -> None:
        if name:
            self._add_identifier(name, ("name", name, ""))
        if seller_key:
            self._add_identifier(seller_key, ("seller", seller_key, marketplace))
        for url in urls:
            host = _host(url) if url else ""
            if host and host not in self._platforms:
                words = folded_words(host)
                if len(words) >= 2:
                    self._add(words, ("domain", host, ""))

    def _add_identifier(self, text: str, value: tuple[str, str, str]) -> None:
        words = folded_words(text)
        if len(words) >= 2 and sum(map(len, words)) >= 8:
            self._add(words, value)
            if sum(map(len, words)) >= 10:
                self._add(("".join(words),), value)  # written together: KwekerijDeTulp
        elif len(words) == 1 and _distinctive(text):
            self._add(words, value)

    def _add(self, words: tuple[str, ...], value: tuple[str, str, str]) -> None:
        if len(words) <= _MAX_WORDS:
            self._known.setdefault(words, value)
            self._longest = max(self._longest, len(words))

    def split(self, text: str, pseudonyms: Pseudonymiser) -> list[Segment]:
        """``text`` cut into plain pieces and the pseudonyms of the known sellers it names."""
        out: list[Segment] = []
        position = 0
        for start, end, value in self._matches(text):
            out += [(text[position:start], False), (_pseudonym(pseudonyms, value), True)]
            position = end
        out.append((text[position:], False))
        return [s for s in out if s[0]]

    def mentions(self, text: str) -> bool:
        return next(self._matches(text), None) is not None

    def _matches(self, text: str) -> Iterator[tuple[int, int, tuple[str, str, str]]]:
        """Where known identifiers are, longest first, left to right, never overlapping."""
        if not self._known:
            return
        words = [(m.start(), m.end(), _fold(m.group())) for m in _WORD.finditer(text)]
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                value = self._known.get(tuple(w for _, _, w in words[i : i + n]))
                if value is not None:
                    yield words[i][0], words[i + n - 1][1], value
                    i += n
                    break
            else:
                i += 1


def _host(url: str) -> str:
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "").lower().removeprefix("www.")


def _pseudonym(pseudonyms: Pseudonymiser, value: tuple[str, str, str]) -> str:
    kind, text, marketplace = value
    if kind == "name":
        return pseudonyms.name(text)
    if kind == "seller":
        return pseudonyms.seller(marketplace, text)
    return pseudonyms.token("domain", text)
