"""The text classifier's features, and the attributions that explain its scores.

The commodity model is spaCy's bag-of-words text classifier (a sparse linear
layer with a logistic output), fed with richer features than spaCy's
``TextCatBOW``:

* word unigrams and bigrams of the folded text (case- and accent-free, see
  :mod:`classifiers.tokenizer`);
* the same unigrams and bigrams again, marked as *title* features, for the
  tokens of the title: a word in the title says more about what is sold than
  the same word in the description ("ideal for tomato seedlings");
* for title words of six letters or more, their first five and last four and
  five letters, so compounds and inflections the training data never showed
  still share evidence (``Tomatensamen`` ~ ``…samen``, ``bulbes`` ~ ``bulbe…``).

Because the model is linear in these features, the contribution of every
feature to every category's score is exact: :func:`token_attributions` sums
them per token, which is what the classifier shows an officer as the words
that drove its decision.
"""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any, Callable, cast

import numpy as np
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string  # type: ignore[attr-defined]  # a Cython function, not in the stubs
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d

from classifiers.sparse_weights import KeyWeights
from classifiers.tokenizer import title_tokens, token_ids

#: ``doc.user_data`` key of the evidence features other components leave: ``(name, first, end token)``.
EVIDENCE = "phytowatch.evidence"
#: ``doc.user_data`` key of the doc's features, computed once for the model and its explanations.
FEATURES = "phytowatch.features"

NEG_VALUE = -5000
#: XOR-ed into a key to make its "in the title" twin.
TITLE_SALT = np.uint64(0x9E3779B97F4A7C15)
#: Words shorter than this get no sub-word features.
SUBWORD_MIN = 6
#: Most words whose sub-word pieces are remembered (the vocabulary of a long crawl keeps growing).
CACHE_LIMIT = 500_000

#: ``(keys, token_start, token_end)`` of every feature occurrence in one doc.
Occurrences = tuple[np.ndarray, np.ndarray, np.ndarray]
#: ``(keys, doc, token_start, size)`` of some features of a batch of docs, doc after doc.
_Group = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class _PieceTable:
    """The hashed sub-word pieces of every word met so far, as flat arrays: row ``r`` holds
    ``pieces[first[r] : first[r] + count[r]]``; :meth:`rows` maps word ids to rows.

    A batch gathers its words' pieces with one array index instead of a Python
    tuple per word chained into an array. Past :data:`CACHE_LIMIT` words (a long
    crawl's vocabulary keeps growing) the table starts afresh.
    """

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._row: dict[int, int] = {}
        self.first = np.zeros(1024, dtype=np.int64)
        self.count = np.zeros(1024, dtype=np.int64)
        self.pieces = np.zeros(4096, dtype=np.uint64)
        self._n_pieces = 0

    def rows(self, orths: list[int], make: Callable[[int], tuple[int, ...]]) -> np.ndarray:
        """The row of every word id, adding the words not seen yet with their pieces ``make(orth)``."""
        found = list(map(self._row.get, orths))
        if None in found:
            if len(self._row) + len(orths) > CACHE_LIMIT:
                self._clear()
                found = [None] * len(orths)
            for k, orth in enumerate(orths):
                if found[k] is None:
                    found[k] = self._add(orth, make(orth))
        return np.array(found, dtype=np.int64)

    def _add(self, orth: int, pieces: tuple[int, ...]) -> int:
        row = len(self._row)
        if row == len(self.first):
            self.first = np.resize(self.first, 2 * row)
            self.count = np.resize(self.count, 2 * row)
        end = self._n_pieces + len(pieces)
        if end > len(self.pieces):
            self.pieces = np.resize(self.pieces, max(2 * len(self.pieces), end))
        self.pieces[self._n_pieces : end] = pieces
        self.first[row], self.count[row] = self._n_pieces, len(pieces)
        self._n_pieces = end
        self._row[orth] = row
        return row


