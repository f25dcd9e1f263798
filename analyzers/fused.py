"""The production Arabic analyzer as one loop: tokenizer, normalizer, stopwords and stemmer fused.

It yields exactly what `ArabicTokenizer() | ArabicNormalizeFilter() | StopFilter(...) |
ArabicStemFilter()` yields (a property test checks this), at several times the speed: one compiled
regex finds the words and a memo maps each distinct word to its indexed term, because word
frequencies are Zipfian.
"""
from __future__ import annotations

from whoosh.analysis import Analyzer, Token

from analyzers.normalize import normalize
from analyzers.stem import stem
from analyzers.stopwords import ARABIC_STOPWORDS
from analyzers.tokenizer import WORD_PATTERN

_MEMO_LIMIT = 1_000_000  # distinct words kept before the memo is cleared (bounds memory)
_memo: dict[str, tuple[str, str, bool]] = {}  # word -> (normalized, stem, is_stopword)


def analyze_word(word: str) -> tuple[str, str, bool]:
    """Return (normalized form, indexed term, is stopword) for one word as written, memoized."""
    entry = _memo.get(word)
    if entry is None:
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        normalized = normalize(word)
        entry = _memo[word] = (normalized, stem(normalized), normalized in ARABIC_STOPWORDS)
    return entry


class FusedArabicAnalyzer(Analyzer):
    """Whoosh analyzer for Arabic; accepts the same keyword arguments as a composed chain."""

    is_morph = True

    def has_morph(self):
        return True

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        memo = _memo
        if not tokenize:  # the query parser asks for the whole value as one term
            t.original = value
            matches = [(value, 0, len(value))]
        else:
            matches = ((m.group(), m.start(), m.end()) for m in WORD_PATTERN.finditer(value))
        pos = None  # renumbered position of the last kept token, as StopFilter(renumber=True) does
        for raw_pos, (word, start, end) in enumerate(matches, start_pos):
            entry = memo.get(word) or analyze_word(word)
            normalized, term, stopped = entry
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
