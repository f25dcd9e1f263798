"""The benchmark chart: a PNG is written from whatever sections a run produced, even none."""
from benchmarks.chart import write_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_chart_is_written_from_tiny_results(tmp_path):
    results = {
        "search": [{"docs": 1000, "p50_ms": 3.0, "p95_ms": 9.0, "lucene_p50_ms": 0.5, "lucene_p95_ms": 1.5},
                   {"docs": 3000, "p50_ms": 5.0, "p95_ms": 14.0, "lucene_p50_ms": None, "lucene_p95_ms": None}],
        "quality": {"arcd": {"light10": {"mrr@10": 0.78}, "arabic": {"mrr@10": 0.84},
                             "lucene-arabic": {"mrr@10": 0.80}}},
    }
    path = write_chart(results, tmp_path / "docs" / "chart.png")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5_000  # two drawn panels, not an empty canvas


def test_chart_of_an_empty_run_still_writes_a_png(tmp_path):
    path = write_chart({}, tmp_path / "chart.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)
