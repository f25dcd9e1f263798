"""What flows from a source file to the index: a cleaned news article, or a Skip saying why a record was not one."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


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


_CHARS_A_WORD = 32  # a generous bound on a news word and its space, for the prefix `first_words` splits


def first_words(text: str, count: int) -> list[str]:
    """The first `count` whitespace-separated words of `text` (as `text.split(maxsplit=count)[:count]`).

    Split from a prefix of count * _CHARS_A_WORD characters, so that the rest of a long body is not copied
    (`split(maxsplit=...)` returns it as one last string); the prefix's last piece may be a cut word and is
    never among them, and a text whose words do not fit in the prefix is split whole.
    """
    prefix = count * _CHARS_A_WORD
    words = text[:prefix].split(maxsplit=count)
    if len(words) <= count and len(text) > prefix:
        words = text.split(maxsplit=count)
    return words[:count]
