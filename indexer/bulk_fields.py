"""The in-memory postings of one segment's indexed fields, kept as flat arrays until the segment is flushed.

`BulkSegmentWriter` hands each document's values to these and, at flush, asks each for its `FieldPostings`.
Each kind does per document only what cannot wait, and leaves sorting and grouping to numpy:
- word fields (an analyzer that maps each word of `WORD_PATTERN` to a term on its own): word ids from a
  per-segment vocabulary, looked up per whitespace-separated chunk, each distinct word analyzed once;
- keyword fields (`ID`: the whole value is the term): one value per document;
- numeric fields (`NUMERIC`, `DATETIME`): one sortable number per document, its tiered terms made at flush;
- any other field: the field's own `index()`, one row per posting.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping
from itertools import chain
from typing import NamedTuple

import numpy as np
from whoosh.analysis import CompositeAnalyzer, IDTokenizer
from whoosh.fields import NUMERIC
from whoosh.formats import Existence, Frequency, Positions

from analyzers.filters import ArabicNormalizeFilter
from analyzers.fused import FusedArabicAnalyzer, analyze_word, indexed_term
from analyzers.tokenizer import WORD_PATTERN, ArabicTokenizer
from indexer.array_codec import FieldPostings
from indexer.posting_builder import STOP_RENUMBERED, TOKEN_INDEX, field_lengths, group_postings

# Fields whose value is, by construction, the values of other fields joined by "\n" (`schema.document_fields`):
# the tokenizer never joins words across a newline, so their words are the sources' words in turn.
JOINED_FIELDS: Mapping[str, tuple[str, ...]] = {"exact": ("title", "body")}

_find_words = WORD_PATTERN.findall
_NO_POSITIONS = None


def normalized_word(word: str) -> str:
    """What `ArabicTokenizer() | ArabicNormalizeFilter()` indexes a word as ("" when it normalizes away)."""
    return analyze_word(word)[0]


class WordAnalysis(NamedTuple):
    """An analyzer that maps each word of `WORD_PATTERN` to one term on its own, so it can run per distinct word."""

    name: str
    term: Callable[[str], str]  # word as written -> indexed term, "" when the word is not indexed
    numbering: str  # how positions count the words it drops (see `posting_builder.kept_positions`)


FUSED_ARABIC = WordAnalysis("arabic", indexed_term, STOP_RENUMBERED)
TOKENIZE_NORMALIZE = WordAnalysis("normalize", normalized_word, TOKEN_INDEX)


def word_analysis(analyzer) -> WordAnalysis | None:
    """The word-wise equivalent of a Whoosh analyzer, or None when it must be run token by token."""
    if type(analyzer) is FusedArabicAnalyzer:
        return FUSED_ARABIC
    if isinstance(analyzer, CompositeAnalyzer) and [type(item) for item in analyzer.items] == [
        ArabicTokenizer, ArabicNormalizeFilter,
    ]:
        return TOKENIZE_NORMALIZE
    return None


def posting_kind(field) -> str:
    """'positions', 'frequency' or 'existence': what the field's format keeps per posting."""
    kind = {Positions: "positions", Frequency: "frequency", Existence: "existence"}.get(type(field.format))
    if kind is None:
        raise ValueError(f"BulkSegmentWriter cannot write the {type(field.format).__name__} format")
    return kind


# --- word fields --------------------------------------------------------------------------------------

class _AnalysisTerms:
    """One analysis's term for every word id of the segment vocabulary."""

    __slots__ = ("analysis", "terms")

    def __init__(self, analysis: WordAnalysis) -> None:
        self.analysis = analysis
        self.terms: list[str] = []

    def term_ids(self) -> tuple[np.ndarray, list[bytes]]:
        """(term id of every word id, -1 if not indexed; the terms as UTF-8 in term id order, i.e. sorted).

        Python orders str by code point, which is UTF-8 byte order, the order Whoosh keeps terms in.
        """
        distinct = sorted(set(self.terms))
        if distinct and distinct[0] == "":
            distinct.pop(0)
        rank = {term: index for index, term in enumerate(distinct)}
        rank[""] = -1
        ids = np.fromiter(map(rank.__getitem__, self.terms), dtype=np.int32, count=len(self.terms))
        return ids, [term.encode("utf-8") for term in distinct]


