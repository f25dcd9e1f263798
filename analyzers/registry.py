"""The analyzers the engine offers, by name: production (`arabic`) and the baselines it is measured against."""
from __future__ import annotations

from whoosh.analysis import Analyzer, LowercaseFilter, StandardAnalyzer, StopFilter

from analyzers.filters import (ArabicNormalizeFilter, ArabicStemFilter, ArabicStopFilter,
                               Light10NormalizeFilter, Light10StemFilter)
from analyzers.fused import FusedArabicAnalyzer
from analyzers.stopwords import LUCENE_STOPWORDS
from analyzers.tokenizer import ArabicTokenizer


def arabic_analyzer() -> Analyzer:
    """Ours, the default: normalize, drop normalized stopwords, light-stem (fused for speed)."""
    return FusedArabicAnalyzer()


def composed_arabic_analyzer() -> Analyzer:
    """The same analyzer as a composable chain; `arabic_analyzer()` is its fused equivalent."""
    return ArabicTokenizer() | ArabicStopFilter() | ArabicNormalizeFilter() | ArabicStemFilter()


def normalize_analyzer() -> Analyzer:
    """Tokenize and normalize only: no stopwords, no stemming (the `normalize` baseline)."""
    return ArabicTokenizer() | ArabicNormalizeFilter()


def light10_analyzer() -> Analyzer:
    """Lucene's ArabicAnalyzer: lowercase, Savoy stopwords before normalization, normalizer, light10."""
    return (ArabicTokenizer() | LowercaseFilter() | StopFilter(stoplist=LUCENE_STOPWORDS, minsize=1)
            | Light10NormalizeFilter() | Light10StemFilter())


_FACTORIES = {
    "whoosh-standard": StandardAnalyzer,
    "normalize": normalize_analyzer,
    "light10": light10_analyzer,
    "arabic": arabic_analyzer,
}
ANALYZER_NAMES = tuple(_FACTORIES)


def get_analyzer(name: str = "arabic") -> Analyzer:
    """Return a fresh analyzer by name; raises ValueError naming the valid ones."""
    try:
        return _FACTORIES[name]()
    except KeyError:
        raise ValueError(f"unknown analyzer {name!r}; choose one of {', '.join(ANALYZER_NAMES)}") from None
