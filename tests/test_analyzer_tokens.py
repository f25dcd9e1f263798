"""The tokenizer and the analyzers as Whoosh sees them: words, offsets, positions, query mode."""
import sys

import pytest

from analyzers import arabic_analyzer, get_analyzer
from analyzers.tokenizer import WORD_PATTERN, ArabicTokenizer, chunk_words, is_one_word


def words(text):
    return [t.text for t in ArabicTokenizer()(text)]


def spans(text, analyzer=None, **kwargs):
    analyzer = analyzer or arabic_analyzer()
    return [(t.text, text[t.startchar:t.endchar]) for t in analyzer(text, chars=True, **kwargs)]


TOKENIZER_CASES = [
    ("الرَّئِيسُ الجديد", ["الرَّئِيسُ", "الجديد"], "the new president: harakat stay inside the word"),
    ("#اليوم_الوطني", ["اليوم", "الوطني"], "hashtag 'national day': split on _ so it matches the words"),
    ("وا\u200cشنطن", ["وا\u200cشنطن"], "Washington with a ZWNJ inside is one word"),
    ("\u200fواشنطن\u200f", ["واشنطن"], "RLM around a word is not part of it"),
    ("زار Trump الرياض", ["زار", "Trump", "الرياض"], "mixed Arabic and English: Trump visited Riyadh"),
    ("نما 3.5% في ٢٠١٨", ["نما", "3.5", "في", "٢٠١٨"], "grew 3.5% in 2018: decimals stay whole"),
    ("جمــيل", ["جمــيل"], "tatweel inside a word"),
    ("قال: «لا»...", ["قال", "لا"], "punctuation and guillemets are not words"),
    ("المدينةالمنورة", ["المدينة", "المنورة"], "Medina with the space after ة left out: ة ends a word"),
    ("مدينةٌ كبيرة", ["مدينةٌ", "كبيرة"], "a big city: tanween on ة stays with its word"),
    ("ةُالمنورة", ["ةُ", "المنورة"], "a mark after ة does not join the next letter"),
]


@pytest.mark.parametrize("text, expected, gloss", TOKENIZER_CASES, ids=[c[2] for c in TOKENIZER_CASES])
def test_tokenizer_finds_words(text, expected, gloss):
    assert words(text) == expected


def test_whoosh_standard_splits_at_the_shadda_and_ours_does_not():
    text = "الرَّئيسُ"  # the president
    assert len(list(get_analyzer("whoosh-standard")(text))) == 2
    assert spans(text) == [("رءيس", "الرَّئيسُ")]


def test_highlight_offsets_cover_the_diacritized_word_as_written():
    text = "قال الرَّئِيسُ لواشنطن؟"  # the president said to Washington?
    assert spans(text) == [("قال", "قال"), ("رءيس", "الرَّئِيسُ"), ("واشنطن", "لواشنطن")]


def test_start_char_and_start_pos_shift_offsets_and_positions():
    tokens = [(t.pos, t.startchar) for t in arabic_analyzer()("وزير الدفاع", positions=True, chars=True,
                                                              start_pos=10, start_char=100)]
    assert tokens == [(10, 100), (11, 105)]


def test_stopwords_leave_no_gap_in_positions_so_phrases_match():
    # "the visit of the minister to Washington": إلى is a stopword
    tokens = [(t.text, t.pos) for t in arabic_analyzer()("زيارة الوزير إلى واشنطن", positions=True)]
    assert tokens == [("زيارة", 0), ("وزير", 1), ("واشنطن", 2)]


def test_stopwords_are_kept_and_marked_when_the_highlighter_asks():
    tokens = [(t.text, t.stopped) for t in arabic_analyzer()("الوزير في واشنطن", removestops=False)]
    assert tokens == [("وزير", False), ("في", True), ("واشنطن", False)]


def test_query_mode_analyzes_like_index_mode():
    text = "والزيارة لواشنطن"  # and the visit, to Washington
    assert [t.text for t in arabic_analyzer()(text, mode="query")] == [t.text for t in arabic_analyzer()(text)]


def test_untokenized_value_is_one_normalized_stemmed_term():
    assert [t.text for t in arabic_analyzer()("الحكومة", tokenize=False)] == ["حكومة"]


def test_no_morph_gives_normalized_unstemmed_words():
    assert [t.text for t in arabic_analyzer()("الحكومات", no_morph=True)] == ["الحكومات"]


def test_keeporiginal_keeps_the_word_as_written():
    assert [t.original for t in arabic_analyzer()("الرَّئيسُ", keeporiginal=True)] == ["الرَّئيسُ"]


# Question words that reach the query with a preposition or conjunction on them, and a bare article:
# none of them names a topic, so none may become a query term. (word, gloss)
QUESTION_FORMS = [
    ("بماذا", "by what / with what"),
    ("لمن", "for whom"),
    ("بأي", "in which / by which"),
    ("ومتى", "and when"),
    ("ال", "a bare article, never a word on its own"),
    ("اللتى", "which (f.), a frequent misspelling of التي"),
    ("اللذى", "which (m.), the same misspelling of الذي"),
    ("اللذان", "which (dual)"),
    ("مما", "from what / which"),
]


@pytest.mark.parametrize("word, gloss", QUESTION_FORMS, ids=[c[1] for c in QUESTION_FORMS])
def test_question_forms_are_stopwords(word, gloss):
    assert [t.text for t in arabic_analyzer()(f"{word} تقع القاهرة؟")] == ["يقع", "قاهرة"]


WHITESPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


@pytest.mark.parametrize("context", ["ب{}ب", "1{}2", "بَ{}ب", "ب\u200c{}ب", "a{}_", "3.{}5"])
def test_no_word_holds_whitespace_so_chunks_can_be_analyzed_alone(context):
    """The analyzer (and the bulk indexer) cut text with `str.split()` and find words chunk by chunk."""
    for space in WHITESPACE:
        text = context.format(space)
        assert WORD_PATTERN.findall(text) == [word for chunk in text.split() for word in WORD_PATTERN.findall(chunk)]


@pytest.mark.parametrize("chunk, one_word", [
    ("الوزير", True), ("2018", True), ("مدينة", True), ("ة", True),
    ("المدينةالمنورة", False), ("الوزير،", False), ("الرَّئيس", False), ("3.5", False),
])
def test_a_chunk_is_one_word_without_the_regex_only_when_the_regex_agrees(chunk, one_word):
    assert is_one_word(chunk) is one_word
    assert list(chunk_words(chunk)) == WORD_PATTERN.findall(chunk)
