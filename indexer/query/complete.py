"""Search as you type: completions of the typed text from a table of the index's words, engine-neutral.

The last word typed is completed by prefix over the vocabulary of the unstemmed `exact` field, so diacritics
and hamza forms do not matter (both sides are normalized), and the article does not either (words are keyed
without ال). Words rank by how many articles hold them. When the word before it and the completed word are a
common pair (وزير الخارجية), the phrase comes first. Completions are shown in the words' most common written
form (إسرائيل, not the normalized اسرائيل). Each engine builds a `CompletionTable` from its own data
(`completion_index` for Whoosh, `opensearch.completion` for the cluster) and calls `complete`.
"""
from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterable, Mapping

import numpy as np

ARTICLE = "ال"
MIN_STEM_AFTER_ARTICLE = 2  # ال + at least two letters is an article; الي, الا are words of their own
MIN_PAIR_COUNT = 3  # a pair seen this often (in all articles) is a phrase worth offering
MAX_COMPLETIONS = 10
LAST_KEY = "\U0010ffff"  # sorts after every character: [prefix, prefix + LAST_KEY) is the prefix's range


def typed_article(prefix: str) -> bool:
    """Whether a typed (normalized) prefix starts with the article: ال alone counts, as the reader is typing."""
    return prefix.startswith(ARTICLE)


def without_article(term: str) -> str:
    """The key a normalized term is found under: الخارجية and خارجية are both خارجية."""
    if term.startswith(ARTICLE) and len(term) >= len(ARTICLE) + MIN_STEM_AFTER_ARTICLE:
        return term[len(ARTICLE):]
    return term


