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


def measure_analyzer(analyzer_name: str, texts: Sequence[str]) -> dict:
    """One timed pass over `texts`; runs before the other sections so no earlier work warmed the analyzer's
    memos (each distinct word's analysis and each distinct whitespace-separated chunk's terms)."""
    from analyzers.registry import get_analyzer

    analyzer = get_analyzer(analyzer_name)
    started = time.perf_counter()
    tokens = count_tokens(analyzer, texts)
    seconds = time.perf_counter() - started
    return {"analyzer": analyzer_name, "texts": len(texts), "tokens": tokens, "seconds": round(seconds, 3),
            "tokens_per_s": round(tokens / seconds, 1) if seconds > 0 else None}
