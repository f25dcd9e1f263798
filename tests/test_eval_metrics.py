"""Retrieval metrics on hand-computed rankings, and the `eval` command on a tiny shipped set."""
import gzip
import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_app.cli import cli
from indexer.eval import load_queries, ndcg_at, recall_at, reciprocal_rank, score_rankings

TINY = Path(__file__).parent / "data" / "eval-tiny"
REL = frozenset({"a", "b"})


@pytest.mark.parametrize(
    "ranked, expected",
    [(["a"], 1.0), (["x", "a"], 0.5), (["x", "y", "b", "a"], 1 / 3), (["x"] * 10 + ["a"], 0.0), ([], 0.0)],
)
def test_reciprocal_rank_uses_the_first_relevant_hit_within_ten(ranked, expected):
    assert reciprocal_rank(ranked, REL) == pytest.approx(expected)


def test_recall_counts_relevant_documents_found_within_k():
    ranked = ["x", "a", "y", "b"]
    assert recall_at(ranked, REL, 1) == 0.0
    assert recall_at(ranked, REL, 2) == 0.5
    assert recall_at(ranked, REL, 100) == 1.0


def test_ndcg_is_dcg_over_the_ideal_dcg():
    ranked = ["x", "a", "y", "b"]
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at(ranked, REL) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "b"], REL) == pytest.approx(1.0)
    assert ndcg_at(["x"] * 10 + ["a"], REL) == 0.0


def test_score_rankings_averages_over_queries():
    result = score_rankings("t", 3, [(["a"], frozenset({"a"})), (["x", "b"], frozenset({"b"}))])
    assert result.queries == 2
    assert result.mrr10 == pytest.approx(0.75)
    assert result.recall1 == pytest.approx(0.5)
    assert result.recall10 == pytest.approx(1.0)


def test_queries_without_relevant_documents_are_skipped():
    assert [q.id for q in load_queries(TINY / "queries.jsonl")] == ["q1", "q2", "q3", "q4", "q5"]


def test_eval_command_prints_one_json_line_per_analyzer():
    result = CliRunner().invoke(cli, ["eval", "--docs", str(TINY / "docs.jsonl"), "--queries",
                                      str(TINY / "queries.jsonl"), "--analyzer", "arabic", "--analyzer",
                                      "whoosh-standard", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["analyzer"] for row in rows] == ["arabic", "whoosh-standard"]
    for row in rows:
        assert {"docs", "queries", "mrr@10", "recall@1", "recall@10", "recall@100", "ndcg@10"} <= set(row)
        assert (row["docs"], row["queries"]) == (6, 5)
    # every tiny question names its paragraph's key words, so the Arabic analyzer ranks each one first
    assert rows[0]["mrr@10"] == 1.0 and rows[0]["recall@100"] == 1.0


def test_eval_command_reads_gzip_and_prints_a_table(tmp_path):
    docs = tmp_path / "docs.jsonl.gz"
    with gzip.open(docs, "wt", encoding="utf-8") as handle:
        handle.write((TINY / "docs.jsonl").read_text(encoding="utf-8"))
    queries = tmp_path / "queries.jsonl"
    shutil.copy(TINY / "queries.jsonl", queries)
    result = CliRunner().invoke(cli, ["eval", "--docs", str(docs), "--queries", str(queries)])
    assert result.exit_code == 0, result.output
    for label in ("MRR@10", "Recall@1", "Recall@10", "Recall@100", "nDCG@10", "docs", "queries", "index time"):
        assert label in result.output
    assert "arabic" in result.output


def test_eval_measures_each_freshness_asked_for_over_one_index(tmp_path):
    dates = tmp_path / "dates.jsonl"  # the tiny set's documents carry no date: date them from a "corpus"
    dates.write_text("".join(json.dumps({"id": f"d{i}", "date": f"2018-0{i}-01"}) + "\n" for i in range(1, 7)),
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--docs", str(TINY / "docs.jsonl"), "--queries",
                                      str(TINY / "queries.jsonl"), "--dates", str(dates), "--fresh", "0",
                                      "--fresh", "1", "--fresh", "30d", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["fresh"] for row in rows] == ["0", "7d", "30d"]
    assert len({row["index_seconds"] for row in rows}) == 1  # built once
    assert all(row["queries"] == 5 for row in rows)


def test_eval_refuses_a_bad_freshness_before_indexing():
    result = CliRunner().invoke(cli, ["eval", "--docs", str(TINY / "docs.jsonl"), "--queries",
                                      str(TINY / "queries.jsonl"), "--fresh", "weekly"])
    assert result.exit_code == 2 and "fresh must be" in result.output


def test_load_docs_takes_a_document_s_own_date_before_the_dates_file(tmp_path):
    from datetime import datetime
    from indexer.eval import load_dates, load_docs
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "a", "text": "نص", "date": "2018-02-18T21:35:43+04:00"}) + "\n"
                    + json.dumps({"id": "b", "text": "نص"}) + "\n" + json.dumps({"id": "c", "text": "نص"}) + "\n",
                    encoding="utf-8")
    dates = tmp_path / "dates.jsonl"
    dates.write_text(json.dumps({"id": "a", "date": "2000-01-01"}) + "\n" + json.dumps({"id": "b", "date": "2018-03-01"})
                     + "\n", encoding="utf-8")
    loaded = {doc.id: doc.published for doc in load_docs(docs, load_dates(dates))}
    assert loaded == {"a": datetime(2018, 2, 18, 17, 35, 43), "b": datetime(2018, 3, 1), "c": None}
