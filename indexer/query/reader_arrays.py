"""The arrays of one open Whoosh reader: live documents, field-length norms, facet values and postings.

Whoosh stays the index of record; these arrays copy what ranking needs, once per reader, so that scoring a
query is a few vectorized operations instead of a Python loop over every posting. Whoever opens a reader
builds its ReaderArrays and hands them down with each request (the engine keeps both together).
Postings come from `segment_postings` (zero-copy views for array-codec segments); per-term score vectors,
and postings that had to be walked through another codec, are kept in a bounded LRU cache because word
frequencies are Zipfian.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

from indexer.query.segment_postings import EMPTY_DOCNUMS, EMPTY_WEIGHTS, segment_posting_arrays
from indexer.storage.schema import STORY_FIELD, SUMMARY_FIELD, read_summary
from indexer.whoosh_private import fixed_width_values, length_codes_column, w3_per_document_reader

POSTINGS_CACHE_ENTRIES = 16_000_000  # postings and score entries held per reader (at most ~130 MB of arrays)
CACHE_KEYS = 300_000  # terms remembered per reader, views included

class ReaderArrays:
    """Everything ranking reads, as arrays indexed by Whoosh document number; valid while `reader` is open."""

    def __init__(self, reader):
        self.reader = reader
        self.size = reader.doc_count_all()  # docnums run 0..size-1, deleted ones included
        self.live = _live_mask(reader, self.size)
        self._leaves = [(leaf, offset, leaf.has_deletions()) for leaf, offset in reader.leaf_readers()]
        self.doc_count = int(self.live.sum())
        self._lengths: dict[str, np.ndarray] = {}
        self._norms: dict[tuple[str, float], np.ndarray] = {}
        self._keyword_masks: dict[str, dict[str, np.ndarray]] = {}
        self._published: np.ndarray | None = None
        self._doc_ids: dict[int, str] = {}
        self._shared: dict[str, object] = {}
        self._cache: OrderedDict = OrderedDict()
        self._cached_postings = 0
        self._lock = threading.Lock()

    def shared(self, key: str, factory):
        """A per-reader object built once by `factory` (e.g. the highlighter's memoized analyzer)."""
        with self._lock:
            value = self._shared.get(key)
            if value is None:
                value = self._shared[key] = factory()
            return value

    def vocabulary(self, field: str) -> dict[str, int]:
        """Every term of `field` with the number of documents holding it (deleted ones may still count, as
        in Whoosh's own document frequencies); for the spelling variants, built once per reader."""
        if field not in self.reader.schema:
            return {}
        return {(term.decode("utf-8") if isinstance(term, bytes) else term): info.doc_frequency()
                for term, info in self.reader.iter_field(field)}

    def doc_id(self, docnum: int) -> str:
        """The `id` of a document number (memoized: eval and the stories ask for the same documents often)."""
        doc_id = self._doc_ids.get(docnum)
        if doc_id is None:
            doc_id = self._doc_ids[docnum] = self.summary(docnum).get("id", "")
        return doc_id

    def summary(self, docnum: int) -> dict:
        """The stored fields a result shows about a document (SUMMARY_KEYS), from the summary column; an index
        built before it had one gives all its stored fields."""
        column = self.shared("summary:column", self._summary_column)[0]
        if column is None:
            return self.reader.stored_fields(docnum)
        return read_summary(column[docnum])

    def _summary_column(self) -> tuple:
        reader = self.reader
        present = SUMMARY_FIELD in reader.schema and reader.has_column(SUMMARY_FIELD)
        return (reader.column_reader(SUMMARY_FIELD, translate=False) if present else None,)

    # --- lengths ---------------------------------------------------------------------------------

    def lengths(self, field: str) -> np.ndarray:
        """Per-document token counts of `field` (Whoosh stores them rounded to one byte, as Lucene does)."""
        lengths = self._lengths.get(field)
        if lengths is None:
            lengths = np.zeros(self.size, dtype=np.float32)
            if field in self.reader.schema and self.reader.schema[field].scorable:
                for leaf, offset, _ in self._leaves:
                    lengths[offset:offset + leaf.doc_count_all()] = _leaf_lengths(leaf, field)
                lengths[~self.live] = 0
            self._lengths[field] = lengths
        return lengths

    def average_length(self, field: str) -> float:
        total = float(self.lengths(field)[self.live].sum())
        return total / self.doc_count if self.doc_count else 0.0

    def length_norms(self, field: str, b: float) -> np.ndarray:
        """BM25's length normalization 1 - b + b·len/avglen per document (1.0 where the field is empty)."""
        key = (field, b)
        norms = self._norms.get(key)
        if norms is None:
            average = self.average_length(field) or 1.0
            norms = (1.0 - b + b * self.lengths(field) / average).astype(np.float32)
            norms[norms <= 0] = 1.0
            self._norms[key] = norms
        return norms

    # --- postings --------------------------------------------------------------------------------

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, term frequencies) of `term` in `field`, live documents only, remembered (LRU).

        Even zero-copy postings are worth remembering: finding a term through Whoosh costs more than the
        cache lookup. Views of the index's own arrays take no memory, so only copies count against the cap.
        """
        key = (field, term)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        value = self._read_postings(field, term)
        self._remember(key, value)
        return value

    def shared_term(self, key: tuple, compute) -> tuple[np.ndarray, np.ndarray]:
        """A per-term array pair derived from postings (e.g. a term's score vector), cached like postings."""
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        value = compute()
        self._remember(key, value)
        return value

    def _remember(self, key: tuple, value: tuple[np.ndarray, np.ndarray]) -> None:
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = value
            self._cached_postings += _held_entries(value)
            while (self._cached_postings > POSTINGS_CACHE_ENTRIES or len(self._cache) > CACHE_KEYS) \
                    and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cached_postings -= _held_entries(old)

    def doc_frequency(self, field: str, term: str) -> int:
        return len(self.postings(field, term)[0])

    def _read_postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The live postings of every segment (views of the index's arrays where no copy is needed)."""
        if field not in self.reader.schema:
            return EMPTY_DOCNUMS, EMPTY_WEIGHTS
        try:
            tbytes = term if isinstance(term, bytes) else self.reader.schema[field].to_bytes(term)
        except Exception:  # noqa: BLE001 - a value the field cannot encode matches nothing (as in segment_matcher)
            return EMPTY_DOCNUMS, EMPTY_WEIGHTS
        parts = []  # (offset, segment-local docnums, term frequencies) of each segment holding the term
        for leaf, offset, deletions in self._leaves:
            found = segment_posting_arrays(leaf, field, term, tbytes)
            if found is None:
                continue
            ids, tfs = found
            if deletions:
                keep = self.live[ids + np.int32(offset)]
                ids, tfs = ids[keep], tfs[keep]
            parts.append((offset, ids, tfs))
        if not parts:
            return EMPTY_DOCNUMS, EMPTY_WEIGHTS
        if len(parts) == 1:
            offset, ids, tfs = parts[0]
            return (ids + np.int32(offset) if offset else ids), tfs
        # one copy into arrays of the final size: shifting each segment's docnums and then concatenating
        # copied every posting twice (a large index has a segment per DOCS_PER_SEGMENT articles)
        total = sum(len(ids) for _, ids, _ in parts)
        all_ids, all_tfs = np.empty(total, dtype=np.int32), np.empty(total, dtype=np.float32)
        at = 0
        for offset, ids, tfs in parts:
            end = at + len(ids)
            np.add(ids, np.int32(offset), out=all_ids[at:end])
            all_tfs[at:end] = tfs
            at = end
        return all_ids, all_tfs

    # --- keyword facets and filters --------------------------------------------------------------

    def keyword_masks(self, field: str) -> dict[str, np.ndarray]:
        """For a keyword field (source, category): value -> boolean mask of the live documents having it."""
        masks = self._keyword_masks.get(field)
        if masks is None:
            masks = {}
            if field in self.reader.schema:
                for raw in self.reader.lexicon(field):
                    value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                    mask = np.zeros(self.size, dtype=bool)
                    mask[self.postings(field, value)[0]] = True
                    masks[value] = mask
            self._keyword_masks[field] = masks
        return masks

    def published(self) -> np.ndarray:
        """Publication time per document as int64 microseconds since 0001-01-01; missing dates are -1."""
        if self._published is None:
            values = np.full(self.size, -1, dtype=np.int64)
            if self.reader.has_column("published"):
                for leaf, offset, _ in self._leaves:
                    raw = _leaf_column(leaf, "published", np.dtype(">u8"))
                    present = raw != np.iinfo(np.uint64).max  # Whoosh's "no value" for a datetime column
                    values[offset:offset + len(raw)][present] = raw[present].astype(np.int64)
            self._published = values
        return self._published

    def stories(self) -> np.ndarray:
        """The story id of each document (int64); a document indexed without one is a story of its own,
        numbered -(docnum + 1), so that it never groups with another."""
        def column():
            values = -np.arange(1, self.size + 1, dtype=np.int64)
            if self.reader.has_column(STORY_FIELD):
                for leaf, offset, _ in self._leaves:
                    raw = _leaf_column(leaf, STORY_FIELD, np.dtype(">u8"))
                    present = raw != np.iinfo(np.uint64).max  # the column's "no value"
                    values[offset:offset + len(raw)][present] = raw[present].astype(np.int64)
            return (values,)
        return self.shared("stories", column)[0]

    def story_members(self, story: int) -> np.ndarray:
        """The live documents of one story, in document order."""
        stories = self.stories()  # before `shared` below, whose lock is not reentrant

        def index():
            live = np.flatnonzero(self.live)
            order = np.argsort(stories[live], kind="stable")
            return live[order], stories[live][order]
        docnums, sorted_stories = self.shared("stories:sorted", index)
        start = np.searchsorted(sorted_stories, story, side="left")
        end = np.searchsorted(sorted_stories, story, side="right")
        return docnums[start:end]

    def distinct_stories(self, docnums: np.ndarray) -> int:
        """How many stories the documents `docnums` belong to: a scatter into the reader's dense story numbers
        (built once), where counting the distinct ids of every match hashed them per query."""
        stories = self.stories()  # before `shared` below, whose lock is not reentrant

        def dense():
            distinct, numbers = np.unique(stories, return_inverse=True)
            return numbers.astype(np.int32), len(distinct)
        numbers, count = self.shared("stories:dense", dense)
        seen = np.zeros(count, dtype=bool)
        seen[numbers[docnums]] = True
        return int(np.count_nonzero(seen))

    def newest_published(self) -> int | None:
        """The newest live article's publication time (as `published`), or None when none is dated: the
        reference freshness counts ages back from, the same for every query on this reader."""
        def newest():
            dated = self.published()[self.live]
            dated = dated[dated >= 0]
            return (int(dated.max()) if len(dated) else None,)
        return self.shared("published:newest", newest)[0]


def _held_entries(value: tuple[np.ndarray, np.ndarray]) -> int:
    """Entries a cached pair keeps in memory: none for views of the index's own (memory-mapped) arrays."""
    return len(value[0]) if any(array.flags.owndata for array in value) else 0


def _live_mask(reader, size: int) -> np.ndarray:
    """True for every document number that is not deleted; only segments with deletions are walked."""
    live = np.ones(size, dtype=bool)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_deletions():
            count = leaf.doc_count_all()
            live[offset:offset + count] = False
            live[np.fromiter(leaf.all_doc_ids(), dtype=np.int64) + offset] = True
    return live


def _leaf_lengths(leaf, field: str) -> np.ndarray:
    """One segment's token counts of `field`, decoded from the length bytes Whoosh keeps per document.

    W3 (and ArrayCodec, which reuses its per-document storage) keeps one byte per document in a fixed-width
    column; reading that column in one slice replaces a `doc_field_length` call per document.
    """
    count = leaf.doc_count_all()
    codes = _length_bytes(leaf, field, count)
    if codes is None:  # another codec: ask document by document
        return np.array([leaf.doc_field_length(docnum, field, 0) or 0 for docnum in range(count)], dtype=np.float32)
    return _BYTE_LENGTHS[codes]


def _length_bytes(leaf, field: str, count: int) -> np.ndarray | None:
    perdoc = w3_per_document_reader(leaf)
    if perdoc is None:
        return None
    column = length_codes_column(perdoc, field)
    if column is None:
        return np.zeros(count, dtype=np.uint8)
    return fixed_width_values(column, np.dtype(np.uint8), count)


def _leaf_column(leaf, field: str, dtype: np.dtype) -> np.ndarray:
    """A fixed-width numeric column of one segment as an array (W3's bytes in one slice where possible)."""
    count = leaf.doc_count_all()
    reader = leaf.column_reader(field, translate=False)
    if isinstance(reader, NumericColumn.Reader):
        return fixed_width_values(reader, dtype, count)
    return np.fromiter(reader, dtype=dtype.newbyteorder("="), count=count)


_BYTE_LENGTHS = np.array([byte_to_length(code) for code in range(256)], dtype=np.float32)
