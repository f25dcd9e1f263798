"""Every way parse_search_request refuses a request (a 400 in the API), and what it accepts."""
from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from indexer.query.request import (
    DEFAULT_HALF_LIFE_DAYS,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_RESULT_WINDOW,
    InvalidRequest,
    SearchRequest,
    parse_complete_request,
    parse_search_request,
)


def test_defaults_for_an_empty_request():
    assert parse_search_request({}) == SearchRequest()


@pytest.mark.parametrize(
    "value, half_life",
    [(None, DEFAULT_HALF_LIFE_DAYS), ("", DEFAULT_HALF_LIFE_DAYS), ("1", DEFAULT_HALF_LIFE_DAYS),
     ("on", DEFAULT_HALF_LIFE_DAYS), ("0", None), ("off", None), ("false", None), ("30d", 30), (" 1D ", 1),
     ("3650d", 3650)],
)
def test_fresh_is_on_by_default_and_takes_a_switch_or_a_half_life_in_days(value, half_life):
    args = {} if value is None else {"fresh": value}
    assert parse_search_request(args).fresh_half_life == half_life


def test_accepts_every_parameter():
    args = MultiDict(
        [("q", " زيارة غالانت "), ("page", "2"), ("per_page", "20"), ("source", "BBC"), ("source", "CNN"),
         ("category", "sport,culture"), ("from", "2018-01-01"), ("to", "2018-01-31"), ("sort", "date")]
    )
    request = parse_search_request(args)
    assert request.q == "زيارة غالانت"  # "Gallant visit", trimmed
    assert (request.page, request.per_page, request.offset) == (2, 20, 20)
    assert request.sources == ("BBC", "CNN")
    assert request.categories == ("sport", "culture")
    assert request.date_from == datetime(2018, 1, 1)
    assert request.date_to == datetime(2018, 1, 31, 23, 59, 59, 999999)  # the whole last day
    assert request.sort == "date"


def test_timezone_aware_dates_become_naive_utc():
    request = parse_search_request({"from": "2018-01-01T03:00:00+03:00"})
    assert request.date_from == datetime(2018, 1, 1, 0, 0)


@pytest.mark.parametrize(
    "args, code",
    [
        ({"q": "ا" * (MAX_QUERY_CHARS + 1)}, "query_too_long"),
        ({"q": " ".join(["في"] * (MAX_QUERY_TERMS + 1))}, "too_many_terms"),  # "in" × 101
        ({"q": "*ترامب"}, "leading_wildcard"),  # "*Trump"
        ({"q": "اخبار -*مصر"}, "leading_wildcard"),
        ({"q": "title:*abc"}, "leading_wildcard"),
        ({"page": "0"}, "invalid_page"),
        ({"page": "-3"}, "invalid_page"),
        ({"page": "two"}, "invalid_page"),
        ({"page": "1.5"}, "invalid_page"),
        ({"per_page": "0"}, "invalid_per_page"),
        ({"per_page": str(MAX_PER_PAGE + 1)}, "invalid_per_page"),
        ({"per_page": "ten"}, "invalid_per_page"),
        ({"page": str(MAX_RESULT_WINDOW // 10 + 1), "per_page": "10"}, "page_out_of_window"),
        ({"page": "1000000000000"}, "page_out_of_window"),
        ({"from": "2018-13-01"}, "invalid_date"),
        ({"to": "yesterday"}, "invalid_date"),
        ({"from": "2018-02-01", "to": "2018-01-01"}, "invalid_date_range"),
        ({"sort": "popular"}, "invalid_sort"),
        ({"fresh": "7"}, "invalid_fresh"),  # a bare number is ambiguous: a switch or days?
        ({"fresh": "0d"}, "invalid_fresh"),
        ({"fresh": "3651d"}, "invalid_fresh"),
        ({"fresh": "2w"}, "invalid_fresh"),
        ({"fresh": "-7d"}, "invalid_fresh"),
        ({"fresh": "7.5d"}, "invalid_fresh"),
        ({"fresh": "soon"}, "invalid_fresh"),
    ],
)
def test_refuses_bad_parameters_with_a_stable_code(args, code):
    with pytest.raises(InvalidRequest) as error:
        parse_search_request(args)
    assert error.value.code == code
    assert error.value.message


def test_query_of_exactly_the_maximum_length_is_allowed():
    assert parse_search_request({"q": "ا" * MAX_QUERY_CHARS}).q == "ا" * MAX_QUERY_CHARS


def test_last_page_inside_the_window_is_allowed():
    request = parse_search_request({"page": str(MAX_RESULT_WINDOW // 10), "per_page": "10"})
    assert request.offset + request.per_page == MAX_RESULT_WINDOW


@pytest.mark.parametrize("q", ["*", "؟", "ab*", "a * b", "(*)", "***"])
def test_lone_or_trailing_stars_are_not_leading_wildcards(q):
    assert parse_search_request({"q": q}).q == q


def test_lists_of_values_count_as_repeated_parameters():
    request = parse_search_request({"q": ["قطر"], "source": ["BBC", "CNN", "BBC"], "page": ["3"]})
    assert (request.q, request.sources, request.page) == ("قطر", ("BBC", "CNN"), 3)


@pytest.mark.parametrize("name", ["q", "page", "per_page", "sort", "expand", "fresh", "from", "to"])
def test_a_single_valued_parameter_given_twice_is_refused(name):
    value = {"q": "غزة", "page": "2", "per_page": "5", "sort": "date", "expand": "1", "fresh": "1",
             "from": "2018-01-01", "to": "2018-02-01"}[name]
    with pytest.raises(InvalidRequest) as refused:
        parse_search_request(MultiDict([(name, value), (name, value)]))
    assert refused.value.code == f"invalid_{name}" and "only once" in refused.value.message


def test_completion_limit_given_twice_is_refused_but_repeatable_filters_are_not():
    with pytest.raises(InvalidRequest, match="only once"):
        parse_complete_request(MultiDict([("q", "وز"), ("limit", ""), ("limit", "3")]))
    request = parse_search_request(MultiDict([("source", "BBC"), ("source", "CNN"), ("category", "sport")]))
    assert request.sources == ("BBC", "CNN")


def test_blank_values_mean_not_given_but_a_control_character_is_a_wrong_value():
    assert parse_search_request({"page": " ", "from": "\t", "sort": "", "fresh": "\r\n"}) == SearchRequest()
    with pytest.raises(InvalidRequest) as refused:
        parse_search_request({"from": "\x1d"})
    assert refused.value.code == "invalid_date"
