"""Numbering the whitespace chunks of many texts at once with numpy: what `str.split()` cuts, one id per distinct chunk.

A dict lookup per chunk (a hash of a fresh string, cache misses on a table of ~300k chunks) is too slow for
a bulk build, so a batch of texts is joined, turned into code points, cut at whitespace and hashed per chunk with numpy; the batch's distinct hashes are looked up in a
sorted array (cache-friendly, as the queries are sorted too). Hashes only find candidates: every chunk is then
compared code point by code point with the chunk its id stands for, and a chunk whose hash collides with
another chunk's is numbered through a plain dict instead. So ids are exact, whatever the hash.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence

import numpy as np

from indexer.codec.runs import span_indices

# `str.split()` cuts at `str.isspace()` characters; none lies above U+3000 (a test checks every code point).
_LAST_SPACE = 0x3000
_IS_SPACE = np.array([chr(code).isspace() for code in range(_LAST_SPACE + 1)] + [False], dtype=bool)
_HASH_BASE = 0x9E3779B97F4A7C15  # odd 64-bit multiplier; any value gives exact ids (see the module docstring)


class ChunkNumbers:
    """Chunk as written -> chunk id, many texts at a time.

    Chunks not seen before are learned with `learn(chunks) -> first id`, which numbers the chunks it is given
    consecutively from that id.
    """

    def __init__(self, learn: Callable[[list[str]], int], hash_base: int = _HASH_BASE) -> None:
        self._learn = learn
        self._base = np.uint64(hash_base % (1 << 64))
        self._powers = np.ones(1, dtype=np.uint64)  # base ** i, i < longest chunk so far
        self._hashes = np.zeros(0, dtype=np.uint64)  # sorted hashes of the chunks numbered through them
        self._hash_ids = np.zeros(0, dtype=np.int32)  # their chunk ids, in the same order
        self._code_points = array("I")  # every hash-numbered chunk's code points, chunk after chunk
        self._starts = array("q")  # per chunk id: where its code points start (-1: numbered by `_collided`)
        self._lengths = array("q")  # per chunk id: how many code points it has
        self._collided: dict[str, int] = {}  # chunks whose hash belongs to another chunk

    def number(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(the ids of every text's chunks, text after text, as int32; each text's chunk count)."""
        text = " ".join(texts)  # a space between texts: no chunk spans two
        code_points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        space = _IS_SPACE[np.minimum(code_points, _LAST_SPACE + 1)]
        edges = np.flatnonzero(np.diff(space.view(np.int8), prepend=np.int8(1), append=np.int8(1)))
        starts, ends = edges[0::2], edges[1::2]
        text_starts = np.cumsum([0] + [len(item) + 1 for item in texts[:-1]], dtype=np.int64)
        counts = np.bincount(np.searchsorted(text_starts, starts, side="right") - 1, minlength=len(texts))
        if not len(starts):
            return np.zeros(0, dtype=np.int32), counts
        lengths = ends - starts
        offsets = np.cumsum(lengths) - lengths  # where each chunk's code points start in `chars`
        chars = code_points[~space]
        hashes = self._hash(chars, offsets, lengths)
        distinct, inverse = np.unique(hashes, return_inverse=True)
        inverse = inverse.ravel()
        ids = self._distinct_ids(text, distinct, inverse, starts, ends, chars, offsets, lengths)[inverse]
        self._check(ids, text, starts, ends, chars, offsets, lengths)
        return ids, counts

    def _hash(self, chars: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Per chunk: sum of code point * base ** (index in the chunk), mod 2**64, mixed with its length."""
        longest = int(lengths.max())
        if len(self._powers) < longest:
            powers = np.full(max(longest, 2 * len(self._powers)), self._base, dtype=np.uint64)
            powers[0] = 1
            self._powers = np.cumprod(powers, dtype=np.uint64)
        exponents = np.arange(len(chars), dtype=np.int64) - np.repeat(offsets, lengths)
        terms = chars.astype(np.uint64) * self._powers[exponents]
        return np.add.reduceat(terms, offsets) * self._base + lengths.astype(np.uint64)

    def _distinct_ids(self, text, distinct, inverse, starts, ends, chars, offsets, lengths) -> np.ndarray:
        """The chunk id of each distinct hash; a hash not seen before learns its first chunk."""
        known = self._hashes
        where = np.searchsorted(known, distinct)
        found = where < len(known)
        found[found] = known[where[found]] == distinct[found]
        ids = np.empty(len(distinct), dtype=np.int32)
        ids[found] = self._hash_ids[where[found]]
        new = np.flatnonzero(~found)
        if not len(new):
            return ids
        # one chunk of each distinct hash, in practice its first (the last write of a repeated index wins); which
        # one does not matter, as `_check` renumbers any chunk that differs from its id's
        chunk_of = np.empty(len(distinct), dtype=np.int64)
        chunk_of[inverse[::-1]] = np.arange(len(inverse) - 1, -1, -1, dtype=np.int64)
        in_order = new[np.argsort(chunk_of[new], kind="stable")]  # learned in order of appearance: frequent
        chunks = chunk_of[in_order]  # chunks get small ids, which keeps the flush's gathers cache-friendly
        first = self._learn(list(map(text.__getitem__, map(slice, starts[chunks].tolist(), ends[chunks].tolist()))))
        ids[in_order] = np.arange(first, first + len(chunks), dtype=np.int32)
        self._remember(ids[in_order], chars[span_indices(offsets[chunks], lengths[chunks])], lengths[chunks])
        self._hashes = np.insert(known, where[new], distinct[new])  # `new` is in hash order, as `known` is
        self._hash_ids = np.insert(self._hash_ids, where[new], ids[new])
        return ids

    def _remember(self, ids: np.ndarray, chars: np.ndarray, lengths: np.ndarray) -> None:
        """Record the code points of chunks just numbered."""
        self._grow(int(ids.max()) + 1)
        starts = len(self._code_points) + np.cumsum(lengths) - lengths
        self._code_points.frombytes(chars.astype("<u4").tobytes())
        np.frombuffer(self._starts, dtype=np.int64)[ids] = starts
        np.frombuffer(self._lengths, dtype=np.int64)[ids] = lengths

    def _grow(self, size: int) -> None:
        missing = size - len(self._starts)
        if missing > 0:
            self._starts.extend([-1] * missing)
            self._lengths.extend([0] * missing)

    def _check(self, ids, text, starts, ends, chars, offsets, lengths) -> None:
        """Compare every chunk with the chunk its id stands for; renumber those that differ (hash collisions)."""
        id_starts = np.frombuffer(self._starts, dtype=np.int64)[ids]
        same = (np.frombuffer(self._lengths, dtype=np.int64)[ids] == lengths) & (id_starts >= 0)
        checked = np.flatnonzero(same)
        stored = np.frombuffer(self._code_points, dtype="<u4")
        written = chars if len(checked) == len(ids) else chars[span_indices(offsets[checked], lengths[checked])]
        differs = stored[span_indices(id_starts[checked], lengths[checked])] != written
        del stored, id_starts
        if differs.any():
            within = np.cumsum(lengths[checked]) - lengths[checked]
            same[checked[np.logical_or.reduceat(differs, within)]] = False
        for index in np.flatnonzero(~same).tolist():
            ids[index] = self._collision_id(text[starts[index]:ends[index]])

    def _collision_id(self, chunk: str) -> int:
        chunk_id = self._collided.get(chunk)
        if chunk_id is None:
            chunk_id = self._collided[chunk] = self._learn([chunk])
            self._grow(chunk_id + 1)
        return chunk_id
