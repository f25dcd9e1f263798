"""The JSON API blueprint: search, one document, health and the OpenAPI description.

Views only translate HTTP to the search core and back; validation lives in `parse_search_request`
and every refusal is raised as an exception that `errors.py` renders as `{"error": {...}}`.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import NotFound

from indexer.query.search import get_document, search
from indexer.query.request import parse_search_request
from indexer.storage.store import IndexUnavailable
from search_app.errors import INDEX_UNAVAILABLE_MESSAGE
from search_app.index_binding import index_store
from search_app.openapi import openapi_document

api = Blueprint("api", __name__)


@api.get("/api/search")
def search_json():
    search_request = parse_search_request(request.args)
    with index_store().searcher() as searcher:
        return jsonify(search(searcher, search_request))


@api.get("/api/documents/<path:doc_id>", merge_slashes=False)  # ids are opaque: never rewrite them
def document_json(doc_id: str):
    with index_store().searcher() as searcher:
        document = get_document(searcher, doc_id)
    if document is None:
        raise NotFound(f"no document has id {doc_id!r}")
    return jsonify(document)


@api.get("/healthz")
def health():
    """200 when a searcher opens on the live generation; 503 (still JSON) when it does not."""
    store = index_store()
    try:
        generation = store.generation
        with store.searcher() as searcher:
            documents = searcher.doc_count()
    except IndexUnavailable as error:
        current_app.logger.error("health check: %s", error)
        body = {"status": "unavailable", "index": {"readable": False},
                "error": {"code": "index_unavailable", "message": INDEX_UNAVAILABLE_MESSAGE}}
        return jsonify(body), 503
    return jsonify(status="ok", index={"readable": True, "documents": documents, "generation": generation})


@api.get("/api/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
