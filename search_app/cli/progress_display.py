"""Progress of an indexing run: a bar with docs/s and ETA on a terminal, plain periodic lines otherwise."""
from __future__ import annotations

import time
from collections.abc import Callable

import click

from indexer.ingest.sources import ByteProgress

PLAIN_LINE_SECONDS = 5.0


class ProgressDisplay:
    """Called with the number of documents written so far; the ETA comes from the share of input bytes read."""

    def __init__(self, byte_progress: ByteProgress, interactive: bool, echo: Callable[[str], None] = click.echo):
        self.bytes = byte_progress
        self.interactive = interactive
        self.echo = echo
        self.started = time.perf_counter()
        self._last_line = self.started
        self._bar = None
        self._bar_position = 0
        if interactive:
            self._bar = click.progressbar(
                length=max(byte_progress.total, 1),
                label="indexing",
                show_eta=True,
                show_percent=True,
                item_show_func=lambda text: text,
                file=click.get_text_stream("stderr"),
            )
            self._bar.__enter__()

    def __call__(self, documents: int) -> None:
        elapsed = time.perf_counter() - self.started
        rate = documents / elapsed if elapsed > 0 else 0.0
        if self._bar is not None:
            step = self.bytes.done - self._bar_position
            self._bar_position = self.bytes.done
            self._bar.update(max(step, 0), f"{documents:,} docs, {rate:,.0f} docs/s")
            return
        now = time.perf_counter()
        if now - self._last_line >= PLAIN_LINE_SECONDS:
            self._last_line = now
            share = self.bytes.done / self.bytes.total if self.bytes.total else 0.0
            eta = elapsed * (1 - share) / share if share > 0 else 0.0
            self.echo(f"indexed {documents:,} docs, {rate:,.0f} docs/s, {share:.0%} of input read, ETA {eta:.0f}s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
