"""One segment of a fresh build, written a batch of articles at a time, each batch's stories set once assigned.

A rebuild decides stories in input order (`indexer.stories.assign.StoryIndex`), from fingerprints of the
articles' openings. The segment writer has just analyzed those openings, word by word, so a batch is added
first and fingerprinted from the writer's own terms (`BulkSegmentWriter.leading_terms`): no second reading
of the text, no second memo of its chunks. The batch's stories, known later (in a parallel rebuild, from the
parent), are then given to its documents as late values (`add_late_values`), which the story fields allow:
the story is a column and the band keys are unstored terms. A segment is finished only once every batch in
it has its stories.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from indexer.build.bulk_writer import BulkSegmentWriter
from indexer.build.word_fields import FUSED_ARABIC
from indexer.ingest.article import Article
from indexer.storage.schema import STORY_BANDS_FIELD, STORY_FIELD, document_fields
from indexer.stories.assign import StoryMark, micros
from indexer.stories.fingerprint import STORY_WORDS, signatures, term_hash, term_signatures

FINGERPRINTED_FIELD = "body"


class SignedBatch(NamedTuple):
    """What the story assigner needs of a batch (`StoryIndex.assign_signed`)."""

    ids: list[str]
    times: np.ndarray  # publication times as `micros`
    signatures: np.ndarray


class StorySegment:
    """A `BulkSegmentWriter` fed whole batches, whose stories come after (`set_stories`, in batch order)."""

    def __init__(self, index, **writer_options) -> None:
        self.writer = BulkSegmentWriter(index, **writer_options)
        self._hashes = np.zeros(0, dtype=np.uint32)  # term number of the writer's analysis -> term_hash
        self._unmarked: deque[tuple[int, int]] = deque()  # (first docnum, count) of batches awaiting stories

    @property
    def docs(self) -> int:
        return self.writer.docnum - self.writer.docbase

    def add(self, articles: Sequence[Article]) -> SignedBatch:
        """Add a batch of articles, without stories yet, and return what assigning them needs."""
        first = self.writer.docnum
        for article in articles:
            self.writer.add_document(**document_fields(article))
        self._unmarked.append((first, len(articles)))
        times = np.fromiter((micros(article.published) for article in articles), dtype=np.int64, count=len(articles))
        return SignedBatch([article.id for article in articles], times, self._signatures(first, articles))

    def _signatures(self, first: int, articles: Sequence[Article]) -> np.ndarray:
        """The batch's signatures from the writer's terms (those of `fingerprint.term_hashes`); from the
        texts when the field is not analyzed by the fused Arabic analyzer (an eval's other analyzers)."""
        opening = self.writer.leading_terms(FINGERPRINTED_FIELD, first, len(articles), STORY_WORDS, FUSED_ARABIC)
        if opening is None:
            return signatures([article.body for article in articles])
        numbers, sizes, terms = opening
        if len(terms) > len(self._hashes):
            fresh = np.fromiter(map(term_hash, terms[len(self._hashes):]), dtype=np.uint32,
                                count=len(terms) - len(self._hashes))
            self._hashes = np.concatenate((self._hashes, fresh))
        return term_signatures(self._hashes[numbers], sizes)

    def set_stories(self, marks: Sequence[StoryMark]) -> None:
        """Give the oldest batch still waiting its stories, one mark per article in order."""
        first, count = self._unmarked.popleft()
        if len(marks) != count:
            raise ValueError(f"{len(marks)} stories for a batch of {count} articles")
        self.writer.add_late_values(first, [{STORY_FIELD: mark.story, STORY_BANDS_FIELD: mark.bands or None}
                                            for mark in marks])

    def check_complete(self) -> None:
        """Raise unless every batch added has its stories (before the segment is finished)."""
        if self._unmarked:
            raise RuntimeError(f"{len(self._unmarked)} batches of this segment are still waiting for their stories")
