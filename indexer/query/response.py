"""The response shapes every engine returns (documented in search_app/openapi.py), built from stored fields."""
from __future__ import annotations

from datetime import datetime, timezone

from indexer.query.highlight import WordTerms, highlight_body, highlight_title

STORY_OTHERS_SHOWN = 10  # other members listed beside a hit; `GET /api/stories/<id>` lists them all
MAX_STORY_MEMBERS = 1000  # members `GET /api/stories/<id>` lists, newest first


def utc_timestamp(value: datetime | str | None) -> str | None:
    """A publication time as RFC 3339 in UTC ("2018-05-02T00:00:00Z"), the `date-time` of the OpenAPI schema.

    Engines keep times as naive UTC (ingest converts any offset to UTC), as a datetime (Whoosh) or as its ISO
    text (a cluster's stored source); both come out the same.
    """
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def summary(stored: dict) -> dict:
    """The fields a hit, a related article or a document shows about an article."""
    published = utc_timestamp(stored.get("published"))
    return {
        "id": stored.get("id", ""),
        "title": stored.get("title", ""),
        "url": stored.get("url", ""),
        "source": stored.get("source", ""),
        "category": stored.get("category", ""),
        "published": published,
    }


def hit(stored: dict, score: float, words: WordTerms, terms) -> dict:
    """One search hit: the summary, its score, and the title and body highlighted on the text as written."""
    return {
        **summary(stored),
        "score": round(score, 4),
        "highlights": {
            "title": highlight_title(stored.get("title", ""), words, terms),
            "body": highlight_body(stored.get("body", ""), words, terms),
        },
    }


def story_member(stored: dict) -> dict:
    """An article as a story lists it: who told it, and where."""
    return {key: value for key, value in summary(stored).items() if key != "category"}


def story(story_id: str, size: int, others: list[dict]) -> dict:
    """A hit's story: its id, how many live articles tell it, and the others (newest first, at most a few)."""
    return {"id": story_id, "size": size, "others": others}


def story_page(story_id: str, members: list[dict]) -> dict:
    """`GET /api/stories/<id>`: every member, newest first."""
    return {"id": story_id, "size": len(members), "members": members}


def related_hit(stored: dict, score: float) -> dict:
    return {**summary(stored), "score": round(score, 4)}


def document(stored: dict, related: list[dict]) -> dict:
    """One article by id: its summary, body and author, and related articles."""
    return {**summary(stored), "body": stored.get("body", ""), "author": stored.get("author", ""),
            "related": related}


def facet_values(counts: dict[str, int]) -> dict[str, int]:
    """Facet counts most frequent first (ties by value), without the values no match has."""
    return {value: n for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n}