class FeatureExtractor:
    """Doc -> hashed feature keys (see the module docstring)."""

    def __init__(
        self,
        ngram_size: int = 2,
        title_features: bool = True,
        subwords: bool = True,
        evidence: bool = True,
        subwords_in_description: bool = False,
        char_ngrams: int = 0,
    ) -> None:
        self.char_ngrams = char_ngrams
        self.ngram_size = ngram_size
        self.title_features = title_features
        self.subwords = subwords
        self.subwords_in_description = subwords_in_description
        self.evidence = evidence
        self._evidence_keys: dict[str, int] = {}
        self._subwords = _PieceTable()

    def _subword_group(
        self, strings: Any, orths: np.ndarray, doc_of: np.ndarray, pos: np.ndarray, limit: np.ndarray
    ) -> _Group | None:
        """The sub-word pieces of a batch's tokens ``pos < limit``, token after token.

        Each distinct word of the batch is looked up once (most words recur), and
        its pieces are gathered from :class:`_PieceTable` arrays, not Python tuples.
        """
        eligible = pos < limit
        if not eligible.any():
            return None
        distinct, inverse = np.unique(orths[eligible], return_inverse=True)
        rows = self._subwords.rows(distinct.tolist(), lambda orth: self._pieces(strings[orth]))
        first, counts = self._subwords.first[rows], self._subwords.count[rows]
        per_token = counts[inverse]
        total = int(per_token.sum())
        if not total:
            return None
        at = np.repeat(first[inverse] - (np.cumsum(per_token) - per_token), per_token) + np.arange(total)
        return (
            self._subwords.pieces[at],
            np.repeat(doc_of[eligible], per_token),
            np.repeat(pos[eligible], per_token),
            np.ones(total, dtype=np.int64),
        )

    def _evidence_group(self, docs: list[Doc]) -> _Group | None:
        """The evidence other components left on the docs, doc after doc."""
        per_doc = [doc.user_data.get(EVIDENCE) or () for doc in docs]
        flat = list(itertools.chain.from_iterable(per_doc))
        if not flat:
            return None
        names, starts, ends = zip(*flat)
        cache = self._evidence_keys
        keys = list(map(cache.get, names))
        if None in keys:
            for k, name in enumerate(names):
                if keys[k] is None:
                    keys[k] = cache[name] = hash_string(name)
        first = np.array(starts, dtype=np.int64)
        return (
            np.array(keys, dtype=np.uint64),
            np.repeat(np.arange(len(docs), dtype=np.int64), np.fromiter(map(len, per_doc), np.int64, len(docs))),
            first,
            np.array(ends, dtype=np.int64) - first,
        )

    def _pieces(self, word: str) -> tuple[int, ...]:
        """Hashed sub-word pieces of a word: its ends, and its inner character n-grams."""
        if len(word) < SUBWORD_MIN or not word.isalpha():
            return ()
        pieces = [f"<{word[:5]}", f"{word[-4:]}>", f"{word[-5:]}>"]
        n = self.char_ngrams
        if n:
            marked = f"<{word}>"
            pieces.extend(f"#{marked[k : k + n]}" for k in range(len(marked) - n + 1))
        return tuple(hash_string(p) for p in pieces)

    def occurrences(self, doc: Doc, ops: Any) -> Occurrences:
        """Every feature of ``doc`` with the tokens ``[start, end)`` it comes from (cached on the doc)."""
        cached = doc.user_data.get(FEATURES)
        if cached is None:
            self.prepare([doc], ops)
            cached = doc.user_data[FEATURES]
        return cached  # type: ignore[no-any-return]

    def prepare(self, docs: list[Doc], ops: Any) -> None:
        """Compute and cache the :meth:`occurrences` of every doc of a batch that has none yet.

        The features of a whole batch are made with a few array operations instead
        of a dozen small ones per doc (their fixed cost was most of the time), then
        cut back into per-doc arrays in exactly the order a doc alone gives: unigrams,
        n-grams, their title twins, sub-words, evidence.
        """
        todo = [doc for doc in docs if FEATURES not in doc.user_data]
        if not todo:
            return
        n_docs = len(todo)
        orths_of = [token_ids(doc) for doc in todo]
        lens = np.fromiter(map(len, orths_of), dtype=np.int64, count=n_docs)
        n_title = np.minimum(np.fromiter(map(title_tokens, todo), dtype=np.int64, count=n_docs), lens)
        total = int(lens.sum())
        orths = np.fromiter(itertools.chain.from_iterable(orths_of), dtype=np.uint64, count=total)
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lens)
        pos = np.arange(total, dtype=np.int64) - (np.cumsum(lens) - lens)[doc_of]
        doc_len = lens[doc_of]
        # (keys, doc, start, size) of each group of features, every group doc after doc
        groups: list[_Group] = [(orths, doc_of, pos, np.ones(total, dtype=np.int64))]
        for size in range(2, self.ngram_size + 1):
            m = total - size + 1
            if m <= 0:
                continue
            inside_doc = (pos[:m] + size) <= doc_len[:m]  # no n-gram across two docs
            grams = np.asarray(ops.ngrams(size, orths), dtype=np.uint64)[inside_doc]
            groups.append((grams, doc_of[:m][inside_doc], pos[:m][inside_doc], np.full(len(grams), size)))
        if self.title_features:
            for group_keys, owner, start, size_of in list(groups):
                inside = (start + size_of) <= n_title[owner]
                groups.append((group_keys[inside] ^ TITLE_SALT, owner[inside], start[inside], size_of[inside]))
        if self.subwords:
            limit = doc_len if self.subwords_in_description else n_title[doc_of]
            subwords = self._subword_group(todo[0].vocab.strings, orths, doc_of, pos, limit)
            if subwords is not None:
                groups.append(subwords)
        evidence = self._evidence_group(todo) if self.evidence else None
        if evidence is not None:
            groups.append(evidence)
        doc_all = np.concatenate([g[1] for g in groups])
        order = np.argsort(doc_all, kind="stable")  # doc by doc, each doc's groups in order
        keys = np.concatenate([g[0] for g in groups])[order]
        starts = np.concatenate([g[2] for g in groups])[order]
        ends = starts + np.concatenate([g[3] for g in groups])[order]
        bounds = np.cumsum(np.bincount(doc_all, minlength=n_docs)).tolist()
        for doc, a, b in zip(todo, [0, *bounds], bounds):
            doc.user_data[FEATURES] = (keys[a:b], starts[a:b], ends[a:b])


