"""Highlighted fragments of stored text: HTML-escaped, with <mark> around whole matched words only.

Marks are placed on the analyzer's token offsets in the ORIGINAL text, so diacritized words, prefixed
words (والزيارة for زيارة) and words with tatweel are marked as written. A mark never falls inside a word:
splitting an Arabic word across elements breaks its letter joining in browsers.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Collection, Iterable

FRAGMENT_CHARS = 180  # roughly two lines of a result snippet
MAX_FRAGMENTS = 2
FRAGMENT_SEPARATOR = " … "
MAX_ANALYZED_CHARS = 4_000  # fragments come from the opening of the body: news puts the point first
MAX_WORD_CHARS = 40
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


class WordTerms:
    """An analyzer run one whitespace-separated chunk at a time, each chunk's terms memoized.

    Highlighting re-analyzes every hit's title and body; word frequencies are Zipfian, so after a few
    queries nearly every chunk is a dictionary hit. Tokens never span whitespace and the analyzers look
    at one token at a time, so the spans are exactly those of analyzing the whole text.

    The memo is kept inverted, term -> chunks yielding it, so that a text's matching chunks are a few
    set intersections in C rather than a Python test of every distinct chunk; chunks never seen before
    are analyzed together in one analyzer call.

    An analyzer with a `term_spans(text, terms)` of its own (the fused Arabic analyzer, whose compiled chunk
    memo already knows each chunk's terms) is simply asked for the spans.
    """

    MAX_ENTRIES = 500_000  # distinct chunks remembered (tens of MB); a full memo is simply started afresh

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self._own_spans = getattr(analyzer, "term_spans", None)
        self._seen: set[str] = set()  # every chunk analyzed so far
        self._chunks_of: dict[str, set[str]] = {}  # term -> the seen chunks yielding it
        # the tokens of chunks that are not simply one word ("(الرئيس", "covid-19"); every other chunk that
        # yields a term is that one term from its first character to its last
        self._tokens: dict[str, tuple[tuple[str, int, int], ...]] = {}

    def spans(self, text: str, terms: Collection[str]) -> list[tuple[int, int]]:
        """(start, end) of every word of `text` whose analyzed form is one of `terms`."""
        if not terms or not text:
            return []
        if self._own_spans is not None:
            return self._own_spans(text, terms)
        distinct = set(text.split())
        if len(self._seen) >= self.MAX_ENTRIES:
            self._seen, self._chunks_of, self._tokens = set(), {}, {}
        new = distinct.difference(self._seen)
        if new:
            self._learn(new)
        chunks_of, tokens = self._chunks_of, self._tokens
        matched = set()
        for term in terms:
            known = chunks_of.get(term)
            if known:
                matched |= distinct.intersection(known)
        out = []
        for chunk in matched:
            found = tokens.get(chunk)
            inside = [(0, len(chunk))] if found is None else [(start, end) for term, start, end in found
                                                              if term in terms]
            out.extend((at + start, at + end) for at in _whole_chunk_offsets(text, chunk) for start, end in inside)
        out.sort()
        return out

    def _learn(self, chunks: set[str]) -> None:
        """Analyze unseen chunks in one call (joined by spaces, which no token spans) and index their terms."""
        ordered = list(chunks)
        ends, at = [], 0
        for chunk in ordered:
            at += len(chunk) + 1
            ends.append(at)  # one past the space that follows the chunk
        found: dict[int, list[tuple[str, int, int]]] = {}
        i = 0
        for token in self.analyzer(" ".join(ordered), chars=True, mode="index"):
            while token.startchar >= ends[i]:  # tokens come in text order
                i += 1
            found.setdefault(i, []).append((token.text, token.startchar, token.endchar))
        chunks_of = self._chunks_of
        for i, chunk_tokens in found.items():
            chunk = ordered[i]
            base = ends[i] - len(chunk) - 1
            for term, _, _ in chunk_tokens:
                known = chunks_of.get(term)
                if known is None:
                    chunks_of[term] = {chunk}
                else:
                    known.add(chunk)
            if len(chunk_tokens) > 1 or chunk_tokens[0][1] != base or chunk_tokens[0][2] != base + len(chunk):
                self._tokens[chunk] = tuple((term, start - base, end - base) for term, start, end in chunk_tokens)
        self._seen.update(ordered)


def _whole_chunk_offsets(text: str, chunk: str):
    """Where `chunk` stands in `text` as a whole whitespace-delimited chunk (not inside a longer one).

    Every such place is one of the chunks of text.split() that equals `chunk`, so finding them with
    str.find replaces walking all the chunks of a body to reach the few that matched.
    """
    size, at = len(chunk), text.find(chunk)
    while at >= 0:
        after = at + size
        if (at == 0 or text[at - 1].isspace()) and (after == len(text) or text[after].isspace()):
            yield at
            at = text.find(chunk, after)
        else:
            at = text.find(chunk, at + 1)


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
    windows = []
    for anchor, _ in spans:
        start = _word_start(text, max(0, anchor - fragment_chars // 4))
        windows.append((start, _word_end(text, min(len(text), start + fragment_chars))))
    candidates = [(-distinct, -inside, start, end)
                  for (start, end), (distinct, inside) in zip(windows, _window_counts(spans, words, windows))]
    chosen: list[tuple[int, int]] = []
    for _, _, start, end in sorted(candidates):
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == max_fragments:
            break
    return sorted(chosen)


def _window_counts(spans, words, windows) -> list[tuple[int, int]]:
    """(distinct words, spans) from each anchor span i to the last following span ending inside window i.

    Spans come in text order, so their ends ascend and each window's run is a prefix of the spans after
    i; windows move right with their anchors, so one sliding count serves them all (linear, not
    quadratic in the matches of a long body). A lone anchor that overhangs its window counts as itself.
    """
    ends = [end for _, end in spans]
    stops = [bisect_right(ends, end, i) for i, (_, end) in enumerate(windows)]
    if ends != sorted(ends) or stops != sorted(stops):  # not text order: count each window on its own
        runs = [[j for j in range(i, len(spans)) if ends[j] <= end] or [i] for i, (_, end) in enumerate(windows)]
        return [(len({words[j] for j in run}), len(run)) for run in runs]
    counts: dict[str, int] = {}
    out, added = [], 0
    for i, stop in enumerate(stops):
        added = max(added, i)  # the run is empty here when the previous anchor overhung its window
        while added < stop:
            counts[words[added]] = counts.get(words[added], 0) + 1
            added += 1
        if stop > i:
            out.append((len(counts), stop - i))
        else:
            out.append((1, 1))
        if added > i:  # span i leaves the sliding run before window i + 1
            counts[words[i]] -= 1
            if not counts[words[i]]:
                del counts[words[i]]
    return out


def _word_start(text: str, index: int) -> int:
    """Move back to the start of the word containing `index`, so a fragment never begins mid-word.

    A "word" longer than MAX_WORD_CHARS (a URL, a run without spaces) is cut rather than followed.
    """
    low = max(0, index - MAX_WORD_CHARS)
    space = _LAST_SPACE.search(text, low, index)
    return low if space is None else space.end()


def _word_end(text: str, index: int) -> int:
    return _LEADING_WORD.match(text, index, min(len(text), index + MAX_WORD_CHARS)).end()


# searched up to `index`: the last whitespace before it (the lookahead only runs at whitespace, so this is
# linear, where matching the word itself from every start position was quadratic in MAX_WORD_CHARS)
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")
_LEADING_WORD = re.compile(r"\S*")
