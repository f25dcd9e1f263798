"""What an index of the cluster engine holds: the stored article, our analyzed terms per field, lengths.

The term fields are whitespace-tokenized strings of the terms our analyzer produced, in order, so the
cluster's positions are ours and phrases match as in the embedded engine. Each term field scores a match
as BM25F's per-field part, boost·tf / (1 - b + b·length/average length) (a scripted similarity), so that a
query can saturate a term's sum over the fields once, as BM25F does (see `ranking`).
"""
from __future__ import annotations

from indexer.query.scoring import EXACT_PARAMS, TEXT_FIELDS
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


def _pseudo_tf_similarity(b: float) -> dict:
    """A match's length-normalized, weighted frequency in one field: what BM25F sums before saturating."""
    source = (f"double average = (double) field.sumTotalTermFreq / Math.max(1L, field.docCount); "
              f"double norm = 1.0 - {b} + {b} * doc.length / Math.max(average, 1.0); "
              f"return query.boost * doc.freq / (norm > 0 ? norm : 1.0);")
    return {"type": "scripted", "script": {"source": source}}


def index_body(analyzer: str, shards: int = SHARDS, replicas: int = REPLICAS) -> dict:
    """Settings and mappings of a new index whose terms were made by our analyzer `analyzer`."""
    similarities = {f"pseudo_tf_{name}": _pseudo_tf_similarity(_field_b(name)) for name in TERM_FIELDS}
    # only the phrase fields need positions; the others are scored by frequency alone
    term_fields = {
        field: {"type": "text", "analyzer": "our_terms", "similarity": f"pseudo_tf_{name}",
                **({} if field in PHRASE_TERM_FIELDS else {"index_options": "freqs"})}
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
                "spelling_keys": keyword,  # see opensearch/spellings.py
                "story": keyword,  # indexer.stories: the story id as the API shows it
                "story_bands": keyword,  # its LSH band keys, which `add` looks candidates up by
                **term_fields,
            },
        },
    }
