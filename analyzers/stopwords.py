"""The stopword lists: Lucene's raw Savoy list (for `light10`) and ours in normalized form."""
from __future__ import annotations

from importlib import resources

from analyzers.normalize import normalize


def _read_list(filename: str) -> frozenset[str]:
    text = resources.files("analyzers").joinpath(filename).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# Lucene's ArabicAnalyzer list, used exactly as Lucene does: before normalization.
LUCENE_STOPWORDS = _read_list("lucene_stopwords.txt")

# Ours: compared against normalized tokens, so every spelling of a stopword is caught.
ARABIC_STOPWORDS = frozenset(normalize(word) for word in LUCENE_STOPWORDS)
