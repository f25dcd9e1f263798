"""CLI commands that change or describe the index: reindex, add, delete, stats.

Each is a thin shell over the engine (`indexer.engine`): parse options, show progress, print the
summary, and map failures to the documented exit codes.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from analyzers.registry import ANALYZER_NAMES
from indexer.build.summary import BuildSummary
from indexer.errors import IndexUnavailable, StrictModeFailure, WorkerFailed, WriterBusy
from indexer.ingest.cleaning import DEFAULT_CLEANER, read_boilerplate_file
from indexer.ingest.sources import DEFAULT_MAX_DOC_BYTES, ByteProgress, FieldMapping, SourceOptions, total_bytes
from search_app.cli.engine_options import engine_from, engine_options
from search_app.cli.progress_display import ProgressDisplay

EXIT_OK = 0
EXIT_ERROR = 1  # I/O failure such as a full disk; the live index is unchanged
EXIT_USAGE = 2  # bad options or arguments (click's own code)
EXIT_STRICT = 3  # --strict met an unusable record; nothing was changed
EXIT_BUSY = 4  # another reindex/add/delete holds the writer lock
EXIT_NO_INDEX = 5  # the index is missing, damaged or unreachable, or too old for add

EXIT_CODES_HELP = (
    "\b\nExit codes:\n"
    "  0  done (skipped records, if any, are listed in the summary)\n"
    "  1  I/O error (e.g. disk full); the live index is unchanged\n"
    "  2  bad options or arguments\n"
    "  3  --strict: an unusable record was found; nothing was changed\n"
    "  4  another reindex/add/delete is already running on this index\n"
    "  5  the index is missing or damaged (add, delete, stats), or was built\n"
    "     by an earlier version that add cannot check for duplicates; or the\n"
    "     OpenSearch cluster is unreachable or failed the write (a failed\n"
    "     reindex leaves the alias on its old index)"
)

source_arguments = click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
strict_option = click.option(
    "--strict", is_flag=True, help="Fail on the first unusable record instead of skipping it; nothing is changed."
)
field_option = click.option(
    "--field",
    "field_mappings",
    multiple=True,
    metavar="ATTR=NAME",
    help="Read ATTR (id, title, text, date, source, category, url, author) from input field NAME; repeatable.",
)
boilerplate_option = click.option(
    "--boilerplate",
    "boilerplate_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File of extra boilerplate line patterns (one regex per line, # comments) added to the defaults.",
)
max_bytes_option = click.option(
    "--max-doc-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_DOC_BYTES,
    show_default=True,
    help="Skip documents larger than this.",
)


def _source_options(field_mappings, boilerplate_files, max_doc_bytes) -> SourceOptions:
    try:
        mapping = FieldMapping.from_options(field_mappings)
        extra = tuple(pattern for path in boilerplate_files for pattern in read_boilerplate_file(path))
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    return SourceOptions(mapping=mapping, cleaner=DEFAULT_CLEANER.with_patterns(extra), max_doc_bytes=max_doc_bytes)


def _run_writer(action: Callable[[], BuildSummary]) -> BuildSummary:
    """Run an index-changing action, turning each known failure into a message and its exit code."""
    try:
        return action()
    except WriterBusy as error:
        _fail(str(error), EXIT_BUSY)
    except StrictModeFailure as error:
        _fail(f"{error}\nnothing was changed", EXIT_STRICT)
    except IndexUnavailable as error:
        _fail(str(error), EXIT_NO_INDEX)
    except OSError as error:
        _fail(f"could not write the index ({error.strerror or error}); the live index is unchanged", EXIT_ERROR)
    except WorkerFailed as error:
        _fail(f"{error}\nthe live index is unchanged", EXIT_ERROR)


def _fail(message: str, code: int):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _print_summary(summary: BuildSummary) -> None:
    for line in summary.lines():
        click.echo(line)


@click.command(epilog=EXIT_CODES_HELP)
@source_arguments
@engine_options
@strict_option
@click.option("--analyzer", type=click.Choice(ANALYZER_NAMES), default="arabic", show_default=True)
@field_option
@boilerplate_option
@max_bytes_option
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that analyze and write (default: 1 for small inputs, else up to 2).",
)
def reindex(sources, index_dir, engine_kind, strict, analyzer, field_mappings, boilerplate_files, max_doc_bytes,
            procs):
    """Rebuild the index from SOURCE files/folders (.txt, .jsonl, .jsonl.gz, .csv) and swap it in atomically.

    The new index is built beside the live one; readers and a running server switch to it only when it
    is complete. A killed rebuild leaves the live index untouched and is cleaned up by the next run.
    """
    engine = engine_from(index_dir, engine_kind)
    options = _source_options(field_mappings, boilerplate_files, max_doc_bytes)
    byte_progress = ByteProgress(total_bytes(sources))
    display = ProgressDisplay(byte_progress, interactive=sys.stderr.isatty())
    try:
        summary = _run_writer(
            lambda: engine.rebuild(sources, analyzer=analyzer, options=options, strict=strict, progress=display,
                                   byte_progress=byte_progress, procs=procs)
        )
    finally:
        display.close()
    _print_summary(summary)


@click.command(epilog=EXIT_CODES_HELP)
@source_arguments
@engine_options
@strict_option
@field_option
@boilerplate_option
@max_bytes_option
def add(sources, index_dir, engine_kind, strict, field_mappings, boilerplate_files, max_doc_bytes):
    """Upsert the articles of SOURCE files/folders into the live index by id (new ids added, known ids replaced)."""
    engine = engine_from(index_dir, engine_kind)
    options = _source_options(field_mappings, boilerplate_files, max_doc_bytes)
    summary = _run_writer(lambda: engine.add(sources, options=options, strict=strict))
    _print_summary(summary)


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("ids", nargs=-1, required=True)
@engine_options
def delete(ids, index_dir, engine_kind):
    """Delete documents by ID from the live index; unknown ids are reported."""
    engine = engine_from(index_dir, engine_kind)
    summary = _run_writer(lambda: engine.delete(ids))
    _print_summary(summary)


@click.command(epilog=EXIT_CODES_HELP)
@engine_options
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as one JSON object.")
def stats(index_dir, engine_kind, as_json):
    """Document count, counts per source and category, date range, size on disk and last update."""
    engine = engine_from(index_dir, engine_kind)
    try:
        collected = engine.stats()
    except IndexUnavailable as error:
        _fail(str(error), EXIT_NO_INDEX)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(collected, ensure_ascii=False, indent=2))
    else:
        for line in stats_lines(collected):
            click.echo(line)


def stats_lines(stats: dict) -> list[str]:
    """The `stats` command's human-readable form of `Engine.stats`."""
    oldest, newest = stats["date_range"]
    lines = [
        f"index:      {stats['index']} ({stats['generation']})",
        f"documents:  {stats['documents']}",
        f"dates:      {oldest or '-'} .. {newest or '-'}",
        f"size:       {stats['size_bytes'] / 1_048_576:.1f} MiB",
        f"updated:    {stats['updated']}",
        "sources:    " + ", ".join(f"{name} {count}" for name, count in stats["sources"].items()),
        "categories: " + ", ".join(f"{name} {count}" for name, count in stats["categories"].items()),
    ]
    return lines


COMMANDS = [reindex, add, delete, stats]
