"""The in-memory postings of a segment's fields that are not word fields (`word_fields`), until flush.

`BulkSegmentWriter` hands each document's values to these and, at flush, asks each for its `FieldPostings`.
Each kind does per document only what cannot wait, and leaves sorting and grouping to numpy:
- keyword fields (`ID`: the whole value is the term): one value per document;
- numeric fields (`NUMERIC`, `DATETIME`): one sortable number per document, its tiered terms made at flush;
- lists of fixed-width hex keys (`HexKeys`): parsed and grouped with numpy at flush;
- any other field: the field's own `index()`, one row per posting.
"""
from __future__ import annotations

from array import array

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.fields import NUMERIC
from whoosh.formats import Existence
from whoosh.formats import tokens as analysis_tokens

from indexer.codec import FieldPostings
from indexer.codec.postings import EXISTENCE, POSITIONS
from indexer.codec.runs import span_indices
from indexer.storage.schema import HexKeys


class _OneValuePerDocument:
    """A field that indexes exactly one value per document: the values and their documents, in order."""

    def __init__(self) -> None:
        self._values: list = []
        self._docnums = array("i")

    def _append(self, value, docnum: int) -> int:
        self._values.append(value)
        self._docnums.append(docnum)
        return 0

    def rollback(self, docnum: int) -> None:
        while self._docnums and self._docnums[-1] >= docnum:
            self._docnums.pop()
            self._values.pop()


class KeywordField(_OneValuePerDocument):
    """An `ID`-style field (whole value is the one term, Existence format): one value per document."""

    def __init__(self, field) -> None:
        super().__init__()
        self._boost = field.format.field_boost

    @staticmethod
    def accepts(field) -> bool:
        return type(field.analyzer) is IDTokenizer and type(field.format) is Existence

    def add(self, value, docnum: int) -> int:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        return self._append(value, docnum)

    def postings(self) -> FieldPostings:
        distinct = sorted(set(self._values))
        rank = {value: index for index, value in enumerate(distinct)}
        terms = np.fromiter(map(rank.__getitem__, self._values), dtype=np.int32, count=len(self._values))
        return _single_term_postings([value.encode("utf-8") for value in distinct], terms,
                                     np.frombuffer(self._docnums, dtype=np.int32), self._boost)


class NumericField(_OneValuePerDocument):
    """A `NUMERIC`/`DATETIME` field: one sortable number per document; its tiered terms (the number with
    0, shift_step, 2*shift_step... low bits dropped) are made at flush with the field's own encoder."""

    def __init__(self, field) -> None:
        super().__init__()
        self._field = field

    @staticmethod
    def accepts(field) -> bool:
        return isinstance(field, NUMERIC) and type(field.format) is Existence

    def add(self, value, docnum: int) -> int:
        if isinstance(value, (list, tuple)):
            raise ValueError(f"{value!r}: BulkSegmentWriter indexes one number per document")
        encoded = self._field.to_bytes(value)  # a shift byte (0), then the sortable number, big-endian
        return self._append(int.from_bytes(encoded[1:], "big"), docnum)

    def postings(self) -> FieldPostings:
        field = self._field
        numbers = np.array(self._values, dtype=np.uint64)
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


