"""The `arabic-search` click group; each command is a thin shell over an indexer function.

Commands live beside the functions they wrap: index maintenance in `index_commands`,
querying and evaluation in `query_commands`. `search_app.cli` adds `serve` on top.
"""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Arabic news search: build, query, evaluate and serve a Whoosh index."""


def _register() -> None:
    from indexer import index_commands, query_commands

    for module in (index_commands, query_commands):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()
