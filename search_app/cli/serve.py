"""`arabic-search serve`: check the index once, then exec gunicorn with the package's config."""
from __future__ import annotations

import os
import sys

import click

from indexer.engine import ENGINE_VARIABLE, SYNONYMS_VARIABLE
from indexer.errors import IndexUnavailable
from search_app.cli.engine_options import engine_from, engine_options, synonyms_option

GUNICORN_CONFIG = "python:search_app.gunicorn_conf"  # imported from the installed package, not found by path
WSGI_APP = "search_app.wsgi:app"


def gunicorn_argv(bind: str, workers: int | None) -> list[str]:
    """The gunicorn command line: our config file, then the options given to `serve` (which win)."""
    argv = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG]
    argv += ["--bind", bind]
    if workers:
        argv += ["--workers", str(workers)]
    return argv + [WSGI_APP]


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT", help="Address to listen on.")
@engine_options
@synonyms_option
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes (default: one per CPU core, at least 2).")
def serve(bind: str, index_dir: str | None, engine_kind: str | None, synonyms: str | None,
          workers: int | None) -> None:
    """Serve the search page and JSON API with gunicorn (settings in the module search_app.gunicorn_conf).

    The index is checked before any worker starts, so a missing or corrupt index is reported once,
    clearly, instead of as a traceback per worker. A later `reindex`, and an edited synonyms file, are
    picked up without a restart.
    """
    engine = engine_from(index_dir, engine_kind, synonyms)
    try:
        documents = engine.health()["documents"]
    except IndexUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.close()
    # workers get the absolute location and the engine's kind, whatever their cwd and environment
    click.echo(f"serving {documents} documents from {engine.location} on http://{bind}/", err=True)
    env = {**os.environ, "ARABIC_SEARCH_INDEX": engine.location, ENGINE_VARIABLE: engine.spec}
    env.pop("ARABIC_SEARCH_DEBUG", None)
    if synonyms:
        env[SYNONYMS_VARIABLE] = os.path.abspath(synonyms)
    argv = gunicorn_argv(bind, workers)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)


COMMANDS = [serve]
