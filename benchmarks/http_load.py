"""HTTP benchmark: the production `arabic-search serve` (gunicorn) on loopback, loaded by `wrk`.

Everything is bounded: the server gets a fixed time to become healthy, the load a fixed duration, and
the server is stopped (our own child, by its process group) whatever happens. Without `wrk` a small
threaded Python client does the same job, with the same bounds.
"""
from __future__ import annotations

import http.client
import itertools
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from benchmarks.memory import rss_bytes
from benchmarks.stats import latency_summary, rate

HOST = "127.0.0.1"
SEARCH_PATH = "/api/search"
_UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TIME = re.compile(r"([\d.]+)(us|ms|s|m|h)$")


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def search_paths(queries: Sequence[str], per_page: int = 10) -> list[str]:
    """Request paths of the API for each query, percent-encoded so they are plain ASCII."""
    return [f"{SEARCH_PATH}?{urllib.parse.urlencode({'q': q, 'per_page': per_page})}" for q in queries]


def wrk_script(paths: Sequence[str]) -> str:
    """A wrk Lua script cycling through `paths`; each wrk thread keeps its own counter."""
    items = ",\n".join(f"  {_lua_string(path)}" for path in paths)
    return (
        "local paths = {\n" + items + "\n}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  return wrk.format(\"GET\", paths[(n % #paths) + 1])\n"
        "end\n"
    )


