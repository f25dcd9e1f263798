"""A damaged live index: startup, `stats`, `search` and a running server must say so clearly, never crash.

Each kind of damage (truncated or missing segment, garbled table of contents, missing generation) must
make `arabic-search serve` refuse to start with a message naming the damaged path and the rebuild command,
and no traceback; `stats`/`search` exit 5 alike. A server already running when a segment is truncated
turns unhealthy: /healthz and /api/search answer 503 JSON (no dropped connection, no crashed worker),
and a `reindex` brings it back. Run with `pytest -s` to see the time to recover.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from gunicorn_process import REPO, GunicornProcess, cli_command, cli_env, free_port, get, run_cli
from indexer.build.rebuild import rebuild_index
from search_app.cli import cli
from indexer.storage.layout import read_pointer
from soak_corpus import write_corpus

MARKER, DOCUMENTS = "corrupt", 40
EXIT_NO_INDEX = 5


def live_directory(root: Path) -> Path:
    return root / read_pointer(root).live


def largest_segment(root: Path) -> Path:
    """The largest segment file: a compound .seg, or the array codec's postings .arr."""
    files = [path for path in live_directory(root).iterdir() if path.suffix in (".seg", ".arr")]
    return max(files, key=lambda path: path.stat().st_size)


def truncate_segment(root: Path) -> Path:
    segment = largest_segment(root)
    with open(segment, "r+b") as handle:
        handle.truncate(segment.stat().st_size // 3)
    return segment


def remove_segment(root: Path) -> Path:
    segment = largest_segment(root)
    segment.unlink()
    return segment


def garble_toc(root: Path) -> Path:
    """Same size, wrong bytes: the manifest's size check passes, Whoosh's own reading must fail cleanly.

    Whoosh does not say which file it could not read, so the message names the generation directory.
    """
    toc = max(live_directory(root).glob("_MAIN_*.toc"))
    toc.write_bytes(b"\x00garbage" * (toc.stat().st_size // 8) + b"\x00" * (toc.stat().st_size % 8))
    return toc.parent


def remove_generation(root: Path) -> Path:
    directory = live_directory(root)
    shutil.rmtree(directory)
    return directory


# Each damages the live generation and returns the path the error message must name.
DAMAGE: dict[str, Callable[[Path], Path]] = {
    "truncated segment": truncate_segment,
    "missing segment": remove_segment,
    "garbled table of contents": garble_toc,
    "missing live generation": remove_generation,
}


@pytest.fixture()
def root(tmp_path):
    root = tmp_path / "index"
    feed = write_corpus(tmp_path / "feed.jsonl", MARKER, DOCUMENTS, body_words=80)
    assert rebuild_index([feed], root, procs=1).indexed == DOCUMENTS
    return root


def serve_refusal(root: Path) -> subprocess.CompletedProcess:
    """Run `serve` on the damaged root; it must exit by itself (a started gunicorn is killed and fails the test)."""
    argv = cli_command("serve", "--bind", f"127.0.0.1:{free_port()}", "--index", str(root), "--workers", "1")
    process = subprocess.Popen(argv, cwd=REPO, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("serve started on a damaged index instead of refusing it")
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def assert_clear_message(text: str, damaged: Path, root: Path) -> None:
    assert str(damaged) in text, text
    assert "arabic-search reindex" in text and str(root) in text, text
    assert "Traceback" not in text, text


@pytest.mark.parametrize("damage", DAMAGE)
def test_startup_stats_and_search_report_damage_with_path_and_rebuild_hint(root, damage):
    damaged = DAMAGE[damage](root)
    refused = serve_refusal(root)
    assert refused.returncode != 0
    assert_clear_message(refused.stderr, damaged, root)
    for args in (["stats", "--index", str(root)], ["search", MARKER, "--index", str(root)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == EXIT_NO_INDEX, (args, result.output, result.exception)
        assert_clear_message(result.output, damaged, root)


def answers(port: int, path: str) -> tuple[int, dict]:
    status, body = get(port, path)
    return status, json.loads(body)


def test_running_server_turns_unhealthy_on_a_truncated_segment_and_recovers_after_reindex(root, tmp_path):
    search_path = f"/api/search?q={MARKER}"
    with GunicornProcess(root, tmp_path / "server.log", workers=2) as server:
        for _ in range(6):  # warm both workers: each holds an open searcher on the live generation
            status, body = answers(server.port, search_path)
            assert status == 200 and body["total"] == DOCUMENTS
        truncate_segment(root)
        unhealthy = [answers(server.port, path) for path in ("/healthz", search_path) * 4]
        assert all(status == 503 for status, _ in unhealthy), unhealthy
        assert all(body["error"]["code"] == "index_unavailable" for _, body in unhealthy), unhealthy

        killed_at = time.monotonic()
        rebuilt = run_cli("reindex", str(tmp_path / "feed.jsonl"), "--index", str(root))
        assert rebuilt.returncode == 0, rebuilt.stderr
        healthy = [answers(server.port, path) for path in ("/healthz", search_path) * 4]
        recovered = time.monotonic() - killed_at
        log = server.log_text()
    assert all(status == 200 for status, _ in healthy), healthy
    assert all(body["total"] == DOCUMENTS for status, body in healthy[1::2])
    assert "SIGBUS" not in log and "Traceback" not in log, log[-3000:]
    assert "is damaged" in log  # the operator sees the detail in the log; clients get the generic message
    print(f"\nSOAK corrupt index under a running server: {len(unhealthy)} requests answered 503 JSON, "
          f"0 dropped; reindex -> healthy again in {recovered:.1f}s (time to recover)")
