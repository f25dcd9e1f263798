"""Samples for judging story grouping by eye: random multi-article stories, and random pairs the LSH made
candidates of (they share a band) that were not grouped, from a corpus assigned as a rebuild assigns it.

    python -m benchmarks.story_sample ../shared/corpus/ant-v2.1.jsonl.gz --groups 50 --pairs 50 --seed 1

Prints the counts (stories, multi-article and multi-outlet ones) and each sample with its outlets, times,
estimated similarity and openings, for a person to mark right or wrong; the README of the issue's note
gives the marks.
"""
from __future__ import annotations

import argparse
import random
from collections import defaultdict

from indexer.build.unique import unique_articles
from indexer.build.summary import BuildSummary
from indexer.ingest.sources import SourceOptions, read_sources
from indexer.stories.assign import with_stories
from indexer.stories.fingerprint import signatures, similarity

OPENING = 160  # characters of each body shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    articles = list(unique_articles(read_sources(args.sources, SourceOptions()), BuildSummary(), False))
    marks = [mark for _, mark in with_stories(articles)]
    members = defaultdict(list)
    for position, mark in enumerate(marks):
        members[mark.story].append(position)
    multi = [group for group in members.values() if len(group) > 1]
    outlets = [group for group in multi if len({articles[i].source for i in group}) > 1]
    print(f"{len(articles)} articles, {len(members)} stories, {len(multi)} with more than one article "
          f"({sum(map(len, multi))} articles), {len(outlets)} told by more than one outlet")
    rng = random.Random(args.seed)
    for number, group in enumerate(rng.sample(multi, min(args.groups, len(multi))), 1):
        print(f"\n=== group {number}: {len(group)} articles")
        for position in group[:6]:
            _show(articles[position])
    pairs = _ungrouped_candidates(articles, marks, rng, args.pairs)
    for number, (first, second, estimate) in enumerate(pairs, 1):
        print(f"\n=== ungrouped pair {number}: estimated similarity {estimate:.2f}")
        _show(articles[first])
        _show(articles[second])


def _ungrouped_candidates(articles, marks, rng, count):
    """Random pairs in different stories that share a band key, with their estimated similarity."""
    buckets = defaultdict(list)
    for position, mark in enumerate(marks):
        for band in mark.bands.split():
            buckets[band].append(position)
    pairs = {(group[i], group[j]) for group in buckets.values() if 1 < len(group) <= 50
             for i in range(len(group)) for j in range(i + 1, len(group))
             if marks[group[i]].story != marks[group[j]].story}
    chosen = rng.sample(sorted(pairs), min(count, len(pairs)))
    signed = signatures([articles[i].body for pair in chosen for i in pair])
    return [(first, second, similarity(signed[2 * n], signed[2 * n + 1])) for n, (first, second) in enumerate(chosen)]


def _show(article) -> None:
    when = article.published.isoformat(" ", "minutes") if article.published else "undated"
    print(f"  [{article.source} {when} {article.id}] {article.title[:90]}")
    print(f"      {article.body[:OPENING]!r}")


if __name__ == "__main__":
    main()
