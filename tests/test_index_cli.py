"""The reindex/add/delete/stats commands through click: summaries, exit codes, and messages.

The commands that only name an index run against both engines (`target`): the embedded one by `--index`,
the cluster one (marked cluster) by `--engine` on a fresh alias of the session's cluster.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_app.cli import cli
from search_app.cli.index_commands import EXIT_BUSY, EXIT_NO_INDEX, EXIT_STRICT
from indexer.storage.store import IndexStore
from indexer.storage.writer_lock import writer_lock


def feed(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


# "Gold prices rose" / "The team won the final" (bbc, economy / cnn, sport)
GOLD = {"id": "g1", "title": "الذهب", "text": "ارتفعت أسعار الذهب", "source": "bbc", "category": "economy", "date": "2018-05-01"}
FINAL = {"id": "f1", "title": "النهائي", "text": "فاز الفريق بالنهائي", "source": "cnn", "category": "sport", "date": "2018-07-15"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(params=["whoosh", pytest.param("opensearch", marks=pytest.mark.cluster)])
def target(request, tmp_path):
    """The options that name a fresh, not yet built index of one engine."""
    if request.param == "whoosh":
        return ["--index", str(tmp_path / "ix")]
    cluster = request.getfixturevalue("opensearch_cluster")
    return ["--engine", f"opensearch+{cluster.url}/cli-{uuid.uuid4().hex[:10]}"]


def test_reindex_prints_summary_with_skips_and_exits_zero(tmp_path, target):
    source = feed(tmp_path / "f.jsonl", [GOLD, FINAL])
    with source.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = run("reindex", str(source), *target)
    assert result.exit_code == 0, result.output
    assert "indexed 2, updated 0, duplicates 0, skipped 1" in result.output
    assert f"skipped {source}:3: malformed JSON" in result.output


def test_reindex_strict_exits_3_and_keeps_nothing(tmp_path, target):
    source = feed(tmp_path / "f.jsonl", [GOLD, {"id": "x"}])
    result = run("reindex", str(source), *target, "--strict")
    assert result.exit_code == EXIT_STRICT
    assert "missing text" in result.output and "nothing was changed" in result.output
    assert run("stats", *target).exit_code == EXIT_NO_INDEX  # nothing was published


def test_reindex_while_another_writer_runs_exits_4_with_message(tmp_path):
    root = tmp_path / "ix"
    with writer_lock(root):
        result = run("reindex", str(feed(tmp_path / "f.jsonl", [GOLD])), "--index", str(root))
    assert result.exit_code == EXIT_BUSY
    assert "already running" in result.output


def test_index_location_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ARABIC_SEARCH_INDEX", str(tmp_path / "env-ix"))
    assert run("reindex", str(feed(tmp_path / "f.jsonl", [GOLD]))).exit_code == 0
    assert IndexStore(tmp_path / "env-ix").doc_count() == 1


def test_add_delete_and_stats_round_trip(tmp_path, target):
    assert run("reindex", str(feed(tmp_path / "a.jsonl", [GOLD])), *target).exit_code == 0
    changed = {**GOLD, "title": "الذهب يتراجع", "text": "تراجعت أسعار الذهب"}  # "gold falls"
    result = run("add", str(feed(tmp_path / "b.jsonl", [changed, FINAL])), *target)
    assert "indexed 1, updated 1" in result.output

    stats = json.loads(run("stats", *target, "--json").output)
    assert stats["documents"] == 2
    assert stats["sources"] == {"bbc": 1, "cnn": 1}
    assert stats["categories"] == {"economy": 1, "sport": 1}
    assert stats["date_range"] == ["2018-05-01T00:00:00", "2018-07-15T00:00:00"]
    assert stats["size_bytes"] > 0 and stats["updated"]

    result = run("delete", "g1", "missing-id", *target)
    assert result.exit_code == 0
    assert "deleted 1, not found 1" in result.output and "not found: missing-id" in result.output
    assert "documents:  1" in run("stats", *target).output


def test_field_mapping_and_boilerplate_options(tmp_path, target):
    source = feed(tmp_path / "f.jsonl", [{"key": "k1", "body": "الخبر\nحمّل تطبيقنا"}])  # "the news / get our app"
    patterns = tmp_path / "extra.txt"
    patterns.write_text("حمّل تطبيقنا\n", encoding="utf-8")
    result = run("reindex", str(source), *target, "--field", "id=key", "--field", "text=body",
                 "--boilerplate", str(patterns))
    assert result.exit_code == 0, result.output
    found = json.loads(run("search", "الخبر", *target, "--json").output)
    assert [hit["id"] for hit in found["hits"]] == ["k1"]
    assert "تطبيقنا" not in json.dumps(found, ensure_ascii=False)  # the boilerplate line was dropped


def test_search_fresh_orders_equal_matches_newest_first_and_0_by_relevance_alone(tmp_path, target):
    # a rise in gold prices "this morning" and "this evening" (equally relevant; the same body would be
    # indexed once), on two days; "early" is read first, so it wins the tie
    early = {**GOLD, "id": "early", "text": "ارتفعت أسعار الذهب صباحا", "date": "2018-01-01"}
    late = {**GOLD, "id": "late", "text": "ارتفعت أسعار الذهب مساء", "date": "2018-05-01"}
    assert run("reindex", str(feed(tmp_path / "f.jsonl", [early, late, FINAL])), *target).exit_code == 0

    def ids(*options):
        result = run("search", "الذهب", *target, "--json", *options)
        assert result.exit_code == 0, result.output
        return [hit["id"] for hit in json.loads(result.output)["hits"]]

    assert ids() == ids("--fresh", "1") == ids("--fresh", "30d") == ["late", "early"]
    assert ids("--fresh", "0") == ["early", "late"]
    bad = run("search", "الذهب", *target, "--fresh", "soon")
    assert bad.exit_code == 2 and "fresh must be" in bad.output


def test_bad_field_mapping_is_a_usage_error(tmp_path):
    result = run("reindex", str(feed(tmp_path / "f.jsonl", [GOLD])), "--index", str(tmp_path / "ix"), "--field", "nope")
    assert result.exit_code == 2
    assert "bad field mapping" in result.output


def test_stats_and_add_without_index_exit_5_naming_the_path(tmp_path, target):
    result = run("stats", *target)
    assert result.exit_code == EXIT_NO_INDEX
    assert target[1].rsplit("/", 1)[-1] in result.output and "arabic-search reindex" in result.output
    result = run("add", str(feed(tmp_path / "f.jsonl", [GOLD])), *target)
    assert result.exit_code == EXIT_NO_INDEX


def test_help_documents_exit_codes():
    for command in ("reindex", "add", "delete", "stats"):
        output = run(command, "--help").output
        assert "Exit codes:" in output and "already running" in output


def test_non_interactive_run_prints_plain_lines_not_a_bar(tmp_path, target):
    result = run("reindex", str(feed(tmp_path / "f.jsonl", [GOLD])), *target)
    assert "\r" not in result.output
    assert result.output.startswith("indexed 1")


def test_the_command_tree_runs_as_a_module_too():
    """`python -m search_app.cli` is how the HTTP benchmark starts `serve`; it must stay the same tree."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "search_app.cli", "--help"], capture_output=True, text=True,
                          timeout=60, check=True)
    assert all(name in done.stdout for name in ("reindex", "add", "delete", "stats", "search", "eval", "serve"))
