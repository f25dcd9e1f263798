"""The one IndexStore of this process: created by the factory, shared by the page and the API.

IndexStore keeps its searcher open and reopens it only when `reindex` or `add` published a change,
so a worker never opens the index per request and still serves a new generation without a restart;
each searcher it opens is prepared (norms, term tables, facets) before a request uses it.
"""
from __future__ import annotations

from flask import Flask, current_app

from indexer.query.search import prepare_searcher
from indexer.storage.store import IndexStore, IndexUnavailable, resolve_index_root

EXTENSION_KEY = "arabic_search.index_store"


def bind_index_store(app: Flask) -> IndexStore:
    """Create the store for `app.config["INDEX"]` (or env ARABIC_SEARCH_INDEX, or the default root)."""
    store = IndexStore(resolve_index_root(app.config.get("INDEX")), prepare=prepare_searcher)
    app.extensions[EXTENSION_KEY] = store
    return store


def index_store() -> IndexStore:
    return current_app.extensions[EXTENSION_KEY]


def open_index_early(app: Flask) -> None:
    """Open and prepare the index before the first request (gunicorn calls this as each worker boots).

    A missing or damaged index is not an error here: requests report it (503) until a reindex fixes it.
    """
    try:
        app.extensions[EXTENSION_KEY].check()
    except IndexUnavailable as error:
        app.logger.error("index not opened at worker start: %s", error)
