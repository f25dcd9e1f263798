"""Thin Whoosh filters around the pure rules, so analyzers compose as `Tokenizer() | Filter() | ...`.

None of them touches `startchar`/`endchar`: highlights land on the text as written.
"""
from __future__ import annotations

import re

from whoosh.analysis import Filter, StopFilter

from analyzers.normalize import light10_normalize, normalize
from analyzers.stem import light10_stem, stem
from analyzers.stopwords import is_stopword

_HAS_LETTER = re.compile(r"[^\W_]").search


class ArabicNormalizeFilter(Filter):
    """Replace each token's text with `normalize(text)`; drop tokens that normalize to nothing."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = normalize(t.text)
            if t.text:
                yield t


class _StopwordsAsWritten:
    """The container Whoosh's StopFilter tests words against: a word as written is "in" it when it is one of
    our stopwords, or when it normalizes to nothing (which ArabicNormalizeFilter drops after it)."""

    def __contains__(self, word: str) -> bool:
        normalized = normalize(word)
        return not normalized or is_stopword(word, normalized)


class ArabicStopFilter(StopFilter):
    """Whoosh's StopFilter (positions renumbered, stopwords marked when the caller keeps them), judging each
    word as written: whether a word is a stopword can depend on its spelling before normalization."""

    def __init__(self):
        super().__init__(stoplist=(), minsize=1)
        self.stops = _StopwordsAsWritten()


class ArabicStemFilter(Filter):
    """Replace each token's text with `stem(text)`."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem(t.text)
            yield t


class Light10NormalizeFilter(Filter):
    """Lucene's DecimalDigitFilter + ArabicNormalizationFilter; drops what is left with no letter
    (a tatweel-joined ZWNJ), which Lucene's tokenizer would never have emitted."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = light10_normalize(t.text)
            if _HAS_LETTER(t.text):
                yield t


class Light10StemFilter(Filter):
    """Lucene's ArabicStemFilter."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            t.text = light10_stem(t.text)
            yield t
