"""The ranking function: which documents match a parsed query and in what order, for search() and eval alike.

Matching follows the query tree (phrases, fields, AND/OR/NOT, exclusions). Ordering is BM25F over the
stemmed title, lead and body (one saturation per term across the fields, title and lead weighted up),
plus BM25 over the unstemmed `exact` field so that a word typed as written outranks its stem-mates, and
a bonus for exact matches of quoted phrases; the noun that frames a question (ما اسم, كم عدد) counts
less than the topic words. With `fresh_half_life`, the result is multiplied by a bounded freshness
weight (scoring.freshness_factors) counted back from the index's newest article. Everything is numpy
over postings read from Whoosh (see reader_arrays), so results do not depend on Whoosh's scorer. (What was tried and dropped: docs/architecture.md.)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from indexer.query.parser import And, Group, Not, Phrase, Prefix, Terms, Word
from indexer.query.phrase_match import phrase_hits
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.scoring import (EXACT_PARAMS, FRAME_WEIGHT, MAX_PHRASE_TERMS, PHRASE_WEIGHT, RERANK_DEPTH,
                                   TEXT_FIELDS, analyze, bm25_idf, field_analyzers, freshness_factors,
                                   is_plain_text, phrase_terms, question_frame_terms, saturate, scoring_terms)
from indexer.query.segment_postings import EMPTY_DOCNUMS
from indexer.storage.schema import EXACT_FIELD, PHRASE_FIELDS
from indexer.stories.collapse import first_of_each

EMPTY_SCORES = np.zeros(0, dtype=np.float32)
MAX_PREFIX_EXPANSIONS = 30  # "word*" matches at most this many indexed words per field
MAX_QUERY_EXPANSIONS = 120  # and all the prefixes of one query together at most this many
MAX_PHRASE_CANDIDATES = 5000
FRESHNESS_HALF_LIVES_KEPT = 4
# A term whose postings number a 32nd of the documents or more is scored over dense arrays, a rarer one over the
# sorted union of its fields' postings: the two cost the same near 6,000 postings at 300k articles, near 1,400
# at 30k (the union's sort and searches grow with the postings, the dense passes with the corpus).
DENSE_UNION_RATIO = 32
GROUP_DEPTH = 200  # ranked hits collapsed at first when grouping by story (deeper only if they hold too few)


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions that do not change scores: keyword values and a publication-time window."""

    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published_from: int | None = None  # Whoosh datetime longs (see ReaderArrays.published)
    published_to: int | None = None


@dataclass(slots=True)
class Ranking:
    """A ranked result window plus what the page needs around it."""

    total: int
    docnums: list[int]
    scores: list[float]
    matched: np.ndarray  # boolean mask of every matching document (for facets)
    terms: frozenset[str] = field(default_factory=frozenset)  # stemmed query terms, for highlighting
    stories: int | None = None  # with grouping: how many stories the matching documents belong to


@dataclass(slots=True)
class _QueryState:
    """What one query's matching shares: the reader's arrays, the analyzers, and per-query memos and budgets."""

    view: ReaderArrays
    analyzers: dict
    masks: dict = field(default_factory=dict)
    expansions_left: int = 0  # prefix expansions this query may still make


