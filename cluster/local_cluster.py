"""A real OpenSearch 2.19.6 cluster on 127.0.0.1: N node JVMs, started and stopped from Python.

    with LocalCluster(nodes=3, base_dir="/tmp/os") as cluster:   # waits, bounded, for green with 3 nodes
        client = cluster.client()                               # opensearch-py, on node 0
        cluster.stop_node(2)                                     # SIGTERM (kill=True: SIGKILL)
        cluster.wait_for_status("yellow", nodes=2)
        cluster.start_node(2)                                    # same ports, same data directory
        cluster.wait_for_status("green", nodes=3)

`python -m cluster.local_cluster` (`make cluster`) starts 3 nodes, prints the URL and waits for Ctrl-C.

Each node is `org.arabicsearch.cluster.NodeMain` (cluster/node), one per JVM, run from the classes and jars
that `make cluster-deps` leaves in cluster/node/target: starting a cluster builds nothing and needs no
network. Every node runs in its own session (process group), with its own home, data, log and temporary
directories under BASE_DIR/NODE_NAME, on loopback ports picked free at construction; a node also exits by
itself when this process dies (it watches its standard input, a pipe held by this process). Every wait is
bounded; `stop()` always ends every node (SIGTERM, then SIGKILL).
"""
from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from opensearchpy import OpenSearch
from opensearchpy.exceptions import TransportError

REPO = Path(__file__).resolve().parent.parent
NODE_PROJECT = REPO / "cluster" / "node"
CLASSES = NODE_PROJECT / "target" / "classes"
DEPENDENCIES = NODE_PROJECT / "target" / "dependency"
MAIN_CLASS = "org.arabicsearch.cluster.NodeMain"

DEFAULT_CLUSTER_NAME = "arabic-search-local"
START_SECONDS = 180.0  # three cold JVMs on two cores, to green
NODE_START_SECONDS = 120.0
STOP_SECONDS = 30.0
STATUS_SECONDS = 120.0
_STATUS_RANK = {"red": 0, "yellow": 1, "green": 2}

# What OpenSearch's own jvm.options and launcher set, less what only matters for a packaged install.
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:G1ReservePercent=25",
    "-XX:InitiatingHeapOccupancyPercent=30",
    "-Xss1m",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Djna.nosys=true",
    "-Djava.locale.providers=SPI,COMPAT",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dio.netty.allocator.numDirectArenas=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
)


class ClusterError(RuntimeError):
    """A node did not start, died, or the cluster did not reach the awaited state in time."""


class LauncherNotBuilt(ClusterError):
    """cluster/node/target has no launcher classes or no dependency jars."""


