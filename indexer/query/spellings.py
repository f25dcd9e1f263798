"""The spelling variants an index offers at query time: the shipped table and the index's own vocabulary.

Both engines build a VariantFinder from the vocabulary they hold (term -> documents): the embedded engine
once per reader over its whole body vocabulary, the cluster engine per query over the terms that can
matter (see opensearch/spellings.py). So a name first seen this morning finds its other spellings as soon
as the index holds them. The shipped table and reference counts are read once per process.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from analyzers.spelling_variants import VariantFinder, load_reference_counts, load_variant_groups
from indexer.query.expansion import Spellings


@lru_cache(maxsize=1)
def shipped_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(load_variant_groups())


@lru_cache(maxsize=1)
def shipped_reference() -> dict[str, int]:
    return load_reference_counts()


def table_spellings(term: str) -> tuple[str, ...]:
    """The other members of `term`'s groups in the shipped table (whatever the index holds)."""
    return _table().get(term, ())


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in shipped_groups():
        for term in group:
            table[term] = tuple(dict.fromkeys((*table.get(term, ()), *(t for t in group if t != term))))
    return table


def spellings_of(vocabulary: Mapping[str, int], doc_count: int) -> Spellings:
    return VariantFinder(vocabulary, doc_count, groups=shipped_groups(), reference=shipped_reference())
