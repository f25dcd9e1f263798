"""The JSON API contract through Flask's test client: response shapes, filters, paging, every error case."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from indexer.ingest.article import Article
from indexer.build.rebuild import rebuild_from_articles
from search_app import create_app
from test_app_corpus import APP_ENGINES, ARTICLES, BIDI_OVERRIDE, DOCUMENT_COUNT, SCHOOL_IDS, XSS_BODY, XSS_TITLE, build_sample_index, sample_app_config

SEARCH_KEYS = {"query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "expansions", "suggestion"}
HIT_KEYS = {"id", "title", "url", "source", "category", "published", "score", "highlights", "story"}


@pytest.fixture(scope="module")
def index_root(tmp_path_factory):
    return build_sample_index(tmp_path_factory.mktemp("api") / "index")


@pytest.fixture(scope="module", params=APP_ENGINES)
def client(request, tmp_path_factory):
    """The app over the corpus, once per engine: the contract is the same whichever engine serves it."""
    with sample_app_config(request.param, tmp_path_factory.mktemp("api-" + request.param), request) as config:
        yield create_app(config).test_client()


def search(client, **params):
    response = client.get("/api/search", query_string=params)
    return response, response.get_json()


def test_search_returns_the_documented_shape(client):
    response, body = search(client, q="مدرسة")  # "school"
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert set(body) == SEARCH_KEYS
    assert body["query"] == "مدرسة" and body["page"] == 1 and body["per_page"] == 10
    assert body["total"] == len(body["hits"]) > 0
    assert isinstance(body["took_ms"], (int, float))
    for hit in body["hits"]:
        assert set(hit) == HIT_KEYS
        assert set(hit["highlights"]) == {"title", "body"}
    assert set(body["facets"]) == {"source", "category"}


def test_diacritized_query_finds_plain_and_cliticized_forms(client):
    # "المَدْرَسَة" (the school, fully voweled) must match "والمدارس"/"بالمدرسة"-style bodies and plain titles.
    _, body = search(client, q="المَدْرَسَة")
    ids = {hit["id"] for hit in body["hits"]}
    assert {"school-diacritics", "school-clitics"} <= ids
    assert ids <= SCHOOL_IDS


@pytest.mark.parametrize(
    "query, doc_id",
    [
        ("ايران", "hamza-forms"),  # "Iran" typed without the hamza finds إيران
        ("احمد", "hamza-forms"),  # "Ahmed" without the hamza finds أحمد
        ("2018", "indic-digits"),  # Western digits find ٢٠١٨
        ("٢٠١٨", "indic-digits"),  # and Arabic-Indic digits find themselves
        ("iphone", "mixed-latin"),  # Latin words inside Arabic text, case-folded
    ],
)
def test_spelling_variants_reach_their_article(client, query, doc_id):
    _, body = search(client, q=query)
    assert doc_id in {hit["id"] for hit in body["hits"]}


def test_misspelled_query_gets_a_suggestion(client):
    _, body = search(client, q="المدرصة")  # "the school" with ص for س
    assert body["total"] == 0 and body["suggestion"] == "المدرسة"


def test_highlights_wrap_whole_words_in_mark(client):
    _, body = search(client, q="المدرسة")  # "the school"
    marked = [hit for hit in body["hits"] if "<mark>" in hit["highlights"]["body"] + hit["highlights"]["title"]]
    assert marked, "no hit carried a <mark> highlight"


def test_source_filter_and_facets_agree(client):
    _, everything = search(client, q="مدرسة")
    _, bbc = search(client, q="مدرسة", source="BBC")
    assert {hit["source"] for hit in bbc["hits"]} == {"BBC"}
    assert bbc["total"] == everything["facets"]["source"]["BBC"]


def test_repeated_source_parameters_are_ored(client):
    response = client.get("/api/search?q=مدرسة&source=BBC&source=CNN")
    assert {hit["source"] for hit in response.get_json()["hits"]} == {"BBC", "CNN"}


def test_date_range_keeps_only_articles_published_inside_it(client):
    _, body = search(client, q="مدرسة", **{"from": "2018-03-01", "to": "2018-06-30"})
    assert {hit["id"] for hit in body["hits"]} == {"school-diacritics", "school-clitics"}


def test_sort_by_date_puts_newest_first(client):
    _, body = search(client, q="مدرسة", sort="date")
    dates = [hit["published"] for hit in body["hits"] if hit["published"]]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)


def test_pages_do_not_overlap_and_share_the_total(client):
    _, first = search(client, q="مدرسة", per_page=2, page=1)
    _, second = search(client, q="مدرسة", per_page=2, page=2)
    assert first["total"] == second["total"] > 2
    assert len(first["hits"]) == 2 and second["page"] == 2
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize(
    "params, code",
    [
        ({"q": "م" * 501}, "query_too_long"),
        ({"q": "x", "page": "0"}, "invalid_page"),
        ({"q": "x", "page": "abc"}, "invalid_page"),
        ({"q": "x", "per_page": "0"}, "invalid_per_page"),
        ({"q": "x", "per_page": "101"}, "invalid_per_page"),
        ({"q": "x", "page": "1000"}, "page_out_of_window"),
        ({"q": "x", "page": "9" * 40}, "page_out_of_window"),
        ({"q": "x", "from": "2018-13-45"}, "invalid_date"),
        ({"q": "x", "to": "yesterday"}, "invalid_date"),
        ({"q": "x", "from": "2019-01-01", "to": "2018-01-01"}, "invalid_date_range"),
        ({"q": "x", "sort": "popularity"}, "invalid_sort"),
        ({"q": "x", "fresh": "7"}, "invalid_fresh"),
        ({"q": "x", "fresh": "4000d"}, "invalid_fresh"),
        ({"q": "*درسة"}, "leading_wildcard"),
        ({"q": " ".join(["في"] * 101)}, "too_many_terms"),  # 101 times "in"
    ],
)
def test_bad_parameters_are_400_with_a_json_error(client, params, code):
    response, body = search(client, **params)
    assert response.status_code == 400
    assert body == {"error": {"code": code, "message": body["error"]["message"]}}
    assert body["error"]["message"]


def test_fresh_weighs_scores_up_to_a_fifth_and_fresh_0_is_relevance_alone(client):
    _, plain = search(client, q="مدرسة", fresh="0")  # "school"
    _, fresh = search(client, q="مدرسة")
    _, monthly = search(client, q="مدرسة", fresh="30d")
    plain_scores = {hit["id"]: hit["score"] for hit in plain["hits"]}
    for body in (fresh, monthly):
        assert body["total"] == plain["total"]
        for hit in body["hits"]:
            assert plain_scores[hit["id"]] <= hit["score"] <= plain_scores[hit["id"]] * 1.2 + 1e-3
    # the newer a match, the larger its share of the boost
    ratios = [(hit["published"], hit["score"] / plain_scores[hit["id"]]) for hit in monthly["hits"] if hit["published"]]
    assert [ratio for _, ratio in sorted(ratios)] == sorted(ratio for _, ratio in ratios)
    assert max(ratio for _, ratio in ratios) > 1.0


def test_document_returns_stored_fields_and_related(client):
    response = client.get("/api/documents/school-clitics")
    body = response.get_json()
    assert response.status_code == 200
    assert body["id"] == "school-clitics" and body["title"] == ARTICLES[1].title
    assert isinstance(body["related"], list)
    assert "school-clitics" not in {item["id"] for item in body["related"]}


def test_unknown_document_is_a_404_json_error(client):
    response = client.get("/api/documents/no-such-id")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_api_route_is_a_404_json_error(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_healthz_reports_count_and_generation(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["index"]["readable"] is True
    assert body["index"]["documents"] == DOCUMENT_COUNT
    assert body["index"]["generation"]  # gen-000001 embedded, the index behind the alias on a cluster


def test_missing_index_is_a_503_json_error_without_server_paths(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "never-built")}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["index"]["readable"] is False
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_unavailable"
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_document_body_with_script_is_escaped_in_the_json_bytes(client):
    response = client.get("/api/documents/hostile-markup")
    raw = response.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw  # every < and > is spelled \u003c / \u003e
    body = json.loads(raw)
    assert body["body"] == XSS_BODY and body["title"] == XSS_TITLE  # the value itself is exact


def test_hostile_document_highlights_are_html_escaped(client):
    _, body = search(client, q="المدرسة")  # "the school", which the hostile body contains
    hostile = next(hit for hit in body["hits"] if hit["id"] == "hostile-markup")
    snippet = hostile["highlights"]["body"]
    assert "&lt;script&gt;" in snippet and "<script" not in snippet
    assert "<img" not in snippet and "<b " not in hostile["highlights"]["title"]


def test_html_in_the_query_is_escaped_in_the_json_bytes(client):
    query = '<script>alert(1)</script> "><img src=x onerror=alert(1)> مدرسة'
    response = client.get("/api/search", query_string={"q": query})
    raw = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script" not in raw and "<img" not in raw
    assert json.loads(raw)["query"] == query


def test_openapi_describes_every_route_and_the_search_shape(client):
    app_routes = {re.sub(r"<[^>]+>", "{id}", rule.rule) for rule in client.application.url_map.iter_rules()
                  if rule.endpoint != "static" and rule.rule.startswith(("/api", "/healthz"))}
    spec = client.get("/api/openapi.json").get_json()
    assert set(spec["paths"]) == app_routes
    schemas = spec["components"]["schemas"]
    _, body = search(client, q="مدرسة")
    assert set(schemas["SearchResponse"]["required"]) == set(body)
    assert set(schemas["Hit"]["required"]) == set(body["hits"][0])
    document = client.get("/api/documents/school-clitics").get_json()
    assert set(schemas["Document"]["required"]) == set(document)
    assert set(schemas["RelatedArticle"]["required"]) == set(document["related"][0])
    described = set(schemas["Health"]["properties"]["index"]["properties"])
    assert {"readable", "documents", "generation"} <= set(client.get("/healthz").get_json()["index"]) <= described
    parameters = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters == {"q", "page", "per_page", "source", "category", "from", "to", "sort", "expand", "fresh",
                          "group"}


def test_completed_reindex_is_served_without_a_new_app(tmp_path):
    root = build_sample_index(tmp_path / "index")
    client = create_app({"INDEX": str(root)}).test_client()
    assert client.get("/api/search?q=زلزال").get_json()["total"] == 0  # "earthquake": not there yet
    quake = Article(id="quake", title="زلزال يضرب المنطقة", body="ضرب زلزال قوي المنطقة فجر اليوم.",
                    source="BBC", category="world", published=datetime(2019, 2, 2))  # "an earthquake hits the region"
    rebuild_from_articles([*ARTICLES, quake], root)
    body = client.get("/api/search?q=زلزال").get_json()
    assert [hit["id"] for hit in body["hits"]] == ["quake"]
    assert client.get("/healthz").get_json()["index"]["documents"] == DOCUMENT_COUNT + 1


def test_every_openapi_reference_resolves(client):
    spec = client.get("/api/openapi.json").get_json()

    def references(node):
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for value in node:
                yield from references(value)

    refs = set(references(spec))
    assert refs
    for ref in refs:
        target = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_bidi_overrides_are_escaped_in_the_json_bytes(client):
    raw = client.get("/api/documents/bidi-override").get_data(as_text=True)
    assert BIDI_OVERRIDE not in raw and "\\u202e" in raw
    assert json.loads(raw)["title"].startswith(f"مدرسة {BIDI_OVERRIDE}")  # "school" + override, value intact


def test_opening_the_index_at_worker_start_never_stops_the_server(index_root, tmp_path, monkeypatch):
    # gunicorn halts the whole server when a worker fails to boot, so no index problem may escape
    import logging

    from search_app import engine_binding, gunicorn_conf

    ready = create_app({"INDEX": str(index_root)})
    engine_binding.open_index_early(ready)  # opens and prepares the live index
    assert ready.test_client().get("/api/search", query_string={"q": "مدرسة"}).status_code == 200
    engine_binding.open_index_early(create_app({"INDEX": str(tmp_path / "nothing")}))  # missing: logged only

    class Worker:
        log = logging.getLogger("test-worker")

    def unexpected(app):
        raise OSError("disk went away")

    monkeypatch.setattr(engine_binding, "open_index_early", unexpected)
    gunicorn_conf.post_worker_init(Worker())
