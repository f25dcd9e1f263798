"""The one engine of this process: opened by the factory, shared by the page and the API.

The engine keeps its reader open and reopens it only when `reindex` or `add` published a change, so a worker
never opens the index per request and still serves a new generation without a restart; it is opened warm,
so each reader is prepared (norms, term tables, facets) before a request uses it.
"""
from __future__ import annotations

from flask import Flask, current_app

from indexer.engine import Engine, open_engine
from indexer.errors import IndexUnavailable

EXTENSION_KEY = "arabic_search.engine"


def bind_engine(app: Flask) -> Engine:
    """Open the engine `app.config["ENGINE"]` (default whoosh) on `app.config["INDEX"]` (default: its own)."""
    engine = open_engine(app.config.get("INDEX"), app.config.get("ENGINE"), warm=True,
                         synonyms=app.config.get("SYNONYMS"))
    app.extensions[EXTENSION_KEY] = engine
    return engine


def current_engine() -> Engine:
    return current_app.extensions[EXTENSION_KEY]


def open_index_early(app: Flask) -> None:
    """Open and prepare the index before the first request (gunicorn calls this as each worker boots).

    A missing or damaged index is not an error here: requests report it (503) until a reindex fixes it.
    """
    try:
        app.extensions[EXTENSION_KEY].health()
    except IndexUnavailable as error:
        app.logger.error("index not opened at worker start: %s", error)
