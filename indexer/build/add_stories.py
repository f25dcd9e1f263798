"""Stories for `add`: an incoming article joins the story of its most similar live article (found through
the indexed band keys) or of an earlier article of the same batch, by the rules of `indexer.stories.assign`."""
from __future__ import annotations

from indexer.ingest.article import Article
from indexer.stories.assign import BUCKET_MEMBERS, Candidate, StoryMark, choose_story, story_number
from indexer.stories.fingerprint import band_keys, signatures
from indexer.storage.schema import STORY_BANDS_FIELD, STORY_FIELD


class AddStories:
    """The story marks of one `add` batch, against the live index seen by `searcher`."""

    def __init__(self, searcher) -> None:
        self._searcher = searcher
        self._batch: list[tuple[frozenset[str], Candidate]] = []  # this batch's articles so far

    def mark(self, article: Article) -> StoryMark:
        signature = signatures([article.body])[0]
        bands = band_keys(signature)
        keys = frozenset(bands)
        candidates = self._live(bands) + [candidate for held, candidate in self._batch if held & keys]
        story = choose_story(signature, article.published, candidates)
        if story is None:
            story = story_number(article.id, signature)
        self._batch.append((keys, Candidate(story, signature, article.published)))
        return StoryMark(story, " ".join(bands))

    def _live(self, bands: list[str]) -> list[Candidate]:
        """The live articles sharing a band, the BUCKET_MEMBERS most recently indexed of each bucket."""
        reader = self._searcher.reader()
        docnums: set[int] = set()
        for band in bands:
            if reader.doc_frequency(STORY_BANDS_FIELD, band):
                ids = [docnum for docnum in reader.postings(STORY_BANDS_FIELD, band).all_ids()
                       if not reader.is_deleted(docnum)]
                docnums.update(ids[-BUCKET_MEMBERS:])
        stored = [self._searcher.stored_fields(docnum) for docnum in sorted(docnums)]
        stored = [fields for fields in stored if fields.get(STORY_FIELD) is not None]
        if not stored:
            return []
        found = signatures([fields.get("body", "") for fields in stored])
        return [Candidate(fields[STORY_FIELD], signature, fields.get("published"))
                for fields, signature in zip(stored, found)]
