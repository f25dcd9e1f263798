"""The search core of the Whoosh engine: request in, JSON-ready dict out (no Flask here).

Every function takes the open searcher and its ReaderArrays (`open_arrays`), which the engine keeps together;
`search` parses the query once and hands the tree and the arrays down to ranking, highlighting and the
spelling suggestion. `search` returns the documented response shape; `get_document` returns one article
with related ones; `rank_ids` is the same ranking reduced to ids, for the eval command.
"""
from __future__ import annotations

import time
from itertools import groupby

import numpy as np
from whoosh.util.times import datetime_to_long

from indexer.query import response
from indexer.query.complete import CompletionTable
from indexer.query.completion_index import open_completion_table
from indexer.query.expansion import Expanded, QueryExpander, Spellings, Synonyms
from indexer.query.spellings import spellings_of
from indexer.query.highlight import WordTerms
from indexer.query.parser import parse_query
from indexer.query.ranking import Filters, prepare_ranking, rank
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.related import related_docnums
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS, SearchRequest
from indexer.query.suggest import KNOWN_WORD_DF, RememberedWords, suggest
from indexer.storage.schema import EXACT_FIELD, FACET_FIELDS
from indexer.stories.assign import parse_story_text, story_text

SUGGEST_BELOW = 5  # below this many hits, rare words are also offered a "هل تقصد" correction
RELATED_COUNT = 5
REMEMBERED_MEMBERS = 50_000  # story members as hits list them, kept per reader (a few hundred bytes each)


def search(searcher, view: ReaderArrays, request: SearchRequest, synonyms: Synonyms | None = None) -> dict:
    """One page of ranked, highlighted hits with facet counts, the expansions applied and an optional
    spelling suggestion. `synonyms` are the rules in force now (the engine follows the file)."""
    started = time.perf_counter()
    tree = parse_query(request.q)
    expanded = query_expander(view, synonyms).expand(tree) if request.expand else Expanded(tree, ())
    ranking = rank(view, request.q, expanded.tree, _filters(request), request.sort, request.offset,
                   request.per_page, request.fresh_half_life, request.group)
    words = _highlight_words(searcher, view)
    hits = [response.hit(searcher.stored_fields(docnum), score, words, ranking.terms)
            for docnum, score in zip(ranking.docnums, ranking.scores)]
    for hit, docnum in zip(hits, ranking.docnums):
        hit["story"] = hit_story(view, docnum)
    suggestion = None
    if request.q and EXACT_FIELD in searcher.schema:
        # with few hits, rare words are suspects too; with many, only words the index never saw
        known_df = KNOWN_WORD_DF if ranking.total < SUGGEST_BELOW else 1
        frequencies = ReaderFrequencies(view)
        suggestion = suggest(frequencies, searcher.schema[EXACT_FIELD].analyzer, request.q, tree, known_df)
    return {
        "query": request.q,
        "total": ranking.total,
        "stories": ranking.stories,
        "page": request.page,
        "per_page": request.per_page,
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
        "hits": hits,
        "facets": facet_counts(view, ranking.matched),
        "expansions": [expansion.as_json() for expansion in expanded.applied],
        "suggestion": suggestion,
    }


def open_arrays(searcher, warm: bool = False) -> ReaderArrays:
    """The ReaderArrays of a newly opened searcher; `warm` builds up front what every query needs (norms, term
    tables, facets, dates, the highlighter's memo), so that the first request after a reopen is not the slow one."""
    view = ReaderArrays(searcher.reader())
    if warm:
        prepare_ranking(view)
        for name in FACET_FIELDS:
            view.keyword_masks(name)
        view.published()
        _highlight_words(searcher, view)
        index_spellings(view)  # the variant finder over the vocabulary (seconds at 30k articles)
        completion_table(searcher, view)
    return view


def completion_table(searcher, view: ReaderArrays) -> CompletionTable:
    """The reader's table for search as you type, built once per reader (see `completion_index`)."""
    field = EXACT_FIELD if EXACT_FIELD in searcher.schema else "body"
    return view.shared("complete", lambda: open_completion_table(view.reader, searcher.schema[field].analyzer))


def _highlight_words(searcher, view) -> WordTerms:
    return view.shared("highlight", lambda: WordTerms(searcher.schema["body"].analyzer))


