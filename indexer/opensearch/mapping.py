"""What an index of the cluster engine holds: the stored article, our analyzed terms per field, lengths.

The term fields are whitespace-tokenized strings of the terms our analyzer produced, in order, so the
cluster's positions are ours and phrases match as in the embedded engine. Scoring happens in Python
(`ranking`); the per-field BM25 similarities only pick the candidates, with the same b as our BM25F.
"""
from __future__ import annotations

from indexer.query.scoring import EXACT_PARAMS, K1, TEXT_FIELDS
from indexer.storage.schema import EXACT_FIELD

# our field -> the cluster field of its analyzed terms
TERM_FIELDS = {name: f"{name}_terms" for name in (*TEXT_FIELDS, EXACT_FIELD)}
PHRASE_TERM_FIELDS = (TERM_FIELDS["title"], TERM_FIELDS["body"])
KEY_SUFFIX = "_key"  # the casefolded keyword of a facet field, for case-insensitive filters
SHARDS = 2
REPLICAS = 1
MAX_TERM_CHARS = 8000  # longer than any term we make; the whitespace tokenizer would split longer ones


def _field_b(name: str) -> float:
    return TEXT_FIELDS[name].b if name in TEXT_FIELDS else EXACT_PARAMS.b


def index_body(analyzer: str, shards: int = SHARDS, replicas: int = REPLICAS) -> dict:
    """Settings and mappings of a new index whose terms were made by our analyzer `analyzer`."""
    similarities = {f"bm25_{name}": {"type": "BM25", "k1": K1, "b": _field_b(name)} for name in TERM_FIELDS}
    term_fields = {
        field: {"type": "text", "analyzer": "our_terms", "similarity": f"bm25_{name}"}
        for name, field in TERM_FIELDS.items()
    }
    keyword = {"type": "keyword"}
    return {
        "settings": {
            "index": {"number_of_shards": shards, "number_of_replicas": replicas, "max_result_window": 1000,
                      "similarity": similarities},
            "analysis": {
                "tokenizer": {"our_whitespace": {"type": "whitespace", "max_token_length": MAX_TERM_CHARS}},
                "analyzer": {"our_terms": {"type": "custom", "tokenizer": "our_whitespace"}},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"analyzer": analyzer},
            "properties": {
                "id": keyword,
                "title": {"type": "text", "index": False},
                "body": {"type": "text", "index": False},
                "source": keyword,
                "category": keyword,
                f"source{KEY_SUFFIX}": keyword,
                f"category{KEY_SUFFIX}": keyword,
                "published": {"type": "date"},
                "url": {"type": "keyword", "index": False},
                "author": {"type": "keyword", "index": False},
                "body_digest": keyword,
                "seq": {"type": "long"},
                "lengths": {"properties": {name: {"type": "integer"} for name in TERM_FIELDS}},
                **term_fields,
            },
        },
    }
