"""The embedded engine: a Whoosh index under one root directory on this machine (the default).

The root holds numbered generations and a CURRENT pointer (storage.layout); writers take the root's lock
(storage.writer_lock) and readers go through an IndexStore, which follows the pointer, so a long-running
server serves each publish without a restart.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from indexer.build.rebuild import (add_documents, build_index_dir, delete_documents, publish_generation,
                                   rebuild_index)
from indexer.build.summary import BuildSummary
from indexer.ingest.article import Article
from indexer.ingest.sources import ByteProgress, SourceOptions
from indexer.query.complete import complete
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS, CompleteRequest, SearchRequest
from indexer.query.search import completion_table, get_document, get_story, open_arrays, rank_ids, search
from indexer.query.synonym_source import SynonymSource
from indexer.storage.stats import collect_stats
from indexer.storage.store import IndexStore, resolve_index_root
from indexer.storage.writer_lock import writer_lock


class WhooshEngine:
    """An index root: `location` is its directory (default: $ARABIC_SEARCH_INDEX, else index_data/index)."""

    kind = "whoosh"

    def __init__(self, location: str | os.PathLike | None = None, *, warm: bool = False,
                 synonyms: str | os.PathLike | None = None) -> None:
        self.root = resolve_index_root(location)
        self._store = IndexStore(self.root, prepare=lambda searcher: open_arrays(searcher, warm))
        self._synonyms = SynonymSource(synonyms)

    @property
    def location(self) -> str:
        return str(self.root.resolve())

    @property
    def spec(self) -> str:
        return self.kind

    # --- writing ---------------------------------------------------------------------------------------

    def rebuild(self, sources: Sequence[Path], *, analyzer: str = "arabic", options: SourceOptions = SourceOptions(),
                strict: bool = False, progress=None, byte_progress: ByteProgress | None = None,
                procs: int | None = None) -> BuildSummary:
        return rebuild_index(sources, self.root, analyzer, options, strict, progress=progress,
                             byte_progress=byte_progress, procs=procs)

    def add(self, sources: Sequence[Path], *, options: SourceOptions = SourceOptions(), strict: bool = False,
            byte_progress: ByteProgress | None = None) -> BuildSummary:
        return add_documents(sources, self.root, options, strict, byte_progress)

    def delete(self, ids: Iterable[str]) -> BuildSummary:
        return delete_documents(ids, self.root)

    # --- reading ---------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        with self._store.session() as (searcher, arrays):
            return search(searcher, arrays, request, self._synonyms.rules(searcher.schema["body"].analyzer))

    def complete(self, request: CompleteRequest) -> dict:
        with self._store.session() as (searcher, arrays):
            return complete(completion_table(searcher, arrays), request.q, request.limit)

    def document(self, doc_id: str) -> dict | None:
        with self._store.session() as (searcher, arrays):
            return get_document(searcher, arrays, doc_id)

    def story(self, story_id: str) -> dict | None:
        with self._store.session() as (searcher, arrays):
            return get_story(searcher, arrays, story_id)

    def rank_ids(self, text: str, depth: int, expand: bool = True,
                 fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS) -> list[str]:
        with self._store.session() as (searcher, arrays):
            rules = self._synonyms.rules(searcher.schema["body"].analyzer)
            return rank_ids(arrays, text, depth, rules, expand, fresh_half_life)

    def stats(self) -> dict:
        return collect_stats(self._store)

    def health(self) -> dict:
        generation = self._store.generation
        return {"readable": True, "documents": self._store.doc_count(), "generation": generation}

    def close(self) -> None:
        self._store.close()

    @contextmanager
    def scratch(self, articles: Sequence[Article], analyzer: str) -> Iterator[WhooshEngine]:
        with tempfile.TemporaryDirectory(prefix="arabic-search-scratch-") as tmp:
            root = Path(tmp)
            with writer_lock(root):
                publish_generation(root, lambda directory: build_index_dir(articles, directory, analyzer))
            engine = WhooshEngine(root, synonyms=self._synonyms.path)
            try:
                yield engine
            finally:
                engine.close()
