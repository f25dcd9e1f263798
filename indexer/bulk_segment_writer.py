"""A Whoosh segment writer for fresh bulk builds that does per-posting work in bulk.

Stock `SegmentWriter` sends every posting through a pickling sort pool and then through per-posting
method calls at commit; on news articles (~350 postings each) that is most of the indexing time. This
subclass keeps each field's postings in memory as `term -> (doc numbers, weights, encoded positions)`,
in document order, and at commit writes each term's blocks with the codec's own postings writer. The
files it produces are ordinary Whoosh segments (a test checks them term for term against the stock writer).

It also avoids analyzing the same words twice: the schema's unstemmed `exact` field is `title + "\n" + body`
run through the `normalize` analyzer, and every word of it has already been normalized (and memoized) by the
fused Arabic analyzer of `title` and `body`. When the analyzers are exactly those, `exact` is counted from the
words of that one pass instead of a second, unmemoized analysis. Likewise `lead` (the body's opening words,
same analyzer) is counted from the body's terms up to the end of its opening words.
"""
from __future__ import annotations

import re
import zlib
from itertools import islice
from array import array
from collections import Counter
from collections.abc import Mapping
from operator import sub
from pickle import dumps

from whoosh.analysis import CompositeAnalyzer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from analyzers.filters import ArabicNormalizeFilter
from analyzers.fused import FusedArabicAnalyzer, analyze_word
from analyzers.tokenizer import ArabicTokenizer
from indexer.schema import LEAD_WORDS, lead_text

# Fields whose terms are the normalized words of other fields joined by newlines (see module docstring).
SHARED_PASS_FIELDS: Mapping[str, tuple[str, ...]] = {"exact": ("title", "body")}
# Fields holding the opening words of another field, analyzed alike: their terms are that field's terms
# up to the end of its first `schema.LEAD_WORDS` whitespace-separated words.
LEAD_FIELDS: Mapping[str, str] = {"lead": "body"}
_WHITESPACE_CHUNK = re.compile(r"\S+")

# Encoded positions of a term that occurs once, by position: most postings in news text, and the same few
# thousand byte strings over and over.
_SINGLE_POSITION_LIMIT = 1 << 16


_MIN_COMPRESSED_BYTES = 256  # zlib output of a smaller pickled block is barely smaller, and costs a call

_NORMALIZED_LIMIT = 1_000_000  # distinct words as written kept by `_NormalizedWords` before it is cleared


class _NormalizedWords(dict):
    """word as written -> normalized form, filled on first use (a dict lookup from C in the hot loop)."""

    def __missing__(self, word: str) -> str:
        value = self[word] = analyze_word(word)[0]
        return value


