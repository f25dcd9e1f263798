"""Peak memory of a build's process tree: RSS summed over a process and its descendants from /proc."""
import os
import subprocess
import sys

import pytest

from benchmarks.memory import PeakTreeRss, tree_rss_bytes


def _fake_process(proc, pid, rss_kib, children=()):
    directory = proc / str(pid)
    (directory / "task" / str(pid)).mkdir(parents=True)
    (directory / "status").write_text(f"Name:\tpython\nVmRSS:\t {rss_kib} kB\nThreads:\t1\n")
    (directory / "task" / str(pid) / "children").write_text(" ".join(map(str, children)))


def test_tree_rss_sums_a_process_and_all_its_descendants(tmp_path):
    _fake_process(tmp_path, 10, 1000, children=(11, 12))
    _fake_process(tmp_path, 11, 200, children=(13,))
    _fake_process(tmp_path, 12, 300)
    _fake_process(tmp_path, 13, 50)
    assert tree_rss_bytes(10, tmp_path) == (1000 + 200 + 300 + 50) * 1024
    assert tree_rss_bytes(12, tmp_path) == 300 * 1024


def test_tree_rss_of_a_vanished_process_is_zero(tmp_path):
    assert tree_rss_bytes(999_999, tmp_path) == 0


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_sampler_sees_a_real_child_allocate_memory():
    child = subprocess.Popen([sys.executable, "-c", "import time; data = bytearray(64 << 20); time.sleep(1.0)"])
    with PeakTreeRss(child.pid, interval=0.02) as sampler:
        child.wait(timeout=30)
    assert sampler.peak > 64 << 20
