"""Highlights: whole words marked as written (diacritics, prefixes), everything else escaped."""
import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.registry import composed_arabic_analyzer, get_analyzer
from indexer.query.highlight import (
    MAX_WORD_CHARS, WordTerms, _window_counts, _word_end, _word_start, highlight_body, highlight_title, mark_spans,
)

ARABIC = get_analyzer("arabic")
COMPOSED = composed_arabic_analyzer()  # the same analysis without a term_spans of its own
MARKED = re.compile(r"<mark>(.*?)</mark>")


def terms_of(text):
    return {token.text for token in ARABIC(text, mode="query")}


def test_diacritized_word_is_marked_whole():
    # "the defence minister" fully vowelled; the query is bare
    title = "وَزِيرُ الدِّفَاعِ"
    assert highlight_title(title, ARABIC, terms_of("الدفاع")) == "وَزِيرُ <mark>الدِّفَاعِ</mark>"


def test_prefixed_and_tatweel_words_are_marked_as_written():
    # "and-the-visit" and a tatweel-stretched "the visit" both match "visit"
    title = "والزيارة الزيــارة"
    assert MARKED.findall(highlight_title(title, ARABIC, terms_of("زيارة"))) == ["والزيارة", "الزيــارة"]


def test_a_mark_never_starts_or_ends_inside_a_word():
    # "the minister postponed his visit to Washington, and the visit was planned"
    body = "أعلن وزيرُ الدِّفاعِ تأجيلَ زيارتِه لواشنطن، والزيارة كانت مقررة. " * 20
    marked = highlight_body(body, ARABIC, terms_of("الزيارة الدفاع"))
    assert "<mark>" in marked
    for match in re.finditer(r"(.)?<mark>[^<]*</mark>(.)?", marked):
        before, after = match.group(1) or " ", match.group(2) or " "
        assert not before.isalpha() and not after.isalpha(), match.group()


def test_markup_is_escaped_and_only_marks_are_tags():
    body = "<script>alert('x')</script> خبر عن <b>الاقتصاد</b> & الأسواق"
    marked = highlight_body(body, ARABIC, terms_of("الاقتصاد"))
    assert "&lt;script&gt;" in marked and "&amp;" in marked
    assert re.sub(r"</?mark>", "", marked) == html.escape(body)
    assert MARKED.findall(marked) == ["الاقتصاد"]


def test_body_without_matches_starts_at_the_beginning():
    body = " ".join(["كلمة"] * 200)  # "word" × 200
    snippet = highlight_body(body, ARABIC, {"غير"})
    assert snippet.startswith("كلمة") and snippet.endswith("…") and "<mark>" not in snippet


def test_best_fragments_hold_the_matches_of_a_long_body():
    filler = " ".join(["نص"] * 300)  # "text" × 300
    body = f"{filler} الانتخابات البرلمانية {filler} نتائج الانتخابات {filler}"
    snippet = highlight_body(body, ARABIC, terms_of("الانتخابات"), fragment_chars=80)
    assert snippet.count("<mark>") == 2
    assert " … " in snippet  # two fragments, separated


def test_spans_outside_the_window_are_not_marked():
    assert mark_spans("abc def", [(0, 3), (4, 7)], 0, 5) == "<mark>abc</mark> d"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["الدِّفاعِ", "والزيارة", "وزير", "<b>", "&", "،", "الـــزيارة", "abc", "٣"]),
                max_size=30).map(" ".join))
def test_chunked_analysis_equals_whole_text_analysis(text):
    terms = terms_of("الدفاع الزيارة وزير abc")
    whole = [(t.startchar, t.endchar) for t in ARABIC(text, chars=True, mode="index") if t.text in terms]
    assert WordTerms(ARABIC).spans(text, terms) == whole


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["وزير", "الوزير", "ووزير", "abc", "xabc", "abcx", "covid-19", "19"]),
                          st.sampled_from([" ", "\n", "  ", "\t "])), max_size=30)
       .map(lambda parts: "".join(word + gap for word, gap in parts)))
def test_matches_found_inside_longer_words_are_not_marked(text):
    # "minister", "the minister", "and a minister": a matched word also stands inside longer chunks
    terms = terms_of("وزير abc 19")
    whole = [(t.startchar, t.endchar) for t in ARABIC(text, chars=True, mode="index") if t.text in terms]
    assert WordTerms(ARABIC).spans(text, terms) == whole


