"""The cluster engine on a real 3-node OpenSearch cluster, against the embedded engine on the same articles.

Both engines get the same source file; every query of the table must give the same response from both
(hits in order, totals, facets, suggestion, highlights, scores), because the cluster engine parses,
analyzes and scores in Python with the embedded engine's code. Then the cluster engine's own life: alias
switch on reindex, add, delete, document with related, stats, health, a dead cluster, and the web app.
Marked `cluster` (`make test-cluster`); every wait is bounded.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from indexer.engine import open_engine
from indexer.errors import IndexNotFound, IndexUnavailable
from indexer.query.request import parse_search_request
from test_search_core import ARTICLES

pytestmark = pytest.mark.cluster

# (query parameters, what the case is about)
QUERIES = [
    ({"q": "زيارة وزير الدفاع"}, "free words, a diacritized body"),
    ({"q": "الدِّفاعِ"}, "a diacritized query"),
    ({"q": "واشنطن"}, "a name"),
    ({"q": "وزيرُ"}, "a case ending"),
    ({"q": "بزيارة"}, "a proclitic on the word"),
    ({"q": '"كرة القدم"'}, "a phrase"),
    ({"q": '"التعاون الأمني" قطر'}, "an optional phrase among words"),
    ({"q": "قطر -كرة"}, "an exclusion"),
    ({"q": "قطر NOT مباراة"}, "NOT"),
    ({"q": "قطر AND مباراة"}, "AND"),
    ({"q": "اقتصاد OR مباراة OR تأجيل", "per_page": "100"}, "OR"),
    ({"q": "title:ترحب"}, "a field"),
    ({"q": "source:bbc قطر"}, "a source named in the query, any case"),
    ({"q": "قطر", "source": "BBC"}, "a source filter"),
    ({"q": "", "category": "politics", "from": "2018-06-01", "to": "2018-06-30"}, "a date window"),
    ({"q": "", "sort": "date", "per_page": "100"}, "browse by date, undated last"),
    ({"q": "مباراة", "per_page": "5", "page": "2"}, "a second page"),
    ({"q": "مبارات"}, "a misspelling: the suggestion"),
    ({"q": "مبارات كرة"}, "an unknown word among known ones"),
    ({"q": "مبار*"}, "a prefix"),
    ({"q": "اختبار"}, "markup in the article comes back escaped"),
    ({"q": "في من على"}, "stopwords only"),
    ({"q": "\"((("}, "broken syntax"),
    ({"q": "ما اسم العاصمة"}, "a question frame"),
    ({"q": "قطر", "fresh": "0"}, "relevance alone, no freshness"),
    ({"q": "قطر", "fresh": "1d"}, "freshness with a one-day half-life"),
    ({"q": "مباراة كرة", "fresh": "30d", "per_page": "3"}, "freshness over a page shorter than the matches"),
    ({"q": '"كرة القدم" قطر', "fresh": "1"}, "freshness after the phrase bonus"),
]


def _feed(path: Path) -> Path:
    rows = [{"id": a.id, "title": a.title, "text": a.body, "source": a.source, "category": a.category,
             "date": a.published.isoformat() if a.published else None} for a in ARTICLES]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def _cluster_spec(cluster, name: str) -> str:
    return f"opensearch+{cluster.url}/{name}"


@pytest.fixture(scope="module")
def engines(opensearch_cluster, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("engines")
    feed = _feed(tmp / "articles.jsonl")
    embedded = open_engine(tmp / "index", "whoosh")
    cluster = open_engine(None, _cluster_spec(opensearch_cluster, f"parity-{uuid.uuid4().hex[:8]}"))
    assert embedded.rebuild([feed]).indexed == cluster.rebuild([feed]).indexed == len(ARTICLES)
    yield embedded, cluster
    embedded.close()
    cluster.close()


@pytest.mark.parametrize("args, case", QUERIES, ids=[case for _, case in QUERIES])
def test_both_engines_answer_alike(engines, args, case):
    embedded, cluster = engines
    request = parse_search_request(args)
    ours, theirs = embedded.search(request), cluster.search(request)
    ours.pop("took_ms"), theirs.pop("took_ms")
    assert theirs == ours, case


def test_related_articles_and_unknown_documents(engines):
    _, cluster = engines
    document = cluster.document("visit")
    assert document["id"] == "visit" and "الدِّفاعِ" in document["body"]
    assert document["related"] and document["related"][0]["id"] == "visit2"  # the other visit story
    assert all(item["id"] != "visit" for item in document["related"])
    assert cluster.document("no-such-id") is None


def test_candidates_are_picked_by_fresh_weighted_relevance(opensearch_cluster, tmp_path, monkeypatch):
    """With one candidate only, the cluster must pick it as the embedded engine ranks: a slightly less
    relevant article from the newest day over a better one from months before."""
    from indexer.opensearch import ranking as cluster_ranking
    feed = tmp_path / "fresh.jsonl"
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        # "gold prices rose" (short, the better match) / "gold prices rose sharply today" (longer, newer)
        {"id": "old", "text": "ارتفعت أسعار الذهب", "date": "2018-01-01T08:00:00"},
        {"id": "new", "text": "ارتفعت أسعار الذهب بقوة اليوم", "date": "2018-06-01T08:00:00"},
        {"id": "other", "text": "فاز الفريق بالمباراة", "date": "2018-06-02T08:00:00"},
    ]) + "\n", encoding="utf-8")
    embedded = open_engine(tmp_path / "index", "whoosh")
    cluster = open_engine(None, _cluster_spec(opensearch_cluster, f"fresh-{uuid.uuid4().hex[:8]}"))
    embedded.rebuild([feed])
    cluster.rebuild([feed])
    plain = {hit["id"]: hit["score"] for hit in embedded.search(parse_search_request({"q": "الذهب", "fresh": "0"}))["hits"]}
    assert 1.0 < plain["old"] / plain["new"] < 1.2  # within freshness's reach
    monkeypatch.setattr(cluster_ranking, "CANDIDATES", 1)
    for fresh, first in (("1", "new"), ("0", "old")):
        request = parse_search_request({"q": "الذهب", "fresh": fresh, "per_page": "1"})
        ours, theirs = embedded.search(request), cluster.search(request)
        assert [hit["id"] for hit in ours["hits"]] == [hit["id"] for hit in theirs["hits"]] == [first]
        assert ours["hits"][0]["score"] == theirs["hits"][0]["score"]
    embedded.close()
    cluster.close()


def test_reindex_switches_the_alias_and_removes_the_old_index(opensearch_cluster, tmp_path):
    spec = _cluster_spec(opensearch_cluster, f"life-{uuid.uuid4().hex[:8]}")
    engine = open_engine(None, spec)
    with pytest.raises(IndexNotFound, match="reindex"):
        engine.health()
    feed = _feed(tmp_path / "a.jsonl")
    first = engine.rebuild([feed]).generation
    second = engine.rebuild([feed]).generation
    client = opensearch_cluster.client(0)
    assert list(client.indices.get_alias(name=spec.rsplit("/", 1)[1])) == [second]
    assert not client.indices.exists(index=first)
    health = engine.health()
    assert (health["documents"], health["generation"], health["nodes"]) == (len(ARTICLES), second, 3)

    extra = tmp_path / "b.jsonl"
    extra.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"id": "new", "title": "الطقس", "text": "أمطار غزيرة متوقعة غدا في العاصمة"},
        {"id": "visit", "title": "وزير الدفاع يصل إلى واشنطن", "text": "وصل وزير الدفاع اليوم إلى واشنطن."},
        {"id": "copy", "title": "نسخة", "text": ARTICLES[2].body},  # the body of another live article
    ]) + "\n", encoding="utf-8")
    added = engine.add([extra])
    assert (added.indexed, added.updated, added.duplicates) == (1, 1, 1)
    found = engine.search(parse_search_request({"q": "يصل"}))
    assert [hit["id"] for hit in found["hits"]] == ["visit"]
    deleted = engine.delete(["new", "missing"])
    assert (deleted.deleted, deleted.not_found) == (1, ["missing"])
    stats = engine.stats()
    assert stats["documents"] == len(ARTICLES) and stats["sources"]["BBC"] == 1  # "visit" lost its source
    assert stats["generation"] == second and stats["size_bytes"] > 0
    engine.close()


def test_a_record_the_cluster_refuses_is_skipped_as_file_and_line(opensearch_cluster, tmp_path):
    """A source name longer than Lucene's 32,766-byte term limit is refused by the cluster (a 400 for that item
    alone): the article is a Skip at its own file:line, the rest loads, in a reindex and in an add alike."""
    engine = open_engine(None, _cluster_spec(opensearch_cluster, f"refused-{uuid.uuid4().hex[:8]}"))
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"id": "first", "title": "الطقس", "text": "أمطار غزيرة متوقعة غدا في العاصمة"},
        {"id": "immense", "title": "مصدر طويل", "text": "نص مقالة بمصدر أطول مما يقبله المؤشر", "source": "x" * 40_000},
        {"id": "third", "title": "الرياضة", "text": "فاز الفريق في المباراة النهائية"},
        {"id": "i" * 600, "title": "معرف طويل", "text": "معرف أطول من 512 بايت"},  # refused before the cluster
    ]) + "\n", encoding="utf-8")
    for summary in (engine.rebuild([feed]), engine.add([feed])):
        assert summary.indexed + summary.updated == 2
        refused, long_id = sorted(summary.skipped, key=lambda skip: skip.location)
        assert str(refused).startswith(f"{feed}:2: id immense rejected by the cluster: ")
        assert len(str(refused)) < 500  # the cluster's message is cut short
        assert str(long_id) == f"{feed}:4: id too long (over 512 bytes)"
    assert engine.health()["documents"] == 2
    engine.close()


def test_a_cluster_that_is_not_there_is_a_clear_error(tmp_path):
    from cluster.local_cluster import free_ports

    engine = open_engine(None, f"opensearch+http://127.0.0.1:{free_ports(1)[0]}/news")
    with pytest.raises(IndexUnavailable, match="cannot reach the OpenSearch cluster at http://127.0.0.1"):
        engine.search(parse_search_request({"q": "قطر"}))
    with pytest.raises(IndexUnavailable, match="cannot reach"):
        engine.rebuild([_feed(tmp_path / "a.jsonl")])
    from click.testing import CliRunner

    from search_app.cli import cli

    result = CliRunner().invoke(cli, ["search", "قطر", "--engine", engine.spec])
    assert result.exit_code == 5 and "cannot reach the OpenSearch cluster" in result.output
    refused = CliRunner().invoke(cli, ["stats", "--engine", "opensearch+http://127.0.0.1:9200/Bad Name"])
    assert refused.exit_code == 2 and "index name" in refused.output


def test_the_web_app_serves_from_the_cluster(engines):
    from search_app.factory import create_app

    _, cluster = engines
    client = create_app({"ENGINE": cluster.spec}).test_client()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["index"]["documents"] == len(ARTICLES)
    answer = client.get("/api/search", query_string={"q": "اختبار"})
    assert "<script" not in answer.get_data(as_text=True) and "<b>" not in answer.get_data(as_text=True)
    for hit in answer.get_json()["hits"]:  # ingest strips the markup; what reaches HTML is escaped or <mark>
        for fragment in hit["highlights"].values():
            assert "<" not in fragment.replace("<mark>", "").replace("</mark>", "")
    page = client.get("/", query_string={"q": "زيارة"})
    assert page.status_code == 200 and "<mark>" in page.get_data(as_text=True)
    assert client.get("/api/documents/visit").get_json()["id"] == "visit"


def _story_feed(path: Path, articles) -> Path:
    rows = [{"id": a.id, "title": a.title, "text": a.body, "source": a.source, "url": a.url,
             "date": a.published.isoformat()} for a in articles]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_stories_on_the_cluster_match_the_embedded_engine_through_add_and_delete(opensearch_cluster, tmp_path):
    from test_stories import OTHERS, THREE_OUTLETS

    embedded = open_engine(tmp_path / "index", "whoosh")
    cluster = open_engine(None, _cluster_spec(opensearch_cluster, f"stories-{uuid.uuid4().hex[:8]}"))
    try:
        first = _story_feed(tmp_path / "first.jsonl", THREE_OUTLETS[:1] + OTHERS)
        later = _story_feed(tmp_path / "later.jsonl", THREE_OUTLETS[1:])
        for engine in (embedded, cluster):
            engine.rebuild([first])
            assert engine.add([later]).indexed == 2  # they join the founder's story through add
        for args in ({"q": "البنك المركزي الأردني الفائدة"}, {"q": "البنك المركزي", "group": "0"},
                     {"q": ""}, {"q": "", "sort": "date", "per_page": "2", "page": "2"}):
            ours, theirs = embedded.search(parse_search_request(args)), cluster.search(parse_search_request(args))
            ours.pop("took_ms"), theirs.pop("took_ms")
            assert theirs == ours, args
        grouped = cluster.search(parse_search_request({"q": "البنك المركزي الأردني"}))
        story = next(hit["story"] for hit in grouped["hits"] if hit["id"] in ("sky-1", "arabiya-1", "bbc-1"))
        assert story["size"] == 3
        assert cluster.story(story["id"]) == embedded.story(story["id"])
        for engine in (embedded, cluster):
            engine.delete(["sky-1"])  # the founder
        assert cluster.story(story["id"]) == embedded.story(story["id"])
        assert [m["id"] for m in cluster.story(story["id"])["members"]] == ["bbc-1", "arabiya-1"]
        assert cluster.story("0000000000000000") is None and cluster.story("not-a-story") is None
    finally:
        embedded.close()
        cluster.close()
