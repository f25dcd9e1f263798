"""Other spellings and synonyms through the embedded engine: found, ranked below the typed spelling, highlighted
as written, reported in the response, and a synonyms file followed as it changes."""
from __future__ import annotations

import os
import time

import pytest

from indexer.engine import open_engine
from indexer.ingest.article import Article
from indexer.query.request import parse_search_request

ARTICLES = [
    Article("typed", "تطبيق إنستغرام يطلق ميزة جديدة", "أعلن تطبيق إنستغرام اليوم عن ميزة جديدة للمستخدمين."),
    Article("variant", "انستجرام يختبر خاصية للرسائل", "بدأ انستجرام اختبار خاصية جديدة للرسائل في عدة دول."),
    Article("long-vowel", "انستاغرام في تونس", "يستعمل ملايين التونسيين تطبيق انستاغرام كل يوم."),
    Article("king", "الملك يستقبل الوزير", "استقبل الملك وزير الخارجية في القصر."),
    Article("owner", "مالك النادي يبيع حصته", "أعلن مالك النادي بيع حصته في الشركة."),
    Article("america", "الولايات المتحدة ترفع الرسوم", "قررت الولايات المتحدة رفع الرسوم على الواردات."),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    synonyms = tmp_path_factory.mktemp("synonyms") / "synonyms.txt"
    synonyms.write_text("# America\nأمريكا, الولايات المتحدة\n", encoding="utf-8")
    with open_engine(tmp_path_factory.mktemp("unused"), "whoosh", synonyms=synonyms).scratch(ARTICLES, "arabic") as scratch:
        yield scratch, synonyms


def search(engine, **params):
    return engine.search(parse_search_request(params))


def test_every_spelling_of_a_name_is_found_and_the_typed_one_ranks_first(engine):
    result = search(engine[0], q="إنستغرام")  # Instagram, as the Levant and the Gulf write it
    ids = [hit["id"] for hit in result["hits"]]
    assert ids[0] == "typed" and {"variant", "long-vowel"} <= set(ids)
    assert {tuple(e["terms"]) for e in result["expansions"] if e["kind"] == "spelling"} >= {("انستجرام",), ("انستاغرام",)}
    variant = next(hit for hit in result["hits"] if hit["id"] == "variant")
    assert "<mark>انستجرام</mark>" in variant["highlights"]["title"]  # marked as the article writes it


def test_without_expansion_only_the_typed_spelling_matches(engine):
    result = search(engine[0], q="إنستغرام", expand="0")
    assert [hit["id"] for hit in result["hits"]] == ["typed"] and result["expansions"] == []


def test_look_alike_arabic_words_stay_apart(engine):
    ids = [hit["id"] for hit in search(engine[0], q="الملك")["hits"]]  # the king
    assert ids == ["king"]  # not مالك (owner)


def test_a_synonym_finds_the_other_name_and_says_which_line(engine):
    result = search(engine[0], q="أمريكا")  # America -> the United States
    assert [hit["id"] for hit in result["hits"]] == ["america"]
    [applied] = [e for e in result["expansions"] if e["kind"] == "synonym"]
    assert applied["rule"] == "synonyms.txt:2" and applied["weight"] < 1


def test_an_edited_synonyms_file_is_picked_up_without_a_restart(engine):
    scratch, synonyms = engine
    assert search(scratch, q="واشنطن")["total"] == 0  # Washington: not yet a synonym
    synonyms.write_text("أمريكا, الولايات المتحدة\nواشنطن => الولايات المتحدة\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(synonyms, (later, later))
    deadline = time.monotonic() + 10
    while search(scratch, q="واشنطن")["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [hit["id"] for hit in search(scratch, q="واشنطن")["hits"]] == ["america"]
