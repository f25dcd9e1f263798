"""Word positions of candidate documents, read from Whoosh, to tell which hold a quoted phrase exactly.

Only the best candidates are checked, so an optional phrase costs a few posting lookups, not a full
phrase query over the collection. Each term's occurrences in the candidates become (candidate, position)
keys shifted by the term's place in the phrase; a candidate holds the phrase where one key is shared by
every term, which numpy finds by intersecting the key arrays.
"""
from __future__ import annotations

import numpy as np

from indexer.query.segment_postings import positions_of, segment_matcher

_STRIDE = np.int64(1) << 32  # keys are candidate * _STRIDE + shifted position; positions stay below 2**31


def term_occurrences(reader, field: str, term: str, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index into the sorted `docnums`, position) of every occurrence of `term` in `field` in those documents.

    Nothing is found in a field indexed without positions.
    """
    which_parts, position_parts = [], []
    for leaf, offset in reader.leaf_readers():
        lo, hi = np.searchsorted(docnums, [offset, offset + leaf.doc_count_all()])
        if lo == hi:
            continue
        matcher = segment_matcher(leaf, field, term)
        if matcher is None:
            continue
        if not matcher.supports("positions"):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
        which, positions = positions_of(matcher, docnums[lo:hi] - offset)
        which_parts.append(which + lo)
        position_parts.append(positions)
    if not which_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return np.concatenate(which_parts), np.concatenate(position_parts)


def phrase_hits(reader, field: str, terms: list[str], docnums: np.ndarray) -> np.ndarray:
    """For each of `docnums`, whether `terms` occur at consecutive positions of `field`."""
    hits = np.zeros(len(docnums), dtype=bool)
    if not terms or not len(docnums):
        return hits
    order = np.argsort(docnums, kind="stable")
    sorted_docs = np.asarray(docnums)[order]
    occurrences = {term: term_occurrences(reader, field, term, sorted_docs) for term in dict.fromkeys(terms)}
    shared = None
    for place, term in enumerate(terms):
        which, positions = occurrences[term]
        # the position the phrase would start at, kept positive (positions are never negative)
        keys = which.astype(np.int64) * _STRIDE + (positions.astype(np.int64) - place + len(terms))
        shared = np.unique(keys) if shared is None else np.intersect1d(shared, keys, assume_unique=False)
        if not len(shared):
            return hits
    hits[order[np.unique(shared // _STRIDE)]] = True
    return hits
