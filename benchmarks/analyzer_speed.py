"""Analyzer throughput: tokens/s of a production analyzer over real news text, as indexing calls it."""
from __future__ import annotations

import time
from collections.abc import Sequence


def count_tokens(analyzer, texts: Sequence[str]) -> int:
    """Run `analyzer` over every text the way a TEXT field with positions does; return the token count."""
    total = 0
    for text in texts:
        for _ in analyzer(text, positions=True, mode="index"):
            total += 1
    return total


def measure_analyzer(analyzer_name: str, texts: Sequence[str], second_pass: bool = False) -> dict:
    """One or two timed passes over `texts`. The first is the headline figure: it runs before the other sections,
    so no earlier work warmed the analyzer's memos (each distinct word's analysis and each distinct
    whitespace-separated chunk's terms) and it pays for every new word, as a fresh `reindex` does. The
    second, with every word already seen, is the ceiling a long-running process approaches."""
    from analyzers.registry import get_analyzer

    analyzer = get_analyzer(analyzer_name)
    first_tokens, first = _timed(count_tokens, analyzer, texts)
    measured = {"analyzer": analyzer_name, "texts": len(texts), "tokens": first_tokens,
                "seconds": round(first, 3), "tokens_per_s": _rate(first_tokens, first)}
    if second_pass:
        warm_tokens, warm = _timed(count_tokens, analyzer, texts)
        assert warm_tokens == first_tokens, "an analyzer must give the same tokens on a second pass"
        measured |= {"warm_seconds": round(warm, 3), "warm_tokens_per_s": _rate(warm_tokens, warm)}
    return measured


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _rate(tokens: int, seconds: float) -> float | None:
    return round(tokens / seconds, 1) if seconds > 0 else None
