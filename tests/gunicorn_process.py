"""A real `arabic-search serve` (gunicorn) on a free loopback port, and the CLI as a subprocess, for soak tests.

The server runs in its own session so that stopping it takes its workers down too; every wait is bounded.
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
from pathlib import Path

from search_app.gunicorn_conf import READY_MESSAGE

REPO = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
CLI_PREFIX = [sys.executable, "-c", "from search_app.cli import main; main()"]


def cli_command(*args: str) -> list[str]:
    """`arabic-search ARGS...` run by this interpreter (works without the console script installed)."""
    return [*CLI_PREFIX, *args]


def cli_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run one `arabic-search` command to completion, capturing its output as text."""
    return subprocess.run(cli_command(*args), cwd=REPO, env=cli_env(), capture_output=True, text=True,
                          timeout=timeout)


def start_cli(*args: str, **popen_options) -> subprocess.Popen:
    """Start one `arabic-search` command without waiting (to race it, or to kill it)."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, **popen_options}
    return subprocess.Popen(cli_command(*args), cwd=REPO, env=cli_env(), **options)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """One GET on a fresh connection: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def get_json(port: int, path: str, timeout: float = 30) -> tuple[int, dict]:
    status, body = get(port, path, timeout)
    return status, json.loads(body)


class GunicornProcess:
    """`arabic-search serve --index ROOT --workers N` on a free port, as a context manager (with `engine`, a
    cluster URL, `--engine URL` instead of `--index ROOT`).

    Entering waits (bounded) until /healthz answers 200 and every worker has logged that it is ready (its index
    opened and prepared), so that a test's requests, or its damage to the files, never race a worker's start-up.
    Leaving sends SIGTERM to the session and, after a grace period, SIGKILL. `log_text()` returns what the server
    printed so far (for failure messages).
    """

    def __init__(self, root: Path | None, log_path: Path, workers: int = 2, engine: str | None = None) -> None:
        self.root = root
        self.engine = engine
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "GunicornProcess":
        self._log = open(self.log_path, "w+b")
        where = ("--engine", self.engine) if self.engine else ("--index", str(self.root))
        argv = cli_command("serve", "--bind", f"127.0.0.1:{self.port}", *where, "--workers", str(self.workers))
        self.process = subprocess.Popen(argv, cwd=REPO, env=cli_env(), stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if get(self.port, "/healthz", timeout=5)[0] == 200 and self._all_workers_ready():
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log_text()
                self.__exit__(None, None, None)
                raise RuntimeError(f"gunicorn did not come up on port {self.port}:\n{log}")
            time.sleep(0.2)

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log.close()

    def _all_workers_ready(self) -> bool:
        """Every worker has finished its start-up: one that still opens the index may not be sent requests yet."""
        return self.log_text().count(READY_MESSAGE) >= self.workers

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_bytes().decode(errors="replace")
