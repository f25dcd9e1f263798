"""The index schema and the mapping from an Article to the fields Whoosh stores and indexes.

Both live here so that indexing, evaluation and search agree on field names by construction.
"""
from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from analyzers.registry import get_analyzer
from indexer.article import Article


def build_schema(analyzer_name: str = "arabic") -> Schema:
    """Return the production schema; `analyzer_name` lets the eval command swap the text analyzer."""
    analyzer = get_analyzer(analyzer_name)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        source=KEYWORD(stored=True, lowercase=False, commas=False),
        category=KEYWORD(stored=True, lowercase=False, commas=False),
        published=DATETIME(stored=True, sortable=True),
        url=STORED(),
        author=STORED(),
    )


def document_fields(article: Article) -> dict:
    """Turn an Article into the keyword arguments of `IndexWriter.add_document`."""
    fields = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "category": article.category,
        "url": article.url,
        "author": article.author,
    }
    if article.published is not None:
        fields["published"] = article.published
    return fields
