"""Spelling variants of foreign names and loanwords: found across spellings, Arabic look-alikes kept apart.

The finder's vocabulary is the shipped reference counts (`variant_term_counts.txt`): the body terms an
index of the two ANT corpora holds, so these tests run on a fresh clone without the corpora.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from analyzers.spelling_variants import (MAX_VARIANTS, VariantFinder, load_reference_counts,
                                         load_variant_groups, variant_skeleton)

DOC_COUNT = 41_686  # articles in ant-v2.1 + ant-jawharafm-v1.1, the corpora the counts come from

# (spelling, other spelling, gloss): read in the corpora, one word each.
VARIANTS = [
    ("ترامب", "ترمب", "Trump"), ("انجليز", "انكليز", "English"), ("انجلترا", "انكلترا", "England"),
    ("كريستيانو", "كرستيانو", "Cristiano"), ("غرينتش", "جرينتش", "Greenwich"),
    ("انستغرام", "انستاغرام", "Instagram"), ("انستغرام", "انستجرام", "Instagram"),
    ("فيسبوك", "فايسبوك", "Facebook"), ("بلومبرغ", "بلومبرج", "Bloomberg"), ("ميركل", "ميركيل", "Merkel"),
    ("نتنياهو", "نتانياهو", "Netanyahu"), ("اتلتيكو", "اتليتيكو", "Atletico"), ("دنمارك", "دنمرك", "Denmark"),
    ("دييغو", "دييجو", "Diego"), ("انغيلا", "انجيلا", "Angela"), ("سيرجيو", "سيرغيو", "Sergio"),
    ("غاريث", "جاريث", "Gareth"), ("يورغن", "يورجن", "Jürgen"), ("كاميرون", "كامرون", "Cameron"),
    ("روبرتو", "روبيرتو", "Roberto"), ("بوغبا", "بوجبا", "Pogba"), ("كريستيان", "كرستيان", "Christian"),
    ("سامسونغ", "سامسونج", "Samsung"), ("بطرسبرغ", "بطرسبورغ", "(St) Petersburg"), ("ليغا", "ليجا", "(La) Liga"),
    ("بريميرليغ", "بريمرليغ", "Premier League"), ("ديمتر", "ديميتر", "Dimitri (stem)"),
    ("زوكربيرغ", "زوكربرج", "Zuckerberg"), ("فرانسوا", "فرنسوا", "François"), ("سبورتينغ", "سبورتنغ", "Sporting"),
    ("رودريغو", "رودريجو", "Rodrigo"), ("روهينغا", "روهينجا", "Rohingya"), ("تلغرام", "تليغرام", "Telegram"),
    ("كارفاخال", "كارفخال", "Carvajal"), ("كوليسترول", "كولسترول", "cholesterol"), ("هيربرت", "هيربيرت", "Herbert"),
    ("جولدن", "غولدن", "Golden"), ("ايركسن", "ايريكسن", "Eriksen"), ("ساوثجيت", "ساوثغيت", "Southgate"),
    ("يونسكو", "يونيسكو", "UNESCO"), ("كاراكاس", "كاركاس", "Caracas"), ("اندرس", "انديرس", "Anders"),
    ("كونجو", "كونغو", "Congo"), ("فوتغراف", "فوتوغراف", "photograph (stem)"), ("انتورب", "انتويرب", "Antwerp"),
    ("شتيجن", "شتيغن", "(ter) Stegen"), ("بوندسليجا", "بوندسليغا", "Bundesliga"), ("كردستان", "كوردستان", "Kurdistan"),
    ("اسكندناف", "اسكنديناف", "Scandinavia (stem)"), ("اوروجويان", "اوروغويان", "Uruguayan (stem)"),
    ("مارجريت", "مارغريت", "Margaret"), ("كيلوجرام", "كيلوغرام", "kilogram"), ("سبارتاك", "سبارتك", "Spartak"),
    ("بلفدير", "بلفيدير", "Belvedere"), ("جاكارتا", "جاكرتا", "Jakarta"), ("ايدلوج", "ايديولوج", "ideology (stem)"),
    ("مانشستر", "مانشستير", "Manchester"), ("جاستن", "جستن", "Justin"), ("زيوريخ", "زيورخ", "Zurich"),
    ("مايكروسوفت", "ميكروسوفت", "Microsoft"), ("تليغرام", "تيليغرام", "Telegram"), ("جامايك", "جمايك", "Jamaica"),
    ("ماوريسيو", "موريسيو", "Mauricio"), ("دانمارك", "دنمارك", "Denmark"), ("انجليس", "انجلس", "(Los) Angeles"),
    ("فرانسيسكو", "فرنسيسكو", "Francisco"), ("ميغابيكسل", "ميغابكسل", "megapixel"),
    ("بنسيلفانيا", "بينسيلفانيا", "Pennsylvania"), ("هيربرت", "هربرت", "Herbert"), ("غوغل", "جوجل", "Google"),
]

# (word, look-alike, gloss): ordinary Arabic words with one skeleton that must stay apart.
LOOK_ALIKES = [
    ("ملك", "مالك", "king / owner"), ("قسم", "جسم", "section / body"), ("عمل", "عامل", "work / worker"),
    ("قاد", "جاد", "led / serious"), ("كبير", "كبار", "big / elders"), ("جانب", "جنوب", "side / south"),
    ("قوي", "جوي", "strong / aerial"), ("اعتبر", "اعتبار", "considered / consideration"),
    ("استغرب", "استغراب", "was surprised / surprise"), ("مساعدة", "مسعودة", "aid / Masouda (name)"),
    ("مغادرة", "مقدرة", "departure / ability"), ("متابعة", "متبعة", "follow-up / followed"),
    ("مناسبة", "منسوبة", "occasion / attributed"), ("عاصمة", "عصمة", "capital / infallibility"),
    ("اسلام", "اسلم", "Islam / converted"), ("مقبل", "مكبل", "next / shackled"),
    ("اشراق", "اشراك", "sunrise / involving"), ("تحرج", "تحرك", "embarrasses / moves"),
    ("تحجيم", "تحكيم", "curbing / arbitration"), ("قرابة", "جربة", "about, kinship / Djerba"),
    ("مشاكل", "مشاغل", "problems / preoccupations"), ("ندفع", "ندافع", "we pay / we defend"),
    ("متداخلة", "متدخلة", "overlapping / intervening"), ("سيساعد", "سيسعد", "will help / will please"),
    ("تلامس", "تلمس", "touches / senses"), ("تباعد", "تبعد", "drifting apart / is far"),
    ("تكافل", "تكفل", "solidarity / guarantee"), ("مجاهد", "مجهد", "fighter / exhausted"),
    ("اقتراع", "اقترع", "ballot / voted"), ("انقراض", "انقرض", "extinction / died out"),
    ("سراقب", "سيراقب", "Saraqib (town) / will monitor"), ("غرب", "قرب", "west / near"),
    ("جمال", "كمال", "beauty / perfection"), ("مكتب", "مكاتب", "office / offices"),
    ("صديق", "صادق", "friend / honest"), ("شارع", "شرع", "street / began"), ("طرق", "طارق", "roads / Tariq"),
    ("خطوة", "خطة", "step / plan"), ("جلسة", "جالسة", "session / sitting"),
    ("مقاومة", "مقيمة", "resistance / resident"), ("كاتب", "كتب", "writer / books"),
    ("اعجب", "اعقب", "admired / followed"), ("محرق", "محرك", "burner / engine"),
    ("معجل", "معقل", "hastened / stronghold"), ("جلبوا", "قلبوا", "brought / overturned"),
    ("نرجع", "نركع", "we return / we kneel"), ("تجرب", "تغرب", "tries / sets (sun)"),
]

REFERENCE = load_reference_counts()


@pytest.fixture(scope="module")
def finder():
    return VariantFinder(REFERENCE, DOC_COUNT)


@pytest.fixture(scope="module")
def live_finder():
    """The live path alone: skeleton and guard over the vocabulary, no shipped table."""
    return VariantFinder(REFERENCE, DOC_COUNT, groups=[])


def found(finder, a, b):
    return b in dict(finder.variants(a)) or a in dict(finder.variants(b))


def rate(hits):
    return sum(hits) / len(hits)


def test_variant_cases_are_in_the_vocabulary_and_share_a_skeleton():
    for a, b, gloss in VARIANTS:
        assert a in REFERENCE and b in REFERENCE, gloss
        assert variant_skeleton(a) == variant_skeleton(b), gloss
    assert len({(a, b) for a, b, _ in VARIANTS}) >= 60 and len(LOOK_ALIKES) >= 30


def test_at_least_90_percent_of_variants_are_found(finder, live_finder, capsys):
    hits = [found(finder, a, b) for a, b, _ in VARIANTS]
    live = [found(live_finder, a, b) for a, b, _ in VARIANTS]
    table = {frozenset((a, b)) for g in load_variant_groups() for a in g for b in g if a != b}
    in_table = sum(frozenset((a, b)) in table for a, b, _ in VARIANTS)
    with capsys.disabled():
        print(f"\nvariants found: {sum(hits)}/{len(hits)} = {rate(hits):.0%}; by the live path alone: "
              f"{sum(live)}/{len(live)} = {rate(live):.0%}; pairs in the shipped table: {in_table}")
        print("  missed:", [gloss for (a, b, gloss), hit in zip(VARIANTS, hits) if not hit])
    assert rate(hits) >= 0.9


def test_at_least_90_percent_of_look_alikes_are_kept_apart(finder, capsys):
    apart = [not found(finder, a, b) for a, b, _ in LOOK_ALIKES]
    with capsys.disabled():
        print(f"\nlook-alikes kept apart: {sum(apart)}/{len(apart)} = {rate(apart):.0%}")
        print("  merged:", [gloss for (a, b, gloss), ok in zip(LOOK_ALIKES, apart) if not ok])
    assert rate(apart) >= 0.9


@pytest.mark.parametrize("a, b, gloss", [
    ("انستغرام", "انستجرام", "Instagram: /g/ as غ or ج"), ("ميركل", "ميركيل", "Merkel: inner ي"),
    ("غوغل", "جوجل", "Google: two g's stay two"), ("تشرتشل", "چرچل", "Churchill: تش or چ"),
    ("پاريس", "باريس", "Paris: پ or ب"), ("ڤيينا", "فيينا", "Vienna: ڤ or ف"),
])
def test_spellings_of_one_word_share_a_skeleton(a, b, gloss):
    assert variant_skeleton(a) == variant_skeleton(b), gloss


def test_skeleton_keeps_first_and_last_letters():
    assert variant_skeleton("روسيا") != variant_skeleton("روسي")  # Russia / Russian
    assert variant_skeleton("اوباما").startswith("ا")


def test_table_variants_weigh_above_live_ones_and_below_the_typed_spelling(finder):
    weights = dict(finder.variants("انستغرام"))
    assert 0 < min(weights.values()) and max(weights.values()) < 1
    assert weights["انستاغرام"] > weights.get("انستجرام", 0)


def test_new_names_are_found_from_the_live_vocabulary():
    vocabulary = {"زيلينسكي": 40, "زيلنسكي": 12, "ملك": 500, "مالك": 300}
    finder = VariantFinder(vocabulary, 1000, groups=[], reference={})
    assert [term for term, _ in finder.variants("زيلينسكي")] == ["زيلنسكي"]
    assert finder.variants("ملك") == []


def test_a_finder_over_300k_terms_finds_variants_and_gives_the_same_answer_from_its_memo():
    # speed is the benchmark's business; here: the large vocabulary builds, and a remembered answer is the same
    terms = list(REFERENCE)
    vocabulary = {f"{term}{suffix}": 3 for suffix in ("", "ين", "ات", "ون", "ها", "نا", "كم", "هم") for term in terms}
    finder = VariantFinder(vocabulary, 300_000, reference=REFERENCE)
    sample = terms[:2000]
    first = [finder.variants(term) for term in sample]
    assert first == [finder.variants(term) for term in sample]
    assert any(first)  # the reference's groups are found in the large vocabulary


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ابتجحدرسعغفقكلمنهويءةىپچڤگ aZ9\n")), max_size=12))
def test_variants_never_raise_are_deterministic_and_weighted_below_one(finder, term):
    first = finder.variants(term)
    assert first == finder.variants(term)
    assert len(first) <= MAX_VARIANTS
    for other, weight in first:
        assert other != term and 0 < weight < 1
    assert variant_skeleton(term) == variant_skeleton(term)


@pytest.mark.parametrize("term", ["", "a", "ا", "2024", "google", "\n", "فيسبوك\nترامب", "ـــ"])
def test_odd_terms_return_a_list(finder, term):
    assert isinstance(finder.variants(term), list)


def test_shipped_files_carry_an_attribution_header():
    from analyzers.spelling_variants import GROUPS_PATH, REFERENCE_PATH
    for path in (GROUPS_PATH, REFERENCE_PATH):
        header = [line for line in path.read_text(encoding="utf-8").splitlines()[:12] if line.startswith("#")]
        assert any("ANT" in line for line in header) and any("Regenerate" in line for line in header)