def _bags(extractor: FeatureExtractor, docs: list[Doc], ops: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per doc, its distinct feature keys (ascending) and their counts, concatenated, and how many each doc has.

    The same as ``np.unique(keys, return_counts=True)`` doc by doc, with one sort
    per doc and the rest done once for the batch.
    """
    extractor.prepare(docs, ops)
    per_doc = [np.sort(extractor.occurrences(doc, ops)[0]) for doc in docs]
    sizes = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(docs))
    keys = np.concatenate(per_doc) if per_doc else np.zeros(0, dtype=np.uint64)
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64), np.zeros(len(docs), dtype=np.int64)
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    doc_starts = (np.cumsum(sizes) - sizes)[sizes > 0]
    first[doc_starts] = True  # a doc's first key is new even when the last doc ended with it
    where = np.flatnonzero(first)
    counts = np.diff(np.append(where, len(keys)))
    lengths = np.bincount(np.repeat(np.arange(len(docs)), sizes)[where], minlength=len(docs))
    return keys[where], counts, lengths


def _extract_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Callable]:
    keys, counts, n_keys = _bags(model.attrs["extractor"], docs, model.ops)
    lengths = model.ops.asarray(cast(Any, n_keys), dtype="int32")
    vals = np.asarray(counts, dtype="f")

    def backprop(d_output: Any) -> list[Any]:
        return []

    return (keys, vals, lengths), backprop


@registry.architectures("phytowatch.TextCatFoldedBOW.v1")
def build_folded_bow_classifier(
    exclusive_classes: bool = False,
    ngram_size: int = 2,
    title_features: bool = True,
    subwords: bool = True,
    evidence: bool = True,
    subwords_in_description: bool = False,
    char_ngrams: int = 0,
    length: int = 262144,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """spaCy's bag-of-words text classifier over :class:`FeatureExtractor` features."""
    if exclusive_classes:
        raise ValueError("phytowatch.TextCatFoldedBOW.v1 is multi-label: set exclusive_classes = false")
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    extract: Model = Model(
        "phytowatch_features",
        _extract_forward,
        attrs={
            "extractor": FeatureExtractor(
                ngram_size, title_features, subwords, evidence, subwords_in_description, char_ngrams
            )
        },
    )
    resizable_layer: Model[Floats2d, Floats2d] = resizable(
        sparse_linear,
        resize_layer=partial(resize_linear_weighted, fill_defaults={"b": NEG_VALUE, "W": 0}),
    )
    model = with_cpu(chain(extract, resizable_layer), extract.ops)
    model = chain(model, with_cpu(Logistic(), extract.ops))
    if nO is not None:
        model.set_dim("nO", cast(int, nO))
    model.set_ref("output_layer", sparse_linear)
    model.set_ref("features", extract)
    model.attrs["multi_label"] = True
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


def token_attributions(model: Model, docs: list[Doc], labels: list[list[int]]) -> list[np.ndarray]:
    """Per doc, a ``(tokens, len(labels[i]))`` array: each token's share of those labels' logits.

    An n-gram's (or a rule hit's) weight is split evenly over its tokens, so a
    column sums to the exact contribution of the doc's features to that label's
    logit (the bias excluded). ``labels[i]`` are the label columns wanted for ``docs[i]``.
    """
    extract: Model = model.get_ref("features")
    sparse: Model = model.get_ref("output_layer")
    extractor: FeatureExtractor = extract.attrs["extractor"]
    extractor.prepare(docs, extract.ops)
    per_doc = [extractor.occurrences(doc, extract.ops) for doc in docs]
    lengths = np.array([len(doc) for doc in docs], dtype=np.int64)
    width = max((len(cols) for cols in labels), default=0)
    out_shapes = [(int(n), len(cols)) for n, cols in zip(lengths, labels)]
    if not per_doc or not width:
        return [np.zeros(shape, dtype="f") for shape in out_shapes]
    keys = np.concatenate([k for k, _, _ in per_doc])
    if not len(keys):
        return [np.zeros(shape, dtype="f") for shape in out_shapes]
    weights = KeyWeights(sparse, keys)  # read for the wanted labels only
    # every (feature, token) pair of the batch, with the doc it belongs to
    n_features = np.array([len(k) for k, _, _ in per_doc], dtype=np.int64)
    starts = np.concatenate([st for _, st, _ in per_doc])
    sizes = np.concatenate([en - st for _, st, en in per_doc])
    doc_of_feature = np.repeat(np.arange(len(docs)), n_features)
    token_offset = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    feature = np.repeat(np.arange(len(keys)), sizes)
    within = np.arange(len(feature)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    token = token_offset[doc_of_feature[feature]] + starts[feature] + within
    columns = np.full((len(docs), width), -1, dtype=np.int64)
    for i, cols in enumerate(labels):
        columns[i, : len(cols)] = cols
    total = int(lengths.sum())
    shares = np.zeros((total, width), dtype="f")
    of_feature = np.zeros(len(keys), dtype=np.float32)
    for j in range(width):
        label_of_feature = columns[doc_of_feature, j]
        needed = np.flatnonzero(label_of_feature >= 0)  # docs with fewer labels need no more reads
        of_feature[needed] = weights.column(label_of_feature[needed], needed)
        col = columns[doc_of_feature[feature], j]
        wanted = col >= 0
        values = of_feature[feature[wanted]] / sizes[feature[wanted]]
        shares[:, j] = np.bincount(token[wanted], weights=values, minlength=total)
    return [shares[o : o + n, : len(cols)] for o, n, cols in zip(token_offset, lengths, labels)]
