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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True, help="JSONL file to index")
    parser.add_argument("--index", required=True, help="index root (IndexStore layout) to rebuild")
    args = parser.parse_args(argv)

    from indexer.build.rebuild import rebuild_index

    started = time.perf_counter()
    summary = rebuild_index([args.source], args.index)
    seconds = time.perf_counter() - started
    json.dump({"seconds": seconds, "summary": summary_as_dict(summary)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
