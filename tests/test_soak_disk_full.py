"""Rebuilds and adds on a full disk: a small tmpfs holds the whole index root (live generation included).

A rebuild that runs out of space must exit 1 with a clear message, leave the live generation as it was and
searchable, give the space back, and let the next rebuild succeed. Skipped when tmpfs cannot be mounted
(not root, or no CAP_SYS_ADMIN). Run with `pytest -s` to see the figures.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from gunicorn_process import run_cli
from indexer.build.rebuild import rebuild_index
from search_app.cli.index_commands import EXIT_ERROR
from indexer.storage.layout import generation_names, read_pointer
from search_app import create_app
from soak_corpus import write_corpus

FS_BYTES = 2 * 1024 * 1024  # the live index takes ~0.7 MB of it; a full rebuild of BIG needs ~2.5 MB
LIVE, BIG = ("dfold", 30), ("dfnew", 80)  # (marker, documents)
# An add writes array segments (never compound, so no second copy at commit): 80 documents grow the index by
# ~1.4 MB, which fits; 240 grow it by ~3.7 MB.
BIGGER_ADD = ("dfnew", 240)


@pytest.fixture()
def small_fs(tmp_path):
    """A 2 MB tmpfs mounted for the test (skips when mounting is not permitted), unmounted afterwards."""
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={FS_BYTES}", "tmpfs", str(mount_point)],
                             capture_output=True, text=True, timeout=30)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True, timeout=30).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


@pytest.fixture()
def feeds(tmp_path):
    return {"live": write_corpus(tmp_path / "live.jsonl", *LIVE, body_words=60),
            "big": write_corpus(tmp_path / "big.jsonl", *BIG),
            "bigger": write_corpus(tmp_path / "bigger.jsonl", *BIGGER_ADD)}


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def live_snapshot(root: Path) -> dict[str, int]:
    """Name -> size of every file in the live generation."""
    directory = root / read_pointer(root).live
    return {path.name: path.stat().st_size for path in directory.iterdir() if path.is_file()}


def assert_live_serves(root: Path, marker: str, documents: int) -> int:
    """Check the app serves exactly the corpus `marker` from `root`; return the document count it reports."""
    client = create_app({"INDEX": str(root)}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["index"]["documents"] == documents
    found = client.get(f"/api/search?q={marker}").get_json()
    assert found["total"] == documents and all(hit["id"].startswith(marker) for hit in found["hits"])
    return health.get_json()["index"]["documents"]


def assert_disk_full_error(result) -> None:
    assert result.returncode == EXIT_ERROR, (result.returncode, result.stdout, result.stderr)
    assert "No space left on device" in result.stderr and "live index is unchanged" in result.stderr
    assert "Traceback" not in result.stderr


def fill(directory: Path, leave_bytes: int) -> Path:
    """A ballast file that leaves about `leave_bytes` free on the filesystem of `directory`."""
    ballast = directory / "ballast"
    with open(ballast, "wb") as handle:
        handle.write(b"\0" * max(0, free_bytes(directory) - leave_bytes))
    return ballast


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_that_runs_out_of_space_fails_clearly_and_keeps_the_live_index(small_fs, feeds, procs):
    root = small_fs / "index"
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    before, files_before, free_before = read_pointer(root), live_snapshot(root), free_bytes(small_fs)

    failed = run_cli("reindex", str(feeds["big"]), "--index", str(root), "--procs", str(procs))
    assert_disk_full_error(failed)
    assert read_pointer(root) == before and live_snapshot(root) == files_before
    assert generation_names(root) == [before.live]  # the partial generation is gone...
    assert free_bytes(small_fs) >= free_before - 64 * 1024  # ...and its space given back
    documents_after = assert_live_serves(root, *LIVE)

    started = time.monotonic()
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    recover_seconds = time.monotonic() - started
    assert_live_serves(root, *LIVE)
    print(f"\nSOAK disk full (rebuild, --procs {procs}, {FS_BYTES // 1024} KiB tmpfs): exit {failed.returncode}, "
          f"docs before={LIVE[1]} after={documents_after}, live files unchanged; "
          f"next reindex succeeded in {recover_seconds:.1f}s (time to recover)")


def test_rebuild_on_a_nearly_full_disk_fails_before_writing_much(small_fs, feeds):
    root = small_fs / "index"
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    before, files_before = read_pointer(root), live_snapshot(root)
    ballast = fill(small_fs, leave_bytes=16 * 1024)

    failed = run_cli("reindex", str(feeds["live"]), "--index", str(root))
    assert_disk_full_error(failed)
    assert read_pointer(root) == before and live_snapshot(root) == files_before
    assert generation_names(root) == [before.live]
    assert_live_serves(root, *LIVE)

    ballast.unlink()
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    assert_live_serves(root, *LIVE)


def test_add_that_runs_out_of_space_fails_clearly_and_leaves_no_partial_segment(small_fs, feeds):
    root = small_fs / "index"
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    before, files_before, free_before = read_pointer(root), live_snapshot(root), free_bytes(small_fs)

    failed = run_cli("add", str(feeds["bigger"]), "--index", str(root))
    assert_disk_full_error(failed)
    assert read_pointer(root) == before
    assert live_snapshot(root) == files_before  # no partial segment or temp folder left in the live generation
    assert not [path for path in (root / before.live).iterdir() if path.is_dir()]
    assert free_bytes(small_fs) >= free_before - 64 * 1024
    documents_after = assert_live_serves(root, *LIVE)

    # The space is really back: a full rebuild (a second generation beside the live one) fits.
    assert rebuild_index([feeds["live"]], root, procs=1).indexed == LIVE[1]
    print(f"\nSOAK disk full (add): exit {failed.returncode}, docs before={LIVE[1]} after={documents_after}, "
          f"no partial files left; next reindex succeeded")
