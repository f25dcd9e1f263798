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
