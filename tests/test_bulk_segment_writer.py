"""The bulk segment writer produces the same index as Whoosh's stock writer, only faster."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import index

from indexer.article import Article
from indexer.build import build_index_dir
from indexer.schema import build_schema, document_fields
from indexer.sources import read_sources

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"


def sample_articles(limit: int = 30) -> list[Article]:
    articles = [item for item in read_sources([SAMPLE]) if isinstance(item, Article)]
    spaced = "  ".join(["في"] * 30 + ["الخبر،\nقال   الوزير"] * 30)  # stopwords and odd spacing around the lead's end
    return articles[:limit] + [
        Article(id="no-date-no-title", body="نص قصير فقط"),  # "only a short text"
        Article(id="spaced", title="عنوان", body=spaced),  # "title"; "in ... the news, the minister said"
    ]


def stock_build(articles, directory: Path) -> None:
    directory.mkdir()
    ix = index.create_in(str(directory), build_schema("arabic"))
    writer = ix.writer()
    for article in articles:
        writer.add_document(**document_fields(article))
    writer.commit()


def index_contents(directory: Path) -> dict:
    """Every term's postings (doc, weight, encoded value), field lengths and stored fields."""
    with index.open_dir(str(directory)).reader() as reader:
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            rows = []
            while matcher.is_active():
                rows.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[(fieldname, text)] = rows
            info = reader.term_info(fieldname, text)
            postings[(fieldname, text, "info")] = (info.weight(), info.doc_frequency(), info.min_length(),
                                                    info.max_length(), info.max_weight(), info.min_id(), info.max_id())
        lengths = {
            (fieldname, docnum): reader.doc_field_length(docnum, fieldname)
            for fieldname in ("title", "body", "exact")
            for docnum in range(reader.doc_count_all())
        }
        stored = [json.dumps(fields, default=str, sort_keys=True) for fields in reader.all_stored_fields()]
        return {"postings": postings, "lengths": lengths, "stored": stored}


@pytest.mark.parametrize("blocklimit", [4, 128])  # 4: many blocks per term; 128 (Whoosh's): compressed blocks
def test_bulk_writer_matches_stock_whoosh_term_for_term(tmp_path, monkeypatch, blocklimit):
    monkeypatch.setattr("whoosh.codec.whoosh3.W3Codec.__init__.__defaults__", (blocklimit, 3, 1))
    articles = sample_articles()
    stock_build(articles, tmp_path / "stock")
    build_index_dir(articles, tmp_path / "bulk")
    stock, bulk = index_contents(tmp_path / "stock"), index_contents(tmp_path / "bulk")
    assert bulk["stored"] == stock["stored"]
    assert bulk["lengths"] == stock["lengths"]
    assert bulk["postings"].keys() == stock["postings"].keys()
    assert bulk["postings"] == stock["postings"]


def test_exact_and_lead_fields_are_counted_from_the_title_and_body_pass(tmp_path):
    from indexer.bulk_segment_writer import BulkSegmentWriter

    ix = index.create_in(str(tmp_path), build_schema("arabic"))
    writer = BulkSegmentWriter(ix)
    assert writer._derived == {"exact": ("title", "body")}
    assert writer._leads == {"lead": "body"}
    writer.cancel()
