"""A fresh build's segments fingerprint each batch from the writer's own analysis, exactly as `fingerprint`
does from the texts, and take the batch's stories after its documents."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index
from whoosh.filedb.filestore import RamStorage

from indexer.build.story_segment import StorySegment
from indexer.ingest.article import Article
from indexer.ingest.sources import read_sources
from indexer.query.reader_arrays import ReaderArrays
from indexer.storage.schema import STORY_BANDS_FIELD, build_schema
from indexer.stories import fingerprint
from indexer.stories.assign import StoryIndex, StoryMark
from tests.test_bulk_segment_writer import EDGE_CASES
from tests.test_stories import OTHERS, THREE_OUTLETS

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"


def ram_index(analyzer: str = "arabic"):
    return RamStorage().create_index(build_schema(analyzer))


def test_batches_are_fingerprinted_from_the_writers_terms_as_from_their_texts():
    # the sample (313 articles, over 256k characters: several numbering rounds, words learned in earlier
    # batches) and the edge cases, in batches of 40
    sample = [item for item in read_sources([SAMPLE]) if isinstance(item, Article)]
    articles = EDGE_CASES + THREE_OUTLETS + sample + OTHERS + [Article(id="empty", body="")]
    segment = StorySegment(ram_index())
    try:
        for start in range(0, len(articles), 40):
            batch = articles[start:start + 40]
            signed = segment.add(batch)
            assert signed.ids == [article.id for article in batch]
            assert np.array_equal(signed.signatures, fingerprint.signatures([article.body for article in batch]))
            segment.set_stories(StoryIndex().assign_signed(*signed))
    finally:
        segment.writer.cancel()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet="الرئيسَ يُزورُ وبالقاهرة أإآٱى ة ٣٤ 2018م Reuters، «.» /-_\"\n\u00a0\u200b😀", max_size=400),
    st.lists(st.sampled_from(["الاستراتيجية", "استراتيجيه", "وَالرَّئِيسُ", "لـ\"سكاي", "أيار/مايو", "٢٠١٨",
                              "CNN", "في", "من", "،", "على", "ـــ"]), max_size=120).map(" ".join),
), min_size=1, max_size=5))
def test_any_batch_signs_alike_from_the_writer_and_from_the_texts(bodies):
    segment = StorySegment(ram_index())
    try:
        for batch in (bodies, bodies[::-1]):  # the second time, every word is known to the writer
            articles = [Article(id=f"d{n}", body=body) for n, body in enumerate(batch)]
            assert np.array_equal(segment.add(articles).signatures, fingerprint.signatures(batch))
    finally:
        segment.writer.cancel()


def test_another_analyzer_is_fingerprinted_from_the_texts():
    segment = StorySegment(ram_index("light10"))
    try:
        assert np.array_equal(segment.add(THREE_OUTLETS).signatures,
                              fingerprint.signatures([article.body for article in THREE_OUTLETS]))
    finally:
        segment.writer.cancel()


def test_stories_given_after_the_documents_are_in_the_column_and_the_band_terms(tmp_path):
    ix = index.create_in(str(tmp_path), build_schema())
    segment = StorySegment(ix)
    marks = StoryIndex().assign_signed(*segment.add(THREE_OUTLETS + OTHERS))
    with pytest.raises(RuntimeError, match="waiting for their stories"):
        segment.check_complete()
    with pytest.raises(ValueError, match="2 stories for a batch of 5"):
        segment.set_stories(marks[:2])
    segment.writer.cancel()
    segment = StorySegment(ix)
    marks = StoryIndex().assign_signed(*segment.add(THREE_OUTLETS + OTHERS))
    segment.set_stories(marks)
    segment.check_complete()
    segment.writer.commit(merge=False)
    assert len({mark.story for mark in marks[:3]}) == 1 and len({mark.story for mark in marks}) == 3
    with index.open_dir(str(tmp_path)).reader() as reader:
        assert ReaderArrays(reader).stories().tolist() == [mark.story for mark in marks]
        for docnum, mark in enumerate(marks):
            for band in mark.bands.split():
                assert docnum in list(reader.postings(STORY_BANDS_FIELD, band).all_ids())


def test_late_values_are_refused_for_fields_that_cannot_take_them():
    segment = StorySegment(ram_index())
    writer = segment.writer
    try:
        segment.add(THREE_OUTLETS[:1])
        for fields in ({"title": "x"}, {"body": "x"}, {"lead": "x"}, {"no_such": 1}):
            with pytest.raises(ValueError, match="cannot be given after its document"):
                writer.add_late_values(writer.docbase, [fields])
        with pytest.raises(ValueError, match="are not all ones this writer added"):
            writer.add_late_values(writer.docnum, [{"story": 1}])
        segment.set_stories([StoryMark(7, "")])
        segment.check_complete()
    finally:
        writer.cancel()
