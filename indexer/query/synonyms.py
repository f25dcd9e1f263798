"""The synonyms file: Solr-format rules analyzed into term tuples, matched against a query's analyzed terms.

Applied at query time only, so editing the file needs no reindex; `SynonymFile` re-reads it when it changes,
as `IndexStore` follows a new index. Matching is the whole job here; weighting the expansions is ranking's.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from indexer.errors import SynonymsUnreadable
from indexer.ingest.article import Skip

__all__ = ["EMPTY_RULES", "Expansion", "SynonymFile", "SynonymRule", "SynonymRules", "SynonymsUnreadable",
           "load_synonyms", "parse_synonyms"]

log = logging.getLogger(__name__)

Terms = tuple[str, ...]

COMMENT = "#"
BYTE_ORDER_MARK = "\ufeff"  # Windows editors start a UTF-8 file with one
ONE_WAY = "=>"
# Entries are separated by a Latin comma, as in Solr, or the Arabic comma an Arabic keyboard types.
ENTRY_SEPARATOR = re.compile("[,\u060c]")
# A rule names a handful of spellings; a longer line is a pasted paragraph or a lost newline.
MAX_LINE_CHARS = 1000
# Every alternative becomes more query clauses (postings read, scored, highlighted), and the issue allows
# expansion 10% of search() time: a line of 30 spellings, or a query of 20 matched words, must not multiply
# the work. Truncation keeps file order, so the spellings an editor writes first are the ones searched.
MAX_ALTERNATIVES_PER_SPAN = 8
MAX_ALTERNATIVES_TOTAL = 24
DEFAULT_CHECK_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SynonymRule:
    """One line of the file: `sources` typed also look for `targets` (both the same for `a, b, c`)."""

    location: str  # "path:line"
    text: str  # the line as written, stripped
    sources: tuple[Terms, ...]
    targets: tuple[Terms, ...]


@dataclass(frozen=True, slots=True)
class Expansion:
    """Query terms [start, end) matched a rule's entry: also search each of `alternatives`."""

    start: int
    end: int
    alternatives: tuple[Terms, ...]
    rules: tuple[SynonymRule, ...]  # the lines that contributed an alternative, in file order

    def as_json(self) -> dict:
        """The shape a response can carry so an editor sees why an article matched."""
        return {
            "start": self.start,
            "end": self.end,
            "alternatives": [list(terms) for terms in self.alternatives],
            "rules": [{"location": rule.location, "text": rule.text} for rule in self.rules],
        }


class SynonymRules:
    """An immutable, parsed synonyms file: an index from an entry's terms to what it expands to."""

    __slots__ = ("_rules", "_index", "_longest")

    def __init__(self, rules: Sequence[SynonymRule] = ()) -> None:
        index: dict[Terms, dict[Terms, SynonymRule]] = {}
        for rule in rules:
            for source in rule.sources:
                found = index.setdefault(source, {})
                for target in rule.targets:
                    if target != source:  # never expand an entry into itself
                        found.setdefault(target, rule)  # the first line naming a pair is the one reported
        self._rules = tuple(rules)
        self._index = MappingProxyType({source: tuple(found.items()) for source, found in index.items() if found})
        self._longest = max(map(len, self._index), default=0)

    @property
    def rules(self) -> tuple[SynonymRule, ...]:
        return self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"SynonymRules({len(self._rules)} rules, {len(self._index)} entries)"

    def expand(self, terms: Sequence[str]) -> tuple[Expansion, ...]:
        """The expansions of a query's analyzed terms, left to right; never raises.

        At each position the longest entry that matches wins and the scan resumes after it, as Lucene's
        synonym filter does, so spans are in order, never overlap and never depend on dict order.
        """
        query = tuple(terms)
        expansions: list[Expansion] = []
        budget = MAX_ALTERNATIVES_TOTAL
        start = 0
        while start < len(query) and budget > 0:
            end, pairs = self._longest_match(query, start)
            if not pairs:
                start += 1
                continue
            taken = pairs[:min(MAX_ALTERNATIVES_PER_SPAN, budget)]
            budget -= len(taken)
            rules = tuple(dict.fromkeys(rule for _, rule in taken))
            expansions.append(Expansion(start, end, tuple(target for target, _ in taken), rules))
            start = end
        return tuple(expansions)

    def _longest_match(self, query: Terms, start: int) -> tuple[int, tuple[tuple[Terms, SynonymRule], ...]]:
        for end in range(min(len(query), start + self._longest), start, -1):
            pairs = self._index.get(query[start:end])
            if pairs:
                return end, pairs
        return start, ()


EMPTY_RULES = SynonymRules()


# ---- parsing -------------------------------------------------------------------------------------------

class _BadLine(ValueError):
    """A line that cannot be a rule; its message is the reason printed after `file:line:`."""


def _analyze(analyzer: Callable, entry: str) -> Terms:
    return tuple(token.text for token in analyzer(entry, mode="query"))


def _side(analyzer: Callable, text: str, name: str) -> tuple[Terms, ...]:
    """One side of a rule as distinct analyzed entries, in the order written."""
    if not text.strip():
        raise _BadLine(f"nothing {name}")
    entries = [entry.strip() for entry in ENTRY_SEPARATOR.split(text)]
    if "" in entries:
        raise _BadLine("empty entry (two commas in a row, or a comma at an end)")
    analyzed = {}
    for entry in entries:
        terms = _analyze(analyzer, entry)
        if not terms:
            raise _BadLine(f"{entry!r} has no searchable terms (only stopwords or punctuation)")
        analyzed.setdefault(terms, entry)
    return tuple(analyzed)


