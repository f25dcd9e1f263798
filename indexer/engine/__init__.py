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
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS, CompleteRequest, SearchRequest
from indexer.query.synonym_source import SYNONYMS_VARIABLE  # noqa: F401 (part of the surface: `serve` sets it)

ENGINE_VARIABLE = "ARABIC_SEARCH_ENGINE"
DEFAULT_ENGINE = "whoosh"

# kind -> "module:class"; imported only when that kind is opened. A kind that lives elsewhere is named by
# a URL whose scheme starts with it: `opensearch+http://127.0.0.1:9200/news`.
ENGINES = {
    "whoosh": "indexer.engine.whoosh_engine:WhooshEngine",
    "opensearch": "indexer.engine.opensearch_engine:OpenSearchEngine",
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

    @property
    def spec(self) -> str:
        """The `--engine` value that opens this engine again (its kind, or its URL)."""

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

    def complete(self, request: CompleteRequest) -> dict:
        """Completions of the typed text, as documented in the README: `{"query", "completions", "took_ms"}`."""

    def document(self, doc_id: str) -> dict | None:
        """One article with its `related` articles, or None for an unknown id."""

    def story(self, story_id: str) -> dict | None:
        """Every live article of one story, newest first (`{"id", "size", "members"}`), or None for an id no
        live article has."""

    def stats(self) -> dict:
        """Document count, counts per source and category, date range, size, last update."""

    def health(self) -> dict:
        """`{"readable": True, "documents": n, ...}`, or IndexUnavailable."""

    def rank_ids(self, text: str, depth: int, expand: bool = True,
                 fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS) -> list[str]:
        """The ids of the top `depth` documents for `text` by the production ranking (the eval's view);
        `expand=False` leaves out spelling variants and synonyms, `fresh_half_life=None` freshness."""

    def close(self) -> None:
        """Release what the engine holds open; the next call reopens."""

    def scratch(self, articles: Sequence[Article], analyzer: str) -> AbstractContextManager[Engine]:
        """A throwaway index of exactly `articles` (no dedup, no cleaning) beside this engine's, removed on
        exit: the eval's index."""


def parse_engine(spec: str | None) -> tuple[str, str | None]:
    """(kind, URL or None) of an `--engine` value: `whoosh`, or a URL such as `opensearch+http://host:9200/news`.

    None means $ARABIC_SEARCH_ENGINE, else whoosh; ValueError names what is accepted.
    """
    spec = spec or os.environ.get(ENGINE_VARIABLE) or DEFAULT_ENGINE
    kind, url = (spec.split("+", 1)[0], spec) if "://" in spec else (spec, None)
    if kind not in ENGINES:
        raise ValueError(f"unknown engine {spec!r}; use one of: whoosh, opensearch+http://HOST:PORT/INDEX")
    if kind != DEFAULT_ENGINE and url is None:
        raise ValueError(f"the {kind} engine needs its URL, e.g. {kind}+http://127.0.0.1:9200/news")
    return kind, url


def engine_class(spec: str | None = None) -> type[Engine]:
    """The engine class an `--engine` value names, imported on demand."""
    module_name, class_name = ENGINES[parse_engine(spec)[0]].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def open_engine(location: str | os.PathLike | None = None, spec: str | None = None, *, warm: bool = False,
                synonyms: str | os.PathLike | None = None) -> Engine:
    """The engine `spec` names (see `parse_engine`); the embedded engine's index is at `location` (None: its
    default, $ARABIC_SEARCH_INDEX, else index_data/index), a cluster engine's is in its URL.

    `warm` prepares, whenever a reader is (re)opened, what every query needs, so that no request pays for it:
    the web app asks for it, one-off CLI commands do not. `synonyms` is a synonyms file (None:
    $ARABIC_SEARCH_SYNONYMS, else none), applied at query time and followed as it changes.
    """
    _, url = parse_engine(spec)
    return engine_class(spec)(url or location, warm=warm, synonyms=synonyms)
