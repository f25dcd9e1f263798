"""The cluster engine measured beside the embedded one: a full reindex into a real 3-node OpenSearch cluster
on loopback (docs/s) and the same headline queries through the OpenSearch engine (p50/p95 ms).

The cluster is started for the section and stopped after it, whatever happens; its launcher must be built
(`make cluster-deps`, which `make bench` does).
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.search_latency import measure_search

CLUSTER_NODES = 3
HEAP = "512m"
ALIAS = "bench"


def measure_cluster(corpus: Path, docs: int, queries: Sequence[str], work_dir: Path, budget_seconds: float) -> dict:
    """Reindex `corpus` into a fresh 3-node cluster and time it, then time `queries` through that engine."""
    from cluster.local_cluster import LocalCluster
    from indexer.engine import open_engine

    with LocalCluster(nodes=CLUSTER_NODES, base_dir=work_dir / "cluster", heap=HEAP,
                      cluster_name="arabic-search-bench") as cluster:
        spec = f"opensearch+{cluster.url}/{ALIAS}"
        engine = open_engine(None, spec)
        started = time.perf_counter()
        summary = engine.rebuild([corpus])
        seconds = time.perf_counter() - started
        engine.close()
        search = measure_search(None, queries, budget_seconds=budget_seconds, engine=spec)
    return {
        "docs": docs,
        "nodes": CLUSTER_NODES,
        "indexed": summary.indexed,
        "seconds": round(seconds, 2),
        "docs_per_s": round(docs / seconds, 1),
        "p50_ms": search["p50_ms"],
        "p95_ms": search["p95_ms"],
        "queries": search["count"],
    }
