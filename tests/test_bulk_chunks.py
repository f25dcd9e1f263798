"""Chunk numbering for the bulk writer: ids name exactly the chunks `str.split()` cuts, whatever the hash does."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.build.chunks import _IS_SPACE, _LAST_SPACE, ChunkNumbers

# every kind of whitespace str.split() knows, characters that look like it but are not, anagrams (which a
# weak hash confuses), Arabic with harakat, a lone surrogate and a character outside the BMP
_PIECES = [" ", "\t", "\n", "\r", "\x0b", "\x1c", "\x85", "\xa0", "\u1680", "\u2003", "\u2028", "\u202f", "\u3000",
           "\u200b", "\u200c", "ab", "ba", "a", "abc", "cab", "الرَّئيسُ", "الرئيس", "\ud800", "\U0001f600", "،"]
_TEXTS = st.lists(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join), min_size=1, max_size=5)


class _Learned:
    """A `learn` callback that records the chunks it was given, ids in order."""

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def __call__(self, chunks: list[str]) -> int:
        first = len(self.chunks)
        self.chunks.extend(chunks)
        return first


def _check_batches(numbers: ChunkNumbers, learned: _Learned, batches) -> None:
    for texts in batches:
        ids, counts = numbers.number(texts)
        assert [learned.chunks[i] for i in ids.tolist()] == [chunk for text in texts for chunk in text.split()]
        assert counts.tolist() == [len(text.split()) for text in texts]
    assert len(set(learned.chunks)) == len(learned.chunks)  # each chunk learned once


@pytest.mark.parametrize("hash_base", [0x9E3779B97F4A7C15, 1, 0], ids=["production", "anagrams-collide", "all-collide"])
@settings(max_examples=60, deadline=None)
@given(batches=st.lists(_TEXTS, min_size=1, max_size=6))
def test_ids_are_the_split_chunks_even_when_hashes_collide(hash_base, batches):
    learned = _Learned()
    _check_batches(ChunkNumbers(learned, hash_base), learned, batches)


def test_a_colliding_chunk_keeps_one_id_across_batches():
    learned = _Learned()
    numbers = ChunkNumbers(learned, hash_base=1)  # with base 1 a chunk's hash is its code point sum and length
    first, _ = numbers.number(["ab ba"])
    second, _ = numbers.number(["ba ab ba"])
    assert first.tolist() == [0, 1] and second.tolist() == [1, 0, 1]
    assert learned.chunks == ["ab", "ba"]


def test_texts_without_chunks_count_zero():
    learned = _Learned()
    ids, counts = ChunkNumbers(learned).number(["", "  \n", "كتاب"])
    assert counts.tolist() == [0, 0, 1] and learned.chunks == ["كتاب"] and ids.tolist() == [0]
    ids, counts = ChunkNumbers(learned).number(["", " "])
    assert ids.dtype == np.int32 and len(ids) == 0 and counts.tolist() == [0, 0]


def test_long_chunks_hash_past_the_cached_powers():
    learned = _Learned()
    numbers = ChunkNumbers(learned)
    texts = ["ا" * 5000 + " " + "ا" * 4999 + "ب", "x" * 70000]
    _check_batches(numbers, learned, [texts, texts[::-1]])


def test_the_whitespace_table_is_str_isspace_for_every_code_point():
    spaces = [code for code in range(sys.maxunicode + 1) if chr(code).isspace()]
    assert max(spaces) <= _LAST_SPACE
    assert np.flatnonzero(_IS_SPACE).tolist() == spaces and not _IS_SPACE[-1]
