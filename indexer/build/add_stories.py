"""The live candidates of `add` in a Whoosh index: the articles sharing a band key with a new one, found
through the indexed band keys (`indexer.stories.assign.BatchStories` does the rest)."""
from __future__ import annotations

from indexer.stories.assign import BUCKET_MEMBERS, Candidate
from indexer.stories.fingerprint import signatures
from indexer.storage.schema import STORY_BANDS_FIELD, STORY_FIELD


def live_candidates(searcher):
    """The `LiveCandidates` of the index `searcher` reads: per bucket its BUCKET_MEMBERS latest live articles."""

    def candidates(bands: list[str]) -> list[Candidate]:
        reader = searcher.reader()
        docnums: set[int] = set()
        for band in bands:
            if reader.doc_frequency(STORY_BANDS_FIELD, band):
                ids = [docnum for docnum in reader.postings(STORY_BANDS_FIELD, band).all_ids()
                       if not reader.is_deleted(docnum)]
                docnums.update(ids[-BUCKET_MEMBERS:])
        stored = [searcher.stored_fields(docnum) for docnum in sorted(docnums)]
        stored = [fields for fields in stored if fields.get(STORY_FIELD) is not None]
        if not stored:
            return []
        found = signatures([fields.get("body", "") for fields in stored])
        return [Candidate(fields[STORY_FIELD], signature, fields.get("published"))
                for fields, signature in zip(stored, found)]

    return candidates
