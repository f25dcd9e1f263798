"""The OpenAPI 3.1 description of the JSON API, built from the same limits the validator enforces."""
from __future__ import annotations

from indexer.query.request import (DEFAULT_HALF_LIFE_DAYS, DEFAULT_PER_PAGE, MAX_COMPLETIONS, MAX_HALF_LIFE_DAYS,
                                   MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SORTS, SWITCHES)

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}


# An empty (or blank) value counts as not given, as an HTML form sends its empty fields (`from=&to=`): one validator
# serves the page and the API, so the API accepts it too, and the schema says so.
_EMPTY = {"type": "string", "pattern": r"^[ \t\r\n]*$"}


def _or_empty(schema: dict) -> dict:
    default = {"default": schema["default"]} if "default" in schema else {}
    return {"anyOf": [{key: value for key, value in schema.items() if key != "default"}, _EMPTY], **default}


def _query_parameter(name: str, description: str, schema: dict, repeatable: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if repeatable:
        parameter.update(schema={"type": "array", "items": schema}, style="form", explode=True)
    elif schema.get("type") != "string" or any(key in schema for key in ("format", "enum", "pattern")):
        parameter.update(schema=_or_empty(schema))
    return parameter


SEARCH_PARAMETERS = [
    _query_parameter("q", "Free text through the Arabic analyzer; supports \"phrases\", -exclusion, title:, source:, "
                     "AND/OR/NOT. Broken syntax is searched as plain words.", {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _query_parameter("page", "1-based page number.", {"type": "integer", "minimum": 1, "default": 1}),
    _query_parameter("per_page", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                                     "default": DEFAULT_PER_PAGE}),
    _query_parameter("source", "Keep hits from these sources (repeat or comma-separate).", _STRING, repeatable=True),
    _query_parameter("category", "Keep hits in these categories (repeat or comma-separate).", _STRING, repeatable=True),
    _query_parameter("from", "Earliest publication date, ISO 8601 (inclusive).", {"type": "string", "format": "date"}),
    _query_parameter("to", "Latest publication date, ISO 8601 (a bare date includes that whole day).",
                     {"type": "string", "format": "date"}),
    _query_parameter("sort", "Order of hits.", {"type": "string", "enum": list(SORTS), "default": SORTS[0]}),
    _query_parameter("expand", "Also search other spellings of the words typed (names, loanwords) and the "
                     "synonyms file, weighted below the words as typed; 0 searches only what was typed.",
                     {"type": "string", "enum": list(SWITCHES), "default": "1"}),
    _query_parameter("fresh", "Weigh relevance by freshness (sort=relevance only): each score is multiplied by "
                     "1 + 0.2 × 0.5^(age / half-life), the age counted back from the index's newest article, so "
                     "among comparably relevant hits the newer comes first. 1 (also true/on/yes) uses a half-life "
                     f"of {DEFAULT_HALF_LIFE_DAYS} days, Nd a half-life of N days (1d to {MAX_HALF_LIFE_DAYS}d), "
                     "0 (also false/off/no) ranks by relevance alone. Undated articles are weighed as very old.",
                     {"type": "string", "pattern": f"^({'|'.join(SWITCHES)}|[0-9]{{1,4}}d)$", "default": "1",
                      "examples": ["1", "30d", "0"]}),
    _query_parameter("group", "One hit per story: articles of several outlets (or several editions) that tell the "
                     "same story, grouped when they were indexed, show as their best-ranked member with the others in "
                     "`story`; pages count stories. 0 lists every article.",
                     {"type": "string", "enum": list(SWITCHES), "default": "1"}),
]

COMPLETE_PARAMETERS = [
    _query_parameter("q", "The text typed so far. Its last word is completed by prefix, whatever its diacritics, "
                     "hamza forms or article; a trailing space asks for the next word of a common phrase. The same "
                     "rules as the search q (length, leading wildcard, number of words).",
                     {"type": "string", "maxLength": MAX_QUERY_CHARS}),
    _query_parameter("limit", "Most completions returned.", {"type": "integer", "minimum": 1,
                                                             "maximum": MAX_COMPLETIONS, "default": MAX_COMPLETIONS}),
]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "description": "Stable machine name, e.g. query_too_long, invalid_date, "
                                                      "page_out_of_window, not_found, index_unavailable."},
            "message": {"type": "string", "description": "Human-readable explanation."},
        }}},
    },
    "Highlights": {
        "type": "object",
        "description": "HTML-escaped text in which whole matched words are wrapped in <mark>; safe to insert as HTML.",
        "properties": {"title": _STRING, "body": _STRING},
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "url", "source", "category", "published", "score", "highlights", "story"],
        "properties": {
            "id": _STRING, "title": {**_STRING, "description": "Stored text, not HTML: escape it before display."},
            "url": {**_STRING, "description": "As stored by the source; check for http(s) before linking to it "
                                              "(the page links only http and https URLs)."},
            "source": _STRING, "category": _STRING,
            "published": {**_NULLABLE_STRING, "format": "date-time"},
            "score": {"type": ["number", "null"], "description": "Relevance, times the freshness weight when `fresh` "
                                                                 "is on (the default)."},
            "highlights": {"$ref": "#/components/schemas/Highlights"},
            "story": {"anyOf": [{"$ref": "#/components/schemas/HitStory"}, {"type": "null"}],
                      "description": "The story of this article (with group on, the hit stands for it); null "
                                     "for an article indexed before stories were."},
        },
    },
    "StoryMember": {
        "type": "object",
        "required": ["id", "title", "url", "source", "published"],
        "properties": {"id": _STRING, "title": _STRING, "url": _STRING, "source": _STRING,
                       "published": {**_NULLABLE_STRING, "format": "date-time"}},
    },
    "HitStory": {
        "type": "object",
        "required": ["id", "size", "others"],
        "properties": {
            "id": {**_STRING, "pattern": "^[0-9a-f]{16}$", "description": "GET /api/stories/{id} lists every member."},
            "size": {"type": "integer", "minimum": 1, "description": "Live articles in the story, this hit included."},
            "others": {"type": "array", "items": {"$ref": "#/components/schemas/StoryMember"},
                       "description": "The other members, newest first (at most 10)."},
        },
    },
    "Story": {
        "type": "object",
        "required": ["id", "size", "members"],
        "properties": {
            "id": _STRING, "size": {"type": "integer", "minimum": 1},
            "members": {"type": "array", "items": {"$ref": "#/components/schemas/StoryMember"},
                        "description": "Every live member, newest first (undated last)."},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "stories", "page", "per_page", "took_ms", "hits", "facets", "expansions", "suggestion"],
        "properties": {
            "query": _STRING,
            "total": {"type": "integer", "description": "Matching articles (filters applied), grouped or not."},
            "stories": {"type": ["integer", "null"],
                        "description": "With group on: the stories those articles belong to, which pages count; "
                                       "null with group=0."},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "took_ms": {"type": "number"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {"type": "object", "description": "Matching articles per value (not stories).", "properties": {
                "source": {"type": "object", "additionalProperties": {"type": "integer"}},
                "category": {"type": "object", "additionalProperties": {"type": "integer"}},
            }},
            "expansions": {"type": "array", "items": {"$ref": "#/components/schemas/Expansion"},
                           "description": "What was searched for beside the words typed, and why."},
            "suggestion": {**_NULLABLE_STRING, "description": "A corrected query (\"هل تقصد\") when few hits were found."},
        },
    },
    "Expansion": {
        "type": "object",
        "required": ["typed", "kind", "terms", "weight", "rule"],
        "properties": {
            "typed": {**_STRING, "description": "The words of the query it was added for, as typed."},
            "kind": {"type": "string", "enum": ["spelling", "synonym"]},
            "terms": {"type": "array", "items": _STRING,
                      "description": "The index terms (normalized, stemmed) also searched for; several in a row "
                                     "must appear together."},
            "weight": {"type": "number", "description": "How much a match counts, next to 1 for the words typed."},
            "rule": {**_NULLABLE_STRING, "description": "For a synonym: the file and line of its rule."},
        },
    },
    "CompleteResponse": {
        "type": "object",
        "required": ["query", "completions", "took_ms"],
        "properties": {
            "query": _STRING,
            "completions": {"type": "array", "maxItems": MAX_COMPLETIONS, "items": {
                "type": "object",
                "required": ["text", "kind", "count"],
                "properties": {
                    "text": {**_STRING, "description": "The typed text with its last word completed, in the most "
                                                      "common written form of the articles. Plain text, not HTML."},
                    "kind": {"type": "string", "enum": ["phrase", "word"],
                             "description": "phrase: the last two words are a common pair; word: a prefix match"},
                    "count": {"type": "integer", "description": "articles holding the word (word), or times the "
                                                                 "pair occurs (phrase)"},
                },
            }},
            "took_ms": {"type": "number"},
        },
    },
    "RelatedArticle": {
        "type": "object",
        "required": ["id", "title", "url", "source", "category", "published", "score"],
        "properties": {
            "id": _STRING, "title": _STRING, "url": _STRING, "source": _STRING, "category": _STRING,
            "published": {**_NULLABLE_STRING, "format": "date-time"}, "score": {"type": "number"},
        },
    },
    "Document": {
        "type": "object",
        "description": "The stored fields of one article plus related articles (more like this). Text fields are "
                       "the stored text, not HTML: escape them before inserting into a page.",
        "required": ["id", "title", "url", "source", "category", "published", "body", "author", "related"],
        "properties": {
            "id": _STRING, "title": _STRING, "body": _STRING, "url": _STRING, "source": _STRING,
            "category": _STRING, "author": _STRING, "published": {**_NULLABLE_STRING, "format": "date-time"},
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/RelatedArticle"}},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "index"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "index": {"type": "object", "properties": {
                "readable": {"type": "boolean"},
                "documents": {"type": "integer"},
                "generation": {"type": ["string", "integer", "null"],
                               "description": "the live generation (embedded) or the index behind the alias (cluster)"},
                "cluster": {"type": "string", "enum": ["green", "yellow", "red"],
                            "description": "cluster engine only: the cluster's health"},
                "nodes": {"type": "integer", "description": "cluster engine only: nodes in the cluster"},
            }},
            "error": {"$ref": "#/components/schemas/Error/properties/error"},
        },
    },
}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def _or_server_page(response: dict) -> dict:
    """A refusal the HTTP server may send before the app runs: its own small HTML page instead of the JSON error."""
    return {**response, "content": {**response["content"], "text/html": {"schema": {"type": "string"}}}}


