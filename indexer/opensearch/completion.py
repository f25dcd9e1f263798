"""Search as you type on the cluster: the completion table of each index, counted while a reindex loads it and
kept in the side index `.arabic-search-completion`, one document per concrete index.

The cluster cannot list a text field's terms with their document counts without fielddata, and it never
sees the words as written (it holds our normalized terms), so the table is counted in Python from the
articles as they are loaded, with the same analysis and the same rules as the embedded engine's bulk writer
(`indexer.build.completion_table`, `indexer.storage.completion_files`), and `indexer.query.complete` answers from it exactly as it does there.
The table is that of the last reindex: `add` and `delete` do not change it.
"""
from __future__ import annotations

import base64
import json
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from indexer.storage.completion_files import FORMS_KEPT, MIN_PAIR_COUNT
from indexer.ingest.article import Article
from indexer.query.complete import CompletionTable, merge_forms, merge_pairs
from indexer.storage.schema import EXACT_FIELD, document_fields

COMPLETION_INDEX = ".arabic-search-completion"
_SIDE_INDEX_BODY = {"settings": {"index": {"number_of_shards": 1, "auto_expand_replicas": "0-2"}},
                    "mappings": {"dynamic": False, "properties": {"table": {"type": "binary"}}}}


class CompletionCounts:
    """Counts of the `exact` field of the articles loaded: documents per term, written forms, adjacent pairs."""

    def __init__(self, analyzer) -> None:
        self._analyzer = analyzer  # the `exact` field's analyzer (normalize only)
        self.vocabulary: Counter = Counter()
        self._forms: Counter = Counter()
        self._pairs: Counter = Counter()

    def watch(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Pass `articles` through, counting each one as it goes by."""
        for article in articles:
            self.count(article)
            yield article

    def count(self, article: Article) -> None:
        text = document_fields(article).get(EXACT_FIELD) or ""
        tokens = [(token.text, text[token.startchar:token.endchar])
                  for token in self._analyzer(text, chars=True, mode="index")]
        self.vocabulary.update({term for term, _ in tokens})
        self._forms.update(tokens)
        self._pairs.update(zip((term for term, _ in tokens), (term for term, _ in tokens[1:])))

    def table(self) -> dict:
        """The side table in the embedded engine's format, with the vocabulary's counts beside it."""
        variants: dict[str, list] = {}
        for (term, form), count in self._forms.items():
            variants.setdefault(term, []).append([form, count])
        forms = {term: sorted(counted, key=lambda item: (-item[1], item[0]))[:FORMS_KEPT]
                 for term, counted in variants.items() if any(form != term for form, _ in counted)}
        pairs = [[first, second, count] for (first, second), count in self._pairs.items() if count >= MIN_PAIR_COUNT]
        return {"vocabulary": dict(self.vocabulary), "forms": forms, "pairs": pairs}


def store_table(client: OpenSearch, index: str, counts: CompletionCounts) -> None:
    """Keep the counted table of `index` in the side index (created on first use)."""
    if not client.indices.exists(index=COMPLETION_INDEX):
        client.indices.create(index=COMPLETION_INDEX, body=_SIDE_INDEX_BODY, ignore=[400])
    packed = base64.b64encode(zlib.compress(json.dumps(counts.table(), ensure_ascii=False).encode("utf-8"), 6))
    client.index(index=COMPLETION_INDEX, id=index, body={"table": packed.decode("ascii")}, refresh=True)


def remove_table(client: OpenSearch, index: str) -> None:
    """Forget the table of an index that is gone (best effort: a leftover table is a small document)."""
    client.delete(index=COMPLETION_INDEX, id=index, ignore=[404])


class ClusterCompletions:
    """The CompletionTable of each concrete index, fetched once and kept while the alias names that index."""

    def __init__(self) -> None:
        self._tables: dict[str, CompletionTable] = {}
        self._lock = threading.Lock()

    def table(self, client: OpenSearch, index: str, analyzer) -> CompletionTable:
        table = self._tables.get(index)
        if table is None:
            table = _fetch_table(client, index, analyzer)
            with self._lock:
                self._tables = {index: table}  # the alias names one index: the old one's table goes
        return table


def _fetch_table(client: OpenSearch, index: str, analyzer) -> CompletionTable:
    """The stored table of `index`; an index loaded before completion existed has an empty one."""
    try:
        packed = client.get(index=COMPLETION_INDEX, id=index)["_source"]["table"]
    except NotFoundError:
        return CompletionTable({}, {}, {}, analyzer)
    table = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
    return CompletionTable(table["vocabulary"], merge_forms([table["forms"]]),
                           merge_pairs(table["pairs"]), analyzer)
