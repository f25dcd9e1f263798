"""The `arabic-search` command tree (click): thin shells over the indexer, plus `serve` (gunicorn).

Index maintenance lives in `index_commands`, querying and evaluation in `query_commands`, serving in `serve`,
and what a cluster's other clients need in `cluster_commands`.
"""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Arabic news search: build, query, evaluate and serve a Whoosh index."""


def _register() -> None:
    from search_app.cli import cluster_commands, index_commands, query_commands, serve

    for module in (index_commands, query_commands, serve, cluster_commands):
        for command in module.COMMANDS:
            cli.add_command(command)


def main() -> None:
    cli(prog_name="arabic-search")


_register()