# How each kind of line splits into (sources, targets): by the number of parts `=>` cuts it into.
def _equivalent(analyzer: Callable, parts: list[str]) -> tuple[tuple[Terms, ...], tuple[Terms, ...]]:
    entries = _side(analyzer, parts[0], "on the line")
    return entries, entries


def _one_way(analyzer: Callable, parts: list[str]) -> tuple[tuple[Terms, ...], tuple[Terms, ...]]:
    return _side(analyzer, parts[0], f"before {ONE_WAY!r}"), _side(analyzer, parts[1], f"after {ONE_WAY!r}")


_LINE_KINDS = {1: _equivalent, 2: _one_way}


def _parse_rule(line: str, location: str, analyzer: Callable) -> SynonymRule:
    """One non-comment line as a rule; raises _BadLine with the reason."""
    if len(line) > MAX_LINE_CHARS:
        raise _BadLine(f"line too long ({len(line)} characters, at most {MAX_LINE_CHARS})")
    parts = line.split(ONE_WAY)
    kind = _LINE_KINDS.get(len(parts))
    if kind is None:
        raise _BadLine(f"{ONE_WAY!r} more than once")
    sources, targets = kind(analyzer, parts)
    if not any(target != source for source in sources for target in targets):
        raise _BadLine(f"nothing to expand: every entry analyzes to {' '.join(sources[0])!r}")
    return SynonymRule(location, line, sources, targets)


def parse_synonyms(data: bytes, name: str, analyzer: Callable) -> tuple[SynonymRules, list[Skip]]:
    """The rules in a file's bytes, and a Skip for each bad line; each line is decoded on its own,
    so one line of bad UTF-8 costs only that line."""
    rules: list[SynonymRule] = []
    skips: list[Skip] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        location = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            skips.append(Skip(location, f"invalid UTF-8 at byte {error.start + 1} of the line"))
            continue
        line = (line.removeprefix(BYTE_ORDER_MARK) if number == 1 else line).strip()
        if not line or line.startswith(COMMENT):
            continue
        try:
            rules.append(_parse_rule(line, location, analyzer))
        except _BadLine as error:
            skips.append(Skip(location, str(error)))
    return SynonymRules(rules), skips


def _unreadable(path: Path, error: OSError) -> SynonymsUnreadable:
    return SynonymsUnreadable(str(Skip(str(path), f"cannot read synonyms file ({error.strerror or error})")))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def load_synonyms(path: str | os.PathLike, analyzer: Callable) -> tuple[SynonymRules, list[Skip]]:
    """The rules of the file at `path` and its bad lines; SynonymsUnreadable if it cannot be read at all."""
    path = Path(path)
    return parse_synonyms(_read(path), str(path), analyzer)


# ---- hot reload ----------------------------------------------------------------------------------------

def _signature(path: Path) -> tuple[int, int, int, int]:
    """What changes when the file is edited or replaced: an in-place write moves mtime or size, a rename
    (how editors and deploys save atomically) the inode."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_dev


@dataclass(frozen=True, slots=True)
class _Loaded:
    rules: SynonymRules
    skips: tuple[Skip, ...]
    signature: tuple[int, int, int, int]


class SynonymFile:
    """The current rules of one synonyms file, re-read when it changes.

    `rules()` looks at the file at most once per `check_seconds` of `clock`. A change is parsed in full and
    then swapped in as one reference, so readers never see half a file. One thread reloads while the others
    keep answering with the rules they had; a file that vanishes or turns unreadable keeps the last good
    rules, and the failure is logged once. Construction reads the file, so a missing configured file is an
    error at startup (SynonymsUnreadable), not a silent empty rule set.
    """

    def __init__(self, path: str | os.PathLike, analyzer: Callable, *,
                 check_seconds: float = DEFAULT_CHECK_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self._analyzer = analyzer
        self._check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failure: str | None = None
        signature = self._stat_or_raise()
        rules, skips = load_synonyms(self.path, analyzer)
        self._loaded = _Loaded(rules, tuple(skips), signature)
        self._checked_at = clock()
        self._log_skips(skips)

    def rules(self) -> SynonymRules:
        """The current rules, after re-reading the file if it changed since the last look."""
        if self._clock() - self._checked_at >= self._check_seconds and self._lock.acquire(blocking=False):
            try:
                self._checked_at = self._clock()
                self._reload_if_changed()
            finally:
                self._lock.release()
        return self._loaded.rules

    def skips(self) -> tuple[Skip, ...]:
        """The bad lines of the file the current rules came from."""
        return self._loaded.skips

    def _stat_or_raise(self) -> tuple[int, int, int, int]:
        try:
            return _signature(self.path)
        except OSError as error:
            raise _unreadable(self.path, error) from None

    def _reload_if_changed(self) -> None:
        try:
            signature = self._stat_or_raise()
            if signature == self._loaded.signature:
                return
            rules, skips = load_synonyms(self.path, self._analyzer)
        except SynonymsUnreadable as error:
            if str(error) != self._failure:
                log.warning("%s; keeping the %d rules loaded before", error, len(self._loaded.rules))
            self._failure = str(error)
            return
        self._failure = None
        self._loaded = _Loaded(rules, tuple(skips), signature)
        log.info("%s: reloaded %d synonym rules", self.path, len(rules))
        self._log_skips(skips)

    @staticmethod
    def _log_skips(skips: Sequence[Skip]) -> None:
        for skip in skips:
            log.warning("%s", skip)
