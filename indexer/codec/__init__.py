"""A Whoosh codec whose posting lists are flat little-endian numpy arrays, one set per field per segment.

Whoosh stays the index of record (TOC, segments, stored fields, lengths, deletions, Searcher API): only the
term index and postings change, so a commit is a few array writes and a cold posting list is an mmap view.

Usage::

    from whoosh.writing import SegmentWriter
    from indexer.codec import ArrayCodec, FieldPostings

    writer = SegmentWriter(ix, codec=ArrayCodec())          # adds, deletes, merges, optimize: stock Whoosh
    # bulk path (a SegmentWriter subclass, at flush, instead of the pool):
    writer.fieldwriter.write_field("body", schema["body"],
                                   FieldPostings(terms, term_starts, docnums, freqs, weights, positions),
                                   lengths)               # lengths[d]: tokens of doc d in the field, or None
    # reading: any Whoosh reader/searcher; for one segment's term
    m = segment_reader.postings("body", b"term")           # FilterMatcher when the segment has deletions:
    m = getattr(m, "child", m)                             #   unwrap, apply your own live-document mask
    docnums, weights = m.posting_arrays()                  # int32, float32 (read-only views)
    starts, positions = m.position_arrays()                # int64 len df+1, int32 (positional fields)

`FieldPostings` (indexer.codec.postings) documents the arrays. Fields must use Existence, Frequency or
Positions (any field_boost), without term vectors or separate spelling: others raise ValueError. A segment
is W3's per-document files plus one `<segment>.arr` (layout in indexer.codec.file), never a compound file.
Writers must pass the codec every time (`ix.writer(codec=ArrayCodec())`): Whoosh's default writer would
write, and merge array segments into, W3 segments, which have no `posting_arrays()`.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3Segment

from indexer.codec.field_writer import ArrayFieldWriter
from indexer.codec.matcher import ArrayMatcher
from indexer.codec.postings import FieldPostings
from indexer.codec.terms_reader import ArrayTermsReader

__all__ = ["ArrayCodec", "ArraySegment", "ArrayMatcher", "FieldPostings"]


class ArrayCodec(W3Codec):
    """W3's per-document writer and reader (stored fields, lengths, columns) with array postings.

    The instance is pickled into the TOC with its segments, so it carries only W3's three settings.
    """

    ARRAYS_EXT = ".arr"

    def field_writer(self, storage, segment):
        return ArrayFieldWriter(segment.create_file(storage, self.ARRAYS_EXT))

    def terms_reader(self, storage, segment):
        return ArrayTermsReader(storage, segment.make_filename(self.ARRAYS_EXT))

    def new_segment(self, storage, indexname):
        return ArraySegment(self, indexname)


class ArraySegment(W3Segment):
    """A W3 segment that is never assembled into a compound file: Whoosh's compound reader copies each
    member file into a BytesIO when it is opened, which would copy every posting array of the segment;
    as separate files they are memory-mapped instead (and commit skips copying the segment once more)."""

    def should_assemble(self):
        return False
