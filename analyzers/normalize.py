"""Character-level Arabic normalization: one pure function driven by the tables below.

`normalize` is what our analyzer indexes and queries with; `light10_normalize` is Lucene's
ArabicNormalizer (plus its DecimalDigitFilter), kept separately so the `light10` analyzer stays exact.
"""
from __future__ import annotations

import re
import unicodedata

# Invisible characters that writers and editors leave inside words. They are removed BEFORE the
# Unicode compatibility pass, so that a mark they separated from its letter can compose with it.
FORMAT_CONTROLS = (
    "\u00ad"  # soft hyphen
    "\u061c"  # Arabic letter mark
    "\u180e"  # Mongolian vowel separator (old invisible space)
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2066\u2067\u2068\u2069"  # word joiner, bidi isolates
    "\ufeff"  # BOM / zero-width no-break space
)

# Marks that do not change which word is written: harakat (U+064B-065F, which also holds the
# hamza above/below left over after composition), dagger alef, Quranic annotation signs, tatweel.
DIACRITICS = (
    "".join(chr(c) for c in range(0x064B, 0x0660))
    + "\u0670"  # superscript (dagger) alef
    + "".join(chr(c) for c in range(0x0610, 0x061B))  # honorifics and small Quranic letters
    + "".join(chr(c) for c in range(0x06D6, 0x06DD))  # Quranic pause marks
    + "".join(chr(c) for c in range(0x06DF, 0x06E9))  # Quranic small letters and signs
    + "".join(chr(c) for c in range(0x06EA, 0x06EE))  # Quranic low/high stops
    + "\u08d3\u08e3\u08e4\u08e5\u08e6\u08e7\u08e8\u08e9\u08ea\u08eb\u08ec\u08ed\u08ee\u08ef\u08f0\u08f1\u08f2"
    + "\u0674"  # high hamza, left by compatibility decomposition of U+0675-0678
    + "\u0640"  # tatweel (kashida), pure elongation
)

# Letter folds: spelling variants that readers treat as the same word.
LETTER_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",  # hamza/madda/wasla on alef
    "ى": "ي",  # alef maqsura written for final yeh (and vice versa) in much news text
    "ؤ": "ء", "ئ": "ء",  # hamza seats: مسؤول / مسئول and شؤون / شئون meet on the bare hamza
    "ک": "ك", "ڪ": "ك",  # Persian keheh, swash kaf
    "ی": "ي", "ې": "ي",  # Persian yeh
    "ە": "ه", "ۀ": "ه", "ھ": "ه",  # Kurdish/Persian/Urdu heh forms
    "ۃ": "ة",  # Urdu teh marbuta goal
}

# Arabic-Indic (U+0660-0669) and Persian (U+06F0-06F9) digits are indexed as ASCII digits.
DIGIT_FOLDS = ({chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)}
               | {"\u066b": ".", "\u066c": ","})  # Arabic decimal and thousands separators

_CONTROL_TABLE = str.maketrans("", "", FORMAT_CONTROLS)
_FOLD_TABLE = str.maketrans(LETTER_FOLDS | DIGIT_FOLDS | dict.fromkeys(DIACRITICS))

# Plain text: the basic Arabic letters (not tatweel), ASCII digits and lowercase Latin letters. Each is
# already NFKC and has no case, none is a control or a mark, so of all the steps below only the letter
# folds can change a plain word. 90% of ant-v2.1's distinct words are plain.
PLAIN_CHARACTERS = "\u0621-\u063a\u0641-\u064a0-9a-z"
_NOT_PLAIN = re.compile(f"[^{PLAIN_CHARACTERS}]").search
_PLAIN_FOLDS = re.compile("[" + "".join(
    chr(code) for code in _FOLD_TABLE if _NOT_PLAIN(chr(code)) is None) + "]").search  # أ إ آ ى ؤ ئ


def normalize(text: str) -> str:
    """Return `text` with invisible controls and diacritics removed and spelling variants folded.

    NFKC both composes decomposed hamza (alef + U+0654 -> أ) and maps the presentation forms
    (U+FB50-FDFF, U+FE70-FEFF) back to plain letters, so the fold table only sees base letters.
    """
    if _NOT_PLAIN(text) is None:  # a shortcut, with the same result as the full pass below
        return text.translate(_FOLD_TABLE) if _PLAIN_FOLDS(text) else text
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text.translate(_CONTROL_TABLE))
    return text.translate(_FOLD_TABLE).lower()


# Lucene's ArabicNormalizer (analysis/ar/ArabicNormalizer.java), rule for rule, plus the
# DecimalDigitFilter that Lucene's ArabicAnalyzer runs before it.
LUCENE_FOLDS = {"آ": "ا", "أ": "ا", "إ": "ا", "ى": "ي", "ة": "ه"}
LUCENE_DELETES = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"  # tatweel, harakat to sukun
_LUCENE_TABLE = str.maketrans(LUCENE_FOLDS | dict.fromkeys(LUCENE_DELETES))


def light10_normalize(text: str) -> str:
    """Lucene's Arabic normalization: alef forms, alef maqsura and teh marbuta folds; harakat removed."""
    return decimal_digits_to_ascii(text).translate(_LUCENE_TABLE)


def decimal_digits_to_ascii(text: str) -> str:
    """Map every Unicode decimal digit to 0-9, as Lucene's DecimalDigitFilter does."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