class TokenStreamField:
    """Any other indexed field: one row per posting, in document order.

    Text fields (Frequency and Positions formats) run their analyzer here and count, as the format's
    `word_values` does, without encoding positions to bytes only to decode them again; other formats go
    through the field's own `index()`.
    """

    def __init__(self, field, kind: str) -> None:
        """`kind` is the codec's posting kind of the field (`array_field_writer.posting_kind`)."""
        self._field = field
        self._kind = kind
        self._term_numbers: dict[bytes, int] = {}
        self._terms = array("i")
        self._docnums = array("i")
        self._freqs = array("i")
        self._weights = array("f")
        self._positions = array("i") if self._kind == POSITIONS else None

    def add(self, value, docnum: int) -> int:
        field = self._field
        if not isinstance(value, (str, list, tuple)):
            raise ValueError(f"{value!r} is not unicode or sequence")
        rows = self._analyzed(value) if self._kind != EXISTENCE else (
            (tbytes, freq, weight, None) for tbytes, freq, weight, _ in field.index(value))
        length = 0
        for tbytes, freq, weight, positions in rows:
            number = self._term_numbers.get(tbytes)
            if number is None:
                number = self._term_numbers[tbytes] = len(self._term_numbers)
            self._terms.append(number)
            self._docnums.append(docnum)
            self._freqs.append(freq)
            self._weights.append(weight)
            if positions is not None:
                self._positions.extend(positions)
            length += freq
        return length if field.scorable else 0

    def _analyzed(self, value):
        """(term bytes, frequency, weight, positions or None) per distinct term, as `Frequency.word_values`
        and `Positions.word_values` compute them."""
        positional = self._positions is not None
        options = {"mode": "index", "boosts": True, "positions": True} if positional else {"mode": "index", "boosts": True}
        found: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        for token in analysis_tokens(value, self._field.analyzer, options):
            text = token.text
            occurrences = found.get(text)
            if occurrences is None:
                occurrences = found[text] = []
                weights[text] = 0.0
            occurrences.append(token.pos if positional else 0)
            weights[text] += token.boost
        boost = self._field.format.field_boost
        for text, occurrences in found.items():
            yield text.encode("utf-8"), len(occurrences), weights[text] * boost, occurrences if positional else None

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
            positions = np.frombuffer(self._positions, dtype=np.int32)[span_indices(old_starts, freqs)]
        counts = np.bincount(terms, minlength=len(sorted_terms))
        return FieldPostings(
            terms=sorted_terms,
            term_starts=np.concatenate(([0], np.cumsum(counts))).astype(np.int64),
            docnums=np.frombuffer(self._docnums, dtype=np.int32)[order],
            freqs=freqs,
            weights=np.frombuffer(self._weights, dtype=np.float32)[order],
            positions=positions,
        )


class HexKeysField(_OneValuePerDocument):
    """A `HexKeys` field (the story's band keys): the values are kept as written and parsed with numpy at
    flush, for a document's 28 new terms cost more through a dict of terms than all the rest of its fields."""

    def __init__(self, field) -> None:
        super().__init__()
        self._field = field

    @staticmethod
    def accepts(field) -> bool:
        return isinstance(field, HexKeys)

    def add(self, value, docnum: int) -> int:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        return self._append(value, docnum)

    def postings(self) -> FieldPostings:
        try:
            keys = np.frombuffer(bytes.fromhex(" ".join(self._values)), dtype=">u4").astype(np.uint64)
        except ValueError:
            raise ValueError(f"{self._field!r} holds a value that is not {HexKeys.WIDTH}-digit hex keys") from None
        counts = (np.fromiter(map(len, self._values), dtype=np.int64, count=len(self._values)) + 1) // (HexKeys.WIDTH + 1)
        docnums = np.repeat(np.frombuffer(self._docnums, dtype=np.int32).astype(np.uint64), counts)
        rows, freqs = np.unique((keys << np.uint64(32)) | docnums, return_counts=True)  # by key, then document
        row_keys = (rows >> np.uint64(32)).astype(">u4")
        distinct, term_counts = np.unique(row_keys, return_counts=True)
        terms = distinct.astype(">u4").tobytes().hex(" ", 4).encode("ascii").split() if len(distinct) else []
        boost = self._field.format.field_boost
        return FieldPostings(
            terms=terms,
            term_starts=np.concatenate(([0], np.cumsum(term_counts))).astype(np.int64),
            docnums=(rows & np.uint64(0xFFFFFFFF)).astype(np.int32),
            freqs=freqs.astype(np.int32),
            weights=(freqs * boost).astype(np.float32),
            positions=None,
        )


# Which in-memory form a non-word field takes: the first that accepts it.
SINGLE_VALUE_KINDS = (NumericField, KeywordField, HexKeysField)  # a NUMERIC field also has an IDTokenizer


def other_field_postings(field, kind: str):
    """The in-memory postings of a field that is not a word field, given its posting kind."""
    for single_value in SINGLE_VALUE_KINDS:
        if single_value.accepts(field):
            return single_value(field)
    return TokenStreamField(field, kind)
