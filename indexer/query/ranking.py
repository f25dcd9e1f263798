"""The ranking function: which documents match a parsed query and in what order, for search() and eval alike.

Matching follows the query tree (phrases, fields, AND/OR/NOT, exclusions). Ordering is BM25F over the
stemmed title, lead and body (one saturation per term across the fields, title and lead weighted up),
plus BM25 over the unstemmed `exact` field so that a word typed as written outranks its stem-mates, and
a bonus for exact matches of quoted phrases; the noun that frames a question (ما اسم, كم عدد) counts
less than the topic words. Everything is numpy over postings read from Whoosh (see
reader_arrays), so results do not depend on Whoosh's scorer. (What was tried and dropped: docs/architecture.md.)
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from indexer.query.reader_arrays import ReaderArrays
from indexer.query.phrase_match import phrase_hits
from indexer.query.parser import And, Group, Not, Or, Phrase, Prefix, Word, positive_leaves
from indexer.query.segment_postings import EMPTY_DOCNUMS
from indexer.storage.schema import EXACT_FIELD, PHRASE_FIELDS

K1 = 1.2
EMPTY_SCORES = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class FieldParams:
    weight: float  # how much one occurrence here counts, relative to one in the body
    b: float  # BM25 length normalization: titles are short and similar, bodies vary a lot


# BM25F fields for stemmed terms. The unstemmed companion is scored separately with EXACT_PARAMS.
# `lead` is the body's opening words again (see schema.LEAD_WORDS): news states its subject up front.
TEXT_FIELDS = {
    "title": FieldParams(weight=2.0, b=0.5),
    "lead": FieldParams(weight=2.0, b=0.5),
    "body": FieldParams(weight=1.0, b=0.75),
}
EXACT_PARAMS = FieldParams(weight=0.3, b=0.75)
PHRASE_WEIGHT = 0.5  # an exact match of a quoted phrase counts its words' idf again, at this weight
RERANK_DEPTH = 100  # phrase matches reorder this many best candidates; fixed, so pages stay consistent
MAX_PREFIX_EXPANSIONS = 30  # "word*" matches at most this many indexed words per field
MAX_QUERY_EXPANSIONS = 120  # and all the prefixes of one query together at most this many
MAX_PHRASE_TERMS = 8
# Arabic questions name what they ask for right after the question word: ما اسم ("what is the name
# of"), كم عدد ("how many"), في أي عام ("in which year"). That noun frames the question and is rarely in
# the answer's text, so it counts at FRAME_WEIGHT; the remaining words carry the topic.
QUESTION_WORDS = ("ما", "ماذا", "كم", "أي")
FRAME_NOUNS = ("اسم", "عدد", "معنى", "تعريف", "نوع", "عام", "سنة")
COPULAS = ("هو", "هي")  # ما هو اسم ... asks the same as ما اسم ...
FRAME_WEIGHT = 0.3
MAX_PHRASE_CANDIDATES = 5000


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


@dataclass(slots=True)
class _QueryState:
    """What one query's matching shares: the reader's arrays, the analyzers, and per-query memos and budgets."""

    view: ReaderArrays
    analyzers: dict
    masks: dict = field(default_factory=dict)
    expansions_left: int = 0  # prefix expansions this query may still make


def rank(view: ReaderArrays, text: str, tree: Group, filters: Filters = Filters(), sort: str = "relevance",
         offset: int = 0, limit: int = 10) -> Ranking:
    """Rank the documents for the query `text` parsed as `tree`; an empty query lists everything, newest first."""
    ctx = _QueryState(view, _field_analyzers(view.reader.schema), expansions_left=MAX_QUERY_EXPANSIONS)
    stemmed, exact = _scoring_terms(ctx, tree)
    for term in question_frame_terms(ctx.analyzers["body"], text):
        if stemmed[term] >= 1:
            stemmed[term] -= 1 - FRAME_WEIGHT
    scores = score_terms(view, stemmed, Counter())
    if not text.strip():
        mask = view.live.copy()
        sort = "date"  # with nothing to be relevant to, the news reader wants the latest
    elif _is_plain_text(ctx, tree):
        mask = scores > 0  # the same set _group_mask would build word by word, for free
    else:
        mask = _group_mask(ctx, tree)
        if mask is None:  # nothing searchable was typed (only stopwords, punctuation or exclusions)
            mask = np.zeros(view.size, dtype=bool)
    mask &= _filter_mask(view, filters)
    add_exact_scores(view, scores, exact)
    phrases = _phrase_terms(ctx, tree) if sort == "relevance" else []
    if phrases:
        _rerank(ctx, scores, mask, phrases)
    return _window(view, mask, scores, sort, offset, limit, frozenset(stemmed))


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
    # accumulated over all documents: a few dense passes are cheaper than sorting the union of the fields
    pseudo_tf = np.zeros(view.size, dtype=np.float32)
    present = np.zeros(view.size, dtype=bool)
    for name, params, ids, tfs in postings:
        norms = view.length_norms(name, params.b)
        pseudo_tf[ids] += params.weight * tfs / norms[ids]  # a field lists each document once
        present[ids] = True
    docnums = np.flatnonzero(present).astype(np.int32)
    return docnums, _saturate(pseudo_tf[docnums], view.doc_count)


def _exact_contribution(view: ReaderArrays, term: str) -> tuple[np.ndarray, np.ndarray]:
    ids, tfs = view.postings(EXACT_FIELD, term)
    if not len(ids):
        return EMPTY_DOCNUMS, EMPTY_SCORES
    norms = view.length_norms(EXACT_FIELD, EXACT_PARAMS.b)
    return ids, _saturate(tfs / norms[ids], view.doc_count)


def bm25_idf(doc_count: int, df: int) -> float:
    """Lucene's BM25 idf: like Robertson-Sparck Jones, but never negative for very common terms."""
    return math.log(1.0 + (doc_count - df + 0.5) / (df + 0.5))


