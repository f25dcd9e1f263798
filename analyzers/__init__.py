"""Arabic text analysis for the search engine: pure `normalize` and `stem` rules and the Whoosh analyzer built on them."""
from analyzers.normalize import normalize
from analyzers.registry import ANALYZER_NAMES, arabic_analyzer, get_analyzer
from analyzers.stem import stem

__all__ = ["ANALYZER_NAMES", "arabic_analyzer", "get_analyzer", "normalize", "stem"]
