"""Two writers at once through the real CLI: `reindex` against `add`/`delete`, each way round and at the same instant.

The writer lock is not waited for: the second writer must fail at once with exit code 4 and a message that
names the index, while the first finishes. Afterwards the index opens and holds exactly the documents of
the writers that succeeded, in the order they ran. Run with `pytest -s` to see the figures.

The first writer reads its feed from a named pipe that the test fills in two halves, so it is provably still
running (holding the lock, half-way through its feed) when the second writer tries, however fast indexing is.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import time
from pathlib import Path

import pytest

from gunicorn_process import run_cli, start_cli
from indexer.build.rebuild import rebuild_index
from search_app.cli.index_commands import EXIT_BUSY
from indexer.storage.layout import LOCK_NAME, read_pointer
from soak_corpus import corpus_rows, write_corpus
from index_probe import live_ids

LOCK_WAIT_SECONDS = 120
BASE, BIG, EXTRA = ("wbase", 40), ("wbig", 200), ("wextra", 120)  # (marker, documents) of the three feeds


def ids_of(marker: str, count: int) -> set[str]:
    return {row["id"] for row in corpus_rows(marker, count, body_words=1)}


def lock_holder(root: Path) -> str:
    """The pid written into the lock file by the writer holding it ("" when free)."""
    path = root / LOCK_NAME
    return path.read_text().strip() if path.exists() else ""


def wait_for_lock(root: Path, process) -> float:
    """Wait until `process` holds the root's writer lock."""
    started = time.monotonic()
    while lock_holder(root) != str(process.pid):
        assert process.poll() is None, f"writer ended before taking the lock: {process.communicate()}"
        assert time.monotonic() - started < LOCK_WAIT_SECONDS, "writer never took the lock"
        time.sleep(0.01)
    return time.monotonic() - started


def finish(process, seconds: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=seconds)
    return process.returncode, out, err


def assert_refused(result, root: Path) -> None:
    assert result.returncode == EXIT_BUSY, (result.returncode, result.stdout, result.stderr)
    assert "already running" in result.stderr and str(root) in result.stderr
    assert "Traceback" not in result.stderr