def rank(view: ReaderArrays, text: str, tree: Group, filters: Filters = Filters(), sort: str = "relevance",
         offset: int = 0, limit: int = 10, fresh_half_life: int | None = None, group: bool = False) -> Ranking:
    """Rank the documents for the query `text` parsed as `tree`; an empty query lists everything, newest first.

    `fresh_half_life` (days) weighs relevance by freshness (`scoring.freshness_factors`); None leaves it out.
    `group` pages by story: one hit per story, its best-ranked member.
    """
    ctx = _QueryState(view, field_analyzers(view.reader.schema), expansions_left=MAX_QUERY_EXPANSIONS)
    stemmed, exact = scoring_terms(ctx.analyzers, tree)
    for term in question_frame_terms(ctx.analyzers["body"], text):
        if stemmed[term] >= 1:
            stemmed[term] -= 1 - FRAME_WEIGHT
    scores = score_terms(view, stemmed, Counter())
    if not text.strip():
        mask = view.live.copy()
        sort = "date"  # with nothing to be relevant to, the news reader wants the latest
    elif is_plain_text(ctx.analyzers, tree):
        mask = scores > 0  # the same set _group_mask would build word by word, for free
    else:
        mask = _group_mask(ctx, tree)
        if mask is None:  # nothing searchable was typed (only stopwords, punctuation or exclusions)
            mask = np.zeros(view.size, dtype=bool)
    mask &= _filter_mask(view, filters)
    add_exact_scores(view, scores, exact)
    phrases = phrase_terms(ctx.analyzers, tree) if sort == "relevance" else []
    if phrases:
        _rerank(ctx, scores, mask, phrases)
    if sort == "relevance" and fresh_half_life is not None:
        _weigh_freshness(view, scores, mask, fresh_half_life)
    return _window(view, mask, scores, sort, offset, limit, frozenset(stemmed), group)


def prepare_ranking(view: ReaderArrays) -> None:
    """Compute the per-reader arrays every query reads (length norms) and load each field's term table."""
    for name, params in (*TEXT_FIELDS.items(), (EXACT_FIELD, EXACT_PARAMS)):
        if name in view.reader.schema:
            view.length_norms(name, params.b)
            view.postings(name, "")  # the first lookup in a field loads its term table


def score_terms(view: ReaderArrays, stemmed: Counter, exact: Counter) -> np.ndarray:
    """Dense scores over all documents: BM25F of the stemmed terms plus weighted BM25 of the exact words.

    Each term's contribution does not depend on the rest of the query, so it is computed once per reader
    (a sparse vector over the documents holding the term) and a query only adds cached vectors.
    """
    scores = np.zeros(view.size, dtype=np.float32)
    for term, query_count in stemmed.items():
        docnums, contribution = view.shared_term(("score:bm25f", term), lambda t=term: _bm25f_contribution(view, t))
        scores[docnums] += query_count * contribution
    add_exact_scores(view, scores, exact)
    return scores


def add_exact_scores(view: ReaderArrays, scores: np.ndarray, exact: Counter) -> None:
    """Add the weighted BM25 of the unstemmed words to `scores` in place."""
    if EXACT_FIELD not in view.reader.schema:
        return
    for term, query_count in exact.items():
        docnums, contribution = view.shared_term(("score:exact", term), lambda t=term: _exact_contribution(view, t))
        scores[docnums] += query_count * EXACT_PARAMS.weight * contribution


def _bm25f_contribution(view: ReaderArrays, term: str) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, score) of one stemmed term: pseudo-frequency over the fields, saturated once (BM25F)."""
    postings = [(name, params, *view.postings(name, term)) for name, params in TEXT_FIELDS.items()]
    postings = [entry for entry in postings if len(entry[2])]
    if not postings:
        return EMPTY_DOCNUMS, EMPTY_SCORES
    dense = sum(len(ids) for _, _, ids, _ in postings) * DENSE_UNION_RATIO >= view.size
    if dense:  # a common term: a few passes over all documents are cheaper than sorting the fields' union
        present = np.zeros(view.size, dtype=bool)
        for _, _, ids, _ in postings:
            present[ids] = True
        docnums = np.flatnonzero(present).astype(np.int32)
        slots = [ids for _, _, ids, _ in postings]
    else:  # a rarer one: over its own documents, so that its cost follows the term and not the corpus
        docnums = _sorted_union([ids for _, _, ids, _ in postings])
        slots = [np.searchsorted(docnums, ids) for _, _, ids, _ in postings]
    pseudo_tf = np.zeros(view.size if dense else len(docnums), dtype=np.float32)
    for (name, params, ids, tfs), slot in zip(postings, slots):  # the same float32 sums either way
        norms = view.length_norms(name, params.b)
        pseudo_tf[slot] += params.weight * tfs / norms[ids]  # a field lists each document once
    if dense:
        pseudo_tf = pseudo_tf[docnums]
    return docnums, saturate(pseudo_tf, view.doc_count, len(docnums))


def _sorted_union(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct document numbers of `parts`, ascending (a sort: np.unique hashes, several times slower)."""
    if len(parts) == 1:
        return parts[0].astype(np.int32, copy=False)
    joined = np.sort(np.concatenate(parts)).astype(np.int32, copy=False)
    keep = np.empty(len(joined), dtype=bool)
    keep[0] = True
    np.not_equal(joined[1:], joined[:-1], out=keep[1:])
    return joined[keep]


