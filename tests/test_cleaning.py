"""Cleaning of scraped news text: HTML, entities, NFC, whitespace and boilerplate footers."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.ingest.cleaning import DEFAULT_CLEANER, Cleaner, html_to_text, normalize_whitespace, read_boilerplate_file

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"
SEED_FOOTER = ("شاركها.", "© 2024 خليجي 247. جميع الحقوق محفوظة.", "Exit mobile version")


def test_seed_article_footer_is_removed_and_story_kept():
    raw = (SAMPLE / "khaleej247-article.txt").read_text(encoding="utf-8")
    cleaned = DEFAULT_CLEANER.clean_body(raw)
    for line in SEED_FOOTER:
        assert line not in cleaned
    # the last sentence of the story ("...to face regional and international challenges") survives
    assert cleaned.endswith("لمواجهة التحديات الإقليمية والدولية.")
    assert cleaned.startswith("رفض رئيس الوزراء الإسرائيلي")


@pytest.mark.parametrize(
    "line",
    [
        "شاركها.",  # "share it."
        "شارك على فيسبوك",  # "share on Facebook"
        "© 2024 خليجي 247. جميع الحقوق محفوظة.",  # "© 2024 Khaleej 247. All rights reserved."
        "جميع الحقوق محفوظة لموقع المثال 2023",  # "all rights reserved to example site 2023"
        "Copyright 2019 Example News. All Rights Reserved.",
        "Exit mobile version",
        "اقرأ أيضاً:",  # "read also:"
        "تابعونا على تويتر",  # "follow us on Twitter"
    ],
)
def test_default_boilerplate_lines_are_dropped(line):
    body = f"فقرة الخبر الأولى.\n{line}\nفقرة الخبر الثانية."  # "first paragraph ... second paragraph"
    assert DEFAULT_CLEANER.clean_body(body) == "فقرة الخبر الأولى.\nفقرة الخبر الثانية."


def test_a_sentence_that_mentions_sharing_is_not_boilerplate():
    # "The minister shared his opinion on the agreement with journalists." – starts like a share button
    sentence = "شارك الوزير رأيه في الاتفاق مع الصحفيين."
    assert DEFAULT_CLEANER.clean_body(sentence) == sentence


def test_long_line_containing_rights_phrase_is_kept():
    # a real paragraph longer than a footer that happens to say "all rights reserved"
    paragraph = "قال المحامي إن موكله " + "يطالب بتعويض كامل " * 10 + "وإن جميع الحقوق محفوظة."
    assert DEFAULT_CLEANER.clean_body(paragraph) == paragraph


def test_user_patterns_extend_the_defaults(tmp_path):
    extra = tmp_path / "boilerplate.txt"
    extra.write_text("# site specific\nحمّل تطبيقنا.*\n\n", encoding="utf-8")  # "download our app..."
    cleaner = DEFAULT_CLEANER.with_patterns(read_boilerplate_file(extra))
    body = "الخبر.\nحمّل تطبيقنا الآن\nشاركها."  # "the news. / download our app now / share it."
    assert cleaner.clean_body(body) == "الخبر."


def test_invalid_user_pattern_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ok\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.txt:2"):
        read_boilerplate_file(bad)


def test_html_becomes_text_with_entities_decoded_and_scripts_dropped():
    html = "<div><p>الأسعار &amp; الأسواق</p><script>alert(1)</script><p>سطر&nbsp;ثان &#1575;</p></div>"
    # "prices & markets" / "second line ا"
    assert DEFAULT_CLEANER.clean_body(html) == "الأسعار & الأسواق\n\nسطر ثان ا"


def test_plain_text_with_less_than_sign_is_not_treated_as_html():
    text = "النمو < 2% هذا العام"  # "growth < 2% this year"
    assert html_to_text(text) == text


def test_nfc_composes_decomposed_characters():
    decomposed = "ا\u0653"  # alef + combining madda above -> آ
    cleaned = DEFAULT_CLEANER.clean_body(decomposed + "خر")  # "آخر" = "last"
    assert cleaned == unicodedata.normalize("NFC", "آخر")
    assert cleaned.startswith("\u0622")


def test_whitespace_is_normalized_but_paragraphs_kept():
    messy = "  سطر\t\tأول  \r\n\r\n\r\n\r\nسطر\u00a0ثان\u200b  "  # "first line" / "second line"
    assert normalize_whitespace(messy) == "سطر أول\n\nسطر ثان"


# every kind of whitespace Python's str.split() knows, a few that it does not, and words
_WHITESPACE_MIX = st.text(st.sampled_from(
    [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u1680", "\u2003", "\u2028", "\u202f",
     "\u3000", "\u200b", "\u200c", "ا", "ب", "a", "."]), max_size=40)


@given(_WHITESPACE_MIX)
def test_whitespace_is_normalized_as_splitting_and_rejoining_every_line(text):
    lines = text
    for line_break in ("\r\n", "\r", "\u2028", "\u2029", "\x85"):
        lines = lines.replace(line_break, "\n")
    lines = "".join(char for char in lines if char == "\t" or char == "\n" or not (
        ord(char) < 0x20 or char in "\x7f\u200b\ufeff"))
    expected = "\n".join(" ".join(line.split()) for line in lines.split("\n"))
    while "\n\n\n" in expected:
        expected = expected.replace("\n\n\n", "\n\n")
    assert normalize_whitespace(text) == expected.strip()


def test_title_is_one_line():
    assert Cleaner().clean_title("  عنوان\nالخبر <b>العاجل</b> ") == "عنوان الخبر العاجل"  # "urgent news headline"
