"""Building and changing the index: full rebuilds into a new generation, incremental upserts and deletes.

Every function here that touches an index root takes the writer lock, cleans up what a killed writer left
behind, and publishes its change by rewriting the CURRENT pointer atomically (see `storage.layout`).
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import clean_files

from indexer.codec import ArrayCodec
from indexer.ingest.article import Article, Skip, body_digest
from indexer.build.summary import BuildSummary
from indexer.build.unique import record_skip, unique_articles
from indexer.build.add_stories import live_candidates
from indexer.storage.layout import (
    Pointer,
    fsync_tree,
    next_generation_name,
    now_iso,
    read_pointer,
    remove_unreferenced,
    write_manifest,
    write_pointer,
)
from indexer.storage.schema import BODY_DIGEST, STORY_FIELD, build_schema, document_fields
from indexer.build.workers import build_in_workers
from indexer.stories.assign import STORY_BATCH, BatchStories, StoryIndex
from indexer.build.story_segment import StorySegment
from indexer.ingest.sources import ByteProgress, SourceOptions, read_sources, total_bytes
from indexer.storage.store import open_generation, read_live_pointer, rebuild_hint
from indexer.errors import IndexUnavailable
from indexer.storage.writer_lock import writer_lock
from indexer.whoosh_private import live_segments

# A fresh build flushes a Whoosh segment at the end of the batch (STORY_BATCH) that brings it to this many documents
# (per worker; a multiple of STORY_BATCH, so exactly this many): it bounds the memory of the in-memory postings
# while keeping the segment count small, because a query looks each new term up in every segment. At 300k
# articles: 19 segments of 16,000 spent 3.2 ms of a 17 ms query reading postings; 10 of 32,000 ran queries as
# fast as 7 of 48,000 (p50 13.8 against 14.8-15.7 ms) with a lower peak (2,345 against 2,918 MiB, workers included).
DOCS_PER_SEGMENT = 32_000
PROGRESS_EVERY = 100
PARALLEL_MIN_INPUT_BYTES = 4_000_000  # ~1,000 news articles
MAX_DEFAULT_PROCS = 2

ProgressCallback = Callable[[int], None]


def _incremental_writer(index):
    """The writer of `add` and `delete`: stock Whoosh with the array codec, so every segment of an index,
    fresh or merged, keeps its postings in one format."""
    return index.writer(codec=ArrayCodec())


def build_index_dir(
    articles: Iterable[Article],
    directory: str | Path,
    analyzer_name: str = "arabic",
    progress: ProgressCallback | None = None,
    procs: int = 1,
) -> int:
    """Create a new Whoosh index in `directory` holding exactly `articles`; return how many were written.

    Every article is assigned its story on the way in, in input order, a batch at a time (`StorySegment`;
    the workers' protocol gives the same stories). This is the plain
    build: no dedup, no lock, no pointer. `rebuild_index` wraps it for production and the
    eval command uses it directly for its temporary index. `procs > 1` analyzes in that many worker processes.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    index = whoosh_index.create_in(str(directory), build_schema(analyzer_name))
    if procs > 1:
        return build_in_workers(articles, index, procs, DOCS_PER_SEGMENT, progress, PROGRESS_EVERY)
    stories = StoryIndex()
    segment = StorySegment(index)
    written = 0
    try:
        articles = iter(articles)
        while batch := list(islice(articles, STORY_BATCH)):
            segment.set_stories(stories.assign_signed(*segment.add(batch)))
            if progress and (written + len(batch)) // PROGRESS_EVERY > written // PROGRESS_EVERY:
                progress(written + len(batch))
            written += len(batch)
            if segment.docs >= DOCS_PER_SEGMENT:
                segment.writer.commit(merge=False)
                segment = StorySegment(index)
    except BaseException:
        segment.writer.cancel()
        raise
    segment.writer.commit(merge=False)
    if progress:
        progress(written)
    return written


def default_procs(input_bytes: int) -> int:
    """Worker processes for a rebuild: one for small inputs (spawning costs more than it saves), else up to 2."""
    if input_bytes < PARALLEL_MIN_INPUT_BYTES:
        return 1
    return max(1, min(MAX_DEFAULT_PROCS, os.cpu_count() or 1))


def publish_generation(root: Path, build: Callable[[Path], None]) -> str:
    """Build a new generation with `build(directory)` and make it live; call only under the writer lock.

    Until the pointer swap, the live generation is untouched: a failure (or SIGKILL) leaves only an
    unreferenced directory, removed here on error and by the next writer otherwise.
    """
    pointer = read_pointer(root)
    name = next_generation_name(root)  # named before cleanup, so a killed build's name is never reused
    remove_unreferenced(root, pointer)
    directory = root / name
    try:
        build(directory)
        write_manifest(directory, whoosh_index.open_dir(str(directory)).latest_generation())
        fsync_tree(directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    revision = pointer.revision + 1 if pointer else 1
    new_pointer = Pointer(live=name, previous=pointer.live if pointer else None, revision=revision, updated=now_iso())
    write_pointer(root, new_pointer)
    remove_unreferenced(root, new_pointer)
    return name


def rebuild_from_articles(
    items: Iterable[Article | Skip],
    root: str | Path,
    analyzer_name: str = "arabic",
    strict: bool = False,
    progress: ProgressCallback | None = None,
    procs: int = 1,
) -> BuildSummary:
    """Full rebuild of the index under `root` from already parsed items, swapped in atomically."""
    root = Path(root)
    summary = BuildSummary()
    started = time.perf_counter()
    with writer_lock(root):

        def build(directory: Path) -> None:
            articles = unique_articles(items, summary, strict)
            summary.indexed = build_index_dir(articles, directory, analyzer_name, progress, procs)

        summary.generation = publish_generation(root, build)
    summary.seconds = time.perf_counter() - started
    return summary


def rebuild_index(
    paths: Iterable[str | Path],
    root: str | Path,
    analyzer_name: str = "arabic",
    options: SourceOptions = SourceOptions(),
    strict: bool = False,
    progress: ProgressCallback | None = None,
    byte_progress: ByteProgress | None = None,
    procs: int | None = None,
) -> BuildSummary:
    """Full rebuild from source files and folders into a new generation, then an atomic switch to it.

    `procs=None` picks the number of worker processes from the input size (`default_procs`).
    """
    paths = list(paths)
    if procs is None:
        procs = default_procs(total_bytes(paths))
    items = read_sources(paths, options, byte_progress)
    return rebuild_from_articles(items, root, analyzer_name, strict, progress, procs)


def add_documents(
    paths: Iterable[str | Path],
    root: str | Path,
    options: SourceOptions = SourceOptions(),
    strict: bool = False,
    byte_progress: ByteProgress | None = None,
) -> BuildSummary:
    """Incremental upsert by id of the articles in source files and folders into the live generation."""
    return add_articles(read_sources(paths, options, byte_progress), root, strict)


def _remove_uncommitted_files(directory: Path) -> None:
    """Delete what a failed commit wrote into the live generation: segment files its TOC does not name and
    Whoosh's temp folder. Readers never use them, and on a full disk they would keep it full for good."""
    index = whoosh_index.open_dir(str(directory))
    clean_files(index.storage, index.indexname, index.latest_generation(), live_segments(index))
    shutil.rmtree(directory / f"{index.indexname}.tmp", ignore_errors=True)


def _cancel_incremental(directory: Path, writer) -> None:
    """Cancel a writer on the live generation and delete the segment files it had already created (even when
    cancelling fails too, as closing files does on a full disk)."""
    try:
        writer.cancel()
    finally:
        _remove_uncommitted_files(directory)


def _commit_incremental(root: Path, pointer: Pointer, writer) -> None:
    """Commit a writer on the live generation, refresh its manifest, and bump the pointer's revision."""
    directory = root / pointer.live
    try:
        writer.commit()
    except BaseException:
        _remove_uncommitted_files(directory)
        raise
    write_manifest(directory, whoosh_index.open_dir(str(directory)).latest_generation())
    fsync_tree(directory)
    write_pointer(
        root, Pointer(live=pointer.live, previous=pointer.previous, revision=pointer.revision + 1, updated=now_iso())
    )


def add_articles(
    items: Iterable[Article | Skip],
    root: str | Path,
    strict: bool = False,
) -> BuildSummary:
    """Upsert articles by id into the live generation: new ids are indexed, known ids replaced.

    A body identical to a different live document (or an earlier one in this batch) counts as a duplicate and
    is not added. With `strict`, the first unusable record aborts before anything is written.
    """
    root = Path(root)
    summary = BuildSummary()
    started = time.perf_counter()
    with writer_lock(root):
        pointer = read_live_pointer(root)
        remove_unreferenced(root, pointer)
        batch: dict[str, Article] = {}
        for item in items:
            if isinstance(item, Skip):
                record_skip(summary, item, strict)
                continue
            batch[item.id] = item  # a later record of the same id in one batch wins
        index = open_generation(root, pointer, writable=True)
        if BODY_DIGEST not in index.schema:
            raise IndexUnavailable(f"{root} was built before bodies' digests were indexed, so `add` cannot look "
                                   f"for duplicates in it; {rebuild_hint(root)}")
        writer = _incremental_writer(index)
        try:
            with writer.searcher() as searcher:
                stories = BatchStories(live_candidates(searcher)) if STORY_FIELD in index.schema else None
                batch_owner: dict[str, str] = {}  # body digest -> id, for this batch's own articles
                for article in batch.values():
                    digest = body_digest(article.body)
                    owner = batch_owner.get(digest) or _live_owner(searcher, digest)
                    if owner is not None and owner != article.id:
                        summary.duplicates += 1
                        continue
                    batch_owner[digest] = article.id
                    exists = searcher.document_number(id=article.id) is not None
                    mark = stories.mark(article) if stories else None
                    writer.update_document(**document_fields(article, mark))
                    if exists:
                        summary.updated += 1
                    else:
                        summary.indexed += 1
        except BaseException:
            _cancel_incremental(root / pointer.live, writer)
            raise
        _commit_incremental(root, pointer, writer)
        summary.generation = pointer.live
    summary.seconds = time.perf_counter() - started
    return summary


def _live_owner(searcher, digest: str) -> str | None:
    """The id of the live document whose body has `digest`: one term lookup, not a read of every body."""
    docnum = searcher.document_number(**{BODY_DIGEST: digest})
    return None if docnum is None else searcher.stored_fields(docnum)["id"]

def delete_documents(ids: Iterable[str], root: str | Path) -> BuildSummary:
    """Delete documents by id from the live generation; unknown ids are listed in `summary.not_found`."""
    root = Path(root)
    summary = BuildSummary()
    with writer_lock(root):
        pointer = read_live_pointer(root)
        remove_unreferenced(root, pointer)
        writer = _incremental_writer(open_generation(root, pointer, writable=True))
        try:
            for doc_id in dict.fromkeys(ids):
                if writer.delete_by_term("id", doc_id):
                    summary.deleted += 1
                else:
                    summary.not_found.append(doc_id)
        except BaseException:
            _cancel_incremental(root / pointer.live, writer)
            raise
        _commit_incremental(root, pointer, writer)
        summary.generation = pointer.live
    return summary


__all__ = [
    "add_articles",
    "add_documents",
    "build_index_dir",
    "delete_documents",
    "rebuild_from_articles",
    "rebuild_index",
]
