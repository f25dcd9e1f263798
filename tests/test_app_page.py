"""The Arabic search page through Flask's test client: RTL markup, states, navigation and escaping."""
from __future__ import annotations

import re

import pytest

from search_app import create_app
from test_app_corpus import APP_ENGINES, BIDI_OVERRIDE, sample_app_config


@pytest.fixture(scope="module", params=APP_ENGINES)
def client(request, tmp_path_factory):
    """The page over the corpus, once per engine."""
    with sample_app_config(request.param, tmp_path_factory.mktemp("page-" + request.param), request) as config:
        yield create_app(config).test_client()


def page(client, status=200, **params):
    response = client.get("/", query_string=params)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_landing_page_is_arabic_right_to_left_with_a_labelled_search_box(client):
    html = page(client)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<label for="q"' in html and 'id="q" name="q" type="search"' in html
    assert 'name="viewport"' in html
    # works without JavaScript: the only script is the completion file, loaded as a static file (no inline
    # script, which the CSP forbids anyway)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/complete.js" defer>']


def test_results_show_marked_title_or_snippet_source_and_date(client):
    html = page(client, q="المَدْرَسَة")  # "the school", diacritized
    assert html.count('<li class="hit">') >= 2
    assert "<mark>" in html
    assert '<bdi class="hit-source">بي بي سي</bdi>' in html  # BBC, by its Arabic name
    assert '<time datetime="2018-03-04"' in html


def test_search_box_keeps_the_query_escaped(client):
    query = '"><script>alert(1)</script> مدرسة'
    html = page(client, q=query)
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; مدرسة"' in html
    assert "<script>alert(1)</script>" not in html


def test_hostile_document_is_rendered_escaped_and_unlinked(client):
    html = page(client, q="مدرسة")  # "school"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/complete.js" defer>']  # only the page's own completion file
    assert "<img" not in html and "<b onmouseover" not in html
    assert "javascript:" not in html and "data:text/html" not in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    external = [href for href in hrefs if "://" in href]
    assert external and all(href.startswith(("http://", "https://")) for href in external)


def test_bidi_override_stays_inside_an_isolated_element(client):
    html = page(client, q="مدرسة")
    title = re.search(r'<h2 class="hit-title" dir="(?:rtl|ltr)">(?:(?!</h2>).)*' + BIDI_OVERRIDE, html, re.S)
    assert title, "the title holding U+202E must sit in an element with dir (which isolates it)"


def test_facets_are_checkboxes_tied_to_the_search_form_and_keep_their_state(client):
    html = page(client, q="مدرسة", source="BBC")
    assert re.search(r'<input type="checkbox" name="source" value="BBC" form="search" checked>', html)
    assert 'name="category"' in html


def test_sort_links_mark_the_current_order(client):
    html = page(client, q="مدرسة", sort="date")
    assert '<span class="sort-option" aria-current="true">الأحدث أولًا</span>' in html  # "newest first"
    assert 'name="sort" value="date"' in html  # a new query keeps the order


def test_pagination_links_carry_the_query_and_filters(client):
    html = page(client, q="مدرسة", per_page=2, source="BBC,CNN")
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group()
    assert 'aria-current="page">1<' in nav
    assert "page=2" in nav and "per_page=2" in nav and "source=BBC" in nav


def test_misspelling_shows_a_did_you_mean_link(client):
    html = page(client, q="المدرصة")  # "the school" misspelled with ص
    assert re.search(r'هل تقصد: <a href="\?q=%D8%A7%D9%84%D9%85%D8%AF%D8%B1%D8%B3%D8%A9"><bdi>المدرسة</bdi></a>', html)


def test_no_results_shows_the_empty_state(client):
    html = page(client, q="كلمةلاتوجدأبدا")  # "a word that never exists"
    assert "لا توجد نتائج" in html  # "no results"


def test_bad_parameter_shows_the_error_state_with_the_search_box(client):
    html = page(client, 400, q="م" * 501)
    assert 'role="alert"' in html and "500 حرف" in html  # "500 characters"
    assert 'id="q"' in html


def test_missing_index_shows_a_503_error_state(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "never-built")}).test_client()
    html = page(client, 503, q="مدرسة")
    assert "فهرس البحث غير متاح" in html and str(tmp_path) not in html  # "the index is unavailable"


def test_unknown_page_is_an_arabic_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "الصفحة غير موجودة" in response.get_data(as_text=True)  # "page not found"


def test_stylesheet_is_served_locally_and_uses_system_fonts(client):
    html = page(client)
    assert re.search(r'<link rel="stylesheet" href="/static/style.css', html)
    assert "://" not in html.split("</head>")[0]  # no CDN: nothing in <head> leaves this server
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@import" not in css and "url(" not in css and "Tahoma" in css


def test_freshness_select_is_in_the_search_form_and_keeps_its_choice(client):
    html = page(client, q="مدرسة")  # "school"
    select = re.search(r'<select id="fresh" name="fresh" form="search">.*?</select>', html, re.S).group()
    assert '<option value="1" selected>' in select  # on, a week's half-life, by default
    assert '<option value="0">الصلة وحدها</option>' in select  # "relevance alone"
    html = page(client, q="مدرسة", fresh="0", per_page=2)
    assert '<option value="0" selected>' in html
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group()
    assert "fresh=0" in nav  # the next page ranks the same way


def test_a_freshness_value_from_a_link_is_offered_back_as_it_is(client):
    assert '<option value="14d" selected>14d</option>' in page(client, q="مدرسة", fresh="14d")


def test_a_bad_freshness_value_is_an_escaped_arabic_error(client):
    html = page(client, 400, q="مدرسة", fresh='<script>"')
    assert "قيمة الحداثة غير صالحة" in html  # "the freshness value is not valid"
    assert "<script>&#34;" not in html and '<script>"' not in html
