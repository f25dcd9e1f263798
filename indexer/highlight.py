"""Highlighted fragments of stored text: HTML-escaped, with <mark> around whole matched words only.

Marks are placed on the analyzer's token offsets in the ORIGINAL text, so diacritized words, prefixed
words (والزيارة for زيارة) and words with tatweel are marked as written. A mark never falls inside a word:
splitting an Arabic word across elements breaks its letter joining in browsers.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

FRAGMENT_CHARS = 180  # roughly two lines of a result snippet
MAX_FRAGMENTS = 2
FRAGMENT_SEPARATOR = " … "
MAX_ANALYZED_CHARS = 4_000  # fragments come from the opening of the body: news puts the point first
MAX_WORD_CHARS = 40
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


class WordTerms:
    """An analyzer run one whitespace-separated chunk at a time, each chunk's term memoized.

    Highlighting re-analyzes every hit's title and body; word frequencies are Zipfian, so after a few
    queries nearly every chunk is a dictionary hit. Tokens never span whitespace and the analyzers look
    at one token at a time, so the spans are exactly those of analyzing the whole text.
    """

    MAX_ENTRIES = 500_000  # distinct chunks remembered (tens of MB); a full memo is simply started afresh

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self._single: dict[str, str] = {}  # chunk -> its only term, "" for none, _SEVERAL for more

    def chunk(self, chunk: str) -> tuple[tuple[str, int, int], ...]:
        return tuple((t.text, t.startchar, t.endchar) for t in self.analyzer(chunk, chars=True, mode="index"))

    def spans(self, text: str, terms: Collection[str]) -> list[tuple[int, int]]:
        """(start, end) of every word of `text` whose analyzed form is one of `terms`."""
        if not terms or not text:
            return []
        chunks = text.split()
        single = self._single
        if len(single) >= self.MAX_ENTRIES:
            single.clear()
        for chunk in [c for c in set(chunks) if c not in single]:  # only words never seen are analyzed
            found = self.chunk(chunk)
            single[chunk] = found[0][0] if len(found) == 1 else ("" if not found else _SEVERAL)
        wanted = set(terms) | {_SEVERAL}
        lookup = single.get
        matched = [i for i, chunk in enumerate(chunks) if lookup(chunk) in wanted]  # the hot loop, in C mostly
        if not matched:
            return []
        out, wanted_at, last = [], set(matched), matched[-1]
        for i, match in enumerate(_CHUNK.finditer(text)):
            if i in wanted_at:
                out.extend((match.start() + start, match.start() + end)
                           for term, start, end in self.chunk(match.group()) if term in terms)
            if i == last:
                break
        return out


_SEVERAL = "\0several"  # marks a chunk that holds several terms ("covid-19"): checked one by one
_CHUNK = re.compile(r"\S+")


def matched_spans(text: str, analyzer, terms: Collection[str]) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` whose analyzed form is one of `terms`."""
    words = analyzer if isinstance(analyzer, WordTerms) else WordTerms(analyzer)
    return words.spans(text, terms)


def mark_spans(text: str, spans: Iterable[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escape text[start:end] and wrap the given spans (which must lie inside it) in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        out.append(html.escape(text[cursor:span_start]))
        out.append(MARK_OPEN + html.escape(text[span_start:span_end]) + MARK_CLOSE)
        cursor = span_end
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def highlight_title(title: str, analyzer, terms: Collection[str]) -> str:
    return mark_spans(title, matched_spans(title, analyzer, terms))


def highlight_body(body: str, analyzer, terms: Collection[str], fragment_chars: int = FRAGMENT_CHARS,
                   max_fragments: int = MAX_FRAGMENTS) -> str:
    """Up to `max_fragments` windows of the body holding the most distinct matched words.

    Without any match the snippet is the start of the body, so every hit shows some text.
    """
    head = body[:MAX_ANALYZED_CHARS]
    spans = matched_spans(head, analyzer, terms)
    if spans:
        windows = _best_windows(head, spans, fragment_chars, max_fragments)
    else:
        windows = [(0, _word_end(body, min(len(body), fragment_chars)))]
    fragments = [
        mark_spans(body, [s for s in spans if start <= s[0] < end], start, end).strip() for start, end in windows
    ]
    prefix = "… " if windows[0][0] > 0 else ""
    suffix = " …" if windows[-1][1] < len(body.rstrip()) else ""
    return prefix + FRAGMENT_SEPARATOR.join(fragments) + suffix


def _best_windows(text: str, spans, fragment_chars: int, max_fragments: int) -> list[tuple[int, int]]:
    """Greedy: the window covering the most distinct words wins, then the best one not overlapping it."""
    words = [text[s:e] for s, e in spans]
    candidates = []
    for i, (anchor, _) in enumerate(spans):
        start = _word_start(text, max(0, anchor - fragment_chars // 4))
        end = _word_end(text, min(len(text), start + fragment_chars))
        inside = [j for j in range(i, len(spans)) if spans[j][1] <= end] or [i]
        distinct = len({words[j] for j in inside})
        candidates.append((-distinct, -len(inside), start, end))
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in sorted(candidates):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == max_fragments:
            break
    return sorted(chosen)


def _word_start(text: str, index: int) -> int:
    """Move back to the start of the word containing `index`, so a fragment never begins mid-word.

    A "word" longer than MAX_WORD_CHARS (a URL, a run without spaces) is cut rather than followed.
    """
    limit = max(0, index - MAX_WORD_CHARS)
    while index > limit and not text[index - 1].isspace():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    limit = min(len(text), index + MAX_WORD_CHARS)
    while index < limit and not text[index].isspace():
        index += 1
    return index