class _WordField:
    __slots__ = ("analysis", "positional", "scored", "words", "doc_ends")

    def __init__(self, analysis: WordAnalysis, positional: bool, scored: bool) -> None:
        self.analysis = analysis
        self.positional = positional
        self.scored = scored
        self.words = array("i")  # every document's word ids, end to end
        self.doc_ends = array("q")  # where each document's words end


class WordFields:
    """Every word field of a segment, sharing one vocabulary of words as written."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        """`fields`: name -> Whoosh field object, for the fields whose analyzer `word_analysis` accepts."""
        self._vocabulary: dict[str, int] = {}
        self._chunk_ids = _ChunkIds(self._learn_chunk)
        self._analyses: dict[str, _AnalysisTerms] = {}
        self._fields: dict[str, _WordField] = {}
        for name, field in fields.items():
            analysis = word_analysis(field.analyzer)
            self._analyses.setdefault(analysis.name, _AnalysisTerms(analysis))
            self._fields[name] = _WordField(analysis, posting_kind(field) == "positions", field.scorable)
        self.joined = {
            name: sources for name, sources in JOINED_FIELDS.items()
            if name in self._fields and all(source in self._fields for source in sources)
        }
        # sources before the fields joined from them
        self._order = sorted(self._fields, key=lambda name: (name in self.joined, name))

    def names(self) -> list[str]:
        return list(self._fields)

    def analysis_names(self) -> dict[str, str]:
        return {name: field.analysis.name for name, field in self._fields.items()}

    def add(self, fields: Mapping[str, object]) -> None:
        """Append one document's word ids to every word field (an empty document where the field is absent)."""
        ids_of: dict[str, list[int]] = {}
        chunk_ids = self._chunk_ids.__getitem__
        for name in self._order:
            target = self._fields[name]
            value = fields.get(name)
            ids: list[int] = []
            if value is not None:
                if not isinstance(value, str):
                    raise ValueError(f"{value!r} is not a string (field {name!r})")
                sources = self.joined.get(name)
                if sources is not None and _is_joined(value, fields, sources):
                    for source in sources:
                        ids += ids_of[source]
                else:
                    ids = list(chain.from_iterable(map(chunk_ids, value.split())))
                target.words.extend(ids)
            ids_of[name] = ids
            target.doc_ends.append(len(target.words))

    def _learn_chunk(self, chunk: str) -> tuple[int, ...]:
        """The word ids of a whitespace-separated chunk not seen before in this segment."""
        words = (chunk,) if chunk.isalnum() else _find_words(chunk)
        vocabulary = self._vocabulary
        ids = []
        for word in words:
            word_id = vocabulary.get(word)
            if word_id is None:
                word_id = vocabulary[word] = len(vocabulary)
                for analysis in self._analyses.values():
                    analysis.terms.append(analysis.analysis.term(word))
            ids.append(word_id)
        return tuple(ids)

    def rollback(self, docs: int) -> None:
        """Forget every document from the `docs`-th on (a document whose `add_document` failed)."""
        for target in self._fields.values():
            del target.doc_ends[docs:]
            del target.words[target.doc_ends[-1] if target.doc_ends else 0:]

    def postings(self) -> dict[str, tuple[FieldPostings, np.ndarray | None]]:
        """name -> (postings, per-document lengths or None for an unscored field), for every word field."""
        term_ids = {name: analysis.term_ids() for name, analysis in self._analyses.items()}
        result = {}
        for name, target in self._fields.items():
            word_terms, term_bytes = term_ids[target.analysis.name]
            token_terms = word_terms[np.frombuffer(target.words, dtype=np.int32)]
            doc_starts = np.concatenate(([0], np.frombuffer(target.doc_ends, dtype=np.int64)))
            numbering = target.analysis.numbering if target.positional else _NO_POSITIONS
            grouped = group_postings(token_terms, doc_starts, numbering)
            postings = FieldPostings(
                terms=[term_bytes[term] for term in grouped.term_ids.tolist()],
                term_starts=grouped.term_starts,
                docnums=grouped.docnums,
                freqs=grouped.freqs,
                weights=None,
                positions=grouped.positions,
            )
            result[name] = (postings, field_lengths(token_terms, doc_starts) if target.scored else None)
        return result


