"""The cluster engine: the index lives on an OpenSearch cluster, under an alias; text is analyzed in Python.

`rebuild` loads a new index beside the live one and switches the alias to it in one `_aliases` call, so
readers never see half an index; `add` and `delete` change the live index by id. Every query is parsed,
analyzed and scored by the same code as the embedded engine (see indexer/opensearch/ranking.py), and
highlights are made by our highlighter on the stored text the cluster returns.

Losing a node: the client learns every node by sniffing, so a request to a dead node is retried on another.
Bulk writes are retried by chunk (429, 5xx, a lost connection: only the operations that did not succeed,
with backoff, for at most BULK_RETRY_SECONDS); an article the cluster refuses for what it is (a 400) is a
Skip, and any other failure to write an article fails the run. A rebuild publishes only a complete index:
the new index is loaded once its copies are assigned, and before the switch it must answer from every shard
with exactly the number of articles the cluster acknowledged; otherwise it is deleted and the alias keeps
its index. Readers retry on the new index when a switch deleted theirs under them, and never serve an
answer that only some shards gave. Writers of one alias exclude each other through `WriterLock`.
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from opensearchpy import OpenSearch, Transport
from opensearchpy.exceptions import ConnectionError as ClusterConnectionError
from opensearchpy.exceptions import HTTP_EXCEPTIONS, ConflictError, NotFoundError, TransportError

from analyzers.registry import get_analyzer
from indexer.build.summary import BuildSummary
from indexer.build.unique import record_skip, unique_articles
from indexer.errors import IndexNotFound, IndexUnavailable, StrictModeFailure, WriterBusy
from indexer.ingest.article import Article, Skip, body_digest
from indexer.ingest.sources import ByteProgress, SourceOptions, read_sources
from indexer.opensearch.bulk_load import BulkLoader, reason, transient
from indexer.opensearch.completion import ClusterCompletions, CompletionCounts, remove_table, store_table
from indexer.opensearch.documents import cluster_document
from indexer.opensearch.location import ClusterLocation
from indexer.opensearch.mapping import PHRASE_TERM_FIELDS, TERM_FIELDS, index_body
from indexer.opensearch.spellings import ClusterSpellings
from indexer.opensearch.ranking import (STORED_FIELDS, ClusterQuery, cluster_query, exact_scores, order,
                                        phrase_bonus, read_statistics, search_body, statistics_requests,
                                        weigh_freshness)
from indexer.query import response
from indexer.query.expansion import Expanded, QueryExpander, spelled_terms
from indexer.query.highlight import WordTerms
from indexer.query.parser import parse_query
from indexer.query.complete import complete
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS, CompleteRequest, SearchRequest
from indexer.query.synonym_source import SynonymSource
from indexer.query.suggest import KNOWN_WORD_DF, RememberedWords, suggest
from indexer.query.response import MAX_STORY_MEMBERS, STORY_OTHERS_SHOWN
from indexer.storage.schema import EXACT_ANALYZER, EXACT_FIELD, FACET_FIELDS
from indexer.stories.assign import BUCKET_MEMBERS, BatchStories, Candidate, parse_story_text, with_stories
from indexer.stories.collapse import first_of_each
from indexer.stories.fingerprint import signatures

REQUEST_TIMEOUT = 60
QUICK_TIMEOUT = 10  # best-effort housekeeping (lock heartbeat and release, deleting an abandoned index): one try
SNIFF_TIMEOUT = 5  # opensearch-py's default, 0.1 s, is shorter than a busy node takes to list the nodes
INDEX_GREEN_SECONDS = 30  # a new index waits this long for its replicas before it is loaded
COMPLETE_SECONDS = 30  # a loaded index may take this long to answer from every shard with every article
READ_ATTEMPTS = 3  # a read meets a switched-away index or a partial answer: look again, this many times in all
PARTIAL_PAUSE = 0.25  # seconds before asking again after a partial answer (then twice that)
SUGGEST_BELOW = 5
RELATED_COUNT = 5
PROGRESS_EVERY = 100
STATS_KEYS = {"source": "sources", "category": "categories"}  # as the embedded engine's stats

# The writer lock (see WriterLock): one document per alias in a small hidden index of the cluster.
LOCK_INDEX = ".arabic-search-locks"
LOCK_HEARTBEAT_SECONDS = 10.0
LOCK_STALE_SECONDS = 120.0
_HELD_HERE: set[str] = set()  # owner tokens of the locks this process holds now


class _SniffingTransport(Transport):
    """opensearch-py's transport, except that a failed periodic sniff does not fail the request that
    triggered it: the request goes on with the connections already known, and reports if they fail."""

    def get_connection(self):
        if self.sniffer_timeout and time.time() >= self.last_sniff + self.sniffer_timeout:
            try:
                self.sniff_hosts()
            except TransportError:
                self.last_sniff = time.time()
        return self.connection_pool.get_connection()


class WriterLock:
    """The single-writer lock of one alias: `rebuild`, `add` and `delete` hold it while they change the alias
    or its index, so two of them never run at once on the same alias (the second gets WriterBusy at once).

    It is the document `LOCK_INDEX/<alias>`, created with op_type=create (only one creator succeeds), holding
    the owner's token, host, pid, command, start time and heartbeat. The holder rewrites the heartbeat every
    LOCK_HEARTBEAT_SECONDS from a thread and deletes the document when it is done (in a `finally`). A holder
    that died without deleting it (SIGKILL, a lost machine) leaves the document behind; it is taken over
    when its heartbeat is older than LOCK_STALE_SECONDS, or at once when it names this host and its pid is no
    longer alive here (or names this very process, which does not hold it: a release that failed). Every change after the creation is conditional on the document's seq_no and primary
    term, so two writers that both find a stale lock cannot both take it, and a holder whose lock was taken
    over (its heartbeat stopped for longer than the bound) notices: `check()` raises WriterBusy before it
    publishes anything. Hosts are told apart by hostname; clocks of different hosts are compared only against
    the bound, so they must agree to well within it.
    """

    def __init__(self, client: OpenSearch, quick: OpenSearch, alias: str, url: str, command: str) -> None:
        self._client = client
        self._quick = quick  # heartbeat and release: one try each, so a lost cluster never holds them up
        self._alias = alias
        self._url = url
        self._token = uuid.uuid4().hex
        self._body = {"alias": alias, "owner": self._token, "host": socket.gethostname(), "pid": os.getpid(),
                      "command": command, "started": _now(), "heartbeat": time.time()}
        self._version: tuple[int, int] | None = None  # (seq_no, primary_term) of our document
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._lost: dict | None = None
        self._beating: threading.Thread | None = None

    def acquire(self) -> None:
        self._ensure_index()
        for _ in range(3):
            self._body["heartbeat"] = time.time()
            try:
                created = self._client.index(index=LOCK_INDEX, id=self._alias, body=self._body, op_type="create")
            except ConflictError:
                pass
            else:
                return self._hold(created)
            try:
                held = self._client.get(index=LOCK_INDEX, id=self._alias)
            except NotFoundError:
                continue  # released meanwhile: create again
            if held["_source"].get("owner") == self._token:  # our create was applied, its answer lost
                return self._hold(held)
            why = _stale(held["_source"])
            if why is None:
                raise WriterBusy(f"another reindex/add/delete is already running on {self._alias!r} at {self._url} "
                                 f"({_holder(held['_source'])}); wait for it to finish and try again")
            try:
                taken = self._client.index(index=LOCK_INDEX, id=self._alias, body=self._body,
                                           if_seq_no=held["_seq_no"], if_primary_term=held["_primary_term"])
            except ConflictError:
                continue  # someone else changed it first: look again
            return self._hold(taken)
        raise WriterBusy(f"the writer lock of {self._alias!r} at {self._url} keeps changing hands; try again")

    def check(self) -> None:
        """WriterBusy if the lock is no longer ours (taken over as stale while this writer was stalled)."""
        if self._lost is None:
            try:
                held = self._client.get(index=LOCK_INDEX, id=self._alias)["_source"]
            except NotFoundError:
                held = {}
            if held.get("owner") != self._token:
                self._lost = held
        if self._lost is not None:
            raise WriterBusy(f"the writer lock of {self._alias!r} at {self._url} was taken over while this run "
                             f"was stalled ({_holder(self._lost) if self._lost else 'released'}); "
                             "nothing was published")

    def release(self) -> None:
        self._stop.set()
        if self._beating is not None:
            self._beating.join(timeout=QUICK_TIMEOUT + 5)
        with self._guard:
            version = self._version
        _HELD_HERE.discard(self._token)
        if version is None or self._lost is not None:
            return
        try:
            self._quick.delete(index=LOCK_INDEX, id=self._alias, if_seq_no=version[0], if_primary_term=version[1])
        except TransportError:  # gone, taken over, or the cluster is unreachable: it will be found stale
            pass

    def _ensure_index(self) -> None:
        if not self._client.indices.exists(index=LOCK_INDEX):
            self._client.indices.create(index=LOCK_INDEX, ignore=[400], body={
                "settings": {"index": {"number_of_shards": 1, "number_of_replicas": 1, "hidden": True}},
                "mappings": {"dynamic": False, "properties": {}},
            })

    def _hold(self, answer: dict) -> None:
        with self._guard:
            self._version = (answer["_seq_no"], answer["_primary_term"])
        _HELD_HERE.add(self._token)
        self._beating = threading.Thread(target=self._beat, name=f"writer-lock-{self._alias}", daemon=True)
        self._beating.start()

    def _beat(self) -> None:
        while not self._stop.wait(LOCK_HEARTBEAT_SECONDS):
            with self._guard:
                seq_no, term = self._version
            self._body["heartbeat"] = time.time()
            try:
                answer = self._quick.index(index=LOCK_INDEX, id=self._alias, body=self._body,
                                           if_seq_no=seq_no, if_primary_term=term)
            except ConflictError:
                try:
                    answer = self._quick.get(index=LOCK_INDEX, id=self._alias)
                except NotFoundError:
                    answer = {"_source": {}}
                except TransportError:
                    continue
                if answer["_source"].get("owner") != self._token:
                    self._lost = answer["_source"]
                    return
            except TransportError:
                continue  # the cluster is unreachable for now: beat again later
            with self._guard:
                self._version = (answer["_seq_no"], answer["_primary_term"])


def _stale(held: dict) -> str | None:
    """Why a lock document's holder is gone, or None while it may still be running."""
    age = time.time() - float(held.get("heartbeat") or 0)
    if age > LOCK_STALE_SECONDS:
        return f"no heartbeat for {age:.0f} s"
    if held.get("host") == socket.gethostname():
        if not _pid_alive(held.get("pid")):
            return f"its process {held.get('pid')} on this host is gone"
        if held.get("pid") == os.getpid() and held.get("owner") not in _HELD_HERE:
            return "this process left it behind (its release failed)"
    return None