def _exact_contribution(view: ReaderArrays, term: str) -> tuple[np.ndarray, np.ndarray]:
    ids, tfs = view.postings(EXACT_FIELD, term)
    if not len(ids):
        return EMPTY_DOCNUMS, EMPTY_SCORES
    norms = view.length_norms(EXACT_FIELD, EXACT_PARAMS.b)
    return ids, saturate(tfs / norms[ids], view.doc_count, len(ids))


def _rerank(ctx: _QueryState, scores: np.ndarray, mask: np.ndarray, phrases: list[list[str]]) -> None:
    """Raise those of the best RERANK_DEPTH candidates that contain a quoted phrase exactly.

    Only additions: a reranked document never drops below one outside the reranked set.
    """
    view = ctx.view
    candidates = np.flatnonzero(mask & (scores > 0))
    if len(candidates) > RERANK_DEPTH:
        candidates = candidates[np.argpartition(-scores[candidates], RERANK_DEPTH - 1)[:RERANK_DEPTH]]
    bonus = np.zeros(len(candidates), dtype=np.float64)
    for terms in phrases:
        present = np.logical_or.reduce([phrase_hits(view.reader, name, terms, candidates) for name in PHRASE_FIELDS])
        weight = sum(bm25_idf(view.doc_count, view.doc_frequency("body", term)) for term in terms)
        bonus += PHRASE_WEIGHT * weight * present
    scores[candidates] += bonus.astype(np.float32)


def _weigh_freshness(view: ReaderArrays, scores: np.ndarray, mask: np.ndarray, half_life: int) -> None:
    """Multiply the matching documents' scores by their freshness, in place, after every relevance part
    (the phrase bonus included), as the cluster engine does to its candidates."""
    matching = np.flatnonzero(mask)
    scores[matching] *= reader_freshness(view, half_life)[matching]


def reader_freshness(view: ReaderArrays, half_life: int) -> np.ndarray:
    """Every document's freshness factor for one half-life, computed once per reader: a query with common
    words matches a large part of the corpus, and computing its factors was a tenth of its time. A few
    half-lives are kept (the default one nearly always), a reader's worth of float32 each."""
    kept = view.shared("freshness", dict)
    factors = kept.get(half_life)
    if factors is None:
        if len(kept) >= FRESHNESS_HALF_LIVES_KEPT:
            kept.clear()
        factors = kept[half_life] = freshness_factors(view.published(), view.newest_published(), half_life)
    return factors


def _window(view, mask, scores, sort, offset, limit, terms, group: bool = False) -> Ranking:
    """The hits from `offset` to `offset + limit`; with `group`, one hit per story, its best-ranked member
    (`total` still counts articles; `stories` counts the stories they belong to)."""
    candidates = np.flatnonzero(mask)
    total = len(candidates)
    end = min(offset + limit, total)
    stories = None
    if group:
        candidate_stories = view.stories()[candidates]
        stories = view.distinct_stories(candidates)
        end = min(offset + limit, stories)
    if offset >= end:
        return Ranking(total, [], [], mask, terms, stories)
    cand_scores = scores[candidates]
    if not group:
        chosen = _ranked(view, candidates, cand_scores, sort, end)[offset:end]
    else:
        depth = min(total, max(4 * end, GROUP_DEPTH))
        while True:  # deeper until the ranked prefix holds `end` stories: most pages need one pass
            order = _ranked(view, candidates, cand_scores, sort, depth)
            heads = order[first_of_each(candidate_stories[order])]
            if len(heads) >= end or depth >= total:
                break
            depth = min(total, 4 * depth)
        chosen = heads[offset:end]
    return Ranking(total, candidates[chosen].tolist(), cand_scores[chosen].astype(float).tolist(), mask, terms,
                   stories)


