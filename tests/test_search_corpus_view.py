"""The numpy view of a reader: bulk-read live mask, lengths, dates and postings equal Whoosh's own answers."""
from datetime import datetime

import numpy as np
from whoosh.filedb.filestore import RamStorage

from indexer.article import Article
from indexer.corpus_view import CorpusView
from indexer.schema import build_schema, document_fields

# market news, each a different length; two segments, one of them with a deletion
FIRST = [Article(f"a{i}", title="سوق" + " الأسهم" * i, body=" ".join(["ارتفاع", "الأسعار"] * (i + 1)),
                 published=datetime(2018, 1, i + 1) if i % 3 else None) for i in range(12)]
SECOND = [Article(f"b{i}", title="النفط", body="النفط الخام " * (i * 7 + 1), source="BBC",
                  published=datetime(2019, 2, i + 1)) for i in range(9)]


def two_segment_index():
    ix = RamStorage().create_index(build_schema("arabic"))
    for batch in (FIRST, SECOND):
        with ix.writer() as writer:
            writer.merge = False  # keep one segment per batch
            for article in batch:
                writer.add_document(**document_fields(article))
    with ix.writer() as writer:
        writer.merge = False
        writer.delete_by_term("id", "a4")
        writer.delete_by_term("id", "b2")
    return ix


def test_live_mask_lengths_and_dates_match_the_per_document_api():
    ix = two_segment_index()
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2 and reader.has_deletions()
        view = CorpusView(reader)
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


def test_postings_skip_deleted_documents_and_carry_frequencies():
    ix = two_segment_index()
    with ix.reader() as reader:
        view = CorpusView(reader)
        ids, tfs = view.postings("body", "نفط")
        expected = {d: w for d, w in _whoosh_postings(reader, "body", "نفط") if view.live[d]}
        assert dict(zip(ids.tolist(), tfs.tolist())) == expected
        assert len(ids) == 8  # nine oil stories, one deleted


def _whoosh_postings(reader, field, term):
    matcher = reader.postings(field, term)
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()
