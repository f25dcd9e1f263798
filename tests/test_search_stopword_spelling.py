"""على ("on") and علي (the name Ali) normalize alike; only the first is a stopword, judged as written."""
from datetime import datetime

import pytest

from analyzers import arabic_analyzer
from indexer.ingest.article import Article
from indexer.query.search import search
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.request import parse_search_request
from index_probe import searcher_over

ARTICLES = [
    # "President Ali Abdullah Saleh met a delegation from the south"
    Article("ali", title="الرئيس علي عبد الله صالح يلتقي وفدا", body="التقى الرئيس علي عبد الله صالح وفدا من الجنوب.",
            source="BBC", category="politics", published=datetime(2010, 5, 2)),
    # "The agreement was signed on the border, and the minister praised them and called on them to calm down"
    Article("on", title="توقيع الاتفاق على الحدود", body="وقع الطرفان على الاتفاق وأثنى الوزير عليهم ودعا إليهم بالتهدئة.",
            source="CNN", category="politics", published=datetime(2010, 6, 10)),
]


def terms(text):
    return [t.text for t in arabic_analyzer()(text)]


@pytest.mark.parametrize(("text", "expected", "gloss"), [
    ("على", [], "on: a stopword"),
    ("عَلَى", [], "on, diacritized"),
    ("علىٰ", [], "on, with a dagger alef after the alef maqsura"),
    ("\ufecb\ufee0\ufef0", [], "on, in presentation forms"),
    ("علی", [], "on, typed on a Persian keyboard: its final ی looks like ى"),
    ("علي", ["علي"], "Ali, the name: written with ي it is a word"),
    ("عَلِيّ", ["علي"], "Ali, diacritized"),
    ("عليهم", [], "on them: a preposition with its pronoun, no longer stemmed to علي"),
    ("وعليهم", [], "and on them"),
    ("إليهم", [], "to them: no longer يهم (it concerns)"),
    ("ومنهم", [], "and among them"),
    ("حتي متي", [], "until, when: typed with ي they are still stopwords"),
])
def test_stopwords_are_judged_as_written(text, expected, gloss):
    assert terms(text) == expected


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with searcher_over(ARTICLES, tmp_path_factory.mktemp("stopword-spelling")) as s:
        yield s


def found(searcher, q):
    request = parse_search_request({"q": q})
    return [hit["id"] for hit in search(searcher, ReaderArrays(searcher.reader()), request)["hits"]]


def test_the_name_ali_is_searchable_and_finds_only_ali(searcher):
    assert found(searcher, "علي") == ["ali"]
    assert found(searcher, "علي عبد الله صالح") == ["ali"]


def test_the_preposition_alone_finds_nothing(searcher):
    assert found(searcher, "على") == []
