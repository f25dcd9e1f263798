"""Every source format, field mapping, and every kind of bad input reported as `file:line: reason`."""
from __future__ import annotations

import gzip
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.chunk_memo import words_end
from indexer.ingest.article import Article, first_words
from indexer.ingest.article import Skip
from indexer.ingest.sources import (
    ByteProgress,
    FieldMapping,
    SourceOptions,
    derive_title,
    parse_date,
    read_sources,
    total_bytes,
)

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"

# "Oil prices rose in world markets" / "Oil prices"
RECORD = {
    "id": "eco-1",
    "title": "أسعار النفط",
    "text": "ارتفعت أسعار النفط في الأسواق العالمية.",
    "date": "2018-02-18T21:35:43+04:00",
    "source": "skynews",
    "category": "economy",
    "url": "https://example.com/oil",
    "author": "رويترز",  # "Reuters"
}


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines), encoding="utf-8")
    return path


def parse(*paths, options=SourceOptions()) -> tuple[list[Article], list[Skip]]:
    items = list(read_sources(paths, options))
    return [item for item in items if isinstance(item, Article)], [item for item in items if isinstance(item, Skip)]


def test_jsonl_record_becomes_an_article_with_all_fields(tmp_path):
    (article,), skips = parse(write_jsonl(tmp_path / "feed.jsonl", [RECORD]))
    assert skips == []
    assert article == Article(
        id="eco-1",
        body=RECORD["text"],
        title="أسعار النفط",
        source="skynews",
        category="economy",
        published=datetime(2018, 2, 18, 17, 35, 43),  # +04:00 stored as UTC
        url="https://example.com/oil",
        author="رويترز",
    )


def test_jsonl_gz_is_read_like_jsonl(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(RECORD, ensure_ascii=False) + "\n\n")
    (article,), skips = parse(path)
    assert (article.id, skips) == ("eco-1", [])


def test_field_mapping_reads_other_field_names(tmp_path):
    renamed = {"doc_id": 7, "headline": "عنوان", "content": "نص الخبر", "published_at": "2020-01-02"}  # "headline", "news text"
    mapping = FieldMapping.from_options(["id=doc_id", "title=headline", "text=content", "date=published_at"])
    (article,), _ = parse(write_jsonl(tmp_path / "x.jsonl", [renamed]), options=SourceOptions(mapping=mapping))
    assert (article.id, article.title, article.body, article.published) == ("7", "عنوان", "نص الخبر", datetime(2020, 1, 2))


def test_bad_field_mapping_is_rejected():
    with pytest.raises(ValueError, match="bad field mapping"):
        FieldMapping.from_options(["body=content"])


def test_csv_rows_become_articles_with_quoted_multiline_text(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        'id,title,text,date,source,category\n'
        'c1,عنوان أول,"سطر أول\nسطر ثان",2018-03-01,bbc,sport\n'  # "first title", "first line / second line"
        'c2,,نص بلا عنوان,,cnn,\n',  # "text without a title"
        encoding="utf-8",
    )
    articles, skips = parse(path)
    assert skips == []
    assert [(a.id, a.title, a.body, a.source) for a in articles] == [
        ("c1", "عنوان أول", "سطر أول\nسطر ثان", "bbc"),
        ("c2", "نص بلا عنوان", "نص بلا عنوان", "cnn"),
    ]
    assert articles[0].published == datetime(2018, 3, 1)


def test_txt_file_id_comes_from_relative_path_and_title_from_first_line(tmp_path):
    folder = tmp_path / "site" / "2024"
    folder.mkdir(parents=True)
    # first line is a short headline: "Visit postponed" / body "The minister postponed his visit."
    (folder / "visit.txt").write_text("تأجيل الزيارة\nأجل الوزير زيارته.\n", encoding="utf-8")
    (article,), _ = parse(tmp_path / "site")
    assert (article.id, article.title, article.body) == ("2024/visit", "تأجيل الزيارة", "أجل الوزير زيارته.")


