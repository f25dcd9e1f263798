"""Reading articles from files: .txt (one article each), .jsonl / .jsonl.gz, .csv, and folders of them.

Every reader yields cleaned `Article`s or `Skip` records (`file:line: reason`) for input it cannot use, so a
bad line never stops a run and never disappears silently. Field names are mapped with `FieldMapping`.
"""
from __future__ import annotations

import csv
import email.utils
import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path

from indexer.ingest.article import Article, Skip
from indexer.ingest.cleaning import DEFAULT_CLEANER, Cleaner

DEFAULT_MAX_DOC_BYTES = 1_000_000  # a news article is a few kB; a megabyte is a mis-scraped page or a dump
MAX_ID_BYTES = 512  # OpenSearch refuses a longer _id, and with it the whole bulk request: one rule for every engine
BINARY_SNIFF_BYTES = 8192
TITLE_MAX_CHARS = 150
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s")


@dataclass(frozen=True)
class FieldMapping:
    """Which input field holds each Article attribute; defaults are the `../shared/corpus` names."""

    id: str = "id"
    title: str = "title"
    text: str = "text"
    date: str = "date"
    source: str = "source"
    category: str = "category"
    url: str = "url"
    author: str = "author"

    @classmethod
    def from_options(cls, options: Iterable[str]) -> FieldMapping:
        """Parse `attribute=input_name` pairs such as `text=body`; ValueError on unknown attributes."""
        known = {item.name for item in fields(cls)}
        changes = {}
        for option in options:
            attribute, sep, name = option.partition("=")
            if not sep or attribute not in known or not name:
                raise ValueError(f"bad field mapping {option!r}: expected ATTRIBUTE=NAME with ATTRIBUTE in {sorted(known)}")
            changes[attribute] = name
        return replace(cls(), **changes)


@dataclass(frozen=True)
class SourceOptions:
    """How to read and clean records; shared by every reader."""

    mapping: FieldMapping = field(default_factory=FieldMapping)
    cleaner: Cleaner = DEFAULT_CLEANER
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES


class ByteProgress:
    """Bytes of input consumed so far, for a progress bar whose total is known before parsing starts."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self._base = 0

    def start_file(self) -> None:
        self._base = self.done

    def at(self, offset: int) -> None:
        self.done = self._base + offset


# --- values -------------------------------------------------------------------------------------------

def parse_date(text: str) -> datetime:
    """ISO 8601 (`2018-02-18T21:35:43+04:00`, `2018-02-18`) or RFC 2822; aware times become naive UTC."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"unparsable date {text[:40]!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def derive_title(body: str) -> tuple[str, str]:
    """(title, body) for a text without a title: a short first line becomes the title and leaves the body;
    otherwise the first sentence (cut at a word near TITLE_MAX_CHARS) is the title and the body stays whole.
    """
    first_line, _, rest = body.partition("\n")
    if len(first_line) <= TITLE_MAX_CHARS and rest.strip() and not first_line.endswith((".", "!", "؟", "?")):
        return first_line, rest.strip()
    sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0]
    if len(sentence) > TITLE_MAX_CHARS:
        sentence = sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return sentence, body


def _optional_text(record: Mapping, key: str, attribute: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"field {key!r} ({attribute}) must be a string, got {type(value).__name__}")
    return value


