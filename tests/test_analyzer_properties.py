"""Property tests: normalize is idempotent, offsets slice the text, nothing raises, fused == composed."""
import string
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers import ANALYZER_NAMES, arabic_analyzer, get_analyzer, normalize
from analyzers.fused import _GLUED_PUNCTUATION
from analyzers.normalize import _CONTROL_TABLE, _FOLD_TABLE
from analyzers.registry import composed_arabic_analyzer

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + list("ٱکیپچگ")
ARABIC_MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640", "\u06d6", "\u0654"]
CONTROLS = ["\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u202b", "\u2067", "\u200b", "\u180e"]
DIGITS = [chr(c) for c in range(0x0660, 0x066A)] + list("0123456789") + ["\u066b", ".", ","]
PRESENTATION = [chr(c) for c in (0xFEFB, 0xFDF2, 0xFE91, 0xFB8E, 0xFDFA)]
# the fused analyzer reads a word with this punctuation glued around it without its regex: cover all of it
PUNCTUATION = (list(" \n\t؟?،,.!«»:;()-_#*\"'") + ["\u00a0", "\u2003", "\u3000", "\u2028", "\x85", "\x1c"]
               + list(_GLUED_PUNCTUATION))
WORDS = ["في", "من", "وزير", "الوزير", "لواشنطن", "زيارته", "مسؤول", "مسئول", "الرَّئِيسُ", "CNN",
         "والله", "ملك", "حكومات", "٢٠١٨", "3.5", "#اليوم_الوطني", "المدينةالمنورة", "مدينةٌ", "على", "علي",
         "عَلَى", "علىٰ", "عليهم", "ﻋﻠﻰ"]

arabic_text = st.lists(
    st.one_of(st.sampled_from(ARABIC_LETTERS), st.sampled_from(ARABIC_MARKS), st.sampled_from(CONTROLS),
              st.sampled_from(DIGITS), st.sampled_from(PRESENTATION), st.sampled_from(PUNCTUATION),
              st.sampled_from(WORDS), st.sampled_from(string.ascii_letters)),
    max_size=40,
).map("".join)
any_text = st.one_of(arabic_text, st.text(max_size=60))


@given(any_text)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300)
@given(st.one_of(any_text, st.lists(st.sampled_from(ARABIC_LETTERS + list("0123456789aZ")), max_size=12).map("".join)))
def test_normalize_shortcut_for_plain_words_equals_the_full_pass(text):
    """`normalize` skips the control, NFKC and case steps for plain words; this is the full pass it skips."""
    full = unicodedata.normalize("NFKC", text.translate(_CONTROL_TABLE)).translate(_FOLD_TABLE).lower()
    assert normalize(text) == full


@settings(max_examples=150)
@given(any_text, st.sampled_from(ANALYZER_NAMES))
def test_offsets_slice_the_word_as_written(text, name):
    for t in get_analyzer(name)(text, chars=True, keeporiginal=True, removestops=False):
        assert text[t.startchar:t.endchar] == t.original
        assert t.original.strip() == t.original and t.original


@settings(max_examples=150)
@given(any_text, st.sampled_from(ANALYZER_NAMES), st.sampled_from(["index", "query"]))
def test_no_analyzer_raises_and_every_term_is_non_empty(text, name, mode):
    assert all(t.text for t in get_analyzer(name)(text, positions=True, chars=True, mode=mode))


@given(st.text(alphabet="".join(PUNCTUATION + CONTROLS + ["\u0640", "\u064e"]), max_size=30))
def test_punctuation_and_invisible_only_text_gives_no_tokens(text):
    for name in ("normalize", "light10", "arabic"):  # Whoosh's own analyzer indexes a bare tatweel
        assert list(get_analyzer(name)(text)) == []


def test_empty_text_gives_no_tokens():
    for name in ANALYZER_NAMES:
        assert list(get_analyzer(name)("")) == []


def _stream(analyzer, text, **kwargs):
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None), getattr(t, "endchar", None),
             t.stopped, getattr(t, "original", None)) for t in analyzer(text, **kwargs)]


@settings(max_examples=300)
@given(any_text, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
       st.integers(0, 5))
def test_fused_analyzer_yields_exactly_what_the_composed_chain_yields(
        text, positions, chars, removestops, no_morph, keeporiginal, start):
    kwargs = dict(positions=positions, chars=chars, removestops=removestops, no_morph=no_morph,
                  keeporiginal=keeporiginal, start_pos=start, start_char=start)
    assert _stream(arabic_analyzer(), text, **kwargs) == _stream(composed_arabic_analyzer(), text, **kwargs)


@given(arabic_text)
def test_fused_equals_composed_on_untokenized_values(text):
    assert _stream(arabic_analyzer(), text, tokenize=False) == _stream(composed_arabic_analyzer(), text, tokenize=False)
