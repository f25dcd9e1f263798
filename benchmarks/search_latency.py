"""In-process search latency: the engine's `search` on a built index, top 10 with highlights.

Every query goes through `parse_search_request` and the engine exactly as an API request does, minus HTTP.
A short untimed warm-up opens the searcher and fills caches; the timed pass is bounded in count and time.
Wall-clock percentiles are the figures; CPU-time percentiles beside them tell a busy machine from a slow
search.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.stats import latency_summary

WARMUP_QUERIES = 50


def search_requests(queries: Sequence[str], **params: str) -> tuple[list, int]:
    """Each query parsed as the API parses it, with the same further `params`; the ones it refuses are
    counted, not timed."""
    from indexer.query.request import InvalidRequest, parse_search_request

    requests, rejected = [], 0
    for text in queries:
        try:
            requests.append(parse_search_request({"q": text, **params}))
        except InvalidRequest:
            rejected += 1
    return requests, rejected


def measure_search(index_root: Path | None, queries: Sequence[str], per_page: int = 10, budget_seconds: float = 120,
                   engine: str | None = None) -> dict:
    """p50/p95/p99 of the engine's `search` over `queries` (stopping early when the time budget is spent);
    `engine` is an `--engine` value (default: the embedded engine on `index_root`)."""
    from indexer.engine import open_engine

    engine = open_engine(index_root, engine)
    requests, rejected = search_requests(queries, per_page=str(per_page))
    for request in requests[:WARMUP_QUERIES]:
        engine.search(request)

    timings: list[float] = []
    cpu_timings: list[float] = []
    empty = highlighted = 0
    deadline = time.monotonic() + budget_seconds
    for request in requests:
        if time.monotonic() > deadline:
            break
        started, cpu_started = time.perf_counter(), time.process_time()
        result = engine.search(request)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
        hits = result.get("hits") or []
        empty += not hits
        highlighted += any((hit.get("highlights") or {}).get("body") for hit in hits)
    if not timings:
        raise RuntimeError("no query could be timed")
    summary = latency_summary(timings)
    cpu = latency_summary(cpu_timings)
    summary.update({
        # CPU time of this process per query: on a shared machine it says what wall time cannot
        "cpu_p50_ms": cpu["p50_ms"], "cpu_p95_ms": cpu["p95_ms"], "cpu_mean_ms": cpu["mean_ms"],
        "queries_rejected": rejected,
        "queries_without_hits": empty,
        "queries_with_body_highlights": highlighted,
        "stopped_by_budget": len(timings) < len(requests),
    })
    return summary


def measure_expansion_cost(index_root: Path | None, queries: Sequence[str], per_page: int = 10,
                           budget_seconds: float = 120, engine: str | None = None) -> dict:
    """The cost of spelling-variant and synonym expansion in `search`: each query timed with `expand=0` and
    with expansion, back to back in alternating order, so that a busy machine slows both sides alike.

    Returns the two p50/p95, their ratios (expanded ÷ unexpanded) and how many queries were expanded at all.
    """
    from indexer.engine import open_engine

    engine = open_engine(index_root, engine)
    # whether a query is refused does not depend on `expand`, so the two lists pair up query by query
    pairs = list(zip(search_requests(queries, per_page=str(per_page), expand="0")[0],
                     search_requests(queries, per_page=str(per_page), expand="1")[0]))
    for pair in pairs[:WARMUP_QUERIES]:
        for request in pair:
            engine.search(request)

    plain: list[float] = []
    expanded: list[float] = []
    with_expansions = 0
    deadline = time.monotonic() + budget_seconds
    for turn, (unexpanded, request) in enumerate(pairs):
        if time.monotonic() > deadline:
            break
        order = ((unexpanded, plain), (request, expanded)) if turn % 2 else ((request, expanded), (unexpanded, plain))
        for timed, sink in order:
            started = time.perf_counter()
            result = engine.search(timed)
            sink.append(time.perf_counter() - started)
            if timed is request:
                with_expansions += bool(result.get("expansions"))
    if not plain:
        raise RuntimeError("no query could be timed")
    off, on = latency_summary(plain), latency_summary(expanded)
    return {"count": off["count"], "queries_expanded": with_expansions,
            "unexpanded_p50_ms": off["p50_ms"], "unexpanded_p95_ms": off["p95_ms"],
            "expanded_p50_ms": on["p50_ms"], "expanded_p95_ms": on["p95_ms"],
            "expansion_p50_ratio": round(on["p50_ms"] / off["p50_ms"], 3),
            "expansion_p95_ratio": round(on["p95_ms"] / off["p95_ms"], 3)}


def typed_prefixes(texts: Sequence[str], limit: int = 2000) -> list[str]:
    """What a reader sends while typing the headlines' first two words: every prefix, letter by letter."""
    prefixes: list[str] = []
    for text in texts:
        words = " ".join(text.split()[:2])
        prefixes.extend(words[:end] for end in range(1, len(words) + 1))
        if len(prefixes) >= limit:
            break
    return prefixes[:limit]


def measure_complete(index_root: Path | None, texts: Sequence[str], budget_seconds: float = 60,
                     engine: str | None = None) -> dict:
    """p50/p95/p99 of the engine's `complete` over the typed prefixes of `texts`, measured as `measure_search`
    measures search (the warm-up also builds the reader's completion table, untimed)."""
    from indexer.engine import open_engine
    from indexer.query.request import InvalidRequest, parse_complete_request

    engine = open_engine(index_root, engine)
    requests = []
    for text in typed_prefixes(texts):
        try:
            requests.append(parse_complete_request({"q": text}))
        except InvalidRequest:
            pass
    for request in requests[:WARMUP_QUERIES]:
        engine.complete(request)
    timings: list[float] = []
    deadline = time.monotonic() + budget_seconds
    for request in requests:
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        engine.complete(request)
        timings.append(time.perf_counter() - started)
    if not timings:
        raise RuntimeError("no completion could be timed")
    return latency_summary(timings)
