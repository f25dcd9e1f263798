"""The application factory: config from a mapping and `ARABIC_SEARCH_*` environment variables,
the page and API blueprints, request limits, security headers and error handlers."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from search_app.api import api
from search_app.errors import register_error_handlers
from search_app.html_safe_json import HtmlSafeJSONProvider
from search_app.engine_binding import bind_engine
from search_app.page import page
from search_app.request_limits import enforce_request_limits
from search_app.security_headers import add_security_headers

ENV_PREFIX = "ARABIC_SEARCH"

DEFAULT_CONFIG = {
    "ENGINE": None,  # engine kind (indexer.engine.ENGINES); None means $ARABIC_SEARCH_ENGINE, else whoosh
    "INDEX": None,  # index location; None means the engine's default (env, then <repo>/index_data/index)
    "SYNONYMS": None,  # synonyms file, applied at query time and followed as it changes; None means none
    "MAX_CONTENT_LENGTH": 16 * 1024,  # every route is GET: a body is never needed
    "MAX_QUERY_STRING_BYTES": 8 * 1024,  # same as gunicorn's request-line cap; q alone is capped at 500 chars
    "MAX_HEADER_BYTES": 32 * 1024,
    "DEBUG": False,
    "PROPAGATE_EXCEPTIONS": False,  # errors always go through our handlers, even in tests
}


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app: defaults, then `ARABIC_SEARCH_*` env vars (e.g. ARABIC_SEARCH_INDEX), then `config`."""
    app = Flask(__name__)
    app.json = HtmlSafeJSONProvider(app)
    app.config.update(DEFAULT_CONFIG)
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.update(config or {})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    bind_engine(app)
    app.before_request(enforce_request_limits)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    app.register_blueprint(api)
    app.register_blueprint(page)
    return app
