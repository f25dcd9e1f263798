"""`arabic-search serve`: check the index once, then exec gunicorn with the package's config."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from indexer.storage.store import IndexStore, IndexUnavailable, resolve_index_root

GUNICORN_CONFIG = Path(__file__).resolve().parent.parent / "gunicorn_conf.py"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
WSGI_APP = "search_app.wsgi:app"


def gunicorn_argv(bind: str, workers: int | None) -> list[str]:
    """The gunicorn command line: our config file, then the options given to `serve` (which win)."""
    argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "--pythonpath", str(PROJECT_ROOT)]
    argv += ["--bind", bind]
    if workers:
        argv += ["--workers", str(workers)]
    return argv + [WSGI_APP]


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT", help="Address to listen on.")
@click.option("--index", "index_option", default=None, metavar="DIR",
              help="Index root (default: env ARABIC_SEARCH_INDEX, else index_data/index).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn worker processes (default: one per CPU core, at least 2).")
def serve(bind: str, index_option: str | None, workers: int | None) -> None:
    """Serve the search page and JSON API with gunicorn (search_app/gunicorn_conf.py).

    The index is checked before any worker starts, so a missing or corrupt index is reported once,
    clearly, instead of as a traceback per worker. A later `reindex` is picked up without a restart.
    """
    root = resolve_index_root(index_option).resolve()  # workers get an absolute path, whatever their cwd
    try:
        documents = IndexStore(root).doc_count()
    except IndexUnavailable as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"serving {documents} documents from {root} on http://{bind}/", err=True)
    env = {**os.environ, "ARABIC_SEARCH_INDEX": str(root)}
    env.pop("ARABIC_SEARCH_DEBUG", None)
    argv = gunicorn_argv(bind, workers)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)


COMMANDS = [serve]
