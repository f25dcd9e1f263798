"""The production Arabic analyzer as one loop: tokenizer, normalizer, stopwords and stemmer fused.

It yields exactly what `ArabicTokenizer() | ArabicNormalizeFilter() | StopFilter(...) |
ArabicStemFilter()` yields (a property test checks this), several times faster: one Token object is
reused, and memos map each distinct word to its analysis and each distinct whitespace-separated chunk
to its words' indexed terms, because word frequencies are Zipfian.
"""
from __future__ import annotations

from itertools import chain

from whoosh.analysis import Analyzer, Token

from analyzers.normalize import normalize
from analyzers.stem import stem
from analyzers.stopwords import ARABIC_STOPWORDS
from analyzers.tokenizer import WORD_PATTERN

_MEMO_LIMIT = 1_000_000  # distinct words (or chunks) kept before a memo is cleared (bounds memory)
_entries: dict[str, tuple[str, str, bool]] = {}  # word as written -> (normalized, stem, is stopword)


def analyze_word(word: str) -> tuple[str, str, bool]:
    """Return (normalized form, indexed term, is stopword) for one word as written, memoized."""
    entry = _entries.get(word)
    if entry is None:
        if len(_entries) >= _MEMO_LIMIT:
            _entries.clear()
        normalized = normalize(word)
        entry = _entries[word] = (normalized, stem(normalized) if normalized else "",
                                  normalized in ARABIC_STOPWORDS)
    return entry


def indexed_term(word: str) -> str:
    """The term a word is indexed under, or "" for a stopword or a word that normalizes away."""
    normalized, stemmed, stopped = analyze_word(word)
    return "" if stopped or not normalized else stemmed


_find_words = WORD_PATTERN.findall


class _ChunkTerms(dict):
    """Chunk as written (what `str.split()` cuts) -> the indexed terms of its words, "" for a word not indexed.

    No word of `WORD_PATTERN` holds a whitespace character, so a text's words are its chunks' words in
    order: the indexing path splits with `str.split` and looks each chunk up from C, and runs the
    regex only on a chunk it has not seen. Most chunks are one word (`isalnum`), and chunks repeat, with
    their punctuation, as words do.
    """

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        words = (chunk,) if chunk.isalnum() else _find_words(chunk)
        terms = self[chunk] = tuple(map(indexed_term, words))
        return terms


_chunk_terms = _ChunkTerms()


class FusedArabicAnalyzer(Analyzer):
    """Whoosh analyzer for Arabic; accepts the same keyword arguments as a composed chain."""

    is_morph = True

    def has_morph(self):
        return True

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize and removestops and not (chars or keeporiginal or no_morph):
            return self._terms_only(t, value, positions, start_pos)
        return self._general(t, value, positions, chars, keeporiginal, removestops, start_pos,
                             start_char, tokenize, no_morph)

    @staticmethod
    def _terms_only(t, value, positions, start_pos):
        """The indexing path: terms and positions only (what a Positions-format field asks for).

        The memo lookups run in C (`map`, `chain`); Python only touches the terms it yields.
        """
        terms = list(chain.from_iterable(map(_chunk_terms.__getitem__, value.split())))
        if not positions:
            for term in filter(None, terms):
                t.text = term
                yield t
            return
        # renumbered like StopFilter(renumber=True): the first kept word keeps its own index
        first = next((index for index, term in enumerate(terms) if term), 0)
        for pos, term in enumerate(filter(None, terms), start_pos + first):
            t.text = term
            t.pos = pos
            yield t

    @staticmethod
    def _general(t, value, positions, chars, keeporiginal, removestops, start_pos, start_char,
                 tokenize, no_morph):
        """Every other combination of options: offsets, stopwords kept, unstemmed, untokenized."""
        if tokenize:
            matches = ((m.group(), m.start(), m.end()) for m in WORD_PATTERN.finditer(value))
        else:  # the query parser asks for the whole value as one term
            t.original = value
            matches = iter([(value, 0, len(value))])
        pos = None
        for raw_pos, (word, start, end) in enumerate(matches, start_pos):
            normalized, term, stopped = analyze_word(word)
            if not normalized:
                continue
            if stopped:
                if removestops:
                    continue
                t.stopped = True
                if positions:
                    t.pos = raw_pos
            else:
                t.stopped = False
                if positions:
                    pos = raw_pos if pos is None else pos + 1
                    t.pos = pos
            t.text = normalized if no_morph else term
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t
