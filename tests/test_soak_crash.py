"""`reindex` killed with SIGKILL at several points of a rebuild while a real gunicorn serves the index.

Kill points are events on disk, not guesses at timing: the new generation directory appearing (lock taken,
build started), a moment into the indexing, a finished segment file, and the finished manifest (the build
is complete and only the pointer swap is left). Every time the server still answers from the old corpus,
the killed build's worker processes go away, and the next `reindex` succeeds and removes the leftovers.
Run with `pytest -s` to see the figures (kill phase, time to recover).
"""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from gunicorn_process import GunicornProcess, get_json, run_cli, start_cli
from indexer.build.rebuild import rebuild_index
from indexer.storage.layout import POINTER_NAME, generation_names, read_pointer
from soak_corpus import write_corpus

MARKERS = ("crasha", "crashb")  # two corpora, told apart by id prefix and marker word
DOCUMENTS = {"crasha": 80, "crashb": 100}
# The slow plan also kills at timed moments, a share of the way through the build: its corpora are big
# enough for the build to take seconds, and the share is of the first build's time, measured on this
# machine, since a fixed delay outlived the whole build once the analyzer got faster.
SLOW_DOCUMENTS = {"crasha": 6000, "crashb": 6400}
KILL_WAIT_SECONDS = 120  # longest wait for a kill point before the test gives up
WORKER_EXIT_SECONDS = 15  # workers poll their parent every second


@dataclass(frozen=True)
class KillPoint:
    """Kill the rebuild `delay` seconds after `reached(new generation directory)` first holds."""

    name: str
    reached: Callable[[Path], bool]
    delay: float = 0.0
    procs: int = 1


def has_files(*patterns: str) -> Callable[[Path], bool]:
    return lambda directory: any(any(directory.glob(pattern)) for pattern in patterns)


# A segment's writer has started: W3's term index or the array codec's postings file, both opened first.
WRITER_STARTED = ("*.trm", "*.arr")
# A segment has been flushed: W3's compound file, or (array segments are never compound) its stored fields.
SEGMENT_WRITTEN = ("*.seg", "*._stored.col")


EARLY = KillPoint("generation created", lambda directory: True)
MID_WORKERS = KillPoint("indexing, 2 worker processes", has_files(*WRITER_STARTED), delay=0.1, procs=2)
NEAR_SWAP = KillPoint("manifest written, before the swap", has_files("manifest.json"))


def default_plan(build_seconds: float) -> tuple[KillPoint, ...]:
    """The default run's kill points: none is timed, so the build's time does not matter."""
    return EARLY, MID_WORKERS, NEAR_SWAP


def slow_plan(build_seconds: float) -> tuple[KillPoint, ...]:
    """Every kill point, with two timed ones a share of `build_seconds` (a one-process build) into the build."""
    return (
        EARLY,
        KillPoint("indexing", lambda directory: True, delay=0.2 * build_seconds),
        KillPoint("late indexing", lambda directory: True, delay=0.5 * build_seconds),
        KillPoint("segment written", has_files(*SEGMENT_WRITTEN)),
        NEAR_SWAP,
        KillPoint("generation created, 2 worker processes", lambda directory: True, procs=2),
        MID_WORKERS,
        KillPoint("segment written, 2 worker processes", has_files(*SEGMENT_WRITTEN), procs=2),
        KillPoint("manifest written, 2 worker processes", has_files("manifest.json"), procs=2),
    )