def get_document(searcher, view: ReaderArrays, doc_id: str) -> dict | None:
    """The stored fields of one article plus `related` articles, or None for an unknown id."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None or searcher.reader().is_deleted(docnum):
        return None
    related = [response.related_hit(view.summary(other), score)
               for other, score in related_docnums(searcher, view, docnum, RELATED_COUNT)]
    return response.document(searcher.stored_fields(docnum), related)


def hit_story(view: ReaderArrays, docnum: int) -> dict | None:
    """The story of a hit: its id and size, and its other members newest first (STORY_OTHERS_SHOWN at most)."""
    story = int(view.stories()[docnum])
    if story < 0:  # indexed before stories were
        return None
    members = view.story_members(story)
    others = newest_members(view, [int(other) for other in members if other != docnum])[:response.STORY_OTHERS_SHOWN]
    return response.story(story_text(story), len(members), [shown_member(view, other) for other in others])


def shown_member(view: ReaderArrays, docnum: int) -> dict:
    """A story member as a hit lists it, remembered per reader (a copy each time): the stories in the news
    come back query after query, and each member shown costs a column read and a JSON decode."""
    remembered = view.shared("story:shown_members", dict)
    member = remembered.get(docnum)
    if member is None:
        if len(remembered) >= REMEMBERED_MEMBERS:
            remembered.clear()
        member = remembered[docnum] = response.story_member(view.summary(docnum))
    return dict(member)


def newest_members(view: ReaderArrays, docnums: list[int]) -> list[int]:
    """Documents newest first, undated last, ties by id (as the cluster engine sorts a story), from the
    reader's arrays, so that a story of many articles reads only the stored fields it shows: an id (a stored
    field) is read only to order documents published at the same time."""
    published = view.published()

    def moment(docnum: int) -> tuple[bool, int]:
        return published[docnum] < 0, -int(published[docnum])
    ordered = []
    for _, same_time in groupby(sorted(docnums, key=moment), key=moment):
        same_time = list(same_time)
        ordered.extend(sorted(same_time, key=view.doc_id) if len(same_time) > 1 else same_time)
    return ordered


def get_story(searcher, view: ReaderArrays, story_id: str) -> dict | None:
    """Every live member of a story, newest first, or None for an id no live article has."""
    story = parse_story_text(story_id)
    members = view.story_members(story) if story is not None else ()
    if not len(members):
        return None
    shown = newest_members(view, [int(docnum) for docnum in members])[:response.MAX_STORY_MEMBERS]
    return response.story_page(story_id, [response.story_member(view.summary(docnum)) for docnum in shown])


def rank_ids(view: ReaderArrays, text: str, depth: int, synonyms: Synonyms | None = None,
             expand: bool = True, fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS) -> list[str]:
    """The ids of the top `depth` documents for `text`, by the production ranking (used by eval)."""
    tree = parse_query(text)
    if expand:
        tree = query_expander(view, synonyms).expand(tree).tree
    ranking = rank(view, text, tree, limit=depth, fresh_half_life=fresh_half_life)
    return [view.doc_id(docnum) for docnum in ranking.docnums]


def query_expander(view: ReaderArrays, synonyms: Synonyms | None) -> QueryExpander:
    """Expansion with the index's own spellings (built once per reader) and the synonym rules given."""
    return QueryExpander(view.reader.schema["body"].analyzer, index_spellings(view), synonyms)


def index_spellings(view: ReaderArrays) -> Spellings:
    """The spelling variants of this reader's body vocabulary (see analyzers.spelling_variants)."""
    return view.shared("spellings", lambda: spellings_of(view.vocabulary("body"), view.doc_count))


def facet_counts(view: ReaderArrays, matched: np.ndarray) -> dict[str, dict[str, int]]:
    """Per source and per category, how many matching documents have it (most frequent first)."""
    facets = {}
    for name in FACET_FIELDS:
        counts = {value: int(np.count_nonzero(mask & matched)) for value, mask in view.keyword_masks(name).items()}
        facets[name] = response.facet_values(counts)
    return facets


class ReaderFrequencies:
    """Word counts in the `exact` field of one reader, for the spelling suggestion (typed words remembered)."""

    def __init__(self, view: ReaderArrays) -> None:
        self._reader = view.reader
        self._remembered = view.shared("suggest:typed_df", RememberedWords)

    def typed(self, term: str) -> int:
        return self._remembered.get(term, lambda t: self._reader.doc_frequency(EXACT_FIELD, t))

    def many(self, terms) -> list[int]:
        return [self._reader.doc_frequency(EXACT_FIELD, term) for term in terms]


def _filters(request: SearchRequest) -> Filters:
    return Filters(
        sources=request.sources,
        categories=request.categories,
        published_from=datetime_to_long(request.date_from) if request.date_from else None,
        published_to=datetime_to_long(request.date_to) if request.date_to else None,
    )
