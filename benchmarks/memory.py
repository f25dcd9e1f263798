"""Peak memory of a child process tree, so a build that forks workers is charged for all of them.

`wait4`'s ru_maxrss only gives the largest single process; an index build with `procs=2` runs several
at once, so we also sample the summed RSS of the tree from /proc and report the larger of the two.
"""
from __future__ import annotations

import threading
from pathlib import Path

PROC = Path("/proc")


def rss_bytes(pid: int, proc: Path = PROC) -> int:
    """Resident set size of one process in bytes, 0 if it is gone or unreadable."""
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def child_pids(pid: int, proc: Path = PROC) -> list[int]:
    """Direct children of `pid`, read from every thread's `children` file."""
    children: list[int] = []
    try:
        for task in (proc / str(pid) / "task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(value) for value in text.split())
    except (OSError, ValueError):
        pass
    return children


def tree_rss_bytes(pid: int, proc: Path = PROC) -> int:
    """Summed RSS of `pid` and all its descendants (bounded walk: a pid is visited once)."""
    seen: set[int] = set()
    pending = [pid]
    total = 0
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += rss_bytes(current, proc)
        pending.extend(child_pids(current, proc))
    return total


class PeakTreeRss:
    """Background sampler of a process tree's summed RSS; use as a context manager around a wait."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakTreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
