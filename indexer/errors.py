"""The failures every engine reports the same way, so the CLI and the web app can map them to exit codes and
HTTP statuses without knowing which engine raised them. (A bad request is `query.request.InvalidRequest`.)"""
from __future__ import annotations


class IndexUnavailable(RuntimeError):
    """The index cannot be served; the message names the path and how to rebuild it."""


class IndexNotFound(IndexUnavailable):
    """Nothing has been published under the root yet."""


class IndexCorrupt(IndexUnavailable):
    """Something is published but cannot be opened safely (missing or truncated files, unreadable TOC)."""


class WriterBusy(RuntimeError):
    """Another writer (reindex, add, delete) holds this index."""


class StrictModeFailure(RuntimeError):
    """`--strict` met a record it would have skipped; nothing was published."""


class WorkerFailed(RuntimeError):
    """A worker process raised or died; the message carries its traceback or exit code."""


class SynonymsUnreadable(RuntimeError):
    """The configured synonyms file cannot be read at all; the message is `path: reason`, fit to print as is."""
