"""Refuse oversized or undecodable requests before any view runs, with a clear 4xx instead of a 500.

gunicorn already caps the request line and each header (see gunicorn_conf.py); these checks hold the same
limits inside the app too, so the Flask test client and any other WSGI server get the same answers.
"""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestHeaderFieldsTooLarge, RequestURITooLarge


def _is_utf8(raw: bytes) -> bool:
    """True when the percent-decoded bytes are valid UTF-8 (a continuation byte is never `&` or `=`)."""
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_body() -> None:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"request bodies are limited to {limit} bytes; this service only reads GET parameters")


def _check_query_string() -> None:
    limit = current_app.config["MAX_QUERY_STRING_BYTES"]
    if len(request.query_string) > limit:
        raise RequestURITooLarge(f"the query string is limited to {limit} bytes")
    if not _is_utf8(request.query_string):
        raise BadRequest("the query string is not valid UTF-8 once percent-decoded")


def _check_path() -> None:
    # WSGI hands over the already percent-decoded path as latin-1 text: recover its bytes, decode strictly.
    try:
        request.environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadRequest("the URL path is not valid UTF-8") from None


def _check_headers() -> None:
    limit = current_app.config["MAX_HEADER_BYTES"]
    size = sum(len(name) + len(value) for name, value in request.headers.items())
    if size > limit:
        raise RequestHeaderFieldsTooLarge(f"request headers are limited to {limit} bytes in total")


REQUEST_CHECKS = (_check_headers, _check_body, _check_query_string, _check_path)


def enforce_request_limits() -> None:
    """`before_request` hook: run every check; the first failure becomes the response."""
    for check in REQUEST_CHECKS:
        check()
