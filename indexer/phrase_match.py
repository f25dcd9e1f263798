"""Word positions of candidate documents, read from Whoosh, to tell which hold a quoted phrase exactly.

Only the best candidates are checked, so an optional phrase costs a few posting skips, not a full
phrase query over the collection.
"""
from __future__ import annotations

import numpy as np


def term_positions(reader, field: str, term: str, docnums: np.ndarray) -> dict[int, np.ndarray]:
    """Positions of `term` in `field` for each of the (sorted) `docnums` that contain it."""
    found: dict[int, np.ndarray] = {}
    for leaf, offset in reader.leaf_readers():
        local = docnums[(docnums >= offset) & (docnums < offset + leaf.doc_count_all())] - offset
        if not len(local) or (field, term) not in leaf:
            continue
        matcher = leaf.postings(field, term)
        if not matcher.supports("positions"):
            return {}
        read = _block_positions if hasattr(matcher, "_read_data") else _skip_positions
        for docnum, positions in read(matcher, local):
            found[docnum + offset] = positions
    return found


def _block_positions(matcher, wanted: np.ndarray):
    """Whoosh 3 blocks: skip whole blocks by their max id, decode only the wanted postings' positions."""
    decode = matcher.format.decoder("positions")
    i = 0
    while matcher.is_active() and i < len(wanted):
        if matcher._maxid < wanted[i]:
            matcher._next_block()
            continue
        matcher._read_data()
        raw_ids = np.asarray(matcher._data[0], dtype=np.int64)
        ids = raw_ids if matcher._byteids else np.cumsum(raw_ids)
        values = matcher._data[2]
        end = int(np.searchsorted(wanted, matcher._maxid, side="right"))
        in_block = wanted[i:end]
        slots = np.searchsorted(ids, in_block)
        for docnum, slot in zip(in_block.tolist(), slots.tolist()):
            if slot < len(ids) and ids[slot] == docnum:
                yield docnum, np.asarray(decode(values[slot]), dtype=np.int64)
        i = end
        matcher._next_block()


def _skip_positions(matcher, wanted: np.ndarray):
    for docnum in wanted.tolist():
        if not matcher.is_active():
            return
        matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            yield docnum, np.asarray(matcher.value_as("positions"), dtype=np.int64)


def phrase_hits(reader, field: str, terms: list[str], docnums: np.ndarray) -> np.ndarray:
    """For each of `docnums`, whether `terms` occur at consecutive positions of `field`."""
    hits = np.zeros(len(docnums), dtype=bool)
    if not terms or not len(docnums):
        return hits
    sorted_docs = np.sort(docnums)
    positions = [term_positions(reader, field, term, sorted_docs) for term in dict.fromkeys(terms)]
    by_term = dict(zip(dict.fromkeys(terms), positions))
    for i, docnum in enumerate(docnums.tolist()):
        starts = None
        for offset, term in enumerate(terms):
            found = by_term[term].get(docnum)
            if found is None:
                starts = None
                break
            shifted = set((found - offset).tolist())
            starts = shifted if starts is None else starts & shifted
            if not starts:
                break
        hits[i] = bool(starts)
    return hits
