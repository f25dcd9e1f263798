"""The HTML page blueprint: one server-rendered, right-to-left search page that works without JavaScript.

It calls the same `parse_search_request` and engine `search` as the API and only renders their result as HTML.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from indexer.errors import IndexUnavailable
from indexer.query.request import DEFAULT_PER_PAGE, InvalidRequest, parse_search_request
from search_app.engine_binding import current_engine
from search_app.page_view import (
    ARABIC_REQUEST_ERRORS,
    FACET_LABELS,
    SORT_LABELS,
    fresh_choices,
    has_search,
    page_url,
    result_view,
)

page = Blueprint("page", __name__)

INDEX_UNAVAILABLE_TEXT = "فهرس البحث غير متاح حاليًا. يرجى المحاولة لاحقًا."


def _render(status: int = 200, **context):
    args = request.args
    form = {
        "q": args.get("q", ""),
        "sort": args.get("sort", "relevance"),
        "from": args.get("from", ""),
        "to": args.get("to", ""),
        "per_page": args.get("per_page", ""),
        "default_per_page": str(DEFAULT_PER_PAGE),
        "fresh": fresh_choices(args.get("fresh")),
    }
    sort_urls = {value: page_url(args, sort=value, page=None) for value in SORT_LABELS}
    html = render_template(
        "search.html", form=form, facet_labels=FACET_LABELS, sort_labels=SORT_LABELS, sort_urls=sort_urls, **context
    )
    return html, status


@page.get("/")
def search_page():
    args = request.args
    if not has_search(args):
        return _render(state="landing")
    try:
        search_request = parse_search_request(args)
        result = current_engine().search(search_request)
    except InvalidRequest as error:
        return _render(400, state="error", error=ARABIC_REQUEST_ERRORS.get(error.code, error.message))
    except IndexUnavailable as error:
        current_app.logger.error("index unavailable: %s", error)
        return _render(503, state="error", error=INDEX_UNAVAILABLE_TEXT)
    view = result_view(result, search_request, args)
    return _render(state="results" if view["total"] else "empty", results=view)
