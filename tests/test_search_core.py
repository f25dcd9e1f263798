"""search() and get_document() on a small hand-made index: matching, filters, facets, sort, pages, extras."""
from datetime import datetime

import pytest

from indexer.ingest.article import Article
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.search import get_document, open_arrays, search
from indexer.query.request import parse_search_request
from index_probe import searcher_over

ARTICLES = [
    # "The defence minister postpones his visit to Washington"
    Article("visit", title="وزير الدفاع يؤجل زيارته إلى واشنطن",
            body="أعلن وزيرُ الدِّفاعِ تأجيلَ الزيارة المقررة لواشنطن بعد خلاف مع الحكومة.",
            source="BBC", category="politics", published=datetime(2018, 5, 2)),
    # "Washington welcomes the defence minister's visit next month"
    Article("visit2", title="واشنطن ترحب بزيارة وزير الدفاع",
            body="رحبت الإدارة في واشنطن بزيارة وزير الدفاع الشهر المقبل لبحث التعاون الأمني.",
            source="CNN", category="politics", published=datetime(2018, 6, 10)),
    # "Qatar wins the football match"
    Article("match", title="قطر تفوز في مباراة كرة القدم",
            body="فاز منتخب قطر في مباراة كرة القدم أمس بهدفين نظيفين أمام ضيفه.",
            source="Sky News", category="sport", published=datetime(2018, 3, 1)),
    # "The Qatari economy grows"
    Article("economy", title="نمو الاقتصاد القطري",
            body="سجل اقتصاد قطر نموا ملحوظا هذا العام بفضل صادرات الغاز.",
            source="BBC", category="economy", published=datetime(2018, 1, 15)),
    # a hostile body: markup must come back escaped
    Article("xss", title="<b>عنوان</b> اختبار",
            body="نص فيه <script>alert('x')</script> وكلمة اختبار في الوسط.",
            source="CNN", category="tech", published=None),
] + [
    # twelve short sport items, for paging and date sorting: "match number N"
    Article(f"sport-{n:02d}", title=f"مباراة رقم {n}", body=f"تقرير عن مباراة كرة القدم رقم {n} في الدوري.",
            source="Sky News", category="sport", published=datetime(2018, 2, n + 1))
    for n in range(12)
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    with searcher_over(ARTICLES, tmp_path_factory.mktemp("search-core")) as s:
        yield s


def run(searcher, **args):
    return search(searcher, ReaderArrays(searcher.reader()), parse_search_request(args))


def ids(result):
    return [hit["id"] for hit in result["hits"]]


def test_response_has_the_documented_shape(searcher):
    result = run(searcher, q="زيارة")
    assert set(result) == {"query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "expansions", "suggestion"}
    hit = result["hits"][0]
    assert set(hit) == {"id", "title", "url", "source", "category", "published", "score", "highlights", "story"}
    assert set(hit["highlights"]) == {"title", "body"}
    assert result["query"] == "زيارة" and result["page"] == 1 and result["per_page"] == 10
    assert isinstance(result["took_ms"], float)


def test_free_text_finds_both_visit_stories_first(searcher):
    # "defence minister visit": the two visit stories outrank everything else
    result = run(searcher, q="زيارة وزير الدفاع")
    assert set(ids(result)[:2]) == {"visit", "visit2"}
    assert result["hits"][0]["score"] >= result["hits"][1]["score"] > 0


def test_phrase_requires_the_words_together(searcher):
    # "football match" as a phrase: only texts with the two words adjacent
    result = run(searcher, q='"كرة القدم"')
    assert "match" in ids(result) and "economy" not in ids(result)
    assert all("كرة القدم" in hit["highlights"]["body"].replace("<mark>", "").replace("</mark>", "")
               for hit in result["hits"])


def test_phrase_inside_running_text_ranks_but_does_not_filter(searcher):
    # '"security cooperation" Qatar': quotes next to free words are emphasis, as in news headlines
    found = ids(run(searcher, q='"التعاون الأمني" قطر'))
    assert found[0] == "visit2"  # the only text with the exact phrase
    assert {"match", "economy"} <= set(found)  # Qatar stories still match


def test_exclusion_removes_documents(searcher):
    # "Qatar, without football"
    assert ids(run(searcher, q="قطر -كرة")) == ["economy"]
    assert ids(run(searcher, q="قطر NOT مباراة")) == ["economy"]


def test_boolean_and_or(searcher):
    assert set(ids(run(searcher, q="قطر AND مباراة"))) == {"match"}
    assert {"match", "economy", "visit"} <= set(ids(run(searcher, q="اقتصاد OR مباراة OR تأجيل", per_page=100)))


def test_title_field_searches_titles_only(searcher):
    # "welcomes" appears in visit2's title; "cooperation" only in its body
    assert ids(run(searcher, q="title:ترحب")) == ["visit2"]
    assert ids(run(searcher, q="title:التعاون")) == []


def test_source_field_and_filter_agree(searcher):
    by_field = ids(run(searcher, q="source:bbc قطر"))
    by_filter = ids(run(searcher, q="قطر", source="BBC"))
    assert by_field == by_filter == ["economy"]


def test_filters_by_category_and_dates(searcher):
    result = run(searcher, q="", category="politics", **{"from": "2018-06-01", "to": "2018-06-30"})
    assert ids(result) == ["visit2"]
    assert run(searcher, q="زيارة", category="sport")["total"] == 0


def test_facets_count_the_filtered_result_set(searcher):
    result = run(searcher, q="مباراة")
    assert result["facets"]["source"] == {"Sky News": 13}
    assert result["facets"]["category"] == {"sport": 13}
    whole = run(searcher, q="")
    assert whole["facets"]["source"] == {"Sky News": 13, "BBC": 2, "CNN": 2}
    assert whole["total"] == len(ARTICLES)


def test_sort_by_date_puts_newest_first_and_undated_last(searcher):
    dates = [hit["published"] for hit in run(searcher, q="", sort="date", per_page=100)["hits"]]
    assert dates[0] == "2018-06-10T00:00:00Z"
    assert dates[-1] is None
    assert dates[:-1] == sorted(dates[:-1], reverse=True)


def test_an_empty_query_browses_newest_first(searcher):
    dates = [hit["published"] for hit in run(searcher, q="", category="politics")["hits"]]
    assert dates == ["2018-06-10T00:00:00Z", "2018-05-02T00:00:00Z"]


def test_pagination_walks_the_whole_result_set_once(searcher):
    first = run(searcher, q="مباراة", per_page=5)
    pages = [ids(run(searcher, q="مباراة", per_page=5, page=p)) for p in (1, 2, 3)]
    assert first["total"] == 13
    assert [len(p) for p in pages] == [5, 5, 3]
    assert len({i for p in pages for i in p}) == 13
    assert ids(run(searcher, q="مباراة", per_page=5, page=4)) == []


def test_highlights_mark_whole_words_on_diacritized_text(searcher):
    hit = run(searcher, q="الدفاع")["hits"]
    body = next(h for h in hit if h["id"] == "visit")["highlights"]["body"]
    assert "<mark>الدِّفاعِ</mark>" in body  # the diacritized word as written, marked whole


def test_markup_in_documents_comes_back_escaped(searcher):
    hit = run(searcher, q="اختبار")["hits"][0]
    assert hit["id"] == "xss"
    assert "<script>" not in hit["highlights"]["body"]
    assert "&lt;script&gt;" in hit["highlights"]["body"]
    assert hit["highlights"]["title"].startswith("&lt;b&gt;")
    assert "<mark>اختبار</mark>" in hit["highlights"]["title"]


def test_suggestion_for_a_misspelled_word(searcher):
    # "مبارات" is a misspelling of "مباراة" (match)
    result = run(searcher, q="مبارات")
    assert result["suggestion"] == "مباراه" or result["suggestion"] == "مباراة"


def test_suggestion_for_an_unknown_word_even_when_other_words_match(searcher):
    # "مبارات" (typo) next to "كرة" (ball), which matches thirteen texts
    result = run(searcher, q="مبارات كرة")
    assert result["total"] >= 5
    assert result["suggestion"] in ("مباراة كرة", "مباراه كرة")


def test_no_suggestion_when_results_are_plenty(searcher):
    assert run(searcher, q="مباراة")["suggestion"] is None


def test_queries_that_are_only_noise_find_nothing_and_do_not_fail(searcher):
    for q in ["؟", "*", '"', "(", "AND", "-", "-قطر", "من هو", "title:", "٪٪"]:
        assert run(searcher, q=q)["total"] == 0, q


def test_get_document_returns_stored_fields_and_related(searcher):
    document = get_document(searcher, ReaderArrays(searcher.reader()), "visit")
    assert document["title"] == "وزير الدفاع يؤجل زيارته إلى واشنطن"
    assert document["published"] == "2018-05-02T00:00:00Z"
    assert document["related"][0]["id"] == "visit2"
    assert "visit" not in [r["id"] for r in document["related"]]


def test_get_document_of_unknown_id_is_none(searcher):
    assert get_document(searcher, ReaderArrays(searcher.reader()), "no-such-id") is None


def test_a_prepared_searcher_answers_exactly_as_an_unprepared_one(tmp_path, searcher):
    requests = [{"q": "زيارة وزير الدفاع"}, {"q": '"كرة القدم"', "category": "sport"}, {"q": "", "sort": "date"},
                {"q": "قطر", "source": "bbc"}, {"q": "مبارات"}]
    with searcher_over(ARTICLES, tmp_path) as fresh:
        view = open_arrays(fresh, warm=True)
        assert {field for field, _ in view._norms} == {"title", "lead", "body", "exact"}
        for args in requests:
            prepared = search(fresh, view, parse_search_request(args))
            plain = run(searcher, **args)
            prepared.pop("took_ms"), plain.pop("took_ms")
            assert prepared == plain
