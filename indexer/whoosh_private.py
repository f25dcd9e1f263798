"""Every use of Whoosh's private internals, in one place, so that a Whoosh upgrade breaks here or nowhere.

The array codec, the bulk writer and the per-reader arrays go under Whoosh's public API where it would cost
a call per document or per posting: reading a whole fixed-width column in one slice, writing a segment's
field lengths in one write, flushing a segment without Whoosh's posting pool. Each such reach is a named
function here; `tests/test_whoosh_private.py` checks every attribute it relies on, against the pinned
Whoosh-Reloaded, and fails with the name of what changed.
"""
from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.columns import CompressedBytesColumn, NumericColumn
from whoosh.writing import SegmentWriter

STORED_COLUMN = "_stored"  # W3's column of pickled stored fields


def length_column_name(field: str) -> str:
    """The name of W3's per-document column holding `field`'s one-byte length codes."""
    return _lenfield(field)


def w3_per_document_reader(leaf) -> W3PerDocReader | None:
    """A segment reader's W3 per-document reader (stored fields, lengths, columns), if it has one."""
    perdoc = getattr(leaf, "_perdoc", None)
    return perdoc if isinstance(perdoc, W3PerDocReader) else None


def segment_terms_reader(leaf):
    """A segment reader's terms reader (the codec's, e.g. ArrayTermsReader), or None for another kind of reader."""
    return getattr(leaf, "_terms", None)


def length_codes_column(perdoc: W3PerDocReader, field: str):
    """The column reader of `field`'s length codes, or None when no document of the segment has the field."""
    name = length_column_name(field)
    return perdoc.column_reader(name, LENGTHS_COLUMN) if perdoc.has_column(name) else None


def fixed_width_values(reader, dtype: np.dtype, count: int) -> np.ndarray:
    """A fixed-width column reader's values in one slice: the stored prefix, then its default for the rest."""
    stored = min(reader._count, count)
    values = np.full(count, np.frombuffer(reader._defaultbytes, dtype=dtype)[0], dtype=dtype)
    if stored:
        values[:stored] = np.frombuffer(reader._dbfile.get(reader._basepos, stored * dtype.itemsize), dtype=dtype)
    return values


def storage_buffer(dbfile):
    """The in-memory buffer under a Whoosh storage file (RamStorage, a compound file's mmap slice), or None."""
    return getattr(dbfile, "_buf", None)


def set_stored_fields_compression(perdocwriter, level: int) -> None:
    """Set the zlib level of W3's stored-fields column writer (Whoosh fixes it at 3)."""
    writer = perdocwriter._get_column(STORED_COLUMN)._child
    if not isinstance(writer, CompressedBytesColumn.Writer):
        raise TypeError(f"unexpected stored-fields column writer {writer!r}")
    writer._level = level


def write_length_codes(perdocwriter, field: str, codes: bytes, total: int) -> None:
    """Record a whole segment's length codes of `field` (one byte per document from the first, up to the last
    with a length) and its token total, as W3PerDocWriter.add_field would one document at a time."""
    perdocwriter._fieldlengths[field] += total
    name = length_column_name(field)
    if not perdocwriter._has_column(name):
        perdocwriter._create_column(name, LENGTHS_COLUMN)
    writer = perdocwriter._get_column(name)
    if not isinstance(writer, NumericColumn.Writer) or writer._count or writer._fixedlen != 1:
        raise TypeError(f"unexpected length column writer {writer!r}")
    writer._dbfile.write(codes)  # `finish` pads the documents after the last with the default, 0
    writer._count = len(codes)


def add_column_value_at(perdocwriter, field: str, column, docnum: int, value) -> None:
    """Give document `docnum`, already written, its value in `field`'s column (W3PerDocWriter.add_column_value
    takes the document being written). Column writers take documents in increasing order, so a field's values
    must all come this way, in document order."""
    if not perdocwriter._has_column(field):
        perdocwriter._create_column(field, column)
    perdocwriter._get_column(field).add(docnum, value)


def live_segments(index) -> list:
    """The segments an index's latest TOC names (for removing files that no TOC names)."""
    return index._segments()


class HookedSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the private steps a custom writer needs given public names.

    A subclass keeps its own postings and writes them in `write_segment_files`, which Whoosh calls when it
    flushes the segment (at commit, or from `finalize_segment`).
    """

    def check_open(self) -> None:
        """Raise as Whoosh does if the writer was committed or cancelled."""
        self._check_state()

    def mark_changed(self) -> None:
        """Tell Whoosh this writer added something, so that commit writes a segment."""
        self._added = True

    def write_segment_files(self) -> None:
        raise NotImplementedError

    def _flush_segment(self) -> None:
        self.write_segment_files()

    def finalize_segment(self):
        """Write this writer's segment files and return the segment, without committing a TOC."""
        return self._finalize_segment()