class _ChunkIds(dict):
    """Whitespace-separated chunk as written -> the word ids of its words, filled on first sight.

    No word of `WORD_PATTERN` holds a whitespace character, so a text's words are its `str.split()` chunks'
    words in order; most chunks are one word, and chunks repeat as words do, so the regex runs only on
    chunks not seen before (the same idea as the fused analyzer's own chunk memo).
    """

    def __init__(self, learn: Callable[[str], tuple[int, ...]]) -> None:
        super().__init__()
        self._learn = learn

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        ids = self[chunk] = self._learn(chunk)
        return ids


def _is_joined(value: str, fields: Mapping[str, object], sources: tuple[str, ...]) -> bool:
    values = [fields.get(source) for source in sources]
    return all(isinstance(item, str) for item in values) and value == "\n".join(values)


# --- one-value-per-document fields --------------------------------------------------------------------

class KeywordField:
    """An `ID`-style field (whole value is the one term, Existence format): one value per document."""

    def __init__(self, field) -> None:
        self._boost = field.format.field_boost
        self._values: list[str] = []
        self._docnums = array("i")

    @staticmethod
    def accepts(field) -> bool:
        return type(field.analyzer) is IDTokenizer and type(field.format) is Existence

    def add(self, value, docnum: int) -> int:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        self._values.append(value)
        self._docnums.append(docnum)
        return 0

    def rollback(self, docnum: int) -> None:
        while self._docnums and self._docnums[-1] >= docnum:
            self._docnums.pop()
            self._values.pop()

    def postings(self) -> FieldPostings:
        distinct = sorted(set(self._values))
        rank = {value: index for index, value in enumerate(distinct)}
        terms = np.fromiter(map(rank.__getitem__, self._values), dtype=np.int32, count=len(self._values))
        return _single_term_postings([value.encode("utf-8") for value in distinct], terms,
                                     np.frombuffer(self._docnums, dtype=np.int32), self._boost)


class NumericField:
    """A `NUMERIC`/`DATETIME` field: one sortable number per document; its tiered terms (the number with
    0, shift_step, 2*shift_step... low bits dropped) are made at flush with the field's own encoder."""

    def __init__(self, field) -> None:
        self._field = field
        self._numbers: list[int] = []
        self._docnums = array("i")

    @staticmethod
    def accepts(field) -> bool:
        return isinstance(field, NUMERIC) and type(field.format) is Existence

    def add(self, value, docnum: int) -> int:
        if isinstance(value, (list, tuple)):
            raise ValueError(f"{value!r}: BulkSegmentWriter indexes one number per document")
        encoded = self._field.to_bytes(value)  # a shift byte (0), then the sortable number, big-endian
        self._numbers.append(int.from_bytes(encoded[1:], "big"))
        self._docnums.append(docnum)
        return 0

    def rollback(self, docnum: int) -> None:
        while self._docnums and self._docnums[-1] >= docnum:
            self._docnums.pop()
            self._numbers.pop()

    def postings(self) -> FieldPostings:
        field = self._field
        numbers = np.array(self._numbers, dtype=np.uint64)
        docnums = np.frombuffer(self._docnums, dtype=np.int32)
        shifts = range(0, field.bits, field.shift_step) if field.shift_step else [0]
        terms: list[bytes] = []
        term_of_posting = []
        for shift in shifts:  # a term is its shift byte, then the number: shift-major order is byte order
            tiers = numbers >> np.uint64(shift)
            distinct, first, inverse = np.unique(tiers, return_index=True, return_inverse=True)
            term_of_posting.append(inverse.ravel() + len(terms))
            terms += [field.sortable_to_bytes(int(number), shift) for number in numbers[first].tolist()]
        all_terms = np.concatenate(term_of_posting) if term_of_posting else np.zeros(0, np.int64)
        all_docs = np.tile(docnums, len(term_of_posting))
        return _single_term_postings(terms, all_terms, all_docs, field.format.field_boost)


