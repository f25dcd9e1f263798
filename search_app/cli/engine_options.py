"""The `--index` and `--engine` options every command shares, and the engine they open."""
from __future__ import annotations

import click

from indexer.engine import ENGINE_KINDS, Engine, open_engine


def engine_options(command):
    """Add `--index DIR` and `--engine KIND` to a command; it receives them as `index_dir`, `engine_kind`."""
    command = click.option(
        "--engine", "engine_kind", type=click.Choice(ENGINE_KINDS), default=None,
        help="Engine that holds the index (default: $ARABIC_SEARCH_ENGINE, else whoosh).",
    )(command)
    return click.option(
        "--index", "index_dir", metavar="DIR",
        help="Index location (default: $ARABIC_SEARCH_INDEX, else index_data/index).",
    )(command)


def engine_from(index_dir: str | None, engine_kind: str | None) -> Engine:
    try:
        return open_engine(index_dir, engine_kind)
    except ValueError as error:  # an unknown $ARABIC_SEARCH_ENGINE
        raise click.UsageError(str(error)) from None