SHARED_WORDS = WordTerms(ARABIC)  # one memo across examples, as a server keeps it across queries


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["الدِّفاعِ", "والزيارة", "وزير", "الوزير", "covid-19", "19", "abc", "،", "زيارته"]),
                max_size=30).map(" ".join),
       st.sets(st.sampled_from(["الدفاع", "الزيارة", "وزير", "abc", "19", "covid"]), min_size=1))
def test_remembered_chunks_give_the_spans_of_a_fresh_analysis(text, words):
    # the memo learned from earlier texts and other queries must not change what a text marks
    terms = terms_of(" ".join(words))
    whole = [(t.startchar, t.endchar) for t in ARABIC(text, chars=True, mode="index") if t.text in terms]
    assert SHARED_WORDS.spans(text, terms) == whole


# Text a news body can hold around its words: diacritics, hamza forms, tatweel, joiners, Arabic-Indic digits,
# Latin, the joining punctuation the chunk memo reads as spaces (/ - _ "), glued punctuation, odd spaces.
WIDE_TEXT = st.text(st.sampled_from(list("وزيرالدفاعأإآؤئءةىبن") + ["\u064e", "\u0651", "\u0640", "\u200c", "\u200f",
                                    "٣", "3", ".", "a", "B", "/", "-", "_", '"', "،", "(", "»", " ", "\n", "\u00a0"]),
                    max_size=60)


@settings(max_examples=300, deadline=None)
@given(WIDE_TEXT, st.integers(0, 2 ** 16))
def test_both_highlight_paths_give_the_token_streams_spans(text, choice):
    # the fused analyzer's own term_spans (compiled chunk memo) and the general inverted memo, over the same
    # analysis: each must mark exactly the tokens of the whole text whose terms the query holds
    tokens = [(t.text, t.startchar, t.endchar) for t in ARABIC(text, chars=True, mode="index")]
    terms = {term for k, (term, _, _) in enumerate(tokens) if choice >> (k % 16) & 1} | {"وزير"}
    whole = [(start, end) for term, start, end in tokens if term in terms]
    assert WordTerms(ARABIC).spans(text, terms) == whole
    assert WordTerms(COMPOSED).spans(text, terms) == whole


def test_the_fused_analyzer_offers_its_own_spans_and_a_chain_does_not():
    # so that the test above covers two paths, not one twice
    assert hasattr(ARABIC, "term_spans") and not hasattr(COMPOSED, "term_spans")


def _quadratic_window_counts(spans, words, windows):
    """The plain definition the sliding count must equal: each anchor's run, counted on its own."""
    out = []
    for i, (_, end) in enumerate(windows):
        inside = [j for j in range(i, len(spans)) if spans[j][1] <= end] or [i]
        out.append((len({words[j] for j in inside}), len(inside)))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 12), st.sampled_from("abc")), min_size=1, max_size=25),
       st.integers(5, 80))
def test_sliding_window_counts_equal_the_plain_definition(gaps_and_words, width):
    spans, words, at = [], [], 0
    for gap, size, word in gaps_and_words:
        spans.append((at + gap, at + gap + size))
        words.append(word)
        at += gap + size
    windows = [(max(0, start - width // 4), max(0, start - width // 4) + width) for start, _ in spans]
    assert _window_counts(spans, words, windows) == _quadratic_window_counts(spans, words, windows)


def _walked_word_start(text, index):
    limit = max(0, index - MAX_WORD_CHARS)
    while index > limit and not text[index - 1].isspace():
        index -= 1
    return index


def _walked_word_end(text, index):
    limit = min(len(text), index + MAX_WORD_CHARS)
    while index < limit and not text[index].isspace():
        index += 1
    return index


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["ب", "a", " ", "\n", "\u00a0", "\u200f", "x" * 30]), max_size=40).map("".join),
       st.integers(0, 10_000))
def test_fragment_edges_stop_at_whitespace_or_the_word_limit(text, index):
    # a fragment edge moves to the word boundary, but never further than MAX_WORD_CHARS
    index = index % (len(text) + 1)
    assert _word_start(text, index) == _walked_word_start(text, index)
    assert _word_end(text, index) == _walked_word_end(text, index)
