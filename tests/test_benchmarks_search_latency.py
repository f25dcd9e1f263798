"""The benchmark's in-process timings on a small real index: the expansion cost pairs each query with expand=0."""
from benchmarks.corpus import write_jsonl
from benchmarks.search_latency import measure_expansion_cost
from indexer.engine import open_engine

# Instagram in three spellings, and a king whose query has no variant to add
ARTICLES = [
    {"id": "typed", "title": "تطبيق إنستغرام يطلق ميزة جديدة", "text": "أعلن تطبيق إنستغرام اليوم عن ميزة جديدة."},
    {"id": "variant", "title": "انستجرام يختبر خاصية للرسائل", "text": "بدأ انستجرام اختبار خاصية جديدة للرسائل."},
    {"id": "long-vowel", "title": "انستاغرام في تونس", "text": "يستعمل ملايين التونسيين تطبيق انستاغرام كل يوم."},
    {"id": "king", "title": "الملك يستقبل الوزير", "text": "استقبل الملك وزير الخارجية في القصر."},
]


def test_expansion_cost_times_each_query_both_ways_and_counts_the_expanded_ones(tmp_path):
    corpus = tmp_path / "articles.jsonl"
    write_jsonl(ARTICLES, corpus)
    open_engine(tmp_path / "index").rebuild([corpus])
    queries = ["إنستغرام", "الملك", "تطبيق انستجرام", ""] * 20

    cost = measure_expansion_cost(tmp_path / "index", queries, budget_seconds=30)

    assert cost["count"] == len(queries)  # every query timed once each way
    assert cost["queries_expanded"] == 40  # the two Instagram queries, not the king nor the empty query
    assert cost["unexpanded_p50_ms"] > 0 and cost["expanded_p50_ms"] > 0
    assert cost["expansion_p50_ratio"] == round(cost["expanded_p50_ms"] / cost["unexpanded_p50_ms"], 3)
