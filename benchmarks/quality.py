"""Retrieval quality: the production eval (`indexer.eval`) per analyzer, and Lucene on the same files."""
from __future__ import annotations

from pathlib import Path

from benchmarks.peer import Peer, run_eval

EVAL_FILES = {"docs": ("docs.jsonl", "docs.jsonl.gz"), "queries": ("queries.jsonl", "queries.jsonl.gz")}


def eval_files(set_dir: Path) -> tuple[Path, Path]:
    """The docs and queries files of an eval set directory (plain or gzipped, as ../shared/eval has them)."""
    found = {}
    for role, names in EVAL_FILES.items():
        candidates = [set_dir / name for name in names if (set_dir / name).is_file()]
        if not candidates:
            raise FileNotFoundError(f"{set_dir} has no {' or '.join(names)}")
        found[role] = candidates[0]
    return found["docs"], found["queries"]


def measure_quality(set_dir: Path, analyzer_names: tuple[str, ...]) -> dict:
    """MRR@10, Recall@100, nDCG@10 (and the rest of the eval's keys) per analyzer, by the production eval."""
    from indexer.eval import evaluate, load_docs, load_queries

    docs_path, queries_path = eval_files(set_dir)
    docs, queries = load_docs(docs_path), load_queries(queries_path)
    return {name: evaluate(docs, queries, name).as_json() for name in analyzer_names}


def measure_peer_quality(peer: Peer, set_dir: Path) -> dict:
    """Lucene ArabicAnalyzer + BM25 on the same two files, through `run.sh eval`."""
    docs_path, queries_path = eval_files(set_dir)
    return run_eval(peer, docs_path, queries_path, "arabic")
