"""The compiled chunk memo reads a text exactly as splitting it and analyzing each chunk would.

The memo is driven here by a toy analysis whose terms, term counts and skips are easy to predict, so a
wrong slot, a lost entry or a misread span shows as a wrong term. The production analysis is checked
through the analyzer (fused == composed chain) in test_analyzer_properties.py.
"""
import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import Token

from analyzers.chunk_memo import ChunkMemo, TermTokens

WORD_BREAKS = '/-_"'


def toy_analysis(chunk):
    """A chunk's words are its '.'-separated pieces; "stop" and empty pieces are not indexed."""
    words = chunk.split(".")
    terms = tuple(word.upper() for word in words if word and word != "stop")
    skip = next((k for k, word in enumerate(words) if word and word != "stop"), len(words))
    return terms, skip


def split_reading(text, analysis=toy_analysis):
    """What the memo must return, the slow way: split, analyze every chunk, count words before a term."""
    for mark in WORD_BREAKS:
        text = text.replace(mark, " ")
    terms, first, found = [], 0, False
    for chunk in text.split():
        chunk_terms, skip = analysis(chunk)
        if not found:
            first += skip
            found = bool(chunk_terms)
        terms.extend(chunk_terms)
    return terms, (first if found else 0)


class CountingAnalysis:
    def __init__(self):
        self.calls = []

    def __call__(self, chunk):
        self.calls.append(chunk)
        return toy_analysis(chunk)


PIECES = ["stop", "x", "CNN", "الرئيس", "الرَّئيسُ", "٢٠١٨", "é", "😀", "a😀", ".", "..", "stop.x", "x.stop.y",
          "\u00a0", "\u2003", "\u3000", " ", "\n", "/", "-", "_", '"', "مسؤول،", "ab" * 10, "ب" * 14, "ب" * 13,
          "z" * 70, "ش" * 80, "😀" * 3 + "ة" * 20]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=30).map("".join)


@settings(max_examples=400)
@given(st.lists(texts, min_size=1, max_size=6))
def test_memo_reads_every_text_as_splitting_it_would(batch):
    memo = ChunkMemo(toy_analysis, 1_000)
    for text in batch + batch:  # the second time round every chunk comes from the memo
        assert memo.text_terms(text) == split_reading(text)


def split_chunks_with(text, terms, analysis=toy_analysis):
    """Where `chunks_with` must find chunks, the slow way: each split chunk with one of `terms`, by offset."""
    for mark in WORD_BREAKS:
        text = text.replace(mark, " ")
    found, at = [], 0
    for chunk in text.split():
        at = text.index(chunk, at)
        if set(analysis(chunk)[0]) & terms:
            found.append((at, at + len(chunk)))
        at += len(chunk)
    return found


@settings(max_examples=400)
@given(st.lists(texts, min_size=1, max_size=6), st.sets(st.sampled_from(["X", "Y", "CNN", "الرئيس", "É", "A😀"])))
def test_chunks_with_finds_the_chunks_holding_a_term_where_they_stand(batch, terms):
    # the highlighter's question; asked before and after the memo has seen each text, of fresh or known chunks
    memo = ChunkMemo(toy_analysis, 1_000)
    for text in batch + batch:
        assert memo.chunks_with(text, terms) == split_chunks_with(text, terms)
        memo.text_terms(text)
    assert memo.chunks_with(batch[0], list(terms)) == split_chunks_with(batch[0], terms)  # any collection


def test_a_chunk_is_analyzed_once_whatever_the_width_of_the_text_holding_it():
    """An ASCII chunk is stored narrower than the Arabic or emoji text around it; it is still one chunk."""
    analysis = CountingAnalysis()
    memo = ChunkMemo(analysis, 1_000)
    for text in ["CNN news", "CNN في الخبر", "😀 CNN", "é CNN", "CNN"]:
        memo.text_terms(text)
    assert analysis.calls.count("CNN") == 1
    assert sorted(analysis.calls) == sorted({"CNN", "news", "في", "الخبر", "😀", "é"})
    assert len(memo) == 6


