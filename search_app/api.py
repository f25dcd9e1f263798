"""The JSON API blueprint: search, completion as you type, one document, one story, health and the OpenAPI description.

Views only translate HTTP to the search core and back; validation lives in `parse_search_request`
and every refusal is raised as an exception that `errors.py` renders as `{"error": {...}}`.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import NotFound

from indexer.errors import IndexUnavailable
from indexer.query.request import parse_complete_request, parse_search_request
from search_app.engine_binding import current_engine
from search_app.errors import INDEX_UNAVAILABLE_MESSAGE
from search_app.openapi import openapi_document

api = Blueprint("api", __name__)


@api.get("/api/search")
def search_json():
    return jsonify(current_engine().search(parse_search_request(request.args)))


@api.get("/api/complete")
def complete_json():
    return jsonify(current_engine().complete(parse_complete_request(request.args)))


@api.get("/api/documents/<path:doc_id>", merge_slashes=False)  # ids are opaque: never rewrite them
def document_json(doc_id: str):
    document = current_engine().document(doc_id)
    if document is None:
        raise NotFound(f"no document has id {doc_id!r}")
    return jsonify(document)


@api.get("/api/stories/<story_id>")
def story_json(story_id: str):
    story = current_engine().story(story_id)
    if story is None:
        raise NotFound(f"no live article belongs to story {story_id!r}")
    return jsonify(story)


@api.get("/healthz")
def health():
    """200 when the engine can read its index; 503 (still JSON) when it cannot."""
    try:
        index = current_engine().health()
    except IndexUnavailable as error:
        current_app.logger.error("health check: %s", error)
        body = {"status": "unavailable", "index": {"readable": False},
                "error": {"code": "index_unavailable", "message": INDEX_UNAVAILABLE_MESSAGE}}
        return jsonify(body), 503
    return jsonify(status="ok", index=index)


@api.get("/api/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
