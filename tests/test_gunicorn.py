"""A real gunicorn on localhost, started by `arabic-search serve` and stopped by the test.

Checks what only a real server shows: the serve command wiring, worker startup, limits enforced by
gunicorn itself, raw bytes on the wire, and a reindex picked up by running workers.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from indexer.ingest.article import Article
from indexer.build.rebuild import rebuild_from_articles
from test_app_corpus import ARTICLES, DOCUMENT_COUNT, build_sample_index

REPO = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from search_app.cli import main; main()", "serve", *args]


def request(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw_request(port: int, request_line: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request_line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(port, index root) of a 2-worker gunicorn serving the sample index; killed at the end."""
    root = build_sample_index(tmp_path_factory.mktemp("gunicorn") / "index")
    port = free_port()
    log = open(tmp_path_factory.mktemp("gunicorn-log") / "server.log", "w+b")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(serve_command("--bind", f"127.0.0.1:{port}", "--index", str(root), "--workers", "2"),
                               cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if request(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.seek(0)
            pytest.fail(f"gunicorn did not come up:\n{log.read().decode(errors='replace')}")
        time.sleep(0.2)
    yield port, root, log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def test_healthz_and_search_answer_through_gunicorn(server):
    port, _, _ = server
    status, _, body = request(port, "/healthz")
    assert status == 200 and json.loads(body)["index"]["documents"] == DOCUMENT_COUNT
    status, headers, body = request(port, "/api/search?q=" + quote("المَدْرَسَة"))  # "the school", diacritized
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["total"] > 0
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_page_is_served_with_its_stylesheet(server):
    port, _, _ = server
    status, headers, body = request(port, "/?q=" + quote("مدرسة"))
    assert status == 200 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert b'dir="rtl"' in body and b"<mark>" in body
    assert request(port, "/static/style.css")[0] == 200


def test_raw_invalid_utf8_on_the_wire_is_a_400(server):
    port, _, _ = server
    response = raw_request(port, b"GET /api/search?q=%FF%FE HTTP/1.1")
    assert response.startswith(b"HTTP/1.1 400")
    assert b"UTF-8" in response and b"Traceback" not in response


def test_gunicorn_rejects_an_oversized_request_line_cleanly(server):
    port, _, _ = server
    response = raw_request(port, b"GET /api/search?q=" + b"a" * 10_000 + b" HTTP/1.1")
    assert response.split(b" ", 2)[1] in (b"400", b"414")
    assert b"Traceback" not in response


def test_gunicorn_rejects_an_oversized_header_cleanly(server):
    port, _, _ = server
    response = raw_request(port, b"GET /healthz HTTP/1.1\r\nX-Big: " + b"x" * 9000)
    assert response.split(b" ", 2)[1] in (b"400", b"431")
    assert b"Traceback" not in response


def test_request_body_over_the_limit_is_a_413_json_error(server):
    port, _, _ = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api/search?q=x", body=b"x" * 20_000)  # over the 16 kB limit, small enough to fit socket buffers
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "body_too_large"
    finally:
        connection.close()


def test_access_log_records_requests(server):
    port, _, log = server
    request(port, "/healthz?from-access-log-test=1")
    time.sleep(0.3)
    log.seek(0)
    assert b"/healthz?from-access-log-test=1" in log.read()


def test_running_workers_pick_up_a_completed_reindex(server):
    port, root, _ = server
    quake = Article(id="quake", title="زلزال يضرب المنطقة", body="ضرب زلزال قوي المنطقة فجر اليوم.",
                    source="BBC", category="world", published=datetime(2019, 2, 2))  # "an earthquake hits the region"
    rebuild_from_articles([*ARTICLES, quake], root)
    for _ in range(4):  # several requests, so that both workers answer at least once in practice
        status, _, body = request(port, "/api/search?q=" + quote("زلزال"))
        assert status == 200 and [hit["id"] for hit in json.loads(body)["hits"]] == ["quake"]


def test_serve_refuses_a_missing_index_with_a_clear_message(tmp_path):
    missing = tmp_path / "never-built"
    result = subprocess.run(serve_command("--bind", f"127.0.0.1:{free_port()}", "--index", str(missing)),
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert str(missing) in result.stderr and "reindex" in result.stderr
    assert "Traceback" not in result.stderr
