"""The arrays of a reader: bulk-read live mask, lengths, dates and postings equal Whoosh's own answers,
and the array codec's zero-copy path ranks exactly like the matcher walk used for other codecs."""
from datetime import datetime

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from indexer.codec import ArrayCodec
from indexer.ingest.article import Article
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.phrase_match import phrase_hits
from indexer.query.parser import parse_query
from indexer.query.ranking import Filters, rank
from indexer.storage.schema import SUMMARY_FIELD, build_schema, document_fields
from indexer.query.segment_postings import has_arrays, segment_matcher
from index_probe import rank_text

# market news, each a different length; two segments, one of them with a deletion
FIRST = [Article(f"a{i}", title="سوق" + " الأسهم" * i, body=" ".join(["ارتفاع", "الأسعار"] * (i + 1)),
                 published=datetime(2018, 1, i + 1) if i % 3 else None) for i in range(12)]
SECOND = [Article(f"b{i}", title="النفط", body="النفط الخام " * (i * 7 + 1), source="BBC",
                  published=datetime(2019, 2, i + 1)) for i in range(9)]


CODECS = {"w3": W3Codec, "array": ArrayCodec}


def two_segment_index(codec: str = "w3", batches=(FIRST, SECOND), deleted=("a4", "b2")):
    ix = RamStorage().create_index(build_schema("arabic"))
    for batch in batches:
        writer = SegmentWriter(ix, codec=CODECS[codec]())
        for article in batch:
            writer.add_document(**document_fields(article))
        writer.commit(merge=False)  # keep one segment per batch
    writer = SegmentWriter(ix, codec=CODECS[codec]())
    for doc_id in deleted:
        writer.delete_by_term("id", doc_id)
    writer.commit(merge=False)
    return ix


@pytest.mark.parametrize("codec", CODECS)
def test_live_mask_lengths_and_dates_match_the_per_document_api(codec):
    ix = two_segment_index(codec)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2 and reader.has_deletions()
        view = ReaderArrays(reader)
        live = np.zeros(reader.doc_count_all(), dtype=bool)
        live[list(reader.all_doc_ids())] = True
        assert (view.live == live).all() and view.doc_count == reader.doc_count()
        for field in ("title", "lead", "body", "exact"):
            expected = [reader.doc_field_length(d, field, 0) or 0 if live[d] else 0 for d in range(len(live))]
            assert view.lengths(field).tolist() == expected, field
        stored = [reader.stored_fields(d).get("published") for d in range(len(live))]
        published = view.published()
        assert [value >= 0 for value in published.tolist()] == [date is not None for date in stored]
        dated = [d for d, date in enumerate(stored) if date is not None]
        assert sorted(dated, key=lambda d: (published[d], d)) == sorted(dated, key=lambda d: (stored[d], d))


@pytest.mark.parametrize("codec", CODECS)
def test_summaries_from_the_column_show_what_the_stored_fields_show(codec):
    """Hits, story members and related articles read an article's summary from the column, ids included;
    every field a summary shows comes out as it does from the stored fields (dates, missing urls, Arabic)."""
    from indexer.query import response

    ix = two_segment_index(codec)
    with ix.reader() as reader:
        view = ReaderArrays(reader)
        assert reader.has_column(SUMMARY_FIELD)
        for docnum in reader.all_doc_ids():
            stored = reader.stored_fields(docnum)
            assert response.summary(view.summary(docnum)) == response.summary(stored)
            assert response.story_member(view.summary(docnum)) == response.story_member(stored)
            assert view.doc_id(docnum) == stored["id"]


def test_an_index_built_before_the_summary_column_reads_summaries_from_the_stored_fields():
    schema = build_schema("arabic")
    schema.remove(SUMMARY_FIELD)
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for article in FIRST[:3]:
            fields = document_fields(article)
            del fields[SUMMARY_FIELD]
            writer.add_document(**fields)
    with ix.reader() as reader:
        view = ReaderArrays(reader)
        assert SUMMARY_FIELD not in reader.schema
        assert [view.doc_id(docnum) for docnum in range(3)] == ["a0", "a1", "a2"]
        assert view.summary(1) == reader.stored_fields(1)


@pytest.mark.parametrize("codec", CODECS)
def test_postings_skip_deleted_documents_and_carry_frequencies(codec):
    ix = two_segment_index(codec)
    with ix.reader() as reader:
        view = ReaderArrays(reader)
        ids, tfs = view.postings("body", "نفط")
        expected = {d: w for d, w in _whoosh_postings(reader, "body", "نفط") if view.live[d]}
        assert dict(zip(ids.tolist(), tfs.tolist())) == expected
        assert len(ids) == 8  # nine oil stories, one deleted


def _whoosh_postings(reader, field, term):
    matcher = reader.postings(field, term)
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


