"""A segment's postings for one field, built from its token stream with numpy (no per-token Python).

The bulk writer turns every document of a field into term ids (one per word, -1 for a word the analyzer
drops) laid end to end; this module groups them into postings sorted by term and document, with the
positions the Whoosh analyzer would have given, and counts each document's field length.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

# How an analyzer numbers the words it keeps (see `kept_positions`).
TOKEN_INDEX = "token-index"  # a kept word keeps its index among all words (a filter that only drops words)
STOP_RENUMBERED = "stop-renumbered"  # Whoosh's StopFilter(renumber=True), as the fused Arabic analyzer does


class GroupedPostings(NamedTuple):
    """Postings of the term ids present in a field, grouped by term (ids ascending), then by document."""

    term_ids: np.ndarray  # int64, the distinct term ids present, ascending
    term_starts: np.ndarray  # int64, len(term_ids) + 1: term i owns postings term_starts[i]:term_starts[i+1]
    docnums: np.ndarray  # int32, ascending within a term
    freqs: np.ndarray  # int32
    positions: np.ndarray | None  # int32, every posting's positions in order, or None when not asked for
    lengths: np.ndarray  # int32, per document: how many of its words were kept (Whoosh's field length)


class _KeptTokens(NamedTuple):
    index: np.ndarray  # int64, the kept tokens' indices
    docs: np.ndarray  # int32, their documents
    per_doc: np.ndarray  # int64, how many tokens each document keeps
    doc_starts: np.ndarray  # int64, len(docs)+1: where each document's kept tokens start among the kept


def _kept_tokens(token_terms: np.ndarray, doc_starts: np.ndarray) -> _KeptTokens:
    kept = token_terms >= 0
    cumulative = np.concatenate(([0], np.cumsum(kept, dtype=np.int64)))
    per_doc = cumulative[doc_starts[1:]] - cumulative[doc_starts[:-1]]
    docs = np.repeat(np.arange(len(per_doc), dtype=np.int32), per_doc)
    return _KeptTokens(np.flatnonzero(kept), docs, per_doc, cumulative[doc_starts])


def kept_positions(token_terms: np.ndarray, doc_starts: np.ndarray, numbering: str) -> np.ndarray:
    """The position of every kept word (in token order), as the analyzer numbers it.

    TOKEN_INDEX: its index among all the document's words. STOP_RENUMBERED: the document's first kept word
    keeps its own index and each later kept word gets the next number, so dropped words leave no gaps after
    the first kept one (what `StopFilter(renumber=True)` does).
    """
    doc_starts = np.asarray(doc_starts, dtype=np.int64)
    return _positions(_kept_tokens(np.asarray(token_terms), doc_starts), doc_starts, numbering)


def _positions(kept: _KeptTokens, doc_starts: np.ndarray, numbering: str) -> np.ndarray:
    # position = base + an offset per document
    if numbering == TOKEN_INDEX:  # index in the document = token index - document start
        base, offset = kept.index, -doc_starts[:-1]
    elif numbering == STOP_RENUMBERED:  # first kept word's own index, then one more per kept word
        base = np.arange(len(kept.index), dtype=np.int64)
        first_kept = kept.doc_starts[:-1]
        has_kept = kept.per_doc > 0
        offset = np.zeros(len(kept.per_doc), dtype=np.int64)
        offset[has_kept] = kept.index[first_kept[has_kept]] - doc_starts[:-1][has_kept] - first_kept[has_kept]
    else:
        raise ValueError(f"unknown position numbering {numbering!r}")
    return (base + offset[kept.docs]).astype(np.int32)


def group_postings(token_terms: np.ndarray, doc_starts: np.ndarray, numbering: str | None) -> GroupedPostings:
    """Group a field's tokens into postings.

    `token_terms` holds one term id per word of every document in turn (-1: not indexed); document d owns
    words `doc_starts[d]:doc_starts[d+1]`. With `numbering` (TOKEN_INDEX or STOP_RENUMBERED), positions are
    kept too; with None, only frequencies.

    Both paths sort plain int64 keys (numpy's vectorized value sort is several times faster than an argsort):
    (term, document) for frequencies, (term, token index) for positions, which keeps each term's tokens in
    document order and positions ascending.
    """
    token_terms = np.asarray(token_terms)
    doc_starts = np.asarray(doc_starts, dtype=np.int64)
    kept = _kept_tokens(token_terms, doc_starts)
    terms = token_terms[kept.index].astype(np.int64)
    count = len(terms)
    if numbering:
        positions = _positions(kept, doc_starts, numbering)
        shift = max(1, count.bit_length())
        keys = np.sort((terms << shift) | np.arange(count, dtype=np.int64))
        order = keys & ((1 << shift) - 1)
        terms, docs, positions = keys >> shift, kept.docs[order], positions[order]
        first_of_posting = np.empty(count, dtype=bool)
        first_of_posting[:1] = True
        np.not_equal(terms[1:], terms[:-1], out=first_of_posting[1:])
        first_of_posting[1:] |= docs[1:] != docs[:-1]
        posting_starts = np.flatnonzero(first_of_posting)
        posting_terms, docnums = terms[posting_starts], docs[posting_starts]
    else:
        positions = None
        documents = max(1, len(doc_starts) - 1)
        keys = terms * documents + kept.docs
        if count and (int(terms.max()) + 1) * documents <= np.iinfo(np.int32).max:
            keys = keys.astype(np.int32)  # a narrower sort is several times faster
        keys = np.sort(keys).astype(np.int64)
        first_of_posting = np.empty(count, dtype=bool)
        first_of_posting[:1] = True
        np.not_equal(keys[1:], keys[:-1], out=first_of_posting[1:])
        posting_starts = np.flatnonzero(first_of_posting)
        posting_terms, docnums = np.divmod(keys[posting_starts], documents)
    freqs = np.diff(np.append(posting_starts, count)).astype(np.int32)
    first_of_term = np.empty(len(posting_terms), dtype=bool)
    first_of_term[:1] = True
    np.not_equal(posting_terms[1:], posting_terms[:-1], out=first_of_term[1:])
    term_starts = np.append(np.flatnonzero(first_of_term), len(posting_terms)).astype(np.int64)
    return GroupedPostings(
        term_ids=posting_terms[first_of_term].astype(np.int64),
        term_starts=term_starts,
        docnums=docnums.astype(np.int32),
        freqs=freqs,
        positions=positions,
        lengths=kept.per_doc.astype(np.int32),
    )
