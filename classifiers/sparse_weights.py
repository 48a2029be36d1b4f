"""One class weight per feature key, read straight from thinc's sparse linear layer.

Explaining a verdict needs, for every feature of a flagged listing, its weight for
the one or two categories of the verdict. Asking the layer to predict each key
alone gives all nine classes: thinc keeps the weights class after class
(``W[class * length + slot]``), so that is 18 scattered reads per key, most of
them wasted, and it was a large share of classifying. This module finds the two
slots of a key as thinc does (MurmurHash3 of the key, seeds 0 and 1, modulo the
table length) and reads only the classes wanted, adding in thinc's order and in
float32, so every weight is bit-identical to ``predict(key alone) - bias``.
"""

from __future__ import annotations

import numpy as np
from thinc.api import Model

_U32 = np.uint32


def murmur(keys: np.ndarray, seed: int) -> np.ndarray:
    """thinc's ``MurmurHash3_x86_32_uint64`` (``thinc/layers/sparselinear.pyx``) of every key."""
    c1, c2 = _U32(0xCC9E2D51), _U32(0x1B873593)
    h1 = np.full(len(keys), seed, dtype=_U32)
    with np.errstate(over="ignore"):
        for part in ((keys & np.uint64(0xFFFFFFFF)).astype(_U32), (keys >> np.uint64(32)).astype(_U32)):
            k1 = part * c1
            k1 = (k1 << _U32(15)) | (k1 >> _U32(17))
            k1 *= c2
            h1 ^= k1
            h1 = (h1 << _U32(13)) | (h1 >> _U32(19))
            h1 = h1 * _U32(5) + _U32(0xE6546B64)
        h1 ^= _U32(8)
        h1 ^= h1 >> _U32(16)
        h1 *= _U32(0x85EBCA6B)
        h1 ^= h1 >> _U32(13)
        h1 *= _U32(0xC2B2AE35)
        h1 ^= h1 >> _U32(16)
    return h1


class KeyWeights:
    """The weights of a batch's feature keys in a ``SparseLinear.v2`` layer, class by class."""

    def __init__(self, layer: Model, keys: np.ndarray) -> None:
        self.layer = layer
        self.keys = np.asarray(keys, dtype=np.uint64)
        self._direct = not layer.attrs.get("v1_indexing", False)
        if self._direct:
            length = layer.get_dim("length")
            self._weights = np.asarray(layer.get_param("W"))
            self._bias = np.asarray(layer.get_param("b"))
            self._slots = [(murmur(self.keys, seed) % _U32(length)).astype(np.int64) for seed in (0, 1)]
            self._length = length
        else:  # the old indexing: ask the layer for every class
            ones = np.ones(len(self.keys), dtype="f")
            alone = np.asarray(layer.predict((self.keys, ones, np.ones(len(self.keys), dtype="int32"))))
            empty = np.asarray(layer.predict((self.keys[:0], ones[:0], np.zeros(1, dtype="int32"))))
            self._all = alone - empty[0]

    def column(self, classes: np.ndarray, which: np.ndarray) -> np.ndarray:
        """float32: the weight of key ``which[i]`` for class ``classes[i]``."""
        classes = np.asarray(classes, dtype=np.int64)
        if not self._direct:
            return self._all[which, classes]  # type: ignore[no-any-return]
        base = classes * self._length
        bias = self._bias[classes]
        first, second = self._slots
        # as thinc's predict of the key alone (bias + slot 1 + slot 2), then minus the bias
        out: np.ndarray = ((bias + self._weights[base + first[which]]) + self._weights[base + second[which]]) - bias
        return out
