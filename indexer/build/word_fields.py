"""A segment's text fields kept as word-chunk ids until flush, for analyzers that work word by word.

An analyzer qualifies when it maps each word of `WORD_PATTERN` to a term (or to nothing) on its own: the fused
Arabic analyzer, and tokenize-and-normalize. No word holds a whitespace character, so a text's words are its
`str.split()` chunks' words in order. Documents' values wait in a batch, and a batch is numbered at once by
`bulk_chunks.ChunkNumbers` (one int per chunk, no Python per chunk). A chunk not seen before is cut into words
with the regex and its words are numbered; a word not seen before is analyzed then, once. At flush, numpy
expands chunks to words and words to terms, and `group_postings` groups them into postings. Because the terms
are known as soon as a document is numbered, `leading_terms` can hand a batch's opening terms to a rebuild's
story fingerprints before flush, without reading the text a second time.

Fields that restate other fields (the schema's DERIVED_FIELDS) are not split again: a field whose value is
other fields joined by a newline (`exact` is title and body) has their chunks in turn, and a field whose value
is the first n chunks of another joined by spaces (`lead`) has that field's first n chunks. Both are checked
on every document by comparing values, and a document where they do not hold is split like any other.
"""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import accumulate, chain, islice
from typing import NamedTuple

import numpy as np
from whoosh.analysis import CompositeAnalyzer

from analyzers.filters import ArabicNormalizeFilter
from analyzers.fused import FusedArabicAnalyzer, analyze_word, indexed_term
from analyzers.tokenizer import ArabicTokenizer, chunk_words
from indexer.codec import FieldPostings
from indexer.build.chunks import ChunkNumbers
from indexer.build.completion_table import segment_table
from indexer.build.group_postings import STOP_RENUMBERED, TOKEN_INDEX, group_postings
from indexer.storage.schema import DERIVED_FIELDS, EXACT_FIELD, DerivedField, LeadingWords
from indexer.codec.runs import span_indices


def normalized_word(word: str) -> str:
    """What `ArabicTokenizer() | ArabicNormalizeFilter()` indexes a word as ("" when it normalizes away)."""
    return analyze_word(word)[0]


class WordAnalysis(NamedTuple):
    """An analyzer that maps each word of `WORD_PATTERN` to one term on its own, so it can run per distinct word."""

    name: str
    term: Callable[[str], str]  # word as written -> indexed term, "" when the word is not indexed
    numbering: str  # how positions count the words it drops (see `group_postings.kept_positions`)


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