# news snippets about oil, markets and a ministerial visit, with repeated words so that phrases and
# frequencies vary; spread over three segments with deletions in two of them
NEWS = [
    "ارتفعت أسعار النفط الخام في الأسواق العالمية اليوم",
    "وزير الدفاع يؤجل زيارته إلى واشنطن والزيارة كانت مقررة الأسبوع المقبل",
    "أسعار النفط تتراجع بعد ارتفاع أسعار الذهب في الأسواق",
    "الأسواق العالمية تترقب قرار أوبك بشأن إنتاج النفط الخام",
    "زيارة وزير الخارجية إلى القاهرة وزيارة أخرى إلى عمان",
    "النفط النفط الخام الخام أسعار النفط الخام ترتفع",
]
ARTICLES = [Article(f"n{i}", title=NEWS[(i * 5) % len(NEWS)][:30], body=" ".join(NEWS[j % len(NEWS)] for j in range(i, i + 1 + i % 4)),
                    source=("BBC", "CNN", "France24")[i % 3], category=("economy", "politics")[i % 2],
                    published=datetime(2018, 1 + i % 12, 1 + i % 27)) for i in range(36)]
QUERIES = [
    "النفط الخام", "أسعار النفط", '"النفط الخام"', '"أسعار الذهب" الأسواق', "زيارة وزير", "-النفط الأسواق",
    "title:النفط", "source:BBC أسعار", "النفط OR الذهب", "(النفط AND الأسواق) OR زيارة", "أسع*", '"وزير الدفاع"',
    '"الخام الخام" النفط', "",
]


def _ranked(ix, text, **kwargs):
    with ix.searcher() as searcher:
        result = rank_text(searcher, text, limit=100, **kwargs)
        return result.total, result.docnums, result.scores, result.matched.tolist()


@pytest.mark.parametrize("text", QUERIES)
def test_array_codec_and_matcher_walk_rank_identically(text):
    batches, deleted = (ARTICLES[:14], ARTICLES[14:25], ARTICLES[25:]), ("n3", "n20", "n21")
    walked, arrays = (two_segment_index(codec, batches, deleted) for codec in ("w3", "array"))
    with arrays.reader() as reader:  # the array path really is taken, for every segment
        assert all(has_arrays(segment_matcher(leaf, "body", "نفط")) for leaf, _ in reader.leaf_readers())
    for kwargs in ({}, {"filters": Filters(categories=("economy",))}, {"sort": "date"}):
        assert _ranked(walked, text, **kwargs) == _ranked(arrays, text, **kwargs)


def test_phrase_hits_agree_between_codecs_for_every_candidate():
    batches, deleted = (ARTICLES[:20], ARTICLES[20:]), ("n7",)
    walked, arrays = (two_segment_index(codec, batches, deleted) for codec in ("w3", "array"))
    candidates = np.array([30, 2, 17, 5, 0, 33, 21, 8, 12, 25, 35, 1], dtype=np.int64)  # unsorted, both segments
    for terms in (["نفط", "خام"], ["خام", "خام"], ["اسعار", "نفط", "خام"], ["زيارة", "وزير"], ["وزير", "دفاع"]):
        with walked.reader() as a, arrays.reader() as b:
            hits = phrase_hits(a, "body", terms, candidates)
            assert hits.tolist() == phrase_hits(b, "body", terms, candidates).tolist()
            assert hits.tolist() == [_holds_phrase(a, d, terms) for d in candidates.tolist()], terms


def _holds_phrase(reader, docnum, terms):
    """The phrase by definition: the analyzed body's terms contain `terms` consecutively."""
    body = reader.stored_fields(docnum)["body"]
    tokens = [t.text for t in reader.schema["body"].analyzer(body)]
    return any(tokens[i:i + len(terms)] == terms for i in range(len(tokens)))


def test_the_arrays_of_a_reopened_index_are_released_with_its_old_searcher(tmp_path):
    """The store keeps each searcher's arrays beside it: a publish replaces both, and nothing else holds them."""
    import gc
    import weakref

    from indexer.build.rebuild import add_articles, rebuild_from_articles
    from indexer.query.search import open_arrays
    from indexer.storage.store import IndexStore

    rebuild_from_articles(ARTICLES[:20], tmp_path)
    store = IndexStore(tmp_path, prepare=open_arrays)
    with store.session() as (searcher, arrays):
        query = '"النفط الخام" أسعار'
        rank(arrays, query, parse_query(query))  # fills the arrays' caches, phrase positions included
        before, first_count = weakref.ref(arrays), arrays.doc_count
        assert arrays.reader is searcher.reader()
    add_articles([Article("fresh", title="الطقس", body="أمطار غزيرة متوقعة غدا")], tmp_path)
    with store.session() as (searcher, arrays):
        assert arrays.doc_count == first_count + 1  # the new revision's own arrays
    del searcher, arrays
    gc.collect()
    assert before() is None
    store.close()


def test_distinct_stories_counts_what_a_unique_of_the_story_ids_counts():
    # stories as a rebuild gives them: 64-bit ids, shared by some documents, and -(docnum + 1) for the unmarked
    class GivenStories(ReaderArrays):
        def stories(self):
            return given

    ix = two_segment_index()
    with ix.reader() as reader:
        rng = np.random.default_rng(7)
        given = rng.choice(np.array([2 ** 62 + 5, 17, 3, -4, -9], dtype=np.int64), size=reader.doc_count_all())
        view = GivenStories(reader)
        for size in (0, 1, 5, len(given)):
            docnums = rng.choice(len(given), size=size, replace=False)
            assert view.distinct_stories(docnums) == len(np.unique(given[docnums]))