def record_to_article(record: Mapping, location: str, options: SourceOptions) -> Article | Skip:
    """Validate and clean one parsed record (JSON object, CSV row, .txt file) into an Article or a Skip."""
    mapping = options.mapping
    raw_id = record.get(mapping.id)
    if raw_id is None or raw_id == "":
        return Skip(location, f"missing id (field {mapping.id!r})")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        return Skip(location, f"wrong type: field {mapping.id!r} (id) must be a string or integer, got {type(raw_id).__name__}")
    doc_id = str(raw_id).strip()
    if len(doc_id.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        return Skip(location, f"id too long (over {MAX_ID_BYTES} bytes)")
    raw_text = record.get(mapping.text)
    if raw_text is None or raw_text == "":
        return Skip(location, f"missing text (field {mapping.text!r})")
    try:
        text = _optional_text(record, mapping.text, "text")
        title = _optional_text(record, mapping.title, "title")
        source = _optional_text(record, mapping.source, "source")
        category = _optional_text(record, mapping.category, "category")
        url = _optional_text(record, mapping.url, "url")
        author = _optional_text(record, mapping.author, "author")
        raw_date = _optional_text(record, mapping.date, "date")
    except ValueError as error:
        return Skip(location, f"wrong type: {error}")
    # a character is at most 4 bytes of UTF-8, so most texts need no encoding to pass this check
    if len(text) * 4 > options.max_doc_bytes and len(text.encode("utf-8", "surrogatepass")) > options.max_doc_bytes:
        return Skip(location, f"oversized document (text over {options.max_doc_bytes} bytes)")
    try:
        published = parse_date(raw_date) if raw_date.strip() else None
    except ValueError as error:
        return Skip(location, str(error))
    cleaner = options.cleaner
    body = cleaner.clean_body(text)
    if not body:
        return Skip(location, "empty text after cleaning")
    title = cleaner.clean_title(title)
    if not title:
        title, body = derive_title(body)
    return Article(
        id=doc_id,
        body=body,
        title=title,
        source=source.strip(),
        category=category.strip(),
        published=published,
        url=url.strip(),
        author=cleaner.clean_title(author),
        origin=location,
    )


def _has_invalid_utf8(values: Iterable) -> bool:
    """True if text decoded with `surrogateescape` carried bytes that were not UTF-8."""
    return any(isinstance(value, str) and re.search("[\udc80-\udcff]", value) for value in values)


def _looks_binary(head: bytes) -> bool:
    return b"\x00" in head


# --- formats ------------------------------------------------------------------------------------------

_FRONT_MATTER_KEYS = ("id", "title", "date", "source", "category", "url", "author")


def _split_front_matter(text: str) -> tuple[dict, str]:
    """Optional `---` / `key: value` / `---` header at the top of a .txt file, as in Markdown front matter."""
    if not text.startswith("---\n"):
        return {}, text
    header, sep, rest = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    values = {}
    for line in header.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip().lower() in _FRONT_MATTER_KEYS:
            values[key.strip().lower()] = value.strip()
    return values, rest


def read_txt(path: Path, doc_id: str, options: SourceOptions, progress: ByteProgress | None = None) -> Iterator[Article | Skip]:
    """One article per file: id from the path, title from front matter or the first line/sentence."""
    location = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_doc_bytes:
            yield Skip(location, f"oversized document ({size} bytes over {options.max_doc_bytes})")
            return
        data = path.read_bytes()
    except OSError as error:
        yield Skip(location, f"cannot read file ({error.strerror or error})")
        return
    if progress:
        progress.at(len(data))
    if _looks_binary(data[:BINARY_SNIFF_BYTES]):
        yield Skip(location, "binary file")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        yield Skip(f"{location}:{line}", f"invalid UTF-8 (byte {error.start})")
        return
    header, body = _split_front_matter(text.replace("\r\n", "\n"))
    by_attribute = {"id": doc_id, **header, "text": body}
    record = {getattr(options.mapping, attribute): value for attribute, value in by_attribute.items()}
    yield record_to_article(record, location, options)


def _jsonl_lines(path: Path) -> tuple[io.BufferedIOBase, object]:
    """The line source of a .jsonl or .jsonl.gz file and the raw file whose position measures progress."""
    raw = open(path, "rb")
    if path.name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw), raw
    return raw, raw


def read_jsonl(path: Path, options: SourceOptions, progress: ByteProgress | None = None) -> Iterator[Article | Skip]:
    """One JSON object per line; blank lines are ignored; each bad line becomes a Skip with its number."""
    location = str(path)
    try:
        stream, raw = _jsonl_lines(path)
    except OSError as error:
        yield Skip(location, f"cannot read file ({error.strerror or error})")
        return
    with raw, stream:
        number = 0
        try:
            head = stream.peek(BINARY_SNIFF_BYTES)[:BINARY_SNIFF_BYTES] if hasattr(stream, "peek") else b""
            if _looks_binary(head):
                yield Skip(location, "binary file")
                return
            for number, line in enumerate(stream, start=1):
                if progress and number % 256 == 0:
                    progress.at(raw.tell())
                yield _jsonl_record(line, f"{location}:{number}", options)
        except (OSError, EOFError, zlib.error) as error:
            yield Skip(f"{location}:{number + 1}", f"unreadable data, rest of file skipped ({error})")
        if progress:
            progress.at(os.fstat(raw.fileno()).st_size)


