"""A Whoosh segment writer for fresh bulk builds: postings kept as arrays and built with numpy at flush.

Stock `SegmentWriter` analyzes every field token by token and sends every posting through a pool and a
per-posting codec writer. This one keeps each field's postings in compact in-memory forms (`word_fields`:
word-chunk ids for the Arabic text fields; `other_fields`: one value per document for ids and dates) and at
flush hands each field's `FieldPostings` to the array codec's `write_field` in one call. Stored fields and columns
go through the codec's per-document writer as with the stock writer, and field lengths are written at flush.
The segment equals what `SegmentWriter(ix, codec=ArrayCodec())` writes, term for term (a test checks it).

One deliberate difference: stored fields are framed as zlib streams without compression (level 0), because
deflating them was a sixth of a rebuild's CPU (figures in docs/architecture.md). Every Whoosh reader
decompresses both the same way.
"""
from __future__ import annotations

import heapq
from array import array
from collections.abc import Mapping, Sequence

import numpy as np
from whoosh.fields import UnknownFieldError

from indexer.codec import ArrayCodec
from indexer.storage.completion_files import write_side_file
from indexer.codec.field_writer import POSTING_KINDS, posting_kind
from indexer.codec.postings import EXISTENCE, POSITIONS, length_codes
from indexer.build.other_fields import other_field_postings
from indexer.build.word_fields import WordAnalysis, WordFields, word_analysis
from indexer.whoosh_private import (
    HookedSegmentWriter, add_column_value_at, set_stored_fields_compression, write_length_codes,
)

STORED_ZLIB_LEVEL = 0  # see the module docstring


class BulkSegmentWriter(HookedSegmentWriter):
    """`SegmentWriter` for a writer that only adds documents (a full rebuild), always with `ArrayCodec`.

    No deletes, merges, `add_reader`, spelling, term vectors or per-document boosts; commit with `merge=False`.
    """

    def __init__(self, index, **kwargs) -> None:
        kwargs["codec"] = ArrayCodec()
        super().__init__(index, **kwargs)
        set_stored_fields_compression(self.perdocwriter, STORED_ZLIB_LEVEL)
        schema = self.schema
        self._field_objects = dict(schema.items())
        self._stored = {name for name, field in self._field_objects.items() if field.stored}
        self._columns = {name: field for name, field in self._field_objects.items() if field.column_type}
        word_fields = {}
        self._others = {}  # name -> in-memory postings of a field that is not a word field
        self._lengths: dict[str, array] = {}  # per-document lengths of the scored fields that are not word fields
        for name in schema.names():
            field = schema[name]
            if not field.indexed:
                continue
            kind = posting_kind(name, field)  # ValueError naming the field for what the codec cannot store
            if kind != EXISTENCE and word_analysis(field.analyzer) is not None:
                word_fields[name] = field
                continue
            self._others[name] = other_field_postings(field, kind)
            if field.scorable:
                self._lengths[name] = array("i")
        self._words = WordFields(word_fields, lambda field: POSTING_KINDS[type(field.format)] == POSITIONS)
        # what `add_late_values` may give: values kept per document until flush, outside the stored fields
        self._late_fields = (self._others.keys() | self._columns.keys()) - self._stored - self._lengths.keys()

    def add_document(self, **fields) -> None:
        self.check_open()
        if not self._field_objects.keys() >= fields.keys():  # (a schema's field names never start with "_")
            if any(name.startswith("_") for name in fields):
                raise ValueError("BulkSegmentWriter does not support per-document boosts or custom stored values")
            raise UnknownFieldError(f"No field named {sorted(fields.keys() - self._field_objects.keys())[0]!r}")
        docnum = self.docnum
        try:
            # everything that can fail comes before the per-document writer is touched
            self._words.add(fields)
            for name, postings in self._others.items():
                value = fields.get(name)
                length = postings.add(value, docnum) if value is not None else 0
                if name in self._lengths:
                    self._lengths[name].append(length)
            columns = [
                (name, field.column_type, field.to_column_value(fields[name]))
                for name, field in self._columns.items() if fields.get(name) is not None
            ]
        except Exception:
            self._rollback(docnum)
            raise
        perdocwriter = self.perdocwriter
        perdocwriter.start_doc(docnum)
        field_objects = self._field_objects
        for name in sorted(self._stored.intersection(fields)):  # stored values, by name as the stock writer
            value = fields[name]
            if value is not None:
                perdocwriter.add_field(name, field_objects[name], value, 0)  # lengths are written at flush
        for name, column, value in columns:
            perdocwriter.add_column_value(name, column, value)
        perdocwriter.finish_doc()
        self.mark_changed()
        self.docnum += 1

    def leading_terms(self, name: str, first: int, count: int, chunks: int, analysis: WordAnalysis):
        """`WordFields.leading_terms` of the documents numbered `first` .. `first + count - 1` of this writer."""
        return self._words.leading_terms(name, first - self.docbase, count, chunks, analysis)

    def add_late_values(self, first: int, documents: Sequence[Mapping[str, object]]) -> None:
        """Give the documents numbered `first`, `first + 1`, ... (already added) their values of fields that
        are neither stored, scored nor word fields: a rebuild learns its articles' stories only once their batch
        is analyzed. A field takes its values either with its documents or all this way, in document order."""
        if not self.docbase <= first <= first + len(documents) <= self.docnum:
            raise ValueError(f"documents {first}..{first + len(documents) - 1} are not all ones this writer added")
        late = self._late_fields
        for docnum, fields in enumerate(documents, start=first):
            for name, value in fields.items():
                if name not in late:
                    raise ValueError(f"field {name!r} cannot be given after its document")
                if value is None:
                    continue
                if name in self._others:
                    self._others[name].add(value, docnum)
                if name in self._columns:
                    field = self._columns[name]
                    add_column_value_at(self.perdocwriter, name, field.column_type, docnum,
                                        field.to_column_value(value))

    def _rollback(self, docnum: int) -> None:
        """Forget what a failed `add_document` appended, so the segment stays consistent."""
        docs = docnum - self.docbase
        self._words.rollback(docs)
        for postings in self._others.values():
            postings.rollback(docnum)
        for lengths in self._lengths.values():
            del lengths[docs:]

    def write_segment_files(self) -> None:
        others = (
            (name, postings.postings(), self._lengths.get(name)) for name, postings in sorted(self._others.items())
        )
        for name, postings, lengths in heapq.merge(others, self._words.postings(), key=lambda item: item[0]):
            if lengths is not None:
                lengths = np.frombuffer(lengths, dtype=np.int32) if isinstance(lengths, array) else lengths
                _write_lengths(self.perdocwriter, name, lengths)
            if postings.terms:
                self.fieldwriter.write_field(name, self.schema[name], postings, lengths)
            del postings, lengths
        self.perdocwriter.close()
        self.fieldwriter.close()
        if self._words.completion is not None:
            write_side_file(self.storage, self.get_segment().segment_id(), self._words.completion)


def _write_lengths(perdocwriter, fieldname: str, lengths: np.ndarray) -> None:
    """Every document's length of one field, as `W3PerDocWriter.add_field` records it one document at a time:
    a one-byte code in the field's length column (zero lengths left out) and the field's total."""
    total = int(lengths.sum())
    if not total:
        return
    # the bytes `writer.add(docnum, code)` per document would write: each code, a zero (the default) where a
    # document has none, up to the last document with a length (`finish` fills the rest)
    last = int(np.flatnonzero(lengths)[-1])
    write_length_codes(perdocwriter, fieldname, length_codes(lengths[:last + 1]).tobytes(), total)
