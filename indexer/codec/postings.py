"""One field's postings as flat arrays (`FieldPostings`), and the arrays the array codec stores for them.

The statistics are Whoosh's own (W3 term infos and 128-posting block infos), computed with numpy, so that
scoring, `doc_frequency` and block-quality skipping give the same answers as on a stock W3 segment.
"""
from __future__ import annotations

import operator
from itertools import islice
from typing import NamedTuple

import numpy as np
from whoosh.util.numeric import byte_to_length

# Postings per block, as W3's default `blocklimit`: block maxima then bound the same postings as on W3.
BLOCK_SIZE = 128
# byte code -> field length, Whoosh's `byte_to_length` table; `length_to_byte` is a left bisection into it.
CODE_LENGTHS = np.asarray([byte_to_length(code) for code in range(256)], dtype=np.int64)
# Posting kinds by what the format keeps per posting.
EXISTENCE, FREQUENCY, POSITIONS = "existence", "frequency", "positions"

I4, I8, F4, U1 = np.dtype("<i4"), np.dtype("<i8"), np.dtype("<f4"), np.dtype("u1")


class FieldPostings(NamedTuple):
    """One field of one segment, postings grouped by term.

    `terms` sorted ascending and unique; term i owns postings `term_starts[i]:term_starts[i+1]`; `docnums`
    are segment-local and ascending within a term; `weights` None means `freqs * field_boost`; `positions`
    (positional formats only) holds every posting's positions, posting after posting.
    """

    terms: list[bytes]
    term_starts: np.ndarray
    docnums: np.ndarray
    freqs: np.ndarray
    weights: np.ndarray | None = None
    positions: np.ndarray | None = None


def length_codes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's one-byte code of each field length (`whoosh.util.numeric.length_to_byte`, vectorized)."""
    codes = np.searchsorted(CODE_LENGTHS, np.asarray(lengths, dtype=np.int64), side="left")
    return np.minimum(codes, 255).astype(U1)


def boosted_weights(freqs: np.ndarray, field_boost: float) -> np.ndarray:
    """freq * field_boost rounded once to float32, as Whoosh computes it in Python and stores it."""
    if field_boost == 1.0:
        return np.asarray(freqs).astype(F4)  # exact for any count below 2**24
    return (np.asarray(freqs, dtype=np.float64) * float(field_boost)).astype(F4)


def check_postings(fieldname: str, postings: FieldPostings, kind: str) -> None:
    """Raise ValueError naming the field when `postings` breaks the FieldPostings contract."""
    problem = _first_problem(postings, kind)
    if problem:
        raise ValueError(f"field {fieldname!r}: {problem}")


def _first_problem(postings: FieldPostings, kind: str) -> str | None:
    terms, starts, docnums, freqs = postings.terms, postings.term_starts, postings.docnums, postings.freqs
    if len(starts) != len(terms) + 1 or starts[0] != 0 or starts[-1] != len(docnums):
        return "term_starts must have len(terms)+1 entries running from 0 to len(docnums)"
    if np.any(np.diff(starts) <= 0):
        return "every term needs at least one posting"
    if not all(map(operator.lt, terms, islice(terms, 1, None))):
        return "terms must be sorted and unique bytes"
    if len(freqs) != len(docnums) or (postings.weights is not None and len(postings.weights) != len(docnums)):
        return "docnums, freqs and weights must have one entry per posting"
    if len(docnums) and (docnums.min() < 0 or np.any(_within_term_steps(starts, np.asarray(docnums)) <= 0)):
        return "docnums must be non-negative and ascending within each term"
    if kind == POSITIONS and (postings.positions is None or len(postings.positions) != int(freqs.sum(dtype=I8))):
        return "a positional field needs sum(freqs) positions"
    return None


def _within_term_steps(starts: np.ndarray, docnums: np.ndarray) -> np.ndarray:
    """docnums[p+1] - docnums[p] within each term (1 where p+1 starts a term); no overflow for docnums >= 0."""
    steps = np.diff(docnums)
    steps[starts[1:-1] - 1] = 1  # the step into each later term's first posting is not a step
    return steps


def field_arrays(kind: str, postings: FieldPostings, weights: np.ndarray, codes: np.ndarray) -> dict[str, np.ndarray]:
    """Every array the codec stores for one field: terms, postings, term stats and block stats.

    `weights` are the final float32 posting weights; `codes` the length code of each posting's document.
    """
    starts = np.asarray(postings.term_starts, dtype=I8)
    docnums = np.asarray(postings.docnums, dtype=I4)
    freqs = np.asarray(postings.freqs, dtype=I4)
    term_lengths = np.fromiter(map(len, postings.terms), dtype=I8, count=len(postings.terms))
    arrays = {
        "term_bytes": np.frombuffer(b"".join(postings.terms), dtype=U1),
        "term_offsets": np.concatenate(([0], np.cumsum(term_lengths))).astype(I8),
        "term_starts": starts,
        "docnums": docnums,
        "freqs": freqs,
        "weights": weights.astype(F4, copy=False),
    }
    total, top, shortest, longest = _segment_stats(starts[:-1], weights, codes, with_total=True)
    arrays.update(term_weight=total, term_max_weight=top, term_min_length=shortest, term_max_length=longest)
    block_counts = -(-np.diff(starts) // BLOCK_SIZE)
    block_term_starts = np.concatenate(([0], np.cumsum(block_counts))).astype(I8)
    block_index = np.arange(block_term_starts[-1], dtype=I8) - np.repeat(block_term_starts[:-1], block_counts)
    block_starts = np.repeat(starts[:-1], block_counts) + block_index * BLOCK_SIZE
    _, top, shortest, longest = _segment_stats(block_starts, weights, codes, with_total=False)
    arrays.update(block_term_starts=block_term_starts, block_max_weight=top, block_min_length=shortest,
                  block_max_length=longest)
    if kind == POSITIONS:
        term_positions = np.add.reduceat(freqs, starts[:-1], dtype=I8) if len(starts) > 1 else np.zeros(0, I8)
        arrays["position_term_starts"] = np.concatenate(([0], np.cumsum(term_positions))).astype(I8)
        arrays["positions"] = np.asarray(postings.positions, dtype=I4)
    return arrays


def _segment_stats(seg_starts: np.ndarray, weights: np.ndarray, codes: np.ndarray, with_total: bool):
    """Per run of postings starting at `seg_starts` (each non-empty): total weight, max weight, shortest
    and longest length code, as W3 accumulates them (a zero code is a document without a length)."""
    if len(seg_starts) == 0:
        return np.zeros(0, F4), np.zeros(0, F4), np.zeros(0, U1), np.zeros(0, U1)
    # float32 weights summed in float64 are exact for any realistic count, so the order W3 adds them in
    # (posting by posting) cannot change the float32 result
    total = np.add.reduceat(weights, seg_starts, dtype=np.float64).astype(F4) if with_total else None
    top = np.maximum(np.maximum.reduceat(weights, seg_starts), 0).astype(F4)
    # codes - 1 in uint8 wraps 0 (no length) to 255, above every real code - 1; + 1 wraps an all-255 run back to 0
    shortest = (np.minimum.reduceat(codes - np.uint8(1), seg_starts) + np.uint8(1)).astype(U1)
    longest = np.maximum.reduceat(codes, seg_starts).astype(U1)
    return total, top, shortest, longest