def test_seed_txt_gets_first_sentence_title_and_loses_its_footer():
    (article,), skips = parse(SAMPLE / "khaleej247-article.txt")
    assert skips == []
    assert article.id == "khaleej247-article"
    # first sentence: "Netanyahu refused ... Gallant's visit to Washington hours before ..."
    assert article.title.startswith("رفض رئيس الوزراء الإسرائيلي بنيامين نتنياهو")
    assert len(article.title) <= 151
    for footer in ("شاركها", "جميع الحقوق محفوظة", "Exit mobile version"):
        assert footer not in article.body


def test_txt_front_matter_gives_title_and_metadata(tmp_path):
    path = tmp_path / "a.txt"
    # "Title: Gold prices" / body "Gold rose today."
    path.write_text("---\ntitle: أسعار الذهب\nsource: local\ndate: 2021-05-06\n---\nارتفع الذهب اليوم.\n", encoding="utf-8")
    (article,), _ = parse(path)
    assert (article.title, article.source, article.body, article.published) == (
        "أسعار الذهب", "local", "ارتفع الذهب اليوم.", datetime(2021, 5, 6))


def test_folders_are_walked_recursively_in_sorted_order_and_other_files_ignored(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("خبر ثان\nنص.", encoding="utf-8")  # "second news"
    (tmp_path / "a.txt").write_text("خبر أول\nنص.", encoding="utf-8")  # "first news"
    (tmp_path / "README.md").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("خفي\nنص.", encoding="utf-8")  # "hidden"
    articles, skips = parse(tmp_path)
    assert [a.id for a in articles] == ["a", "b/two"]
    assert skips == []


def test_bundled_sample_parses_without_skips():
    articles, skips = parse(SAMPLE)
    assert skips == []
    assert len(articles) == 314
    assert len({a.source for a in articles}) >= 5


@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"id": "x", "text": ', "malformed JSON"),
        ('["not", "an", "object"]', "malformed JSON"),
        ('{"title": "بلا معرف", "text": "نص"}', "missing id"),  # "without id", "text"
        ('{"id": "x", "title": "عنوان"}', "missing text"),  # "title"
        ('{"id": "x", "text": ["a", "list"]}', "wrong type"),
        ('{"id": "x", "text": "نص", "title": 5}', "wrong type"),
        ('{"id": ["x"], "text": "نص"}', "wrong type"),
        ('{"id": "%s", "text": "نص"}' % ("م" * 257), "id too long (over 512 bytes)"),  # 257 two-byte letters
        ('{"id": "x", "text": "نص", "date": "yesterday-ish"}', "unparsable date"),
        ('{"id": "x", "text": "<p>   </p>"}', "empty text after cleaning"),
    ],
)
def test_each_bad_jsonl_record_is_skipped_with_line_and_reason(tmp_path, line, reason):
    path = write_jsonl(tmp_path / "bad.jsonl", [RECORD, line])
    articles, skips = parse(path)
    assert [a.id for a in articles] == ["eco-1"]  # the good record is not lost
    assert len(skips) == 1
    assert str(skips[0]).startswith(f"{path}:2: {reason}")


def test_invalid_utf8_line_is_skipped_and_the_rest_kept(tmp_path):
    path = tmp_path / "latin1.jsonl"
    good = json.dumps(RECORD, ensure_ascii=False).encode("utf-8")
    path.write_bytes(b'{"id": "bad", "text": "caf\xe9"}\n' + good + b"\n")
    articles, skips = parse(path)
    assert [a.id for a in articles] == ["eco-1"]
    assert str(skips[0]).startswith(f"{path}:1: invalid UTF-8")


def test_invalid_utf8_txt_and_csv_are_reported(tmp_path):
    (tmp_path / "bad.txt").write_bytes("عنوان\n".encode() + b"\xff\xfe broken")
    (tmp_path / "bad.csv").write_bytes(b"id,text\nok,fine\nbad,caf\xe9\n")
    articles, skips = parse(tmp_path / "bad.txt", tmp_path / "bad.csv")
    assert [a.id for a in articles] == ["ok"]
    assert sorted(skip.reason.split(" (")[0] for skip in skips) == ["invalid UTF-8", "invalid UTF-8"]
    assert any(skip.location == f"{tmp_path / 'bad.csv'}:3" for skip in skips)


