"""Flask and gunicorn shell over `indexer.query.search`: an Arabic right-to-left page and a JSON API."""
from __future__ import annotations


def create_app(config=None):
    """Build the Flask app (see `search_app.factory`); imported lazily so the CLI's other commands stay light."""
    from search_app.factory import create_app as build_app

    return build_app(config)