@contextlib.contextmanager
def piped_feed(path: Path, marker: str, count: int, reader):
    """A named pipe at `path` for `reader` (a started CLI process); yields a function that writes the first
    half of the feed's lines and returns, and writes the second half (ending the feed) on exit."""
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in corpus_rows(marker, count, body_words=120)]
    descriptor = _open_pipe_for_writing(path, reader)
    with os.fdopen(descriptor, "w", encoding="utf-8") as pipe:
        def first_half() -> None:
            pipe.writelines(lines[: count // 2])
            pipe.flush()
        yield first_half
        pipe.writelines(lines[count // 2:])


def _open_pipe_for_writing(path: Path, reader) -> int:
    """Open the pipe once `reader` has opened it (never block on a reader that died first)."""
    started = time.monotonic()
    while True:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            assert reader.poll() is None, f"writer ended before reading its feed: {reader.communicate()}"
            assert time.monotonic() - started < LOCK_WAIT_SECONDS, "writer never opened its feed"
            time.sleep(0.01)
            continue
        os.set_blocking(descriptor, True)
        return descriptor


def stats_documents(root: Path) -> int:
    result = run_cli("stats", "--index", str(root), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["documents"]


@pytest.fixture()
def feeds(tmp_path):
    return {marker: write_corpus(tmp_path / f"{marker}.jsonl", marker, count, body_words=120)
            for marker, count in (BASE, BIG, EXTRA)}


@pytest.fixture()
def root(tmp_path, feeds):
    root = tmp_path / "index"
    assert rebuild_index([feeds[BASE[0]]], root, procs=1).indexed == BASE[1]
    return root


def test_add_and_delete_during_a_reindex_exit_4_and_the_reindex_completes(root, feeds, tmp_path):
    pipe = tmp_path / "wbig-piped.jsonl"
    os.mkfifo(pipe)
    reindex = start_cli("reindex", str(pipe), "--index", str(root), "--procs", "1")
    try:
        with piped_feed(pipe, *BIG, reader=reindex) as first_half:
            first_half()
            wait_for_lock(root, reindex)
            second = [start_cli("add", str(feeds[EXTRA[0]]), "--index", str(root)),
                      start_cli("delete", "wbase-00001", "--index", str(root))]
            refused = [finish(process, LOCK_WAIT_SECONDS) for process in second]
            still_running = reindex.poll() is None
        code, out, err = finish(reindex)
    finally:
        if reindex.poll() is None:
            reindex.kill()
    for code_seen, _, message in refused:
        assert code_seen == EXIT_BUSY and "already running" in message and str(root) in message
        assert "Traceback" not in message
    assert still_running, "the reindex ended before its feed did"
    assert code == 0, err
    assert live_ids(root) == ids_of(*BIG)
    documents = stats_documents(root)
    print(f"\nSOAK two writers (reindex first): add exit {refused[0][0]}, delete exit {refused[1][0]}, "
          f"reindex exit {code}; docs before={BASE[1]} after={documents} (source {BIG[1]})")
    assert documents == BIG[1]


def test_reindex_during_an_add_exits_4_and_the_add_lands(root, feeds, tmp_path):
    before = read_pointer(root)
    pipe = tmp_path / "wextra-piped.jsonl"
    os.mkfifo(pipe)
    add = start_cli("add", str(pipe), "--index", str(root))
    try:
        with piped_feed(pipe, *EXTRA, reader=add) as first_half:
            first_half()
            wait_for_lock(root, add)
            refused = run_cli("reindex", str(feeds[BIG[0]]), "--index", str(root), timeout=LOCK_WAIT_SECONDS)
            still_running = add.poll() is None
        code, out, err = finish(add)
    finally:
        if add.poll() is None:
            add.kill()
    assert_refused(refused, root)
    assert still_running, "the add ended before its feed did"
    assert code == 0, err
    after = read_pointer(root)
    assert (after.live, after.revision) == (before.live, before.revision + 1)  # one commit, same generation
    assert live_ids(root) == ids_of(*BASE) | ids_of(*EXTRA)
    documents = stats_documents(root)
    print(f"\nSOAK two writers (add first): reindex exit {refused.returncode}, add exit {code}; "
          f"docs before={BASE[1]} after={documents} (source {BASE[1]} + {EXTRA[1]})")
    assert documents == BASE[1] + EXTRA[1]


@pytest.mark.slow
@pytest.mark.parametrize("round_number", range(3))
def test_reindex_and_add_started_together_serialize_cleanly(root, feeds, round_number):
    base, big, extra = ids_of(*BASE), ids_of(*BIG), ids_of(*EXTRA)
    reindex = start_cli("reindex", str(feeds[BIG[0]]), "--index", str(root), "--procs", "1")
    add = start_cli("add", str(feeds[EXTRA[0]]), "--index", str(root))
    (reindex_code, _, reindex_err), (add_code, _, add_err) = finish(reindex), finish(add)
    for code, err in ((reindex_code, reindex_err), (add_code, add_err)):
        assert code in (0, EXIT_BUSY), err
        assert code == 0 or ("already running" in err and "Traceback" not in err)
    assert 0 in (reindex_code, add_code)
    # Which states the index may be in, given who succeeded (both: either order).
    allowed = {
        (0, EXIT_BUSY): [big],
        (EXIT_BUSY, 0): [base | extra],
        (0, 0): [big, big | extra],
    }[(reindex_code, add_code)]
    found = live_ids(root)
    print(f"\nSOAK writers started together, round {round_number}: reindex exit {reindex_code}, add exit {add_code}, "
          f"docs after={len(found)}")
    assert found in allowed
    assert stats_documents(root) == len(found)
