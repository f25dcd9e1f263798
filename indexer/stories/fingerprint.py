"""MinHash signatures of an article's opening words, and the LSH band keys that find similar signatures.

Two reports of one event by different outlets share their facts, names and many word pairs in their
opening paragraph (news is written as an inverted pyramid), while the rest of the body drifts into
background the outlets tell differently. So the fingerprint is the set of consecutive pairs of indexed
terms (our analyzer's stems, stopwords left out) among the first STORY_WORDS words of the body, and two
articles are the same story when that set's Jaccard similarity, estimated from datasketch MinHash
signatures, reaches SAME_STORY. An opening of fewer than MIN_TERMS terms (a caption, a copyright line)
says too little to tell one story from another, and gets no fingerprint.

The signatures are datasketch's (its `affine32` permutations with the murmur3 finalizer, fed our 32-bit
shingle hashes), computed for a whole batch of articles with numpy: `MinHash.update_batch` one article at
a time costs about 190 µs an article, four times the rest of indexing's budget for this. A test checks
that both give the same values. Band keys follow the band and row counts datasketch's MinHashLSH picks
for CANDIDATE_SIMILARITY, a little below SAME_STORY so that pairs near the line are still compared; each is
hashed to 32 bits and indexed as a term, so that `add` finds candidates in the live index with one term
lookup a band (a rare hash collision only adds a candidate, which the similarity then refuses), and a
deleted article's bands go with it.

datasketch is the reference, not a run-time import: importing it loads scipy (0.4 s and 46 MiB a process;
in a rebuild of 6,000 articles, a third of the instructions stories added to each worker), so the permutations are drawn here as datasketch draws
them and the band shape is written down, and tests check both, and every signature, against datasketch.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import chain

import numpy as np

from analyzers.chunk_memo import ChunkMemo, words_end
from analyzers.fused import chunk_analysis

STORY_WORDS = 80  # the opening words of the body that are compared
SAME_STORY = 0.25  # estimated Jaccard similarity of the pair sets from which two articles are one story
CANDIDATE_SIMILARITY = 0.2  # the LSH's threshold: pairs this similar become candidates with high probability
MIN_TERMS = 12
NUM_PERM = 64
SEED = 1
_MEMO_LIMIT = 1_000_000

BANDS, ROWS = 28, 2  # MinHashLSH(threshold=CANDIDATE_SIMILARITY, num_perm=NUM_PERM).b and .r
EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)  # the signature of no words at all


def _affine32_permutations(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The multipliers (odd) and offsets of datasketch's `affine32` permutations, drawn as datasketch 2.0
    draws them (`MinHash(num_perm=count, seed=seed, scheme="affine32").permutations`; a test checks)."""
    generator = np.random.RandomState(seed)
    multipliers = generator.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    return multipliers, generator.randint(0, 1 << 32, count, dtype=np.uint32)


_MULTIPLIERS, _OFFSETS = _affine32_permutations(SEED, NUM_PERM)


def _opening(body: str) -> str:
    """The body up to the end of its STORY_WORDS-th word."""
    return body[:words_end(body, STORY_WORDS)]


class _TermHashes(dict):
    """Term -> its crc32, hashed at first sight (news has a few hundred thousand terms, in far more chunks)."""

    def __missing__(self, term: str) -> int:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        value = self[term] = zlib.crc32(term.encode("utf-8"))
        return value


term_hash = _TermHashes().__getitem__  # term -> the stable 32-bit hash it is fingerprinted by


def _chunk_term_hashes(chunk: str) -> tuple[tuple[int, ...], int]:
    """What the openings' memo keeps for a chunk: the crc32 of each of its terms (`chunk_analysis`)."""
    terms, skip = chunk_analysis(chunk)
    return tuple(map(term_hash, terms)), skip


