"""Runs the chosen sections in order, sharing corpora and built indexes between them, and saves results.

Each section adds its figures to one results dict, which is written to disk after every section, so
an interrupted run still leaves what it measured. A failing section is reported and the others go on.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

from benchmarks.analyzer_speed import measure_analyzer
from benchmarks.cluster_engine import measure_cluster
from benchmarks.config import MEMOIZING_ANALYZERS, QUALITY_ANALYZERS, SPEED_ANALYZERS, BenchConfig
from benchmarks.corpus import analyzer_texts, repeat_to_size, write_jsonl
from benchmarks.http_load import measure_http
from benchmarks.indexing import run_build
from benchmarks.lucene_top_ten import run_top_ten
from benchmarks.peer import Peer, analyze_throughput, check_peer, run_eval
from benchmarks.quality import measure_peer_quality, measure_quality
from benchmarks.report import PEER
from benchmarks.search_latency import measure_complete, measure_expansion_cost, measure_search
from indexer.eval import read_jsonl


class Workspace:
    """Scratch files of one run: sized corpora, their built indexes, and Lucene's run on each size."""

    def __init__(self, config: BenchConfig, directory: Path, peer: Peer, notes: list[str]):
        self.config = config
        self.directory = directory
        self.peer = peer
        self.notes = notes
        self.builds: dict[int, dict] = {}
        self._records: list[dict] | None = None
        self._peer_runs: dict[int, dict | None] = {}
        self._top_ten_runs: dict[int, dict | None] = {}
        self._headlines: list[dict] | None = None

    def records(self) -> list[dict]:
        if self._records is None:
            self._records = [record for path in self.config.corpora for record in read_jsonl(path)]
        return self._records

    def corpus_file(self, size: int) -> Path:
        path = self.directory / f"corpus-{size}.jsonl"
        if not path.exists():
            write_jsonl(repeat_to_size(self.records(), size), path)
        return path

    def index_root(self, size: int) -> Path:
        """The index root for `size`, built (and its build measured) on first use.

        With a kept `--work-dir`, an index an earlier run left there is reused by search and http;
        the index section always measures a fresh build.
        """
        root = self.directory / f"index-{size}"
        if size not in self.builds and not self._kept_index(root):
            self.builds[size] = run_build(self.corpus_file(size), root, size, self.config.repo_root)
        return root

    def _kept_index(self, root: Path) -> bool:
        if self.config.work_dir is None or not root.exists():
            return False
        from indexer.storage.store import IndexStore
        from indexer.errors import IndexUnavailable

        try:
            return IndexStore(root).doc_count() > 0
        except IndexUnavailable:
            return False

    def headlines(self) -> list[dict]:
        if self._headlines is None:
            rows = read_jsonl(self.config.headline_queries)
            self._headlines = list(islice(rows, self.config.profile.query_limit))
        return self._headlines

    def headline_file(self) -> Path:
        path = self.directory / "headline-queries.jsonl"
        if not path.exists():
            write_jsonl(self.headlines(), path)
        return path

    def peer_run(self, size: int) -> dict | None:
        """Lucene's eval on the same sized corpus and headline queries: its docs/s and query p50/p95."""
        if not self.peer.available:
            return None
        if size not in self._peer_runs:
            self._peer_runs[size] = self.try_peer(
                f"Lucene run at {size} docs", run_eval, self.peer, self.corpus_file(size), self.headline_file())
        return self._peer_runs[size]

    def top_ten_run(self, size: int) -> dict | None:
        """Lucene doing our search's work on the same corpus and queries: pages of 10, with and without highlights."""
        if not self.peer.available:
            return None
        if size not in self._top_ten_runs:
            texts = [row.get("text") or "" for row in self.headlines()]
            self._top_ten_runs[size] = self.try_peer(
                f"Lucene top-10 run at {size} docs", run_top_ten, self.peer, self.corpus_file(size), texts,
                self.directory)
        return self._top_ten_runs[size]

    def try_peer(self, what: str, call: Callable, *args):
        try:
            return call(*args)
        except Exception as error:  # the peer is a guest: its failure must not sink our figures
            self.notes.append(f"{what} failed: {error}")
            return None


