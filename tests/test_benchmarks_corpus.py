"""Benchmark corpora: cutting and repeating the news corpus to a size under new ids, and JSONL round trips."""
import gzip
import json

import pytest

from benchmarks.corpus import analyzer_texts, copy_id, repeat_to_size, write_jsonl
from indexer.eval import read_jsonl

# "Minister" / "Washington" / "the visit": short Arabic news records
RECORDS = [
    {"id": "a", "title": "الوزير", "text": "زار الوزير واشنطن"},
    {"id": "b", "title": "واشنطن", "text": "تأجيل الزيارة"},
    {"id": "c", "title": "الزيارة", "text": "وصل الوفد"},
]


def test_repeat_to_size_yields_exactly_the_size_with_unique_ids():
    out = list(repeat_to_size(RECORDS, 8))
    assert len(out) == 8
    assert len({r["id"] for r in out}) == 8
    assert [r["id"] for r in out[:4]] == ["a", "b", "c", copy_id("a", 1)]


def test_repeat_to_size_below_the_corpus_takes_the_first_records_unchanged():
    assert list(repeat_to_size(RECORDS, 2)) == RECORDS[:2]


def test_copies_differ_in_body_so_duplicate_removal_keeps_them():
    out = list(repeat_to_size(RECORDS, 7))
    bodies = [r["text"] for r in out]
    assert len(set(bodies)) == 7
    assert out[3]["text"].startswith(RECORDS[0]["text"])
    assert out[3]["title"] == RECORDS[0]["title"]


def test_repeating_leaves_the_originals_untouched():
    originals = [dict(r) for r in RECORDS]
    list(repeat_to_size(RECORDS, 9))
    assert RECORDS == originals


def test_repeat_refuses_an_empty_corpus():
    with pytest.raises(ValueError):
        list(repeat_to_size([], 5))
    assert list(repeat_to_size([], 0)) == []


def test_jsonl_round_trip_keeps_arabic_plain_and_gzip_is_read(tmp_path):
    path = tmp_path / "docs.jsonl"
    assert write_jsonl(RECORDS, path) == 3
    assert "الوزير" in path.read_text(encoding="utf-8")  # not \u escapes: the peer's converter reads it too
    assert list(read_jsonl(path)) == RECORDS
    gz = tmp_path / "docs.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r) for r in RECORDS) + "\n\n")
    assert list(read_jsonl(gz)) == RECORDS


def test_analyzer_texts_join_title_and_body():
    assert list(analyzer_texts(RECORDS[:1])) == ["الوزير\nزار الوزير واشنطن"]