class CompletionTable:
    """The index's words grouped by key (the term without its article), sorted for prefix ranges.

    Per key, two candidates: the most frequent term of the group, and its most frequent form with the
    article, which is offered when the reader typed the article (الم offers المصري, never من).
    """

    def __init__(self, vocabulary: Mapping[str, int], forms: Mapping[str, str],
                 pairs: Mapping[str, list[tuple[str, int]]], analyzer) -> None:
        """`vocabulary`: term -> articles holding it; `forms`: term -> its most common written form where that
        differs; `pairs`: term -> [(next term, count)], most common first, common pairs only; `analyzer`: the
        `exact` field's, which the typed text goes through."""
        self.analyzer = analyzer
        groups: dict[str, list] = {}  # key -> [df, term, df with the article, term with the article]
        for term, df in sorted(vocabulary.items(), key=lambda item: (-item[1], item[0])):
            if df <= 0:
                continue
            key = without_article(term)
            group = groups.get(key)
            if group is None:
                group = groups[key] = [df, term, 0, ""]
            if key != term and not group[3]:
                group[2], group[3] = df, term
        self.keys = sorted(groups)
        rows = [groups[key] for key in self.keys]
        self.df = np.array([row[0] for row in rows], dtype=np.int64)
        self.term = [row[1] for row in rows]
        self.article_df = np.array([row[2] for row in rows], dtype=np.int64)
        self.article_term = [row[3] for row in rows]
        self.forms = dict(forms)
        self.pairs = dict(pairs)

    def written(self, term: str) -> str:
        return self.forms.get(term, term)

    def words(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The `limit` most frequent (term, df) that complete the normalized `prefix`.

        A prefix that starts with the article completes to article forms of the words after it (الخار:
        الخارجية), and to words that start with those letters themselves (الي, الا).
        """
        if not typed_article(prefix):
            return self._range(prefix, False, limit)
        found = dict(self._range(prefix[len(ARTICLE):], True, limit))
        for term, df in self._range(prefix, False, limit * 3):
            if term.startswith(prefix):
                found.setdefault(term, df)
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def _range(self, key: str, article_forms: bool, limit: int) -> list[tuple[str, int]]:
        """The `limit` most frequent groups whose key starts with `key`, as (term, df): the article form of
        each group when `article_forms`, else its most frequent term."""
        lo = bisect_left(self.keys, key)
        hi = bisect_left(self.keys, key + LAST_KEY, lo)
        if lo == hi:
            return []
        counts = (self.article_df if article_forms else self.df)[lo:hi]
        terms = self.article_term if article_forms else self.term
        floor = 1
        if len(counts) > limit:
            floor = max(1, int(np.partition(counts, len(counts) - limit)[len(counts) - limit]))
        chosen = np.flatnonzero(counts >= floor).tolist()
        ranked = sorted(chosen, key=lambda i: (-int(counts[i]), self.keys[lo + i]))[:limit]
        return [(terms[lo + i], int(counts[i])) for i in ranked]

    def next_words(self, previous: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Common (term, count) that follow `previous` and match `prefix` as `words` matches it."""
        found = []
        for term, count in self.pairs.get(previous, ()):
            if term.startswith(prefix) or (not typed_article(prefix) and without_article(term).startswith(prefix)):
                found.append((term, count))
                if len(found) == limit:
                    break
        return found


def merge_pairs(rows: Iterable[tuple[str, str, int]], minimum: int = MIN_PAIR_COUNT) -> dict[str, list]:
    """term -> [(next term, count)], most common first, of the pairs seen `minimum` times in all."""
    totals: dict[tuple[str, str], int] = {}
    for first, second, count in rows:
        totals[first, second] = totals.get((first, second), 0) + count
    merged: dict[str, list] = {}
    for (first, second), count in totals.items():
        if count >= minimum:
            merged.setdefault(first, []).append((second, count))
    for followers in merged.values():
        followers.sort(key=lambda item: (-item[1], item[0]))
    return merged


def merge_forms(tables: Iterable[Mapping[str, list]]) -> dict[str, str]:
    """term -> its most common written form (ties: the smaller string), where that is not the term itself."""
    totals: dict[str, dict[str, int]] = {}
    for forms in tables:
        for term, counted in forms.items():
            into = totals.setdefault(term, {})
            for form, count in counted:
                into[form] = into.get(form, 0) + count
    best = {term: min(counted.items(), key=lambda item: (-item[1], item[0]))[0] for term, counted in totals.items()}
    return {term: form for term, form in best.items() if form != term}


def complete(table: CompletionTable, text: str, limit: int = MAX_COMPLETIONS) -> dict:
    """The completion response: `{"query", "completions": [{"text", "kind", "count"}], "took_ms"}`.

    The reader's own text is kept up to the last word, which is replaced by the completion; text that ends
    in a space completes the next word of a phrase only.
    """
    started = time.perf_counter()
    return {"query": text, "completions": _completions(table, text, limit),
            "took_ms": round((time.perf_counter() - started) * 1000, 3)}


def _completions(table: CompletionTable, text: str, limit: int) -> list[dict]:
    head, last = _split_last(text)
    previous = _last_term(table.analyzer, head)
    prefix = _last_term(table.analyzer, last) if last else ""
    if last and not prefix:  # the last word normalizes away (only marks or punctuation): nothing to complete
        return []
    found: dict[str, dict] = {}
    if previous:
        for term, count in table.next_words(previous, prefix, limit):
            found.setdefault(head + table.written(term), {"kind": "phrase", "count": count})
    if prefix:
        for term, count in table.words(prefix, limit):
            found.setdefault(head + table.written(term), {"kind": "word", "count": count})
    return [{"text": completion, **about} for completion, about in list(found.items())[:limit]]


def _split_last(text: str) -> tuple[str, str]:
    """(everything before the last word, the last word); the last word is "" when `text` ends in a space."""
    if not text or text[-1].isspace():
        return text, ""
    cut = max(text.rfind(space) for space in (" ", "\t", "\n", "\u00a0")) + 1
    return text[:cut], text[cut:]


def _last_term(analyzer, text: str) -> str:
    """The normalized form of the last word of `text` (the `exact` field's analysis), or ""."""
    terms = [token.text for token in analyzer(text)]
    return terms[-1] if terms else ""
