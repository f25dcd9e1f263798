"""An Article as the cluster engine stores it: the original fields, our terms per field, and lengths."""
from __future__ import annotations

from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.ingest.article import Article, body_digest
from indexer.opensearch.mapping import KEY_SUFFIX, TERM_FIELDS
from indexer.opensearch.spellings import SPELLING_KEYS, spelling_keys
from indexer.storage.schema import EXACT_FIELD, FACET_FIELDS, document_fields
from indexer.stories.assign import StoryMark, story_text


def stored_length(tokens: int) -> int:
    """A field length as the embedded engine keeps it (one byte, as Lucene and Whoosh do), so BM25 agrees."""
    return byte_to_length(length_to_byte(tokens)) if tokens else 0


def cluster_document(article: Article, seq: int, analyzers: dict, story: StoryMark | None = None) -> dict:
    """The `_source` of one article and its story; `analyzers` maps "body" and "exact" to our analyzers."""
    fields = document_fields(article)  # the schema's own rules for the derived fields (lead, exact)
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "category": article.category,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "author": article.author,
        "body_digest": body_digest(article.body),
        "seq": seq,
        **{f"{name}{KEY_SUFFIX}": (getattr(article, name) or "").casefold() for name in FACET_FIELDS},
    }
    lengths = {}
    for name, field in TERM_FIELDS.items():
        analyzer = analyzers[EXACT_FIELD if name == EXACT_FIELD else "body"]
        terms = [token.text for token in analyzer(fields.get(name) or "", mode="index")]
        doc[field] = " ".join(terms)
        lengths[name] = stored_length(len(terms))
        if name == "body":
            doc[SPELLING_KEYS] = spelling_keys(terms)
    doc["lengths"] = lengths
    if story is not None:
        doc["story"] = story_text(story.story)
        doc["story_bands"] = story.bands.split()
    return doc
