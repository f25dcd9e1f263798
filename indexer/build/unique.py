"""Which records of a run get indexed: the first of each id and of each body; the rest counted, never lost.

Engine-neutral (no index is read here), so every engine's rebuild skips and counts the same records.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from indexer.build.summary import BuildSummary
from indexer.errors import StrictModeFailure
from indexer.ingest.article import Article, Skip, body_digest


def record_skip(summary: BuildSummary, skip: Skip, strict: bool) -> None:
    """Count an unusable record in the summary; under --strict it stops the build instead."""
    summary.skipped.append(skip)
    if strict:
        raise StrictModeFailure(f"--strict: {skip}")


def unique_articles(
    items: Iterable[Article | Skip], summary: BuildSummary, strict: bool = False
) -> Iterator[Article]:
    """Pass through the first article of each id and each body; count and record everything else."""
    first_location_of_id: set[str] = set()
    seen_bodies: set[str] = set()
    for item in items:
        if isinstance(item, Skip):
            record_skip(summary, item, strict)
            continue
        if item.id in first_location_of_id:
            record_skip(summary, Skip(item.id, "duplicate id (the first record with this id was kept)"), strict)
            continue
        first_location_of_id.add(item.id)
        digest = body_digest(item.body)
        if digest in seen_bodies:
            summary.duplicates += 1
            continue
        seen_bodies.add(digest)
        yield item
