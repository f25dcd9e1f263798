"""HTTP benchmark plumbing: wrk's output parsed, its Lua script built, queries percent-encoded."""
import urllib.parse

import pytest

from benchmarks.http_load import free_port, parse_duration, parse_wrk_output, search_paths, wrk_script

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8123/api/search
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    78.21ms   20.02ms 412.50ms   85.00%
    Req/Sec   102.31     15.70   140.00     70.00%
  Latency Distribution
     50%   75.10ms
     75%   85.22ms
     90%   98.00ms
     99%    1.21s
  2046 requests in 10.02s, 9.87MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    204.19
Transfer/sec:      0.98MB
"""


@pytest.mark.parametrize("text, seconds", [("850.00us", 0.00085), ("75.10ms", 0.0751), ("1.21s", 1.21),
                                           ("2.00m", 120.0)])
def test_parse_duration_reads_wrk_units(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


def test_parse_wrk_output_reads_rate_percentiles_and_errors():
    parsed = parse_wrk_output(WRK_OUTPUT)
    assert parsed["requests"] == 2046
    assert parsed["seconds"] == pytest.approx(10.02)
    assert parsed["requests_per_s"] == pytest.approx(204.19)
    assert parsed["p50_ms"] == pytest.approx(75.1)
    assert parsed["p99_ms"] == pytest.approx(1210.0)
    assert parsed["socket_errors"] == 3
    assert parsed["non_2xx"] == 4


def test_parse_wrk_output_without_errors_counts_zero():
    clean = "\n".join(line for line in WRK_OUTPUT.splitlines() if "errors" not in line and "Non-2xx" not in line)
    parsed = parse_wrk_output(clean)
    assert parsed["socket_errors"] == 0 and parsed["non_2xx"] == 0


def test_parse_wrk_output_rejects_a_failed_run():
    with pytest.raises(ValueError):
        parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused")


def test_search_paths_percent_encode_arabic_queries():
    # "the minister's visit to Washington"
    (path,) = search_paths(["زيارة الوزير لواشنطن"])
    assert path.isascii()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query == {"q": ["زيارة الوزير لواشنطن"], "per_page": ["10"]}


def test_wrk_script_cycles_every_path_and_refuses_raw_unicode():
    script = wrk_script(["/api/search?q=a", "/api/search?q=b"])
    assert '"/api/search?q=a"' in script and '"/api/search?q=b"' in script
    assert "wrk.format" in script
    with pytest.raises(ValueError):
        wrk_script(["/api/search?q=وزير"])  # "minister", not encoded


def test_free_port_is_a_loopback_port_number():
    assert 0 < free_port() < 65536


def test_python_load_counts_requests_and_http_errors_within_its_time_bound():
    import http.server
    import threading
    import time

    from benchmarks.http_load import run_python_load

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 200 if self.path == "/ok" else 500
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        result = run_python_load(f"http://127.0.0.1:{server.server_port}", ["/ok", "/bad"], 0.5, 2)
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
    assert result["requests"] > 2
    assert 0 < result["non_2xx"] < result["requests"]  # every other path answers 500
    assert result["socket_errors"] == 0
    assert result["p99_ms"] >= result["p50_ms"] > 0


def test_process_group_cpu_counts_this_process():
    import os
    import time

    from benchmarks.http_load import process_group_cpu_seconds

    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # burn a little CPU so the kernel's tick count moves
        pass
    group = process_group_cpu_seconds(os.getpgrp())
    assert group is not None and group >= time.process_time() - 0.05


def test_process_group_rss_names_this_process_with_its_resident_memory():
    import os

    from benchmarks.http_load import process_group_rss_mib
    from benchmarks.memory import rss_bytes

    group = process_group_rss_mib(os.getpgrp())
    assert os.getpid() in group
    assert abs(group[os.getpid()] - rss_bytes(os.getpid()) / 2**20) < 64  # MiB; this process keeps running
