"""The array codec's field writer: a whole field at once (`write_field`), or Whoosh's per-posting calls.

Whoosh's stock `SegmentWriter` (adds, merges, optimize) drives the per-posting calls
(start_field/start_term/add/finish_term/finish_field); they only buffer the field in flat arrays, and
`finish_field` hands it to the same vectorized path as `write_field`.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh import formats
from whoosh.codec import base
from whoosh.system import unpack_uint

from indexer.codec.file import ArrayFileWriter
from indexer.codec.postings import (EXISTENCE, F4, FREQUENCY, I4, I8, POSITIONS, U1, FieldPostings, boosted_weights,
                                    check_postings, field_arrays, length_codes)

# exact format class -> posting kind; subclasses (Characters, PositionBoosts...) carry data this codec drops
POSTING_KINDS = {formats.Existence: EXISTENCE, formats.Frequency: FREQUENCY, formats.Positions: POSITIONS}


def posting_kind(fieldname: str, fieldobj) -> str:
    """The posting kind of a field, or ValueError naming the field when the codec cannot store it."""
    kind = POSTING_KINDS.get(type(fieldobj.format))
    if kind is None:
        raise ValueError(f"field {fieldname!r}: the array codec stores Existence, Frequency and Positions "
                         f"postings, not {type(fieldobj.format).__name__}")
    if fieldobj.vector:
        raise ValueError(f"field {fieldname!r}: the array codec does not store term vectors")
    if fieldobj.separate_spelling():
        raise ValueError(f"field {fieldname!r}: the array codec does not store a separate spelling field")
    return kind


class ArrayFieldWriter(base.FieldWriter):
    """Writes one segment's array file, a field at a time (each field once, in any order)."""

    def __init__(self, dbfile) -> None:
        self._file = ArrayFileWriter(dbfile)
        self._field = None  # (fieldname, fieldobj, kind) of the field being streamed
        self.is_closed = False

    def write_field(self, fieldname: str, fieldobj, postings: FieldPostings, lengths: np.ndarray | None) -> None:
        """Write one whole field. `lengths[d]` is document d's token count in the field (None for a field
        without lengths); term statistics are computed from it as W3 computes them at commit."""
        kind = posting_kind(fieldname, fieldobj)
        check_postings(fieldname, postings, kind)
        docnums = np.asarray(postings.docnums)
        if lengths is None or len(docnums) == 0:
            codes = np.zeros(len(docnums), dtype=U1)
        else:
            lengths = np.asarray(lengths)
            if len(lengths) <= int(docnums.max()):
                raise ValueError(f"field {fieldname!r}: lengths has {len(lengths)} documents, "
                                 f"postings reach document {int(docnums.max())}")
            codes = length_codes(lengths)[docnums]
        self._write(fieldname, fieldobj, kind, postings, codes)

    def _write(self, fieldname, fieldobj, kind, postings: FieldPostings, codes: np.ndarray) -> None:
        weights = postings.weights
        if weights is None:
            weights = boosted_weights(postings.freqs, fieldobj.format.field_boost)
        self._file.add_field(fieldname, kind, field_arrays(kind, postings, np.asarray(weights), codes))

    # -- Whoosh's per-posting interface ---------------------------------------------------------------

    def start_field(self, fieldname, fieldobj):
        kind = posting_kind(fieldname, fieldobj)
        self._field = (fieldname, fieldobj, kind)
        self._terms: list[bytes] = []
        self._term_starts = array("q", [0])
        self._docnums = array("i")
        self._weights = array("f")
        self._freqs = array("i")
        self._lengths = array("i")
        self._positions = array("i")
        self._add = {EXISTENCE: self._add_existence, FREQUENCY: self._add_frequency,
                     POSITIONS: self._add_positions}[kind]

    def start_term(self, btext):
        if self._field is None:
            raise Exception("Called start_term before start_field")
        self._terms.append(btext)

    def add(self, docnum, weight, vbytes, length):
        self._docnums.append(docnum)
        self._weights.append(weight)
        self._lengths.append(length or 0)
        self._add(vbytes)

    def _add_existence(self, vbytes) -> None:
        self._freqs.append(1)

    def _add_frequency(self, vbytes) -> None:
        self._freqs.append(unpack_uint(vbytes)[0])

    def _add_positions(self, vbytes) -> None:
        positions = self._field[1].format.decode_positions(vbytes)
        self._freqs.append(len(positions))
        self._positions.extend(positions)

    def finish_term(self):
        self._term_starts.append(len(self._docnums))

    def finish_field(self):
        if self._field is None:
            raise Exception("Called finish_field before start_field")
        fieldname, fieldobj, kind = self._field
        postings = FieldPostings(
            terms=self._terms,
            term_starts=np.frombuffer(self._term_starts, dtype=I8),
            docnums=np.frombuffer(self._docnums, dtype=I4),
            freqs=np.frombuffer(self._freqs, dtype=I4),
            weights=np.frombuffer(self._weights, dtype=F4),
            positions=np.frombuffer(self._positions, dtype=I4) if kind == POSITIONS else None,
        )
        check_postings(fieldname, postings, kind)
        # the lengths Whoosh passes are already decoded from their byte codes, so coding them again is exact
        self._write(fieldname, fieldobj, kind, postings, length_codes(np.frombuffer(self._lengths, dtype=I4)))
        self._field = None

    def close(self):
        self._file.close()
        self.is_closed = True
