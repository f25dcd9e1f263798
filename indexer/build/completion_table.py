"""A segment's side table for search as you type: how its words are written, and which word pairs are common.

The index keeps only normalized terms (اسرائيل), but completions are shown as people write them (إسرائيل), and
phrase completions (وزير الخارجية) need word pairs, which the unpositioned `exact` field cannot give. Both come
from the `exact` field's token stream at flush, with numpy (no Python per token), and are written beside the
segment (`indexer.storage.completion_files`); the query side (`indexer.query.completion_index`) reads every
such file of a generation and merges them.
"""
from __future__ import annotations

import numpy as np

from indexer.storage.completion_files import FORMS_KEPT, MIN_PAIR_COUNT


def segment_table(words: np.ndarray, word_terms: np.ndarray, doc_starts: np.ndarray,
                  written: list[str], terms: list[str]) -> dict:
    """The side table of one segment's `exact` field.

    `words`: the word id (as written) of every token, document after document; `word_terms`: the term id of
    each word id (-1: not indexed); `doc_starts`: where each document's tokens start, with the end last;
    `written`: the words by id; `terms`: the terms by id. Returns `{"forms": {term: [[form, count], ...]},
    "pairs": [[term, next term, count], ...]}`, forms only for terms written otherwise at least once.
    """
    return {"forms": _forms(words, word_terms, written, terms),
            "pairs": _pairs(word_terms[words], doc_starts, terms)}


def _forms(words: np.ndarray, word_terms: np.ndarray, written: list[str], terms: list[str]) -> dict:
    counts = np.bincount(words, minlength=len(written))
    seen = np.flatnonzero((counts > 0) & (word_terms[: len(written)] >= 0))
    term_of = word_terms[seen].tolist()
    differs = {term for word, term in zip(seen.tolist(), term_of) if written[word] != terms[term]}
    if not differs:
        return {}
    variants: dict[int, list[list]] = {}
    for word, term in zip(seen.tolist(), term_of):
        if term in differs:
            variants.setdefault(term, []).append([written[word], int(counts[word])])
    return {terms[term]: sorted(forms, key=lambda item: (-item[1], item[0]))[:FORMS_KEPT]
            for term, forms in variants.items()}


def _pairs(token_terms: np.ndarray, doc_starts: np.ndarray, terms: list[str]) -> list[list]:
    """Adjacent indexed terms within a document (a word that is not indexed is skipped, as the analyzer does)."""
    docs = np.repeat(np.arange(len(doc_starts) - 1, dtype=np.int64), np.diff(doc_starts))
    kept = token_terms >= 0
    token_terms, docs = token_terms[kept].astype(np.int64), docs[kept]
    if len(token_terms) < 2:
        return []
    same_doc = docs[1:] == docs[:-1]
    keys = token_terms[:-1][same_doc] * len(terms) + token_terms[1:][same_doc]
    unique, counts = np.unique(keys, return_counts=True)
    common = counts >= MIN_PAIR_COUNT
    firsts, seconds = np.divmod(unique[common], len(terms))
    return [[terms[a], terms[b], n] for a, b, n in zip(firsts.tolist(), seconds.tolist(), counts[common].tolist())]
