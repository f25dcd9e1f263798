"""Entry point of the `arabic-search` console script: the indexer's group plus `serve`."""
from __future__ import annotations

from indexer.cli import cli


def main() -> None:
    cli()