def _ranked(view, candidates, cand_scores, sort, end) -> np.ndarray:
    """Positions into `candidates` of at least their best `end`, in rank order (ties by document number).

    A prefix of the full order: with relevance, the best `end` scores and everything tied with the last of
    them, so that consecutive pages never overlap or skip."""
    total = len(candidates)
    if sort == "date":
        return np.lexsort((candidates, -cand_scores, -view.published()[candidates]))
    if end < total // 2:
        kth = -np.partition(-cand_scores, end - 1)[end - 1]
        top = np.flatnonzero(cand_scores >= kth)
        return top[np.lexsort((candidates[top], -cand_scores[top]))]
    return np.lexsort((candidates, -cand_scores))


# --- matching --------------------------------------------------------------------------------------


def _group_mask(ctx: _QueryState, group: Group) -> np.ndarray | None:
    """Every required clause, and at least one free word when there are any; None constrains nothing.

    Unlike Lucene, free words still count next to a required clause: `source:BBC قطر` means Qatar
    stories from the BBC, not every BBC story. A free word that is only a stopword constrains nothing.
    """
    constraints = [m for m in (_node_mask(ctx, n) for n in group.must) if m is not None]
    shoulds = [m for m in (_node_mask(ctx, n, loose=True) for n in group.should) if m is not None]
    if shoulds:
        constraints.append(np.logical_or.reduce(shoulds))
    if not constraints:
        return None
    mask = np.logical_and.reduce(constraints)
    for node in group.must_not:
        excluded = _node_mask(ctx, node)
        if excluded is not None:
            mask = mask & ~excluded
    return mask


def _node_mask(ctx: _QueryState, node, loose: bool = False) -> np.ndarray | None:
    """Documents matching one clause; a `loose` phrase (an optional one) matches any of its words."""
    if isinstance(node, Group):
        return _group_mask(ctx, node)
    if isinstance(node, Word):
        return _word_mask(ctx, node)
    if isinstance(node, Phrase) and loose:
        return _node_mask(ctx, Group(should=tuple(Word(w, node.field) for w in node.text.split())))
    if isinstance(node, Phrase):
        return _phrase_mask(ctx, node)
    if isinstance(node, Prefix):
        return _prefix_mask(ctx, node)
    if isinstance(node, Terms):
        return _terms_mask(ctx, node)
    if isinstance(node, Not):
        inner = _node_mask(ctx, node.node)
        return None if inner is None else ~inner
    masks = [m for m in (_node_mask(ctx, n) for n in node.nodes) if m is not None]
    if not masks:
        return None
    return np.logical_and.reduce(masks) if isinstance(node, And) else np.logical_or.reduce(masks)


def _text_fields(field_name: str | None) -> tuple[str, ...]:
    return tuple(TEXT_FIELDS) if field_name is None else (field_name,)


def _postings_mask(view: ReaderArrays, fields, term: str) -> np.ndarray:
    mask = np.zeros(view.size, dtype=bool)
    for name in fields:
        mask[view.postings(name, term)[0]] = True
    return mask


def _term_mask(ctx: _QueryState, fields: tuple[str, ...], term: str) -> np.ndarray:
    """`_postings_mask`, memoized for the query: a pasted text repeats its words."""
    key = (fields, term)
    mask = ctx.masks.get(key)
    if mask is None:
        mask = ctx.masks[key] = _postings_mask(ctx.view, fields, term)
    return mask


