"""One segment's postings of one term as numpy arrays: the array codec's own views, or any codec's matcher walked.

Segments written by `ArrayCodec` hand their posting and position arrays over zero-copy
(`posting_arrays()`, `position_arrays()`); segments of other codecs (W3, the stock Whoosh format) are read
through Whoosh's public matcher API, one posting at a time. Deletions are never applied here: callers keep
their own live-document mask, so Whoosh's deletion filter is unwrapped.
"""
from __future__ import annotations

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from indexer.codec.runs import span_indices
from indexer.whoosh_private import segment_terms_reader

EMPTY_DOCNUMS = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
EMPTY_POSITIONS = np.zeros(0, dtype=np.int32)


def segment_matcher(leaf, field: str, term: str):
    """The leaf reader's matcher for `term` in `field`, without Whoosh's deletion filter; None when absent."""
    try:
        matcher = leaf.postings(field, term)
    except Exception:  # noqa: BLE001 - TermNotFound, or a term Whoosh cannot read: either way it does not match
        return None
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher


def segment_posting_arrays(leaf, field: str, term: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """`posting_arrays` of the segment's matcher for `term` (`tbytes` as the field encodes it), None when absent.

    An array-codec segment answers from its terms reader without a matcher: ranking reads every query term
    from every segment, and building Whoosh's matcher cost more than the lookup itself."""
    direct = getattr(segment_terms_reader(leaf), "posting_arrays", None)
    if direct is not None:
        return direct(field, tbytes)
    matcher = segment_matcher(leaf, field, term)
    return None if matcher is None else posting_arrays(matcher)


def has_arrays(matcher) -> bool:
    """True for the array codec's matcher, whose postings are arrays already."""
    return hasattr(matcher, "posting_arrays")


def posting_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(segment-local docnums int32, weights float32) of the whole term, deletions not applied."""
    if has_arrays(matcher):
        return matcher.posting_arrays()
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    if not ids:
        return EMPTY_DOCNUMS, EMPTY_WEIGHTS
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


def positions_of(matcher, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the sorted segment-local docnums `wanted`: (index into `wanted`, position) of every occurrence.

    The array codec answers with two searchsorted calls and a gather; other codecs skip posting to posting.
    """
    if has_arrays(matcher):
        docnums, _ = matcher.posting_arrays()
        starts, positions = matcher.position_arrays()
        slots = np.searchsorted(docnums, wanted)
        found = slots < len(docnums)
        found[found] = docnums[slots[found]] == wanted[found]
        which, slots = np.flatnonzero(found), slots[found]
        lows, counts = starts[slots], starts[slots + 1] - starts[slots]
        return np.repeat(which, counts), positions[span_indices(lows, counts)]
    which, found = [], []
    for index, docnum in enumerate(wanted.tolist()):
        if not matcher.is_active():
            break
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            positions = matcher.value_as("positions")
            which.extend([index] * len(positions))
            found.extend(positions)
    return np.asarray(which, dtype=np.int64), np.asarray(found, dtype=np.int32)
