"""The index schema and the mapping from an Article to the fields Whoosh stores and indexes.

Both live here so that indexing, evaluation and search agree on field names by construction.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple, Union

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from analyzers.registry import get_analyzer
from indexer.ingest.article import Article, body_digest, first_words
from indexer.stories.assign import StoryMark


# The unstemmed companion field of each stemming analyzer: title and body again, normalized only, so that
# ranking can prefer the word form the user typed over its stem-mates. Analyzers that do not stem are their
# own companion.
EXACT_ANALYZER = {"arabic": "normalize", "light10": "normalize"}
# News is written as an inverted pyramid: the opening words restate the headline. The `lead` field indexes
# them again so that ranking can weight them, which matters most for articles whose title is missing.
LEAD_WORDS = 50
# Indexed (not stored) so that `add` finds a live document with the same body by one term lookup instead of
# reading every stored body of the index.
BODY_DIGEST = "body_digest"
# The story an article belongs to (indexer.stories): its id as a number in a column only, which grouping,
# the members' lookup and `add` all read (a rebuild learns it after the article is analyzed, and a column
# value can come late; a stored one cannot); and the LSH band keys `add` looks up candidates by.
STORY_FIELD = "story"
NO_STORY = (1 << 64) - 1  # the story column's value for a document indexed without one (NUMERIC's default)
STORY_BANDS_FIELD = "story_bands"
# What a result shows about an article (`response.summary`) again, as JSON in a column: a story lists up to
# ten other members beside each hit and orders members published at the same moment by id, and reading a few
# hundred bytes from a column costs a tenth of reading an article's stored fields, body and all.
SUMMARY_FIELD = "summary"
SUMMARY_KEYS = ("id", "title", "url", "source", "category", "published")
# The schema's facts, told once here; every other module imports them.
EXACT_FIELD = "exact"  # title and body again, normalized only (EXACT_ANALYZER)
LEAD_FIELD = "lead"  # the body's first LEAD_WORDS words again
PHRASE_FIELDS = ("title", "body")  # the text fields indexed with positions
FACET_FIELDS = ("source", "category")  # whole values: filters and facet counts
QUERY_FIELDS = ("title", "body", "source", "category")  # what a user may name before ":" in a query


class HexKeys(KEYWORD):
    """A list of space-separated keys of WIDTH hex digits each (the story's band keys): a KEYWORD field that
    the bulk writer parses with numpy (`build.other_fields.HexKeysField`) instead of term by term."""

    WIDTH = 8

    def __init__(self) -> None:
        super().__init__(stored=False)


class JoinedFields(NamedTuple):
    """A derived field whose value is `"\n".join(values of sources)`."""

    sources: tuple[str, ...]

    def value(self, fields: Mapping[str, object]) -> str | None:
        values = [fields.get(source) for source in self.sources]
        return "\n".join(values) if all(isinstance(item, str) for item in values) else None

    def holds(self, value: str, fields: Mapping[str, object]) -> bool:
        return value == self.value(fields)


class LeadingWords(NamedTuple):
    """A derived field whose value is the first `count` whitespace-separated words of `source`, space-joined."""

    source: str
    count: int

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,)

    def value(self, fields: Mapping[str, object]) -> str | None:
        source = fields.get(self.source)
        return lead_text(source, self.count) if isinstance(source, str) else None

    def holds(self, value: str, fields: Mapping[str, object]) -> bool:
        return value == self.value(fields)


DerivedField = Union[JoinedFields, LeadingWords]
# The fields that restate others, and how: `document_fields` fills them by these rules, and the bulk writer
# reuses their sources' analysis instead of analyzing the same words again.
DERIVED_FIELDS: Mapping[str, DerivedField] = {
    LEAD_FIELD: LeadingWords("body", LEAD_WORDS),
    EXACT_FIELD: JoinedFields(("title", "body")),
}


def build_schema(analyzer_name: str = "arabic") -> Schema:
    """Return the production schema; `analyzer_name` lets the eval command swap the text analyzer."""
    analyzer = get_analyzer(analyzer_name)
    exact_analyzer = get_analyzer(EXACT_ANALYZER.get(analyzer_name, analyzer_name))
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        **{LEAD_FIELD: TEXT(analyzer=analyzer, stored=False, phrase=False),
           EXACT_FIELD: TEXT(analyzer=exact_analyzer, stored=False, phrase=False)},
        # whole values, so that "Sky News" or "خليجي 247" stay one facet value
        source=ID(stored=True),
        category=ID(stored=True),
        published=DATETIME(stored=True, sortable=True),
        url=STORED(),
        author=STORED(),
        body_digest=ID(stored=False),
        **{STORY_FIELD: COLUMN(NumericColumn("Q", default=NO_STORY)),
           STORY_BANDS_FIELD: HexKeys(),
           SUMMARY_FIELD: COLUMN(VarBytesColumn())},
    )


def document_fields(article: Article, story: StoryMark | None = None) -> dict:
    """Turn an Article, and the story it was assigned, into the keyword arguments of
    `IndexWriter.add_document`."""
    fields = {"id": article.id, "title": article.title, "body": article.body}
    fields.update({name: rule.value(fields) for name, rule in DERIVED_FIELDS.items()})
    fields.update({
        "source": article.source,
        "category": article.category,
        "url": article.url,
        "author": article.author,
        BODY_DIGEST: body_digest(article.body),
    })
    if article.published is not None:
        fields["published"] = article.published
    if story is not None:
        fields[STORY_FIELD] = story.story
        fields[STORY_BANDS_FIELD] = story.bands
    fields[SUMMARY_FIELD] = summary_value(fields)
    return fields


def summary_value(fields: Mapping[str, object]) -> bytes:
    """The summary column's value: the SUMMARY_KEYS a document has, as the stored fields give them (the time
    as ISO text, which `response.utc_timestamp` reads as it reads the stored datetime)."""
    summary = {key: fields[key] for key in SUMMARY_KEYS if fields.get(key) is not None}
    if "published" in summary:
        summary["published"] = summary["published"].isoformat()
    return json.dumps(summary, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_summary(value: bytes) -> dict:
    """A summary column value back as the dict of stored fields it restates."""
    return json.loads(value)


def lead_text(body: str, words: int = LEAD_WORDS) -> str:
    """The first `words` whitespace-separated words of the body."""
    return " ".join(first_words(body, words))
