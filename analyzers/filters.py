"""Thin Whoosh filters around the pure rules, so analyzers compose as `Tokenizer() | Filter() | ...`.

None of them touches `startchar`/`endchar`: highlights land on the text as written.
"""
from __future__ import annotations

import re

from whoosh.analysis import Filter

from analyzers.normalize import light10_normalize, normalize
from analyzers.stem import light10_stem, stem

_HAS_LETTER = re.compile(r"[^\W_]").search


class ArabicNormalizeFilter(Filter):
    """Replace each token's text with `normalize(text)`; drop tokens that normalize to nothing."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = normalize(t.text)
            if t.text:
                yield t


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
