"""The production Arabic analyzer as one loop: tokenizer, normalizer, stopwords and stemmer fused.

It yields exactly what `ArabicTokenizer() | ArabicNormalizeFilter() | StopFilter(...) |
ArabicStemFilter()` yields (a property test checks this), several times faster: one Token object is
reused, and memos map each distinct word to its analysis and each distinct whitespace-separated chunk
to its words' indexed terms (`ChunkMemo`, compiled), because word frequencies are Zipfian.
"""
from __future__ import annotations

import sys
from functools import lru_cache

from whoosh.analysis import Analyzer, Token

from analyzers.chunk_memo import ChunkMemo, TermTokens
from analyzers.normalize import normalize
from analyzers.stem import stem
from analyzers.stopwords import is_stopword
from analyzers.tokenizer import WORD_PATTERN, chunk_words, is_one_word

_MEMO_LIMIT = 1_000_000  # distinct words (or chunks) kept before a memo is cleared (bounds memory)
_MATCHED_CHUNKS = 100_000  # chunks whose word offsets a highlighter asked for, kept
_entries: dict[str, tuple[str, str, bool]] = {}  # word as written -> (normalized, stem, is stopword)


def analyze_word(word: str) -> tuple[str, str, bool]:
    """Return (normalized form, indexed term, is stopword) for one word as written, memoized."""
    entry = _entries.get(word)
    if entry is None:
        if len(_entries) >= _MEMO_LIMIT:
            _entries.clear()
        normalized = normalize(word)
        entry = _entries[word] = (normalized, stem(normalized) if normalized else "", is_stopword(word, normalized))
    return entry


def indexed_term(word: str) -> str:
    """The term a word is indexed under, or "" for a stopword or a word that normalizes away."""
    normalized, stemmed, stopped = analyze_word(word)
    return "" if stopped or not normalized else stemmed


# Punctuation that news glues to words ("الرئيس،", «القدس», (2018)). None of it is a word character, a
# mark or an invisible control, so a chunk that is one of these runs around a core that `is_one_word`
# is that one word, exactly as `WORD_PATTERN` reads it. (/ - _ " never reach it: the chunk memo reads
# them as spaces.)
_GLUED_PUNCTUATION = ".,،؛;:!?؟'«»()[]{}<>\\|–—…*•"


def chunk_analysis(chunk: str) -> tuple[tuple[str, ...], int]:
    """What `ChunkMemo` keeps for a chunk it has not seen: (the indexed terms of its words, interned so
    that the hot path hands out few distinct objects; how many words come before the first term, all of
    them when there is none). StopFilter(renumber=True) numbers a text's kept words from its first one."""
    if is_one_word(chunk):  # most chunks: the same result as the general way below, sooner
        term = indexed_term(chunk)
        return ((sys.intern(term),), 0) if term else ((), 1)
    core = chunk.strip(_GLUED_PUNCTUATION)
    terms = [indexed_term(core)] if core and is_one_word(core) else list(map(indexed_term, chunk_words(chunk)))
    skip = next((k for k, term in enumerate(terms) if term), len(terms))
    return tuple(sys.intern(term) for term in terms if term), skip


_chunk_memo = ChunkMemo(chunk_analysis, _MEMO_LIMIT)


def text_terms(text: str) -> list[str]:
    """The terms `text` is indexed under, in order (the analyzer's indexing path, without tokens)."""
    return _chunk_memo.text_terms(text)[0]


@lru_cache(maxsize=_MATCHED_CHUNKS)
def _chunk_tokens(chunk: str) -> tuple[tuple[str, int, int], ...]:
    """(term, start, end) of each token the analyzer gives a chunk, offsets within the chunk; asked only of
    the few chunks a highlighter marks, and remembered."""
    return tuple((t.text, t.startchar, t.endchar) for t in FusedArabicAnalyzer()(chunk, chars=True, mode="index"))


def term_spans(text: str, terms: frozenset[str] | set[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of every word whose indexed term is in `terms`, in text order: the offsets of
    the analyzer's tokens (chars=True) that a highlighter marks, found through the chunk memo."""
    spans = []
    for start, end in _chunk_memo.chunks_with(text, terms):
        spans.extend((start + first, start + last) for term, first, last in _chunk_tokens(text[start:end])
                     if term in terms)
    return spans


class FusedArabicAnalyzer(Analyzer):
    """Whoosh analyzer for Arabic; accepts the same keyword arguments as a composed chain."""

    is_morph = True

    def has_morph(self):
        return True

    term_spans = staticmethod(term_spans)  # what a highlighter asks for, without the token stream

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize and removestops and not (chars or keeporiginal or no_morph):
            return self._terms_only(t, value, positions, start_pos)
        return self._general(t, value, positions, chars, keeporiginal, removestops, start_pos,
                             start_char, tokenize, no_morph)

    @staticmethod
    def _terms_only(t, value, positions, start_pos):
        """The indexing path: terms and positions only (what a Positions-format field asks for)."""
        terms, first = _chunk_memo.text_terms(value)
        # renumbered like StopFilter(renumber=True): the first kept word keeps its own index
        return TermTokens(t, terms, start_pos + first, positions)

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
