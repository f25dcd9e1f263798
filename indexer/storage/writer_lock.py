"""The single-writer lock of an index root, so that reindex, add and delete never run at the same time.

It is an `fcntl.flock` on `root/write.lock`: the kernel drops it when the holder dies (even by SIGKILL),
so a killed rebuild never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.storage.layout import LOCK_NAME
from indexer.errors import WriterBusy



@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the root's writer lock for the duration of the block, or raise WriterBusy at once."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise WriterBusy(
                f"another reindex/add/delete is already running on {root} (pid {holder} holds {path}); "
                "wait for it to finish and try again"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
