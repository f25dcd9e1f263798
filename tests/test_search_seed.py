"""End to end: the seed article, indexed by the production rebuild among real ANT news, is found by
the ways Arabic readers actually type: bare, diacritized, with attached prefixes, and as a question."""
from pathlib import Path

import pytest

from click.testing import CliRunner

from indexer.build.rebuild import rebuild_index
from search_app.cli import cli
from indexer.query.search import get_document, search
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.request import parse_search_request
from indexer.storage.store import IndexStore

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "khaleej247-article.txt"
ANT_SAMPLE = ROOT / "index_data" / "sample" / "ant-v2.1-sample.jsonl"
DISTRACTOR_COUNT = 80  # enough real news around the seed for ranking to matter, few enough to index fast


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed-index")
    sources = [SEED]
    if ANT_SAMPLE.exists():
        distractors = root.parent / "distractors.jsonl"
        lines = ANT_SAMPLE.read_text(encoding="utf-8").splitlines()[:DISTRACTOR_COUNT]
        distractors.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources.append(distractors)
    rebuild_index(sources, root)
    store = IndexStore(root)
    store.test_root = root
    yield store
    store.close()


def hits(store, q):
    with store.searcher() as searcher:
        return search(searcher, ReaderArrays(searcher.reader()), parse_search_request({"q": q}))["hits"]


def seed_hit(store, q):
    return next((hit for hit in hits(store, q) if "khaleej247" in hit["id"]), None)


@pytest.mark.parametrize(
    "q",
    [
        "تأجيل زيارة وزير الدفاع الإسرائيلي إلى واشنطن",  # "postponement of the Israeli defence minister's visit to Washington"
        "تَأْجِيلُ زِيَارَةِ وَزِيرِ الدِّفَاعِ الإِسْرَائِيلِيِّ",  # the same, fully diacritized
        "لماذا تم تأجيل زيارة غالانت إلى واشنطن؟",  # "why was Gallant's Washington visit postponed?"
        "هل رفض نتنياهو زيارة غالانت؟",  # "did Netanyahu refuse Gallant's visit?"
        "والزيارة غالانت",  # "and-the-visit Gallant": wa+al prefixes on زيارة
    ],
)
def test_seed_article_is_the_top_hit(store, q):
    top = hits(store, q)[0]
    assert "khaleej247" in top["id"]


def test_prefixed_query_word_matches_and_marks_the_bare_word(store):
    # "والزيارة" (and the visit) must match the article's "الزيارة" / "زيارة"
    body = seed_hit(store, "والزيارة")["highlights"]["body"]
    assert "<mark>الزيارة</mark>" in body or "<mark>زيارة</mark>" in body


def test_li_prefixed_query_matches_washington(store):
    # "لواشنطن" (to Washington) must match the bare "واشنطن" in the first sentence
    hit = seed_hit(store, "لواشنطن")
    assert hit is not None and "<mark>واشنطن</mark>" in hit["highlights"]["body"]


def test_question_mark_does_not_hide_the_last_word(store):
    # "Gallant?" : the question mark is punctuation, not a wildcard
    hit = seed_hit(store, "غالانت؟")
    assert hit is not None and "<mark>غالانت</mark>" in hit["highlights"]["body"]


def test_footer_boilerplate_is_not_searchable(store):
    # "all rights reserved" is the site footer the indexer strips
    assert seed_hit(store, '"جميع الحقوق محفوظة"') is None


def test_seed_document_has_related_articles(store):
    with store.searcher() as searcher:
        doc_id = seed_hit(store, "غالانت")["id"]
        document = get_document(searcher, ReaderArrays(searcher.reader()), doc_id)
    assert document["id"] == doc_id and "غالانت" in document["body"]
    assert isinstance(document["related"], list)


def test_search_command_prints_hits_in_the_terminal(store):
    result = CliRunner().invoke(cli, ["search", "زيارة غالانت", "--index", str(store.test_root)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[1] == "results"
    assert "khaleej247" in lines[2]  # the first hit's title line names its id
    assert "<mark>" not in result.output and "\x1b" not in result.output  # plain text off a terminal


def test_search_command_json_and_bad_query(store):
    result = CliRunner().invoke(cli, ["search", "غالانت", "--json", "--index", str(store.test_root)])
    assert result.exit_code == 0 and '"hits"' in result.output
    refused = CliRunner().invoke(cli, ["search", "*غالانت", "--index", str(store.test_root)])
    assert refused.exit_code == 2 and "wildcard" in refused.output


def test_search_command_without_an_index_exits_5(tmp_path):
    result = CliRunner().invoke(cli, ["search", "غالانت", "--index", str(tmp_path / "missing")])
    assert result.exit_code == 5