def test_long_and_astral_chunks_are_kept_apart_from_their_prefixes():
    """Chunks too long for a slot's own copy, or with characters past U+FFFF, are compared in full."""
    long_arabic = "ش" * 80
    chunks = [long_arabic, long_arabic + "ة", "ش" * 13, "ش" * 14, "a😀", "a😀b", "😀" * 40, "z" * 70, "z" * 71]
    analysis = CountingAnalysis()
    memo = ChunkMemo(analysis, 1_000)
    for _ in range(2):
        for chunk in chunks:
            for text in (chunk, f"é {chunk}", f"ب {chunk}", f"😀 {chunk}"):
                assert memo.text_terms(text) == split_reading(text)
    assert sorted(set(analysis.calls)) == sorted(set(chunks) | {"é", "ب", "😀"})
    assert len(analysis.calls) == len(set(analysis.calls))


def test_the_table_grows_and_keeps_every_chunk():
    memo = ChunkMemo(toy_analysis, 1_000_000)
    words = [f"w{n}" for n in range(100_000)]  # past the first table of 65,536 slots, twice
    text = " ".join(words)
    assert memo.text_terms(text) == ([word.upper() for word in words], 0)
    assert len(memo) == len(words)
    assert memo.text_terms(text)[0][-3:] == ["W99997", "W99998", "W99999"]


def test_past_its_limit_the_memo_empties_between_texts():
    analysis = CountingAnalysis()
    memo = ChunkMemo(analysis, 3)
    memo.text_terms("a b c d")  # a text is read whole, past the limit
    assert len(memo) == 4
    assert memo.text_terms("a e") == (["A", "E"], 0)  # emptied before this text: "a" is analyzed again
    assert len(memo) == 2
    assert analysis.calls == ["a", "b", "c", "d", "a", "e"]
    memo.clear()
    assert len(memo) == 0 and memo.text_terms("b") == (["B"], 0)


def test_an_analysis_that_uses_the_memo_itself_leaves_it_right():
    """A chunk's analysis may run code that reads other texts through the same memo (another thread
    does the same), filling and regrowing the table: the memo probes again before it stores."""
    memo = None

    def meddling_analysis(chunk):
        if chunk.startswith("m") and "." not in chunk:
            memo.text_terms(" ".join(f"{chunk}.{n}" for n in range(40_000)))
        return toy_analysis(chunk)

    memo = ChunkMemo(meddling_analysis, 1_000_000)
    text = "m1 x m2 y m1 m3"
    assert memo.text_terms(text) == split_reading(text)
    assert memo.text_terms(text) == split_reading(text)
    assert len(memo) == 3 * 40_000 + 5


def test_a_failing_analysis_raises_and_stores_nothing():
    def failing_analysis(chunk):
        if chunk == "bad":
            raise ValueError("no analysis for this chunk")
        return toy_analysis(chunk)

    memo = ChunkMemo(failing_analysis, 1_000)
    with pytest.raises(ValueError, match="no analysis"):
        memo.text_terms("good bad")
    assert len(memo) == 1
    assert memo.text_terms("good") == (["GOOD"], 0)


def test_an_analysis_must_give_terms_and_a_skip():
    memo = ChunkMemo(lambda chunk: ("not a pair",), 1_000)
    with pytest.raises(ValueError):
        memo.text_terms("word")
    with pytest.raises(ValueError, match="limit"):
        ChunkMemo(toy_analysis, 0)


def test_the_memo_holds_its_chunks_and_terms_alive():
    memo = ChunkMemo(lambda chunk: ((chunk + "!",), 0), 1_000)
    memo.text_terms("سلام " * 3)
    gc.collect()
    assert memo.text_terms("سلام") == (["سلام!"], 0)


def test_term_tokens_reuse_one_token_and_number_from_the_first_position():
    token = Token(positions=True)
    stream = TermTokens(token, ["A", "B", "C"], 5, True)
    seen = [(t is token, t.text, t.pos) for t in stream]
    assert seen == [(True, "A", 5), (True, "B", 6), (True, "C", 7)]
    assert list(stream) == []  # spent


def test_term_tokens_without_positions_set_no_position():
    token = Token()
    assert [t.text for t in TermTokens(token, ["A", "B"], 0, False)] == ["A", "B"]
    assert not hasattr(token, "pos")
