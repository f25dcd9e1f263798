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


def field_lengths(token_terms: np.ndarray, doc_starts: np.ndarray) -> np.ndarray:
    """Per document, how many of its words the analyzer kept (Whoosh's field length)."""
    docs = len(doc_starts) - 1
    kept = token_terms >= 0
    return np.bincount(_token_docs(doc_starts)[kept], minlength=docs).astype(np.int32)


def kept_positions(token_terms: np.ndarray, doc_starts: np.ndarray, numbering: str) -> np.ndarray:
    """The position of every kept word (in token order), as the analyzer numbers it.

    TOKEN_INDEX: its index among all the document's words. STOP_RENUMBERED: the document's first kept word
    keeps its own index and each later kept word gets the next number, so dropped words leave no gaps after
    the first kept one (what `StopFilter(renumber=True)` does).
    """
    token_docs = _token_docs(doc_starts)
    kept = np.flatnonzero(token_terms >= 0)
    docs = token_docs[kept]
    raw = kept - doc_starts[docs]
    if numbering == TOKEN_INDEX:
        return raw.astype(np.int32)
    if numbering != STOP_RENUMBERED:
        raise ValueError(f"unknown position numbering {numbering!r}")
    kept_per_doc = np.bincount(docs, minlength=len(doc_starts) - 1)
    kept_starts = np.concatenate(([0], np.cumsum(kept_per_doc)))
    rank = np.arange(len(kept)) - kept_starts[docs]
    first = np.zeros(len(doc_starts) - 1, dtype=np.int64)
    leaders = rank == 0
    first[docs[leaders]] = raw[leaders]
    return (first[docs] + rank).astype(np.int32)


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
    kept = np.flatnonzero(token_terms >= 0)
    terms = token_terms[kept].astype(np.int64)
    docs = _token_docs(doc_starts)[kept]
    if numbering:
        positions = kept_positions(token_terms, doc_starts, numbering)
        shift = max(1, len(kept).bit_length())
        keys = np.sort((terms << shift) | np.arange(len(kept), dtype=np.int64))
        order = keys & ((1 << shift) - 1)
        terms, docs, positions = keys >> shift, docs[order], positions[order]
        first_of_posting = np.empty(len(keys), dtype=bool)
        first_of_posting[:1] = True
        np.not_equal(terms[1:], terms[:-1], out=first_of_posting[1:])
        first_of_posting[1:] |= docs[1:] != docs[:-1]
        posting_starts = np.flatnonzero(first_of_posting)
        posting_terms, docnums = terms[posting_starts], docs[posting_starts]
    else:
        positions = None
        documents = max(1, len(doc_starts) - 1)
        keys = np.sort(terms * documents + docs)
        posting_starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else kept
        posting_terms, docnums = np.divmod(keys[posting_starts], documents)
    freqs = np.diff(np.append(posting_starts, len(kept))).astype(np.int32)
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
    )


def _token_docs(doc_starts: np.ndarray) -> np.ndarray:
    """The document number of every token."""
    return np.repeat(np.arange(len(doc_starts) - 1, dtype=np.int32), np.diff(doc_starts))
