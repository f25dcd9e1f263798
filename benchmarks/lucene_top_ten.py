"""The second Lucene peer: a page of 10 hits with stored fields, and the same page with highlights.

The shared anchor times top-100 searches that return only document numbers, while our search() returns
a page of 10 hits with their stored summaries and highlighted title and body. `lucene_top_ten/TopTen.java`
does our work in Lucene (ArabicAnalyzer, BM25, `UnifiedHighlighter` on offsets in the postings), so the
search table can give both ratios. It needs the same jars as the anchor plus Debian's highlighter and
the modules it calls; without them the figures are skipped, saying why.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from benchmarks.peer import Peer, jar_directory, last_json_object
from indexer.eval import read_jsonl

SOURCE = Path(__file__).with_name("lucene_top_ten") / "TopTen.java"
JARS = ("lucene-core", "lucene-analyzers-common", "lucene-highlighter", "lucene-memory", "lucene-queries")
PASSES = 3  # the first passes warm the JVM (its JIT) and the page cache; the last is timed


def class_path(jar_dir: Path) -> str:
    """The newest versioned jar of each module, joined for -cp; FileNotFoundError names a missing one."""
    found = []
    for name in JARS:
        candidates = sorted(jar_dir.glob(f"{name}-[0-9]*.jar"))
        if not candidates:
            raise FileNotFoundError(f"{name} jar not in {jar_dir}")
        found.append(str(candidates[-1]))
    return ":".join(found)


def tsv_cell(value) -> str:
    """One cell as TopTen.java reads it: backslash, tab and newline escaped."""
    return str(value or "").replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", " ")


def write_inputs(corpus: Path, queries: list[str], directory: Path) -> tuple[Path, Path]:
    docs_path, queries_path = directory / f"top-ten-{corpus.stem}.tsv", directory / "top-ten-queries.txt"
    with open(docs_path, "w", encoding="utf-8") as out:
        for record in read_jsonl(corpus):
            cells = (record.get("id"), record.get("title"), record.get("text") or record.get("body"),
                     record.get("url"), record.get("source"))
            out.write("\t".join(tsv_cell(cell) for cell in cells) + "\n")
    queries_path.write_text("".join(" ".join(q.split()) + "\n" for q in queries), encoding="utf-8")
    return docs_path, queries_path


def run_top_ten(peer: Peer, corpus: Path, queries: list[str], directory: Path,
                timeout: float = 1800) -> dict:
    """Compile TopTen.java (once per work directory) and time its pages on `corpus` for `queries`."""
    if not peer.available:
        raise RuntimeError(peer.reason)
    classes = directory / "top-ten-classes"
    path = class_path(jar_directory())
    if not (classes / "TopTen.class").exists():
        classes.mkdir(parents=True, exist_ok=True)
        subprocess.run(["javac", "-encoding", "UTF-8", "-cp", path, "-d", str(classes), str(SOURCE)],
                       check=True, capture_output=True, text=True, timeout=300)
    docs_path, queries_path = write_inputs(corpus, queries, directory)
    completed = subprocess.run(
        ["java", "-Xmx2g", "-cp", f"{classes}:{path}", "TopTen", str(docs_path), str(queries_path), str(PASSES)],
        capture_output=True, text=True, timeout=timeout, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"TopTen failed ({completed.returncode}): {completed.stderr.strip()[-500:]}")
    return last_json_object(completed.stdout)
