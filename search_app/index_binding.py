"""The one IndexStore of this process: created by the factory, shared by the page and the API.

IndexStore keeps its searcher open and reopens it only when `reindex` or `add` published a change,
so a worker never opens the index per request and still serves a new generation without a restart.
"""
from __future__ import annotations

from flask import Flask, current_app

from indexer.store import IndexStore, resolve_index_root

EXTENSION_KEY = "arabic_search.index_store"


def bind_index_store(app: Flask) -> IndexStore:
    """Create the store for `app.config["INDEX"]` (or env ARABIC_SEARCH_INDEX, or the default root)."""
    store = IndexStore(resolve_index_root(app.config.get("INDEX")))
    app.extensions[EXTENSION_KEY] = store
    return store


def index_store() -> IndexStore:
    return current_app.extensions[EXTENSION_KEY]
