"""The page's pure view rules: which highlight markup is trusted, which links are followed, how pages link."""
from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from search_app.page_view import (
    display_name,
    facet_values,
    has_search,
    last_page,
    page_links,
    page_url,
    safe_link,
    text_direction,
    trusted_highlight,
)


@pytest.mark.parametrize(
    "html, expected",
    [
        # core output: escaped text with whole-word marks ("the <mark>school</mark> opened") is trusted
        ("افتتحت <mark>المدرسة</mark> &lt;b&gt;", "افتتحت <mark>المدرسة</mark> &lt;b&gt;"),
        # anything but <mark> means the promise was broken: everything is escaped
        ("<script>alert(1)</script><mark>x</mark>", "&lt;script&gt;alert(1)&lt;/script&gt;&lt;mark&gt;x&lt;/mark&gt;"),
        ('<mark onclick="x">مدرسة</mark>', "&lt;mark onclick=&#34;x&#34;&gt;مدرسة&lt;/mark&gt;"),
        ("a > b", "a &gt; b"),
    ],
)
def test_trusted_highlight_allows_only_mark_tags(html, expected):
    assert str(trusted_highlight(html, "fallback")) == expected


def test_trusted_highlight_falls_back_to_escaped_text_when_empty():
    result = trusted_highlight("", "<i>عنوان</i>")  # "title" in italics tags
    assert isinstance(result, Markup) and str(result) == "&lt;i&gt;عنوان&lt;/i&gt;"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.bbc.com/arabic/x", "https://www.bbc.com/arabic/x"),
        ("  http://example.com/a?b=1  ", "http://example.com/a?b=1"),
        ("HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https:///no-host", None),
        ("http://[broken", None),
        ("http://a b.com/", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_link_only_allows_absolute_http_and_https(url, expected):
    assert safe_link(url) == expected


def test_page_url_keeps_repeated_filters_and_replaces_overrides():
    args = MultiDict([("q", "مدرسة"), ("source", "BBC"), ("source", "CNN"), ("page", "3"), ("from", "")])
    query = parse_qs(page_url(args, page=4)[1:])
    assert query == {"q": ["مدرسة"], "source": ["BBC", "CNN"], "page": ["4"]}  # q = "school"
    assert "page" not in parse_qs(page_url(args, page=None)[1:])


def test_page_url_ignores_parameters_the_page_does_not_know():
    assert page_url(MultiDict([("q", "x"), ("evil", "1")])) == "?q=x"


@pytest.mark.parametrize(
    "args, expected",
    [({}, False), ({"q": "  "}, False), ({"q": "مدرسة"}, True), ({"source": "BBC"}, True), ({"page": "2"}, False)],
)
def test_has_search_needs_a_query_or_a_filter(args, expected):
    assert has_search(MultiDict(args)) is expected


def test_facet_values_sort_by_count_and_keep_selected_values_without_hits():
    values = facet_values("source", {"BBC": 2, "CNN": 5, "": 3}, selected=("BBC", "Gone"))  # "" cannot be filtered
    assert [(v.value, v.count, v.checked) for v in values] == [("CNN", 5, False), ("BBC", 2, True), ("Gone", 0, True)]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("category", "middleEast", "الشرق الأوسط"),  # "the Middle East"
        ("category", "sport", "رياضة"),  # "sport"
        ("source", "alarabia", "العربية"),  # Al Arabiya
        ("source", "unknown-feed", "unknown-feed"),  # unknown codes are shown as they are
        ("author", "BBC", "BBC"),  # only sources and categories have display names
    ],
)
def test_display_names_translate_known_codes_only(field, value, expected):
    assert display_name(field, value) == expected
    labelled = facet_values(field, {value: 1}, ())
    assert (labelled[0].value, labelled[0].label) == (value, expected)


@pytest.mark.parametrize(
    "total, per_page, expected",
    [(0, 10, 1), (10, 10, 1), (11, 10, 2), (5000, 10, 100), (5000, 100, 10), (5000, 7, 142)],
)
def test_last_page_is_bounded_by_hits_and_result_window(total, per_page, expected):
    assert last_page(total, per_page) == expected


def test_page_links_show_first_last_and_a_window_around_the_current_page():
    links = page_links(MultiDict({"q": "x"}), current=10, total=500, per_page=10)
    assert [link.number for link in links] == [1, 8, 9, 10, 11, 12, 50]
    assert [link.number for link in links if link.current] == [10]
    assert links[0].url == "?q=x&page=1"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("… iPhone الجديد خلال مؤتمر في دبي", "rtl"),  # starts with a Latin word, but is Arabic ("the new ... in Dubai")
        ("Apple launches a phone في دبي", "ltr"),  # mostly English
        ("<mark>مدرسة</mark> &amp; &lt;b&gt;", "rtl"),  # tags and entities do not count as Latin text ("school")
        ("", "rtl"),
        ("2018 ١٢٣", "rtl"),
    ],
)
def test_text_direction_follows_the_majority_script(text, expected):
    assert text_direction(text) == expected


def test_fresh_choices_select_the_default_and_add_an_unlisted_value():
    from search_app.page_view import fresh_choices
    assert [value for value, _, selected in fresh_choices(None) if selected] == ["1"]
    assert [value for value, _, selected in fresh_choices("0") if selected] == ["0"]
    assert fresh_choices("14d")[0] == ("14d", "14d", True)