def _saturate(pseudo_tf: np.ndarray, doc_count: int) -> np.ndarray:
    """BM25's saturation of a (length-normalized) frequency, times the term's idf."""
    idf = bm25_idf(doc_count, len(pseudo_tf))
    return (idf * pseudo_tf * (K1 + 1.0) / (K1 + pseudo_tf)).astype(np.float32)


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


def _phrase_terms(ctx: _QueryState, tree: Group) -> list[list[str]]:
    """The analyzed terms of each optional quoted phrase (of two or more terms) of the query.

    Required phrases need no bonus: every document that matches holds them.
    """
    phrases = (analyze(ctx.analyzers["body"], node.text)[:MAX_PHRASE_TERMS] for node in tree.should
               if isinstance(node, Phrase))
    return [terms for terms in phrases if len(terms) > 1]


def _window(view, mask, scores, sort, offset, limit, terms) -> Ranking:
    candidates = np.flatnonzero(mask)
    total = len(candidates)
    end = min(offset + limit, total)
    if offset >= total:
        return Ranking(total, [], [], mask, terms)
    cand_scores = scores[candidates]
    if sort == "date":
        order = np.lexsort((candidates, -cand_scores, -view.published()[candidates]))
    elif end < total // 2:
        # the best `end` scores, plus everything tied with the last of them, so that ties are always
        # broken by document number and consecutive pages never overlap or skip
        kth = -np.partition(-cand_scores, end - 1)[end - 1]
        top = np.flatnonzero(cand_scores >= kth)
        order = top[np.lexsort((candidates[top], -cand_scores[top]))]
    else:
        order = np.lexsort((candidates, -cand_scores))
    chosen = order[offset:end]
    return Ranking(total, candidates[chosen].tolist(), cand_scores[chosen].astype(float).tolist(), mask, terms)


# --- query terms -----------------------------------------------------------------------------------


def _field_analyzers(schema) -> dict:
    names = ("body", EXACT_FIELD)
    return {name: schema[name].analyzer for name in names if name in schema}


def analyze(analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text, mode="query")]


def _scoring_terms(ctx: _QueryState, tree: Group) -> tuple[Counter, Counter]:
    """Stemmed and exact terms of every positive word and phrase of a text field, counted."""
    stemmed, exact = Counter(), Counter()
    for leaf in positive_leaves(tree):
        if isinstance(leaf, Prefix) or leaf.field not in (None, "title", "body"):
            continue
        stemmed.update(analyze(ctx.analyzers["body"], leaf.text))
        if EXACT_FIELD in ctx.analyzers:
            exact.update(analyze(ctx.analyzers[EXACT_FIELD], leaf.text))
    return stemmed, exact


def question_frame_terms(analyzer, text: str) -> list[str]:
    """The terms of `text` that are a frame noun right after a question word (ما اسم -> [اسم])."""
    questions, frames, copulas = _frame_vocabulary(analyzer)
    tokens = [token for token in _terms_with_stops(analyzer, text) if token[0] not in copulas]
    return [term for (previous, _), (term, stopped) in zip(tokens, tokens[1:])
            if previous in questions and not stopped and term in frames]


_frame_vocabularies: dict[int, tuple] = {}  # id(analyzer) -> (analyzer, vocabulary); analyzers are unhashable


def _frame_vocabulary(analyzer) -> tuple[set[str], set[str], set[str]]:
    """The analyzed question words, frame nouns and copulas: the same for every query, so built once."""
    entry = _frame_vocabularies.get(id(analyzer))
    if entry is None or entry[0] is not analyzer:
        if len(_frame_vocabularies) > 16:  # analyzers of closed indexes
            _frame_vocabularies.clear()
        vocabulary = (
            {term for word in QUESTION_WORDS for term, _ in _terms_with_stops(analyzer, word)},
            {term for word in FRAME_NOUNS for term in analyze(analyzer, word)},
            {term for word in COPULAS for term, _ in _terms_with_stops(analyzer, word)},
        )
        entry = _frame_vocabularies[id(analyzer)] = (analyzer, vocabulary)
    return entry[1]


def _terms_with_stops(analyzer, text: str) -> list[tuple[str, bool]]:
    return [(t.text, t.stopped) for t in analyzer(text, mode="query", removestops=False)]


def _is_plain_text(ctx: _QueryState, tree: Group) -> bool:
    """Only free words of at most one term each: then a document matches exactly when it scores."""
    if tree.must or tree.must_not or not tree.should:
        return False
    return all(isinstance(node, Word) and node.field is None and len(analyze(ctx.analyzers["body"], node.text)) <= 1
               for node in tree.should)


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
    mask = np.zeros(ctx.view.size, dtype=bool)
    for name in fields:
        together = np.logical_and.reduce([_postings_mask(ctx.view, (name,), term) for term in terms])
        candidates = np.flatnonzero(together)[:MAX_PHRASE_CANDIDATES]
        mask[candidates[phrase_hits(ctx.view.reader, name, terms, candidates)]] = True
    return mask


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
