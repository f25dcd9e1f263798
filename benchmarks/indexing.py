"""Indexing benchmark: a production full rebuild in a child process, with docs/s and peak memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from benchmarks.memory import PeakTreeRss
from benchmarks.stats import rate

MIB = 1024 * 1024


def run_build(source: Path, index_root: Path, docs: int, repo_root: Path, timeout: float = 3600) -> dict:
    """Rebuild `index_root` from `source` in a fresh interpreter and measure it.

    Peak memory is the larger of the sampled tree RSS and the child's own ru_maxrss from `wait4`
    (the latter catches a spike between two samples).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.build_child", "--source", str(source), "--index", str(index_root)],
            cwd=repo_root, stdout=out, stderr=err, text=True,
        )
        with PeakTreeRss(child.pid) as sampler:
            status, usage = _wait_bounded(child, timeout)
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    if status != 0:
        raise RuntimeError(f"index build of {docs} docs failed (status {status}): {errors.strip()[-800:]}")
    result = json.loads(output.strip().splitlines()[-1])
    peak = max(sampler.peak, usage.ru_maxrss * 1024)
    return {
        "docs": docs,
        "seconds": round(result["seconds"], 3),
        "docs_per_s": rate(docs, result["seconds"]),
        "peak_rss_mib": round(peak / MIB, 1),
        "summary": result["summary"],
    }


def _wait_bounded(child: subprocess.Popen, timeout: float):
    """`wait4` on our own child, killing it (by its pid) if it outlives `timeout`."""
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        _, raw_status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(raw_status)
    return child.returncode, usage