def _single_term_postings(terms: list[bytes], term_ids: np.ndarray, docnums: np.ndarray,
                          boost: float) -> FieldPostings:
    """Postings of a field with one occurrence per (term, document) row, rows in document order."""
    order = np.argsort(term_ids, kind="stable")
    counts = np.bincount(term_ids, minlength=len(terms)) if len(term_ids) else np.zeros(len(terms), np.int64)
    freqs = np.ones(len(order), dtype=np.int32)
    return FieldPostings(
        terms=terms,
        term_starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
        docnums=docnums[order].astype(np.int32),
        freqs=freqs,
        weights=np.full(len(order), boost, dtype=np.float32),
        positions=None,
    )


class GenericField:
    """Any other indexed field, through its own `index()`: one row per posting, in document order."""

    def __init__(self, field) -> None:
        self._field = field
        self._term_numbers: dict[bytes, int] = {}
        self._terms = array("i")
        self._docnums = array("i")
        self._freqs = array("i")
        self._weights = array("f")
        self._positions = array("i") if posting_kind(field) == "positions" else None

    def add(self, value, docnum: int) -> int:
        field = self._field
        decode = field.format.decode_positions if self._positions is not None else None
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            number = self._term_numbers.get(tbytes)
            if number is None:
                number = self._term_numbers[tbytes] = len(self._term_numbers)
            self._terms.append(number)
            self._docnums.append(docnum)
            self._freqs.append(freq)
            self._weights.append(weight)
            if decode is not None:
                self._positions.extend(decode(vbytes))
            length += freq
        return length if field.scorable else 0

    def rollback(self, docnum: int) -> None:
        keep = len(self._docnums)
        while keep and self._docnums[keep - 1] >= docnum:
            keep -= 1
        if self._positions is not None:
            del self._positions[sum(self._freqs[:keep]):]
        for column in (self._terms, self._docnums, self._freqs, self._weights):
            del column[keep:]

    def postings(self) -> FieldPostings:
        """The rows sorted by term (stable: each term's postings stay in document order), positions along."""
        sorted_terms = sorted(self._term_numbers)
        rank = np.empty(len(sorted_terms), dtype=np.int32)
        rank[[self._term_numbers[term] for term in sorted_terms]] = np.arange(len(sorted_terms), dtype=np.int32)
        terms = rank[np.frombuffer(self._terms, dtype=np.int32)]
        order = np.argsort(terms, kind="stable")
        all_freqs = np.frombuffer(self._freqs, dtype=np.int32)
        freqs = all_freqs[order]
        positions = None
        if self._positions is not None:
            old_starts = (np.cumsum(all_freqs, dtype=np.int64) - all_freqs)[order]
            new_starts = np.cumsum(freqs, dtype=np.int64) - freqs
            gather = np.repeat(old_starts - new_starts, freqs) + np.arange(int(freqs.sum()), dtype=np.int64)
            positions = np.frombuffer(self._positions, dtype=np.int32)[gather]
        counts = np.bincount(terms, minlength=len(sorted_terms))
        return FieldPostings(
            terms=sorted_terms,
            term_starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            docnums=np.frombuffer(self._docnums, dtype=np.int32)[order],
            freqs=freqs,
            weights=np.frombuffer(self._weights, dtype=np.float32)[order],
            positions=positions,
        )


# Which in-memory form a non-word field takes: the first that accepts it.
SINGLE_VALUE_KINDS = (NumericField, KeywordField)  # a NUMERIC field also has an IDTokenizer


def other_field(field):
    """The in-memory postings of a field that is not a word field."""
    for kind in SINGLE_VALUE_KINDS:
        if kind.accepts(field):
            return kind(field)
    return GenericField(field)
