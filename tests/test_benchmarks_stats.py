"""Percentiles and rates of the benchmark: the one place every latency figure is computed."""
import pytest

from benchmarks.stats import latency_summary, percentile, rate

PERCENTILE_CASES = [  # (values, p, expected) – numpy's default linear interpolation
    ([5.0], 50, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
    ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
    ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
    ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # order of the sample does not matter
    (list(range(1, 21)), 95, 19.05),  # 20 samples: p95 lies between the two slowest
]


@pytest.mark.parametrize("values, p, expected", PERCENTILE_CASES)
def test_percentile_interpolates_like_numpy(values, p, expected):
    assert percentile(values, p) == pytest.approx(expected)


def test_percentile_matches_numpy_on_an_irregular_sample():
    numpy = pytest.importorskip("numpy")
    sample = [0.3, 12.0, 0.9, 4.4, 4.4, 7.1, 0.05, 2.2, 9.9]
    for p in (1, 50, 90, 95, 99):
        assert percentile(sample, p) == pytest.approx(float(numpy.percentile(sample, p)))


def test_percentile_refuses_an_empty_sample_and_a_bad_rank():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_reports_milliseconds():
    summary = latency_summary([0.001, 0.002, 0.003, 0.004])
    assert summary["count"] == 4
    assert summary["p50_ms"] == pytest.approx(2.5)
    assert summary["max_ms"] == pytest.approx(4.0)
    assert summary["mean_ms"] == pytest.approx(2.5)


def test_rate_is_none_without_measured_time():
    assert rate(100, 4.0) == 25.0
    assert rate(100, 0.0) is None
