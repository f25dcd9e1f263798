"""Pure functions that turn the search core's result dict into what the page template shows.

Kept apart from Flask so the rules that matter for safety (which highlight markup is trusted, which
links are followed) and for navigation (pagination window, facet state, link parameters) are plain
functions with table tests.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup, escape

from indexer.query.request import MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SearchRequest

SAFE_URL_SCHEMES = ("http", "https")
SEARCH_PARAMETERS = ("q", "source", "category", "from", "to", "sort", "fresh", "group", "per_page", "page")
FILTER_PARAMETERS = ("source", "category", "from", "to")
FACET_LABELS = {"source": "المصدر", "category": "التصنيف"}
SORT_LABELS = {"relevance": "الأكثر صلة", "date": "الأحدث أولًا"}
# The page's freshness choices (values of `fresh=`); "1" is the default half-life of a week.
FRESH_LABELS = {"1": "الأحدث أهم (أسبوع)", "30d": "الأحدث أهم (شهر)", "365d": "الأحدث أهم قليلًا (سنة)",
                "0": "الصلة وحدها"}
# Arabic display names for the corpus's source and category codes; the code stays the filter value.
DISPLAY_NAMES = {
    "source": {
        "BBC": "بي بي سي", "CNN": "سي إن إن", "alarabia": "العربية", "Alarabiya": "العربية",
        "france24": "فرانس 24", "France24": "فرانس 24", "skynews": "سكاي نيوز عربية", "SkyNews": "سكاي نيوز عربية",
    },
    "category": {
        "internationalNews": "أخبار عالمية", "middleEast": "الشرق الأوسط", "sport": "رياضة", "economy": "اقتصاد",
        "technology": "تكنولوجيا", "culture": "ثقافة", "diverse": "منوعات", "politics": "سياسة",
        "education": "تعليم",
    },
}
PAGE_WINDOW = 2  # page links shown on each side of the current page

# Arabic wording of InvalidRequest codes; unknown codes fall back to the core's English message.
ARABIC_REQUEST_ERRORS = {
    "query_too_long": f"نص البحث أطول من {MAX_QUERY_CHARS} حرف. اختصره وحاول مجددًا.",
    "too_many_terms": "نص البحث يحتوي على كلمات كثيرة جدًا. اختصره وحاول مجددًا.",
    "leading_wildcard": "لا يمكن أن تبدأ كلمة بعلامة * أو ؟ لأن ذلك يتطلب فحص الفهرس كله.",
    "invalid_query": "نص البحث غير صالح.",
    "invalid_page": "رقم الصفحة غير صالح.",
    "invalid_per_page": f"عدد النتائج في الصفحة غير صالح (من 1 إلى {MAX_PER_PAGE}).",
    "page_out_of_window": "هذه الصفحة أبعد من آخر صفحة يمكن عرضها. ضيّق البحث بدل التنقل إلى صفحات بعيدة.",
    "invalid_date": "التاريخ غير صالح. استخدم الصيغة 2018-05-31.",
    "invalid_date_range": "تاريخ البداية بعد تاريخ النهاية.",
    "invalid_sort": "طريقة الترتيب غير معروفة.",
    "invalid_fresh": "قيمة الحداثة غير صالحة: 1 أو 0 أو عمر نصفي بالأيام مثل 30d.",
}

_MARK_TAG = re.compile(r"</?mark>")
_MARKUP = re.compile(r"<[^>]*>|&#?\w+;")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def trusted_highlight(html: str | None, fallback: str) -> Markup:
    """Markup for a core highlight, trusted only if its sole tags are <mark>; otherwise the text, escaped.

    The core promises escaped text plus whole-word <mark>; this check keeps that promise from being
    the only thing between a stored `<script>` and the reader's browser.
    """
    if not html:
        return escape(fallback)
    bare = _MARK_TAG.sub("", html)
    if "<" in bare or ">" in bare:
        return escape(html)
    return Markup(html)


def display_name(field: str, value: str) -> str:
    """The Arabic name shown for a source or category code; unknown codes are shown as they are."""
    return DISPLAY_NAMES.get(field, {}).get(value, value)


def text_direction(text: str) -> str:
    """"rtl" unless Latin letters outnumber Arabic ones, ignoring tags and entities.

    The browser's dir="auto" looks only at the first strong letter, so a snippet that happens to start
    with "iPhone" would be laid out left-to-right; counting letters matches what the text mostly is.
    An explicit dir also isolates the text, so a stored bidi override cannot leak into the page.
    """
    bare = _MARKUP.sub("", text or "")
    return "ltr" if len(_LATIN_LETTER.findall(bare)) > len(_ARABIC_LETTER.findall(bare)) else "rtl"


def safe_link(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no javascript:, data:, relative or odd URLs)."""
    if not url or not isinstance(url, str):
        return None
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_URL_SCHEMES or not parts.netloc:
        return None
    if any(ord(char) < 0x21 for char in candidate):
        return None
    return candidate