def _pid_alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError):
        return True
    return True


def _holder(held: dict) -> str:
    return (f"{held.get('command', 'a writer')} by pid {held.get('pid')} on {held.get('host')} since "
            f"{held.get('started')}; lock {LOCK_INDEX}/{held.get('alias')}")


def analyzers_for(name: str) -> dict:
    """Our analyzers by role, as the embedded schema uses them: "body" stems, "exact" normalizes only."""
    return {"body": get_analyzer(name), EXACT_FIELD: get_analyzer(EXACT_ANALYZER.get(name, name))}


class OpenSearchEngine:
    """An alias on a cluster: `location` is `opensearch+http://HOST:PORT/NAME`."""

    kind = "opensearch"

    def __init__(self, location: str, *, warm: bool = False, synonyms: str | os.PathLike | None = None) -> None:
        self._where = ClusterLocation.parse(location)
        self._opened: OpenSearch | None = None
        self._opening = threading.Lock()
        self._per_index: dict[str, tuple[dict, WordTerms, RememberedWords]] = {}
        self._spellings: dict[str, ClusterSpellings] = {}  # per concrete index
        self._synonyms = SynonymSource(synonyms)
        self._completions = ClusterCompletions()

    @property
    def location(self) -> str:
        return self._where.spec

    @property
    def spec(self) -> str:
        return self._where.spec

    @property
    def _client(self) -> OpenSearch:
        """The client, made on first use (inside `_cluster_errors`, so an unreachable cluster is reported).

        The URL names one node; sniffing learns the others at start and again when a node fails, so losing
        the node of the URL does not stop the engine.
        """
        if self._opened is None:
            with self._opening:
                if self._opened is None:
                    self._opened = OpenSearch(
                        hosts=[self._where.url], timeout=REQUEST_TIMEOUT, max_retries=3, retry_on_timeout=True,
                        retry_on_status=(429, 502, 503, 504), sniff_on_start=True, sniff_on_connection_fail=True,
                        sniffer_timeout=60, sniff_timeout=SNIFF_TIMEOUT, transport_class=_SniffingTransport)
        return self._opened

    # --- writing ---------------------------------------------------------------------------------------

    def rebuild(self, sources: Sequence[Path], *, analyzer: str = "arabic", options: SourceOptions = SourceOptions(),
                strict: bool = False, progress=None, byte_progress: ByteProgress | None = None,
                procs: int | None = None) -> BuildSummary:
        summary = BuildSummary()
        started = time.perf_counter()
        articles = unique_articles(read_sources(sources, options, byte_progress), summary, strict)
        counts = CompletionCounts(analyzers_for(analyzer)[EXACT_FIELD])
        live: list[str] = []
        try:
            with self._cluster_errors(), self._writer("reindex") as lock:
                live = self._alias_indices()
                self._remove_leftovers()
                name = self._new_index(analyzer)
                try:
                    summary.indexed = self._load(name, counts.watch(articles), analyzer, summary, strict, progress)
                    self._client.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
                    self._check_complete(name, summary.indexed)
                    store_table(self._client, name, counts)
                    lock.check()
                    self._switch_alias(name, live)
                except BaseException:
                    self._abandon(name)
                    raise
        except IndexUnavailable as error:
            kept = f"the alias still names {', '.join(live)} (unchanged)" if live else "nothing was published"
            raise IndexUnavailable(f"reindex failed: {error}; {kept}") from None
        self._remove_old(live)
        summary.generation = name
        summary.seconds = time.perf_counter() - started
        return summary

    def add(self, sources: Sequence[Path], *, options: SourceOptions = SourceOptions(), strict: bool = False,
            byte_progress: ByteProgress | None = None) -> BuildSummary:
        summary = BuildSummary()
        started = time.perf_counter()
        batch: dict[str, Article] = {}
        for item in read_sources(sources, options, byte_progress):
            if isinstance(item, Skip):
                record_skip(summary, item, strict)
                continue
            batch[item.id] = item  # a later record of the same id in one batch wins
        with self._cluster_errors(), self._writer("add"):
            index = self._live_index()
            analyzers = self._index_state(index)[0]
            owners = self._digest_owners(index, [body_digest(a.body) for a in batch.values()])
            known = self._known_ids(index, list(batch))
            next_seq = self._next_seq(index)
            kept = []
            for article in batch.values():
                digest = body_digest(article.body)
                owner = owners.get(digest)
                if owner is not None and owner != article.id:
                    summary.duplicates += 1
                    continue
                owners[digest] = article.id
                kept.append(article)
            stories = BatchStories(self._story_candidates(index))
            marks = [stories.mark(article) for article in kept]
            actions = ({"_index": index, "_id": a.id, "_source": cluster_document(a, next_seq + i, analyzers, mark),
                        "origin": a.origin} for i, (a, mark) in enumerate(zip(kept, marks)))
            written = 0

            def counted(results):
                nonlocal written
                for action, result in results:
                    written += _succeeded(result)
                    yield action, result

            try:
                failed = self._skip_refused(counted(self._bulk(actions)), summary, strict)
            except IndexUnavailable as error:
                raise IndexUnavailable(f"{error}; {written} of the {len(kept)} articles were written before it "
                                       "stopped (running the same add again is safe: it upserts by id)") from None
            self._client.indices.refresh(index=index)
            for article in kept:
                if article.id in failed:
                    continue
                if article.id in known:
                    summary.updated += 1
                else:
                    summary.indexed += 1
            self._touch(index)
        summary.generation = index
        summary.seconds = time.perf_counter() - started
        return summary

    def _story_candidates(self, index: str):
        """The live articles sharing a band key with a new one (`BatchStories`), BUCKET_MEMBERS a band."""

        def candidates(bands: list[str]) -> list[Candidate]:
            lines = []
            for band in bands:
                lines.extend([{"index": index}, {"size": BUCKET_MEMBERS, "query": {"term": {"story_bands": band}},
                                                 "sort": [{"seq": "desc"}],
                                                 "_source": ["body", "published", "story", "seq"]}])
            found = {hit["_id"]: hit["_source"] for answer in self._msearch(lines, index)
                     for hit in answer["hits"]["hits"] if hit["_source"].get("story")}
            sources = sorted(found.values(), key=lambda source: source.get("seq", 0))
            if not sources:
                return []
            signed = signatures([source.get("body", "") for source in sources])
            return [Candidate(parse_story_text(source["story"]), signature,
                              datetime.fromisoformat(source["published"]) if source.get("published") else None)
                    for source, signature in zip(sources, signed)]

        return candidates

    def delete(self, ids: Iterable[str]) -> BuildSummary:
        summary = BuildSummary()
        with self._cluster_errors(), self._writer("delete"):
            index = self._live_index()
            wanted = list(dict.fromkeys(ids))
            actions = ({"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in wanted)
            for action, result in self._bulk(actions):
                if result.get("status") == 404 or result.get("result") == "not_found":
                    summary.not_found.append(action["_id"])
                elif _succeeded(result):
                    summary.deleted += 1
                else:
                    raise IndexUnavailable(f"could not delete {action['_id']}: {reason(result)}")
            self._client.indices.refresh(index=index)
            self._touch(index)
        summary.generation = index
        return summary

    # --- reading ---------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()

        def read(index: str):
            analyzers, words, remembered = self._index_state(index)
            tree = parse_query(request.q)
            expanded = self._expand(index, analyzers, tree) if request.expand else Expanded(tree, ())
            query = cluster_query(request, expanded.tree, analyzers)
            hits, scores, total, aggregations = self._ranked(index, query, request.offset, request.per_page,
                                                             request.group)
            stored = self._stored(index, hits) if query.sort == "relevance" else [hit["_source"] for hit in hits]
            stories = self._hit_stories(index, stored, [hit["_source"].get("story") for hit in hits])
            suggestion = None
            if request.q:
                known_df = KNOWN_WORD_DF if total < SUGGEST_BELOW else 1
                frequencies = ClusterFrequencies(self._msearch, index, remembered)
                suggestion = suggest(frequencies, analyzers[EXACT_FIELD], request.q, tree, known_df)
            return words, query, stored, scores, total, aggregations, suggestion, expanded.applied, stories

        words, query, stored, scores, total, aggregations, suggestion, applied, stories = self._reading(read)
        facets = {name: response.facet_values({b["key"]: b["doc_count"] for b in aggregations[name]["buckets"]})
                  for name in FACET_FIELDS}
        return {
            "query": request.q,
            "total": total,
            "stories": int(aggregations["stories"]["value"]) if request.group else None,
            "page": request.page,
            "per_page": request.per_page,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "hits": [{**response.hit(fields, float(score), words, query.terms), "story": story}
                     for fields, score, story in zip(stored, scores, stories)],
            "facets": facets,
            "expansions": [expansion.as_json() for expansion in applied],
            "suggestion": suggestion,
        }

    def _hit_stories(self, index: str, stored: list[dict], wanted: list[str | None]) -> list[dict | None]:
        """Each hit's story (as `response.story`), from one msearch of the stories' newest members."""
        lines = []
        for story in wanted:
            if story:
                lines.extend([{"index": index}, _story_query(story, STORY_OTHERS_SHOWN + 1)])
        answers = iter(self._msearch(lines, index) if lines else [])
        result = []
        for fields, story in zip(stored, wanted):
            if not story:
                result.append(None)
                continue
            found = next(answers)["hits"]
            others = [response.story_member(hit["_source"]) for hit in found["hits"]
                      if hit["_source"].get("id") != fields.get("id")]
            result.append(response.story(story, found["total"]["value"], others[:STORY_OTHERS_SHOWN]))
        return result

    def story(self, story_id: str) -> dict | None:
        if parse_story_text(story_id) is None:
            return None

        def read(index: str):
            return self._complete(self._client.search(index=index, body=_story_query(story_id, MAX_STORY_MEMBERS)),
                                  index)

        found = self._reading(read)["hits"]["hits"]
        if not found:
            return None
        return response.story_page(story_id, [response.story_member(hit["_source"]) for hit in found])

    def complete(self, request: CompleteRequest) -> dict:
        def read(index: str):
            analyzers = self._index_state(index)[0]
            return self._completions.table(self._client, index, analyzers[EXACT_FIELD])

        return complete(self._reading(read), request.q, request.limit)

    def rank_ids(self, text: str, depth: int, expand: bool = True,
                 fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS) -> list[str]:
        def read(index: str):
            analyzers = self._index_state(index)[0]
            tree = parse_query(text)
            if expand:
                tree = self._expand(index, analyzers, tree).tree
            query = cluster_query(SearchRequest(q=text, per_page=depth, fresh_half_life=fresh_half_life), tree,
                                  analyzers)
            return self._ranked(index, query, 0, depth)[0]

        hits = self._reading(read)
        return [hit["_source"]["id"] for hit in hits]

    def document(self, doc_id: str) -> dict | None:
        def read(index: str):
            try:
                found = self._client.get(index=index, id=doc_id)
            except NotFoundError as error:
                if _index_gone(error):
                    raise
                return None, None
            related = self._complete(self._client.search(index=index, body={
                "size": RELATED_COUNT,
                "_source": ["id", "title", "url", "source", "category", "published"],
                "query": {"more_like_this": {"fields": list(PHRASE_TERM_FIELDS), "like": [{"_index": index,
                                                                                         "_id": doc_id}],
                                             "min_term_freq": 1, "min_doc_freq": 2, "max_query_terms": 20}},
            }, search_type="dfs_query_then_fetch"), index)
            return found, related

        found, related = self._reading(read)
        if found is None:
            return None
        return response.document(found["_source"], [response.related_hit(hit["_source"], hit["_score"])
                                                    for hit in related["hits"]["hits"]])

    def stats(self) -> dict:
        def read(index: str):
            result = self._complete(self._client.search(index=index, body={
                "size": 0, "track_total_hits": True,
                "aggs": {**{name: {"terms": {"field": name, "size": 10_000, "missing": ""}} for name in FACET_FIELDS},
                         "oldest": {"min": {"field": "published"}}, "newest": {"max": {"field": "published"}}},
            }), index)
            size = self._client.indices.stats(index=index, metric="store")["_all"]["primaries"]["store"]
            meta = self._client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {})
            return index, result, size, meta

        index, result, size, meta = self._reading(read)
        aggs = result["aggregations"]
        return {
            "index": self.location,
            "generation": index,
            "documents": result["hits"]["total"]["value"],
            **{STATS_KEYS[name]: {(b["key"] or "(none)"): b["doc_count"] for b in aggs[name]["buckets"]}
               for name in FACET_FIELDS},
            "date_range": [_iso(aggs["oldest"].get("value_as_string")), _iso(aggs["newest"].get("value_as_string"))],
            "size_bytes": size["size_in_bytes"],
            "updated": meta.get("updated", ""),
        }

    def health(self) -> dict:
        def read(index: str):
            return index, self._client.cluster.health(), self._complete(self._client.count(index=index), index)["count"]

        index, cluster, documents = self._reading(read)
        return {"readable": True, "documents": documents, "generation": index, "cluster": cluster["status"],
                "nodes": cluster["number_of_nodes"]}

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None

    @contextmanager
    def scratch(self, articles: Sequence[Article], analyzer: str) -> Iterator[OpenSearchEngine]:
        alias = f"{self._where.alias}-scratch-{uuid.uuid4().hex[:12]}"
        name = f"{alias}-index"
        with self._cluster_errors():
            self._client.indices.create(index=name, body={**index_body(analyzer, replicas=0), "aliases": {alias: {}}})
        try:
            with self._cluster_errors():
                counts = CompletionCounts(analyzers_for(analyzer)[EXACT_FIELD])
                self._load(name, counts.watch(articles), analyzer, BuildSummary(), strict=False, progress=None)
                store_table(self._client, name, counts)
            engine = OpenSearchEngine(ClusterLocation(self._where.url, alias).spec, synonyms=self._synonyms.path)
            try:
                yield engine
            finally:
                engine.close()
        finally:
            self._client.indices.delete(index=name, ignore=[404])
            remove_table(self._client, name)

    # --- the parts -------------------------------------------------------------------------------------

    def _expand(self, index: str, analyzers: dict, tree) -> Expanded:
        """The query with other spellings from the live index and the synonyms in force (see query.expansion)."""
        body = analyzers["body"]
        spellings = self._spellings.get(index)
        if spellings is None:
            if len(self._spellings) > 8:
                self._spellings.clear()
            spellings = self._spellings[index] = ClusterSpellings(self._msearch, index, TERM_FIELDS["body"])
        return QueryExpander(body, spellings.for_terms(spelled_terms(body, tree)),
                             self._synonyms.rules(body)).expand(tree)

    def _ranked(self, index: str, query: ClusterQuery, offset: int, limit: int, group: bool = False):
        """(hits of the page in order, their scores, total, facet aggregations); with `group`, one hit per
        story, its best-ranked candidate (the aggregations then count the stories too)."""
        stats = None
        if query.stemmed or query.exact:
            lines, keys = statistics_requests(index, query)
            stats = read_statistics(self._msearch(lines, index), keys)
        body = search_body(query, stats, offset, limit, group)
        found = self._complete(self._client.search(index=index, body=body,
                                                   search_type="dfs_query_then_fetch"), index)  # one set of field stats
        hits = found["hits"]["hits"]
        total = found["hits"]["total"]["value"]
        scores = exact_scores(hits, query, stats) if stats else np.zeros(len(hits), dtype=np.float32)
        if query.sort == "date":
            return hits, list(scores), total, found["aggregations"]
        if stats is not None:
            phrase_bonus(hits, scores, query, stats)
            weigh_freshness(hits, scores, query, stats)
        ranked = order(hits, scores)
        if group:
            stories = np.array([hit["_source"].get("story") or f"-{hit['_id']}" for hit in hits], dtype=object)
            ranked = ranked[first_of_each(stories[ranked])]
        ranked = ranked[offset:offset + limit]
        return [hits[i] for i in ranked], [scores[i] for i in ranked], total, found["aggregations"]

    def _stored(self, index: str, hits: list[dict]) -> list[dict]:
        """The stored fields of the page's hits, in their order (the candidates carried only their terms)."""
        if not hits:
            return []
        docs = self._client.mget(index=index, body={"ids": [hit["_id"] for hit in hits]},
                                 _source_includes=STORED_FIELDS)["docs"]
        return [doc.get("_source", {}) for doc in docs]

    def _reading(self, read: Callable[[str], object]):
        """`read(index)` on the index the alias names, inside `_cluster_errors`.

        A rebuild deletes the index it replaced right after the switch, so a reader that looked the alias up
        just before may find its index gone, or its shards failing as they are deleted: on a failure, when the
        alias names another index by now, the read starts again on that one. An answer from only some of the
        shards (a copy lost with a node, before the cluster moved to another) is asked again after a pause,
        then is IndexUnavailable: a page with hits silently missing is never served.
        """
        with self._cluster_errors():
            index = self._live_index()
            for attempt in range(READ_ATTEMPTS):
                try:
                    return read(index)
                except (TransportError, _PartialAnswer) as failure:
                    last = attempt == READ_ATTEMPTS - 1
                    now = self._live_index()
                    if now != index and not last:
                        self._per_index.pop(index, None)
                        index = now
                        continue
                    if not isinstance(failure, _PartialAnswer):
                        raise
                    if last:
                        raise IndexUnavailable(f"the OpenSearch cluster at {self._where.url} answered from "
                                               f"{failure} only") from None
                    time.sleep(PARTIAL_PAUSE * (attempt + 1))

    def _complete(self, answer: dict, index: str) -> dict:
        """`answer` (a search or count) if every shard answered; else _PartialAnswer (see `_reading`)."""
        shards = answer.get("_shards") or {}
        if shards.get("failed"):
            reasons = {str((failure.get("reason") or {}).get("type")) for failure in shards.get("failures", [])}
            raise _PartialAnswer(f"{shards.get('successful')} of {shards.get('total')} shards of {index} "
                                 f"({', '.join(sorted(reasons))})")
        return answer

    def _msearch(self, lines: list[dict], index: str) -> list[dict]:
        """The responses of one msearch, each complete: a failed one raises the TransportError a search alone
        would have raised (see `_reading`)."""
        responses = self._client.msearch(body=lines)["responses"]
        for answer in responses:
            error = answer.get("error")
            if error:
                status = answer.get("status", 500)
                kind = error.get("type") if isinstance(error, dict) else str(error)
                raise HTTP_EXCEPTIONS.get(status, TransportError)(status, kind, answer)
            self._complete(answer, index)
        return responses

    def _index_state(self, index: str) -> tuple[dict, WordTerms, RememberedWords]:
        """Per concrete index: our analyzers (named in its mapping), the highlighter's memo, typed word counts."""
        state = self._per_index.get(index)
        if state is None:
            meta = self._client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {})
            analyzers = analyzers_for(meta.get("analyzer", "arabic"))
            state = self._per_index[index] = (analyzers, WordTerms(analyzers["body"]), RememberedWords())
        return state

    def _live_index(self) -> str:
        try:
            indices = list(self._client.indices.get_alias(name=self._where.alias))
        except NotFoundError:
            raise IndexNotFound(f"no index named {self._where.alias!r} on {self._where.url}; build it with: "
                                f"arabic-search reindex SOURCE... --engine {self.spec}") from None
        if len(indices) != 1:
            raise IndexUnavailable(f"alias {self._where.alias!r} names {len(indices)} indices on {self._where.url}")
        return indices[0]

    def _new_index(self, analyzer: str) -> str:
        name = f"{self._where.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"
        body = index_body(analyzer)
        body["mappings"]["_meta"]["updated"] = _now()
        body["settings"]["index"]["refresh_interval"] = "-1"  # nobody reads it before it is complete
        self._client.indices.create(index=name, body=body)
        # Load only once the replicas are assigned and started: a node lost while a replica is still
        # initializing takes the only in-sync copy of its primaries with it, and the index turns red. A
        # cluster with fewer nodes than copies never gets there; it loads after the wait, on the primaries.
        self._client.cluster.health(index=name, wait_for_status="green", timeout=f"{INDEX_GREEN_SECONDS}s",
                                    request_timeout=INDEX_GREEN_SECONDS + REQUEST_TIMEOUT, ignore=[408])
        return name

    def _load(self, index: str, articles: Iterator[Article], analyzer: str, summary: BuildSummary, strict: bool,
              progress: Callable[[int], None] | None) -> int:
        """Bulk-load `articles` into `index`, numbered in order; returns how many the cluster acknowledged."""
        analyzers = analyzers_for(analyzer)
        sent = 0

        def actions():
            nonlocal sent
            for seq, (article, mark) in enumerate(with_stories(articles)):
                yield {"_index": index, "_id": article.id,
                       "_source": cluster_document(article, seq, analyzers, mark), "origin": article.origin}
                sent += 1
                if progress and sent % PROGRESS_EVERY == 0:
                    progress(sent)

        failed = self._skip_refused(self._bulk(actions()), summary, strict)
        self._client.indices.refresh(index=index)
        if progress:
            progress(sent)
        return sent - len(failed)

    def _skip_refused(self, results: Iterator[tuple[dict, dict]], summary: BuildSummary, strict: bool) -> set[str]:
        """Consume bulk results; each article the cluster refused for what it is (a 400, such as a document the
        mapping cannot take) is a Skip. Any other refusal is not about the article (a write block, a deleted
        index, no permission) and ends the run: IndexUnavailable."""
        failed = set()
        for action, result in results:
            if not _succeeded(result):
                if result.get("status") != 400:
                    raise IndexUnavailable(f"the OpenSearch cluster at {self._where.url} refused to write "
                                           f"{action['_id']!r}: {reason(result)}")
                failed.add(action["_id"])
                shown = action["_id"] if len(action["_id"]) <= 80 else action["_id"][:80] + "…"
                skip = Skip(action.get("origin") or f"id {shown}", f"id {shown} rejected by the cluster: "
                            f"{reason(result)[:300]}")
                if strict:
                    raise StrictModeFailure(f"--strict: {skip}")
                summary.skipped.append(skip)
        return failed

    def _bulk(self, actions: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        """(action, the cluster's result for it) for every action, in order (see BulkLoader)."""
        with BulkLoader(self._client, self._where.url, _SniffingTransport) as loader:
            yield from loader.send(actions)

    def _check_complete(self, name: str, acknowledged: int) -> None:
        """Before `name` is published: it answers from every shard, with every acknowledged article."""
        deadline = time.monotonic() + COMPLETE_SECONDS
        while True:
            try:
                self._client.indices.refresh(index=name)
                counted = self._client.count(index=name)
                shards = counted["_shards"]
                found = f"{counted['count']} documents from {shards['successful']} of {shards['total']} shards"
                if shards["failed"] == 0 and shards["successful"] == shards["total"] \
                        and counted["count"] == acknowledged:
                    return
            except TransportError as error:
                if not transient(error.status_code) and not isinstance(error, ClusterConnectionError):
                    raise
                found = f"no count ({type(error).__name__}: {error})"
            if time.monotonic() >= deadline:
                raise IndexUnavailable(
                    f"the new index {name} on {self._where.url} did not answer with the {acknowledged} articles "
                    f"the cluster acknowledged within {COMPLETE_SECONDS} s (last: {found})")
            time.sleep(1)

    def _alias_indices(self) -> list[str]:
        """The indices the alias names now ([] when there is no alias yet)."""
        try:
            return list(self._client.indices.get_alias(name=self._where.alias))
        except NotFoundError:
            return []

    def _switch_alias(self, name: str, old: list[str]) -> None:
        """Point the alias at `name` instead of `old` in one call (atomic for readers).

        When the call fails without an answer (a node lost on the way), the switch may still have been
        applied: the alias is read again, and naming `name` alone counts as done.
        """
        actions = [{"add": {"index": name, "alias": self._where.alias}}]
        actions += [{"remove": {"index": index, "alias": self._where.alias}} for index in old]
        try:
            self._client.indices.update_aliases(body={"actions": actions})
        except TransportError:
            try:
                now = self._alias_indices()
            except TransportError:
                now = None
            if now != [name]:
                raise

    def _remove_old(self, old: list[str]) -> None:
        """Delete the indices the alias named before a switch. The rebuild is done by then: a failure here
        leaves an index that no alias names, which the next rebuild removes (`_remove_leftovers`)."""
        quick = self._quick_client()
        try:
            for index in old:
                self._per_index.pop(index, None)
                try:
                    quick.indices.delete(index=index, ignore=[404])
                except TransportError:
                    pass
        finally:
            quick.close()

    def _abandon(self, name: str) -> None:
        """Delete a new index that could not be published, unless the alias names it after all. A cluster
        that cannot be asked leaves it for the next rebuild (`_remove_leftovers`); the error raised is the
        one that stopped the rebuild."""
        quick = self._quick_client()
        try:
            if name not in quick.indices.get_alias(name=self._where.alias, ignore=[404]):
                quick.indices.delete(index=name, ignore=[404])
        except TransportError:
            pass
        finally:
            quick.close()

    def _remove_leftovers(self) -> None:
        """Delete the indices of earlier rebuilds of this alias that no alias names (a rebuild that was killed,
        or that could not delete its index or the one it replaced)."""
        pattern = re.compile(re.escape(self._where.alias) + r"-\d{20}")
        try:
            found = self._client.indices.get_alias(index=f"{self._where.alias}-*", expand_wildcards="open,closed")
        except NotFoundError:
            return
        for index, info in found.items():
            if pattern.fullmatch(index) and not info.get("aliases"):
                self._client.indices.delete(index=index, ignore=[404])

    def _digest_owners(self, index: str, digests: list[str]) -> dict[str, str]:
        """body digest -> id of the live document with that body, for the digests asked."""
        owners = {}
        for start in range(0, len(digests), 1000):
            chunk = digests[start:start + 1000]
            found = self._client.search(index=index, body={"size": len(chunk), "_source": ["id", "body_digest"],
                                                           "query": {"terms": {"body_digest": chunk}}})
            owners.update({hit["_source"]["body_digest"]: hit["_source"]["id"] for hit in found["hits"]["hits"]})
        return owners

    def _known_ids(self, index: str, ids: list[str]) -> set[str]:
        known = set()
        for start in range(0, len(ids), 1000):
            docs = self._client.mget(index=index, body={"ids": ids[start:start + 1000]}, _source=False)["docs"]
            known.update(doc["_id"] for doc in docs if doc.get("found"))
        return known

    def _next_seq(self, index: str) -> int:
        found = self._client.search(index=index, body={"size": 0, "aggs": {"last": {"max": {"field": "seq"}}}})
        value = found["aggregations"]["last"]["value"]
        return 0 if value is None else int(value) + 1

    def _touch(self, index: str) -> None:
        self._client.indices.put_mapping(index=index, body={"_meta": {
            **self._client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {}), "updated": _now()}})

    @contextmanager
    def _writer(self, command: str) -> Iterator[WriterLock]:
        """Hold the alias's writer lock for the block (WriterBusy at once if another writer holds it)."""
        quick = self._quick_client()
        lock = WriterLock(self._client, quick, self._where.alias, self._where.url, command)
        try:
            lock.acquire()
            try:
                yield lock
            finally:
                lock.release()
        finally:
            quick.close()

    def _quick_client(self) -> OpenSearch:
        """A client on the nodes the main one knows, that tries each request once, within QUICK_TIMEOUT: for
        housekeeping that must not hold a failing run up (the main client tries 4 times, 60 s each)."""
        pool = self._client.transport.connection_pool
        hosts = [connection.host for connection in getattr(pool, "orig_connections", None) or pool.connections]
        return OpenSearch(hosts=hosts or [self._where.url], timeout=QUICK_TIMEOUT, max_retries=0)

    @contextmanager
    def _cluster_errors(self):
        """A cluster that cannot be reached, or that refuses, is IndexUnavailable with the URL, not a traceback."""
        try:
            yield
        except ClusterConnectionError as error:
            raise IndexUnavailable(f"cannot reach the OpenSearch cluster at {self._where.url} ({error.info or error})"
                                   ) from None
        except TransportError as error:
            if error.status_code == "N/A":  # no answer at all: the client could not even learn the nodes
                raise IndexUnavailable(f"cannot reach the OpenSearch cluster at {self._where.url} ({error.error})"
                                       ) from None
            raise IndexUnavailable(f"the OpenSearch cluster at {self._where.url} refused: {error}") from None


