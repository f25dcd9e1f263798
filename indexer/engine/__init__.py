"""The one surface the CLI and the web app use to reach an index, whichever engine holds it.

An engine is opened by kind from `ENGINES`, a table of import paths, so that choosing one loads only its own
code: the embedded Whoosh engine is the default, and a cluster engine can sit beside it without the
callers changing. Everything an engine takes and returns is engine-neutral: paths of source files and
`SourceOptions` (ingest), a `SearchRequest` (query.request), a `BuildSummary` (build.summary), the response
dicts documented in the README, and the errors of `indexer.errors`.
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import ClassVar, Protocol

from indexer.build.summary import BuildSummary
from indexer.ingest.article import Article
from indexer.ingest.sources import ByteProgress, SourceOptions
from indexer.query.request import SearchRequest

ENGINE_VARIABLE = "ARABIC_SEARCH_ENGINE"
DEFAULT_ENGINE = "whoosh"

# kind -> "module:class"; imported only when that kind is opened
ENGINES = {
    "whoosh": "indexer.engine.whoosh_engine:WhooshEngine",
}
ENGINE_KINDS = tuple(ENGINES)

ProgressCallback = Callable[[int], None]


class Engine(Protocol):
    """What every engine offers. Writers take the engine's own lock and publish all or nothing; readers
    see the index as of the last publish, and a long-lived engine follows later publishes by itself."""

    kind: ClassVar[str]

    @property
    def location(self) -> str:
        """Where the index lives, absolute (a directory, or a cluster address and index name)."""

    def rebuild(self, sources: Sequence[Path], *, analyzer: str = "arabic", options: SourceOptions = SourceOptions(),
                strict: bool = False, progress: ProgressCallback | None = None,
                byte_progress: ByteProgress | None = None, procs: int | None = None) -> BuildSummary:
        """Replace the whole index by the articles of `sources`; readers switch only when it is complete."""

    def add(self, sources: Sequence[Path], *, options: SourceOptions = SourceOptions(), strict: bool = False,
            byte_progress: ByteProgress | None = None) -> BuildSummary:
        """Upsert the articles of `sources` by id."""

    def delete(self, ids: Iterable[str]) -> BuildSummary:
        """Delete documents by id; unknown ids are listed in the summary."""

    def search(self, request: SearchRequest) -> dict:
        """One page of the response documented in the README: hits, highlights, facets, suggestion."""

    def document(self, doc_id: str) -> dict | None:
        """One article with its `related` articles, or None for an unknown id."""

    def stats(self) -> dict:
        """Document count, counts per source and category, date range, size, last update."""

    def health(self) -> dict:
        """`{"readable": True, "documents": n, ...}`, or IndexUnavailable."""

    def rank_ids(self, text: str, depth: int) -> list[str]:
        """The ids of the top `depth` documents for `text` by the production ranking (the eval's view)."""

    def close(self) -> None:
        """Release what the engine holds open; the next call reopens."""

    @classmethod
    def scratch(cls, articles: Sequence[Article], analyzer: str) -> AbstractContextManager[Engine]:
        """A throwaway index of exactly `articles` (no dedup, no cleaning), removed on exit: the eval's index."""


def engine_class(kind: str | None = None) -> type[Engine]:
    """The engine class for `kind` (default: $ARABIC_SEARCH_ENGINE, else whoosh), imported on demand."""
    kind = kind or os.environ.get(ENGINE_VARIABLE) or DEFAULT_ENGINE
    try:
        module_name, class_name = ENGINES[kind].split(":")
    except KeyError:
        raise ValueError(f"unknown engine {kind!r}; choose one of: {', '.join(ENGINE_KINDS)}") from None
    return getattr(importlib.import_module(module_name), class_name)


def open_engine(location: str | os.PathLike | None = None, kind: str | None = None, *, warm: bool = False) -> Engine:
    """The engine of `kind` on `location` (None: the engine's default location, e.g. $ARABIC_SEARCH_INDEX).

    `warm` prepares, whenever a reader is (re)opened, what every query needs, so that no request pays for it:
    the web app asks for it, one-off CLI commands do not.
    """
    return engine_class(kind)(location, warm=warm)