def page_url(args: Mapping, **overrides) -> str:
    """A link to the page with the current parameters, some replaced (None removes one), empty ones dropped."""
    pairs: list[tuple[str, str]] = []
    for name in SEARCH_PARAMETERS:
        values = overrides[name] if name in overrides else _values(args, name)
        if values is None:
            continue
        for value in [values] if isinstance(values, (str, int)) else values:
            if str(value).strip():
                pairs.append((name, str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


def _values(args: Mapping, name: str) -> list[str]:
    return list(args.getlist(name)) if hasattr(args, "getlist") else ([args[name]] if name in args else [])


def fresh_choices(current: str | None) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the freshness select; a valid value from a link that the table lacks
    (fresh=14d) is listed as it is, so the form sends it back unchanged."""
    current = (current or "").strip() or "1"
    choices = [(value, label, value == current) for value, label in FRESH_LABELS.items()]
    if current not in FRESH_LABELS:
        choices.insert(0, (current, current, True))
    return choices


def has_search(args: Mapping) -> bool:
    """True when the reader asked for something: a query or any filter."""
    return any(str(value).strip() for name in ("q", *FILTER_PARAMETERS) for value in _values(args, name))


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def facet_values(field: str, counts: Mapping[str, int], selected: Iterable[str]) -> list[FacetValue]:
    """Facet checkboxes, most frequent first; a selected value with no hits stays listed so it can be unticked.

    Articles without a source or category count under "", which no filter can select: it is not listed.
    """
    selected = tuple(selected)
    values = [FacetValue(value, display_name(field, value), int(count), value in selected)
              for value, count in counts.items() if value.strip()]
    values += [FacetValue(value, display_name(field, value), 0, True) for value in selected if value not in counts]
    return sorted(values, key=lambda facet: (-facet.count, facet.value))


def last_page(total: int, per_page: int) -> int:
    """The last page a reader can reach: bounded by the hits and by the validator's result window."""
    return max(1, min(math.ceil(total / per_page), MAX_RESULT_WINDOW // per_page))


def page_links(args: Mapping, current: int, total: int, per_page: int) -> list[PageLink]:
    """First, last, and a small window around the current page."""
    last = last_page(total, per_page)
    numbers = {1, last, *range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)}
    return [PageLink(number, page_url(args, page=number), number == current) for number in sorted(numbers)]


def result_view(result: Mapping, search_request: SearchRequest, args: Mapping) -> dict:
    """Everything the results part of the template needs, derived from one `search()` result."""
    per_page = search_request.per_page
    current = search_request.page
    listed = result["total"] if result.get("stories") is None else result["stories"]  # what pages count
    last = last_page(listed, per_page)
    suggestion = result.get("suggestion")
    return {
        "total": result["total"],
        "stories": result.get("stories"),
        "took_ms": result.get("took_ms"),
        "hits": [hit_view(hit) for hit in result["hits"]],
        "facets": {
            name: facet_values(name, result.get("facets", {}).get(name, {}), selected)
            for name, selected in (("source", search_request.sources), ("category", search_request.categories))
        },
        "suggestion": suggestion,
        "suggestion_url": page_url(args, q=suggestion, page=None) if suggestion else None,
        "pages": page_links(args, current, listed, per_page) if last > 1 else [],
        "previous_url": page_url(args, page=current - 1) if current > 1 else None,
        "next_url": page_url(args, page=current + 1) if current < last else None,
    }


def hit_view(hit: Mapping) -> dict:
    highlights = hit.get("highlights") or {}
    body = highlights.get("body")
    if isinstance(body, (list, tuple)):
        body = " … ".join(body)
    published = hit.get("published") or ""
    title_html = trusted_highlight(highlights.get("title"), hit.get("title") or hit["id"])
    body_html = trusted_highlight(body, "")
    return {
        "id": hit["id"],
        "title_html": title_html,
        "title_dir": text_direction(str(title_html)),
        "body_html": body_html,
        "body_dir": text_direction(str(body_html)),
        "url": safe_link(hit.get("url")),
        "source": display_name("source", hit.get("source") or ""),
        "category": display_name("category", hit.get("category") or ""),
        "date": str(published)[:10],
        "story": story_view(hit.get("story")),
    }


def other_sources_label(count: int) -> str:
    """"و 3 مصادر أخرى": the other articles of a story, with the number agreement Arabic wants."""
    if count == 1:
        return "ومصدر آخر"
    if count == 2:
        return "ومصدران آخران"
    if count <= 10:
        return f"و {count} مصادر أخرى"
    return f"و {count} مصدرًا آخر"


def story_view(story: Mapping | None) -> dict | None:
    """The other outlets of a hit's story, for a <details> list beside it; None when it has none."""
    if not story or story.get("size", 1) < 2:
        return None
    others = [{"title": member.get("title") or member["id"], "title_dir": text_direction(member.get("title") or ""),
               "url": safe_link(member.get("url")), "source": display_name("source", member.get("source") or ""),
               "date": str(member.get("published") or "")[:10]} for member in story.get("others", ())]
    return {"label": other_sources_label(story["size"] - 1), "others": others,
            "more": story["size"] - 1 - len(others)}
