"""The ranking function: BM25F arithmetic, field weights, the exact-form bonus, ties and deletions."""
import math

import pytest
from whoosh.filedb.filestore import RamStorage

from indexer.query import ranking, scoring
from indexer.ingest.article import Article
from indexer.query.ranking import Filters
from indexer.storage.schema import build_schema, document_fields
from index_probe import rank_text


def make_index(articles):
    ix = RamStorage().create_index(build_schema("arabic"))
    with ix.writer() as writer:
        for article in articles:
            writer.add_document(**document_fields(article))
    return ix


def ids_of(ix, q, **kwargs):
    with ix.searcher() as searcher:
        result = rank_text(searcher, q, limit=50, **kwargs)
        return [searcher.stored_fields(d)["id"] for d in result.docnums]


def test_single_term_score_is_bm25f_by_hand(monkeypatch):
    monkeypatch.setattr(ranking, "EXACT_PARAMS", scoring.FieldParams(weight=0.0, b=0.75))
    # "oil" once in a two-word body and twice in a four-word body; the third text lacks it
    ix = make_index([Article("a", body="نفط خام"), Article("b", body="نفط نفط سعر اليوم"),
                     Article("c", body="ذهب فضة")])
    with ix.searcher() as searcher:
        result = rank_text(searcher, "نفط", limit=10)
        scores = dict(zip((searcher.stored_fields(d)["id"] for d in result.docnums), result.scores))
    n, df, k1 = 3, 2, scoring.K1
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    body, lead = scoring.TEXT_FIELDS["body"], scoring.TEXT_FIELDS["lead"]
    average = (2 + 4 + 2) / 3  # body lengths; the lead field holds the same short texts

    def expected(tf, length):
        pseudo = sum(p.weight * tf / (1 - p.b + p.b * length / average) for p in (body, lead))
        return idf * pseudo * (k1 + 1) / (k1 + pseudo)

    assert scores["a"] == pytest.approx(expected(1, 2), rel=1e-4)
    assert scores["b"] == pytest.approx(expected(2, 4), rel=1e-4)
    assert "c" not in scores


def test_title_match_outranks_the_same_match_in_the_body():
    filler = " ".join(["خبر"] * 60)  # pushes the body word out of the lead
    ix = make_index([Article("in-body", title="أخبار اليوم", body=f"{filler} انتخابات"),
                     Article("in-title", title="انتخابات", body=f"{filler} اليوم")])
    assert ids_of(ix, "انتخابات")[0] == "in-title"  # "elections"


def test_the_word_form_typed_outranks_its_stem_mates():
    # "اللاعبين" (the players, oblique case) typed; "اللاعبون" (nominative) has the same stem
    ix = make_index([Article("other-form", body="اللاعبون في الملعب"), Article("typed-form", body="اللاعبين في الملعب")])
    assert ids_of(ix, "اللاعبين") == ["typed-form", "other-form"]


def test_ties_are_broken_by_index_order_and_pages_do_not_overlap():
    ix = make_index([Article(f"d{i}", body="سوق الأسهم") for i in range(30)])  # "stock market" × 30
    with ix.searcher() as searcher:
        pages = [rank_text(searcher, "الأسهم", offset=o, limit=7).docnums for o in range(0, 30, 7)]
    flat = [d for page in pages for d in page]
    assert flat == sorted(flat) and len(set(flat)) == 30


def test_deleted_documents_are_never_ranked():
    ix = make_index([Article("keep", body="سوق الأسهم"), Article("gone", body="سوق الأسهم")])
    with ix.writer() as writer:
        writer.delete_by_term("id", "gone")
    assert ids_of(ix, "الأسهم") == ["keep"]


def test_filters_restrict_without_changing_scores():
    ix = make_index([Article("bbc", body="سوق الأسهم", source="BBC"), Article("cnn", body="سوق الأسهم", source="CNN")])
    with ix.searcher() as searcher:
        both = rank_text(searcher, "الأسهم", limit=10)
        only = rank_text(searcher, "الأسهم", Filters(sources=("CNN",)), limit=10)
    assert only.total == 1 and only.scores[0] == pytest.approx(both.scores[1])


def test_prefix_expansions_are_capped_per_query(monkeypatch):
    # "market" and "shares" texts; with a budget of one expansion only the first prefix can match
    ix = make_index([Article("souq", body="سوق"), Article("ashum", body="أسهم")])
    assert set(ids_of(ix, "سو* أس*")) == {"souq", "ashum"}
    monkeypatch.setattr(ranking, "MAX_QUERY_EXPANSIONS", 1)
    assert ids_of(ix, "سو* أس*") == ["souq"]


# Questions: the noun right after the question word frames the question. (question, frame terms, gloss)
QUESTION_FRAMES = [
    ("ما اسم عاصمة مصر؟", ["اسم"], "what is the name of Egypt's capital: 'name' frames it"),
    ("كم عدد سكان مصر", ["عدد"], "how many inhabitants does Egypt have: 'number' frames it"),
    ("في اي عام ولد", ["عام"], "in which year was he born: 'year' frames it"),
    ("اسم الشركة الجديد", [], "the company's new name: no question word, so 'name' is the topic"),
    ("ما هو عدد سكان مصر", ["عدد"], "what is the number of...: the copula هو does not break the frame"),
    ("ما عاصمة مصر", [], "what is Egypt's capital: 'capital' is the topic, not a frame noun"),
]


@pytest.mark.parametrize("question, frames, gloss", QUESTION_FRAMES, ids=[c[2] for c in QUESTION_FRAMES])
def test_question_frame_terms(question, frames, gloss):
    from analyzers import arabic_analyzer

    assert scoring.question_frame_terms(arabic_analyzer(), question) == frames


def test_a_question_frame_noun_weighs_less_than_the_topic():
    # "what is the name of the capital?": one text has the frame noun "name" twice, the other "capital"
    ix = make_index([Article("frame", body="اسم جديد اسم قديم خبر"), Article("topic", body="عاصمة كبيرة خبر عادي ثالث")])
    assert ids_of(ix, "ما اسم العاصمة؟")[0] == "topic"
    with ix.searcher() as searcher:  # without the question word, "name" counts in full and wins
        assert searcher.stored_fields(rank_text(searcher, "اسم العاصمة", limit=1).docnums[0])["id"] == "frame"
