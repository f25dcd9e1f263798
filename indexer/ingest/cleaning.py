"""Text cleaning for scraped news: HTML to text, NFC, whitespace, and site boilerplate lines (share, ©, ...).

Cleaning changes what is stored and shown, so it stays conservative: boilerplate is removed only as whole,
short lines matching a pattern, and Arabic letters and diacritics are left alone (that is the analyzer's job).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Whole lines that scraped pages append to every article. Each is matched case-insensitively against a
# stripped line of at most BOILERPLATE_MAX_CHARS characters, so a sentence that merely mentions one survives.
DEFAULT_BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"شاركها\s*[.:]?",  # "share it" button label (the seed's footer)
    r"شارك(?:\s+(?:على|عبر))?\s*(?:فيسبوك|تويتر|واتساب|تيليجرام|تلغرام|لينكدإن|إكس)?\s*[.:]?",  # "share on X"
    r"share(?:\s+(?:this|on\s+\w+))?\s*[.:]?",
    r"(?:©|\(c\)|copyright)\s*.*",  # "© 2024 Site. All rights reserved."
    r".*جميع\s+الحقوق\s+محفوظة.*",  # "... all rights reserved ..."
    r".*all\s+rights\s+reserved.*",
    r"exit\s+mobile\s+version",  # WordPress AMP footer link
    r"skip\s+to\s+(?:main\s+)?content",
    r"(?:اقرأ|إقرأ)\s+(?:أيضا|أيضاً|المزيد)\s*:?",  # "read also:" left without its link
    r"تابعونا\s+على\s+.*",  # "follow us on ..."
    r"follow\s+us\s+on\s+.*",
    r"(?:advertisement|إعلان)",
)
BOILERPLATE_MAX_CHARS = 120

# Tags whose text is never article text, and tags that end a line when rendered.
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "svg"})
_BLOCK_TAGS = frozenset(
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr table article section blockquote header footer pre hr figure".split()
)
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][^<>]*|/[a-zA-Z][^<>]*|!--.*?--)>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+\d*);")

# Characters that carry no text: C0 controls (but \t and \n), DEL, zero-width space, BOM.
_INVISIBLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_RARE_LINE_BREAKS = ("\r\n", "\r", "\u2028", "\u2029", "\x85")
_BLANK_LINE_RUNS = re.compile(r"\n{3,}")
_SPACE_RUNS = re.compile(" {2,}")


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment; entities are decoded by the parser itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Visible text of `text` if it contains tags or entities; plain text is returned unchanged."""
    if ("<" not in text and "&" not in text) or not _LOOKS_LIKE_HTML.search(text):
        return text
    extractor = _TextExtractor()
    extractor.feed(text)
    extractor.close()
    return "".join(extractor.parts)


def normalize_whitespace(text: str) -> str:
    """One space between words, no spaces at line ends, at most one blank line between paragraphs."""
    if "\xa0" in text:  # a no-break space splits words like a space (in 24% of ANT texts); it is not printable
        text = text.replace("\xa0", " ")
    if _lines_printable(text):  # the only whitespace is spaces and line breaks: no need to split every line
        if "  " in text:
            text = _SPACE_RUNS.sub(" ", text)
        return _collapse_blank_lines(text.replace(" \n", "\n").replace("\n ", "\n"))
    for line_break in _RARE_LINE_BREAKS:
        if line_break in text:
            text = text.replace(line_break, "\n")
    if _INVISIBLE_CHARACTERS.search(text):
        text = _INVISIBLE_CHARACTERS.sub("", text)
    return _collapse_blank_lines("\n".join(" ".join(line.split()) for line in text.split("\n")))


def _lines_printable(text: str) -> bool:
    """True when every line is printable, checked in one C pass (as almost all news texts are).

    Printable text holds no control, invisible or rare line-break character (none of them is printable) and
    no whitespace but the plain space. Splitting and re-joining each line then only turns runs of spaces into
    one and drops the spaces at line ends (those at the text's two ends `_collapse_blank_lines` strips).
    """
    return text.replace("\n", " ").isprintable()


def _collapse_blank_lines(text: str) -> str:
    if "\n\n\n" in text:
        text = _BLANK_LINE_RUNS.sub("\n\n", text)
    return text.strip()


@dataclass(frozen=True)
class Cleaner:
    """The cleaning applied to every record; `patterns` are the boilerplate lines to drop."""

    patterns: tuple[str, ...] = DEFAULT_BOILERPLATE_PATTERNS
    _boilerplate: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        combined = "|".join(f"(?:{pattern})" for pattern in self.patterns) or r"(?!)"
        object.__setattr__(self, "_boilerplate", re.compile(combined, re.IGNORECASE))

    def with_patterns(self, extra: tuple[str, ...]) -> Cleaner:
        return Cleaner(self.patterns + tuple(extra))

    def is_boilerplate(self, line: str) -> bool:
        return len(line) <= BOILERPLATE_MAX_CHARS and self._boilerplate.fullmatch(line) is not None

    def clean_body(self, text: str) -> str:
        """HTML to text, NFC, whitespace, then drop boilerplate lines."""
        text = normalize_whitespace(unicodedata.normalize("NFC", html_to_text(text)))
        if not text:
            return text
        lines = text.split("\n")
        boilerplate = self._boilerplate.fullmatch
        kept = [line for line in lines if len(line) > BOILERPLATE_MAX_CHARS or not line or not boilerplate(line)]
        if len(kept) == len(lines):
            return text  # already collapsed by normalize_whitespace
        return _collapse_blank_lines("\n".join(kept))

    def clean_title(self, text: str) -> str:
        """A title is one line: same cleaning as the body, then all whitespace collapsed to single spaces."""
        text = unicodedata.normalize("NFC", html_to_text(text))
        if _INVISIBLE_CHARACTERS.search(text):
            text = _INVISIBLE_CHARACTERS.sub("", text)
        return " ".join(text.split())


DEFAULT_CLEANER = Cleaner()


def read_boilerplate_file(path: str | Path) -> tuple[str, ...]:
    """Extra boilerplate patterns: one regular expression per line; blank lines and `#` comments ignored.

    Raises ValueError naming the file and line of a pattern that does not compile.
    """
    patterns = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{path}:{number}: invalid pattern {pattern!r}: {error}") from None
        patterns.append(pattern)
    return tuple(patterns)
