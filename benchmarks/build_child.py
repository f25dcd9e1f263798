"""Child process of the indexing benchmark: one production full rebuild, timed, result as JSON.

It runs alone in its own process so that its peak memory is its own and its import time is not
counted: the clock covers `rebuild_index` only, the call that `arabic-search reindex` makes.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time


def summary_as_dict(summary) -> dict:
    """A BuildSummary (dataclass or object) as plain JSON-able data."""
    if dataclasses.is_dataclass(summary):
        data = dataclasses.asdict(summary)
    else:
        data = dict(getattr(summary, "__dict__", {}))
    skipped = data.get("skipped")
    if isinstance(skipped, list):  # 17 near-empty ANT texts would otherwise flood the results file
        data["skipped"] = len(skipped)
    return json.loads(json.dumps(data, default=str))


def production_rebuild():
    """The full-rebuild entry point that `arabic-search reindex` calls.

    The contract names it `indexer.build.rebuild_index(paths, root)`; until that lands, the same two
    production steps it is made of: read the sources, then rebuild from the parsed articles.
    """
    from indexer import build

    if hasattr(build, "rebuild_index"):
        return build.rebuild_index
    from indexer.sources import read_sources

    return lambda paths, root: build.rebuild_from_articles(read_sources(paths), root)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True, help="JSONL file to index")
    parser.add_argument("--index", required=True, help="index root (IndexStore layout) to rebuild")
    args = parser.parse_args(argv)

    rebuild = production_rebuild()
    started = time.perf_counter()
    summary = rebuild([args.source], args.index)
    seconds = time.perf_counter() - started
    json.dump({"seconds": seconds, "summary": summary_as_dict(summary)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
