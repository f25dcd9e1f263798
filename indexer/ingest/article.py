"""The one record type that flows from a source file to the index: a cleaned news article."""
from __future__ import annotations

from dataclasses import dataclass
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
