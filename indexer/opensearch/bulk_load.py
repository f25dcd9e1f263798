"""Bulk writes to the cluster through opensearch-py's `streaming_bulk`, with a retry budget and requests in flight.

The helper sends one chunk and reports every operation's result; what fails for the cluster's sake (429, a
5xx, a lost or timed-out connection) is sent again here, only those operations, with exponential backoff,
until BULK_RETRY_SECONDS after the chunk's first failure. The helper's own retries cover only 429, and the
client's would repeat a hung request four times at a full timeout each, so the client used here tries each
request once, on the next node it knows; a node that fails is marked dead and the nodes are sniffed again.
BULK_IN_FLIGHT chunks are sent at once while the caller analyzes the next ones: analysis is Python's work
and indexing the cluster's, and one waiting for the other halves the rate.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from opensearchpy import OpenSearch, Transport
from opensearchpy.exceptions import TransportError
from opensearchpy.helpers import streaming_bulk

from indexer.errors import IndexUnavailable

BULK_CHUNK = 500
BULK_CHUNK_BYTES = 20 * 1024 * 1024
BULK_IN_FLIGHT = 2
BULK_BACKOFF = 1.0
BULK_MAX_BACKOFF = 15.0
BULK_RETRY_SECONDS = 120.0
# how long the cluster itself waits for a shard's primary (e.g. while a replica is promoted after a node
# loss) before it answers 503 for the item
BULK_SHARD_WAIT = "30s"
REQUEST_TIMEOUT = 60
MIN_TRY_SECONDS = 5.0


def transient(status) -> bool:
    """A status the cluster may answer otherwise later: 429 (busy), any 5xx, or none at all ("N/A")."""
    return status == "N/A" or status == 429 or (isinstance(status, int) and status >= 500)


def reason(result: dict) -> str:
    """What the cluster said about one operation, in a line."""
    error = result.get("error")
    if isinstance(error, dict):
        return f"{error.get('type')}: {error.get('reason')}"
    return str(error or f"status {result.get('status')}")


class BulkLoader:
    """Sends actions to one cluster; `send` yields (action, result) for every action, in order.

    An action is `{"_op_type": "index" (default) or "delete", "_index", "_id", "_source"}`; other keys are
    the caller's own and are not sent. A result that comes back is final: a 2xx, or another 4xx (a document
    the mapping refuses, a delete's 404). IndexUnavailable ends the run when the budget is spent.
    """

    def __init__(self, client: OpenSearch, url: str, transport_class: type[Transport] = Transport) -> None:
        pool = client.transport.connection_pool
        hosts = [connection.host for connection in getattr(pool, "orig_connections", None) or pool.connections]
        self._url = url
        self._dumps = client.transport.serializer.dumps
        self._client = OpenSearch(hosts=hosts or [url], timeout=REQUEST_TIMEOUT, max_retries=0,
                                  retry_on_timeout=False, sniff_on_connection_fail=True, sniffer_timeout=60,
                                  sniff_timeout=5, transport_class=transport_class)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> BulkLoader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, actions: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
        pending: deque[Future] = deque()
        with ThreadPoolExecutor(BULK_IN_FLIGHT, thread_name_prefix="bulk") as pool:
            try:
                for chunk in self._chunks(actions):
                    pending.append(pool.submit(self._send_chunk, chunk))
                    if len(pending) >= BULK_IN_FLIGHT:
                        yield from pending.popleft().result()
                while pending:
                    yield from pending.popleft().result()
            finally:
                for future in pending:  # a failed or abandoned run sends nothing more
                    future.cancel()

    def _chunks(self, actions: Iterable[dict]) -> Iterator[list[tuple[dict, dict, str | None]]]:
        """(action, its header for the helper, its serialized source) in chunks of BULK_CHUNK or
        BULK_CHUNK_BYTES; serialized here, once, so the size is known (the serializer passes strings on)."""
        chunk, size = [], 0
        for action in actions:
            operation = action.get("_op_type", "index")
            header = {operation: {"_index": action["_index"], "_id": action["_id"]}}
            source = None if operation == "delete" else self._dumps(action["_source"])
            chunk.append((action, header, source))
            size += len(source or "") + 100
            if len(chunk) >= BULK_CHUNK or size >= BULK_CHUNK_BYTES:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _send_chunk(self, chunk: list[tuple[dict, dict, str | None]]) -> list[tuple[dict, dict]]:
        results: list[dict | None] = [None] * len(chunk)
        pending = list(range(len(chunk)))
        first_failure = None
        attempt = 0
        last = ""
        while True:
            # each try waits at most what is left of the budget (REQUEST_TIMEOUT before a first failure)
            left = REQUEST_TIMEOUT if first_failure is None else BULK_RETRY_SECONDS - (time.monotonic() - first_failure)
            again = []
            for i, result in zip(pending, self._try([chunk[i] for i in pending], max(MIN_TRY_SECONDS, min(REQUEST_TIMEOUT, left)))):
                if transient(result.get("status", 500)):
                    again.append(i)
                    last = reason(result)
                else:
                    results[i] = result
            pending = again
            if not pending:
                return [(action, result) for (action, _, _), result in zip(chunk, results)]
            now = time.monotonic()
            first_failure = first_failure if first_failure is not None else now
            if now - first_failure >= BULK_RETRY_SECONDS:
                raise IndexUnavailable(
                    f"the OpenSearch cluster at {self._url} did not take {len(pending)} of {len(chunk)} "
                    f"operations of a bulk request in {attempt + 1} tries over {now - first_failure:.0f} s "
                    f"(last error: {last})")
            time.sleep(min(BULK_MAX_BACKOFF, BULK_BACKOFF * 2 ** attempt))
            attempt += 1

    def _try(self, items: list[tuple[dict, dict, str | None]], timeout: float) -> list[dict]:
        """One `_bulk` request through the helper; the result of each item, in order. A failed request is
        each item's result (its status "N/A" for no answer, else the HTTP status); one that no retry can
        help (a 4xx of the whole request, such as a missing index or no permission) is raised."""
        results = []
        for _, item in streaming_bulk(self._client, ((header, source) for _, header, source in items),
                                      chunk_size=len(items), max_chunk_bytes=2 ** 62,
                                      expand_action_callback=lambda pair: pair, raise_on_error=False,
                                      raise_on_exception=False, timeout=BULK_SHARD_WAIT, request_timeout=timeout):
            result = next(iter(item.values()))
            error = result.get("exception")
            if isinstance(error, TransportError) and not transient(result.get("status")):
                raise error
            results.append(result)
        return results
