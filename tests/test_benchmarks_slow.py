"""`python -m benchmarks` for real on a tiny generated corpus: production builds, searches and gunicorn.

Slow (it forks index builds and a gunicorn server), so it runs only with `-m slow`. It needs no
../shared: the corpus is generated here and the peer is pointed at a missing script, which must be
skipped cleanly rather than fail the run.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import write_jsonl

REPO_ROOT = Path(__file__).resolve().parent.parent
# words: minister, Washington, visit, government, economy, match, team, city, company, president
WORDS = ["الوزير", "واشنطن", "الزيارة", "الحكومة", "الاقتصاد", "المباراة", "الفريق", "المدينة", "الشركة", "الرئيس"]


def _article(n: int) -> dict:
    body = " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(40)) + f" خبر{n}"  # "news item n"
    return {"id": f"doc-{n}", "title": f"{WORDS[n % len(WORDS)]} {WORDS[(n + 3) % len(WORDS)]}", "text": body,
            "date": "2018-05-01T10:00:00", "source": "BBC", "category": "economy", "url": f"https://x.test/{n}"}


@pytest.mark.slow
def test_benchmark_command_measures_index_search_and_http_without_peer(tmp_path):
    corpus, queries = tmp_path / "corpus.jsonl", tmp_path / "queries.jsonl"
    write_jsonl((_article(n) for n in range(40)), corpus)
    write_jsonl(({"id": f"q{n}", "text": f"{WORDS[n]} {WORDS[-n - 1]}", "relevant": ["doc-1"]}
                 for n in range(len(WORDS))), queries)
    output, chart = tmp_path / "results.json", tmp_path / "chart.png"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--sections", "index,search,http", "--sizes", "30,100",
         "--corpus", str(corpus), "--headlines", str(queries), "--http-seconds", "2", "--concurrency", "4",
         "--lucene", str(tmp_path / "missing" / "run.sh"), "--output", str(output), "--chart", str(chart)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(output.read_text(encoding="utf-8"))
    assert [row["docs"] for row in results["index"]] == [30, 100]
    assert results["index"][1]["summary"]["indexed"] == 100  # repeated copies are not dropped as duplicates
    assert all(row["docs_per_s"] > 0 and row["peak_rss_mib"] > 10 for row in results["index"])
    assert all(row["count"] == len(WORDS) and row["p50_ms"] > 0 for row in results["search"])
    assert results["search"][0]["queries_without_hits"] < len(WORDS)
    assert results["http"]["requests"] > 0 and results["http"]["errors"] == 0
    assert any("Lucene peer skipped" in note for note in results["skipped"])
    assert "ours docs/s" in completed.stdout and "Lucene peer skipped" in completed.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
