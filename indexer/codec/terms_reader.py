"""The array codec's terms reader: Whoosh's lexicon, term info and matcher API over one segment's array file.

Terms are kept as one byte blob per field with their offsets; a lookup is a compiled binary search over the
mapped blob (`sorted_terms`), so neither opening a segment nor the first query on a big field builds a term
list or dict.
"""
from __future__ import annotations

from functools import cached_property

from whoosh.codec import base
from whoosh.reading import TermInfo, TermNotFound

from indexer.codec.file import open_array_file
from indexer.codec.matcher import ArrayMatcher, TermArrays
from indexer.codec.postings import CODE_LENGTHS, POSITIONS
from indexer.codec.sorted_terms import SortedTerms

# byte code -> field length as Python ints (Whoosh's byte_to_length)
LENGTHS_BY_CODE = CODE_LENGTHS.tolist()

ITERATION_CHUNK = 4096  # offsets converted to Python ints at a time when walking the terms in order


class FieldTable:
    """One field of one segment: its sorted terms, their statistics and their posting arrays."""

    def __init__(self, kind: str, arrays: dict) -> None:
        self.kind = kind
        self.arrays = arrays
        self.count = len(arrays["term_starts"]) - 1
        # the same arrays as memoryviews: indexing one gives a Python int or float, 3x faster than numpy
        self._items = {name: memoryview(array) for name, array in arrays.items()}
        self._offsets = self._items["term_offsets"]
        # files written before the terms index existed end every term with a separator byte
        self._trailing = len(arrays.get("term_separator", ()))
        self._sorted = SortedTerms(arrays["term_bytes"], arrays["term_offsets"], self.count, self._trailing)

    @cached_property
    def _blob(self) -> bytes:
        return self.arrays["term_bytes"].tobytes()

    def term(self, i: int) -> bytes:
        offsets = self._offsets
        return self._blob[offsets[i]:offsets[i + 1] - self._trailing]

    def terms_from(self, first: int):
        """The terms from index `first` on, in order."""
        blob, trailing, offsets = self._blob, self._trailing, self.arrays["term_offsets"]
        for start in range(first, self.count, ITERATION_CHUNK):
            chunk = offsets[start:min(start + ITERATION_CHUNK, self.count) + 1].tolist()
            yield from (blob[a:b - trailing] for a, b in zip(chunk, chunk[1:]))

    def lower_bound(self, tbytes: bytes) -> int:
        """Index of the first term >= tbytes."""
        return self._sorted.lower_bound(tbytes)

    def find(self, tbytes: bytes) -> int | None:
        """Index of `tbytes`, or None."""
        i = self._sorted.find(tbytes)
        return None if i < 0 else i

    def term_weight(self, i: int) -> float:
        return self._items["term_weight"][i]

    def doc_frequency(self, i: int) -> int:
        starts = self._items["term_starts"]
        return starts[i + 1] - starts[i]

    def term_info(self, i: int) -> TermInfo:
        """The statistics W3TermInfo.from_bytes would give for term i."""
        items = self._items
        start, end = items["term_starts"][i], items["term_starts"][i + 1]
        return TermInfo(
            weight=items["term_weight"][i],
            df=end - start,
            minlength=LENGTHS_BY_CODE[items["term_min_length"][i]],
            maxlength=LENGTHS_BY_CODE[items["term_max_length"][i]],
            maxweight=items["term_max_weight"][i],
            minid=items["docnums"][start],
            maxid=items["docnums"][end - 1],
        )

    def posting_arrays(self, i: int) -> tuple:
        """(docnums, weights) of term i: read-only views, the two arrays vectorized ranking reads."""
        starts, arrays = self._items["term_starts"], self.arrays
        start, end = starts[i], starts[i + 1]
        return arrays["docnums"][start:end], arrays["weights"][start:end]

    def term_arrays(self, i: int) -> TermArrays:
        a, items = self.arrays, self._items
        start, end = items["term_starts"][i], items["term_starts"][i + 1]
        first_block, end_block = items["block_term_starts"][i], items["block_term_starts"][i + 1]
        positions = None
        if self.kind == POSITIONS:
            positions = a["positions"][items["position_term_starts"][i]:items["position_term_starts"][i + 1]]
        return TermArrays(
            self.kind, a["docnums"][start:end], a["weights"][start:end], a["freqs"][start:end], positions,
            a["block_max_weight"][first_block:end_block], a["block_min_length"][first_block:end_block],
            a["block_max_length"][first_block:end_block],
        )


