"""Ranking on the cluster exactly as the embedded engine ranks: the cluster finds and filters, Python scores.

First one msearch counts the collection statistics (live documents, each stemmed term's documents over
title, lead and body together, each exact word's, the summed field lengths). Then the cluster returns the
best CANDIDATES matches by BM25F computed in the cluster: each term field scores a match as BM25F's
per-field part (mapping.py), and a script_score per term saturates their sum once with the idf of those
counts; only its length quantization (Lucene's) differs from ours. Python then scores the candidates with
the production BM25F of `query.scoring` on our own stored lengths, adds the quoted-phrase bonus to the
best RERANK_DEPTH, multiplies by freshness, and orders by score then insertion order, so a page is the
embedded engine's.

Freshness (query.scoring.freshness_factors) counts back from the index's newest article, which the statistics
msearch fetches, and is applied twice: in the cluster, as a function_score of the same shape (1 plus the
boost times an exponential decay with the same half-life, undated articles 1), so that the candidates are the
best by fresh-weighted BM25F and a fresh article is not left out for being slightly less relevant; then
exactly, in Python, on the candidates' stored dates.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from indexer.opensearch.mapping import PHRASE_TERM_FIELDS, TERM_FIELDS
from indexer.opensearch.query_dsl import MatchTranslator, keyword_in, phrase_in, term_in
from indexer.query.parser import Group
from indexer.query.request import SearchRequest
from indexer.query.scoring import (EXACT_PARAMS, FRAME_WEIGHT, FRESHNESS_BOOST, K1, PHRASE_WEIGHT, RERANK_DEPTH,
                                   TEXT_FIELDS, bm25_idf, freshness_factors, is_plain_text, phrase_terms,
                                   published_micros, question_frame_terms, saturate, scoring_terms)
from indexer.storage.schema import EXACT_FIELD, FACET_FIELDS

CANDIDATES = 200  # hits the cluster hands to the exact scoring (never fewer than the page's end)
GROUPED_CANDIDATES = 4  # with grouping, candidates per story of the page's end
STORY_COUNT_EXACT = 40_000  # the cardinality aggregation counts stories exactly up to about this many
MAX_FACET_VALUES = 1000
SOURCE_FIELDS = [*TERM_FIELDS.values(), "lengths", "seq", "published", "story"]
STORED_FIELDS = ["id", "title", "body", "source", "category", "published", "url"]  # what a hit shows


@dataclass(frozen=True)
class ClusterQuery:
    """What one request asks of the cluster: the match filter, the scoring terms and the phrases."""

    match: dict
    stemmed: Counter
    exact: Counter
    phrases: list[list[str]]
    sort: str
    fresh_half_life: int | None = None  # days; None: relevance alone (always None for sort=date)

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(self.stemmed)


def cluster_query(request: SearchRequest, tree: Group, analyzers: dict) -> ClusterQuery:
    """The match filter (request filters included) and the scoring terms, as the embedded `rank` builds them."""
    text, sort = request.q, request.sort
    stemmed, exact = scoring_terms(analyzers, tree)
    for term in question_frame_terms(analyzers["body"], text):
        if stemmed[term] >= 1:
            stemmed[term] -= 1 - FRAME_WEIGHT
    if not text.strip():
        match, sort = {"match_all": {}}, "date"  # nothing to be relevant to: the latest first
    elif is_plain_text(analyzers, tree):
        fields = [TERM_FIELDS[name] for name in TEXT_FIELDS]
        match = {"bool": {"should": [term_in(fields, term) for term in stemmed], "minimum_should_match": 1}} \
            if stemmed else {"match_none": {}}
    else:
        match = MatchTranslator(analyzers).group(tree) or {"match_none": {}}
    filters = [match, *_request_filters(request)]
    phrases = phrase_terms(analyzers, tree) if sort == "relevance" else []
    fresh = request.fresh_half_life if sort == "relevance" else None
    return ClusterQuery({"bool": {"filter": filters}}, stemmed, exact, phrases, sort, fresh)


def _request_filters(request: SearchRequest) -> list[dict]:
    filters = []
    if request.sources:
        filters.append(keyword_in("source", request.sources))
    if request.categories:
        filters.append(keyword_in("category", request.categories))
    if request.date_from or request.date_to:
        bounds = {}
        if request.date_from:
            bounds["gte"] = request.date_from.replace(tzinfo=None).isoformat()
        if request.date_to:
            bounds["lte"] = request.date_to.replace(tzinfo=None).isoformat()
        filters.append({"range": {"published": bounds}})
    return filters


SATURATE = "params.weight * params.idf * _score * (params.k1 + 1.0) / (params.k1 + _score)"


def _saturated(clause: dict, weight: float, idf: float) -> dict:
    return {"script_score": {"query": clause, "script": {"source": SATURATE,
                                                          "params": {"weight": weight, "idf": idf, "k1": K1}}}}


def _candidate_scoring(query: ClusterQuery, stats: Statistics | None) -> list[dict]:
    """BM25F in the cluster, to pick the candidates: per term, the fields' weighted pseudo-frequencies summed
    (the similarity of mapping.py) and saturated once with the term's idf over the three fields."""
    clauses = []
    if stats is not None:
        for term, count in query.stemmed.items():
            fields = [{"term": {TERM_FIELDS[name]: {"value": term, "boost": params.weight}}}
                      for name, params in TEXT_FIELDS.items()]
            idf = bm25_idf(stats.docs, stats.df[("stemmed", term)])
            clauses.append(_saturated({"bool": {"should": fields}}, count, idf))
        for term, count in query.exact.items():
            idf = bm25_idf(stats.docs, stats.df[("exact", term)])
            clauses.append(_saturated({"term": {TERM_FIELDS[EXACT_FIELD]: term}}, count * EXACT_PARAMS.weight, idf))
    for index, terms in enumerate(query.phrases):
        for field in PHRASE_TERM_FIELDS:  # named, with no weight: only to learn which candidates hold them
            clauses.append({"match_phrase": {field: {**phrase_in(field, terms)["match_phrase"][field],
                                                     "boost": 0.0, "_name": f"phrase{index}"}}})
    return clauses


