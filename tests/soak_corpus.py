"""Generated corpora for the soak and fault tests: the bundled sample repeated under new ids.

Each generated article carries a corpus marker word in its body and an id prefix, so that any search
response reveals which corpus it came from (a reindex under load must never mix two corpora). Bodies get
a per-copy tag so that the indexer's exact-duplicate detection keeps every copy.
"""
from __future__ import annotations

import json
from functools import lru_cache
from itertools import islice
from pathlib import Path

from analyzers import arabic_analyzer

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "index_data" / "sample" / "ant-v2.1-sample.jsonl"


def sample_rows() -> list[dict]:
    """The sample's JSONL records (313 ANT news articles), as read by the `reindex` command."""
    with SAMPLE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def corpus_rows(marker: str, count: int, body_words: int | None = None) -> list[dict]:
    """`count` records cycling through the sample, ids `<marker>-00000…`, each body tagged with `marker`.

    `body_words` cuts each body to its first words, for corpora that must build fast or stay small on disk.
    """
    rows = sample_rows()
    generated = []
    for number in range(count):
        row = dict(rows[number % len(rows)])
        text = row["text"] if body_words is None else " ".join(row["text"].split()[:body_words])
        copy = number // len(rows)
        row["id"] = f"{marker}-{number:05d}"
        row["text"] = f"{text}\n{marker} copy{copy}x{number}"
        generated.append(row)
    return generated


def write_corpus(path: Path, marker: str, count: int, body_words: int | None = None) -> Path:
    """Write `corpus_rows(...)` as JSONL to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in corpus_rows(marker, count, body_words):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def common_words(count: int) -> list[str]:
    """The `count` most frequent words of the sample bodies that the analyzer keeps (stopwords cost nothing):
    the query terms with the longest posting lists, so the costliest to rank."""
    analyzer = arabic_analyzer()
    kept = (word for word in _words_by_frequency() if any(True for _ in analyzer(word)))
    return list(islice(kept, count))


@lru_cache(maxsize=1)
def _words_by_frequency() -> tuple[str, ...]:
    frequency: dict[str, int] = {}
    for row in sample_rows():
        for word in row["text"].split():
            if word.isalpha():
                frequency[word] = frequency.get(word, 0) + 1
    return tuple(sorted(frequency, key=lambda word: (-frequency[word], word)))
