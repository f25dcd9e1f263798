"""The printed benchmark table: ours beside Lucene, ratios, and honest blanks when the peer was skipped."""
from benchmarks.report import format_grid, format_report, ratio

RESULTS = {
    "quality": {"arcd": {
        "whoosh-standard": {"mrr@10": 0.61, "recall@100": 0.95, "ndcg@10": 0.66},
        "light10": {"mrr@10": 0.78, "recall@100": 0.98, "ndcg@10": 0.81},
        "arabic": {"mrr@10": 0.84, "recall@100": 0.99, "ndcg@10": 0.87},
        "lucene-arabic": {"mrr@10": 0.80, "recall@100": 0.98, "ndcg@10": 0.84},
    }},
    "analyzer": {"arabic": {"tokens": 1000, "tokens_per_s": 500_000.0, "warm_tokens_per_s": 900_000.0},
                 "lucene-arabic": {"tokens": 990, "tokens_per_s": 1_000_000.0}},
    "index": [{"docs": 10_000, "summary": {"indexed": 9_600}, "seconds": 4.0, "docs_per_s": 2500.0, "peak_rss_mib": 300.0,
               "lucene_docs_per_s": 5000.0}],
    "search": [{"docs": 10_000, "count": 2000, "p50_ms": 4.0, "p95_ms": 12.0,
                "lucene_p50_ms": 0.8, "lucene_p95_ms": 2.4}],
    "http": {"docs": 31_525, "tool": "wrk", "workers": 2, "concurrency": 16, "seconds": 60.0, "requests": 12000,
             "requests_per_s": 200.0, "p50_ms": 50.0, "p99_ms": 150.0, "errors": 0,
             "worker_rss_mib": [410.2, 433.9], "master_rss_mib": 61.0},
    "skipped": [],
}


def _row(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(label))
    return line.split()


def test_ratio_is_ours_over_peer_and_blank_when_a_side_is_missing():
    assert ratio(2.0, 4.0) == 0.5
    assert ratio(None, 4.0) is None
    assert ratio(2.0, None) is None
    assert ratio(2.0, 0) is None


def test_format_grid_aligns_columns():
    text = format_grid(["name", "value"], [["a", "1"], ["long name", "12,345"]])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1  # every line padded to the same width
    assert lines[2].endswith("     1")  # numbers right-aligned


def test_report_puts_lucene_beside_ours_with_ratios():
    text = format_report(RESULTS)
    assert _row(text, "arcd MRR@10") == ["arcd", "MRR@10", "0.610", "0.780", "0.840", "0.800", "1.05×"]
    assert _row(text, "arabic") == ["arabic", "1,000", "500,000", "1,000,000", "0.50×", "900,000"]
    assert _row(text, "10,000  ")[:8] == ["10,000", "9,600", "4.0", "1.00×", "2,500", "300", "5,000", "0.50×"]
    search_row = [line for line in text.splitlines() if line.startswith("10,000") and "2,000" in line][0]
    assert search_row.split()[-2:] == ["5.00×", "5.00×"]
    assert "wrk" in text and "200" in text


def test_report_shows_how_time_grows_with_corpus_size():
    results = {
        "index": [{"docs": 10_000, "seconds": 4.0, "docs_per_s": 2500.0},
                  {"docs": 100_000, "seconds": 48.0, "docs_per_s": 2083.3}],
        "search": [{"docs": 10_000, "count": 10, "p50_ms": 2.0, "p95_ms": 5.0},
                   {"docs": 100_000, "count": 10, "p50_ms": 7.0, "p95_ms": 20.0}],
    }
    text = format_report(results)
    assert _row(text, "100,000")[3] == "12.00×"  # indexing time, 10× the docs
    search_row = [line for line in text.splitlines() if line.startswith("100,000")][1]
    assert search_row.split()[4] == "3.50×"  # p50 latency


def test_report_without_peer_prints_blanks_and_the_skip_reason():
    results = {
        "index": [{"docs": 1000, "seconds": 1.0, "docs_per_s": 1000.0, "peak_rss_mib": 100.0,
                   "lucene_docs_per_s": None}],
        "skipped": ["Lucene peer skipped: java and javac not on PATH"],
        "failed": ["http: server exited"],
    }
    text = format_report(results)
    assert _row(text, "1,000")[-2:] == ["–", "–"]
    assert "skipped: Lucene peer skipped: java and javac not on PATH" in text
    assert "FAILED: http: server exited" in text


def test_report_gives_each_gunicorn_worker_its_resident_memory():
    assert "410 / 434 (61)" in format_report(RESULTS)


def test_report_of_nothing_says_so():
    assert format_report({}) == "no results"


def test_report_gives_the_cost_of_expansion_as_ratios_to_expand_0_and_to_lucene():
    results = {"search": [{"docs": 10_000, "count": 100, "p50_ms": 4.4, "p95_ms": 9.0, "lucene_p50_ms": 1.0,
                           "unexpanded_p50_ms": 4.0, "expanded_p50_ms": 4.4, "expansion_p50_ratio": 1.1,
                           "expansion_p95_ratio": 1.05, "queries_expanded": 40}]}
    text = format_report(results)
    block = text.split("== Cost of spelling-variant")[1]
    row = next(line for line in block.splitlines() if line.startswith("10,000")).split()
    assert row == ["10,000", "40", "4.00", "4.40", "1.10×", "1.05×", "4.00×", "4.40×"]


def test_report_leaves_out_the_expansion_table_when_it_was_not_measured():
    assert "Cost of spelling-variant" not in format_report(RESULTS)


def test_report_sets_our_search_beside_lucene_doing_the_same_work():
    results = {"search": [{"docs": 10_000, "count": 100, "p50_ms": 4.0, "p95_ms": 9.0, "lucene_p50_ms": 1.0,
                           "lucene_top10_p50_ms": 0.5, "lucene_top10_p95_ms": 1.5,
                           "lucene_top10_highlight_p50_ms": 2.0, "lucene_top10_highlight_p95_ms": 3.0}]}
    block = format_report(results).split("== Search beside Lucene doing the same work")[1]
    row = next(line for line in block.splitlines() if line.startswith("10,000")).split()
    assert row == ["10,000", "4.00", "9.00", "0.50", "1.50", "2.00", "3.00", "2.00×", "3.00×"]


def test_report_leaves_out_the_same_work_table_when_lucene_top_ten_did_not_run():
    assert "doing the same work" not in format_report(RESULTS)