def merge_rows(earlier: list[dict] | None, measured: list[dict]) -> list[dict]:
    """Per-size rows: this run's replace earlier ones of the same size; the rest are kept (by size)."""
    by_size = {row["docs"]: row for row in earlier or []}
    by_size.update({row["docs"]: row for row in measured})
    return [by_size[size] for size in sorted(by_size)]


def run_analyzer(results: dict, ws: Workspace) -> None:
    texts = list(analyzer_texts(islice(ws.records(), ws.config.profile.analyzer_docs)))
    speeds = {name: measure_analyzer(name, texts, second_pass=name in MEMOIZING_ANALYZERS)
              for name in SPEED_ANALYZERS}
    if ws.peer.available:
        peer = ws.try_peer("Lucene analyze", analyze_throughput, ws.peer, texts, "arabic")
        if peer:
            speeds[PEER] = {"analyzer": PEER, "texts": len(texts), **peer}
    results["analyzer"] = speeds


def run_quality(results: dict, ws: Workspace) -> None:
    quality = results.setdefault("quality", {})
    for set_name in ws.config.run_eval_sets:
        set_dir = ws.config.eval_dir(set_name)
        engines = measure_quality(set_dir, QUALITY_ANALYZERS)
        if ws.peer.available:
            peer = ws.try_peer(f"Lucene eval on {set_name}", measure_peer_quality, ws.peer, set_dir)
            if peer:
                engines[PEER] = peer
        quality[set_name] = engines


def run_index(results: dict, ws: Workspace) -> None:
    rows = []
    for size in ws.config.run_sizes:
        ws.builds.pop(size, None)  # this section always measures a fresh build
        shutil.rmtree(ws.directory / f"index-{size}", ignore_errors=True)
        ws.index_root(size)
        row = dict(ws.builds[size])
        peer = ws.peer_run(size) or {}
        row["lucene_docs_per_s"] = peer.get("docs_per_s")
        rows.append(row)
        results["index"] = merge_rows(results.get("index"), rows)


EXPANSION_KEYS = ("unexpanded_p50_ms", "expanded_p50_ms", "expansion_p50_ratio", "expansion_p95_ratio",
                  "queries_expanded")

TOP_TEN_KEYS = ("top10_p50_ms", "top10_p95_ms", "top10_highlight_p50_ms", "top10_highlight_p95_ms")


def run_search(results: dict, ws: Workspace) -> None:
    texts = [row.get("text") or "" for row in ws.headlines()]
    rows = []
    for size in ws.config.run_sizes:
        row = {"docs": size, **measure_search(ws.index_root(size), texts,
                                              budget_seconds=ws.config.profile.search_budget_seconds)}
        completion = measure_complete(ws.index_root(size), texts,
                                      budget_seconds=ws.config.profile.search_budget_seconds)
        row["complete_p50_ms"], row["complete_p95_ms"] = completion["p50_ms"], completion["p95_ms"]
        cost = measure_expansion_cost(ws.index_root(size), texts,
                                      budget_seconds=ws.config.profile.search_budget_seconds)
        row.update({key: cost[key] for key in EXPANSION_KEYS})
        peer = ws.peer_run(size) or {}
        row["lucene_p50_ms"] = peer.get("query_p50_ms")
        row["lucene_p95_ms"] = peer.get("query_p95_ms")
        row.update({f"lucene_{key}": value for key, value in (ws.top_ten_run(size) or {}).items()
                    if key in TOP_TEN_KEYS})
        rows.append(row)
        results["search"] = merge_rows(results.get("search"), rows)