def census(port: int) -> tuple[str, int]:
    """(marker, total) of the search matching every document of either corpus; asserts one corpus only."""
    status, body = get_json(port, "/api/search?" + urlencode({"q": " ".join(MARKERS), "per_page": 50}))
    assert status == 200, body
    markers = {hit["id"].split("-", 1)[0] for hit in body["hits"]}
    assert len(markers) == 1, markers
    return markers.pop(), body["total"]


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def reap(process) -> None:
    """Make sure a started CLI process is gone (killed if a wait above failed) and its pipes closed."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()


def kill_at(point: KillPoint, root: Path, feed: Path) -> tuple[int, list[int], str]:
    """Start `reindex`, SIGKILL it at `point`; return (exit status, its worker pids, name of its generation)."""
    existing = set(generation_names(root))
    process = start_cli("reindex", str(feed), "--index", str(root), "--procs", str(point.procs))
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    try:
        while True:
            fresh = sorted(set(generation_names(root)) - existing)
            if fresh and point.reached(root / fresh[-1]):
                break
            assert process.poll() is None, f"reindex ended before '{point.name}': {process.communicate()}"
            assert time.monotonic() < deadline, f"'{point.name}' not reached in {KILL_WAIT_SECONDS} s"
            time.sleep(0.002)
        if point.delay:
            time.sleep(point.delay)
        workers = children_of(process.pid) if point.procs > 1 else []
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        reap(process)
    return process.returncode, workers, fresh[-1]


def soak_crashes(tmp_path: Path, make_plan: Callable[[float], tuple[KillPoint, ...]],
                 documents: dict[str, int] = DOCUMENTS) -> None:
    root = tmp_path / "index"
    feeds = {marker: write_corpus(tmp_path / f"{marker}.jsonl", marker, documents[marker], body_words=100)
             for marker in MARKERS}
    started = time.monotonic()
    assert rebuild_index([feeds[MARKERS[0]]], root, procs=1).indexed == documents[MARKERS[0]]
    plan = make_plan(time.monotonic() - started)
    figures = []
    with GunicornProcess(root, tmp_path / "server.log", workers=2) as server:
        live = MARKERS[0]
        for number, point in enumerate(plan):
            target = MARKERS[1 - MARKERS.index(live)]
            before = read_pointer(root)
            status, workers, leftover = kill_at(point, root, feeds[target])
            killed_at = time.monotonic()
            assert status == -signal.SIGKILL
            swapped = read_pointer(root) != before
            # The server answers, from the old corpus unless the kill came after the pointer swap.
            assert census(server.port) == ((target, documents[target]) if swapped else (live, documents[live]))
            assert get_json(server.port, "/healthz")[0] == 200
            if not swapped:
                assert leftover in generation_names(root), "the killed build should leave its directory"
            deadline = time.monotonic() + WORKER_EXIT_SECONDS
            while any(map(running, workers)) and time.monotonic() < deadline:
                time.sleep(0.1)
            workers_gone = time.monotonic() - killed_at
            orphans = [pid for pid in workers if running(pid)]
            assert not orphans, f"worker processes {orphans} outlived the killed rebuild"

            # Recovery: the next rebuild takes the lock, removes the leftovers, and is served at once.
            started = time.monotonic()
            result = run_cli("reindex", str(feeds[target]), "--index", str(root), timeout=KILL_WAIT_SECONDS)
            rebuilt = time.monotonic()
            assert result.returncode == 0, result.stderr
            assert census(server.port) == (target, documents[target])
            served = time.monotonic()
            pointer = read_pointer(root)
            assert generation_names(root) == sorted([pointer.previous, pointer.live])
            assert not list(root.glob(f".{POINTER_NAME}.*.tmp"))
            figures.append((point.name, "after swap" if swapped else "before swap", len(workers), workers_gone,
                            rebuilt - started, served - killed_at))
            live = target
        log = server.log_text()
    assert "Traceback" not in log
    print(f"\nSOAK crash mid-rebuild: {len(plan)} kills, server answered from a complete corpus after each")
    for name, phase, worker_count, gone_seconds, rebuild_seconds, recover_seconds in figures:
        print(f"  kill at {name!r}: {phase}, {worker_count} child processes gone after {gone_seconds:.1f}s; "
              f"next reindex {rebuild_seconds:.1f}s, kill -> new corpus served (time to recover) {recover_seconds:.1f}s")
    before_swap = sum(1 for figure in figures if figure[1] == "before swap")
    assert before_swap >= len(plan) - 1, "kill points should land before the pointer swap"


def test_rebuild_killed_at_several_points_keeps_serving_and_recovers(tmp_path):
    soak_crashes(tmp_path, default_plan)


@pytest.mark.slow
def test_rebuild_killed_at_more_points_with_parallel_workers(tmp_path):
    soak_crashes(tmp_path, slow_plan, SLOW_DOCUMENTS)


@pytest.mark.slow
def test_add_killed_mid_commit_keeps_the_live_index_and_the_next_add_cleans_up(tmp_path):
    """An incremental `add` writes into the live generation itself: killed there, it must leave the live
    documents readable, and the next `add` must succeed and leave only the files its table of contents names."""
    root = tmp_path / "index"
    base = write_corpus(tmp_path / "base.jsonl", "addbase", 40, body_words=80)
    extra = write_corpus(tmp_path / "extra.jsonl", "addextra", 600, body_words=120)  # still adding 0.5 s in
    assert rebuild_index([base], root, procs=1).indexed == 40
    before = read_pointer(root)
    live = root / before.live
    files_before = {path.name for path in live.iterdir()}

    process = start_cli("add", str(extra), "--index", str(root))
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    try:
        while not {path.name for path in live.iterdir()} - files_before:  # the add's segment files appear
            assert process.poll() is None, f"add ended before writing: {process.communicate()}"
            assert time.monotonic() < deadline, "the add never started writing"
            time.sleep(0.002)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        reap(process)
    assert process.returncode == -signal.SIGKILL
    leftovers = {path.name for path in live.iterdir()} - files_before
    assert read_pointer(root) == before
    stats = run_cli("stats", "--index", str(root), "--json")
    assert stats.returncode == 0 and '"documents": 40' in stats.stdout, stats.stderr

    started = time.monotonic()
    again = run_cli("add", str(extra), "--index", str(root), timeout=KILL_WAIT_SECONDS)
    assert again.returncode == 0, again.stderr
    recover_seconds = time.monotonic() - started
    stats = run_cli("stats", "--index", str(root), "--json")
    assert stats.returncode == 0 and '"documents": 640' in stats.stdout, stats.stderr
    assert not leftovers & {path.name for path in live.iterdir()}, "the killed add's files are still there"
    print(f"\nSOAK add killed mid-write: {len(leftovers)} partial files left, live docs 40 kept; "
          f"next add {recover_seconds:.1f}s (time to recover) -> 640 docs, partial files removed")
