"""Related articles (more like this): the document's most distinctive terms, ranked as a query.

The terms are the document's stemmed title and body words weighted by tf·idf, so a story about a
postponed ministerial visit finds other stories about that visit rather than other stories that merely
share common words. Scoring reuses the production ranking, so "related" agrees with search.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from indexer.query.ranking import score_terms
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.scoring import TEXT_FIELDS

KEY_TERMS = 20
MAX_ANALYZED_CHARS = 20_000
MIN_TERM_CHARS = 2


def key_terms(view: ReaderArrays, analyzer, title: str, body: str, count: int = KEY_TERMS) -> Counter:
    """The `count` terms of a document with the highest tf·idf, as query-term counts of 1."""
    text = f"{title}\n{body[:MAX_ANALYZED_CHARS]}"
    tf = Counter(t.text for t in analyzer(text, mode="index") if len(t.text) >= MIN_TERM_CHARS)
    weights = {}
    for term, freq in tf.items():
        df = max(view.reader.doc_frequency(name, term) for name in TEXT_FIELDS)
        if df <= 1:  # a word no other document has cannot relate documents
            continue
        weights[term] = (1 + math.log(freq)) * math.log(view.doc_count / df)
    best = sorted(weights, key=lambda term: (-weights[term], term))[:count]
    return Counter(best)


def related_docnums(searcher, view: ReaderArrays, docnum: int, limit: int = 5) -> list[tuple[int, float]]:
    """Up to `limit` (docnum, score) pairs of other documents most like `docnum`, best first."""
    stored = searcher.stored_fields(docnum)
    analyzer = searcher.schema["body"].analyzer
    terms = key_terms(view, analyzer, stored.get("title", ""), stored.get("body", ""))
    if not terms:
        return []
    scores = score_terms(view, terms, Counter())
    scores[docnum] = 0.0
    scores[~view.live] = 0.0
    candidates = np.flatnonzero(scores > 0)
    top = candidates[np.lexsort((candidates, -scores[candidates]))][:limit]
    return [(int(d), float(scores[d])) for d in top]
