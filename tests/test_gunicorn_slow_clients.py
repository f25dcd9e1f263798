"""Slow and hostile clients against a real `arabic-search serve` on loopback: half-sent requests must not starve the
workers, and a head that never completes is cut off.

The default run holds a few slow connections and checks /healthz still answers at once; the slow-marked runs
(`make soak`) wait for the head deadline, and load the server with wrk (or the fallback client) at c=16 with and
without 64 slow connections held open.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from benchmarks.http_load import run_python_load, run_wrk, search_paths, warm_up
from gunicorn_process import GunicornProcess, get, get_json, run_cli
from search_app.gunicorn_worker import BODY_BUFFER_BYTES, HEAD_BUFFER_BYTES, HEAD_SECONDS, request_bytes_needed
from test_app_corpus import DOCUMENT_COUNT, build_sample_index

REPO = Path(__file__).resolve().parent.parent
PARTIAL_HEAD = b"GET /api/search?q=%D9%85%D8%AF%D8%B1%D8%B3%D8%A9 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


class SlowClients:
    """`count` connections that each send part of a request head, then one byte a second, never finishing it.

    A connection the server cuts off is opened again, so `count` stay held for the whole block; `cut_off`
    counts the ones the server closed. Every socket operation has a timeout and the thread is joined on exit.
    """

    def __init__(self, port: int, count: int, trickle_seconds: float = 1.0) -> None:
        self.port, self.count, self.trickle_seconds = port, count, trickle_seconds
        self.cut_off = 0
        self.open_connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def __enter__(self) -> "SlowClients":
        self._thread.start()
        assert self._ready.wait(10), "slow connections were not opened in time"
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _open(self) -> socket.socket | None:
        try:
            connection = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            connection.sendall(PARTIAL_HEAD)
            return connection
        except OSError:
            return None

    @staticmethod
    def _answered(connection: socket.socket) -> bool:
        """True once the server has answered (a 408) or closed: the head will never be read."""
        try:
            return connection.recv(65536, socket.MSG_DONTWAIT) is not None
        except BlockingIOError:
            return False

    def _run(self) -> None:
        connections = [self._open() for _ in range(self.count)]
        self._ready.set()
        while not self._stop.wait(self.trickle_seconds):
            for n, connection in enumerate(connections):
                try:
                    if connection is None or self._answered(connection):
                        raise OSError("not connected")
                    connection.sendall(b"a")
                except OSError:
                    if connection is not None:
                        connection.close()
                        self.cut_off += 1
                    connections[n] = self._open()
            self.open_connections = sum(connection is not None for connection in connections)
        for connection in connections:
            if connection is not None:
                connection.close()


def read_response(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = build_sample_index(tmp_path_factory.mktemp("slow-clients") / "index")
    with GunicornProcess(root, tmp_path_factory.mktemp("slow-clients-log") / "server.log", workers=2) as process:
        yield process


# What makes a request ready for a thread: its head, and a small declared body.

HEAD = b"GET / HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize("buffered, needed", [
    (HEAD, None),
    (HEAD + b"\r\n", len(HEAD) + 2),
    (b"GET / HTTP/1.1\nHost: x\n\n", 24),  # bare LF: left to gunicorn's parser to judge
    (HEAD + b"Content-Length: 5\r\n\r\nab", len(HEAD) + 21 + 5),
    (HEAD + b"content-length:  5 \r\n\r\nabcde", len(HEAD) + 23 + 5),
    (HEAD + b"Content-Length: %d\r\n\r\n" % (BODY_BUFFER_BYTES + 1), len(HEAD) + 25),  # too big: the app's 413
    (HEAD + b"X-Content-Length: 5\r\n\r\n", len(HEAD) + 23),  # another header's name is not the body's length
])
def test_request_bytes_needed_waits_for_the_head_and_a_small_body(buffered, needed):
    assert request_bytes_needed(buffered) == needed


def test_a_body_announced_after_the_head_is_not_its_length():
    assert request_bytes_needed(HEAD + b"\r\nContent-Length: 99\r\n\r\n") == len(HEAD) + 2


# Against the real server.

def test_slow_clients_do_not_block_healthz(server):
    """Four half-sent requests (two per worker at least) used to hold both sync workers until they gave up."""
    with SlowClients(server.port, 4):
        time.sleep(0.5)  # let the server accept them all
        for _ in range(6):
            started = time.monotonic()
            status, body = get_json(server.port, "/healthz", timeout=2)
            assert status == 200 and body["index"]["documents"] == DOCUMENT_COUNT
            assert time.monotonic() - started < 2


def test_a_request_sent_byte_by_byte_is_answered(server):
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        for n in range(0, len(request), 7):
            connection.sendall(request[n:n + 7])
            time.sleep(0.01)
        response = read_response(connection)
    assert response.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in response.replace(b" ", b"")


def test_a_small_body_sent_after_the_head_is_read_before_the_request_runs(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nab")
        time.sleep(0.3)
        connection.sendall(b"cd")
        response = read_response(connection)
    assert response.startswith(b"HTTP/1.1 200")


def test_a_head_larger_than_the_buffer_is_refused_with_431(server):
    filler = b"".join(b"X-Filler-%d: %s\r\n" % (n, b"x" * 1000) for n in range(HEAD_BUFFER_BYTES // 1000 + 2))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + filler)  # never finished
        response = read_response(connection)
    assert response.startswith(b"HTTP/1.1 431")
    assert get(server.port, "/healthz")[0] == 200


@pytest.mark.slow
def test_a_head_not_complete_by_the_deadline_is_cut_off_with_408(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=HEAD_SECONDS + 10) as connection:
        connection.sendall(PARTIAL_HEAD)
        started = time.monotonic()
        connection.settimeout(1.0)
        response = b""
        while time.monotonic() - started < HEAD_SECONDS + 5:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                try:
                    connection.sendall(b"a")  # a byte a second: progress, but never the end of the head
                except OSError:
                    break
                continue
            if not chunk:
                break
            response += chunk
        elapsed = time.monotonic() - started
    assert response.startswith(b"HTTP/1.1 408")
    assert HEAD_SECONDS - 1 <= elapsed <= HEAD_SECONDS + 3


# The load test of issue 14: c=16 on the sample corpus, with and without 64 slow connections. This machine's
# throughput drifts by a fifth or more from one run to the next (other work shares its cores), so the two
# conditions alternate in short slices and are compared by their totals; the slow connections are opened
# SLOW_HEAD_START seconds before their slice, so the head deadline cuts them off, and they are opened again,
# while the load runs.

LOAD_SECONDS = 6
ROUNDS = 4
SLOW_HEAD_START = 5
CONCURRENCY = 16
SLOW_CONNECTIONS = 64


def sample_queries() -> list[str]:
    """Three-word queries from the sample's titles: real words, varied postings."""
    import json

    lines = (REPO / "index_data" / "sample" / "ant-v2.1-sample.jsonl").read_text(encoding="utf-8").splitlines()
    titles = [json.loads(line)["title"] for line in lines if line.strip()]
    return [" ".join(title.split()[:3]) for title in titles if title.split()][:200]


