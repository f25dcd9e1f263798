"""posting_builder groups word ids into exactly the postings and lengths Whoosh's analyzers produce."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.registry import arabic_analyzer, normalize_analyzer
from analyzers.tokenizer import WORD_PATTERN
from indexer.build.word_fields import FUSED_ARABIC, TOKENIZE_NORMALIZE
from indexer.build.group_postings import STOP_RENUMBERED, TOKEN_INDEX, group_postings, kept_positions

DOCUMENTS = [
    "في الرَّئيسُ قال إن الوزير في واشنطن",  # stopwords first and in the middle, harakat inside a word
    "",  # empty field
    "الوزير الوزير الوزيرُ وزير",  # one term several times, with and without a final mark
    "من في على",  # stopwords only
    "Apple iPhone 15 و 3.5 مليار ١٢٣",  # Latin, digits with a separator, Arabic-Indic digits
    "ـــ كتاب ـــ كتب",  # tatweel-only words normalize away
]


def reference_postings(analyzer, documents: list[str], positions: bool) -> dict:
    """term -> [(docnum, freq, positions)], from the Whoosh analyzer itself, as Positions.word_values reads it."""
    postings = defaultdict(list)
    for docnum, text in enumerate(documents):
        found: dict[str, list[int]] = defaultdict(list)
        for token in analyzer(text, positions=True, mode="index"):
            found[token.text].append(token.pos)
        for term, poslist in found.items():
            postings[term].append((docnum, len(poslist), poslist if positions else None))
    return dict(postings)


def analyzer_lengths(analyzer, documents: list[str]) -> list[int]:
    """Whoosh's field length of each document: how many tokens the analyzer keeps."""
    return [sum(1 for _ in analyzer(text, mode="index")) for text in documents]


def built_postings(analysis, documents: list[str], positions: bool) -> tuple[dict, np.ndarray]:
    """The same postings from word ids via `group_postings`, terms numbered in sorted order."""
    words = [WORD_PATTERN.findall(text) for text in documents]
    terms_of_word = {word: analysis.term(word) for doc in words for word in doc}
    distinct = sorted({term for term in terms_of_word.values() if term})
    rank = {term: index for index, term in enumerate(distinct)}
    token_terms = np.array([rank.get(terms_of_word[word], -1) for doc in words for word in doc], dtype=np.int32)
    doc_starts = np.concatenate(([0], np.cumsum([len(doc) for doc in words]))).astype(np.int64)
    grouped = group_postings(token_terms, doc_starts, analysis.numbering if positions else None)
    result = {}
    cumulative = np.concatenate(([0], np.cumsum(grouped.freqs)))
    for index, term_id in enumerate(grouped.term_ids):
        rows = []
        for posting in range(grouped.term_starts[index], grouped.term_starts[index + 1]):
            poslist = None
            if positions:
                poslist = grouped.positions[cumulative[posting]:cumulative[posting + 1]].tolist()
            rows.append((int(grouped.docnums[posting]), int(grouped.freqs[posting]), poslist))
        result[distinct[term_id]] = rows
    return result, grouped.lengths


@pytest.mark.parametrize("analysis, analyzer", [(FUSED_ARABIC, arabic_analyzer()),
                                                (TOKENIZE_NORMALIZE, normalize_analyzer())])
@pytest.mark.parametrize("positions", [True, False])
def test_grouped_postings_equal_the_analyzers_own(analysis, analyzer, positions):
    built, lengths = built_postings(analysis, DOCUMENTS, positions)
    expected = reference_postings(analyzer, DOCUMENTS, positions)
    assert built == expected
    assert lengths.tolist() == analyzer_lengths(analyzer, DOCUMENTS)


def test_stop_renumbered_positions_keep_the_first_kept_index_then_count_on():
    # words: x . y . z  (-1 = dropped); the first kept word keeps index 1, later ones follow without gaps
    token_terms = np.array([-1, 5, -1, 6, -1, 7, 3], dtype=np.int32)
    doc_starts = np.array([0, 6, 7])
    assert kept_positions(token_terms, doc_starts, STOP_RENUMBERED).tolist() == [1, 2, 3, 0]
    assert kept_positions(token_terms, doc_starts, TOKEN_INDEX).tolist() == [1, 3, 5, 0]


def test_no_tokens_gives_no_postings():
    grouped = group_postings(np.zeros(0, dtype=np.int32), np.array([0, 0, 0]), STOP_RENUMBERED)
    assert grouped.term_ids.tolist() == [] and grouped.term_starts.tolist() == [0]
    assert grouped.docnums.tolist() == [] and grouped.positions.tolist() == []


WORDS = ["في", "من", "الوزير", "وزيرٌ", "الرَّئيسُ", "كتاب", "كتب", "ـــ", "Apple", "15", "3.5", "١٢", "و", "إن",
         "المدينةالمنورة"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join), min_size=1, max_size=6))
def test_grouped_postings_match_the_fused_analyzer_on_any_word_mix(documents):
    built, lengths = built_postings(FUSED_ARABIC, documents, True)
    assert built == reference_postings(arabic_analyzer(), documents, True)
    assert lengths.tolist() == analyzer_lengths(arabic_analyzer(), documents)


def test_span_indices_gathers_every_span_in_turn():
    from indexer.codec.runs import span_indices

    assert span_indices([5, 0, 9], [2, 3, 0]).tolist() == [5, 6, 0, 1, 2]
    assert span_indices([], []).tolist() == []
