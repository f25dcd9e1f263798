"""The search core behind the web page, the API and the CLI: request in, JSON-ready dict out (no Flask here).

`search` returns the documented response shape; `get_document` returns one article with related ones;
`rank_ids` is the same ranking reduced to ids, for the eval command.
"""
from __future__ import annotations

import time
from datetime import datetime

import numpy as np
from whoosh.util.times import datetime_to_long

from indexer.query.reader_arrays import corpus_view
from indexer.query.highlight import WordTerms, highlight_body, highlight_title
from indexer.query.ranking import Filters, prepare_ranking, rank
from indexer.query.related import related_docnums
from indexer.query.request import SearchRequest
from indexer.storage.schema import EXACT_FIELD, FACET_FIELDS
from indexer.query.suggest import KNOWN_WORD_DF, suggest

SUGGEST_BELOW = 5  # below this many hits, rare words are also offered a "هل تقصد" correction
RELATED_COUNT = 5


def search(searcher, request: SearchRequest) -> dict:
    """One page of ranked, highlighted hits with facet counts and an optional spelling suggestion."""
    started = time.perf_counter()
    ranking = rank(searcher, request.q, _filters(request), request.sort, request.offset, request.per_page)
    view = corpus_view(searcher.reader())
    words = _highlight_words(searcher, view)
    hits = []
    for docnum, score in zip(ranking.docnums, ranking.scores):
        stored = searcher.stored_fields(docnum)
        hits.append(
            {
                **_summary(stored),
                "score": round(score, 4),
                "highlights": {
                    "title": highlight_title(stored.get("title", ""), words, ranking.terms),
                    "body": highlight_body(stored.get("body", ""), words, ranking.terms),
                },
            }
        )
    suggestion = None
    if request.q and EXACT_FIELD in searcher.schema:
        # with few hits, rare words are suspects too; with many, only words the index never saw
        known_df = KNOWN_WORD_DF if ranking.total < SUGGEST_BELOW else 1
        suggestion = suggest(searcher.reader(), searcher.schema[EXACT_FIELD].analyzer, request.q, known_df)
    return {
        "query": request.q,
        "total": ranking.total,
        "page": request.page,
        "per_page": request.per_page,
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "hits": hits,
        "facets": facet_counts(searcher, ranking.matched),
        "suggestion": suggestion,
    }


def prepare_searcher(searcher) -> None:
    """Build, for a newly opened searcher, what every query needs: norms, term tables, facets, dates, memos."""
    view = corpus_view(searcher.reader())
    prepare_ranking(view)
    for name in FACET_FIELDS:
        view.keyword_masks(name)
    view.published()
    _highlight_words(searcher, view)


def _highlight_words(searcher, view) -> WordTerms:
    return view.shared("highlight", lambda: WordTerms(searcher.schema["body"].analyzer))


def get_document(searcher, doc_id: str) -> dict | None:
    """The stored fields of one article plus `related` articles, or None for an unknown id."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None or searcher.reader().is_deleted(docnum):
        return None
    stored = searcher.stored_fields(docnum)
    related = [
        {**_summary(searcher.stored_fields(other)), "score": round(score, 4)}
        for other, score in related_docnums(searcher, docnum, RELATED_COUNT)
    ]
    return {**_summary(stored), "body": stored.get("body", ""), "author": stored.get("author", ""),
            "related": related}


def rank_ids(searcher, text: str, depth: int) -> list[str]:
    """The ids of the top `depth` documents for `text`, by the production ranking (used by eval)."""
    ranking = rank(searcher, text, limit=depth)
    view = corpus_view(searcher.reader())
    return [view.doc_id(docnum) for docnum in ranking.docnums]


def facet_counts(searcher, matched: np.ndarray) -> dict[str, dict[str, int]]:
    """Per source and per category, how many matching documents have it (most frequent first)."""
    view = corpus_view(searcher.reader())
    facets = {}
    for name in FACET_FIELDS:
        counts = {value: int(np.count_nonzero(mask & matched)) for value, mask in view.keyword_masks(name).items()}
        facets[name] = {value: n for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n}
    return facets


def _summary(stored: dict) -> dict:
    published = stored.get("published")
    return {
        "id": stored.get("id", ""),
        "title": stored.get("title", ""),
        "url": stored.get("url", ""),
        "source": stored.get("source", ""),
        "category": stored.get("category", ""),
        "published": published.isoformat() if isinstance(published, datetime) else None,
    }


def _filters(request: SearchRequest) -> Filters:
    return Filters(
        sources=request.sources,
        categories=request.categories,
        published_from=datetime_to_long(request.date_from) if request.date_from else None,
        published_to=datetime_to_long(request.date_to) if request.date_to else None,
    )