def run_http(results: dict, ws: Workspace) -> None:
    size = ws.config.served_size
    texts = [row.get("text") or "" for row in ws.headlines()]
    measured = measure_http(ws.index_root(size), ws.config.repo_root, texts, ws.config.profile.http_seconds,
                            ws.config.concurrency, ws.config.workers, ws.directory)
    results["http"] = {"docs": size, **measured}


def run_cluster(results: dict, ws: Workspace) -> None:
    """The OpenSearch engine at the served size, beside the embedded engine and Lucene of the same run."""
    size = ws.config.served_size
    texts = [row.get("text") or "" for row in ws.headlines()]
    budget = ws.config.profile.search_budget_seconds
    embedded_root = ws.index_root(size)
    build = ws.builds.get(size) or {}
    embedded = measure_search(embedded_root, texts, budget_seconds=budget)
    row = measure_cluster(ws.corpus_file(size), size, texts, ws.directory, budget)
    peer = ws.peer_run(size) or {}
    row.update({"embedded_docs_per_s": build.get("docs_per_s"), "embedded_p50_ms": embedded["p50_ms"],
                "embedded_p95_ms": embedded["p95_ms"], "lucene_docs_per_s": peer.get("docs_per_s"),
                "lucene_p50_ms": peer.get("query_p50_ms"), "lucene_p95_ms": peer.get("query_p95_ms")})
    results["cluster"] = row


SECTION_RUNNERS: dict[str, Callable[[dict, Workspace], None]] = {
    "analyzer": run_analyzer,  # first: no earlier section has warmed the stemmer's memo
    "quality": run_quality,
    "index": run_index,
    "search": run_search,
    "http": run_http,
    "cluster": run_cluster,
}


def _git(repo_root: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=repo_root, capture_output=True, text=True, check=False)
    return completed.stdout.strip()


def run_metadata(config: BenchConfig, peer: Peer) -> dict:
    commit = _git(config.repo_root, "rev-parse", "--short", "HEAD")
    if commit and _git(config.repo_root, "status", "--porcelain", "--untracked-files=no"):
        commit += "+dirty"  # the measured tree had uncommitted changes
    return {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit or None,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "sections": list(config.sections),
        "sizes": list(config.run_sizes),
        "corpus": str(config.corpus),
        "peer": {"script": str(peer.script), "available": peer.available, "reason": peer.reason},
    }


def save_results(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def run_benchmarks(
    config: BenchConfig,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    previous: dict | None = None,
) -> dict:
    """Run every chosen section, saving results after each; `results['failed']` lists sections that broke.

    With `previous` (an earlier results file), sections not run now keep their earlier figures, so a
    long benchmark can be measured in parts; `meta.measured` says when and at which commit each was.
    """
    peer = check_peer(config.lucene_script)
    meta = run_metadata(config, peer)
    meta["measured"] = dict(((previous or {}).get("meta") or {}).get("measured") or {})
    results: dict = {**(previous or {}), "meta": meta, "skipped": [], "failed": []}
    if not peer.available:
        results["skipped"].append(f"Lucene peer skipped: {peer.reason}")
        log(f"Lucene peer skipped: {peer.reason}")
    directory = config.work_dir or Path(tempfile.mkdtemp(prefix="arabic-search-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    ws = Workspace(config, directory, peer, results["skipped"])
    try:
        for name in config.sections:
            log(f"[bench] {name} ...")
            started = time.perf_counter()
            try:
                SECTION_RUNNERS[name](results, ws)
            except Exception as error:
                results["failed"].append(f"{name}: {error}")
                log(f"[bench] {name} failed:\n{traceback.format_exc()}")
            log(f"[bench] {name} done in {time.perf_counter() - started:.1f}s")
            finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
            results["meta"]["finished"] = finished
            results["meta"]["measured"][name] = {"finished": finished, "commit": meta["commit"]}
            save_results(results, config.output)
    finally:
        if config.work_dir is None:
            shutil.rmtree(directory, ignore_errors=True)
    return results