class ArrayTermsReader(base.TermsReader):
    """Whoosh's TermsReader over one segment's array file; a field's arrays are mapped on its first use."""

    def __init__(self, storage, filename: str) -> None:
        self._file = open_array_file(storage, filename)
        self._fieldnames = sorted(self._file.fields)  # Whoosh lists fields in name order, as W3 writes them
        self._tables: dict[str, FieldTable] = {}

    def _table(self, fieldname: str) -> FieldTable | None:
        table = self._tables.get(fieldname)
        if table is None and fieldname in self._file.fields:
            table = self._tables[fieldname] = FieldTable(self._file.kind(fieldname), self._file.arrays(fieldname))
        return table

    def _lookup(self, fieldname: str, tbytes: bytes) -> tuple[FieldTable | None, int | None]:
        """(the field's table, the term's index in it); None for what the segment lacks."""
        table = self._table(fieldname)
        return table, None if table is None else table.find(tbytes)

    def _find(self, fieldname: str, tbytes: bytes) -> tuple[FieldTable, int]:
        table, i = self._lookup(fieldname, tbytes)
        if i is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return table, i

    def __contains__(self, term) -> bool:
        return self._lookup(*term)[1] is not None

    def indexed_field_names(self):
        return list(self._fieldnames)

    def cursor(self, fieldname, fieldobj):
        table = self._table(fieldname)
        return base.EmptyCursor() if table is None else ArrayFieldCursor(table, fieldobj)

    def _items_from(self, fieldname: str | None, prefix: bytes):
        """(fieldname, table, term index, term) from `prefix` in `fieldname` through every later field, the
        order of W3's term index (its key is field number + term)."""
        if fieldname is None:
            first, start = 0, 0
        elif fieldname in self._file.fields:
            first = self._fieldnames.index(fieldname)
            start = self._table(fieldname).lower_bound(prefix)
        else:
            return
        for name in self._fieldnames[first:]:
            table = self._table(name)
            yield from ((name, table, i, term) for i, term in enumerate(table.terms_from(start), start))
            start = 0

    def terms(self):
        return ((name, term) for name, _, _, term in self._items_from(None, b""))

    def terms_from(self, fieldname, prefix):
        return ((name, term) for name, _, _, term in self._items_from(fieldname, prefix))

    def items(self):
        return (((name, term), table.term_info(i)) for name, table, i, term in self._items_from(None, b""))

    def items_from(self, fieldname, prefix):
        return (((name, term), table.term_info(i)) for name, table, i, term in self._items_from(fieldname, prefix))

    def term_info(self, fieldname, tbytes):
        table, i = self._find(fieldname, tbytes)
        return table.term_info(i)

    def frequency(self, fieldname, tbytes):
        try:
            table, i = self._find(fieldname, tbytes)
        except TermNotFound:
            raise KeyError((fieldname, tbytes)) from None  # SegmentReader answers 0 on KeyError
        return table.term_weight(i)

    def doc_frequency(self, fieldname, tbytes):
        try:
            table, i = self._find(fieldname, tbytes)
        except TermNotFound:
            raise KeyError((fieldname, tbytes)) from None
        return table.doc_frequency(i)

    def posting_arrays(self, fieldname: str, tbytes: bytes) -> tuple | None:
        """(docnums, weights) of a term, or None when the segment lacks it: what a matcher's
        `posting_arrays()` gives, without building the matcher (a query reads a term from every segment)."""
        table, i = self._lookup(fieldname, tbytes)
        return None if i is None else table.posting_arrays(i)

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        table, i = self._find(fieldname, tbytes)
        return ArrayMatcher(table.term_arrays(i), format_, term=(fieldname, tbytes), scorer=scorer)

    def close(self):
        self._tables.clear()
        self._file.close()


class ArrayFieldCursor(base.FieldCursor):
    """Walks one field's sorted terms (W3FieldCursor semantics: starts on the first term)."""

    def __init__(self, table: FieldTable, fieldobj) -> None:
        self._table = table
        self._fieldobj = fieldobj
        self._i = 0

    def first(self):
        self._i = 0
        return self.text()

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._i = self._table.lower_bound(term)
        return self.text()

    def next(self):
        if self.is_valid():
            self._i += 1
        return self.text()

    def text(self):
        return self._fieldobj.from_bytes(self._table.term(self._i)) if self.is_valid() else None

    def term_info(self):
        return self._table.term_info(self._i) if self.is_valid() else None

    def is_valid(self) -> bool:
        return self._i < self._table.count
