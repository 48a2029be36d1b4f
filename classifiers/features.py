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

from functools import partial
from typing import Any, Callable, cast

import numpy as np
from spacy.attrs import ORTH
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d

from classifiers.tokenizer import title_tokens

#: ``doc.user_data`` key of the evidence features other components leave: ``(name, first, end token)``.
EVIDENCE = "phytowatch.evidence"
#: ``doc.user_data`` key of the doc's features, computed once for the model and its explanations.
FEATURES = "phytowatch.features"

NEG_VALUE = -5000
#: XOR-ed into a key to make its "in the title" twin.
TITLE_SALT = np.uint64(0x9E3779B97F4A7C15)
#: Words shorter than this get no sub-word features.
SUBWORD_MIN = 6

#: ``(keys, token_start, token_end)`` of every feature occurrence in one doc.
Occurrences = tuple[np.ndarray, np.ndarray, np.ndarray]


class FeatureExtractor:
    """Doc -> hashed feature keys (see the module docstring)."""

    def __init__(
        self,
        ngram_size: int = 2,
        title_features: bool = True,
        subwords: bool = True,
        evidence: bool = True,
        subwords_in_description: bool = False,
    ) -> None:
        self.ngram_size = ngram_size
        self.title_features = title_features
        self.subwords = subwords
        self.subwords_in_description = subwords_in_description
        self.evidence = evidence
        self._evidence_keys: dict[str, int] = {}
        self._subword_cache: dict[int, tuple[int, ...]] = {}

    def _subword_keys(self, doc: Doc, orths: np.ndarray, n_title: int, keys: list[int], where: list[int]) -> None:
        cache, strings = self._subword_cache, doc.vocab.strings
        for i in range(n_title):
            orth = int(orths[i])
            found = cache.get(orth)
            if found is None:
                word = strings[orth]
                found = cache[orth] = (
                    (hash_string(f"<{word[:5]}"), hash_string(f"{word[-4:]}>"), hash_string(f"{word[-5:]}>"))
                    if len(word) >= SUBWORD_MIN and word.isalpha()
                    else ()
                )
            if found:
                keys.extend(found)
                where.extend((i, i, i))

    def occurrences(self, doc: Doc, ops: Any) -> Occurrences:
        """Every feature of ``doc`` with the tokens ``[start, end)`` it comes from (cached on the doc)."""
        cached = doc.user_data.get(FEATURES)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        orths = doc.to_array(ORTH).astype(np.uint64, copy=False)
        n = len(orths)
        n_title = min(title_tokens(doc), n)
        keys, starts, sizes = [orths], [np.arange(n)], [np.ones(n, dtype=np.int64)]
        for size in range(2, self.ngram_size + 1):
            if n >= size:
                keys.append(np.asarray(ops.ngrams(size, orths), dtype=np.uint64))
                starts.append(np.arange(n - size + 1))
                sizes.append(np.full(n - size + 1, size, dtype=np.int64))
        if self.title_features and n_title:
            for k, st, z in list(zip(keys, starts, sizes)):
                inside = (st + z) <= n_title
                keys.append(k[inside] ^ TITLE_SALT)
                starts.append(st[inside])
                sizes.append(z[inside])
        extra_keys: list[int] = []
        extra_starts: list[int] = []
        extra_sizes: list[int] = []
        subword_tokens = n if self.subwords_in_description else n_title
        if self.subwords and subword_tokens:
            self._subword_keys(doc, orths, subword_tokens, extra_keys, extra_starts)
            extra_sizes.extend([1] * len(extra_starts))
        evidence = doc.user_data.get(EVIDENCE) if self.evidence else None
        if evidence:
            cache = self._evidence_keys
            for name, i, j in evidence:
                key = cache.get(name)
                if key is None:
                    key = cache[name] = hash_string(name)
                extra_keys.append(key)
                extra_starts.append(i)
                extra_sizes.append(j - i)
        if extra_keys:
            keys.append(np.array(extra_keys, dtype=np.uint64))
            starts.append(np.array(extra_starts, dtype=np.int64))
            sizes.append(np.array(extra_sizes, dtype=np.int64))
        start = np.concatenate(starts)
        found = (np.concatenate(keys), start, start + np.concatenate(sizes))
        doc.user_data[FEATURES] = found
        return found


def _extract_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Callable]:
    extractor: FeatureExtractor = model.attrs["extractor"]
    batch_keys, batch_vals = [], []
    for doc in docs:
        keys, _, _ = extractor.occurrences(doc, model.ops)
        keys, counts = np.unique(keys, return_counts=True)
        batch_keys.append(keys)
        batch_vals.append(counts)
    lengths = model.ops.asarray([len(k) for k in batch_keys], dtype="int32")
    keys = np.concatenate(batch_keys) if batch_keys else np.zeros(0, dtype=np.uint64)
    vals = model.ops.asarray(np.concatenate(batch_vals) if batch_vals else np.zeros(0), dtype="f")

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
            "extractor": FeatureExtractor(ngram_size, title_features, subwords, evidence, subwords_in_description)
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
    per_doc = [extractor.occurrences(doc, extract.ops) for doc in docs]
    lengths = np.array([len(doc) for doc in docs], dtype=np.int64)
    width = max((len(cols) for cols in labels), default=0)
    out_shapes = [(int(n), len(cols)) for n, cols in zip(lengths, labels)]
    if not per_doc or not width:
        return [np.zeros(shape, dtype="f") for shape in out_shapes]
    keys = np.concatenate([k for k, _, _ in per_doc])
    if not len(keys):
        return [np.zeros(shape, dtype="f") for shape in out_shapes]
    ones = np.ones(len(keys), dtype="f")
    weights = np.asarray(sparse.predict((keys, ones, np.ones(len(keys), dtype="int32"))))
    weights = weights - np.asarray(sparse.predict((keys[:0], ones[:0], np.zeros(1, dtype="int32"))))[0]
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
    for j in range(width):
        col = columns[doc_of_feature[feature], j]
        wanted = col >= 0
        values = weights[feature[wanted], col[wanted]] / sizes[feature[wanted]]
        shares[:, j] = np.bincount(token[wanted], weights=values, minlength=total)
    return [shares[o : o + n, : len(cols)] for o, n, cols in zip(token_offset, lengths, labels)]
