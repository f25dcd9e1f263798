"""Every error becomes a clean response: JSON `{"error": {"code", "message"}}` under /api and /healthz,
an Arabic error page elsewhere, and never a traceback (unexpected exceptions are logged, not shown)."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.query.request import InvalidRequest
from indexer.errors import IndexUnavailable

# Stable machine names for HTTP errors, so clients never parse English messages.
HTTP_ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    414: "query_string_too_long",
    431: "headers_too_large",
    500: "internal_error",
    503: "index_unavailable",
}

# What the reader sees on the page, per status; the English detail stays in the JSON.
ARABIC_ERROR_TITLES = {
    400: "طلب غير صالح",
    404: "الصفحة غير موجودة",
    405: "طريقة الطلب غير مسموحة",
    413: "الطلب أكبر من المسموح",
    414: "عنوان الطلب أطول من المسموح",
    431: "ترويسات الطلب أكبر من المسموح",
    500: "حدث خطأ غير متوقع",
    503: "فهرس البحث غير متاح حاليًا",
}

INDEX_UNAVAILABLE_MESSAGE = "the search index is not available; build it with `arabic-search reindex SOURCE`"
INTERNAL_ERROR_MESSAGE = "an unexpected error occurred; it has been logged"


def wants_json() -> bool:
    """API routes and the health check answer in JSON; everything else is the page."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, code: str, message: str, headers: dict | None = None):
    """One error, rendered for whoever asked: JSON for API clients, the error page for readers."""
    if wants_json():
        response = jsonify(error={"code": code, "message": message})
    else:
        title = ARABIC_ERROR_TITLES.get(status, ARABIC_ERROR_TITLES[400 if status < 500 else 500])
        response = current_app.response_class(render_template("error.html", status=status, title=title, message=message))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
    code = HTTP_ERROR_CODES.get(error.code, "http_error")
    return error_response(error.code, code, error.description or code, headers)


def _invalid_request(error: InvalidRequest):
    return error_response(400, error.code, error.message)


def _index_unavailable(error: IndexUnavailable):
    # The detailed message names a server path: it goes to the log, not to the client.
    current_app.logger.error("index unavailable: %s", error)
    return error_response(503, "index_unavailable", INDEX_UNAVAILABLE_MESSAGE, {"Retry-After": "30"})


def _unexpected(error: Exception):
    current_app.logger.exception("unhandled error on %s", request.path)
    return error_response(500, "internal_error", INTERNAL_ERROR_MESSAGE)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InvalidRequest, _invalid_request)
    app.register_error_handler(IndexUnavailable, _index_unavailable)
    app.register_error_handler(Exception, _unexpected)