class _TermPostings:
    __slots__ = ("docnums", "weights", "values")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class BulkSegmentWriter(SegmentWriter):
    """`SegmentWriter` with in-memory, per-term posting lists; use only for a writer that adds documents
    (no deletes, merges or `add_reader`), which is what a full rebuild does. Commit with `merge=False`.
    """

    def __init__(self, index, **kwargs) -> None:
        super().__init__(index, **kwargs)
        schema = self.schema
        self._terms: dict[str, dict[bytes, _TermPostings]] = {}
        self._lengths: dict[str, array] = {}
        self._positional: dict[str, object] = {}  # fieldname -> analyzer, for text fields storing positions
        for name in schema.names():
            field = schema[name]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"BulkSegmentWriter does not support spelling or vectors (field {name!r})")
            if field.indexed:
                self._terms[name] = {}
                if field.scorable:
                    self._lengths[name] = array("I")
                if type(field.format) is Positions and field.format.field_boost == 1.0:
                    self._positional[name] = field.analyzer
        self._single_position: dict[int, bytes] = {}
        self._normalized = _NormalizedWords()
        self._derived = {
            name: sources for name, sources in SHARED_PASS_FIELDS.items() if _can_share_pass(schema, name, sources)
        }
        self._derived_sources = {source for sources in self._derived.values() for source in sources}
        self._leads = {name: source for name, source in LEAD_FIELDS.items() if _can_share_lead(schema, name, source)}

    def add_document(self, **fields) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        perdocwriter.start_doc(docnum)
        words: dict[str, list[str]] = {}  # words as written of the fields that a derived field reuses
        derived = {
            name for name, sources in self._derived.items()
            if isinstance(fields.get(name), str) and all(isinstance(fields.get(source), str) for source in sources)
            and fields[name] == "\n".join(fields[source] for source in sources)
        }
        collect = {source for name in derived for source in self._derived[name]}
        leads = {
            name: source for name, source in self._leads.items()
            if isinstance(fields.get(source), str) and fields.get(name) == lead_text(fields[source])
        }
        lead_terms: dict[str, list[str]] = {source: [] for source in leads.values()}
        positional = self._positional
        try:
            # Positional fields first, so that their words are at hand for the derived fields.
            for fieldname in sorted(fields, key=lambda name: (name not in positional, name)):
                value = fields[fieldname]
                if value is None or fieldname.startswith("_"):
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    if fieldname in derived:
                        length = self._index_derived(fieldname, words, docnum)
                    elif fieldname in leads:
                        length = self._count_terms(fieldname, lead_terms[leads[fieldname]], docnum)
                    elif fieldname in positional:
                        collected = words[fieldname] = [] if fieldname in collect else None
                        length = self._index_positions(fieldname, value, docnum, collected, lead_terms.get(fieldname))
                    else:
                        length = self._index_generic(fieldname, field, value, docnum)
                lengths = self._lengths.get(fieldname)
                if lengths is not None:
                    lengths.append(length)
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        for fieldname, lengths in self._lengths.items():
            if len(lengths) == docnum - self.docbase:  # field absent from this document
                lengths.append(0)
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_positions(self, fieldname: str, value: str, docnum: int, collected: list | None,
                         lead: list | None = None) -> int:
        """Analyze once, group positions by term, and append one posting per distinct term.

        With `collected`, every word as written (stopwords too) is appended to it for the derived fields;
        with `lead`, the terms of the field's opening words are appended to it for the lead field.
        """
        positions: dict[str, list[int]] = {}
        analyzer = self._positional[fieldname]
        if collected is None:
            tokens = analyzer(value, positions=True, mode="index", chars=lead is not None)
        else:
            tokens = analyzer(value, positions=True, mode="index", chars=lead is not None,
                              keeporiginal=True, removestops=False)
        lead_end = _lead_end(value) if lead is not None else -1
        for token in tokens:
            if collected is not None:
                collected.append(token.original)
            if token.stopped:
                continue
            if lead is not None and token.startchar < lead_end:
                lead.append(token.text)
            found = positions.get(token.text)
            if found is None:
                positions[token.text] = [token.pos]
            else:
                found.append(token.pos)
        terms = self._terms[fieldname]
        single = self._single_position
        length = 0
        for text, poslist in positions.items():
            frequency = len(poslist)
            length += frequency
            if frequency == 1:
                position = poslist[0]
                encoded = single.get(position)
                if encoded is None:
                    encoded = Positions.encode(None, poslist)
                    if position < _SINGLE_POSITION_LIMIT:
                        single[position] = encoded
            else:
                encoded = Positions.encode(None, poslist)
            key = text.encode("utf-8")
            postings = terms.get(key)
            if postings is None:
                postings = terms[key] = _TermPostings()
            postings.docnums.append(docnum)
            postings.weights.append(frequency)
            postings.values.append(encoded)
        return length

    def _index_derived(self, fieldname: str, words: dict[str, list[str]], docnum: int) -> int:
        """Frequencies of the normalized words already seen in the source fields (memoized normalize)."""
        frequencies: Counter = Counter()
        normalized = self._normalized
        for source in self._derived[fieldname]:
            frequencies.update(map(normalized.__getitem__, words[source]))
        if len(normalized) > _NORMALIZED_LIMIT:
            normalized.clear()
        self._add_frequencies(fieldname, frequencies, docnum)
        return frequencies.total()

    def _count_terms(self, fieldname: str, texts: list[str], docnum: int) -> int:
        """Frequency postings of a lead field from the terms already produced for its source field."""
        self._add_frequencies(fieldname, Counter(texts), docnum)
        return len(texts)

    def _add_frequencies(self, fieldname: str, frequencies: Counter, docnum: int) -> None:
        """Append one frequency-only posting per term of `docnum` to the field's in-memory postings."""
        terms = self._terms[fieldname]
        for text, frequency in frequencies.items():
            key = text.encode("utf-8")
            postings = terms.get(key)
            if postings is None:
                postings = terms[key] = _TermPostings()
            postings.docnums.append(docnum)
            postings.weights.append(frequency)
            postings.values.append(pack_uint(frequency))

    def _index_generic(self, fieldname: str, field, value, docnum: int) -> int:
        """Any other indexed field (ids, keywords, dates): the field's own `index()`."""
        terms = self._terms[fieldname]
        length = 0
        for tbytes, frequency, weight, vbytes in field.index(value):
            length += frequency
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = _TermPostings()
            postings.docnums.append(docnum)
            postings.weights.append(weight)
            postings.values.append(vbytes)
        return length if field.scorable else 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        blocklimit = self.codec._blocklimit
        compression = self.codec._compression
        for fieldname in sorted(self._terms):
            terms = self._terms[fieldname]
            if not terms:
                continue
            field = self.schema[fieldname]
            fieldwriter.start_field(fieldname, field)
            lengths = self._lengths.get(fieldname)
            fixedsize = field.format.fixed_value_size()
            for tbytes in sorted(terms):
                _write_term(fieldwriter, tbytes, terms[tbytes], lengths, blocklimit, compression, fixedsize)
            fieldwriter.finish_field()
            terms.clear()
        fieldwriter.close()