def _fresh_weighted(scoring: dict, query: ClusterQuery, stats: Statistics | None) -> dict:
    """The candidate scoring times 1 + FRESHNESS_BOOST · 0.5^(age / half-life), ages back from the newest
    article (the cluster's `exp` decay is exactly that halving); undated articles match only the 1."""
    if query.fresh_half_life is None or stats is None or stats.newest is None:
        return scoring
    decay = {"published": {"origin": stats.newest.isoformat(), "scale": f"{query.fresh_half_life}d", "decay": 0.5}}
    return {"function_score": {"query": scoring, "score_mode": "sum", "boost_mode": "multiply", "functions": [
        {"weight": 1.0},
        {"filter": {"exists": {"field": "published"}}, "exp": decay, "weight": FRESHNESS_BOOST},
    ]}}


def search_body(query: ClusterQuery, stats: Statistics | None, offset: int, limit: int,
                group: bool = False) -> dict:
    """The one search request of a page: candidates (or the date-sorted page), total and facet counts; with
    `group`, also the number of stories, and a date-sorted page collapsed to one hit per story."""
    body = {
        "query": _fresh_weighted({"bool": {"filter": [query.match], "should": _candidate_scoring(query, stats)}},
                                 query, stats),
        "track_total_hits": True,
        "aggs": {name: {"terms": {"field": name, "size": MAX_FACET_VALUES}} for name in FACET_FIELDS},
        "_source": ["id", *SOURCE_FIELDS],  # scoring needs the terms; the page's stored fields come after
    }
    if group:
        body["aggs"]["stories"] = {"cardinality": {"field": "story", "precision_threshold": STORY_COUNT_EXACT}}
    if query.sort == "date":
        body["_source"] = [*STORED_FIELDS, *SOURCE_FIELDS]  # this is the page itself
        body.update(from_=offset, size=limit)
        body["sort"] = [{"published": {"order": "desc", "missing": "_last"}}, "_score", {"seq": "asc"}]
        if group:
            body["collapse"] = {"field": "story"}
    else:
        # grouped, a page needs `offset + limit` stories: candidates enough for them when stories are pairs
        body.update(from_=0, size=max(CANDIDATES, (offset + limit) * (GROUPED_CANDIDATES if group else 1)))
    body["from"] = body.pop("from_")
    return body


def statistics_requests(index: str, query: ClusterQuery) -> tuple[list[dict], list[tuple]]:
    """msearch lines for the collection statistics the exact scoring needs, and what each answers."""
    lines, keys = [], []

    def count(key, clause):
        lines.extend([{"index": index}, {"size": 0, "track_total_hits": True, "query": clause}])
        keys.append(key)

    count(("docs",), {"match_all": {}})
    text_fields = [TERM_FIELDS[name] for name in TEXT_FIELDS]
    for term in query.stemmed:
        count(("stemmed", term), term_in(text_fields, term))
    for term in query.exact:
        count(("exact", term), {"term": {TERM_FIELDS[EXACT_FIELD]: term}})
    for term in {term for terms in query.phrases for term in terms}:
        count(("body", term), {"term": {TERM_FIELDS["body"]: term}})
    lines.extend([{"index": index}, {"size": 0, "aggs": {
        name: {"sum": {"field": f"lengths.{name}"}} for name in TERM_FIELDS}}])
    keys.append(("lengths",))
    if query.fresh_half_life is not None:  # the stored date itself, to the microsecond, as the embedded engine has it
        lines.extend([{"index": index}, {"size": 1, "_source": ["published"], "query": {"exists": {"field": "published"}},
                                         "sort": [{"published": {"order": "desc"}}]}])
        keys.append(("newest",))
    return lines, keys


