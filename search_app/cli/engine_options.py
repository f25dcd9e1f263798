"""The `--index` and `--engine` options every command shares, and the engine they open."""
from __future__ import annotations

import click

from indexer.engine import Engine, open_engine
from indexer.errors import SynonymsUnreadable


def engine_options(command):
    """Add `--index DIR` and `--engine KIND` to a command; it receives them as `index_dir`, `engine_kind`."""
    command = engine_option(command)
    return click.option(
        "--index", "index_dir", metavar="DIR",
        help="Index location (default: $ARABIC_SEARCH_INDEX, else index_data/index).",
    )(command)


engine_option = click.option(
    "--engine", "engine_kind", metavar="whoosh|URL", default=None,
    help="Engine that holds the index: whoosh (embedded, the default) or a cluster URL such as "
         "opensearch+http://127.0.0.1:9200/news (default: $ARABIC_SEARCH_ENGINE, else whoosh).",
)


synonyms_option = click.option(
    "--synonyms", "synonyms", metavar="FILE", default=None,
    help="Synonyms file (Solr format: `a, b, c` or `a => b`), applied at query time and re-read when it "
         "changes (default: $ARABIC_SEARCH_SYNONYMS, else none).",
)


def engine_from(index_dir: str | None, engine_kind: str | None, synonyms: str | None = None) -> Engine:
    try:
        return open_engine(index_dir, engine_kind, synonyms=synonyms)
    except ValueError as error:  # an unknown engine, a malformed URL
        raise click.UsageError(str(error)) from None
    except SynonymsUnreadable as error:
        raise click.UsageError(str(error)) from None
