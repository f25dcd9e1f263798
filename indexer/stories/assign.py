"""Story ids, decided once per article when it is indexed: it joins the story of its most similar earlier
article, or founds a story of its own.

An article joins when some earlier article, published within STORY_DAYS of it (or either undated), shares
at least SAME_STORY of its fingerprint (`fingerprint.similarity`); of several, the most similar one's story
wins, the earliest indexed on a tie. The window keeps apart the recurring reports that reuse one
template (the morning's oil prices, the weekly match report), which are not one story however alike they
read. A story's id is a number made from its founder's id and fingerprint, so a story keeps its id when
its founder is deleted, and a replaced founder with another text cannot revive an id still in use.

`StoryIndex` is the in-memory LSH of a full rebuild (fed batches of signatures by a Whoosh rebuild's
`build.story_segment`, and by `with_stories` for the cluster); `add` uses `BatchStories`, which asks
the live index for candidates by band key (each engine in its own way) and adds the batch's own articles.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from datetime import datetime

import numpy as np
from whoosh.util.times import datetime_to_long

from indexer.codec.runs import span_indices
from indexer.stories.fingerprint import BANDS, EMPTY, NUM_PERM, SAME_STORY, band_hashes, band_keys, signatures

STORY_DAYS = 3
_STORY_MICROS = STORY_DAYS * 86_400 * 1_000_000
UNDATED = -1  # a missing publication time, in the microsecond arrays below
BUCKET_MEMBERS = 32  # members of one bucket compared, the most recent first: boilerplate fills buckets
_FIRST_RUN = 4096  # band keys in the smallest sorted run of StoryIndex
_SEEN_BITS = 1 << 27  # StoryIndex's bitmap of band keys seen (16 MiB, its pages taken as they are touched)
STORY_BATCH = 250  # articles fingerprinted together: numpy's per-call cost against a batch's memory


@dataclass(frozen=True, slots=True)
class StoryMark:
    """What an article is indexed with: its story id and its band keys (`fingerprint.band_keys`, space-
    separated, for later articles' lookups)."""

    story: int
    bands: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An already indexed article that shares a band with a new one."""

    story: int
    signature: np.ndarray
    published: datetime | None


def story_number(article_id: str, signature: np.ndarray) -> int:
    """A new story's id: 63 bits of a digest of its founder's id and fingerprint."""
    digest = hashlib.blake2b(article_id.encode("utf-8") + signature.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def story_text(story: int) -> str:
    """A story id as the API shows it: 16 hex digits."""
    return f"{story:016x}"


def parse_story_text(text: str) -> int | None:
    """The story id of its API form, or None when `text` is not one."""
    if len(text) != 16 or any(char not in "0123456789abcdef" for char in text):
        return None
    return int(text, 16)


def micros(published: datetime | None) -> int:
    """A publication time as microseconds since 0001-01-01 (Whoosh's datetime long), UNDATED for none."""
    return UNDATED if published is None else datetime_to_long(published)


def _joinable(published: int, others: np.ndarray) -> np.ndarray:
    return (published == UNDATED) | (others == UNDATED) | (np.abs(others - published) <= _STORY_MICROS)


def choose_story(signature: np.ndarray, published: datetime | None, candidates: Sequence[Candidate]) -> int | None:
    """The story an article joins among `candidates` (in indexing order), or None to found its own."""
    if not candidates:
        return None
    matrix = np.stack([candidate.signature for candidate in candidates])
    times = np.array([micros(candidate.published) for candidate in candidates], dtype=np.int64)
    best = _best(signature, micros(published), matrix, times)
    return None if best is None else candidates[best].story


def _best(signature: np.ndarray, published: int, matrix: np.ndarray, times: np.ndarray) -> int | None:
    """The row of the most similar joinable candidate at SAME_STORY or above (the first on a tie)."""
    shared = np.count_nonzero(matrix == signature, axis=1) / signature.shape[0]
    shared[~_joinable(published, times)] = 0.0
    best = int(np.argmax(shared))
    return best if shared[best] >= SAME_STORY else None


class StoryIndex:
    """The stories of a rebuild, assigned in indexing order with an LSH held in memory.

    A batch is handled with numpy: every (article, earlier article) pair that shares a band, from earlier
    batches and from within the batch, is compared at once; only following the chosen stories through the
    batch is a Python loop. Band keys live in sorted runs that merge as a binary counter does (an LSM of
    12 bytes a key), not in a dict of lists, which would take about a kilobyte an article at 300k articles.
    Most band keys of news (93% on ant-v2.1) belong to no earlier article, so a bitmap of the keys seen (a
    Bloom filter with one hash) spares those the search through the runs.
    """

    def __init__(self) -> None:
        self._signatures = np.zeros((0, NUM_PERM), dtype=np.uint32)
        self._stories = np.zeros(0, dtype=np.int64)
        self._published = np.zeros(0, dtype=np.int64)
        self._count = 0
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, member of each key)
        self._seen = np.zeros(_SEEN_BITS // 8, dtype=np.uint8)

    def assign(self, articles: Sequence) -> list[StoryMark]:
        """The story marks of a batch of articles (anything with id, body and published), in order."""
        times = np.array([micros(article.published) for article in articles], dtype=np.int64)
        return self.assign_signed([article.id for article in articles], times,
                                  signatures([article.body for article in articles]))

    def assign_signed(self, ids: Sequence[str], times: np.ndarray, batch: np.ndarray) -> list[StoryMark]:
        """The story marks of a batch given as ids, publication times (`micros`) and signatures, in order
        (a parallel rebuild's workers fingerprint their own articles, and send only these)."""
        hashes = band_hashes(batch)
        fingerprinted = np.flatnonzero(~(batch == EMPTY).all(axis=1))
        keys = (hashes[fingerprinted].astype(np.int64) | (np.arange(BANDS, dtype=np.int64) << 32)).ravel()
        rows = np.repeat(fingerprinted, BANDS)
        pair_rows, pair_members = self._pairs(keys, rows)
        best = self._best_members(batch, times, pair_rows, pair_members)
        stories: list[int] = []
        for row, article_id in enumerate(ids):
            member = best.get(row)
            if member is None:
                stories.append(story_number(article_id, batch[row]))
            elif member < self._count:
                stories.append(int(self._stories[member]))
            else:
                stories.append(stories[member - self._count])
        self._append(batch, times, stories, keys, rows)
        bands = [""] * len(ids)
        for row in fingerprinted.tolist():
            bands[row] = hashes[row].astype(">u4").tobytes().hex(" ", 4)  # band_keys, space-separated
        return [StoryMark(story, band_text) for story, band_text in zip(stories, bands)]

    def _pairs(self, keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of the batch, earlier member) for each shared band, the BUCKET_MEMBERS latest of a bucket."""
        found_rows, found_members = [], []
        byte, bit = _seen_slots(keys)
        seen = self._seen[byte] & bit != 0
        query_keys, query_rows = keys[seen], rows[seen]
        ascending = np.argsort(query_keys)
        query = query_keys[ascending]  # sorted queries walk a run in order, cache-friendly
        for run_keys, run_members in self._runs:
            ends = np.empty(len(query), dtype=np.int64)
            starts = np.empty(len(query), dtype=np.int64)
            ends[ascending] = np.searchsorted(run_keys, query, side="right")
            starts[ascending] = np.searchsorted(run_keys, query, side="left")
            starts = np.maximum(starts, ends - BUCKET_MEMBERS)
            lengths = ends - starts
            found_members.append(run_members[span_indices(starts, lengths)])
            found_rows.append(np.repeat(query_rows, lengths))
        order = np.lexsort((rows, keys))  # within the batch: each key's rows in order
        sorted_keys, sorted_rows = keys[order], rows[order]
        position = np.arange(len(order))
        group_start = np.maximum.accumulate(np.where(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]], position, 0)) \
            if len(order) else position
        starts = np.maximum(group_start, position - BUCKET_MEMBERS)
        lengths = position - starts
        found_members.append(sorted_rows[span_indices(starts, lengths)] + self._count)
        found_rows.append(np.repeat(sorted_rows, lengths))
        return np.concatenate(found_rows), np.concatenate(found_members)

    def _best_members(self, batch: np.ndarray, times: np.ndarray, rows: np.ndarray,
                      members: np.ndarray) -> dict[int, int]:
        """Each row's most similar joinable member at SAME_STORY or above, the earliest on a tie."""
        if not len(rows):
            return {}
        pairs = np.unique((rows.astype(np.int64) << 32) | members)  # rows and members are below 2**31
        rows, members = pairs >> 32, pairs & 0xFFFFFFFF
        old = members < self._count
        other = np.empty((len(members), batch.shape[1]), dtype=np.uint32)
        other[old] = self._signatures[members[old]]
        other[~old] = batch[members[~old] - self._count]
        other_times = np.empty(len(members), dtype=np.int64)
        other_times[old] = self._published[members[old]]
        other_times[~old] = times[members[~old] - self._count]
        shared = np.count_nonzero(other == batch[rows], axis=1) / batch.shape[1]
        chosen = (shared >= SAME_STORY) & _joinable(times[rows], other_times)
        rows, members, shared = rows[chosen], members[chosen], shared[chosen]
        order = np.lexsort((members, -shared, rows))
        rows, members = rows[order], members[order]
        first = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=bool)
        return dict(zip(rows[first].tolist(), members[first].tolist()))

    def _append(self, batch: np.ndarray, times: np.ndarray, stories: list[int], keys: np.ndarray,
                rows: np.ndarray) -> None:
        count = self._count + len(batch)
        if count > len(self._stories):
            capacity = max(count, 2 * len(self._stories), 1024)
            self._signatures = _grown(self._signatures, (capacity, batch.shape[1]))
            self._stories = _grown(self._stories, (capacity,))
            self._published = _grown(self._published, (capacity,))
        self._signatures[self._count:count] = batch
        self._stories[self._count:count] = stories
        self._published[self._count:count] = times
        members = rows.astype(np.int64) + self._count
        self._count = count
        if len(keys):
            np.bitwise_or.at(self._seen, *_seen_slots(keys))
            order = np.argsort(keys, kind="stable")  # equal keys stay in indexing order
            self._runs.append((keys[order], members[order]))
            self._merge_runs()

    def _merge_runs(self) -> None:
        """Merge the newest runs while the last is at least half the size of the one before it (or small)."""
        while len(self._runs) > 1 and (2 * len(self._runs[-1][0]) >= len(self._runs[-2][0])
                                       or len(self._runs[-2][0]) < _FIRST_RUN):
            (older_keys, older_members), (newer_keys, newer_members) = self._runs[-2:]
            keys = np.concatenate((older_keys, newer_keys))
            members = np.concatenate((older_members, newer_members))
            order = np.argsort(keys, kind="stable")
            self._runs[-2:] = [(keys[order], members[order])]


def _seen_slots(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each band key lives in StoryIndex's bitmap of keys seen: (byte, bit mask) of its low bits (the
    keys are hashes already)."""
    bits = keys & (_SEEN_BITS - 1)
    return bits >> 3, np.left_shift(1, bits & 7).astype(np.uint8)


def _grown(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    grown = np.zeros(shape, dtype=array.dtype)
    if len(array):
        grown[:len(array)] = array
    return grown


def with_stories(articles: Iterable, batch_size: int = STORY_BATCH) -> Iterator[tuple[object, StoryMark]]:
    """Each article with the story a rebuild assigns it, in input order (as a parallel rebuild's workers do)."""
    stories = StoryIndex()
    articles = iter(articles)
    while batch := list(islice(articles, batch_size)):
        yield from zip(batch, stories.assign(batch))


LiveCandidates = Callable[[list[str]], list[Candidate]]  # band keys -> live articles sharing one, oldest first


class BatchStories:
    """The story marks of one `add` batch: candidates from the live index (`live`, by band key) and from
    the batch's earlier articles."""

    def __init__(self, live: LiveCandidates) -> None:
        self._live = live
        self._batch: list[tuple[frozenset[str], Candidate]] = []

    def mark(self, article) -> StoryMark:
        signature = signatures([article.body])[0]
        bands = band_keys(signature)
        keys = frozenset(bands)
        candidates = (self._live(bands) if bands else []) + [
            candidate for held, candidate in self._batch if held & keys]
        story = choose_story(signature, article.published, candidates)
        if story is None:
            story = story_number(article.id, signature)
        self._batch.append((keys, Candidate(story, signature, article.published)))
        return StoryMark(story, " ".join(bands))
