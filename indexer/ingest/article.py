"""What flows from a source file to the index: a cleaned news article, or a Skip saying why a record was not one."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from analyzers.chunk_memo import words_end


@dataclass(frozen=True, slots=True)
class Article:
    """A news article after cleaning; every source format produces these and only these."""

    id: str
    body: str
    title: str = ""
    source: str = ""
    category: str = ""
    published: datetime | None = None
    url: str = ""
    author: str = ""
    # where the record was read ("path:line", or "path" for a whole file), for reporting a refusal later on;
    # not part of what the article is
    origin: str = field(default="", compare=False)


@dataclass(frozen=True)
class Skip:
    """A record (or whole file) that could not be used, and why; printed as `file:line: reason`."""

    location: str  # "path" or "path:line"
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def body_digest(body: str) -> str:
    """Identity of an article body for exact-duplicate detection (hex, so it can be an indexed term)."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def first_words(text: str, count: int) -> list[str]:
    """The first `count` whitespace-separated words of `text` (as `text.split()[:count]`), split from
    their own prefix of the text (`words_end`), so that the rest of a long body is never copied."""
    return text[:words_end(text, count)].split()
