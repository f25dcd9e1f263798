"""The completion side files of a generation: `completion-<segment id>.json` beside each bulk-built segment.

Each holds a segment's written forms of its terms and its common word pairs (made by
`indexer.build.completion_table`, read by `indexer.query.completion_index`); the name is outside Whoosh's
segment file pattern, so Whoosh's cleanup never deletes one, and a merge keeps the files of the segments
it merged. The rules of what a file keeps are here so that the cluster engine counts by the same ones.
"""
from __future__ import annotations

import json

SIDE_FILE_PREFIX = "completion-"
SIDE_FILE_SUFFIX = ".json"
FORMS_KEPT = 3  # written forms kept per term: the winner and the runners-up that may win after a merge
MIN_PAIR_COUNT = 2  # a pair seen once in a segment is noise there; pairs are summed over segments after


def write_side_file(storage, segment_id: str, table: dict) -> None:
    """Write a segment's table into its storage (the generation directory)."""
    stream = storage.create_file(f"{SIDE_FILE_PREFIX}{segment_id}{SIDE_FILE_SUFFIX}")
    try:
        stream.write(json.dumps(table, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    finally:
        stream.close()


def read_side_files(storage) -> list[dict]:
    """Every side table in `storage`, in name order."""
    names = sorted(name for name in storage.list()
                   if name.startswith(SIDE_FILE_PREFIX) and name.endswith(SIDE_FILE_SUFFIX))
    tables = []
    for name in names:
        stream = storage.open_file(name)
        try:
            tables.append(json.loads(stream.read().decode("utf-8")))
        finally:
            stream.close()
    return tables