def _jsonl_record(line: bytes, location: str, options: SourceOptions) -> Article | Skip | None:
    if len(line) > options.max_doc_bytes:
        return Skip(location, f"oversized document (line over {options.max_doc_bytes} bytes)")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return Skip(location, f"invalid UTF-8 (byte {error.start} of the line)")
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return Skip(location, f"malformed JSON ({error.msg} at column {error.colno})")
    if not isinstance(record, dict):
        return Skip(location, f"malformed JSON (expected an object, got {type(record).__name__})")
    return record_to_article(record, location, options)


def read_csv(path: Path, options: SourceOptions, progress: ByteProgress | None = None) -> Iterator[Article | Skip]:
    """A header row naming the fields, then one article per row (fields may span lines when quoted)."""
    location = str(path)
    try:
        raw = open(path, "rb")
    except OSError as error:
        yield Skip(location, f"cannot read file ({error.strerror or error})")
        return
    with raw:
        if _looks_binary(raw.peek(BINARY_SNIFF_BYTES)[:BINARY_SNIFF_BYTES]):
            yield Skip(location, "binary file")
            return
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        csv.field_size_limit(max(options.max_doc_bytes * 2, 131072))
        reader = csv.DictReader(text)
        header = reader.fieldnames or []
        missing = [name for name in (options.mapping.id, options.mapping.text) if name not in header]
        if missing:
            yield Skip(f"{location}:1", f"missing column(s) {', '.join(map(repr, missing))} in the CSV header")
            return
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield Skip(f"{location}:{reader.line_num}", f"malformed CSV ({error})")
                continue
            row_location = f"{location}:{reader.line_num}"
            if progress and reader.line_num % 256 == 0:
                progress.at(raw.tell())
            if _has_invalid_utf8(row.values()) or _has_invalid_utf8(row.get(None) or []):
                yield Skip(row_location, "invalid UTF-8")
                continue
            if None in row:
                yield Skip(row_location, "malformed CSV (more values than header columns)")
                continue
            clean_row = {key: (value if value != "" else None) for key, value in row.items()}
            yield record_to_article(clean_row, row_location, options)
        if progress:
            progress.at(os.fstat(raw.fileno()).st_size)


# --- dispatch -----------------------------------------------------------------------------------------

SUFFIX_READERS = {
    ".jsonl.gz": "jsonl",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".txt": "txt",
}


def source_format(path: Path) -> str | None:
    """The reader for a file by its suffix (`.jsonl.gz` before `.gz`), or None if unsupported."""
    name = path.name.lower()
    for suffix, reader in SUFFIX_READERS.items():
        if name.endswith(suffix):
            return reader
    return None


def source_files(path: Path) -> Iterator[tuple[Path, Path]]:
    """(file, base) pairs: the file itself, or every supported file under a folder, walked in sorted order.

    Hidden files and folders are ignored, and so are files of other types inside folders (e.g. README.md).
    """
    if path.is_dir():
        for directory, subdirectories, filenames in os.walk(path):
            subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
            for filename in sorted(filenames):
                candidate = Path(directory) / filename
                if not filename.startswith(".") and source_format(candidate):
                    yield candidate, path
    else:
        yield path, path.parent


def txt_id(path: Path, base: Path) -> str:
    """The id of a .txt article: its path relative to the folder given on the command line, without suffix."""
    return path.relative_to(base).with_suffix("").as_posix()


def total_bytes(paths: Iterable[Path]) -> int:
    """Size of every file the readers will consume, for progress and ETA."""
    total = 0
    for path in paths:
        for file, _ in source_files(Path(path)):
            try:
                total += file.stat().st_size
            except OSError:
                pass
    return total


def read_sources(
    paths: Iterable[str | os.PathLike],
    options: SourceOptions = SourceOptions(),
    progress: ByteProgress | None = None,
) -> Iterator[Article | Skip]:
    """Every article (or skip) from every given file or folder, in a stable order."""
    for given in paths:
        given = Path(given)
        if not given.exists():
            yield Skip(str(given), "no such file or directory")
            continue
        for file, base in source_files(given):
            kind = source_format(file)
            if progress:
                progress.start_file()
            if kind == "txt":
                items = read_txt(file, txt_id(file, base), options, progress)
            elif kind == "jsonl":
                items = read_jsonl(file, options, progress)
            elif kind == "csv":
                items = read_csv(file, options, progress)
            else:
                items = iter([Skip(str(file), "unsupported file type (expected .txt, .jsonl, .jsonl.gz or .csv)")])
            for item in items:
                if item is not None:
                    yield item
