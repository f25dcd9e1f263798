"""Faults of the cluster engine on a real 3-node OpenSearch cluster of its own (indexes with 1 replica).

1. A node is SIGKILLed while `arabic-search reindex` loads 3,000 articles (a node other than the URL's, and
   the URL's own node): the run either publishes every article of the feed (count, ids and the summary
   agree) or fails with exit code 5 and a one-line error, the alias still naming the previous index; then
   the node comes back and the cluster is green again. Two nodes killed mid-load (no quorum): the run
   fails that way, and the next rebuild removes the half index if the failed one could not.
2. A real `arabic-search serve` answers /api/search in a loop while the node of its URL is killed and
   started again: no 5xx, no failed request, every answer the documented JSON with the totals of before.
3. Searches run without pause while reindexes switch the alias back and forth: no failed search, and each
   answer wholly from the old or the new corpus, never empty.
4. Two `reindex` runs at once on one alias: one publishes, the other exits 4 "already running" (WriterBusy
   from the engine), and the alias names a complete index; add and delete are refused alike while a
   rebuild runs; a lock left by a dead writer is taken over, one held elsewhere is respected.

The cluster is this module's own (LocalCluster), so that killing its nodes disturbs no other test; each test
starts and ends with 3 nodes, green. Every wait is bounded; all traffic is on 127.0.0.1. Marked `cluster`
(`make test-cluster`). `pytest -s` prints what each fault test measured.
"""
from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from gunicorn_process import GunicornProcess, get, run_cli, start_cli
from soak_corpus import write_corpus

pytestmark = [pytest.mark.cluster]

NODES = 3
LOAD_ARTICLES = 3000
OLD_ARTICLES = 60
BODY_WORDS = 60  # short bodies: the load is cluster-bound, not analyzer-bound
REINDEX_SECONDS = 300  # bound on one reindex run, faults included
GREEN_SECONDS = 180
SUMMARY = re.compile(r"indexed (\d+), updated \d+, duplicates (\d+), skipped (\d+).*live generation (\S+)")


def report(*parts) -> None:
    print("[faults]", *parts, flush=True)


# --- the cluster and the feeds ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from cluster.local_cluster import LocalCluster

    local = LocalCluster(nodes=NODES, base_dir=tmp_path_factory.mktemp("fault-cluster"), heap="512m",
                         cluster_name="arabic-search-faults")
    began = time.monotonic()
    local.start()
    report(f"cluster of {NODES} nodes green after {time.monotonic() - began:.1f} s")
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture
def healthy(cluster):
    """The cluster with every node running and green, before and after the test."""
    _heal(cluster)
    yield cluster
    _heal(cluster)


def _heal(cluster) -> None:
    for index in range(NODES):
        if index not in cluster.running_nodes():
            cluster.start_node(index)
    cluster.wait_for_status("green", NODES, timeout=GREEN_SECONDS)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feeds")
    return {
        "old": write_corpus(folder / "old.jsonl", "faultold", OLD_ARTICLES, BODY_WORDS),
        "load": write_corpus(folder / "load.jsonl", "faultload", LOAD_ARTICLES, BODY_WORDS),
    }


