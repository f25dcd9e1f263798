"""Character-level Arabic normalization: one pure function driven by the tables below.

`normalize` is what our analyzer indexes and queries with; `light10_normalize` is Lucene's
ArabicNormalizer (plus its DecimalDigitFilter), kept separately so the `light10` analyzer stays exact.
"""
from __future__ import annotations

import re
import unicodedata

from pyarabic import araby

# Letters and marks are named by pyarabic's constants (araby.ALEF_MAKSURA is ى); the characters it does
# not name are written as code points or letters, with the reason next to them. Our folds are our own:
# pyarabic's normalize functions fold differently (its normalize_alef maps ى to ا) and are not used.

# Invisible characters that writers and editors leave inside words. They are removed BEFORE the
# Unicode compatibility pass, so that a mark they separated from its letter can compose with it.
# Code points: pyarabic names none of these but the BOM (BYTE_ORDER_MARK).
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
# Not pyarabic's DIACRITICS: that is every Mn mark in U+0600-06FE of the running Python's Unicode
# version, without tatweel, the high hamza, U+08D3-08F2 and the small waw and yeh (U+06E5-06E6, Lm).
DIACRITICS = (
    "".join(araby.TASHKEEL)  # tanween, fatha, damma, kasra, sukun, shadda: U+064B-0652
    + araby.MADDA_ABOVE + araby.HAMZA_ABOVE + araby.HAMZA_BELOW  # U+0653-0655, left over after composition
    + "".join(chr(c) for c in range(0x0656, 0x0660))  # rarer vowel signs: pyarabic names none of them
    + araby.SMALL_ALEF  # superscript (dagger) alef
    # Quranic marks as code-point ranges: pyarabic names only two of them (SMALL_WAW, SMALL_YEH)
    + "".join(chr(c) for c in range(0x0610, 0x061B))  # honorifics and small Quranic letters
    + "".join(chr(c) for c in range(0x06D6, 0x06DD))  # Quranic pause marks
    + "".join(chr(c) for c in range(0x06DF, 0x06E9))  # Quranic small letters and signs
    + "".join(chr(c) for c in range(0x06EA, 0x06EE))  # Quranic low/high stops
    + "\u08d3\u08e3\u08e4\u08e5\u08e6\u08e7\u08e8\u08e9\u08ea\u08eb\u08ec\u08ed\u08ee\u08ef\u08f0\u08f1\u08f2"
    + "\u0674"  # high hamza, left by compatibility decomposition of U+0675-0678 (pyarabic has no name)
    + araby.TATWEEL  # kashida, pure elongation
)

# Letter folds: spelling variants that readers treat as the same word. The letters on the left that
# pyarabic does not name (wavy hamza ٲ ٳ, and the Persian, Kurdish and Urdu letters) are written out.
LETTER_FOLDS = {
    araby.ALEF_HAMZA_ABOVE: araby.ALEF, araby.ALEF_HAMZA_BELOW: araby.ALEF, araby.ALEF_MADDA: araby.ALEF,
    araby.ALEF_WASLA: araby.ALEF, "ٲ": araby.ALEF, "ٳ": araby.ALEF,  # hamza/madda/wasla on alef
    araby.ALEF_MAKSURA: araby.YEH,  # alef maqsura written for final yeh (and vice versa) in much news text
    # hamza seats: مسؤول / مسئول and شؤون / شئون meet on the bare hamza
    araby.WAW_HAMZA: araby.HAMZA, araby.YEH_HAMZA: araby.HAMZA,
    "ک": araby.KAF, "ڪ": araby.KAF,  # Persian keheh, swash kaf
    "ی": araby.YEH, "ې": araby.YEH,  # Persian yeh
    "ە": araby.HEH, "ۀ": araby.HEH, "ھ": araby.HEH,  # Kurdish/Persian/Urdu heh forms
    "ۃ": araby.TEH_MARBUTA,  # Urdu teh marbuta goal
}

# Arabic-Indic (U+0660-0669) and Persian (U+06F0-06F9) digits are indexed as ASCII digits.
DIGIT_FOLDS = (dict(zip(araby.NUMBERS_EAST, araby.NUMBERS_WEST)) | dict(zip(araby.NUMBERS_PERS, araby.NUMBERS_WEST))
               | {araby.DECIMAL: ".", araby.THOUSANDS: ","})  # Arabic decimal and thousands separators

_CONTROL_TABLE = str.maketrans("", "", FORMAT_CONTROLS)
_FOLD_TABLE = str.maketrans(LETTER_FOLDS | DIGIT_FOLDS | dict.fromkeys(DIACRITICS))

# Plain text: the basic Arabic letters (not tatweel), ASCII digits and lowercase Latin letters. Each is
# already NFKC and has no case, none is a control or a mark, so of all the steps below only the letter
# folds can change a plain word. 90% of ant-v2.1's distinct words are plain.
PLAIN_CHARACTERS = f"{araby.HAMZA}-{araby.GHAIN}{araby.FEH}-{araby.YEH}0-9a-z"  # U+0621-063A, U+0641-064A
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
LUCENE_FOLDS = {araby.ALEF_MADDA: araby.ALEF, araby.ALEF_HAMZA_ABOVE: araby.ALEF, araby.ALEF_HAMZA_BELOW: araby.ALEF,
                araby.ALEF_MAKSURA: araby.YEH, araby.TEH_MARBUTA: araby.HEH}
LUCENE_DELETES = araby.TATWEEL + "".join(araby.TASHKEEL)  # tatweel, tanween, short vowels, sukun, shadda
_LUCENE_TABLE = str.maketrans(LUCENE_FOLDS | dict.fromkeys(LUCENE_DELETES))


def light10_normalize(text: str) -> str:
    """Lucene's Arabic normalization: alef forms, alef maqsura and teh marbuta folds; harakat removed."""
    return decimal_digits_to_ascii(text).translate(_LUCENE_TABLE)


def decimal_digits_to_ascii(text: str) -> str:
    """Map every Unicode decimal digit to 0-9, as Lucene's DecimalDigitFilter does."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
