"""The production Arabic analyzer as one loop: tokenizer, normalizer, stopwords and stemmer fused.

It yields exactly what `ArabicTokenizer() | ArabicNormalizeFilter() | StopFilter(...) |
ArabicStemFilter()` yields (a property test checks this), several times faster: one Token object is
reused, and memos map each distinct word to its analysis and each distinct whitespace-separated chunk
to its words' indexed terms, because word frequencies are Zipfian.
"""
from __future__ import annotations

import sys
from itertools import count

from whoosh.analysis import Analyzer, Token

from analyzers.normalize import normalize
from analyzers.stem import stem
from analyzers.stopwords import ARABIC_STOPWORDS
from analyzers.tokenizer import WORD_PATTERN, chunk_words, is_one_word

_MEMO_LIMIT = 1_000_000  # distinct words (or chunks) kept before a memo is cleared (bounds memory)
_entries: dict[str, tuple[str, str, bool]] = {}  # word as written -> (normalized, stem, is stopword)


def analyze_word(word: str) -> tuple[str, str, bool]:
    """Return (normalized form, indexed term, is stopword) for one word as written, memoized."""
    entry = _entries.get(word)
    if entry is None:
        if len(_entries) >= _MEMO_LIMIT:
            _entries.clear()
        entry = _entries[word] = _analysis(word)
    return entry


def _analysis(word: str) -> tuple[str, str, bool]:
    """`analyze_word` without the memo, for callers that keep the result in a memo of their own."""
    normalized = normalize(word)
    return normalized, stem(normalized) if normalized else "", normalized in ARABIC_STOPWORDS


def indexed_term(word: str) -> str:
    """The term a word is indexed under, or "" for a stopword or a word that normalizes away."""
    return _term(analyze_word(word))


def _term(analysis: tuple[str, str, bool]) -> str:
    """Stopwords and words that normalize away are not indexed; every other word is, by its stem."""
    normalized, stemmed, stopped = analysis
    return "" if stopped or not normalized else stemmed


# Punctuation that news glues to words ("الرئيس،", «القدس», (2018)). None of it is a word character, a
# mark or an invisible control, so a chunk that is one of these runs around a core that `is_one_word`
# is that one word, exactly as `WORD_PATTERN` reads it.
_GLUED_PUNCTUATION = ".,،؛;:!?؟'«»()[]{}<>\\|–—…*•"  # / - " never reach it: see _WORD_BREAKS
# Characters that join two words into one chunk in news text (أيار/مايو, 2-1, #اليوم_الوطني, لـ"سكاي) and
# are never inside a word: read as spaces, they leave every text with the same words and far fewer
# chunks of several words (texts with one: 12,122 -> about 1,500 of ant-v2.1's 31,525).
_WORD_BREAKS = ("/", "-", "_", '"')
# Joins the terms of a chunk of several words. A term is a normalized word: NFKC never yields NUL and
# no word holds one (a space would not do: NFKC turns ﷺ into four words' letters, one token).
_TERM_SEPARATOR = "\x00"
_multi_term_chunks: set[str] = set()  # chunks whose terms are several, held as one joined string


class _ChunkTerms(dict):
    """Chunk as written (what `str.split()` cuts) -> the terms its words are indexed under, as one string.

    No word of `WORD_PATTERN` holds a whitespace character, so a text's words are its chunks' words in
    order: the indexing path splits with `str.split` and looks each chunk up from C, and runs the regex
    only on a chunk it has not seen. Chunks repeat, with their punctuation, as words do.

    The value is "" when no word of the chunk is indexed and the term itself when one is, so a text's
    terms are `filter(None, map(...))` with no per-chunk iterator. A chunk of several indexed words
    that `_WORD_BREAKS` leave joined (العربية.نت, 18:00) holds them joined by `_TERM_SEPARATOR` and is
    listed in `_multi_term_chunks`, so a text that has one is split into its terms. Each term is one
    interned string object, so the hot lookups touch few distinct objects.
    """

    def __missing__(self, chunk: str) -> str:
        if is_one_word(chunk):  # which this memo now holds: not kept in `_entries` too
            terms = sys.intern(_term(_analysis(chunk)))
        else:
            core = chunk.strip(_GLUED_PUNCTUATION)
            if core and is_one_word(core):
                terms = self[core]
            else:
                terms = _TERM_SEPARATOR.join(filter(None, map(indexed_term, chunk_words(chunk))))
                if _TERM_SEPARATOR in terms:
                    _multi_term_chunks.add(chunk)
                else:
                    terms = sys.intern(terms)
        self[chunk] = terms
        return terms


_chunk_terms = _ChunkTerms()


def _text_terms(chunks: list[str]) -> list[str]:
    """The terms of a text's chunks, in order."""
    if len(_chunk_terms) >= _MEMO_LIMIT:  # cleared between texts, never while one is being read
        _chunk_terms.clear()
        _multi_term_chunks.clear()
    terms = list(filter(None, map(_chunk_terms.__getitem__, chunks)))
    if _multi_term_chunks.isdisjoint(chunks):
        return terms
    return _TERM_SEPARATOR.join(terms).split(_TERM_SEPARATOR)


def _words_before_first_term(chunks: list[str]) -> int:
    """How many words precede the first indexed one: StopFilter(renumber=True) numbers kept words from
    there on. Usually 0 or 1 (a leading في or و), so only the first chunks are read again."""
    skipped = 0
    for chunk in chunks:
        for word in chunk_words(chunk):
            if indexed_term(word):
                return skipped
            skipped += 1
    return 0


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

        The memo lookups run in C (`map`, `filter`); Python only touches the terms it yields.
        """
        for mark in _WORD_BREAKS:
            value = value.replace(mark, " ")
        chunks = value.split()
        terms = _text_terms(chunks)
        if not positions:
            for t.text in terms:
                yield t
            return
        # renumbered like StopFilter(renumber=True): the first kept word keeps its own index
        first = start_pos + _words_before_first_term(chunks)
        for t.pos, t.text in zip(count(first), terms):
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