# Openings are read through a chunk memo of their terms' hashes: a chunk seen before costs one probe, with no
# term strings handed out and no lookup of each term's hash (an opening of chunks all seen before: 112k -> 85k
# instructions, measured with callgrind over 6,000 ant-v2.1 bodies).
_opening_hashes = ChunkMemo(_chunk_term_hashes, _MEMO_LIMIT)


def term_hashes(body: str) -> list[int]:
    """The stable 32-bit hashes (crc32) of the indexed terms of the body's first STORY_WORDS words, in order
    (the analyzer's own terms, as `analyzers.fused.text_terms` gives them; a test checks)."""
    return _opening_hashes.text_terms(_opening(body))[0]


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def shingle_hashes(terms: np.ndarray) -> np.ndarray:
    """One 32-bit hash per pair of consecutive terms."""
    return (terms[:-1] * np.uint32(0x9E3779B1)) ^ _fmix32(terms[1:])


def signatures(bodies: Sequence[str]) -> np.ndarray:
    """The MinHash signature of each body's pair set, as rows of a (len(bodies), NUM_PERM) uint32 array."""
    per_body = list(map(term_hashes, bodies))
    sizes = np.fromiter(map(len, per_body), dtype=np.int64, count=len(bodies))
    return term_signatures(np.fromiter(chain.from_iterable(per_body), dtype=np.uint32, count=int(sizes.sum())), sizes)


def term_signatures(terms: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The signatures of a batch given as its openings' term hashes (`term_hashes`), every article's end to
    end, and each article's count of them.

    All articles' terms are paired in one pass; a pair across two articles is dropped, a repeated pair changes
    no minimum (so no per-article deduplication is needed); an article of fewer than MIN_TERMS terms gets EMPTY.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    small = sizes < MIN_TERMS
    if small.any():
        terms = terms[np.repeat(~small, sizes)]
        sizes = np.where(small, 0, sizes)
    result = np.tile(EMPTY, (len(sizes), 1))
    filled = np.flatnonzero(sizes)
    if not len(filled):
        return result
    pairs = shingle_hashes(terms)  # pair k joins terms k and k + 1
    ends = np.cumsum(sizes[filled])
    keep = np.ones(len(pairs), dtype=bool)
    keep[ends[:-1] - 1] = False  # the pair from one article's last term to the next one's first
    shingles = _fmix32(pairs[keep])
    starts = np.concatenate(([0], np.cumsum(sizes[filled] - 1)[:-1]))  # every filled article has >= 2 terms
    with np.errstate(over="ignore"):  # uint32 arithmetic wraps, as datasketch's does
        permuted = _MULTIPLIERS[:, None] * shingles[None, :] + _OFFSETS[:, None]  # one contiguous row per permutation
    result[filled] = np.minimum.reduceat(permuted, starts, axis=1).T
    return result


def band_hashes(signatures: np.ndarray) -> np.ndarray:
    """The LSH bucket of each band of each signature, as a (rows, BANDS) uint32 array: the band's rows
    hashed together with the band's number, so that equal rows of two bands are different buckets."""
    rows = signatures[:, :BANDS * ROWS].reshape(len(signatures), BANDS, ROWS)
    mixed = np.broadcast_to(np.arange(BANDS, dtype=np.uint32) * np.uint32(0x9E3779B1), rows.shape[:2])
    with np.errstate(over="ignore"):
        for row in range(ROWS):
            mixed = _fmix32((mixed ^ rows[:, :, row]) * np.uint32(0x85EBCA6B))
    return mixed


def band_keys(signature: np.ndarray) -> list[str]:
    """The buckets of a signature's bands (`band_hashes`) as indexable terms, 8 hex digits each; none for
    an empty signature."""
    if np.array_equal(signature, EMPTY):
        return []
    return [f"{value:08x}" for value in band_hashes(signature[None, :])[0].tolist()]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity of two pair sets, estimated from their signatures (datasketch's estimate)."""
    if np.array_equal(first, EMPTY) or np.array_equal(second, EMPTY):
        return 0.0
    return float(np.count_nonzero(first == second)) / NUM_PERM
