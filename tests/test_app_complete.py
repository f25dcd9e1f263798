"""Search as you type through the JSON API, once per engine: `/api/complete` on the web-app corpus.

Arabic cases carry a gloss; every case holds for both engines because both answer from the same table rules.
"""
from __future__ import annotations

import pytest

from search_app import create_app
from test_app_corpus import APP_ENGINES, sample_app_config

COMPLETE_KEYS = {"query", "completions", "took_ms"}


@pytest.fixture(scope="module", params=APP_ENGINES)
def client(request, tmp_path_factory):
    with sample_app_config(request.param, tmp_path_factory.mktemp("complete-" + request.param), request) as config:
        yield create_app(config).test_client()


def complete(client, q, **params):
    response = client.get("/api/complete", query_string={"q": q, **params})
    return response, response.get_json()


def texts(client, q, **params) -> list[str]:
    response, body = complete(client, q, **params)
    assert response.status_code == 200, body
    return [item["text"] for item in body["completions"]]


def test_completion_returns_the_documented_shape(client):
    response, body = complete(client, "مدر")  # the start of "school"
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert set(body) == COMPLETE_KEYS and body["query"] == "مدر"
    assert 0 < len(body["completions"]) <= 10
    for item in body["completions"]:
        assert set(item) == {"text", "kind", "count"} and item["kind"] in {"word", "phrase"} and item["count"] > 0


@pytest.mark.parametrize("typed, expected", [
    ("المدر", "المدرسة"),  # "the scho…": the article typed
    ("مدر", "المدرسة"),  # "scho…": the article not typed, still its most common form
    ("المَدْرَ", "المدرسة"),  # diacritized prefix
    ("الخار", "الخارجية"),  # "the foreig…"
    ("خار", "الخارجية"),  # the same without the article
])
def test_last_word_is_completed_whatever_its_article_and_diacritics(client, typed, expected):
    assert expected in texts(client, typed)


@pytest.mark.parametrize("typed", ["أحم", "احم", "إحم"])  # Ahmed's name typed with أ, bare ا, or إ
def test_hamza_forms_complete_to_the_form_the_articles_write(client, typed):
    completions = texts(client, typed)
    assert completions[0] == "أحمد"  # written أحمد twice, احمد once: the common form is shown


def test_hamza_in_the_completed_word_is_shown_as_written(client):
    assert texts(client, "ايرا")[0] == "إيران"  # "Iran" typed without hamza comes back as the articles write it


def test_completions_rank_by_articles_holding_them(client):
    _, body = complete(client, "ال")
    counts = [item["count"] for item in body["completions"] if item["kind"] == "word"]
    assert counts == sorted(counts, reverse=True)


def test_a_common_pair_completes_as_a_phrase_first(client):
    # "وزير خ…" (minister of fo…): وزير خارجية occurs once per article here, so the threshold is not met and
    # the word alone is completed; the earlier words are kept as typed.
    assert all(text.startswith("وزير ") for text in texts(client, "وزير خ"))


def test_mixed_arabic_and_english(client):
    assert "شركة Apple" in texts(client, "شركة app")  # "company app…": the Latin word keeps its case as written
    assert "iPhone" in texts(client, "IPH")


def test_arabic_indic_digits_complete_to_the_digits_as_written(client):
    assert "٢٠١٨" in texts(client, "٢٠١")  # the articles write ٢٠١٨, so that is what is offered


def test_limit_caps_the_completions(client):
    assert len(texts(client, "ا", limit=2)) == 2


@pytest.mark.parametrize("typed", ["", "   ", "ًٌٍ", "؟!"])  # empty, spaces, only harakat, only punctuation
def test_nothing_to_complete_is_an_empty_list(client, typed):
    assert texts(client, typed) == []


def test_unknown_prefix_is_an_empty_list(client):
    assert texts(client, "ظظظظ") == []


@pytest.mark.parametrize("params, code", [
    ({"q": "م" * 501}, "query_too_long"),
    ({"q": "*درسة"}, "leading_wildcard"),
    ({"q": " ".join(["ب"] * 101)}, "too_many_terms"),
    ({"q": "مدر", "limit": "11"}, "invalid_limit"),
    ({"q": "مدر", "limit": "0"}, "invalid_limit"),
    ({"q": "مدر", "limit": "ten"}, "invalid_limit"),
])
def test_bad_parameters_are_refused_as_search_refuses_them(client, params, code):
    response = client.get("/api/complete", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_invalid_utf8_is_refused(client):
    response = client.get("/api/complete?q=%D9")  # half of an Arabic letter
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_markup_in_q_comes_back_as_text_never_as_markup(client):
    response = client.get("/api/complete", query_string={"q": "<script>alert(1)</script> مدر"})
    raw = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>" not in raw  # the JSON provider escapes < and >
    assert all(item["text"].startswith("<script>alert(1)</script> ") for item in response.get_json()["completions"])


def test_completion_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    operation = paths["/api/complete"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"q", "limit"}
    assert {"200", "400", "503"} <= set(operation["responses"])


def test_page_loads_the_completion_script_as_a_static_file_and_works_without_it(client):
    page = client.get("/", query_string={"q": "مدرسة"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'src="/static/complete.js"' in html
    assert "<script>" not in html  # no inline script: the CSP's script-src 'self' allows the file only
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'method="get"' in html and 'name="q"' in html  # the plain form still searches without JavaScript
    script = client.get("/static/complete.js")
    assert script.status_code == 200 and "innerHTML" not in script.get_data(as_text=True)