@dataclass
class Statistics:
    docs: int
    df: dict  # ("stemmed" | "exact" | "body", term) -> documents
    average_length: dict  # field -> average stored length over live documents
    newest: datetime | None = None  # the newest article's publication time, when freshness was asked for


def read_statistics(responses: list[dict], keys: list[tuple]) -> Statistics:
    counts, averages, docs, newest = {}, {}, 0, None
    for key, response in zip(keys, responses):
        if "error" in response:
            raise RuntimeError(f"statistics request failed: {response['error']}")
        if key == ("docs",):
            docs = response["hits"]["total"]["value"]
        elif key == ("lengths",):
            sums = {name: agg["value"] for name, agg in response["aggregations"].items()}
        elif key == ("newest",):
            newest = next((_published(hit) for hit in response["hits"]["hits"]), None)
        else:
            counts[key] = response["hits"]["total"]["value"]
    averages = {name: (total / docs if docs else 0.0) for name, total in sums.items()}
    return Statistics(docs, counts, averages, newest)


def exact_scores(hits: list[dict], query: ClusterQuery, stats: Statistics) -> np.ndarray:
    """The production scores of the candidate hits (BM25F of the stemmed terms, BM25 of the exact words)."""
    scores = np.zeros(len(hits), dtype=np.float32)
    if not hits:
        return scores
    tokens = {name: [hit["_source"].get(field, "").split() for hit in hits] for name, field in TERM_FIELDS.items()}
    norms = {name: _norms(hits, name, params.b, stats) for name, params in (*TEXT_FIELDS.items(),
                                                                              (EXACT_FIELD, EXACT_PARAMS))}
    for term, count in query.stemmed.items():
        pseudo_tf = np.zeros(len(hits), dtype=np.float32)
        for name, params in TEXT_FIELDS.items():
            tfs = np.array([doc.count(term) for doc in tokens[name]], dtype=np.float32)
            pseudo_tf += params.weight * tfs / norms[name]
        present = pseudo_tf > 0
        if present.any():
            scores[present] += count * saturate(pseudo_tf[present], stats.docs, stats.df[("stemmed", term)])
    for term, count in query.exact.items():
        tfs = np.array([doc.count(term) for doc in tokens[EXACT_FIELD]], dtype=np.float32) / norms[EXACT_FIELD]
        present = tfs > 0
        if present.any():
            scores[present] += count * EXACT_PARAMS.weight * saturate(tfs[present], stats.docs,
                                                                      stats.df[("exact", term)])
    return scores


def _norms(hits: list[dict], name: str, b: float, stats: Statistics) -> np.ndarray:
    """BM25's 1 - b + b·len/avglen per hit (1.0 where the field is empty), as ReaderArrays.length_norms."""
    lengths = np.array([hit["_source"].get("lengths", {}).get(name, 0) for hit in hits], dtype=np.float32)
    average = stats.average_length.get(name) or 1.0
    norms = (1.0 - b + b * lengths / average).astype(np.float32)
    norms[norms <= 0] = 1.0
    return norms


def phrase_bonus(hits: list[dict], scores: np.ndarray, query: ClusterQuery, stats: Statistics) -> None:
    """Raise those of the best RERANK_DEPTH scoring hits that hold a quoted phrase exactly (in place)."""
    if not query.phrases:
        return
    scored = np.flatnonzero(scores > 0)
    best = scored[np.lexsort((_seqs(hits)[scored], -scores[scored]))][:RERANK_DEPTH]
    bonus = np.zeros(len(best), dtype=np.float64)
    for index, terms in enumerate(query.phrases):
        weight = sum(bm25_idf(stats.docs, stats.df[("body", term)]) for term in terms)
        present = np.array([f"phrase{index}" in (hits[p].get("matched_queries") or ()) for p in best], dtype=bool)
        bonus += PHRASE_WEIGHT * weight * present
    scores[best] += bonus.astype(np.float32)


def weigh_freshness(hits: list[dict], scores: np.ndarray, query: ClusterQuery, stats: Statistics) -> None:
    """Multiply the candidates' scores by their freshness (in place), after the phrase bonus, as `rank` does."""
    if query.fresh_half_life is None or not hits:
        return
    published = np.array([_micros(_published(hit)) for hit in hits], dtype=np.int64)
    reference = None if stats.newest is None else published_micros(stats.newest)
    scores *= freshness_factors(published, reference, query.fresh_half_life)


def _published(hit: dict) -> datetime | None:
    """A hit's stored date (documents.py writes naive UTC ISO text, the datetime the embedded index holds)."""
    text = hit["_source"].get("published")
    return datetime.fromisoformat(text) if text else None


def _micros(moment: datetime | None) -> int:
    return -1 if moment is None else published_micros(moment)


def _seqs(hits: list[dict]) -> np.ndarray:
    return np.array([hit["_source"].get("seq", 0) for hit in hits], dtype=np.int64)


def order(hits: list[dict], scores: np.ndarray) -> np.ndarray:
    """Best score first, ties by insertion order, as the embedded engine breaks them by document number."""
    return np.lexsort((_seqs(hits), -scores))
