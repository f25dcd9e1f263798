"""Parallel fresh builds: worker processes each write their own segments of one new Whoosh index.

The parent reads and cleans the sources and deals articles out in numbered batches (as plain tuples, the
cheapest thing to pickle); each worker turns them into fields, analyzes and writes with `BulkSegmentWriter`
and hands back its finished segments; the parent then writes the index's table of contents listing them all.

Stories (`indexer.stories`) are decided in input order across all workers, so a worker adds each batch
as it arrives, fingerprinted from its writer's own analysis (`StorySegment`), sends the signatures to the
parent, and gives the batch its stories once the parent's story thread has answered; meanwhile it adds its
next batch. A segment ends at a batch's end, after that batch's stories have come. The parent, whose reading
and cleaning are a rebuild's critical path, only assigns.

Workers are spawned (not forked), so they inherit no file descriptors such as
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
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, clean_files

from indexer.ingest.article import Article
from indexer.build.story_segment import StorySegment
from indexer.stories.assign import STORY_BATCH, StoryIndex, StoryMark
from indexer.errors import WorkerFailed

BATCH_SIZE = STORY_BATCH  # articles per message (250): pickling amortized, load balanced, stories as one process assigns them
INBOX_BATCHES = 8  # batches queued per worker: the parent reads ahead while workers start (2,000 articles, ~12 MB each)
ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))  # an article travels as this tuple
RESULT_POLL_SECONDS = 1.0



def _finish_segment(segment: StorySegment):
    """Close out the segment, every batch of it with its stories. Its temporary storage (`MAIN.tmp`) is
    shared by every worker's writers, so it is left for the parent to remove once all workers are done.
    """
    segment.check_complete()
    finished = segment.writer.finalize_segment()
    segment.writer.is_closed = True
    return finished


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


def _write_segments(directory: str, inbox, stories, fingerprints, outbox, docs_per_segment: int) -> None:
    """Worker body: write and fingerprint every batch from `inbox` until None, then report the segments
    written. `fingerprints` takes (batch number, ids, publication times, signatures) to the parent, and
    `stories` brings back (batch number, [(story, bands)]) in the order the batches came.

    The cyclic garbage collector is off while documents are added: the writer's vocabulary and buffers are
    hundreds of thousands of long-lived objects that each full collection would walk again, for nothing
    (indexing makes no reference cycles); it runs once per finished segment instead.
    """
    _die_with_parent()
    gc.disable()
    try:
        ix = whoosh_index.open_dir(directory)
        segments = []
        segment: StorySegment | None = None
        awaited = None  # the number of the batch added last, whose stories have not come yet

        def settle() -> None:
            """Wait for the awaited batch's stories and give them to its documents."""
            answered, marks = _next_batch(stories)
            if answered != awaited:
                raise RuntimeError(f"stories of batch {answered} came for batch {awaited}")
            segment.set_stories([StoryMark(story, bands) for story, bands in marks])

        while (message := _next_batch(inbox)) is not None:
            number, rows = message
            if segment is None:
                segment = StorySegment(ix, _lk=False)
            fingerprints.put((number, *segment.add([Article(*values) for values in rows])))
            if awaited is not None:
                settle()  # the previous batch's, assigned meanwhile
            awaited = number
            if segment.docs >= docs_per_segment:
                settle()
                awaited = None
                segments.append(_finish_segment(segment))
                segment = None
                gc.collect()
        if awaited is not None:
            settle()
        if segment is not None:
            segments.append(_finish_segment(segment))
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
    """Write `articles` into the freshly created `index` using `procs` worker processes, each with the story
    assigned to it in input order; return the count."""
    context = multiprocessing.get_context("spawn")
    directory = str(Path(index.storage.folder))
    inboxes = [context.Queue(maxsize=INBOX_BATCHES) for _ in range(procs)]
    story_boxes = [context.Queue() for _ in range(procs)]
    fingerprints = context.Queue()
    outbox = context.Queue()
    workers = [
        context.Process(target=_write_segments, args=(directory, inbox, stories, fingerprints, outbox,
                                                      docs_per_segment), daemon=True)
        for inbox, stories in zip(inboxes, story_boxes)
    ]
    assigner = _StoryThread(fingerprints, story_boxes)
    for worker in workers:
        worker.start()
    assigner.start()
    try:
        written = 0
        batch: list[tuple] = []
        number = 0
        for article in articles:
            batch.append(_as_tuple(article))
            written += 1
            if len(batch) == BATCH_SIZE:
                _deliver(inboxes[number % procs], (number, batch), workers, outbox, assigner)
                number += 1
                batch = []
            if progress and written % progress_every == 0:
                progress(written)
        if batch:
            _deliver(inboxes[number % procs], (number, batch), workers, outbox, assigner)
        for inbox in inboxes:
            _deliver(inbox, None, workers, outbox, assigner)
        segments = _collect_segments(outbox, workers, assigner)
        shutil.rmtree(Path(directory) / f"{index.indexname}.tmp", ignore_errors=True)
        toc_generation = index.latest_generation() + 1
        TOC(index.schema, segments, toc_generation).write(index.storage, index.indexname)
        clean_files(index.storage, index.indexname, toc_generation, segments)
        if progress:
            progress(written)
        return written
    finally:
        fingerprints.put(None)
        assigner.join(timeout=RESULT_POLL_SECONDS)
        for worker in workers:
            if worker.is_alive() and worker.exitcode is None:
                worker.join(timeout=0.1)
            if worker.is_alive():
                worker.terminate()
            worker.join()
        for box in (*inboxes, *story_boxes, fingerprints, outbox):
            box.close()


class _StoryThread(threading.Thread):
    """The parent's story assigner: takes the workers' fingerprints, assigns stories batch by batch in
    input order (`StoryIndex`), and sends each batch's stories to the worker that holds it."""

    def __init__(self, fingerprints, story_boxes) -> None:
        super().__init__(name="story-assigner", daemon=True)
        self._fingerprints = fingerprints
        self._boxes = story_boxes
        self.error: str | None = None

    def run(self) -> None:
        try:
            stories = StoryIndex()
            arrived: dict[int, tuple] = {}
            following = 0
            while (message := self._fingerprints.get()) is not None:
                number, *signed = message
                arrived[number] = signed
                while following in arrived:
                    marks = stories.assign_signed(*arrived.pop(following))
                    self._boxes[following % len(self._boxes)].put(
                        (following, [(mark.story, mark.bands) for mark in marks]))
                    following += 1
        except BaseException:
            self.error = traceback.format_exc()

    def raise_if_failed(self) -> None:
        if self.error is not None:
            raise WorkerFailed(f"assigning stories failed:\n{self.error}")


def _deliver(inbox, item, workers, outbox, assigner: _StoryThread) -> None:
    """Put with back-pressure, but never hang on a dead worker or a failed story thread."""
    while True:
        try:
            inbox.put(item, timeout=RESULT_POLL_SECONDS)
            return
        except queue.Full:
            assigner.raise_if_failed()
            _raise_if_dead(workers, outbox)


def _collect_segments(outbox, workers, assigner: _StoryThread) -> list:
    segments = []
    for _ in workers:
        while True:
            try:
                status, payload = outbox.get(timeout=RESULT_POLL_SECONDS)
                break
            except queue.Empty:
                assigner.raise_if_failed()
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