def launcher_classpath() -> str:
    """The node launcher's classpath, or LauncherNotBuilt telling how to build it."""
    main_class = CLASSES / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
    if not main_class.is_file() or not any(DEPENDENCIES.glob("opensearch-*.jar")):
        raise LauncherNotBuilt(
            f"the OpenSearch node launcher is not built ({main_class.relative_to(REPO)} or the jars in "
            f"{DEPENDENCIES.relative_to(REPO)}/ are missing): run `make cluster-deps` first "
            "(it needs Maven and network once)"
        )
    return f"{CLASSES}{os.pathsep}{DEPENDENCIES / '*'}"


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports that were free a moment ago (all held at once while picking)."""
    probes = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            probes.append(probe)
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _megabytes(size: str) -> int:
    match = re.fullmatch(r"(\d+)([kmg]?)", size.strip().lower())
    if not match:
        raise ValueError(f"heap size {size!r} is not like 512m or 1g")
    number, unit = int(match.group(1)), match.group(2)
    return {"k": number // 1024, "m": number, "g": number * 1024, "": number // (1024 * 1024)}[unit]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} unreadable)"
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class _Node:
    index: int
    name: str
    http_port: int
    transport_port: int
    root: Path
    process: subprocess.Popen | None = None
    stopped: bool = False  # stopped on purpose: its exit is no failure
    output: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def out_path(self) -> Path:
        """What the JVM printed: the ready line, and any error before logging was set up."""
        return self.logs / f"{self.name}.out"

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}.log"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def started(self) -> bool:
        try:
            text = self.out_path.read_text(errors="replace")
        except OSError:
            return False
        return f"node {self.name} started http=" in text

    def failure(self, what: str) -> ClusterError:
        return ClusterError(
            f"{what}\n--- {self.out_path} ---\n{_tail(self.out_path)}\n--- {self.log_path} ---\n{_tail(self.log_path)}"
        )


class LocalCluster:
    """N OpenSearch nodes on 127.0.0.1, each a JVM with its own data directory under `base_dir`.

    `base_dir` None: a new temporary directory, removed by `stop()`. A given `base_dir` is kept (its node
    data too, so a later cluster on it finds its indexes again).
    """

    def __init__(self, nodes: int = 3, base_dir: str | os.PathLike | None = None, heap: str = "512m",
                 cluster_name: str = DEFAULT_CLUSTER_NAME, *, java: str | None = None,
                 start_timeout: float = START_SECONDS, log_level: str = "info") -> None:
        if nodes < 1:
            raise ValueError("a cluster needs at least one node")
        self.heap = heap
        self._direct_memory_mb = max(64, _megabytes(heap) // 2)
        self.cluster_name = cluster_name
        self.java = java or os.environ.get("CLUSTER_JAVA") or shutil.which("java") or "java"
        self.start_timeout = start_timeout
        self.log_level = log_level
        self._owns_base_dir = base_dir is None
        self.base_dir = Path(base_dir) if base_dir is not None else Path(tempfile.mkdtemp(prefix="opensearch-cluster-"))
        ports = free_ports(2 * nodes)
        self._nodes = [
            _Node(i, f"node-{i}", ports[2 * i], ports[2 * i + 1], self.base_dir / f"node-{i}") for i in range(nodes)
        ]
        self._atexit_registered = False

    # -- addresses ---------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT of node 0."""
        return self._nodes[0].url

    @property
    def urls(self) -> list[str]:
        """Every node's HTTP URL, in node order (stopped nodes included)."""
        return [node.url for node in self._nodes]

    @property
    def node_names(self) -> list[str]:
        return [node.name for node in self._nodes]

    def running_nodes(self) -> list[int]:
        return [node.index for node in self._nodes if node.running()]

    def client(self, index: int | None = None, **options) -> OpenSearch:
        """An opensearch-py client on node `index` (default: every running node)."""
        hosts = [self._nodes[index].url] if index is not None else [self._nodes[i].url for i in self.running_nodes()]
        options = {"timeout": 30, "max_retries": 0, "retry_on_timeout": False, **options}
        return OpenSearch(hosts=hosts or self.urls, **options)

    def log_path(self, index: int) -> Path:
        return self._nodes[index].log_path

    # -- starting ----------------------------------------------------------------------------------------

    def start(self) -> "LocalCluster":
        """Start every node at once and wait (bounded) for green with all of them; on failure, stop all."""
        classpath = launcher_classpath()
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        deadline = time.monotonic() + self.start_timeout
        try:
            for node in self._nodes:
                if not node.running():
                    self._launch(node, classpath)
            # all at once: a node's start returns only once a cluster manager is elected, which takes a quorum
            self._wait_started(self._nodes, deadline)
            self.wait_for_status("green", len(self._nodes), timeout=max(1.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        return self

    def start_node(self, index: int, timeout: float = NODE_START_SECONDS) -> None:
        """Start node `index` again (same ports, same data directory) and wait until it serves HTTP."""
        node = self._nodes[index]
        if node.running():
            raise ClusterError(f"{node.name} is already running")
        self._launch(node, launcher_classpath())
        self._wait_started([node], time.monotonic() + timeout)

    def _command(self, node: _Node, classpath: str) -> list[str]:
        seeds = ",".join(f"127.0.0.1:{n.transport_port}" for n in self._nodes)
        settings = {
            "cluster.name": self.cluster_name,
            "node.name": node.name,
            "path.home": node.root,
            "path.data": node.data,
            "path.logs": node.logs,
            "network.host": "127.0.0.1",
            "http.port": node.http_port,
            "transport.port": node.transport_port,
            "discovery.seed_hosts": seeds,
            "cluster.initial_cluster_manager_nodes": ",".join(self.node_names),
            "cluster.routing.allocation.disk.threshold_enabled": "false",
        }
        command = [
            self.java, f"-Xms{self.heap}", f"-Xmx{self.heap}", f"-XX:MaxDirectMemorySize={self._direct_memory_mb}m",
            *JVM_OPTIONS, f"-Djava.io.tmpdir={node.root / 'tmp'}",
            "-cp", classpath, MAIN_CLASS,
        ]
        for key, value in settings.items():
            command += ["-E", f"{key}={value}"]
        return command + ["--log-level", self.log_level, "--watch-stdin"]

    def _launch(self, node: _Node, classpath: str) -> None:
        for folder in (node.root, node.data, node.logs, node.root / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        self._close_output(node)
        node.output = open(node.out_path, "wb")
        node.stopped = False
        node.process = subprocess.Popen(
            self._command(node, classpath), cwd=node.root, stdin=subprocess.PIPE, stdout=node.output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def _wait_started(self, nodes: list[_Node], deadline: float) -> None:
        waiting = list(nodes)
        while waiting:
            for node in list(waiting):
                if node.started():
                    waiting.remove(node)
                elif not node.running():
                    code = node.process.returncode if node.process else None
                    raise node.failure(f"{node.name} exited (code {code}) before it started")
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise waiting[0].failure(
                    f"{', '.join(n.name for n in waiting)} did not start within the time allowed")
            time.sleep(0.2)

    # -- waiting -----------------------------------------------------------------------------------------

    def health(self, index: int | None = None, **params) -> dict:
        """`_cluster/health` from node `index` (default: the first running node)."""
        if index is None:
            running = self.running_nodes()
            if not running:
                raise ClusterError("no node is running")
            index = running[0]
        return self.client(index).cluster.health(**params)

    def wait_for_status(self, color: str = "green", nodes: int | None = None,
                        timeout: float = STATUS_SECONDS) -> dict:
        """Wait (bounded) until the cluster is at least `color` with exactly `nodes` nodes (default: as many
        as are running here), asking each running node in turn; return the health that satisfied it."""
        if color not in _STATUS_RANK:
            raise ValueError(f"color must be one of {sorted(_STATUS_RANK)}")
        deadline = time.monotonic() + timeout
        last: object = "no answer yet"
        while True:
            running = self.running_nodes()
            want = nodes if nodes is not None else len(running)
            for index in running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                wait = max(1, min(5, int(remaining)))
                try:
                    # opensearch-py reads `timeout` as its own request timeout unless request_timeout is given
                    health = self.client(index).cluster.health(
                        wait_for_status=color, wait_for_nodes=str(want), timeout=f"{wait}s",
                        request_timeout=wait + 10, ignore=408)
                except TransportError as error:  # not up yet, no cluster manager elected yet, ...
                    last = f"{self._nodes[index].name}: {error}"
                    continue
                last = health
                if (not health.get("timed_out") and health.get("number_of_nodes") == want
                        and _STATUS_RANK.get(health.get("status"), -1) >= _STATUS_RANK[color]):
                    return health
                break  # a node answered: its view is the cluster's (the cluster manager's)
            for node in self._nodes:
                if node.process is not None and node.process.poll() is not None and not node.stopped:
                    raise node.failure(f"{node.name} died (code {node.process.returncode}) while waiting for {color}")
            if time.monotonic() >= deadline:
                raise ClusterError(f"cluster {self.cluster_name} not {color} with {want} nodes within {timeout:.0f}s; "
                                   f"last health: {last}")
            time.sleep(0.5)

    # -- stopping ----------------------------------------------------------------------------------------

    def stop_node(self, index: int, kill: bool = False, timeout: float = STOP_SECONDS) -> None:
        """Stop node `index`: SIGTERM (a clean close) and, after `timeout`, SIGKILL; `kill=True` kills at once."""
        node = self._nodes[index]
        node.stopped = True
        self._signal(node, signal.SIGKILL if kill else signal.SIGTERM)
        self._reap([node], time.monotonic() + timeout)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop every node (SIGTERM to all, wait up to `timeout`, then SIGKILL); always safe to call again."""
        nodes = [node for node in self._nodes if node.process is not None]
        for node in nodes:
            node.stopped = True
            self._signal(node, signal.SIGTERM)
        self._reap(nodes, time.monotonic() + timeout)
        if self._atexit_registered:
            atexit.unregister(self.stop)
            self._atexit_registered = False
        if self._owns_base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    @staticmethod
    def _signal(node: _Node, signum: int) -> None:
        if node.process is None or node.process.poll() is not None:
            return
        try:
            os.killpg(node.process.pid, signum)
        except ProcessLookupError:
            pass

    def _reap(self, nodes: list[_Node], deadline: float) -> None:
        for node in nodes:
            if node.process is None:
                continue
            try:
                node.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(node, signal.SIGKILL)
                node.process.wait(timeout=30)
            self._close_output(node)

    @staticmethod
    def _close_output(node: _Node) -> None:
        if node.process is not None and node.process.stdin is not None and node.process.poll() is not None:
            node.process.stdin.close()
        if node.output is not None and (node.process is None or node.process.poll() is not None):
            node.output.close()
            node.output = None

    def __enter__(self) -> "LocalCluster":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cluster.local_cluster",
        description="Start a local OpenSearch cluster on 127.0.0.1 and keep it up until Ctrl-C.")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--heap", default="512m", help="heap of each node's JVM (default 512m)")
    parser.add_argument("--cluster-name", default=DEFAULT_CLUSTER_NAME)
    parser.add_argument("--base-dir", help="keep the nodes' data here (default: a temporary directory, removed on exit)")
    args = parser.parse_args(argv)

    # Ctrl-C, and SIGTERM (a stopped `make cluster`), end the wait and stop the nodes, even where this process
    # was started with SIGINT ignored (in the background of a script)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        launcher_classpath()
    except LauncherNotBuilt as error:
        print(error, file=sys.stderr)
        return 2
    cluster = LocalCluster(nodes=args.nodes, base_dir=args.base_dir, heap=args.heap, cluster_name=args.cluster_name)
    began = time.monotonic()
    try:
        print(f"starting {args.nodes} OpenSearch nodes under {cluster.base_dir} ...", flush=True)
        cluster.start()
        print(f"cluster {cluster.cluster_name} is green with {args.nodes} nodes after "
              f"{time.monotonic() - began:.0f}s", flush=True)
        print(cluster.url, flush=True)
        for index, (name, url) in enumerate(zip(cluster.node_names, cluster.urls)):
            print(f"  {name}: {url}  (log: {cluster.log_path(index)})", flush=True)
        print("Ctrl-C stops the cluster", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping the cluster ...", flush=True)
        return 0
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
