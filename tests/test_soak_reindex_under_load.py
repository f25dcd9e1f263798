"""A full `reindex` swaps in a changed corpus while a real gunicorn answers 8 concurrent clients.

The two corpora are told apart by their id prefix and marker word, and have different sizes, so each
response shows which index answered it: it must come wholly from one of them (no mixed hits or totals),
no request may fail, and every request started after the pointer swap must be answered by the new corpus.
Run with `pytest -s` to see the figures (requests, failures, documents before/after, swap latency).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from gunicorn_process import GunicornProcess, get, get_json, start_cli
from indexer.build.rebuild import rebuild_index
from indexer.storage.layout import POINTER_NAME, read_pointer
from indexer.storage.store import IndexStore
from soak_corpus import common_words, write_corpus

CLIENTS = 8
MAX_REQUESTS = 20_000  # hard cap on the whole run, whatever the machine's speed
MAX_SECONDS = 240  # hard cap on the load phase
REQUESTS_BEFORE_REINDEX = 40
REQUESTS_AFTER_REINDEX = 5 * CLIENTS


OLD, NEW = "soakold", "soaknew"  # corpus markers: id prefix and a word in every body


@dataclass
class Answer:
    """One request: when it was sent and answered (monotonic seconds), and which corpus answered it."""

    path: str
    started: float
    finished: float
    status: int | None
    corpus: str | None  # marker of the corpus the hits and total came from; None for a failure
    total: int | None
    problem: str | None  # why the response is a failure or mixed, else None


def query_paths() -> dict[str, bool]:
    """Searches whose answers reveal the corpus, each mapped to whether its total must equal the corpus size.

    Both markers together match every document of either corpus; common words and pages check the rest.
    """
    words = common_words(6)
    both = f"{OLD} {NEW}"
    census = [{"q": both}, {"q": both, "page": 3, "per_page": 20}, {"q": both, "sort": "date"}]
    others = [*({"q": word} for word in words), {"q": " ".join(words)}, {"q": f"{words[0]} {both}", "per_page": 50}]
    paths = {"/api/search?" + urlencode(item): True for item in census}
    paths.update({"/api/search?" + urlencode(item): False for item in others})
    return paths


def classify(status: int, body: bytes, census: bool, sizes: dict[str, int]) -> tuple[str | None, int | None, str | None]:
    """(corpus marker, total, problem) of one response; a census query's total must be its corpus's size."""
    if status != 200:
        return None, None, f"HTTP {status}: {body[:200]!r}"
    try:
        result = json.loads(body)
    except ValueError:
        return None, None, f"invalid JSON: {body[:200]!r}"
    markers = {hit["id"].split("-", 1)[0] for hit in result["hits"]}
    if len(markers) != 1 or not markers <= sizes.keys():
        return None, result["total"], f"hits from {sorted(markers)}"
    (marker,) = markers
    if census and result["total"] != sizes[marker]:
        return marker, result["total"], f"total {result['total']} with hits from {marker}"
    return marker, result["total"], None


class LoadClients:
    """CLIENTS threads sending the query paths round-robin until stopped (or a cap is hit)."""

    def __init__(self, port: int, paths: dict[str, bool], sizes: dict[str, int]) -> None:
        self.port = port
        self.sizes = sizes
        self.paths = paths
        self._order = list(paths)
        self.answers: list[Answer] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]
        self._deadline = time.monotonic() + MAX_SECONDS

    def __enter__(self) -> "LoadClients":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def count(self, after: float = 0.0) -> int:
        with self._lock:
            return sum(1 for answer in self.answers if answer.started > after)

    def _run(self, number: int) -> None:
        sent = number
        while not self.stop.is_set() and time.monotonic() < self._deadline and len(self.answers) < MAX_REQUESTS:
            path = self._order[sent % len(self._order)]
            sent += 1
            started = time.monotonic()
            try:
                status, body = get(self.port, path)
                corpus, total, problem = classify(status, body, self.paths[path], self.sizes)
            except Exception as error:  # a refused or reset connection is a failed request
                status, corpus, total, problem = None, None, None, f"{type(error).__name__}: {error}"
            with self._lock:
                self.answers.append(Answer(path, started, time.monotonic(), status, corpus, total, problem))


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.02)


class PointerWatch:
    """Notes the monotonic time at which CURRENT first changes (polled every 5 ms, bounded)."""

    def __init__(self, root: Path, seconds: float) -> None:
        self.path = root / POINTER_NAME
        self.original = self.path.read_bytes()
        self.swapped_at: float | None = None
        self._stop = threading.Event()
        self._deadline = time.monotonic() + seconds
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            if self.path.read_bytes() != self.original:
                self.swapped_at = time.monotonic()
                return
            time.sleep(0.005)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def test_reindex_under_load_swaps_corpora_without_failures_or_mixed_answers(tmp_path):
    soak_reindex(tmp_path, old_documents=90, new_documents=140, body_words=150)


@pytest.mark.slow
def test_reindex_of_twice_the_full_sample_under_load(tmp_path):
    soak_reindex(tmp_path, old_documents=313, new_documents=626, body_words=None)


def soak_reindex(tmp_path: Path, old_documents: int, new_documents: int, body_words: int | None) -> None:
    root = tmp_path / "index"
    sizes = {OLD: old_documents, NEW: new_documents}
    old_feed = write_corpus(tmp_path / "old.jsonl", OLD, old_documents, body_words)
    new_feed = write_corpus(tmp_path / "new.jsonl", NEW, new_documents, body_words)
    assert rebuild_index([old_feed], root).indexed == old_documents
    paths = query_paths()

    with GunicornProcess(root, tmp_path / "server.log", workers=2) as server:
        docs_before = get_json(server.port, "/healthz")[1]["index"]["documents"]
        with LoadClients(server.port, paths, sizes) as clients:
            wait_until(lambda: clients.count() >= REQUESTS_BEFORE_REINDEX, 120, "answers before the reindex")
            watch = PointerWatch(root, MAX_SECONDS)
            reindex_started = time.monotonic()
            reindex = start_cli("reindex", str(new_feed), "--index", str(root))
            try:
                out, err = reindex.communicate(timeout=MAX_SECONDS)
            finally:
                if reindex.poll() is None:
                    reindex.kill()
                watch.close()
            reindex_exited = time.monotonic()
            wait_until(lambda: clients.count(after=reindex_exited) >= REQUESTS_AFTER_REINDEX, 120,
                       "answers after the reindex")
        status, health = get_json(server.port, "/healthz")
        log = server.log_text()

    answers = clients.answers
    failures = [answer for answer in answers if answer.problem]
    swapped_at = watch.swapped_at
    after_swap = [answer for answer in answers if swapped_at is not None and answer.started > swapped_at]
    first_new = min((answer.finished for answer in answers if answer.corpus == NEW), default=None)
    last_old_start = max((answer.started for answer in answers if answer.corpus == OLD), default=None)
    totals: dict[tuple[str, str], set[int]] = {}
    for answer in answers:
        if answer.corpus:
            totals.setdefault((answer.path, answer.corpus), set()).add(answer.total)
    docs_after = health["index"]["documents"]
    store = IndexStore(root)
    try:
        docs_in_store = store.doc_count()
    finally:
        store.close()

    print(
        f"\nSOAK reindex-under-load: clients={CLIENTS} requests={len(answers)} failures={len(failures)} "
        f"old-answers={sum(a.corpus == OLD for a in answers)} new-answers={sum(a.corpus == NEW for a in answers)} "
        f"docs before={docs_before} (source {old_documents}) after={docs_after} (source {new_documents}) "
        f"reindex={reindex_exited - reindex_started:.1f}s "
        f"swap->first-new-answer={(first_new - swapped_at) * 1000 if swapped_at and first_new else float('nan'):.0f}ms "
        f"last-old-request-started {(last_old_start - swapped_at) * 1000 if swapped_at and last_old_start else float('nan'):.0f}ms after swap "
        f"requests-after-swap={len(after_swap)}"
    )
    assert reindex.returncode == 0, err
    assert f"indexed {new_documents}" in out
    assert not failures, failures[:5]
    assert swapped_at is not None, "CURRENT never changed during the reindex"
    assert docs_before == old_documents and docs_after == new_documents == docs_in_store
    assert status == 200 and health["index"]["generation"] == read_pointer(root).live
    # No request started after the swap was answered by the old index.
    assert after_swap and all(answer.corpus == NEW for answer in after_swap)
    assert all(answer.corpus == NEW for answer in answers if answer.started > reindex_exited)
    # Both corpora answered, each query with one total per corpus: no answer mixed two generations.
    assert {answer.corpus for answer in answers} == {OLD, NEW}
    assert all(len(seen) == 1 for seen in totals.values()), {key: seen for key, seen in totals.items() if len(seen) > 1}
    assert "Traceback" not in log
