"""A benchmark run end to end on a tiny in-repo corpus: sections run, results saved, a missing peer skipped."""
import json

from benchmarks.config import PROFILES, BenchConfig
from benchmarks.corpus import write_jsonl
from benchmarks.runner import run_benchmarks

# "the minister visited Washington" / "the visit was postponed": enough text for the analyzers to chew
ARTICLES = [
    {"id": f"n{i}", "title": "زيارة الوزير", "text": "زار الوزير واشنطن وتأجلت الزيارة " * 5} for i in range(20)
]


def _config(tmp_path, sections):
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(ARTICLES, corpus)
    return BenchConfig(
        shared=tmp_path / "no-shared",
        lucene_script=tmp_path / "no-peer" / "run.sh",
        profile=PROFILES["quick"],
        sections=sections,
        output=tmp_path / "bench-results.json",
        corpus_override=corpus,
    )


def test_run_without_peer_measures_ours_and_says_the_peer_was_skipped(tmp_path):
    lines = []
    results = run_benchmarks(_config(tmp_path, ("analyzer",)), log=lines.append)
    assert results["failed"] == []
    assert any("Lucene peer skipped" in note and "not found" in note for note in results["skipped"])
    assert set(results["analyzer"]) == {"light10", "arabic"}
    assert all(row["tokens"] > 0 and row["tokens_per_s"] > 0 for row in results["analyzer"].values())
    assert results["analyzer"]["arabic"]["warm_tokens_per_s"] > 0  # memoizing: its second pass is timed too
    saved = json.loads((tmp_path / "bench-results.json").read_text(encoding="utf-8"))
    assert saved["analyzer"] == results["analyzer"]
    assert saved["meta"]["peer"]["available"] is False


def test_a_failing_section_is_reported_and_the_run_goes_on(tmp_path):
    # quality needs ../shared/eval, which this config points at a missing directory
    results = run_benchmarks(_config(tmp_path, ("analyzer", "quality")), log=lambda line: None)
    assert "analyzer" in results
    assert len(results["failed"]) == 1 and results["failed"][0].startswith("quality:")


def test_a_merged_run_keeps_the_sections_it_did_not_measure(tmp_path):
    previous = {"meta": {"measured": {"http": {"finished": "2026-01-01T00:00:00+00:00", "commit": "abc"}}},
                "http": {"docs": 100, "requests_per_s": 150.0}, "skipped": ["old note"], "failed": []}
    results = run_benchmarks(_config(tmp_path, ("analyzer",)), log=lambda line: None, previous=previous)
    assert results["http"] == previous["http"]
    assert "analyzer" in results
    assert set(results["meta"]["measured"]) == {"http", "analyzer"}
    assert "old note" not in results["skipped"]  # notes describe this run only


def test_an_index_kept_in_the_work_dir_is_reused_instead_of_rebuilt(tmp_path, monkeypatch):
    from dataclasses import replace

    from benchmarks import runner
    from benchmarks.peer import Peer
    from indexer.build.rebuild import rebuild_index

    work = tmp_path / "work"
    work.mkdir()
    config = replace(_config(tmp_path, ()), work_dir=work)
    rebuild_index([config.corpus], work / "index-20")  # what an earlier run left behind
    (work / "index-30").mkdir()  # a build killed before it published anything

    def no_build(*args):
        raise AssertionError("a kept index must not be rebuilt")

    monkeypatch.setattr(runner, "run_build", no_build)
    ws = runner.Workspace(config, work, Peer(tmp_path, False, "none"), [])
    assert ws.index_root(20) == work / "index-20"
    assert not ws._kept_index(work / "index-30")
    assert not runner.Workspace(replace(config, work_dir=None), work, ws.peer, [])._kept_index(work / "index-20")


def test_merge_rows_replaces_measured_sizes_and_keeps_the_others_in_size_order():
    from benchmarks.runner import merge_rows

    earlier = [{"docs": 10_000, "p50_ms": 5.0}, {"docs": 31_525, "p50_ms": 9.0}]
    merged = merge_rows(earlier, [{"docs": 100_000, "p50_ms": 20.0}, {"docs": 10_000, "p50_ms": 4.0}])
    assert merged == [{"docs": 10_000, "p50_ms": 4.0}, {"docs": 31_525, "p50_ms": 9.0},
                      {"docs": 100_000, "p50_ms": 20.0}]
    assert merge_rows(None, [{"docs": 1}]) == [{"docs": 1}]
