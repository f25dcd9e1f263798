"""Freshness in ranking: the decay on the published date, counted back from the index's newest article."""
from datetime import datetime, timedelta

import numpy as np
import pytest
from whoosh.filedb.filestore import RamStorage

from indexer.ingest.article import Article
from indexer.query.request import DEFAULT_HALF_LIFE_DAYS
from indexer.query.scoring import FRESHNESS_BOOST, freshness_factors, published_micros
from indexer.storage.schema import build_schema, document_fields
from index_probe import rank_text

NEWEST = datetime(2018, 5, 31, 12, 0)
DAY_US = 86_400 * 1_000_000


def make_index(articles):
    ix = RamStorage().create_index(build_schema("arabic"))
    with ix.writer() as writer:
        for article in articles:
            writer.add_document(**document_fields(article))
    return ix


def ranked(ix, q, fresh):
    with ix.searcher() as searcher:
        result = rank_text(searcher, q, limit=10, fresh_half_life=fresh)
        return [searcher.stored_fields(d)["id"] for d in result.docnums], result.scores


def days_ago(days):
    return NEWEST - timedelta(days=days)


# Two reports with the same words ("oil prices rose in the market"); "old" was indexed first, so by
# relevance alone the tie is broken for it.
TWINS = [Article("old", body="ارتفعت أسعار النفط في السوق", published=days_ago(30)),
         Article("new", body="ارتفعت أسعار النفط في السوق", published=days_ago(1)),
         Article("newest", body="مباراة كرة القدم", published=NEWEST)]  # the archive's last day, unrelated


def test_of_two_equally_relevant_articles_the_newer_comes_first_with_freshness():
    assert ranked(make_index(TWINS), "أسعار النفط", DEFAULT_HALF_LIFE_DAYS)[0] == ["new", "old"]


def test_without_freshness_equal_relevance_keeps_the_index_order():
    assert ranked(make_index(TWINS), "أسعار النفط", None)[0] == ["old", "new"]


def test_a_much_more_relevant_old_article_beats_a_weak_new_one_at_the_default_half_life():
    # "old" is about oil prices throughout; "new" (today's) mentions oil once in a long text on football
    ix = make_index([
        Article("old", title="أسعار النفط", body="أسعار النفط ترتفع وأسعار النفط في السوق", published=days_ago(400)),
        Article("new", body="مباراة كرة القدم " * 20 + "والنفط", published=NEWEST),
    ])
    ids, scores = ranked(ix, "أسعار النفط", DEFAULT_HALF_LIFE_DAYS)
    assert ids == ["old", "new"]
    assert ranked(ix, "أسعار النفط", None)[0] == ["old", "new"]


def test_ages_count_from_the_newest_article_not_the_wall_clock():
    # an archive from 2018: the article of its last day gets the whole boost, years after
    ix = make_index([Article("a", body="النفط", published=NEWEST), Article("b", body="النفط", published=days_ago(7))])
    _, fresh = ranked(ix, "النفط", DEFAULT_HALF_LIFE_DAYS)
    _, plain = ranked(ix, "النفط", None)
    assert fresh[0] == pytest.approx(plain[0] * (1 + FRESHNESS_BOOST), rel=1e-5)
    assert fresh[1] == pytest.approx(plain[1] * (1 + FRESHNESS_BOOST / 2), rel=1e-5)  # one half-life older


def test_a_shorter_half_life_widens_the_gap_between_new_and_old():
    ix = make_index(TWINS)
    gaps = []
    for half_life in (1, 30):
        ids, scores = ranked(ix, "أسعار النفط", half_life)
        gaps.append(scores[0] / scores[1])
    assert gaps[0] > gaps[1] > 1.0


def test_undated_articles_count_as_old_and_freshness_never_lowers_a_score():
    factors = freshness_factors(np.array([-1, 0, 10 * DAY_US, 20 * DAY_US]), 20 * DAY_US, 10)
    assert factors.tolist() == pytest.approx([1.0, 1 + FRESHNESS_BOOST / 4, 1 + FRESHNESS_BOOST / 2,
                                              1 + FRESHNESS_BOOST])
    assert freshness_factors(np.array([5, -1]), None, 7).tolist() == [1.0, 1.0]  # no dated article at all


def test_an_article_dated_after_the_reference_counts_as_new_not_newer():
    assert freshness_factors(np.array([30 * DAY_US]), 20 * DAY_US, 10).tolist() == \
        pytest.approx([1 + FRESHNESS_BOOST])


def test_published_micros_is_the_scale_of_the_whoosh_date_column():
    from whoosh.util.times import datetime_to_long
    moment = datetime(2018, 2, 18, 21, 35, 43, 123456)
    assert published_micros(moment) == datetime_to_long(moment)


def test_sort_by_date_is_not_changed_by_freshness():
    ix = make_index(TWINS)
    with ix.searcher() as searcher:
        on = rank_text(searcher, "أسعار النفط", sort="date", fresh_half_life=DEFAULT_HALF_LIFE_DAYS)
        off = rank_text(searcher, "أسعار النفط", sort="date", fresh_half_life=None)
    assert (on.docnums, on.scores) == (off.docnums, off.scores)
