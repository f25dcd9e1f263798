"""The top-10 Lucene peer: its inputs escaped as TopTen.java reads them, a missing jar named, and a real run."""
from __future__ import annotations

import json
import shutil

import pytest

from benchmarks.lucene_top_ten import JARS, class_path, run_top_ten, tsv_cell, write_inputs
from benchmarks.peer import Peer, jar_directory

ARTICLES = [
    {"id": "a1", "title": "وزير الخارجية يزور القاهرة", "text": "زار وزير الخارجية القاهرة\tأمس لبحث العلاقات.",
     "url": "https://example.org/a1", "source": "one"},
    {"id": "a2", "title": "الأسواق المالية", "text": "ارتفعت الأسواق المالية في الخليج", "url": "", "source": "two"},
]


def test_cells_escape_backslash_tab_and_newline():
    assert tsv_cell("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd e"
    assert tsv_cell(None) == ""


def test_inputs_hold_one_line_per_article_and_per_query(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES), encoding="utf-8")
    docs, queries = write_inputs(corpus, ["وزير  الخارجية\n", "الأسواق"], tmp_path)
    rows = [line.split("\t") for line in docs.read_text(encoding="utf-8").splitlines()]
    assert [len(row) for row in rows] == [5, 5]
    assert rows[0][2] == "زار وزير الخارجية القاهرة\\tأمس لبحث العلاقات."
    assert queries.read_text(encoding="utf-8").splitlines() == ["وزير الخارجية", "الأسواق"]


def test_a_missing_jar_is_named(tmp_path):
    (tmp_path / "lucene-core-8.7.0.jar").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="lucene-analyzers-common"):
        class_path(tmp_path)


def test_an_unavailable_peer_is_refused_with_its_reason(tmp_path):
    with pytest.raises(RuntimeError, match="java not on PATH"):
        run_top_ten(Peer(tmp_path / "run.sh", False, "java not on PATH"), tmp_path / "c.jsonl", [], tmp_path)


def _lucene_here() -> bool:
    try:
        class_path(jar_directory())
    except FileNotFoundError:
        return False
    return bool(shutil.which("java") and shutil.which("javac"))


@pytest.mark.skipif(not _lucene_here(), reason=f"java or the Lucene jars ({', '.join(JARS)}) are not installed")
def test_a_real_run_times_pages_with_and_without_highlights(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES * 20), encoding="utf-8")
    result = run_top_ten(Peer(tmp_path / "run.sh", True), corpus, ["وزير الخارجية", "الأسواق", "كلمة"], tmp_path)
    assert result["docs"] == 40 and result["queries"] == 3
    assert 0 < result["top10_p50_ms"] <= result["top10_p95_ms"]
    assert 0 < result["top10_highlight_p50_ms"] <= result["top10_highlight_p95_ms"]