def _lua_string(text: str) -> str:
    if not text.isascii():
        raise ValueError("wrk paths must be percent-encoded ASCII")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_duration(text: str) -> float:
    """wrk's '12.34ms' / '1.02s' / '850.00us' as seconds."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_wrk_output(output: str) -> dict:
    """Requests, duration, requests/s, latency percentiles and errors from `wrk --latency` output."""
    done = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    per_second = re.search(r"Requests/sec:\s*([\d.]+)", output)
    if not done or not per_second:
        raise ValueError("wrk output has no request summary")
    percentiles = {
        f"p{int(float(p))}_ms": round(parse_duration(value) * 1000, 3)
        for p, value in re.findall(r"^\s+(\d+(?:\.\d+)?)%\s+(\S+)\s*$", output, re.MULTILINE)
    }
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(done.group(1)),
        "seconds": round(parse_duration(done.group(2)), 3),
        "requests_per_s": float(per_second.group(1)),
        **percentiles,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def serve_command(index_root: Path, port: int, workers: int) -> list[str]:
    """The production `arabic-search serve`, run with this interpreter (works before `pip install`)."""
    return [sys.executable, "-m", "search_app.cli", "serve", "--bind", f"{HOST}:{port}",
            "--index", str(index_root), "--workers", str(workers)]


@contextmanager
def running_server(index_root: Path, repo_root: Path, workers: int, log_path: Path, start_timeout: float = 60):
    """Start gunicorn through `serve`, wait for /healthz, yield its base URL, always stop it.

    Its output goes to `log_path`, never to a pipe: an access log of thousands of lines would
    fill a pipe nobody reads and stall the server mid-benchmark.
    """
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(serve_command(index_root, port, workers), cwd=repo_root,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        _wait_healthy(server, base, log_path, start_timeout)
        yield base, server.pid  # the server leads its own process group
    finally:
        _stop(server)


def _log_tail(log_path: Path) -> str:
    return log_path.read_text(encoding="utf-8", errors="replace")[-800:]


def _wait_healthy(server: subprocess.Popen, base: str, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited ({server.returncode}): {_log_tail(log_path)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {base} not healthy after {timeout:.0f}s: {_log_tail(log_path)}")


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM our server's process group (gunicorn and its workers), SIGKILL it after 15 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def warm_up(base: str, paths: Sequence[str], count: int = 20) -> None:
    """A few sequential requests so each worker has opened its searcher before the clock starts."""
    for path in paths[:count]:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()


def run_wrk(base: str, paths: Sequence[str], seconds: float, concurrency: int, script_dir: Path) -> dict:
    """Load `base` with wrk for `seconds` at `concurrency` connections over 2 threads.

    wrk runs on the same cores as the server, so the CPU it used (cores, averaged over the run) is reported.
    """
    script = script_dir / "bench-paths.lua"
    script.write_text(wrk_script(paths), encoding="ascii")
    threads = max(1, min(2, concurrency))
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "--latency", "-s", str(script), base + SEARCH_PATH]
    before, started = _children_cpu_seconds(), time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()[-500:]}")
    load_cores = round((_children_cpu_seconds() - before) / elapsed, 3) if elapsed > 0 else None
    return {"tool": "wrk", **parse_wrk_output(completed.stdout), "load_generator_cores": load_cores}


def _children_cpu_seconds() -> float:
    """User + system CPU of the child processes waited for so far (wrk, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_group_cpu_seconds(pgid: int) -> float | None:
    """User + system CPU of every live process of a process group (gunicorn's master and workers), from /proc.

    None where /proc is not available; processes that exit meanwhile are simply not counted.
    """
    group = _process_group(pgid)
    return None if group is None else sum(group.values())


def process_group_rss_mib(pgid: int) -> dict[int, float]:
    """Resident memory of each live process of a process group, by pid ({} where /proc is not available)."""
    return {pid: round(rss_bytes(pid) / 2**20, 1) for pid in _process_group(pgid) or {}}


def _process_group(pgid: int) -> dict[int, float] | None:
    """pid -> user + system CPU seconds of each live process of the group, read from /proc/<pid>/stat."""
    group, tick = {}, os.sysconf("SC_CLK_TCK")
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ..., utime (11), stime (12)
            group[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    return group


def run_python_load(base: str, paths: Sequence[str], seconds: float, concurrency: int) -> dict:
    """Fallback load: `concurrency` threads, each sending requests back to back until the deadline."""
    url = urllib.parse.urlsplit(base)
    timings: list[float] = []
    errors = {"socket_errors": 0, "non_2xx": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        for n in itertools.count(offset, concurrency):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", paths[n % len(paths)])
                response = connection.getresponse()
                response.read()
                outcome = None if 200 <= response.status < 400 else "non_2xx"
            except (OSError, http.client.HTTPException):
                outcome = "socket_errors"
                connection.close()  # the next request() opens a fresh connection
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
                if outcome:
                    errors[outcome] += 1
        connection.close()

    started = time.monotonic()
    clients = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    if not timings:
        raise RuntimeError("the load client completed no request")
    summary = latency_summary(timings)
    return {"tool": "python", "requests": len(timings), "seconds": round(elapsed, 3),
            "requests_per_s": rate(len(timings), elapsed), "p50_ms": summary["p50_ms"],
            "p99_ms": summary["p99_ms"], **errors}


def measure_http(index_root: Path, repo_root: Path, queries: Sequence[str], seconds: float,
                 concurrency: int, workers: int, work_dir: Path) -> dict:
    """Serve `index_root` with gunicorn and measure requests/s, p99 and errors under a bounded load."""
    paths = search_paths(queries)
    with running_server(index_root, repo_root, workers, work_dir / "server.log") as (base, server_group):
        warm_up(base, paths)
        server_before = process_group_cpu_seconds(server_group)
        if shutil.which("wrk"):
            result = run_wrk(base, paths, seconds, concurrency, work_dir)
        else:
            result = run_python_load(base, paths, seconds, concurrency)
        server_after = process_group_cpu_seconds(server_group)
        rss = process_group_rss_mib(server_group)  # after the load: what each worker grew to serving it
    result.update({"concurrency": concurrency, "workers": workers,
                   "errors": result["socket_errors"] + result["non_2xx"],
                   "master_rss_mib": rss.pop(server_group, None), "worker_rss_mib": sorted(rss.values())})
    if server_before is not None and server_after is not None and result["requests"]:
        # the server's own CPU per request: what throughput would be with the cores to itself
        result["server_cpu_ms_per_request"] = round((server_after - server_before) * 1000 / result["requests"], 3)
    return result
