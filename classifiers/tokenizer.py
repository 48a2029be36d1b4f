"""The commodity pipeline's tokenizer: one folding shared by the model, the rules and the taxa.

Listings come in every language, half of them without accents or in capitals,
with hyphens and apostrophes anywhere (``water-hyacinth``, ``JACINTHE D'EAU``).
Instead of spaCy's rule-based tokenizer, the pipeline tokenizes with
:func:`classifiers.taxa.fold`: casefolded, accent-free word tokens, the same
tokens the keyword rules and the taxa matcher read. So a listing is folded
once, the model's features are already case- and accent-insensitive, and
every token maps back to its characters in the original text
(:meth:`classifiers.taxa.Folded.span`), which is what explanations highlight.

The title (first line) and the description are joined by :data:`SEPARATOR`,
so the model can tell title words from description words.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from typing import Any, Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from classifiers.taxa import Folded, fold

#: The token between title and description (never produced by folding: it is not a word character).
SEPARATOR = "¶"
#: ``doc.user_data`` key of the :class:`~classifiers.taxa.Folded` text a doc was made from.
FOLDED = "phytowatch.folded"
#: ``doc.user_data`` key of the number of title tokens.
TITLE_TOKENS = "phytowatch.title_tokens"
#: ``doc.user_data`` key of the doc's token ids (``Token.orth`` of every token, in order).
ORTHS = "phytowatch.orths"
#: Longer texts are cut: the title and the start of the description are what matter.
MAX_CHARS = 20_000
#: Most words whose ids the tokenizer remembers (the vocabulary of a long crawl keeps growing).
ORTH_CACHE_LIMIT = 500_000


def folded(doc: Doc) -> Folded:
    """The folded text behind a doc made by :class:`FoldedTokenizer`."""
    return doc.user_data[FOLDED]  # type: ignore[no-any-return]


def token_ids(doc: Doc) -> list[int]:
    """``Token.orth`` of every token of ``doc``: kept by the tokenizer, else read from the doc."""
    ids = doc.user_data.get(ORTHS)
    if ids is None or len(ids) != len(doc):  # a doc copied without its user data, or retokenized
        return [t.orth for t in doc]
    return ids  # type: ignore[no-any-return]


def title_tokens(doc: Doc) -> int:
    """How many tokens of ``doc`` belong to the title (the separator, if any, comes next)."""
    n = doc.user_data.get(TITLE_TOKENS)
    if n is None:  # a doc copied without its user data (spaCy's reference docs): find the separator
        sep = doc.vocab.strings[SEPARATOR]
        n = next((t.i for t in doc if t.orth == sep), len(doc))
        doc.user_data[TITLE_TOKENS] = n
    return int(n)


class FoldedTokenizer:
    """``text -> Doc`` of folded word tokens; nothing to serialise (its word-id cache is rebuilt on use)."""

    def __init__(self, vocab: Vocab, max_chars: int = MAX_CHARS, max_description_tokens: int = 0) -> None:
        self.vocab = vocab
        self.max_chars = max_chars
        self.max_description_tokens = max_description_tokens
        #: word -> its id in the vocabulary's string store (a hash of the word, fixed for the process)
        self._ids: dict[str, int] = {}

    def _word_ids(self, words: list[str]) -> list[int]:
        """The string-store id of every word, adding the new ones to the store.

        spaCy's ``Doc`` hashes every word it is given as a string; given ids, it
        only looks their lexemes up. Listings repeat the same few thousand words,
        so remembering their ids saves the hashing (measured alone on the bench's
        listings: 20 µs per listing for a ``Doc`` of strings, 8.5 µs for one of ids
        plus 4 µs for the lookups). Inside a spaCy memory zone the store forgets
        the zone's new strings afterwards, so nothing is remembered there.
        """
        ids = self._ids
        found = list(map(ids.get, words))
        if None in found:
            strings = self.vocab.strings
            remember = not getattr(self.vocab, "in_memory_zone", False)  # memory zones: spaCy >= 3.8
            if len(ids) >= ORTH_CACHE_LIMIT:
                ids.clear()
            for k, (word, orth) in enumerate(zip(words, found)):
                if orth is None:
                    found[k] = orth = strings.add(word)
                    if remember:
                        ids[word] = orth
        return found  # type: ignore[return-value]  # no None left

    def __call__(self, text: str) -> Doc:
        f = fold((text or "")[: self.max_chars])
        words = f.tokens
        n_title = bisect.bisect_left(f.starts, f.title_end)
        if n_title < len(words):
            end = n_title + self.max_description_tokens if self.max_description_tokens else len(words)
            words = [*words[:n_title], SEPARATOR, *words[n_title:end]]
        orths = self._word_ids(words)
        doc = Doc(self.vocab, words=orths, spaces=[True] * len(orths))  # type: ignore[arg-type]  # ids: documented, not in the stubs
        doc.user_data[FOLDED] = f
        doc.user_data[ORTHS] = orths
        doc.user_data[TITLE_TOKENS] = n_title
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> FoldedTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> FoldedTokenizer:
        return self


@registry.tokenizers("phytowatch.FoldedTokenizer.v1")
def create_folded_tokenizer(
    max_chars: int = MAX_CHARS, max_description_tokens: int = 0
) -> Callable[[Language], FoldedTokenizer]:
    """``max_description_tokens``: how many description words the model reads (0 = all).

    The folded text behind the doc keeps everything, for the rules and the taxa lists.
    """

    def make(nlp: Language) -> FoldedTokenizer:
        return FoldedTokenizer(nlp.vocab, max_chars, max_description_tokens)

    return make


def token_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Original-text ``(start, end)`` of doc tokens ``[start, end)``, which must not cross the separator."""
    f, n_title = folded(doc), title_tokens(doc)
    first = start if start < n_title else start - 1
    last = end - 1 if end - 1 < n_title else end - 2
    return f.token_span(first, last)
