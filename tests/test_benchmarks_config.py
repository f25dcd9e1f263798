"""Benchmark command-line choices: sections and corpus sizes parsed the way a developer types them."""
import pytest

from benchmarks.__main__ import build_parser, config_from_args
from benchmarks.config import FULL_CORPUS, parse_sections, parse_sizes


def test_parse_sizes_accepts_suffixes_and_sorts():
    assert parse_sizes("100k, 10k,31525,10000") == (10_000, 31_525, 100_000)
    assert parse_sizes("0.1m") == (100_000,)


@pytest.mark.parametrize("text", ["", "0", "-5", "ten"])
def test_parse_sizes_rejects_nonsense(text):
    with pytest.raises(ValueError):
        parse_sizes(text)


def test_parse_sections_keeps_run_order_and_rejects_unknown_names():
    assert parse_sections("http,quality") == ("quality", "http")
    with pytest.raises(ValueError, match="latency"):
        parse_sections("latency")


def test_quick_profile_is_small_and_full_serves_the_whole_corpus(tmp_path):
    quick = config_from_args(build_parser().parse_args(["--quick", "--shared", str(tmp_path)]))
    assert max(quick.run_sizes) <= 5_000
    assert quick.run_eval_sets == ("arcd",)
    full = config_from_args(build_parser().parse_args(["--shared", str(tmp_path)]))
    assert full.run_sizes == (10_000, FULL_CORPUS, 100_000)
    assert full.served_size == FULL_CORPUS
    assert full.corpus == tmp_path / "corpus" / "ant-v2.1.jsonl.gz"


def test_redraw_prints_the_table_and_chart_of_saved_results_without_measuring(tmp_path, capsys):
    import json

    from benchmarks.__main__ import main

    saved = tmp_path / "bench-results.json"
    saved.write_text(json.dumps({"index": [{"docs": 1000, "seconds": 2.0, "docs_per_s": 500.0}],
                                 "skipped": [], "failed": []}), encoding="utf-8")
    chart = tmp_path / "chart.png"
    assert main(["--redraw", "--output", str(saved), "--chart", str(chart), "--shared", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ours docs/s" in out and "500" in out
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_only_a_run_with_every_section_redraws_the_tracked_chart():
    from benchmarks.__main__ import chart_is_due
    from benchmarks.config import SECTION_NAMES

    every = {name: {} for name in SECTION_NAMES} | {"meta": {}, "skipped": [], "failed": []}
    assert chart_is_due(every, redraw=False)
    assert not chart_is_due({"analyzer": {}, "meta": {}, "skipped": [], "failed": []}, redraw=False)
    assert chart_is_due({"index": []}, redraw=True)


def test_sizes_beyond_ant_take_jawharafm_next_when_it_is_there(tmp_path):
    config = config_from_args(build_parser().parse_args(["--shared", str(tmp_path)]))
    assert config.corpora == (tmp_path / "corpus" / "ant-v2.1.jsonl.gz",)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "ant-jawharafm-v1.1.jsonl.gz").write_bytes(b"")
    assert config.corpora[1] == tmp_path / "corpus" / "ant-jawharafm-v1.1.jsonl.gz"
    own = config_from_args(build_parser().parse_args(["--shared", str(tmp_path), "--corpus", str(tmp_path / "x")]))
    assert own.corpora == (tmp_path / "x",)
