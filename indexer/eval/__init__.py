"""Retrieval quality as a command: load an eval set, index it with the production path, score the rankings.

The metric definitions are the usual binary-relevance ones (trec_eval, Pyserini) and match the Lucene
anchor in ../shared/tools, so the two engines can be put side by side. Freshness is measured like any other
part of the ranking: one scratch index, every query ranked once per half-life asked for (None: off), so its
cost in relevance is a row beside the row without it. Documents are dated by their own `date` field, or by
a second file (`load_dates`: a news corpus whose ids the set shares), since a set without dates cannot show
what freshness does.
"""
from __future__ import annotations

import gzip
import json
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from datetime import datetime

from indexer.engine import open_engine
from indexer.ingest.article import Article
from indexer.ingest.sources import parse_date
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS

DEPTH = 100  # ranks read per query: enough for Recall@100


@dataclass(frozen=True, slots=True)
class EvalQuery:
    id: str
    text: str
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class EvalResult:
    """One analyzer's scores over one eval set; `as_json` gives the keys the issue and Lucene use."""

    analyzer: str
    docs: int
    queries: int
    mrr10: float
    recall1: float
    recall10: float
    recall100: float
    ndcg10: float
    index_seconds: float = 0.0
    search_seconds: float = 0.0
    fresh_half_life: int | None = None  # days; None: ranked by relevance alone

    @property
    def fresh(self) -> str:
        """The freshness as the API's `fresh=` writes it: `7d`, or `0` for off."""
        return "0" if self.fresh_half_life is None else f"{self.fresh_half_life}d"

    def as_json(self) -> dict:
        return {
            "analyzer": self.analyzer,
            "fresh": self.fresh,
            "docs": self.docs,
            "queries": self.queries,
            "mrr@10": round(self.mrr10, 4),
            "recall@1": round(self.recall1, 4),
            "recall@10": round(self.recall10, 4),
            "recall@100": round(self.recall100, 4),
            "ndcg@10": round(self.ndcg10, 4),
            "index_seconds": round(self.index_seconds, 2),
            "search_seconds": round(self.search_seconds, 2),
        }


# --- metrics (pure) --------------------------------------------------------------------------------


def reciprocal_rank(ranked: Sequence[str], relevant: frozenset[str], k: int = 10) -> float:
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], relevant: frozenset[str], k: int) -> float:
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def ndcg_at(ranked: Sequence[str], relevant: frozenset[str], k: int = 10) -> float:
    """Binary gains, log2 discount; the ideal ranking puts min(|relevant|, k) relevant docs first."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc_id in enumerate(ranked[:k], start=1) if doc_id in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def score_rankings(analyzer: str, docs: int, runs: Iterable[tuple[Sequence[str], frozenset[str]]]) -> EvalResult:
    """Average every metric over (ranked ids, relevant ids) pairs."""
    totals = [0.0] * 5
    count = 0
    for ranked, relevant in runs:
        count += 1
        for i, value in enumerate(
            (
                reciprocal_rank(ranked, relevant, 10),
                recall_at(ranked, relevant, 1),
                recall_at(ranked, relevant, 10),
                recall_at(ranked, relevant, 100),
                ndcg_at(ranked, relevant, 10),
            )
        ):
            totals[i] += value
    mean = [t / count if count else 0.0 for t in totals]
    return EvalResult(analyzer, docs, count, *mean)


# --- inputs ----------------------------------------------------------------------------------------


def read_jsonl(path: Path) -> Iterator[dict]:
    """Lines of a .jsonl or .jsonl.gz file as dicts; blank lines are ignored."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_docs(path: Path, dates: dict[str, datetime] | None = None) -> list[Article]:
    """The set's documents; each dated by its own `date` field, else by `dates` (see `load_dates`)."""
    dates = dates or {}
    return [
        Article(id=str(row["id"]), title=row.get("title") or "", body=row.get("text") or "",
                published=_date(row) or dates.get(str(row["id"])))
        for row in read_jsonl(path)
    ]


def load_dates(path: Path) -> dict[str, datetime]:
    """id -> publication time from a JSONL corpus with `id` and `date` (ant-v2.1 dates the ANT headlines set)."""
    return {str(row["id"]): moment for row in read_jsonl(path) if (moment := _date(row)) is not None}


def _date(row: dict) -> datetime | None:
    raw = row.get("date")
    try:
        return parse_date(raw) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        return None  # an unreadable date leaves the document undated, as the indexer's strict=False would


def load_queries(path: Path) -> list[EvalQuery]:
    """Queries with at least one relevant document; the others cannot be scored and are skipped."""
    queries = (
        EvalQuery(str(row["id"]), row.get("text") or "", frozenset(str(r) for r in row.get("relevant") or ()))
        for row in read_jsonl(path)
    )
    return [q for q in queries if q.relevant]


# --- the run ---------------------------------------------------------------------------------------


def evaluate(docs: Sequence[Article], queries: Sequence[EvalQuery], analyzer_name: str,
             engine_spec: str | None = None, expand: bool = True, synonyms=None,
             fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS) -> EvalResult:
    """Index `docs` in a scratch index of the engine with the production builder and rank each query with the
    production ranking (`Engine.rank_ids`); `expand=False` measures it without spelling variants and synonyms."""
    return evaluate_freshness(docs, queries, analyzer_name, (fresh_half_life,), engine_spec, expand, synonyms)[0]


def evaluate_freshness(docs: Sequence[Article], queries: Sequence[EvalQuery], analyzer_name: str,
                       half_lives: Sequence[int | None], engine_spec: str | None = None, expand: bool = True,
                       synonyms=None) -> list[EvalResult]:
    """`evaluate` once per freshness half-life (None: off) over one scratch index, a result for each."""
    started = time.perf_counter()
    results = []
    with open_engine(None, engine_spec, synonyms=synonyms).scratch(docs, analyzer_name) as engine:
        index_seconds = time.perf_counter() - started
        for half_life in half_lives:
            started = time.perf_counter()
            runs = [(engine.rank_ids(query.text, DEPTH, expand, half_life), query.relevant) for query in queries]
            result = score_rankings(analyzer_name, len(docs), runs)
            results.append(replace(result, index_seconds=index_seconds, fresh_half_life=half_life,
                                   search_seconds=time.perf_counter() - started))
    return results
