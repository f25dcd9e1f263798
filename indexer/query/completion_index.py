"""The embedded engine's CompletionTable: the `exact` field's terms and counts from the reader, forms and pairs
from the side files the bulk writer left beside the segments (`indexer.storage.completion_files`).

Counts come from the live reader, so `add` and `delete` change them; forms and pairs are those of the last
full rebuild (a segment written by `add` has no side file, and its new words are shown normalized).
"""
from __future__ import annotations

from indexer.query.complete import CompletionTable, merge_forms, merge_pairs
from indexer.storage.completion_files import read_side_files
from indexer.storage.schema import EXACT_FIELD


def open_completion_table(reader, analyzer) -> CompletionTable:
    """Build the table of one reader (once per reader: the engine keeps it in the reader's ReaderArrays)."""
    vocabulary: dict[str, int] = {}
    storages = {}
    for leaf, _ in reader.leaf_readers():
        storages[id(leaf.storage())] = leaf.storage()
        if EXACT_FIELD not in leaf.indexed_field_names():
            continue
        for term, info in leaf.iter_field(EXACT_FIELD):
            term = term.decode("utf-8")
            vocabulary[term] = vocabulary.get(term, 0) + info.doc_frequency()
    tables = [table for storage in storages.values() for table in read_side_files(storage)]
    forms = merge_forms(table["forms"] for table in tables)
    pairs = merge_pairs(row for table in tables for row in table["pairs"])
    return CompletionTable(vocabulary, forms, pairs, analyzer)
