"""Parallel fresh builds: worker processes each write their own segments of one new Whoosh index.

The parent reads and cleans the sources and deals articles out in batches (as plain tuples, the cheapest
thing to pickle); each worker turns them into fields, analyzes and writes with `BulkSegmentWriter` and hands
back its finished segments; the parent then writes the index's table of contents listing them all. Workers are spawned (not forked), so they inherit no file descriptors such as
the writer lock, and they die with the parent: the kernel kills them (Linux's parent-death signal), and
elsewhere they notice between batches.
"""
from __future__ import annotations

import ctypes
import dataclasses
import ctypes.util
import gc
import multiprocessing
import queue
import shutil
import signal
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files

from indexer.ingest.article import Article
from indexer.build.bulk_writer import BulkSegmentWriter
from indexer.storage.schema import document_fields
from indexer.errors import WorkerFailed

BATCH_SIZE = 250  # articles per message: large enough to amortize pickling, small enough to balance load
INBOX_BATCHES = 8  # batches queued per worker: the parent reads ahead while workers start (2,000 articles, ~12 MB each)
ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))  # an article travels as this tuple
RESULT_POLL_SECONDS = 1.0



def _finish_segment(writer: BulkSegmentWriter):
    """Close out the writer's segment. Its temporary storage (`MAIN.tmp`) is shared by every worker's
    writers, so it is left for the parent to remove once all workers are done.
    """
    segment = writer.finalize_segment()
    writer.is_closed = True
    return segment


PR_SET_PDEATHSIG = 1  # prctl option: the signal this process gets when its parent dies


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the rebuild dies, even in the middle of a long batch."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _next_batch(inbox):
    """The next batch from the parent; exit quietly if the parent died (e.g. `kill -9` of a rebuild).

    Queued batches outlive the parent in the pipe, so liveness is checked before each one, not only
    when the inbox is empty.
    """
    parent = multiprocessing.parent_process()
    while True:
        if parent is not None and not parent.is_alive():
            raise SystemExit(1)
        try:
            return inbox.get(timeout=RESULT_POLL_SECONDS)
        except queue.Empty:
            continue


def _as_tuple(article: Article) -> tuple:
    return tuple(getattr(article, name) for name in ARTICLE_FIELDS)


def _write_segments(directory: str, inbox, outbox, docs_per_segment: int) -> None:
    """Worker body: add every batch from `inbox` until None, then report the segments written.

    The cyclic garbage collector is off while documents are added: the writer's vocabulary and buffers are
    hundreds of thousands of long-lived objects that each full collection would walk again, for nothing
    (indexing makes no reference cycles); it runs once per finished segment instead.
    """
    _die_with_parent()
    gc.disable()
    try:
        ix = whoosh_index.open_dir(directory)
        segments = []
        writer = None
        in_segment = 0
        while (batch := _next_batch(inbox)) is not None:
            for values in batch:
                if writer is None:
                    writer = BulkSegmentWriter(ix, _lk=False)
                writer.add_document(**document_fields(Article(*values)))
                in_segment += 1
                if in_segment == docs_per_segment:
                    segments.append(_finish_segment(writer))
                    writer, in_segment = None, 0
                    gc.collect()
        if writer is not None:
            segments.append(_finish_segment(writer))
        outbox.put(("ok", segments))
    except SystemExit:
        raise
    except OSError as error:  # e.g. a full disk: reported by the parent as its own I/O errors, no traceback
        outbox.put(("oserror", (error.errno, error.strerror, error.filename)))
    except BaseException:  # report everything, including KeyboardInterrupt, to the parent
        outbox.put(("error", traceback.format_exc()))


def build_in_workers(
    articles: Iterable[Article],
    index,
    procs: int,
    docs_per_segment: int,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> int:
    """Write `articles` into the freshly created `index` using `procs` worker processes; return the count."""
    context = multiprocessing.get_context("spawn")
    directory = str(Path(index.storage.folder))
    inboxes = [context.Queue(maxsize=INBOX_BATCHES) for _ in range(procs)]
    outbox = context.Queue()
    workers = [
        context.Process(target=_write_segments, args=(directory, inbox, outbox, docs_per_segment), daemon=True)
        for inbox in inboxes
    ]
    for worker in workers:
        worker.start()
    try:
        written = 0
        batch: list[tuple] = []
        turn = 0
        for article in articles:
            batch.append(_as_tuple(article))
            written += 1
            if len(batch) == BATCH_SIZE:
                _deliver(inboxes[turn], batch, workers, outbox)
                turn = (turn + 1) % procs
                batch = []
            if progress and written % progress_every == 0:
                progress(written)
        if batch:
            _deliver(inboxes[turn], batch, workers, outbox)
        for inbox in inboxes:
            _deliver(inbox, None, workers, outbox)
        segments = _collect_segments(outbox, workers)
        shutil.rmtree(Path(directory) / f"{index.indexname}.tmp", ignore_errors=True)
        toc_generation = index.latest_generation() + 1
        TOC(index.schema, segments, toc_generation).write(index.storage, index.indexname)
        clean_files(index.storage, index.indexname, toc_generation, segments)
        if progress:
            progress(written)
        return written
    finally:
        for worker in workers:
            if worker.is_alive() and worker.exitcode is None:
                worker.join(timeout=0.1)
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for inbox in inboxes:
            inbox.close()
        outbox.close()


def _deliver(inbox, item, workers, outbox) -> None:
    """Put with back-pressure, but never hang on a dead worker."""
    while True:
        try:
            inbox.put(item, timeout=RESULT_POLL_SECONDS)
            return
        except queue.Full:
            _raise_if_dead(workers, outbox)


def _collect_segments(outbox, workers) -> list:
    segments = []
    for _ in workers:
        while True:
            try:
                status, payload = outbox.get(timeout=RESULT_POLL_SECONDS)
                break
            except queue.Empty:
                _raise_if_dead(workers, None)
        if status == "oserror":
            raise OSError(*payload)
        if status != "ok":
            raise WorkerFailed(f"an indexing worker failed:\n{payload}")
        segments.extend(payload)
    return segments


def _raise_if_dead(workers, outbox) -> None:
    """Raise if a worker died, or (while documents are still being dealt out) if one stopped early."""
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise WorkerFailed(f"indexing worker {worker.pid} exited with code {worker.exitcode}")
        if outbox is not None and worker.exitcode == 0:
            try:
                status, payload = outbox.get(timeout=RESULT_POLL_SECONDS)
            except queue.Empty:
                status, payload = "error", "(no report)"
            if status == "oserror":
                raise OSError(*payload)
            raise WorkerFailed(f"an indexing worker stopped early:\n{payload}")
