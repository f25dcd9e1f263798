"""The live candidates of `add` in a Whoosh index: the articles sharing a band key with a new one, found
through the indexed band keys (`indexer.stories.assign.BatchStories` does the rest)."""
from __future__ import annotations

from indexer.stories.assign import BUCKET_MEMBERS, Candidate
from indexer.stories.fingerprint import signatures
from indexer.storage.schema import NO_STORY, STORY_BANDS_FIELD, STORY_FIELD


def live_candidates(searcher):
    """The `LiveCandidates` of the index `searcher` reads: per bucket its BUCKET_MEMBERS latest live articles."""
    reader = searcher.reader()
    column = reader.column_reader(STORY_FIELD, translate=False) if reader.has_column(STORY_FIELD) else None

    def story_of(docnum: int) -> int | None:
        story = column[docnum] if column is not None else NO_STORY
        return None if story == NO_STORY else int(story)

    def candidates(bands: list[str]) -> list[Candidate]:
        docnums: set[int] = set()
        for band in bands:
            if reader.doc_frequency(STORY_BANDS_FIELD, band):
                ids = [docnum for docnum in reader.postings(STORY_BANDS_FIELD, band).all_ids()
                       if not reader.is_deleted(docnum)]
                docnums.update(ids[-BUCKET_MEMBERS:])
        members = [(story, docnum) for docnum in sorted(docnums) if (story := story_of(docnum)) is not None]
        if not members:
            return []
        stored = [searcher.stored_fields(docnum) for _, docnum in members]
        found = signatures([fields.get("body", "") for fields in stored])
        return [Candidate(story, signature, fields.get("published"))
                for (story, _), fields, signature in zip(members, stored, found)]

    return candidates
