"""Validation of search parameters into one immutable SearchRequest, shared by the web app, the CLI and tests.

Every way a request can be refused (a 400 in the API) is decided here, before any index work is done,
so that no parameter can make a worker spend more than a bounded amount of time.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 100  # a pasted paragraph fits; "thousands of terms" does not
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
MAX_RESULT_WINDOW = 1000  # deepest hit a client may page to, as Elasticsearch's max_result_window
SORTS = ("relevance", "date")
SWITCHES = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False}
MAX_COMPLETIONS = 10
# Freshness (`fresh=`) is on by default: a news reader who searches expects, among equally good matches,
# this week's report before last month's, and the weight is bounded (query.scoring.FRESHNESS_BOOST) so it
# never lifts a weak match over a strong one. Ages count back from the index's newest article, not from
# the wall clock, so an archive still ranks by freshness and the eval measures the same thing every day.
DEFAULT_HALF_LIFE_DAYS = 7  # a news week: a report a week older than the newest counts half as fresh
MAX_HALF_LIFE_DAYS = 3650  # ten years; beyond it every article of a news archive is equally fresh
_HALF_LIFE = re.compile(r"([0-9]{1,4})d")

# A wildcard at the start of a word would have to scan the whole vocabulary.
_LEADING_WILDCARD = re.compile(r"(?:^|[\s(\"'«“+-]|:)\*+\w")
_WORD = re.compile(r"\w+")


class InvalidRequest(ValueError):
    """A parameter the client must fix; `code` is a stable machine name, `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One validated search: the query text, the page window, the filters and the sort order."""

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    date_from: datetime | None = None
    date_to: datetime | None = None
    sort: str = "relevance"
    expand: bool = True  # other spellings and synonyms searched for beside the words typed
    group: bool = True  # one hit per story (the same story from several outlets), the others beside it
    fresh_half_life: int | None = DEFAULT_HALF_LIFE_DAYS  # days; None ranks by relevance alone

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class CompleteRequest:
    """One validated completion request: the text typed so far and how many completions to return."""

    q: str = ""
    limit: int = MAX_COMPLETIONS


def parse_complete_request(args: Mapping) -> CompleteRequest:
    """Validate `q` by the search rules (length, leading wildcard, terms) and `limit`, or raise InvalidRequest.

    `q` keeps its trailing space: "وزير " asks for the next word of a phrase.
    """
    raw = _first(args, "q") or ""
    _parse_query(raw)
    limit = _parse_int(args, "limit", MAX_COMPLETIONS, minimum=1)
    if limit > MAX_COMPLETIONS:
        raise InvalidRequest("invalid_limit", f"limit must be between 1 and {MAX_COMPLETIONS}")
    return CompleteRequest(q=raw.lstrip(), limit=limit)


def parse_search_request(args: Mapping) -> SearchRequest:
    """Validate raw parameters (a dict or a Werkzeug MultiDict) or raise InvalidRequest."""
    q = _parse_query(_first(args, "q") or "")
    page = _parse_int(args, "page", 1, minimum=1)
    per_page = _parse_int(args, "per_page", DEFAULT_PER_PAGE, minimum=1)
    if per_page > MAX_PER_PAGE:
        raise InvalidRequest("invalid_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page * per_page > MAX_RESULT_WINDOW:
        raise InvalidRequest(
            "page_out_of_window",
            f"page {page} is beyond the result window: page × per_page may not exceed {MAX_RESULT_WINDOW}",
        )
    date_from = _parse_date(args, "from", end_of_day=False)
    date_to = _parse_date(args, "to", end_of_day=True)
    if date_from and date_to and date_from > date_to:
        raise InvalidRequest("invalid_date_range", "'from' must not be after 'to'")
    sort = _blank_is_none(_first(args, "sort")) or "relevance"
    if sort not in SORTS:
        raise InvalidRequest("invalid_sort", f"sort must be one of: {', '.join(SORTS)}")
    expand = _parse_switch(args, "expand", True)
    group = _parse_switch(args, "group", True)
    fresh_half_life = parse_fresh(_first(args, "fresh"))
    return SearchRequest(
        q=q,
        page=page,
        per_page=per_page,
        sources=_many(args, "source"),
        categories=_many(args, "category"),
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        expand=expand,
        group=group,
        fresh_half_life=fresh_half_life,
    )


def parse_fresh(raw) -> int | None:
    """`fresh`: 1 (or on, …) for the default half-life, a half-life in days such as `30d`, 0 (or off, …)
    for relevance alone; absent or empty means the default. Returns the half-life in days or None."""
    text = _blank_is_none(raw)
    if text is None:
        return DEFAULT_HALF_LIFE_DAYS
    text = text.lower()
    switch = SWITCHES.get(text)
    if switch is not None:
        return DEFAULT_HALF_LIFE_DAYS if switch else None
    days = _HALF_LIFE.fullmatch(text)
    if days is None or not 1 <= int(days.group(1)) <= MAX_HALF_LIFE_DAYS:
        raise InvalidRequest("invalid_fresh", "fresh must be 1 or 0 (also on/off), or a half-life in days "
                                              f"from 1d to {MAX_HALF_LIFE_DAYS}d, such as 30d")
    return int(days.group(1))


def _parse_query(raw: str) -> str:
    if not isinstance(raw, str):
        raise InvalidRequest("invalid_query", "q must be text")
    if len(raw) > MAX_QUERY_CHARS:
        raise InvalidRequest("query_too_long", f"q may be at most {MAX_QUERY_CHARS} characters")
    q = raw.strip()
    if _LEADING_WILDCARD.search(q):
        raise InvalidRequest("leading_wildcard", "a word may not start with the wildcard *")
    if len(_WORD.findall(q)) > MAX_QUERY_TERMS:
        raise InvalidRequest("too_many_terms", f"q may contain at most {MAX_QUERY_TERMS} words")
    return q


def _first(args: Mapping, name: str):
    """The value of a single-valued parameter, whether `args` maps names to values or to lists of values
    (a Werkzeug MultiDict). Given more than once it is refused: which of `page=2&page=9` the client meant is
    not ours to guess, and taking the first would answer a request the client did not make."""
    values = args.getlist(name) if hasattr(args, "getlist") else args.get(name)
    if not isinstance(values, (list, tuple)):
        return values
    if len(values) > 1:
        raise InvalidRequest(f"invalid_{name}", f"{name} may be given only once")
    return values[0] if values else None


# What an empty form field may hold: the blanks of HTTP and HTML forms, not every Unicode space (a control
# character such as U+001D is a wrong value, not an absent one; the OpenAPI schema allows the same blanks).
_BLANK = " \t\r\n"


def _blank_is_none(raw) -> str | None:
    """A scalar parameter's text without surrounding blanks, or None when it is absent or blank."""
    if raw is None:
        return None
    text = str(raw).strip(_BLANK)
    return text or None


def _many(args: Mapping, name: str) -> tuple[str, ...]:
    """All non-empty values of a repeatable parameter; a comma-separated value counts as several."""
    if hasattr(args, "getlist"):
        raw = args.getlist(name)
    else:
        value = args.get(name)
        raw = list(value) if isinstance(value, (list, tuple)) else ([] if value is None else [value])
    values = (part.strip() for item in raw for part in str(item).split(","))
    return tuple(dict.fromkeys(v for v in values if v))


def _parse_int(args: Mapping, name: str, default: int, minimum: int) -> int:
    raw = _blank_is_none(_first(args, name))
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidRequest(f"invalid_{name}", f"{name} must be a whole number") from None
    if value < minimum:
        raise InvalidRequest(f"invalid_{name}", f"{name} must be at least {minimum}")
    return value


def _parse_switch(args: Mapping, name: str, default: bool) -> bool:
    raw = _blank_is_none(_first(args, name))
    if raw is None:
        return default
    value = SWITCHES.get(raw.lower())
    if value is None:
        raise InvalidRequest(f"invalid_{name}", f"{name} must be 1 or 0 (also true/false, on/off, yes/no)")
    return value


def _parse_date(args: Mapping, name: str, end_of_day: bool) -> datetime | None:
    """An ISO date or datetime; a bare date in `to` means the whole of that day is included."""
    text = _blank_is_none(_first(args, name))
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            clock = datetime.max.time() if end_of_day else datetime.min.time()
            return datetime.combine(day, clock)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest("invalid_date", f"'{name}' must be an ISO date such as 2018-05-31") from None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed
