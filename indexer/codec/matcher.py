"""`ArrayMatcher`: a Whoosh leaf matcher over one term's posting arrays, with the arrays themselves on offer.

Whoosh's searchers walk it posting by posting like a W3 matcher (same 128-posting blocks and block
statistics, so block-quality skipping behaves the same); vectorized callers take `posting_arrays()` and
`position_arrays()` instead and never touch the per-posting methods.
"""
from __future__ import annotations

import numpy as np
from whoosh.matching import LeafMatcher, ReadTooFar
from whoosh.system import pack_uint

from indexer.codec.postings import BLOCK_SIZE, CODE_LENGTHS, EXISTENCE, FREQUENCY, POSITIONS


class TermArrays:
    """One term's slices of its field's arrays (shared by a matcher and its copies)."""

    __slots__ = ("kind", "docnums", "weights", "freqs", "positions", "block_max_weight", "block_min_length",
                 "block_max_length", "_position_starts")

    def __init__(self, kind, docnums, weights, freqs, positions, block_max_weight, block_min_length,
                 block_max_length) -> None:
        self.kind = kind
        self.docnums = docnums
        self.weights = weights
        self.freqs = freqs
        self.positions = positions
        self.block_max_weight = block_max_weight
        self.block_min_length = block_min_length
        self.block_max_length = block_max_length
        self._position_starts = None

    def position_starts(self) -> np.ndarray:
        """Offsets of each posting's positions in `positions` (len df+1), computed once per term."""
        if self._position_starts is None:
            starts = np.zeros(len(self.freqs) + 1, dtype=np.int64)
            np.cumsum(self.freqs.astype(np.int64), out=starts[1:])
            starts.flags.writeable = False  # shared by every matcher of the term, like the mapped arrays
            self._position_starts = starts
        return self._position_starts


class ArrayMatcher(LeafMatcher):
    """Matcher over one term of one segment. Deletions are not applied here (Whoosh wraps the matcher of a
    segment with deletions in a FilterMatcher; its `.child` is this matcher)."""

    def __init__(self, arrays: TermArrays, format_, term=None, scorer=None, position=0) -> None:
        self._arrays = arrays
        self.format = format_
        self._term = term
        self.scorer = scorer
        self._count = len(arrays.docnums)
        self._go(position)

    # -- the arrays themselves ------------------------------------------------------------------------

    def posting_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(docnums int32, weights float32) of the whole term, read-only views; deletions not applied."""
        return self._arrays.docnums, self._arrays.weights

    def position_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(starts int64 of len df+1, positions int32): posting p's positions are
        positions[starts[p]:starts[p+1]]. Raises ValueError for a field without positions."""
        if self._arrays.kind != POSITIONS:
            raise ValueError(f"term {self._term!r} has no positions ({self._arrays.kind} postings)")
        return self._arrays.position_starts(), self._arrays.positions

    # -- posting by posting, as W3LeafMatcher -----------------------------------------------------------

    def _go(self, posting: int) -> None:
        """Move to `posting` (an index into the term's postings; the count means the end)."""
        # the end stays in the last block, whose statistics W3 still reports there
        self._block = min(posting, max(self._count - 1, 0)) // BLOCK_SIZE
        self._base = self._block * BLOCK_SIZE
        self._block_end = min(self._base + BLOCK_SIZE, self._count)
        self._i = posting - self._base
        self._ids = None
        self._weights = None

    def is_active(self) -> bool:
        return self._base + self._i < self._block_end

    def reset(self) -> None:
        self._go(0)

    def copy(self):
        return ArrayMatcher(self._arrays, self.format, self._term, self.scorer, position=self._base + self._i)

    def id(self) -> int:
        ids = self._ids
        if ids is None:
            ids = self._ids = self._arrays.docnums[self._base:self._block_end].tolist()
        return ids[self._i]

    def weight(self) -> float:
        weights = self._weights
        if weights is None:
            weights = self._weights = self._arrays.weights[self._base:self._block_end].tolist()
        return weights[self._i]

    def all_ids(self):
        ids = self._arrays.docnums[self._base + self._i:].tolist()
        self._go(self._count)
        return iter(ids)

    def next(self) -> bool:
        """Move to the next posting; True when that moved into another block (as W3LeafMatcher.next)."""
        if not self.is_active():
            raise ReadTooFar
        self._i += 1
        if self._base + self._i == self._block_end:
            self._go(self._block_end)
            return True
        return False

    def skip_to(self, targetid) -> None:
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        self._go(int(np.searchsorted(self._arrays.docnums, targetid, side="left")))

    def skip_to_quality(self, minquality) -> int:
        block_quality = self.block_quality
        if block_quality() > minquality:
            return 0
        skipped = 0
        while self.is_active() and block_quality() <= minquality:
            self._go(self._block_end)
            skipped += 1
        return skipped

    def _posting(self) -> int:
        return self._base + self._i

    def frequency(self) -> int:
        return 1 if self._arrays.kind == EXISTENCE else int(self._arrays.freqs[self._posting()])

    def positions(self) -> list[int]:
        starts = self._arrays.position_starts()
        p = self._posting()
        return self._arrays.positions[starts[p]:starts[p + 1]].tolist()

    def value(self):
        """The posting's value bytes exactly as W3 stores them (None for Existence)."""
        kind = self._arrays.kind
        if kind == EXISTENCE:
            return None
        if kind == FREQUENCY:
            return pack_uint(self.frequency())
        return self.format.encode(self.positions())

    def value_as(self, astype):
        fast = _FAST_DECODERS.get((self._arrays.kind, astype))
        if fast is not None:
            return fast(self)
        return self.format.decoder(astype)(self.value())

    # -- block statistics (block = 128 postings of the term, as W3 writes them) -------------------------

    def block_min_id(self) -> int:
        return int(self._arrays.docnums[self._base])

    def block_max_id(self) -> int:
        return int(self._arrays.docnums[self._block_end - 1])

    def block_min_length(self) -> int:
        return int(CODE_LENGTHS[self._arrays.block_min_length[self._block]])

    def block_max_length(self) -> int:
        return int(CODE_LENGTHS[self._arrays.block_max_length[self._block]])

    def block_max_weight(self) -> float:
        return float(self._arrays.block_max_weight[self._block])


# (posting kind, astype) -> decoder reading the arrays instead of encoding and decoding value bytes
_FAST_DECODERS = {
    (EXISTENCE, "frequency"): ArrayMatcher.frequency,
    (FREQUENCY, "frequency"): ArrayMatcher.frequency,
    (POSITIONS, "frequency"): ArrayMatcher.frequency,
    (POSITIONS, "positions"): ArrayMatcher.positions,
}
