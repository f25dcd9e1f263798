"""The bulk segment writer writes the same segment as Whoosh's stock writer with the array codec, only faster."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from indexer.codec import ArrayCodec
from indexer.ingest.article import Article
from indexer.build.bulk_writer import BulkSegmentWriter
from indexer.storage.schema import JoinedFields, LeadingWords
from indexer.storage.schema import LEAD_WORDS, build_schema, document_fields
from indexer.ingest.sources import read_sources

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"

EDGE_CASES = [
    # stopwords at the start and in the middle, harakat inside words; "in the president said that the minister..."
    Article(id="stops", title="في الرَّئيسُ", body="في من الرَّئيسُ قال إن الوزيرَ في واشنطن",
            published=datetime(2018, 5, 13, 8, 2, 38), source="BBC", category="middleEast"),
    Article(id="no-title", body="نص قصير فقط"),  # empty title, no date: "only a short text"
    Article(id="repeats", title="الوزير الوزير", body="الوزير الوزيرُ وزير الوزير"),  # one word many times
    Article(id="latin", title="Apple iPhone 15", body="أعلنت Apple عن iPhone 15 بسعر 3.5 مليار ١٢٣ دولار"),
    Article(id="stops-only", title="من", body="في على من"),  # nothing but stopwords
    Article(id="spaced", title="عنوان", body="  ".join(["في"] * 30 + ["الخبر،\nقال   الوزير"] * 30)),
    Article(id="tatweel", title="ـــ", body="ـــ كتاب ـــ كتب"),  # words that normalize away
    # punctuation stuck to words, a no-break space, a joiner inside a word, a tab, hyphens, numbers with
    # separators, a space left out after ة: "«The president», said: the new minister in Jerusalem 3.5% and
    # 1,000 (the minister) in Medina"
    Article(id="chunks", title="«الرئيس»، قال:",
            body="قال:\xa0الوزير\u200cالجديد\tفي-القدس 3.5% و1,000 (الوزير) المدينةالمنورة"),
]


def articles(limit: int = 40) -> list[Article]:
    sample = [item for item in read_sources([SAMPLE]) if isinstance(item, Article)]
    return EDGE_CASES[:3] + sample[:limit] + EDGE_CASES[3:]


def write(directory: Path, analyzer: str, docs: list, bulk: bool) -> None:
    """Index articles (or ready-made field dicts) with the bulk or the stock writer."""
    directory.mkdir()
    ix = index.create_in(str(directory), build_schema(analyzer))
    writer = BulkSegmentWriter(ix) if bulk else SegmentWriter(ix, codec=ArrayCodec())
    for doc in docs:
        writer.add_document(**(document_fields(doc) if isinstance(doc, Article) else doc))
    writer.commit(merge=False)


def index_contents(directory: Path) -> dict:
    """Every term's postings (doc, weight, frequency, positions) and term info, lengths and stored fields."""
    with index.open_dir(str(directory)).reader() as reader:
        postings = {}
        schema = reader.schema
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            positional = schema[fieldname].format.supports("positions")
            rows = []
            while matcher.is_active():
                rows.append((matcher.id(), matcher.weight(), matcher.value_as("frequency"),
                             matcher.value_as("positions") if positional else None))
                matcher.next()
            info = reader.term_info(fieldname, text)
            postings[(fieldname, text)] = (rows, info.weight(), info.doc_frequency(), info.min_length(),
                                           info.max_length(), info.max_weight(), info.min_id(), info.max_id())
        scored = [name for name in schema.names() if schema[name].scorable]
        lengths = {
            (fieldname, docnum): reader.doc_field_length(docnum, fieldname)
            for fieldname in scored for docnum in range(reader.doc_count_all())
        }
        totals = {fieldname: reader.field_length(fieldname) for fieldname in scored}
        stored = [json.dumps(fields, default=str, sort_keys=True) for fields in reader.all_stored_fields()]
        dates = list(reader.column_reader("published", translate=False))
        return {"postings": postings, "lengths": lengths, "totals": totals, "stored": stored, "dates": dates}