def _word_mask(ctx: _QueryState, word: Word) -> np.ndarray | None:
    if word.field in ("source", "category"):
        return _keyword_mask(ctx.view, word.field, (word.text,))
    terms = analyze(ctx.analyzers["body"], word.text)
    if not terms:
        return None
    # a "word" the analyzer splits (e.g. "covid-19") needs all of its parts
    return np.logical_and.reduce([_term_mask(ctx, _text_fields(word.field), t) for t in terms])


def _keyword_mask(view: ReaderArrays, field_name: str, values) -> np.ndarray:
    """Documents whose keyword equals one of `values`, ignoring case (users type "bbc" for "BBC")."""
    wanted = {v.casefold() for v in values}
    mask = np.zeros(view.size, dtype=bool)
    for value, value_mask in view.keyword_masks(field_name).items():
        if value.casefold() in wanted:
            mask |= value_mask
    return mask


def _phrase_mask(ctx: _QueryState, phrase: Phrase) -> np.ndarray | None:
    """Documents holding the phrase's terms at consecutive positions, in the title or the body.

    Candidates are the documents with all the terms (numpy), and only they have their positions read;
    very long phrases are matched on their first MAX_PHRASE_TERMS terms, and at most
    MAX_PHRASE_CANDIDATES documents per field are verified, so no phrase can take a worker for long.
    """
    terms = analyze(ctx.analyzers["body"], phrase.text)[:MAX_PHRASE_TERMS]
    if not terms:
        return None
    fields = [name for name in _text_fields(phrase.field) if name in PHRASE_FIELDS]
    if len(terms) == 1:
        return _postings_mask(ctx.view, fields, terms[0])
    return _terms_in_sequence(ctx, fields, terms)


def _terms_in_sequence(ctx: _QueryState, fields: list[str], terms: list[str]) -> np.ndarray:
    mask = np.zeros(ctx.view.size, dtype=bool)
    for name in fields:
        together = np.logical_and.reduce([_postings_mask(ctx.view, (name,), term) for term in terms])
        candidates = np.flatnonzero(together)[:MAX_PHRASE_CANDIDATES]
        mask[candidates[phrase_hits(ctx.view.reader, name, terms, candidates)]] = True
    return mask


def _terms_mask(ctx: _QueryState, terms: Terms) -> np.ndarray:
    """An expansion's terms: one in any text field, or several consecutively in the title or the body."""
    if len(terms.terms) == 1:
        return _term_mask(ctx, _text_fields(terms.field), terms.terms[0])
    return _terms_in_sequence(ctx, [name for name in _text_fields(terms.field) if name in PHRASE_FIELDS],
                              list(terms.terms[:MAX_PHRASE_TERMS]))


def _prefix_mask(ctx: _QueryState, prefix: Prefix) -> np.ndarray | None:
    stems = analyze(ctx.analyzers["body"], prefix.text)
    start = stems[0] if stems else prefix.text.lower()
    mask = np.zeros(ctx.view.size, dtype=bool)
    for name in [n for n in _text_fields(prefix.field) if n in PHRASE_FIELDS]:  # title and body suffice
        for count, term in enumerate(ctx.view.reader.expand_prefix(name, start)):
            if count == MAX_PREFIX_EXPANSIONS or ctx.expansions_left <= 0:
                break
            ctx.expansions_left -= 1
            mask[ctx.view.postings(name, term.decode("utf-8") if isinstance(term, bytes) else term)[0]] = True
    return mask


# --- filters ---------------------------------------------------------------------------------------


def _filter_mask(view: ReaderArrays, filters: Filters) -> np.ndarray:
    mask = view.live.copy()
    if filters.sources:
        mask &= _keyword_mask(view, "source", filters.sources)
    if filters.categories:
        mask &= _keyword_mask(view, "category", filters.categories)
    if filters.published_from is not None or filters.published_to is not None:
        published = view.published()
        mask &= published >= 0
        if filters.published_from is not None:
            mask &= published >= filters.published_from
        if filters.published_to is not None:
            mask &= published <= filters.published_to
    return mask