def feed_ids(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {json.loads(line)["id"] for line in handle if line.strip()}


def spec(cluster, node: int, alias: str) -> str:
    return f"opensearch+{cluster.urls[node]}/{alias}"


def fresh_alias(what: str) -> str:
    return f"faults-{what}-{uuid.uuid4().hex[:8]}"


def node_client(cluster, node: int):
    return cluster.client(node, timeout=30, max_retries=2)


def alias_indices(client, alias: str) -> list[str]:
    from opensearchpy.exceptions import NotFoundError

    try:
        return sorted(client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


def index_ids(client, index: str) -> set[str]:
    from opensearchpy import helpers

    client.indices.refresh(index=index)
    return {hit["_id"] for hit in helpers.scan(client, index=index, query={"_source": False}, size=1000)}


def loading_index(client, alias: str) -> str | None:
    """The index a running rebuild of `alias` is loading (named like one, behind no alias), if any."""
    pattern = re.compile(re.escape(alias) + r"-\d{20}")
    found = client.indices.get_alias(index=f"{alias}-*")
    loading = sorted(name for name, info in found.items() if pattern.fullmatch(name) and not info["aliases"])
    return loading[-1] if loading else None


def wait_until(condition, seconds: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(step)


def parse_summary(output: str) -> dict:
    match = SUMMARY.search(output)
    assert match, f"no summary line in:\n{output}"
    indexed, duplicates, skipped, generation = match.groups()
    return {"indexed": int(indexed), "duplicates": int(duplicates), "skipped": int(skipped),
            "generation": generation.rstrip(";")}


# --- 1. a node lost mid-load -----------------------------------------------------------------------------


@pytest.mark.parametrize("victim", ["other", "url"], ids=["another-node-killed", "url-node-killed"])
def test_a_node_killed_during_a_reindex(healthy, feeds, victim):
    cluster = healthy
    url_node = 0 if victim == "other" else 1
    killed = (url_node + 1) % NODES if victim == "other" else url_node
    observer = node_client(cluster, next(i for i in range(NODES) if i != killed))
    alias = fresh_alias(f"load-{victim}")
    engine_url = spec(cluster, url_node, alias)

    first = run_cli("reindex", str(feeds["old"]), "--engine", engine_url, timeout=REINDEX_SECONDS)
    assert first.returncode == 0, first.stderr
    (old_index,) = alias_indices(observer, alias)
    old_ids = feed_ids(feeds["old"])
    manager = observer.cat.cluster_manager(format="json")[0]["node"]

    began = time.monotonic()
    reindex = start_cli("reindex", str(feeds["load"]), "--engine", engine_url)
    try:
        def loaded_some():
            from opensearchpy.exceptions import TransportError

            name = loading_index(observer, alias)
            try:  # a new index answers counts once its primaries have started
                return name and observer.count(index=name)["count"] >= LOAD_ARTICLES // 5 and name
            except TransportError:
                return None

        try:
            loading = wait_until(loaded_some, 120, "the reindex to load a fifth of the feed")
        except AssertionError:
            reindex.kill()
            out, err = reindex.communicate(timeout=30)
            raise AssertionError(f"the reindex never loaded a fifth of the feed:\n{out}\n{err}") from None
        at_kill = observer.count(index=loading)["count"]
        killed_at = time.monotonic() - began
        cluster.stop_node(killed, kill=True)
        out, err = reindex.communicate(timeout=REINDEX_SECONDS)
    finally:
        if reindex.poll() is None:
            reindex.kill()
            reindex.communicate(timeout=30)
    ended = time.monotonic() - began

    restarted = time.monotonic()
    cluster.start_node(killed)
    health = cluster.wait_for_status("green", NODES, timeout=GREEN_SECONDS)
    green_after = time.monotonic() - restarted
    assert health["status"] == "green" and health["number_of_nodes"] == NODES

    assert "Traceback" not in out + err, err
    now = alias_indices(observer, alias)
    if reindex.returncode == 0:
        summary = parse_summary(out)
        (live,) = now
        assert live == summary["generation"] != old_index
        ids = index_ids(observer, live)
        assert summary["skipped"] == 0 and summary["duplicates"] == 0, out
        assert summary["indexed"] == len(ids) == LOAD_ARTICLES
        assert ids == feed_ids(feeds["load"])
        assert not observer.indices.exists(index=old_index)
        outcome = f"published {summary['indexed']} articles ({live})"
    else:
        assert reindex.returncode == 5, (reindex.returncode, err)
        message = err.strip().splitlines()
        assert len(message) == 1 and message[0].startswith("error: reindex failed:"), err
        assert f"still names {old_index} (unchanged)" in message[0]
        assert now == [old_index]
        assert index_ids(observer, old_index) == old_ids
        outcome = f"failed (exit 5): {message[0]}"
    assert loading_index(observer, alias) is None or reindex.returncode != 0  # no half index left behind a win
    report(f"reindex of {LOAD_ARTICLES} via node-{url_node}, node-{killed} killed "
           f"({'the cluster manager' if manager == f'node-{killed}' else 'not the manager'}) at "
           f"{at_kill} loaded, {killed_at:.1f} s in; run ended after {ended:.1f} s: {outcome}; "
           f"green {green_after:.1f} s after the restart")


def test_a_reindex_that_loses_the_quorum_fails_and_keeps_the_live_index(healthy, feeds, monkeypatch):
    """Two of the three nodes killed mid-load: no cluster manager, no write can succeed. The bounds are cut
    (10 s of bulk retries instead of 120) so that the failure comes quickly; the rules are the engine's own."""
    from indexer.engine import open_engine
    from indexer.engine import opensearch_engine
    from indexer.engine.opensearch_engine import LOCK_INDEX
    from indexer.errors import IndexUnavailable

    from indexer.opensearch import bulk_load

    for name, value in (("BULK_RETRY_SECONDS", 10.0), ("BULK_SHARD_WAIT", "5s"), ("REQUEST_TIMEOUT", 15)):
        monkeypatch.setattr(bulk_load, name, value)
    for name, value in (("REQUEST_TIMEOUT", 15), ("COMPLETE_SECONDS", 5)):
        monkeypatch.setattr(opensearch_engine, name, value)
    cluster = healthy
    alias = fresh_alias("quorum")
    engine = open_engine(None, spec(cluster, 0, alias))
    old_index = engine.rebuild([feeds["old"]]).generation
    killed = []

    def progress(done: int) -> None:
        if done >= LOAD_ARTICLES // 5 and not killed:
            for node in (1, 2):
                cluster.stop_node(node, kill=True)
                killed.append(node)

    began = time.monotonic()
    with pytest.raises(IndexUnavailable) as caught:
        engine.rebuild([feeds["load"]], progress=progress)
    failed_after = time.monotonic() - began
    message = str(caught.value)
    assert killed == [1, 2]
    assert message.startswith("reindex failed: ") and f"still names {old_index} (unchanged)" in message

    for node in killed:
        cluster.start_node(node)
    cluster.wait_for_status("green", NODES, timeout=GREEN_SECONDS)
    client = node_client(cluster, 1)
    assert alias_indices(client, alias) == [old_index]
    assert index_ids(client, old_index) == feed_ids(feeds["old"])
    left = loading_index(client, alias)  # the half index: deleted, or (no cluster manager to delete it) left
    lock = client.get(index=LOCK_INDEX, id=alias, ignore=[404])
    if lock.get("found"):  # its release needed a cluster manager too: it names this process, which holds none
        assert lock["_source"]["pid"] == os.getpid()
    again = engine.rebuild([feeds["old"]])  # takes such a lock over, and removes the half index
    assert left is None or not client.indices.exists(index=left)
    assert alias_indices(client, alias) == [again.generation]
    assert not client.exists(index=LOCK_INDEX, id=alias)
    engine.close()
    report(f"quorum lost mid-load ({LOAD_ARTICLES // 5} sent): failed after {failed_after:.1f} s with: {message}; "
           f"half index {'left, removed by the next rebuild' if left else 'deleted'}; "
           f"lock {'left, taken over by the next rebuild' if lock.get('found') else 'released'}")


# --- 2. searches while a node dies -----------------------------------------------------------------------

HIT_KEYS = {"id", "title", "url", "source", "category", "published", "score", "highlights", "story"}
RESPONSE_KEYS = {"query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "expansions",
                 "suggestion"}


def shape_problem(body: bytes) -> tuple[dict | None, str | None]:
    try:
        answer = json.loads(body)
    except ValueError:
        return None, f"invalid JSON: {body[:200]!r}"
    if set(answer) != RESPONSE_KEYS:
        return answer, f"keys {sorted(answer)}"
    if not isinstance(answer["total"], int) or not isinstance(answer["hits"], list):
        return answer, "total or hits of the wrong type"
    for hit in answer["hits"]:
        if set(hit) != HIT_KEYS or not isinstance(hit["highlights"], dict):
            return answer, f"hit keys {sorted(hit)}"
    if set(answer["facets"]) != {"source", "category"}:
        return answer, f"facets {sorted(answer['facets'])}"
    return answer, None


class SearchLoop:
    """Threads sending /api/search paths round-robin until stopped; every answer is checked and counted."""

    def __init__(self, port: int, paths: list[str], expected: dict[str, int], threads: int = 2,
                 seconds: float = 300) -> None:
        self.port, self.paths, self.expected = port, paths, expected
        self.answers: list[tuple[float, str, int | None, str | None]] = []  # (time, path, status, problem)
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._deadline = time.monotonic() + seconds
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, number: int) -> None:
        sent = number
        while not self.stop.is_set() and time.monotonic() < self._deadline:
            path = self.paths[sent % len(self.paths)]
            sent += 1
            try:
                status, body = get(self.port, path, timeout=45)
            except Exception as error:  # a refused or reset connection, a timeout: a failed request
                status, problem = None, f"{type(error).__name__}: {error}"
            else:
                answer, problem = shape_problem(body) if status == 200 else (None, f"HTTP {status}: {body[:200]!r}")
                if problem is None and answer["total"] != self.expected[path]:
                    problem = f"total {answer['total']}, {self.expected[path]} before the fault"
            with self._lock:
                self.answers.append((time.monotonic(), path, status, problem))

    def count(self) -> int:
        with self._lock:
            return len(self.answers)


def test_searches_while_the_url_node_dies_and_returns(healthy, feeds, tmp_path):
    cluster = healthy
    alias = fresh_alias("serve")
    url_node = 2
    engine_url = spec(cluster, url_node, alias)
    built = run_cli("reindex", str(feeds["load"]), "--engine", engine_url, timeout=REINDEX_SECONDS)
    assert built.returncode == 0, built.stderr
    words = ["faultload", "الرئيس", "الحكومة", "مباراة", "الاقتصاد", "وزير"]
    paths = [f"/api/search?{urlencode({'q': word})}" for word in words]
    paths += [f"/api/search?{urlencode({'q': 'faultload', 'page': 3, 'per_page': 20})}",
              f"/api/search?{urlencode({'q': '', 'sort': 'date', 'per_page': 5})}"]

    with GunicornProcess(None, tmp_path / "server.log", workers=2, engine=engine_url) as server:
        expected = {}
        for path in paths:
            status, body = get(server.port, path)
            answer, problem = shape_problem(body)
            assert status == 200 and problem is None, (status, problem)
            expected[path] = answer["total"]
        assert expected[paths[0]] == LOAD_ARTICLES
        with SearchLoop(server.port, paths, expected) as loop:
            wait_until(lambda: loop.count() >= 20, 60, "answers before the fault")
            killed_at = time.monotonic()
            cluster.stop_node(url_node, kill=True)
            wait_until(lambda: loop.count() >= 60 + 20, 120, "answers while the node is down")
            time.sleep(5)
            down_answers = loop.count()
            restarted_at = time.monotonic()
            cluster.start_node(url_node)
            cluster.wait_for_status("green", NODES, timeout=GREEN_SECONDS)
            green_at = time.monotonic()
            settled = loop.count()
            wait_until(lambda: loop.count() >= settled + 20, 60, "answers after the return")
        log = server.log_text()

    answers = loop.answers
    problems = [(round(at - killed_at, 2), path, status, problem) for at, path, status, problem in answers if problem]
    server_errors = [item for item in problems if item[2] is not None and item[2] >= 500]
    statuses = {}
    for _, _, status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    report(f"{len(answers)} searches through node-{url_node}'s URL, node-{url_node} killed and restarted: "
           f"statuses {statuses}, {len(server_errors)} 5xx, {len(problems)} problems; "
           f"{down_answers - 20} answered while it was down, restarted {restarted_at - killed_at:.1f} s after "
           f"the kill, green {green_at - restarted_at:.1f} s later")
    assert not problems, f"{problems[:10]}\n--- server log ---\n{log[-3000:]}"
    assert sum(1 for at, *_ in answers if killed_at < at < restarted_at) >= 20


# --- 3. the alias switch under search load ---------------------------------------------------------------


def test_searches_during_alias_switches_never_fail_or_come_back_empty(healthy, tmp_path):
    from indexer.engine import open_engine
    from indexer.query.request import parse_search_request

    cluster = healthy
    alias = fresh_alias("switch")
    sizes = {"switcha": 240, "switchb": 360}
    corpora = {marker: write_corpus(tmp_path / f"{marker}.jsonl", marker, size, BODY_WORDS)
               for marker, size in sizes.items()}
    writer = open_engine(None, spec(cluster, 0, alias))
    assert writer.rebuild([corpora["switcha"]]).indexed == sizes["switcha"]
    request = parse_search_request({"q": "switcha switchb", "per_page": "20"})

    answers: list[tuple[float, str | None, int | None, str | None]] = []  # (time, corpus, total, problem)
    stop = threading.Event()

    def search_loop(node: int) -> None:
        reader = open_engine(None, spec(cluster, node, alias))
        try:
            while not stop.is_set():
                try:
                    found = reader.search(request)
                except Exception as error:
                    answers.append((time.monotonic(), None, None, f"{type(error).__name__}: {error}"))
                    continue
                markers = {hit["id"].split("-", 1)[0] for hit in found["hits"]}
                corpus = next(iter(markers)) if len(markers) == 1 else None
                problem = None
                if corpus is None or found["total"] != sizes.get(corpus):
                    problem = f"total {found['total']} with hits from {sorted(markers)}"
                answers.append((time.monotonic(), corpus, found["total"], problem))
        finally:
            reader.close()

    threads = [threading.Thread(target=search_loop, args=(node,), daemon=True) for node in (1, 2)]
    for thread in threads:
        thread.start()
    switches = []
    try:
        wait_until(lambda: len(answers) >= 10, 60, "searches before the first switch")
        for marker in ("switchb", "switcha", "switchb"):  # `reindex` in its own process, as in production
            began = time.monotonic()
            switched = run_cli("reindex", str(corpora[marker]), "--engine", writer.spec, timeout=REINDEX_SECONDS)
            switches.append((marker, time.monotonic(), time.monotonic() - began))
            assert switched.returncode == 0, switched.stderr
            assert parse_summary(switched.stdout)["indexed"] == sizes[marker]
            after = len(answers)
            wait_until(lambda: len(answers) >= after + 10, 60, "searches after a switch")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        writer.close()

    problems = [answer for answer in answers if answer[3]]
    report(f"{len(answers)} searches during {len(switches)} alias switches "
           f"({', '.join(f'{m} in {s:.1f} s' for m, _, s in switches)}): {len(problems)} failed or mixed, "
           f"{sum(1 for a in answers if a[2] == 0)} empty")
    assert not problems, problems[:10]
    for (marker, done, _), following in zip(switches, [*switches[1:], None]):
        # answers that started a little after a switch returned come from its corpus, until the next switch
        until = following[1] - following[2] if following else float("inf")
        late = [a for a in answers if done + 1.0 < a[0] < until]
        assert late and all(a[1] == marker for a in late), (marker, {a[1] for a in late})


# --- 4. a second writer ----------------------------------------------------------------------------------


def test_two_reindexes_at_once_one_wins_the_other_is_told_it_is_running(healthy, feeds):
    cluster = healthy
    alias = fresh_alias("writers")
    runs = [start_cli("reindex", str(feeds["load"]), "--engine", spec(cluster, node, alias)) for node in (0, 1)]
    outputs = []
    try:
        for run in runs:
            outputs.append(run.communicate(timeout=REINDEX_SECONDS))
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.communicate(timeout=30)
    codes = [run.returncode for run in runs]
    report(f"two reindexes at once: exit codes {codes}; loser said: "
           f"{next((err.strip() for (out, err), code in zip(outputs, codes) if code == 4), None)}")
    assert sorted(codes) == [0, 4], outputs
    winner, loser = (outputs[0], outputs[1]) if codes[0] == 0 else (outputs[1], outputs[0])
    assert "Traceback" not in loser[1] and "already running" in loser[1] and alias in loser[1]
    client = node_client(cluster, 2)
    (live,) = alias_indices(client, alias)
    assert live == parse_summary(winner[0])["generation"]
    assert index_ids(client, live) == feed_ids(feeds["load"])
    assert loading_index(client, alias) is None
    assert not client.exists(index=".arabic-search-locks", id=alias)  # released


def test_writers_meet_the_lock_and_a_dead_writer_s_lock_is_taken_over(healthy, feeds, tmp_path):
    from indexer.engine import open_engine
    from indexer.engine.opensearch_engine import LOCK_INDEX, LOCK_STALE_SECONDS
    from indexer.errors import WriterBusy
    from indexer.query.request import parse_search_request

    cluster = healthy
    alias = fresh_alias("lock")
    engine = open_engine(None, spec(cluster, 0, alias))
    other = open_engine(None, spec(cluster, 1, alias))
    client = node_client(cluster, 2)
    assert engine.rebuild([feeds["old"]]).indexed == OLD_ARTICLES
    extra = write_corpus(tmp_path / "extra.jsonl", "faultextra", 5, BODY_WORDS)

    # while a rebuild holds the lock, every other writer is refused at once, and readers go on
    holding = threading.Event()
    results = {}

    def progress(done):
        holding.set()

    def rebuild():
        try:
            results["summary"] = engine.rebuild([feeds["load"]], progress=progress)
        except Exception as error:  # reported by the assertion below
            results["error"] = error

    thread = threading.Thread(target=rebuild, daemon=True)
    thread.start()
    try:
        assert holding.wait(120), "the rebuild never started loading"
        held = client.get(index=LOCK_INDEX, id=alias)["_source"]
        assert (held["command"], held["host"], held["pid"]) == ("reindex", socket.gethostname(), os.getpid())
        refused = []
        for name, write in (("rebuild", lambda: other.rebuild([feeds["old"]])), ("add", lambda: other.add([extra])),
                            ("delete", lambda: other.delete(["faultold-00000"]))):
            began = time.monotonic()
            with pytest.raises(WriterBusy, match="already running") as caught:
                write()
            refused.append((name, round(time.monotonic() - began, 2)))
            assert "reindex by pid" in str(caught.value)
        assert other.search(parse_search_request({"q": "faultold"}))["total"] == OLD_ARTICLES
        busy = run_cli("add", str(extra), "--engine", spec(cluster, 2, alias))
        assert busy.returncode == 4 and "already running" in busy.stderr and "Traceback" not in busy.stderr
    finally:
        thread.join(timeout=REINDEX_SECONDS)
    assert "error" not in results, results.get("error")
    assert results["summary"].indexed == LOAD_ARTICLES
    assert not client.exists(index=LOCK_INDEX, id=alias)
    report(f"writers refused while a rebuild held the lock (seconds to refuse): {refused}")

    # a lock left behind: by a pid that is gone on this host (taken at once), by a live writer elsewhere
    # (refused), by a writer elsewhere whose heartbeat stopped long ago (taken)
    now = time.time()
    left = {"alias": alias, "owner": "x", "command": "reindex", "started": "then"}
    cases = [({"host": socket.gethostname(), "pid": 2 ** 22 + 12345, "heartbeat": now}, True),
             ({"host": "elsewhere.invalid", "pid": 1, "heartbeat": now}, False),
             ({"host": "elsewhere.invalid", "pid": 1, "heartbeat": now - LOCK_STALE_SECONDS - 5}, True)]
    for fields, taken in cases:
        client.index(index=LOCK_INDEX, id=alias, body={**left, **fields}, refresh="true")
        if taken:
            assert other.add([extra]).indexed == 5
            assert not client.exists(index=LOCK_INDEX, id=alias)
            other.delete([f"faultextra-{n:05d}" for n in range(5)])
        else:
            with pytest.raises(WriterBusy, match="elsewhere.invalid"):
                other.add([extra])
            client.delete(index=LOCK_INDEX, id=alias, refresh="true")
    engine.close()
    other.close()


def test_an_index_left_by_a_killed_rebuild_is_removed_by_the_next(healthy, feeds):
    from indexer.engine import open_engine

    cluster = healthy
    alias = fresh_alias("leftover")
    engine = open_engine(None, spec(cluster, 0, alias))
    client = node_client(cluster, 1)
    first = engine.rebuild([feeds["old"]]).generation
    leftover = f"{alias}-{'0' * 20}"  # named like a rebuild's index, behind no alias
    kept = f"{alias}-{'1' * 20}"  # named alike, but another alias names it: not ours to remove
    for name in (leftover, kept):
        client.indices.create(index=name, body={"settings": {"number_of_replicas": 0}})
    client.indices.put_alias(index=kept, name=f"{alias}-other")
    live = engine.rebuild([feeds["old"]]).generation
    assert not client.indices.exists(index=leftover) and not client.indices.exists(index=first)
    assert client.indices.exists(index=kept)
    assert alias_indices(client, alias) == [live]
    client.indices.delete(index=kept)
    engine.close()