def _can_share_pass(schema, name: str, sources: tuple[str, ...]) -> bool:
    """True when `name` is a frequency field analyzed by exactly `ArabicTokenizer | ArabicNormalizeFilter`
    and each source is a positional field analyzed by the fused Arabic analyzer: then the fused pass's
    words, normalized, are exactly the derived field's tokens.
    """
    if name not in schema.names() or not all(source in schema.names() for source in sources):
        return False
    field = schema[name]
    analyzer = field.analyzer
    chain_matches = (
        isinstance(analyzer, CompositeAnalyzer)
        and [type(item) for item in analyzer.items] == [ArabicTokenizer, ArabicNormalizeFilter]
    )
    sources_match = all(
        type(schema[source].analyzer) is FusedArabicAnalyzer and type(schema[source].format) is Positions
        for source in sources
    )
    return chain_matches and sources_match and type(field.format) is Frequency and field.format.field_boost == 1.0


def _lead_end(text: str) -> int:
    """Offset just past the first LEAD_WORDS whitespace-separated words of `text` (`schema.lead_text`)."""
    end = len(text)
    for end_match in islice(_WHITESPACE_CHUNK.finditer(text), LEAD_WORDS - 1, LEAD_WORDS):
        end = end_match.end()
    return end


def _can_share_lead(schema, name: str, source: str) -> bool:
    """True when `name` is a frequency field with the same (fused Arabic) analyzer as the positional `source`."""
    if name not in schema.names() or source not in schema.names():
        return False
    field, source_field = schema[name], schema[source]
    return (
        type(field.analyzer) is FusedArabicAnalyzer
        and type(source_field.analyzer) is FusedArabicAnalyzer
        and type(source_field.format) is Positions
        and type(field.format) is Frequency
        and field.format.field_boost == 1.0
    )


def _write_term(fieldwriter, tbytes: bytes, postings: _TermPostings, lengths: array | None,
                blocklimit: int, compression: int, fixedsize: int | None) -> None:
    """Write one term's posting blocks and its term-info row, as `W3PostingsWriter` and `W3FieldWriter` do.

    The bytes follow the W3 block layout (length, pickled block info, pickled and maybe compressed data)
    that `W3LeafMatcher` reads; the differences are speed-only: one write per term instead of several per
    block, and blocks too small to gain from zlib are stored uncompressed (each block records its level).
    """
    postfile = fieldwriter._postfile
    docnums, weights, values = postings.docnums, postings.weights, postings.values
    count = len(docnums)
    if count == 1:
        payload, info = _single_posting_term(docnums[0], weights[0], values[0], lengths, fixedsize)
        offset = postfile.tell()
        postfile.write(payload)
        info.set_extent(offset, len(payload))
        fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, info.to_bytes())
        return
    info = W3TermInfo()
    chunks = [WHOOSH3_HEADER_MAGIC]
    for start in range(0, count, blocklimit):
        end = min(start + blocklimit, count)
        ids = docnums[start:end]
        block_weights = weights[start:end]
        size = end - start
        maxweight = max(block_weights)
        if lengths is not None:
            block_lengths = [lengths[docnum] for docnum in ids]
            minlength = min(block_lengths)
            if not minlength:  # Whoosh leaves zero lengths out of the minimum
                minlength = min((length for length in block_lengths if length), default=None)
            maxlength = max(block_lengths)
        else:
            minlength, maxlength = None, 0
        # the statistics TermInfo.add_block keeps
        info._weight += sum(block_weights)
        info._df += size
        if info._minlength is None:
            info._minlength = minlength
        elif minlength is not None:
            info._minlength = min(info._minlength, minlength)
        info._maxlength = max(info._maxlength, maxlength)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]
        # the block, minified as W3PostingsWriter does
        mini_ids = (ids[0], *map(sub, ids[1:], ids[:-1]))
        if block_weights.count(1.0) == size:
            mini_weights = None
        elif block_weights.count(block_weights[0]) == size:
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        block_values = values[start:end]
        if fixedsize is None or fixedsize < 0:
            mini_values = tuple(block_values)
        elif fixedsize == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        data = dumps((mini_ids, mini_weights, mini_values), 2)
        level = compression if len(data) >= _MIN_COMPRESSED_BYTES else 0
        if level:
            data = zlib.compress(data, level)
        header = dumps((size, ids[-1], maxweight, level, length_to_byte(minlength), length_to_byte(maxlength)), 2)
        blocklength = len(header) + len(data)
        chunks += (pack_int(-blocklength if end == count else blocklength), header, data)
    payload = b"".join(chunks)
    offset = postfile.tell()
    postfile.write(payload)
    info.set_extent(offset, len(payload))
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + tbytes, info.to_bytes())


def _single_posting_term(docnum: int, weight: float, value: bytes, lengths: array | None,
                         fixedsize: int | None) -> tuple[bytes, W3TermInfo]:
    """The common case (most terms occur in one document): one block, too small to compress."""
    length = lengths[docnum] if lengths is not None else 0
    minlength = length or None
    info = W3TermInfo(weight=weight, df=1, minlength=minlength, maxlength=length, maxweight=weight,
                      minid=docnum, maxid=docnum)
    if fixedsize is None or fixedsize < 0:
        mini_values = (value,)
    elif fixedsize == 0:
        mini_values = None
    else:
        mini_values = value
    data = dumps(((docnum,), None if weight == 1.0 else weight, mini_values), 2)
    header = dumps((1, docnum, weight, 0, length_to_byte(minlength), length_to_byte(length)), 2)
    return b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(header) + len(data))), header, data)), info