class _FirstSeen(dict):
    """Key -> its number, numbered in first-seen order (a C-level lookup from `map`); `seen` lists the keys."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self.seen)
        self.seen.append(key)
        return number


class _TermNumbers(_FirstSeen):
    """Indexed term -> its number; "" (a word that is not indexed) is -1, and not among `seen`."""

    def __init__(self) -> None:
        super().__init__()
        self[""] = -1


class _LearnedTerms:
    """One analysis of a segment's vocabulary, word by word as words are first seen: each word's term number
    (`_TermNumbers`), so that a batch's terms can be read before flush (a rebuild's story fingerprints)."""

    __slots__ = ("analysis", "numbers", "word_terms")

    def __init__(self, analysis: WordAnalysis) -> None:
        self.analysis = analysis
        self.numbers = _TermNumbers()
        self.word_terms = array("i")  # word id -> term number, -1 when the word is not indexed

    def learn(self, words: Iterable[str]) -> None:
        self.word_terms.extend(map(self.numbers.__getitem__, map(self.analysis.term, words)))

    def ranked(self) -> tuple[np.ndarray, list[bytes]]:
        """(term id of every word, -1 if not indexed; the terms as UTF-8 in term id order, i.e. sorted).

        Only the distinct terms are sorted, as UTF-8 (Whoosh keeps terms in byte order, and comparing bytes is
        cheaper than comparing Arabic str), and a numpy gather renumbers the words.
        """
        encoded = [term.encode("utf-8") for term in self.numbers.seen]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        rank = np.full(len(encoded) + 1, -1, dtype=np.int32)  # the extra last entry: number -1 stays -1
        rank[order] = np.arange(len(encoded), dtype=np.int32)
        return rank[np.frombuffer(self.word_terms, dtype=np.int32)], [encoded[number] for number in order]


class _WordField:
    __slots__ = ("analysis", "positional", "scored", "derived_from", "chunks", "doc_ends", "derived", "waiting")

    def __init__(self, analysis: WordAnalysis, positional: bool, scored: bool, derived_from) -> None:
        self.analysis = analysis
        self.positional = positional
        self.scored = scored
        self.derived_from = derived_from  # the schema's DerivedField rule, or None
        self.chunks = array("i")  # chunk ids of the documents split for this field, end to end
        self.doc_ends = array("q")  # per document, where its own chunks end
        self.derived = array("b")  # per document, 1 when its chunks are taken from its sources instead
        self.waiting: list[str] = []  # the texts of documents added but not numbered yet ("": no own chunks)


# Documents wait until their texts reach this many characters, then are numbered together (~170 news articles).
BATCH_CHARS = 1 << 18


class WordFields:
    """Every word field of a segment, sharing one table of chunks and one vocabulary of words as written."""

    def __init__(self, fields: Mapping[str, object], positional: Callable[[object], bool]) -> None:
        """`fields`: name -> Whoosh field object, for fields whose analyzer `word_analysis` accepts;
        `positional(field)` says whether the field keeps positions."""
        self._word_ids = _FirstSeen()  # word as written -> word id
        self._chunk_numbers = ChunkNumbers(self._learn_chunks)
        self._waiting_chars = 0
        self._chunk_words = array("i")  # every chunk's word ids, chunk after chunk
        self._chunk_ends = array("q", [0])  # chunk c owns _chunk_words[_chunk_ends[c]:_chunk_ends[c + 1]]
        self._terms: dict[str, _LearnedTerms] = {}  # analysis name -> the vocabulary's terms under it
        self._fields: dict[str, _WordField] = {}
        for name, field in fields.items():
            analysis = word_analysis(field.analyzer)
            if analysis.name not in self._terms:
                self._terms[analysis.name] = _LearnedTerms(analysis)
            derived = DERIVED_FIELDS.get(name)
            if derived is not None and not all(
                source in fields and word_analysis(fields[source].analyzer) is not None
                and not DERIVED_FIELDS.get(source) for source in derived.sources
            ):
                derived = None
            self._fields[name] = _WordField(analysis, positional(field), field.scorable, derived)
        # sources before the fields derived from them
        self._order = sorted(self._fields, key=lambda name: (self._fields[name].derived_from is not None, name))
        self.completion: dict | None = None  # the `exact` field's side table for completion, made at flush

    def analysis_names(self) -> dict[str, str]:
        return {name: field.analysis.name for name, field in self._fields.items()}

    def derived_fields(self) -> dict[str, DerivedField]:
        return {name: field.derived_from for name, field in self._fields.items() if field.derived_from}

    def add(self, fields: Mapping[str, object]) -> None:
        """Append one document to every word field (an empty document where the field is absent)."""
        if self._waiting_chars >= BATCH_CHARS:
            self._number_waiting()
        for name in self._order:
            target = self._fields[name]
            value = fields.get(name)
            derived = 0
            text = ""
            if value is not None:
                if not isinstance(value, str):
                    raise ValueError(f"{value!r} is not a string (field {name!r})")
                if target.derived_from is not None and target.derived_from.holds(value, fields):
                    derived = 1
                else:
                    text = value
            target.waiting.append(text)
            target.derived.append(derived)
            self._waiting_chars += len(text)

    def _number_waiting(self) -> None:
        """Number the chunks of every waiting document, all fields in one batch."""
        targets = [target for target in self._fields.values() if target.waiting]
        if not targets:
            return
        ids, counts = self._chunk_numbers.number([text for target in targets for text in target.waiting])
        chunk_start = doc_start = 0
        for target in targets:
            doc_counts = counts[doc_start:doc_start + len(target.waiting)]
            field_chunks = int(doc_counts.sum())
            target.doc_ends.extend((len(target.chunks) + np.cumsum(doc_counts)).tolist())
            target.chunks.frombytes(ids[chunk_start:chunk_start + field_chunks].tobytes())
            chunk_start += field_chunks
            doc_start += len(target.waiting)
            target.waiting.clear()
        self._waiting_chars = 0

    def _learn_chunks(self, chunks: list[str]) -> int:
        """Number chunks not seen before, consecutively from the returned id: cut them into words, number the
        words, and analyze the words not seen before."""
        first = len(self._chunk_ends) - 1
        words = list(map(chunk_words, chunks))
        known = len(self._word_ids.seen)
        self._chunk_words.extend(map(self._word_ids.__getitem__, chain.from_iterable(words)))
        self._chunk_ends.extend(islice(accumulate(map(len, words), initial=self._chunk_ends[-1]), 1, None))
        if len(self._word_ids.seen) > known:
            new_words = self._word_ids.seen[known:]
            for learned in self._terms.values():
                learned.learn(new_words)
        return first

    def rollback(self, docs: int) -> None:
        """Forget every document from the `docs`-th on (a document whose `add_document` failed)."""
        for target in self._fields.values():
            numbered = len(target.doc_ends)
            del target.waiting[max(0, docs - numbered):]
            del target.doc_ends[docs:]
            del target.derived[docs:]
            del target.chunks[target.doc_ends[-1] if target.doc_ends else 0:]
        self._waiting_chars = sum(len(text) for target in self._fields.values() for text in target.waiting)

    def leading_terms(self, name: str, first: int, count: int, chunks: int,
                      analysis: WordAnalysis) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
        """The terms of the first `chunks` chunks of the segment's documents `first` .. `first + count - 1` in
        field `name`: (the term number of each indexed word, document after document; each document's count
        of them; the terms by number), or None when the field is not analyzed by `analysis`.

        The field's own chunks only (a field derived from others has none of its own), and a document's terms
        are those `analysis` gives its text cut after that many chunks (a test checks).
        """
        target = self._fields.get(name)
        if target is None or target.analysis != analysis:
            return None
        self._number_waiting()
        learned = self._terms[analysis.name]
        # (the arrays grow as documents come: every view of them below is dropped when the call returns)
        own_chunks, starts, counts = self._own_spans(target)
        doc_chunks = np.minimum(counts[first:first + count], chunks)
        words, word_counts = self._words_of(own_chunks[span_indices(starts[first:first + count], doc_chunks)])
        terms = np.frombuffer(learned.word_terms, dtype=np.int32)[words]
        chunk_docs = np.repeat(np.arange(count), doc_chunks)
        word_docs = np.repeat(chunk_docs, word_counts)
        indexed = terms >= 0
        sizes = np.bincount(word_docs[indexed], minlength=count).astype(np.int64)
        return terms[indexed], sizes, learned.numbers.seen

    # --- flush -------------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        return list(self._fields)

    def postings(self) -> Iterator[tuple[str, FieldPostings, np.ndarray | None]]:
        """(name, postings, per-document lengths or None for an unscored field) of every word field, by name,
        one field at a time (a field's arrays are the flush's peak memory: hold one at a time)."""
        self._number_waiting()
        term_ids = {name: learned.ranked() for name, learned in self._terms.items()}
        own = {name: self._own_spans(target) for name, target in self._fields.items()}
        for name in sorted(self._fields):
            target = self._fields[name]
            chunks, doc_chunk_counts = self._document_chunks(name, own)
            words, chunk_lengths = self._words_of(chunks)
            word_ends = np.concatenate(([0], np.cumsum(chunk_lengths)))
            doc_starts = word_ends[np.concatenate(([0], np.cumsum(doc_chunk_counts)))]
            del chunks, chunk_lengths, word_ends
            word_terms, term_bytes = term_ids[target.analysis.name]
            if name == EXACT_FIELD:
                self.completion = segment_table(words, word_terms, doc_starts, self._word_ids.seen,
                                                [term.decode("utf-8") for term in term_bytes])
            token_terms = word_terms[words]
            del words
            numbering = target.analysis.numbering if target.positional else None
            grouped = group_postings(token_terms, doc_starts, numbering)
            del token_terms
            postings = FieldPostings(
                terms=[term_bytes[term] for term in grouped.term_ids.tolist()],
                term_starts=grouped.term_starts,
                docnums=grouped.docnums,
                freqs=grouped.freqs,
                weights=None,
                positions=grouped.positions,
            )
            yield name, postings, grouped.lengths if target.scored else None

    def _words_of(self, chunks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the word ids of `chunks`, chunk after chunk; each chunk's count of words)."""
        chunk_ends = np.frombuffer(self._chunk_ends, dtype=np.int64)
        lengths = chunk_ends[chunks + 1] - chunk_ends[chunks]
        return np.frombuffer(self._chunk_words, dtype=np.int32)[span_indices(chunk_ends[chunks], lengths)], lengths

    @staticmethod
    def _own_spans(target: _WordField) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chunk ids the field split itself, each document's first own chunk, its own chunk count)."""
        ends = np.frombuffer(target.doc_ends, dtype=np.int64)
        starts = np.concatenate(([0], ends[:-1])).astype(np.int64)
        return np.frombuffer(target.chunks, dtype=np.int32), starts, ends - starts

    def _document_chunks(self, name: str, own: Mapping) -> tuple[np.ndarray, np.ndarray]:
        """(every document's chunk ids in turn, each document's chunk count), derived documents included."""
        target = self._fields[name]
        chunks, starts, counts = own[name]
        derived = target.derived_from
        flags = np.frombuffer(target.derived, dtype=np.int8).astype(bool)
        if derived is None or not flags.any():
            return chunks, counts
        # one (start, length) piece per source per document, into the pool [own, source 1, source 2, ...]
        pools = [chunks] + [own[source][0] for source in derived.sources]
        offsets = np.cumsum([0] + [len(pool) for pool in pools[:-1]])
        piece_starts = np.zeros((len(flags), len(derived.sources)), dtype=np.int64)
        piece_counts = np.zeros_like(piece_starts)
        piece_starts[~flags, 0] = starts[~flags]
        piece_counts[~flags, 0] = counts[~flags]
        for index, source in enumerate(derived.sources):
            _, source_starts, source_counts = own[source]
            if isinstance(derived, LeadingWords):
                source_counts = np.minimum(source_counts, derived.count)
            piece_starts[flags, index] = source_starts[flags] + offsets[index + 1]
            piece_counts[flags, index] = source_counts[flags]
        pool = np.concatenate(pools)
        gathered = pool[span_indices(piece_starts.ravel(), piece_counts.ravel())]
        return gathered, piece_counts.sum(axis=1)

