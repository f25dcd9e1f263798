"""Light Arabic stemming: strip clitics and inflectional affixes from one normalized token.

`light10_stem` is Lucene's ArabicStemmer (Larkey et al.'s light10) rule for rule;
`stem` is ours: light10's idea with its known failures fixed (see the tables and tests).
"""
from __future__ import annotations

from functools import lru_cache

# --- light10, exactly as Lucene's ArabicStemmer --------------------------------------------------
LIGHT10_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
LIGHT10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def light10_stem(token: str) -> str:
    """Strip at most one prefix, then every listed suffix that still fits, in table order."""
    for prefix in LIGHT10_PREFIXES:
        # wa- needs a word of at least 4 letters; the longer prefixes leave at least 2
        min_len = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(token) >= min_len and token.startswith(prefix):
            token = token[len(prefix):]
            break
    for suffix in LIGHT10_SUFFIXES:
        # every suffix must leave at least 2 letters
        if len(token) >= len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
    return token


# --- ours ----------------------------------------------------------------------------------------
# Definite article with the clitics that can precede it, longest first.
ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "ال", "ولل", "فلل", "لل")
# Inflectional suffixes, longest first; one is removed.
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ي")
MIN_STEM = 2  # no rule may leave fewer than 2 letters: Arabic roots have at least 2-3


def _strip_article(token: str) -> str:
    for prefix in ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix):]
    return token


def _strip_suffix(token: str) -> str:
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            return token[: -len(suffix)]
    return token


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """Return the light stem of one normalized token (see `normalize`)."""
    stripped = _strip_article(token)
    if stripped == token and token.startswith("و") and len(token) >= 4:
        stripped = token[1:]  # conjunction wa- on a word of 4+ letters
    return _strip_suffix(stripped)
