"""A Whoosh tokenizer for Arabic text that keeps diacritics and joiners inside words.

Whoosh's default `\\w+` splits الرَّئيسُ at the shadda because harakat are not `\\w`; this one
does not. It splits hashtags on `_`, and its offsets always slice the original text.
"""
from __future__ import annotations

import re

from pyarabic import araby
from whoosh.analysis import Token, Tokenizer

from analyzers.normalize import DIACRITICS, FORMAT_CONTROLS

_MARKS = "\u0300-\u036f" + re.escape(DIACRITICS)  # Latin and Arabic combining marks
_INSIDE = _MARKS + re.escape(FORMAT_CONTROLS)  # joiners and bidi controls only count inside a word
_NUMBER_SEPARATORS = ".," + araby.DECIMAL + araby.THOUSANDS  # 3.5, 1,000 and their Arabic separators
# Teh marbuta only ever ends a word, and like ا د ذ ر ز و it does not join the next letter, so a space
# left out after it is invisible to the writer: المدينةالمنورة is two words, المدينة المنورة.
TEH_MARBUTA = araby.TEH_MARBUTA
# A word is a run of letters and digits that may hold marks and invisible controls between its
# letters and end in marks; numbers keep their separators; a ة ends it. `_` separates words, so
# hashtags such as #اليوم_الوطني match اليوم الوطني.
# Possessive quantifiers (Python 3.11+): the pattern never needs to backtrack, and saying so makes
# it about 20% faster.
_RUN = rf"[^\W_{TEH_MARBUTA}]++"
WORD_PATTERN = re.compile(
    rf"(?:{_RUN}(?:(?:[{_INSIDE}]++|(?<=\d)[{_NUMBER_SEPARATORS}](?=\d)){_RUN})*+(?:[{_INSIDE}]*+{TEH_MARBUTA})?+"
    rf"|{TEH_MARBUTA})[{_MARKS}]*+")
_find_words = WORD_PATTERN.findall


def is_one_word(chunk: str) -> bool:
    """True when a chunk of text without whitespace is one word as it stands, without the regex: letters
    and digits only, with no ة before its last letter. Most chunks of news text are."""
    return chunk.isalnum() and chunk.find(TEH_MARBUTA, 0, -1) < 0


def chunk_words(chunk: str) -> tuple[str, ...] | list[str]:
    """The words of a chunk of text without whitespace, as `WORD_PATTERN` finds them."""
    return (chunk,) if is_one_word(chunk) else _find_words(chunk)


class ArabicTokenizer(Tokenizer):
    """Yield one Token per word, with `startchar`/`endchar` on the text as written."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # the query parser asks for the whole value as one term
            t.original = t.text = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(WORD_PATTERN.finditer(value), start_pos):
            t.text = match.group()
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t
