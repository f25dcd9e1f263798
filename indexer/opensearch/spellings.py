"""The spelling variants of the cluster's live vocabulary: the index's terms that share a query term's skeleton.

The embedded engine hands the variant finder its whole body vocabulary; a cluster's vocabulary is spread over
its shards, so each article also carries `spelling_keys`: "skeleton<TAB>term" for every body term the finder
could take as a live variant (analyzers.spelling_variants: long enough, Arabic, a skeleton of four letters or
more). Before a query is expanded one msearch asks, per query term, for the keys of its skeleton with their
document counts (a terms aggregation restricted to the key's prefix) and for the counts of the shipped
table's spellings of it; a VariantFinder over exactly those terms decides as the embedded engine's does.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from analyzers.spelling_variants import (ARABIC_TERM, MIN_LIVE_LENGTH, MIN_LIVE_SKELETON, variant_skeleton,
                                         variant_skeletons)
from indexer.query.expansion import Spellings
from indexer.query.spellings import spellings_of, table_spellings

SPELLING_KEYS = "spelling_keys"
SEPARATOR = "\t"
MAX_SPELLINGS_PER_KEY = 64  # terms of one skeleton the cluster reports (a real name has a handful)
REMEMBER_SECONDS = 60.0  # a term's answer is reused this long: a spelling added meanwhile shows after it
REMEMBERED_TERMS = 20_000
_LUCENE_REGEX_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')


def _eligible(term: str) -> bool:
    return len(term) >= MIN_LIVE_LENGTH and ARABIC_TERM.fullmatch(term) is not None


def spelling_keys(terms: Iterable[str]) -> list[str]:
    """The `spelling_keys` of an article whose body analyzed into `terms`."""
    distinct = sorted({term for term in terms if _eligible(term)})
    return [f"{skeleton}{SEPARATOR}{term}" for term, skeleton in zip(distinct, variant_skeletons(distinct))
            if len(skeleton) >= MIN_LIVE_SKELETON]


class ClusterSpellings:
    """Spellings for one index; `prepare(terms)` reads what the query's terms need, in one msearch."""

    def __init__(self, msearch: Callable[[list[dict], str], list[dict]], index: str, body_field: str) -> None:
        self._msearch = msearch
        self._index = index
        self._body_field = body_field
        self._remembered: dict[str, tuple[float, dict[str, int]]] = {}
        self._docs: tuple[float, int] = (0.0, 0)

    def for_terms(self, terms: Iterable[str]) -> Spellings:
        """A finder over the vocabulary that `terms` can reach (their skeletons' terms and table spellings)."""
        now = time.monotonic()
        wanted = [term for term in dict.fromkeys(terms) if term]
        fresh = lambda stamp: now - stamp < REMEMBER_SECONDS  # noqa: E731
        missing = [term for term in wanted if not fresh(self._remembered.get(term, (-1e9, None))[0])]
        if missing or not fresh(self._docs[0]):
            self._read(missing, now)
        vocabulary: dict[str, int] = {}
        for term in wanted:
            vocabulary.update(self._remembered[term][1])
        return spellings_of(vocabulary, self._docs[1])

    def _read(self, terms: list[str], now: float) -> None:
        lines, answers = [{"index": self._index}, {"size": 0, "track_total_hits": True, "query": {"match_all": {}}}], []
        for term in terms:
            counted = [term, *table_spellings(term)]
            for other in counted:
                lines += [{"index": self._index}, {"size": 0, "track_total_hits": True,
                                                   "query": {"term": {self._body_field: other}}}]
            skeleton = variant_skeleton(term) if _eligible(term) else ""
            live = len(skeleton) >= MIN_LIVE_SKELETON
            if live:
                key = skeleton + SEPARATOR
                lines += [{"index": self._index}, {"size": 0, "query": {"prefix": {SPELLING_KEYS: key}}, "aggs": {
                    "spellings": {"terms": {"field": SPELLING_KEYS, "size": MAX_SPELLINGS_PER_KEY,
                                            "include": _LUCENE_REGEX_SPECIAL.sub(r"\\\1", key) + ".*"}}}}]
            answers.append((term, counted, live))
        responses = iter(self._msearch(lines, self._index))
        self._docs = (now, next(responses)["hits"]["total"]["value"])
        if len(self._remembered) > REMEMBERED_TERMS:
            self._remembered.clear()
        for term, counted, live in answers:
            vocabulary = {other: next(responses)["hits"]["total"]["value"] for other in counted}
            if live:
                for bucket in next(responses)["aggregations"]["spellings"]["buckets"]:
                    vocabulary[bucket["key"].split(SEPARATOR, 1)[1]] = bucket["doc_count"]
            self._remembered[term] = (now, {other: df for other, df in vocabulary.items() if df > 0})
