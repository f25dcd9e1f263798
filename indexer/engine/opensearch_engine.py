"""The cluster engine: the index lives on an OpenSearch cluster, under an alias; text is analyzed in Python.

`rebuild` loads a new index beside the live one and switches the alias to it in one `_aliases` call, so
readers never see half an index; `add` and `delete` change the live index by id. Every query is parsed,
analyzed and scored by the same code as the embedded engine (see indexer/opensearch/ranking.py), and
highlights are made by our highlighter on the stored text the cluster returns.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConnectionError as ClusterConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError

from analyzers.registry import get_analyzer
from indexer.build.summary import BuildSummary
from indexer.build.unique import record_skip, unique_articles
from indexer.errors import IndexNotFound, IndexUnavailable, StrictModeFailure
from indexer.ingest.article import Article, Skip, body_digest
from indexer.ingest.sources import ByteProgress, SourceOptions, read_sources
from indexer.opensearch.documents import cluster_document
from indexer.opensearch.location import ClusterLocation
from indexer.opensearch.mapping import PHRASE_TERM_FIELDS, index_body
from indexer.opensearch.ranking import (STORED_FIELDS, ClusterQuery, cluster_query, exact_scores, order,
                                        phrase_bonus, read_statistics, search_body, statistics_requests)
from indexer.query import response
from indexer.query.highlight import WordTerms
from indexer.query.parser import parse_query
from indexer.query.request import SearchRequest
from indexer.query.suggest import KNOWN_WORD_DF, RememberedWords, suggest
from indexer.storage.schema import EXACT_ANALYZER, EXACT_FIELD, FACET_FIELDS

BULK_CHUNK = 500
BULK_RETRIES = 5  # on 429 (the cluster is busy) with exponential backoff from BULK_BACKOFF seconds
BULK_BACKOFF = 1.0
REQUEST_TIMEOUT = 60
SUGGEST_BELOW = 5
RELATED_COUNT = 5
PROGRESS_EVERY = 100
STATS_KEYS = {"source": "sources", "category": "categories"}  # as the embedded engine's stats


def analyzers_for(name: str) -> dict:
    """Our analyzers by role, as the embedded schema uses them: "body" stems, "exact" normalizes only."""
    return {"body": get_analyzer(name), EXACT_FIELD: get_analyzer(EXACT_ANALYZER.get(name, name))}


class OpenSearchEngine:
    """An alias on a cluster: `location` is `opensearch+http://HOST:PORT/NAME`."""

    kind = "opensearch"

    def __init__(self, location: str, *, warm: bool = False) -> None:
        self._where = ClusterLocation.parse(location)
        self._opened: OpenSearch | None = None
        self._per_index: dict[str, tuple[dict, WordTerms, RememberedWords]] = {}

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
            self._opened = OpenSearch(hosts=[self._where.url], timeout=REQUEST_TIMEOUT, max_retries=3,
                                      retry_on_timeout=True, retry_on_status=(429, 502, 503, 504),
                                      sniff_on_start=True, sniff_on_connection_fail=True, sniffer_timeout=60)
        return self._opened

    # --- writing ---------------------------------------------------------------------------------------

    def rebuild(self, sources: Sequence[Path], *, analyzer: str = "arabic", options: SourceOptions = SourceOptions(),
                strict: bool = False, progress=None, byte_progress: ByteProgress | None = None,
                procs: int | None = None) -> BuildSummary:
        summary = BuildSummary()
        started = time.perf_counter()
        articles = unique_articles(read_sources(sources, options, byte_progress), summary, strict)
        with self._cluster_errors():
            name = self._new_index(analyzer)
            try:
                summary.indexed = self._load(name, articles, analyzer, summary, strict, progress)
                self._switch_alias(name)
            except BaseException:
                self._client.indices.delete(index=name, ignore=[404])
                raise
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
        with self._cluster_errors():
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
            actions = ({"_index": index, "_id": a.id, "_source": cluster_document(a, next_seq + i, analyzers)}
                       for i, a in enumerate(kept))
            failed = self._bulk(actions, summary, strict)
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

    def delete(self, ids: Iterable[str]) -> BuildSummary:
        summary = BuildSummary()
        with self._cluster_errors():
            index = self._live_index()
            wanted = list(dict.fromkeys(ids))
            actions = ({"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in wanted)
            for ok, info in helpers.streaming_bulk(self._client, actions, raise_on_error=False,
                                                   max_retries=BULK_RETRIES, initial_backoff=BULK_BACKOFF):
                result = info["delete"]
                if result.get("status") == 404 or result.get("result") == "not_found":
                    summary.not_found.append(result["_id"])
                elif ok:
                    summary.deleted += 1
                else:
                    raise IndexUnavailable(f"could not delete {result['_id']}: {result.get('error')}")
            self._client.indices.refresh(index=index)
            self._touch(index)
        summary.generation = index
        return summary

    # --- reading ---------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        with self._cluster_errors():
            index = self._live_index()
            analyzers, words, remembered = self._index_state(index)
            tree = parse_query(request.q)
            query = cluster_query(request, tree, analyzers)
            hits, scores, total, aggregations = self._ranked(index, query, request.offset, request.per_page)
            stored = self._stored(index, hits) if query.sort == "relevance" else [hit["_source"] for hit in hits]
            suggestion = None
            if request.q:
                known_df = KNOWN_WORD_DF if total < SUGGEST_BELOW else 1
                frequencies = ClusterFrequencies(self._client, index, remembered)
                suggestion = suggest(frequencies, analyzers[EXACT_FIELD], request.q, tree, known_df)
        facets = {name: response.facet_values({b["key"]: b["doc_count"] for b in aggregations[name]["buckets"]})
                  for name in FACET_FIELDS}
        return {
            "query": request.q,
            "total": total,
            "page": request.page,
            "per_page": request.per_page,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "hits": [response.hit(fields, float(score), words, query.terms) for fields, score in zip(stored, scores)],
            "facets": facets,
            "suggestion": suggestion,
        }

    def rank_ids(self, text: str, depth: int) -> list[str]:
        with self._cluster_errors():
            index = self._live_index()
            analyzers = self._index_state(index)[0]
            query = cluster_query(SearchRequest(q=text, per_page=depth), parse_query(text), analyzers)
            hits = self._ranked(index, query, 0, depth)[0]
        return [hit["_source"]["id"] for hit in hits]

    def document(self, doc_id: str) -> dict | None:
        with self._cluster_errors():
            index = self._live_index()
            try:
                found = self._client.get(index=index, id=doc_id)
            except NotFoundError:
                return None
            related = self._client.search(index=index, body={
                "size": RELATED_COUNT,
                "_source": ["id", "title", "url", "source", "category", "published"],
                "query": {"more_like_this": {"fields": list(PHRASE_TERM_FIELDS), "like": [{"_index": index,
                                                                                         "_id": doc_id}],
                                             "min_term_freq": 1, "min_doc_freq": 2, "max_query_terms": 20}},
            }, search_type="dfs_query_then_fetch")
        return response.document(found["_source"], [response.related_hit(hit["_source"], hit["_score"])
                                                    for hit in related["hits"]["hits"]])

    def stats(self) -> dict:
        with self._cluster_errors():
            index = self._live_index()
            result = self._client.search(index=index, body={
                "size": 0, "track_total_hits": True,
                "aggs": {**{name: {"terms": {"field": name, "size": 10_000, "missing": ""}} for name in FACET_FIELDS},
                         "oldest": {"min": {"field": "published"}}, "newest": {"max": {"field": "published"}}},
            })
            size = self._client.indices.stats(index=index, metric="store")["_all"]["primaries"]["store"]
            meta = self._client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {})
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
        with self._cluster_errors():
            index = self._live_index()
            cluster = self._client.cluster.health()
            documents = self._client.count(index=index)["count"]
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
            self._load(name, iter(articles), analyzer, BuildSummary(), strict=False, progress=None)
            engine = OpenSearchEngine(ClusterLocation(self._where.url, alias).spec)
            try:
                yield engine
            finally:
                engine.close()
        finally:
            self._client.indices.delete(index=name, ignore=[404])

    # --- the parts -------------------------------------------------------------------------------------

    def _ranked(self, index: str, query: ClusterQuery, offset: int, limit: int):
        """(hits of the page in order, their scores, total, facet aggregations)."""
        stats = None
        if query.stemmed or query.exact:
            lines, keys = statistics_requests(index, query)
            stats = read_statistics(self._client.msearch(body=lines)["responses"], keys)
        found = self._client.search(index=index, body=search_body(query, stats, offset, limit),
                                    search_type="dfs_query_then_fetch")  # one set of field statistics for all shards
        hits = found["hits"]["hits"]
        total = found["hits"]["total"]["value"]
        scores = exact_scores(hits, query, stats) if stats else np.zeros(len(hits), dtype=np.float32)
        if query.sort == "date":
            return hits, list(scores), total, found["aggregations"]
        if stats is not None:
            phrase_bonus(hits, scores, query, stats)
        ranked = order(hits, scores)[offset:offset + limit]
        return [hits[i] for i in ranked], [scores[i] for i in ranked], total, found["aggregations"]

    def _stored(self, index: str, hits: list[dict]) -> list[dict]:
        """The stored fields of the page's hits, in their order (the candidates carried only their terms)."""
        if not hits:
            return []
        docs = self._client.mget(index=index, body={"ids": [hit["_id"] for hit in hits]},
                                 _source_includes=STORED_FIELDS)["docs"]
        return [doc.get("_source", {}) for doc in docs]

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
        self._client.indices.create(index=name, body=body)
        return name

    def _load(self, index: str, articles: Iterator[Article], analyzer: str, summary: BuildSummary, strict: bool,
              progress: Callable[[int], None] | None) -> int:
        """Bulk-load `articles` into `index`, numbered in order; returns how many the cluster acknowledged."""
        analyzers = analyzers_for(analyzer)
        sent = 0

        def actions():
            nonlocal sent
            for seq, article in enumerate(articles):
                yield {"_index": index, "_id": article.id, "_source": cluster_document(article, seq, analyzers)}
                sent += 1
                if progress and sent % PROGRESS_EVERY == 0:
                    progress(sent)

        failed = self._bulk(actions(), summary, strict)
        self._client.indices.refresh(index=index)
        if progress:
            progress(sent)
        return sent - len(failed)

    def _bulk(self, actions, summary: BuildSummary, strict: bool) -> set[str]:
        """Send `actions` in chunks, retrying 429s with backoff; a rejected record becomes a Skip."""
        failed = set()
        for ok, info in helpers.streaming_bulk(self._client, actions, chunk_size=BULK_CHUNK, raise_on_error=False,
                                               raise_on_exception=False, max_retries=BULK_RETRIES,
                                               initial_backoff=BULK_BACKOFF):
            if not ok:
                result = next(iter(info.values()))
                failed.add(result.get("_id"))
                reason = (result.get("error") or {}).get("reason") if isinstance(result.get("error"), dict) \
                    else result.get("error")
                skip = Skip(f"id {result.get('_id')}", f"rejected by the cluster: {reason}")
                if strict:
                    raise StrictModeFailure(f"--strict: {skip}")
                summary.skipped.append(skip)
        return failed

    def _switch_alias(self, name: str) -> None:
        """Point the alias at `name` in one call, then remove the indices it named before."""
        try:
            old = list(self._client.indices.get_alias(name=self._where.alias))
        except NotFoundError:
            old = []
        actions = [{"add": {"index": name, "alias": self._where.alias}}]
        actions += [{"remove": {"index": index, "alias": self._where.alias}} for index in old]
        self._client.indices.update_aliases(body={"actions": actions})
        for index in old:
            self._client.indices.delete(index=index, ignore=[404])
            self._per_index.pop(index, None)

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
    """Word counts in the `exact` terms field of the live index, for the spelling suggestion."""

    def __init__(self, client: OpenSearch, index: str, remembered: RememberedWords) -> None:
        self._client = client
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
        return [r["hits"]["total"]["value"] for r in self._client.msearch(body=lines)["responses"]]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(value: str | None) -> str | None:
    return value.removesuffix("Z").removesuffix(".000") if value else None
