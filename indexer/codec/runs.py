"""Index arithmetic over runs of a flat array, the one numpy step both building and reading postings need.

Postings keep variable-length runs end to end (a posting's positions, a chunk's words, a term's postings);
gathering many runs at once without a Python loop is always the same repeat-plus-arange.
"""
from __future__ import annotations

import numpy as np


def span_indices(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices start, start+1, ..., start+length-1 of every span, spans one after another (int64)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return (np.repeat(np.asarray(starts, dtype=np.int64) - offsets, lengths)
            + np.arange(int(lengths.sum()), dtype=np.int64))