def test_binary_files_are_skipped_whole(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "dump.jsonl").write_bytes(b"\x00\x01\x02" * 100)
    articles, skips = parse(tmp_path)
    assert articles == []
    assert sorted(skip.reason for skip in skips) == ["binary file", "binary file"]


def test_oversized_documents_are_skipped(tmp_path):
    big_text = "كلمة " * 300  # "word" repeated: 3,000 bytes
    write_jsonl(tmp_path / "big.jsonl", [{"id": "big", "text": big_text}, RECORD])
    (tmp_path / "big.txt").write_text(big_text, encoding="utf-8")
    articles, skips = parse(tmp_path, options=SourceOptions(max_doc_bytes=1000))
    assert [a.id for a in articles] == ["eco-1"]
    assert [skip.reason.split(" (")[0] for skip in skips] == ["oversized document", "oversized document"]


def test_csv_without_required_columns_is_reported_once(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,body\nx,y\n", encoding="utf-8")
    articles, skips = parse(path)
    assert articles == []
    assert str(skips[0]) == f"{path}:1: missing column(s) 'id', 'text' in the CSV header"


def test_corrupt_gzip_keeps_earlier_records_and_reports_the_rest(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    payload = gzip.compress(("".join(json.dumps({**RECORD, "id": f"r{n}"}) + "\n" for n in range(200))).encode())
    path.write_bytes(payload[: len(payload) // 2])
    articles, skips = parse(path)
    assert 0 < len(articles) < 200
    assert len(skips) == 1 and "unreadable data" in skips[0].reason


def test_missing_path_is_a_skip_not_a_crash(tmp_path):
    _, skips = parse(tmp_path / "nope.jsonl")
    assert skips == [Skip(str(tmp_path / "nope.jsonl"), "no such file or directory")]


def test_byte_progress_reaches_the_total(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [RECORD] * 3)
    progress = ByteProgress(total_bytes([path]))
    list(read_sources([path], progress=progress))
    assert progress.done == progress.total == path.stat().st_size


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2018-02-18T21:35:43+04:00", datetime(2018, 2, 18, 17, 35, 43)),
        ("2018-02-18", datetime(2018, 2, 18)),
        ("2018-02-18T10:00:00Z", datetime(2018, 2, 18, 10)),
        ("Sun, 18 Feb 2018 10:00:00 +0000", datetime(2018, 2, 18, 10)),
    ],
)
def test_parse_date_accepts_iso_and_rfc2822(text, expected):
    assert parse_date(text) == expected


def test_derive_title_cuts_a_long_first_sentence_at_a_word():
    body = "كلمة " * 60 + "نهاية."  # "word" x60 + "end."
    title, rest = derive_title(body.strip())
    assert title.endswith("…") and len(title) <= 151
    assert rest == body.strip()


@pytest.mark.parametrize("count", [1, 50, 80])
@pytest.mark.parametrize("text", [
    "", " \n ", "كلمة", "خبر " * 3000, "أ" * 5000 + " ب", " " * 3000 + "الرئيس يزور", "نص\u00a0" * 900,
    "كلمة " * 40 + "ط" * 3000 + " بعدها",  # a word that the split prefix cuts
    "كلمة " * 79 + "ط" * 3000 + " بعدها",
])
def test_first_words_are_those_of_a_whole_split(text, count):
    assert first_words(text, count) == text.split(maxsplit=count)[:count]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="كلمة ٣x😀 \n\t\u00a0\u2003\u200b\u3000\u2028،.")), st.integers(0, 12))
def test_words_end_is_where_the_first_words_of_a_split_end(text, count):
    end = words_end(text, count)
    assert text[:end].split() == text.split()[:count]


def test_words_end_splits_at_exactly_the_code_points_str_split_does():
    # words_end tests spaces below U+1680 from a short list, not the Unicode table (`_is_space`, which the
    # chunk memo's splitting shares)
    for code in range(sys.maxunicode + 1):
        text = "ا" + chr(code) + "ب"
        assert words_end(text, 1) == (1 if chr(code).isspace() else 3), hex(code)