@pytest.mark.parametrize("analyzer", ["arabic", "whoosh-standard", "light10", "normalize"])
def test_bulk_writer_matches_the_stock_writer_term_for_term(tmp_path, analyzer):
    docs = articles()
    write(tmp_path / "stock", analyzer, docs, bulk=False)
    write(tmp_path / "bulk", analyzer, docs, bulk=True)
    stock, bulk = index_contents(tmp_path / "stock"), index_contents(tmp_path / "bulk")
    assert bulk["stored"] == stock["stored"]
    assert bulk["lengths"] == stock["lengths"]
    assert bulk["totals"] == stock["totals"]
    assert bulk["dates"] == stock["dates"]
    assert bulk["postings"].keys() == stock["postings"].keys()
    assert bulk["postings"] == stock["postings"]


def test_fields_that_do_not_restate_their_sources_are_split_on_their_own(tmp_path):
    docs = [document_fields(article) for article in articles(6)]
    docs[1]["lead"] = "مقدمة أخرى"  # "another lead": not the body's opening words
    docs[2]["exact"] = "نص آخر تماما"  # "a different text altogether": not title + body
    docs[3]["exact"] = docs[3]["title"] + " " + docs[3]["body"]  # joined by a space, not a newline
    del docs[4]["title"]  # no title: exact cannot be title + body
    docs[5]["lead"] = " ".join(docs[5]["body"].split()[:LEAD_WORDS - 1])  # one word short
    write(tmp_path / "stock", "arabic", docs, bulk=False)
    write(tmp_path / "bulk", "arabic", docs, bulk=True)
    assert index_contents(tmp_path / "bulk") == index_contents(tmp_path / "stock")


def test_production_text_fields_take_the_word_id_path(tmp_path):
    ix = index.create_in(str(tmp_path), build_schema("arabic"))
    writer = BulkSegmentWriter(ix)
    assert writer._words.analysis_names() == {
        "title": "arabic", "body": "arabic", "lead": "arabic", "exact": "normalize"}
    assert writer._words.derived_fields() == {"exact": JoinedFields(("title", "body")), "lead": LeadingWords("body", LEAD_WORDS)}
    writer.cancel()


def test_a_failed_document_leaves_no_trace(tmp_path):
    docs = articles(5)
    write(tmp_path / "stock", "arabic", docs, bulk=False)
    (tmp_path / "bulk").mkdir()
    ix = index.create_in(str(tmp_path / "bulk"), build_schema("arabic"))
    writer = BulkSegmentWriter(ix)
    for number, article in enumerate(docs):
        writer.add_document(**document_fields(article))
        if number == 2:
            broken = dict(document_fields(article), published="not a date")
            with pytest.raises(Exception):
                writer.add_document(**broken)
    writer.commit(merge=False)
    assert index_contents(tmp_path / "bulk") == index_contents(tmp_path / "stock")


def test_an_unknown_field_is_refused_as_by_the_stock_writer(tmp_path):
    from whoosh.fields import UnknownFieldError

    ix = index.create_in(str(tmp_path), build_schema("arabic"))
    writer = BulkSegmentWriter(ix)
    with pytest.raises(UnknownFieldError, match="abstract"):
        writer.add_document(**document_fields(EDGE_CASES[0]), abstract="ملخص")  # "abstract"
    with pytest.raises(ValueError, match="per-document boosts"):
        writer.add_document(**document_fields(EDGE_CASES[0]), _boost=2.0)
    writer.add_document(**document_fields(EDGE_CASES[1]))  # the refused documents left nothing behind
    assert writer.docnum == 1
    writer.cancel()


@pytest.mark.parametrize("field, problem", [(TEXT(vector=True), "term vectors"), (TEXT(chars=True), "Characters")])
def test_a_field_the_codec_cannot_store_is_refused_by_name_when_the_writer_starts(field, problem):
    ix = RamStorage().create_index(Schema(id=ID(stored=True), summary=field))
    with pytest.raises(ValueError, match=f"'summary'.*{problem}"):
        BulkSegmentWriter(ix)