ERROR_RESPONSES = {
    "400": _json("Error", "Bad parameter: q over 500 characters, bad page or per_page, page beyond the result window "
                          f"(page × per_page > {MAX_RESULT_WINDOW}), bad date, unknown sort, bad fresh, leading wildcard, "
                          "too many terms, limit out of range (completion), a single-valued parameter given twice, "
                          "or a query string that is not UTF-8."),
    "413": _json("Error", "Request body too large (every route is GET)."),
    "414": _or_server_page(_json("Error", "Query string too long: past 8,190 bytes of request line gunicorn answers "
                                          "itself, with an HTML page.")),
    "431": _or_server_page(_json("Error", "Request headers too large (past gunicorn's own limits, an HTML page).")),
    "503": _json("Error", "The search index is not available."),
}


def openapi_document() -> dict:
    """The whole description; `servers` is relative so the document never reflects the Host header."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Arabic news search", "version": "1",
                 "description": "Search Arabic news articles. Errors are always JSON: {\"error\": {\"code\", \"message\"}}."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": _json("SearchResponse", "One page of ranked, highlighted hits."), **ERROR_RESPONSES},
            }},
            "/api/complete": {"get": {
                "summary": "Completions of what is typed (search as you type)",
                "parameters": COMPLETE_PARAMETERS,
                "responses": {"200": _json("CompleteResponse", "Up to limit completions, phrases first."),
                              **ERROR_RESPONSES},
            }},
            "/api/documents/{id}": {"get": {
                "summary": "One article by id, with related articles",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _STRING}],
                "responses": {"200": _json("Document", "The article."),
                              "404": _json("Error", "No article has this id."), **ERROR_RESPONSES},
            }},
            "/api/stories/{id}": {"get": {
                "summary": "Every article of one story, newest first",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _STRING}],
                "responses": {"200": _json("Story", "The story's live articles."),
                              "404": _json("Error", "No live article belongs to a story of this id."),
                              **ERROR_RESPONSES},
            }},
            "/healthz": {"get": {
                "summary": "Is the index readable? Document count and live generation",
                "responses": {"200": _json("Health", "The index is readable."),
                              "503": _json("Health", "The index is missing or unreadable.")},
            }},
            "/api/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
