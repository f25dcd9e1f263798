"""Expensive queries against a generated corpus of thousands of news articles: refused with a clear 400/414,
or answered within a second.

Each query is timed on its first run in a warmed-up app (searcher open, this query's caches cold), which is
what a client varying its queries gets. The default run uses 1,000 articles; `-m slow` adds 4,000.
Run with `pytest -s` to see each query's time.
"""
from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from indexer.build.rebuild import rebuild_index
from search_app import create_app
from soak_corpus import common_words, write_corpus

SECONDS_PER_QUERY = 1.0
MAX_Q_CHARS = 500  # the validator's cap; the accepted queries below are built up to it


def up_to_limit(words: list[str], separator: str = " ", max_words: int = 100) -> str:
    """As many of `words` as fit in one accepted query (at most 500 characters and 100 words)."""
    taken: list[str] = []
    for word in words:
        if len(separator.join([*taken, word])) > MAX_Q_CHARS or len(taken) == max_words:
            break
        taken.append(word)
    return separator.join(taken)


@pytest.fixture(scope="module", params=[1000, pytest.param(4000, marks=pytest.mark.slow)], ids=lambda n: f"{n}docs")
def corpus(request, tmp_path_factory):
    """(index root, document count) of a corpus of `param` generated articles (full sample bodies)."""
    count = request.param
    directory = tmp_path_factory.mktemp(f"expensive-{count}")
    feed = write_corpus(directory / "feed.jsonl", "costly", count)
    assert rebuild_index([feed], directory / "index").indexed == count
    return directory / "index", count


def timed_get(client, path: str):
    started = time.perf_counter()
    response = client.get(path)
    return response, time.perf_counter() - started


@pytest.fixture()
def client(corpus):
    """A fresh app on the corpus, with its searcher already open (so timings are the query's own)."""
    client = create_app({"INDEX": str(corpus[0])}).test_client()
    assert client.get("/api/search?q=costly").status_code == 200
    return client


WORDS = common_words(200)
REFUSED = {
    # name: (parameters, status, error code)
    "leading wildcard": ({"q": "*رئيس"}, 400, "leading_wildcard"),  # "*president"
    "leading wildcard in a field": ({"q": f"{WORDS[0]} title:*ات"}, 400, "leading_wildcard"),
    "leading wildcard excluded": ({"q": f"{WORDS[0]} -*ية"}, 400, "leading_wildcard"),
    "101 terms": ({"q": " ".join(["خبر"] * 101)}, 400, "too_many_terms"),  # "news" x 101
    "2,000 terms": ({"q": " ".join(["خبر"] * 2000)}, 414, "query_string_too_long"),  # "news" x 2000
    "501 characters": ({"q": "م" * 501}, 400, "query_too_long"),
    "page beyond the window": ({"q": WORDS[0], "page": "11", "per_page": "100"}, 400, "page_out_of_window"),
    "page 10^12": ({"q": WORDS[0], "page": "1000000000000"}, 400, "page_out_of_window"),
    "1,000 per page": ({"q": WORDS[0], "per_page": "1000"}, 400, "invalid_per_page"),
}

PREFIXES = sorted({word[:2] for word in WORDS})
ACCEPTED = {
    # name: parameters of a query that is allowed but costs as much as any can
    "most common words, up to the caps": {"q": up_to_limit(WORDS)},
    "common words ORed": {"q": up_to_limit(WORDS, " OR ", max_words=50)},  # each OR counts as a word
    "quoted pairs of common words": {"q": up_to_limit([f'"{a} {b}"' for a, b in zip(WORDS, WORDS[1:])])},
    "common words, half excluded": {"q": up_to_limit([f"-{word}" for word in WORDS[:40]] + WORDS[40:])},
    "reversed words (did-you-mean for each)": {"q": up_to_limit([word[::-1] for word in WORDS])},
    "a two-letter prefix": {"q": "ال*"},  # "the*"
    "deepest page, 100 per page": {"q": WORDS[0], "page": "10", "per_page": "100"},
    "deepest page by date, all words": {"q": up_to_limit(WORDS), "page": "10", "per_page": "100", "sort": "date"},
    "no words, deepest page by date": {"q": "", "page": "10", "per_page": "100", "sort": "date"},
    "100 nested parentheses": {"q": "(" * 100 + WORDS[0] + ")" * 100},
}
MANY_PREFIXES = {"q": up_to_limit([f"{prefix}*" for prefix in PREFIXES])}


@pytest.mark.parametrize("name", REFUSED)
def test_capped_queries_are_refused_clearly_and_at_once(client, name):
    params, status, code = REFUSED[name]
    for path in ("/api/search?", "/?"):
        response, seconds = timed_get(client, path + urlencode(params))
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        assert seconds < SECONDS_PER_QUERY
    error = client.get("/api/search?" + urlencode(params)).get_json()["error"]
    assert error["code"] == code and error["message"]


@pytest.mark.parametrize("name", ACCEPTED)
def test_costly_accepted_queries_answer_within_a_second(client, corpus, name):
    path = "/api/search?" + urlencode(ACCEPTED[name])
    response, seconds = timed_get(client, path)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    print(f"\nSOAK expensive query on {corpus[1]} docs, {name!r}: {seconds * 1000:.0f} ms, "
          f"total {response.get_json()['total']}")
    assert seconds < SECONDS_PER_QUERY


def test_many_two_letter_prefixes_answer_within_a_second(client, corpus):
    response, seconds = timed_get(client, "/api/search?" + urlencode(MANY_PREFIXES))
    print(f"\nSOAK expensive query on {corpus[1]} docs, {len(MANY_PREFIXES['q'].split())} two-letter prefixes: "
          f"{seconds * 1000:.0f} ms, status {response.status_code}")
    assert response.status_code in (200, 400)
    assert seconds < SECONDS_PER_QUERY
