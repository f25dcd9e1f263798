"""Where the index lives and how readers open it: `resolve_index_root`, `IndexStore` and its errors.

Readers (the web app, `search`, `stats`) go through `IndexStore`, which follows the root's CURRENT pointer,
keeps one open Whoosh searcher per thread and reopens it only when the pointer's revision changes: after a
`reindex` swapped generations or an `add`/`delete` committed. A running server thus sees new content without
a restart, and a request never sees half of a change.
"""
from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.storage.layout import Pointer, manifest_problems, read_pointer
from indexer.errors import IndexCorrupt, IndexNotFound

ENV_VARIABLE = "ARABIC_SEARCH_INDEX"
RETRY_DELAY_SECONDS = 0.05
DEFAULT_INDEX_ROOT = Path(__file__).resolve().parents[2] / "index_data" / "index"


def resolve_index_root(option: str | os.PathLike | None) -> Path:
    """The index root: the `--index` option, else $ARABIC_SEARCH_INDEX, else `<repo>/index_data/index`."""
    if option:
        return Path(option)
    from_env = os.environ.get(ENV_VARIABLE)
    if from_env:
        return Path(from_env)
    return DEFAULT_INDEX_ROOT


def rebuild_hint(root: Path) -> str:
    return f"build it with: arabic-search reindex SOURCE... --index {root}"





def read_live_pointer(root: Path) -> Pointer:
    """The root's pointer, or IndexNotFound / IndexCorrupt with an actionable message."""
    try:
        pointer = read_pointer(root)
    except (ValueError, KeyError) as error:
        raise IndexCorrupt(f"index pointer {root / 'CURRENT'} is unreadable ({error}); {rebuild_hint(root)}") from None
    if pointer is None:
        raise IndexNotFound(f"no index found at {root}; {rebuild_hint(root)}")
    return pointer


def open_generation(root: Path, pointer: Pointer, writable: bool = False) -> whoosh_index.Index:
    """Open the generation the pointer names, checking its files against the manifest first."""
    directory = root / pointer.live
    if not directory.is_dir():
        raise IndexCorrupt(f"live index directory {directory} is missing; {rebuild_hint(root)}")
    try:
        index = whoosh_index.open_dir(str(directory), readonly=not writable)
        toc_generation = index.latest_generation()
    except Exception as error:  # Whoosh raises anything from EmptyIndexError to struct.error here
        raise IndexCorrupt(f"cannot open index {directory}: {error!r}; {rebuild_hint(root)}") from None
    problems = manifest_problems(directory, toc_generation)
    if problems:
        raise IndexCorrupt(f"index {directory} is damaged: {'; '.join(problems)}; {rebuild_hint(root)}")
    return index


def open_searcher(root: Path, pointer: Pointer):
    """A Whoosh searcher on the generation the pointer names; IndexCorrupt if its segments cannot be opened.

    The manifest check in `open_generation` runs before the segment files are opened, so a file damaged in
    between (or a codec that finds a truncated file the sizes did not reveal) is reported here the same way.
    """
    index = open_generation(root, pointer)
    try:
        return index.searcher()
    except Exception as error:  # noqa: BLE001 - Whoosh and the codec raise anything from ValueError to OSError
        raise IndexCorrupt(f"cannot open index {root / pointer.live}: {error!r}; {rebuild_hint(root)}") from None


def file_sizes(directory: Path) -> dict[Path, int]:
    """Size of each file of a generation (temp files aside), taken when a searcher is opened on it."""
    sizes = {}
    for path in directory.iterdir():
        if not path.name.startswith("."):
            try:
                sizes[path] = path.stat().st_size
            except FileNotFoundError:  # a writer's temp file, renamed away meanwhile
                pass
    return sizes


def sizes_unchanged(sizes: dict[Path, int]) -> bool:
    """True while every file seen at open time still has its size: a few stats, cheap enough for every call."""
    try:
        return all(os.stat(path).st_size == size for path, size in sizes.items())
    except FileNotFoundError:
        return False


class IndexStore:
    """Read access to the live generation of an index root, shared by every request of a process.

    Whoosh searchers are not safe to share between threads, so each thread keeps its own, opened once and
    reused until the pointer's (generation, revision) changes. The per-call check is one small file read.
    """

    def __init__(self, root: str | os.PathLike, prepare: Callable[[object], object] | None = None) -> None:
        """`prepare`, if given, is run on every searcher this store opens, before any caller gets it; what it
        returns is that searcher's companion state (the query side's arrays), handed out by `session()` and
        dropped with the searcher."""
        self.root = Path(root)
        self._prepare = prepare
        self._local = threading.local()
        self._open_searchers: weakref.WeakSet = weakref.WeakSet()
        self._registry_lock = threading.Lock()

    @property
    def pointer(self) -> Pointer:
        return read_live_pointer(self.root)

    @property
    def generation(self) -> str:
        """Name of the live generation directory, e.g. `gen-000003`."""
        return self.pointer.live

    def check(self) -> None:
        """Open the live index once so that startup fails early with IndexUnavailable, not a traceback later."""
        with self.searcher():
            pass

    def doc_count(self) -> int:
        with self.searcher() as searcher:
            return searcher.doc_count()

    @contextmanager
    def searcher(self) -> Iterator:
        """Yield this thread's searcher on the live generation, reopened if the index changed since last use."""
        yield self._current()[0]

    @contextmanager
    def session(self) -> Iterator[tuple[object, object]]:
        """Yield (searcher, the state `prepare` built for it) as `searcher()` would, both of one generation."""
        yield self._current()

    def close(self) -> None:
        """Close every searcher this store opened (all threads); the next `searcher()` reopens."""
        with self._registry_lock:
            searchers = list(self._open_searchers)
            self._open_searchers = weakref.WeakSet()
        for searcher in searchers:
            searcher.close()
        self._local = threading.local()

    def _current(self) -> tuple[object, object]:
        pointer = read_live_pointer(self.root)
        key = (pointer.live, pointer.revision)
        cached = getattr(self._local, "entry", None)
        if cached is not None and cached[0] == key and sizes_unchanged(cached[2]):
            return cached[1]
        if cached is not None:
            # Close before reopening: a file truncated under an open (memory-mapped) searcher would crash the
            # process on its next read; reopening checks the manifest and raises IndexCorrupt instead.
            self._local.entry = None
            cached[1][0].close()
        key, session = self._open_session(pointer)
        self._local.entry = (key, session, file_sizes(self.root / key[0]))
        return session

    def _open_session(self, pointer: Pointer):
        try:
            searcher = open_searcher(self.root, pointer)
        except IndexCorrupt:
            # A writer may have swapped generations, or merged segments away, between our pointer read and
            # the open. Retry once on a fresh pointer; a really damaged index fails the same way again.
            time.sleep(RETRY_DELAY_SECONDS)
            pointer = read_live_pointer(self.root)
            searcher = open_searcher(self.root, pointer)
        state = None
        if self._prepare is not None:
            try:
                state = self._prepare(searcher)
            except Exception as error:  # a segment that opens but cannot be read is damaged, not a server bug
                searcher.close()
                directory = self.root / pointer.live
                raise IndexCorrupt(f"cannot read index {directory}: {error!r}; {rebuild_hint(self.root)}") from None
        with self._registry_lock:
            self._open_searchers.add(searcher)
        return (pointer.live, pointer.revision), (searcher, state)
