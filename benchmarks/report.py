"""The printed benchmark table: pure functions from the results dict to aligned text, ours beside Lucene."""
from __future__ import annotations

from collections.abc import Callable, Sequence

QUALITY_METRICS = (("mrr@10", "MRR@10"), ("recall@100", "R@100"), ("ndcg@10", "nDCG@10"))
OUR_ANALYZERS = ("whoosh-standard", "light10", "arabic")
PEER = "lucene-arabic"
MISSING = "–"


def fmt_int(value) -> str:
    return MISSING if value is None else f"{round(value):,}"


def fmt_metric(value) -> str:
    return MISSING if value is None else f"{value:.3f}"


def fmt_ms(value) -> str:
    if value is None:
        return MISSING
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def fmt_ratio(value) -> str:
    return MISSING if value is None else f"{value:.2f}×"


def ratio(ours, peer) -> float | None:
    """ours ÷ peer (or a size ÷ the first size), None when a side is missing: a skipped peer never prints 0×."""
    if ours is None or not peer:
        return None
    return ours / peer


def format_grid(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-align the first column, right-align the others, pad every column to its widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        parts = [str(cells[0]).ljust(widths[0])]
        parts += [str(cell).rjust(width) for cell, width in zip(cells[1:], widths[1:])]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def quality_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    quality = results.get("quality")
    if not quality:
        return None
    headers = ["set / metric", *OUR_ANALYZERS, "Lucene arabic", "arabic/Lucene"]
    rows = []
    for set_name, engines in quality.items():
        for key, label in QUALITY_METRICS:
            ours = [(engines.get(name) or {}).get(key) for name in OUR_ANALYZERS]
            peer = (engines.get(PEER) or {}).get(key)
            rows.append([f"{set_name} {label}", *map(fmt_metric, ours), fmt_metric(peer),
                         fmt_ratio(ratio(ours[-1], peer))])
    return "Quality (production eval vs run.sh eval arabic, BM25)", headers, rows


def analyzer_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    speeds = results.get("analyzer")
    if not speeds:
        return None
    peer = (speeds.get(PEER) or {}).get("tokens_per_s")
    headers = ["analyzer", "tokens", "ours tokens/s (first pass)", "Lucene arabic tokens/s", "ours/Lucene",
               "ours tokens/s (second pass, memos warm)"]
    rows = [[name, fmt_int(row.get("tokens")), fmt_int(row.get("tokens_per_s")), fmt_int(peer),
             fmt_ratio(ratio(row.get("tokens_per_s"), peer)), fmt_int(row.get("warm_tokens_per_s"))]
            for name, row in speeds.items() if name != PEER]
    return "Analyzer throughput (ant-v2.1 title + body)", headers, rows


def index_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    builds = results.get("index")
    if not builds:
        return None
    headers = ["docs", "indexed", "seconds", "time growth", "ours docs/s", "peak RSS MiB", "Lucene docs/s",
               "ours/Lucene"]
    first = builds[0]["seconds"]
    rows = [[fmt_int(row["docs"]), fmt_int((row.get("summary") or {}).get("indexed")), f"{row['seconds']:.1f}",
             fmt_ratio(ratio(row["seconds"], first)), fmt_int(row.get("docs_per_s")),
             fmt_int(row.get("peak_rss_mib")), fmt_int(row.get("lucene_docs_per_s")),
             fmt_ratio(ratio(row.get("docs_per_s"), row.get("lucene_docs_per_s")))]
            for row in builds]
    return "Indexing (full rebuild, fresh process each; docs/s counts input docs, duplicates indexed once)", \
        headers, rows


def search_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    runs = results.get("search")
    if not runs:
        return None
    headers = ["docs", "queries", "ours p50 ms", "ours p95 ms", "p50 growth", "completion p50 ms",
               "completion p95 ms", "Lucene p50 ms", "Lucene p95 ms", "p50 ours/Lucene", "p95 ours/Lucene"]
    first = runs[0].get("p50_ms")
    rows = [[fmt_int(row["docs"]), fmt_int(row.get("count")), fmt_ms(row.get("p50_ms")), fmt_ms(row.get("p95_ms")),
             fmt_ratio(ratio(row.get("p50_ms"), first)),
             fmt_ms(row.get("complete_p50_ms")), fmt_ms(row.get("complete_p95_ms")),
             fmt_ms(row.get("lucene_p50_ms")), fmt_ms(row.get("lucene_p95_ms")),
             fmt_ratio(ratio(row.get("p50_ms"), row.get("lucene_p50_ms"))),
             fmt_ratio(ratio(row.get("p95_ms"), row.get("lucene_p95_ms")))]
            for row in runs]
    return ("Search in process (ours: top 10 + highlights; Lucene: top 100, no highlights; completion: the engine's "
            "`complete` on the headlines' first two words typed letter by letter)", headers, rows)


def same_work_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    runs = [row for row in results.get("search") or () if row.get("lucene_top10_highlight_p50_ms") is not None]
    if not runs:
        return None
    headers = ["docs", "ours p50 ms", "ours p95 ms", "Lucene top 10 p50 ms", "Lucene top 10 p95 ms",
               "Lucene + highlights p50 ms", "Lucene + highlights p95 ms", "p50 ours/Lucene+hl",
               "p95 ours/Lucene+hl"]
    rows = [[fmt_int(row["docs"]), fmt_ms(row.get("p50_ms")), fmt_ms(row.get("p95_ms")),
             fmt_ms(row.get("lucene_top10_p50_ms")), fmt_ms(row.get("lucene_top10_p95_ms")),
             fmt_ms(row.get("lucene_top10_highlight_p50_ms")), fmt_ms(row.get("lucene_top10_highlight_p95_ms")),
             fmt_ratio(ratio(row.get("p50_ms"), row.get("lucene_top10_highlight_p50_ms"))),
             fmt_ratio(ratio(row.get("p95_ms"), row.get("lucene_top10_highlight_p95_ms")))]
            for row in runs]
    return ("Search beside Lucene doing the same work (a page of 10 with stored fields; then with title and body "
            "highlighted by UnifiedHighlighter: benchmarks/lucene_top_ten)", headers, rows)


def expansion_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    runs = [row for row in results.get("search") or () if row.get("expansion_p50_ratio") is not None]
    if not runs:
        return None
    headers = ["docs", "queries expanded", "expand=0 p50 ms", "expanded p50 ms", "p50 expanded/expand=0",
               "p95 expanded/expand=0", "p50 ours/Lucene expand=0", "p50 ours/Lucene expanded"]
    rows = [[fmt_int(row["docs"]), fmt_int(row.get("queries_expanded")), fmt_ms(row.get("unexpanded_p50_ms")),
             fmt_ms(row.get("expanded_p50_ms")), fmt_ratio(row.get("expansion_p50_ratio")),
             fmt_ratio(row.get("expansion_p95_ratio")),
             fmt_ratio(ratio(row.get("unexpanded_p50_ms"), row.get("lucene_p50_ms"))),
             fmt_ratio(ratio(row.get("expanded_p50_ms"), row.get("lucene_p50_ms")))]
            for row in runs]
    return ("Cost of spelling-variant and synonym expansion in search (each query with expand=0 and expanded, "
            "back to back in alternating order)", headers, rows)


def http_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    run = results.get("http")
    if not run:
        return None
    headers = ["docs", "tool", "workers", "concurrency", "seconds", "requests", "requests/s", "p50 ms", "p99 ms",
               "errors", "RSS MiB per worker (master)"]
    workers_rss = " / ".join(fmt_int(mib) for mib in run.get("worker_rss_mib") or ()) or MISSING
    if run.get("master_rss_mib") is not None:
        workers_rss += f" ({fmt_int(run['master_rss_mib'])})"
    rows = [[fmt_int(run.get("docs")), run.get("tool", MISSING), str(run.get("workers", MISSING)),
             str(run.get("concurrency", MISSING)), f"{run.get('seconds', 0):.0f}", fmt_int(run.get("requests")),
             fmt_int(run.get("requests_per_s")), fmt_ms(run.get("p50_ms")), fmt_ms(run.get("p99_ms")),
             fmt_int(run.get("errors")), workers_rss]]
    return "HTTP through gunicorn on loopback (no Lucene HTTP peer)", headers, rows


def cluster_section(results: dict) -> tuple[str, list[str], list[list[str]]] | None:
    run = results.get("cluster")
    if not run:
        return None
    headers = ["engine", "docs", "reindex docs/s", "search p50 ms", "search p95 ms", "docs/s ÷ Lucene",
               "p50 ÷ Lucene", "p95 ÷ Lucene"]
    lucene = (run.get("lucene_docs_per_s"), run.get("lucene_p50_ms"), run.get("lucene_p95_ms"))

    def row(name, docs_per_s, p50, p95):
        return [name, fmt_int(run.get("docs")), fmt_int(docs_per_s), fmt_ms(p50), fmt_ms(p95),
                fmt_ratio(ratio(docs_per_s, lucene[0])), fmt_ratio(ratio(p50, lucene[1])),
                fmt_ratio(ratio(p95, lucene[2]))]

    rows = [row(f"OpenSearch, {run.get('nodes')} nodes", run.get("docs_per_s"), run.get("p50_ms"), run.get("p95_ms")),
            row("embedded (Whoosh)", run.get("embedded_docs_per_s"), run.get("embedded_p50_ms"),
                run.get("embedded_p95_ms")),
            ["Lucene", fmt_int(run.get("docs")), fmt_int(lucene[0]), fmt_ms(lucene[1]), fmt_ms(lucene[2]),
             MISSING, MISSING, MISSING]]
    return ("Cluster engine on loopback (ours: top 10 + highlights through each engine; Lucene: top 100)",
            headers, rows)


SECTIONS: tuple[Callable[[dict], tuple | None], ...] = (
    quality_section, analyzer_section, index_section, search_section, same_work_section, expansion_section,
    http_section, cluster_section,
)


def format_report(results: dict) -> str:
    """The whole table: one titled grid per section that has results, then what was skipped and why."""
    blocks = []
    for build in SECTIONS:
        section = build(results)
        if section:
            title, headers, rows = section
            blocks.append(f"== {title} ==\n{format_grid(headers, rows)}")
    blocks += [f"skipped: {note}" for note in results.get("skipped", [])]
    blocks += [f"FAILED: {note}" for note in results.get("failed", [])]
    return "\n\n".join(blocks) if blocks else "no results"
