"""Benchmark inputs: read the news JSONL, cut or repeat it to a target size, and write it back.

Repeating under new ids is how the issue asks for 100k documents from the 31.5k ANT corpus. Each copy
also carries a one-word marker at the end of its body, because the indexer indexes exact-duplicate
bodies once: unmarked copies would be dropped and a "100k" build would really index 31k.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path



def copy_id(original_id: str, copy_number: int) -> str:
    """Id of the n-th repetition of a record; copy 0 is the original and keeps its id."""
    return original_id if copy_number == 0 else f"{original_id}~copy{copy_number}"


def repeat_to_size(records: Iterable[dict], size: int) -> Iterator[dict]:
    """Yield exactly `size` records: the originals in order, then repeated copies under new ids.

    The originals are materialized once (the corpus fits in memory); copies are fresh dicts so the
    caller may change them without touching the originals.
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    originals = list(islice(records, size))
    if size and not originals:
        raise ValueError("cannot repeat an empty corpus")
    for n in range(size):
        copy_number, position = divmod(n, len(originals))
        record = originals[position]
        if copy_number == 0:
            yield record
            continue
        copy = dict(record)
        copy["id"] = copy_id(record["id"], copy_number)
        copy["text"] = f"{record.get('text') or ''}\ncopy{copy_number}"
        yield copy


def write_jsonl(records: Iterable[dict], path: Path) -> int:
    """Write records one per line (UTF-8, Arabic unescaped); return how many were written."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def analyzer_texts(records: Iterable[dict]) -> Iterator[str]:
    """The text an analyzer sees for one article: title and body, as the index gets them."""
    for record in records:
        yield f"{record.get('title') or ''}\n{record.get('text') or ''}"