class ClusterFrequencies:
    """Word counts in the `exact` terms field of the live index, for the spelling suggestion; `msearch` is the
    engine's (lines, index) -> checked responses."""

    def __init__(self, msearch: Callable[[list[dict], str], list[dict]], index: str,
                 remembered: RememberedWords) -> None:
        self._msearch = msearch
        self._index = index
        self._remembered = remembered

    def typed(self, term: str) -> int:
        return self._remembered.get(term, lambda t: self.many([t])[0])

    def many(self, terms) -> list[int]:
        if not terms:
            return []
        lines = []
        for term in terms:
            lines += [{"index": self._index},
                      {"size": 0, "track_total_hits": True, "query": {"term": {f"{EXACT_FIELD}_terms": term}}}]
        return [r["hits"]["total"]["value"] for r in self._msearch(lines, self._index)]


class _PartialAnswer(Exception):
    """A search or count answered by only some of the index's shards."""


def _index_gone(error: NotFoundError) -> bool:
    return error.error == "index_not_found_exception"


def _succeeded(result: dict) -> bool:
    return 200 <= result.get("status", 500) < 300


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(value: str | None) -> str | None:
    return value.removesuffix("Z").removesuffix(".000") if value else None


def _story_query(story: str, size: int) -> dict:
    """A story's members, newest first (undated last, then by id), as the embedded engine lists them."""
    return {"size": size, "track_total_hits": True, "query": {"term": {"story": story}},
            "_source": ["id", "title", "url", "source", "published"],
            "sort": [{"published": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]}
