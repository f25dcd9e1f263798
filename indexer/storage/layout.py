"""On-disk layout of an index root: generation directories, the pointer naming the live one, and manifests.

A root looks like this::

    root/CURRENT          JSON pointer {"live", "previous", "revision", "updated"}; replaced atomically
    root/write.lock       fcntl lock held by the one writer (reindex, add, delete)
    root/gen-000007/      a complete Whoosh index (the live generation) + manifest.json
    root/gen-000006/      the previous generation, kept so that readers still holding it keep working

Readers only ever follow CURRENT. A writer builds a new generation beside the live one, makes it durable
(fsync), then swaps CURRENT with `os.replace`, so a reader sees either the old or the new index, never a mix.
Anything else under the root (a generation left by a killed rebuild) is garbage, removed under the lock.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

POINTER_NAME = "CURRENT"
LOCK_NAME = "write.lock"
MANIFEST_NAME = "manifest.json"
GENERATION_PATTERN = re.compile(r"^gen-(\d{6,})$")


@dataclass(frozen=True)
class Pointer:
    """What CURRENT says: the live generation, the one before it, and a revision bumped by every change."""

    live: str
    previous: str | None
    revision: int
    updated: str  # ISO 8601 UTC time of the last change, shown by `stats`


def read_pointer(root: Path) -> Pointer | None:
    """Return the pointer, or None when the root holds no published index yet."""
    try:
        raw = (root / POINTER_NAME).read_bytes()
    except FileNotFoundError:
        return None
    data = json.loads(raw)
    return Pointer(data["live"], data.get("previous"), int(data["revision"]), data.get("updated", ""))


def write_pointer(root: Path, pointer: Pointer) -> None:
    """Publish `pointer` atomically: write a temp file, fsync it, `os.replace` it over CURRENT, fsync the root."""
    payload = json.dumps(
        {"live": pointer.live, "previous": pointer.previous, "revision": pointer.revision, "updated": pointer.updated}
    ).encode()
    temp = root / f".{POINTER_NAME}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, root / POINTER_NAME)
    fsync_directory(root)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def generation_names(root: Path) -> list[str]:
    """All generation directories under the root, oldest first."""
    if not root.is_dir():
        return []
    names = [entry.name for entry in root.iterdir() if entry.is_dir() and GENERATION_PATTERN.match(entry.name)]
    return sorted(names, key=lambda name: int(GENERATION_PATTERN.match(name).group(1)))


def next_generation_name(root: Path) -> str:
    """A name above every existing generation, so that generations sort by age."""
    numbers = [int(GENERATION_PATTERN.match(name).group(1)) for name in generation_names(root)]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def remove_unreferenced(root: Path, pointer: Pointer | None) -> list[str]:
    """Delete generations that CURRENT no longer names (killed rebuilds, generations older than `previous`).

    Only call this while holding the writer lock: an unreferenced directory may be one being built.
    Stray temp pointers from a killed swap go too.
    """
    keep = {pointer.live, pointer.previous} if pointer else set()
    removed = []
    for name in generation_names(root):
        if name not in keep:
            shutil.rmtree(root / name, ignore_errors=True)
            removed.append(name)
    for stray in root.glob(f".{POINTER_NAME}.*.tmp"):
        stray.unlink(missing_ok=True)
    return removed


def fsync_directory(directory: Path) -> None:
    """Make a directory's entries (new files, renames) durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(directory: Path) -> None:
    """fsync every file in a freshly built generation, then the directory itself, before it is published."""
    for path in directory.iterdir():
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_directory(directory)


def write_manifest(directory: Path, toc_generation: int) -> None:
    """Record each index file's size so that readers can detect truncation before Whoosh trips over it."""
    files = {
        path.name: path.stat().st_size
        for path in directory.iterdir()
        if path.is_file() and path.name != MANIFEST_NAME
    }
    temp = directory / f".{MANIFEST_NAME}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        json.dump({"toc_generation": toc_generation, "files": files}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, directory / MANIFEST_NAME)


def manifest_problems(directory: Path, toc_generation: int) -> list[str]:
    """Compare the generation's files against its manifest; return one message per missing or resized file.

    The manifest is only authoritative for the Whoosh TOC generation it was written for: an `add` that has
    committed but not yet rewritten the manifest is not corruption.
    """
    try:
        manifest = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [f"{directory / MANIFEST_NAME} is missing"]
    except ValueError:
        return [f"{directory / MANIFEST_NAME} is not valid JSON"]
    if manifest.get("toc_generation") != toc_generation:
        return []
    problems = []
    for name, size in manifest.get("files", {}).items():
        path = directory / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            problems.append(f"{path} is missing")
            continue
        if actual != size:
            problems.append(f"{path} has {actual} bytes, expected {size}")
    return problems


def directory_size(directory: Path) -> int:
    """Bytes on disk of every file under `directory`."""
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
