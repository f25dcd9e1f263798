"""The analyzer registry: every named analyzer builds, pickles, and keeps offsets on the original text."""
import pickle

import pytest

from analyzers import ANALYZER_NAMES, arabic_analyzer, get_analyzer
from analyzers.registry import composed_arabic_analyzer

# "The defence minister postponed his visit to Washington? The president (diacritized) in the city"
SENTENCE = "وزير الدفاع الإسرائيلي يؤجل زيارته لواشنطن؟ الرَّئيسُ في المدينة"


def test_registry_offers_the_four_contract_names():
    assert ANALYZER_NAMES == ("whoosh-standard", "normalize", "light10", "arabic")


def test_unknown_name_is_a_value_error_listing_the_valid_names():
    with pytest.raises(ValueError, match="light10"):
        get_analyzer("snowball")


@pytest.mark.parametrize("name", ANALYZER_NAMES)
def test_every_analyzer_survives_pickling_as_whoosh_multiprocess_writer_needs(name):
    analyzer = pickle.loads(pickle.dumps(get_analyzer(name)))
    assert [t.text for t in analyzer(SENTENCE)] == [t.text for t in get_analyzer(name)(SENTENCE)]


@pytest.mark.parametrize("name", ANALYZER_NAMES)
@pytest.mark.parametrize("mode", ["index", "query"])
def test_offsets_slice_the_original_text(name, mode):
    for t in get_analyzer(name)(SENTENCE, chars=True, mode=mode):
        piece = SENTENCE[t.startchar:t.endchar]
        assert piece and not piece[0].isspace() and not piece[-1].isspace()


def test_diacritized_word_is_one_token_whose_offsets_include_its_harakat():
    tokens = [(t.text, SENTENCE[t.startchar:t.endchar]) for t in arabic_analyzer()(SENTENCE, chars=True)]
    assert ("رءيس", "الرَّئيسُ") in tokens  # "the president", shadda and damma kept in the highlight span


def test_light10_matches_lucene_on_the_known_failures():
    # Lucene's ArabicAnalyzer turns وزير ("minister") into زير ("water jar") and المدينة into مدين
    texts = [t.text for t in get_analyzer("light10")(SENTENCE)]
    assert texts == ["زير", "دفاع", "اسرائيل", "يؤجل", "زيارت", "لواشنطن", "رئيس", "مدين"]


def test_fused_analyzer_equals_composed_chain_on_a_sentence():
    def run(analyzer):
        return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(SENTENCE, positions=True, chars=True)]
    assert run(arabic_analyzer()) == run(composed_arabic_analyzer())


# Chunks (what str.split cuts) the fused analyzer reads specially: one word with punctuation glued
# around it, words joined by a character it reads as a space (dates, scores, hashtags, quotes), words
# joined otherwise (a site name, a time), and ﷺ, one word that normalizes to four words' letters and
# stays one term.
CHUNK_CASES = [
    "«الرئيس»، (2018) قال: الوزير!",
    "في أيار/مايو 2018 فاز 2-1 #اليوم_الوطني لـ\"سكاي",
    "في، الوزير",  # the first word is a stopword glued to a comma
    "موقع العربية.نت الساعة 18:00 في/من",
    "النبي ﷺ قال:ﷺ الله",
]


@pytest.mark.parametrize("text", CHUNK_CASES)
@pytest.mark.parametrize("positions", [True, False])
def test_fused_analyzer_equals_composed_chain_on_chunks_it_reads_specially(text, positions):
    def run(analyzer):
        return [(t.text, t.pos if positions else None) for t in analyzer(text, positions=positions)]
    assert run(arabic_analyzer()) == run(composed_arabic_analyzer())