def load(base: str, paths: list[str], work_dir: Path) -> dict:
    if shutil.which("wrk"):
        result = run_wrk(base, paths, LOAD_SECONDS, CONCURRENCY, work_dir)
    else:
        result = run_python_load(base, paths, LOAD_SECONDS, CONCURRENCY)
    return {**result, "errors": result["socket_errors"] + result["non_2xx"]}


def worker_rss_mib(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    sizes = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["PPid"]) == master_pid and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)


def total_rate(runs: list[dict]) -> float:
    return sum(run["requests"] for run in runs) / sum(run["seconds"] for run in runs)


@pytest.mark.slow
def test_sixty_four_slow_connections_leave_the_others_their_throughput(tmp_path):
    root = tmp_path / "index"
    built = run_cli("reindex", "index_data/sample", "--index", str(root))
    assert built.returncode == 0, built.stderr
    paths = search_paths(sample_queries())
    clean, held, cut_off, still_open = [], [], 0, []
    with GunicornProcess(root, tmp_path / "server.log", workers=2) as server:
        base = f"http://127.0.0.1:{server.port}"
        warm_up(base, paths, count=40)
        for _ in range(ROUNDS):
            clean.append(load(base, paths, tmp_path))
            with SlowClients(server.port, SLOW_CONNECTIONS) as slow:
                time.sleep(SLOW_HEAD_START)
                held.append(load(base, paths, tmp_path))
                still_open.append(slow.open_connections)
            cut_off += slow.cut_off
        rss = worker_rss_mib(server.process.pid)
    print(f"\nc={CONCURRENCY} without slow clients: {clean}\nwith {SLOW_CONNECTIONS} slow: {held}"
          f"\nrate {total_rate(clean):.1f} / {total_rate(held):.1f} req/s; worker RSS MiB: {rss}; "
          f"slow connections open at each slice's end: {still_open}, cut off by the deadline: {cut_off}")
    assert still_open == [SLOW_CONNECTIONS] * ROUNDS
    assert cut_off >= SLOW_CONNECTIONS * ROUNDS  # SLOW_HEAD_START + LOAD_SECONDS outlasts HEAD_SECONDS
    assert [run["errors"] for run in clean + held] == [0] * (2 * ROUNDS)
    assert total_rate(held) >= 0.8 * total_rate(clean)
    assert len(rss) == 2
