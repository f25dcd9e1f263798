"""Spellings of one foreign name or loanword (إنستغرام / إنستجرام, ميركل / ميركيل), found at the term level.

Arabic news writes a foreign sound with whichever letter the outlet's house style picks and writes long
vowels in or out at will, so one name has several spellings. Ordinary Arabic words differ by the very same
letters (ملك / مالك, قسم / جسم), so a letter rule alone cannot decide: `variant_skeleton` only proposes
(spellings of one word always share it), and evidence decides. Two sources of evidence:

* the shipped table `spelling_variants.tsv`, mined by `make_spelling_variants.py` from news corpora with
  context evidence (house style across outlets, shared neighbouring words, rarely in the same article);
* at query time, the live index's vocabulary through the same skeleton, with `VariantFinder`'s guard
  (below), so a name first printed this morning finds its other spellings without a new table.

Everything works on analyzed terms (normalized, light-stemmed), the terms the index's body field holds.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
GROUPS_PATH = HERE / "spelling_variants.tsv"
REFERENCE_PATH = HERE / "variant_term_counts.txt"

# --- the skeleton ------------------------------------------------------------------------------------
# Letters one foreign sound is written with, folded to one letter of the class. /g/ is غ (Levant, Gulf),
# ج (Egypt), ق (Maghreb), ك, or Persian گ (غوغل / جوجل, بلومبرغ / بلومبرج, انقليز / انجليز); /ʒ/ ژ is
# written ج. /p/ is ب or پ, /v/ is ف or ڤ. /tʃ/ is تش or چ: the digraph is folded first (DIGRAPHS).
SOUND_CLASSES = {
    "غ": "ج", "ق": "ج", "ك": "ج", "گ": "ج", "ژ": "ج",  # /g/ (and /ʒ/)
    "پ": "ب",  # /p/
    "ڤ": "ف",  # /v/
}
DIGRAPHS = {"تش": "چ"}  # /tʃ/: تشرشل / چرچل
# Letters a writer puts in or leaves out inside a foreign word: the long vowels, and the hamza of
# رافاءيل / رافاييل (normalize() has already put every hamza seat on the bare ء, and ى on ي).
LONG_VOWELS = "اويء"

_SOUND_TABLE = str.maketrans(SOUND_CLASSES)
_DIGRAPH = re.compile("|".join(DIGRAPHS))
# Doubled letters are undoubled BEFORE the vowels go, so that غوغل keeps two g's (غغل) and does not
# collapse to غل, the skeleton of hundreds of Arabic words. [^\n] lets the bulk form run on joined text.
_DOUBLED = re.compile(r"([^\n])\1+")
# Long vowels are dropped inside the word only: the first letter (ا of اوباما, ايران) and the last
# (روسيا vs روسي, نيكولاي vs نيكولا) carry more of the word than its spelling habits.
_INNER_VOWEL = re.compile(f"(?<=[^\\n])[{LONG_VOWELS}](?=[^\\n])")
ARABIC_TERM = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u06a4\u06af\u0698]+")


def variant_skeleton(term: str) -> str:
    """Return the key all spellings of one foreign word share: sound classes folded, undoubled, inner
    long vowels dropped (انستغرام and انستجرام -> انستجرم; ميركل and ميركيل -> مركل)."""
    term = _DIGRAPH.sub(lambda m: DIGRAPHS[m.group()], term).translate(_SOUND_TABLE)
    return _INNER_VOWEL.sub("", _DOUBLED.sub(r"\1", term))


def variant_skeletons(terms: list[str]) -> list[str]:
    """`variant_skeleton` of many terms at once: one pass of each rule over the joined text, which is
    what makes a VariantFinder over 300k terms cheap. Terms must not contain a newline."""
    text = "\n".join(terms)
    text = _DIGRAPH.sub(lambda m: DIGRAPHS[m.group()], text).translate(_SOUND_TABLE)
    text = _INNER_VOWEL.sub("", _DOUBLED.sub(r"\1", text))
    return text.split("\n") if terms else []


# --- shipped data ------------------------------------------------------------------------------------

def _data_lines(path: Path):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def load_variant_groups(path=None) -> list[tuple[str, ...]]:
    """The shipped table: one group of analyzed terms per line, tab-separated, commonest spelling first."""
    return [tuple(fields) for fields in _data_lines(Path(path) if path else GROUPS_PATH) if len(fields) > 1]


def load_reference_counts(path=None) -> dict[str, int]:
    """Reference document counts of analyzed terms in general news (`variant_term_counts.txt`)."""
    return {fields[0]: int(fields[1]) for fields in _data_lines(Path(path) if path else REFERENCE_PATH)}


# --- the finder --------------------------------------------------------------------------------------
MAX_VARIANTS = 8
# A variant's weight is the other spelling's share of the two spellings' documents, times a ceiling below
# the typed spelling's 1.0: the index's own majority spelling counts nearly in full for a reader who typed a
# rare one (بنتنياهو finds نتانياهو), and a rare spelling adds matches but hardly moves the ranking for one
# who typed the common one (ترامب / ترمب). A table variant was confirmed by context evidence, a live one only
# by the guard, so its ceiling is lower. Measured on both dev sets: fixed bands (0.6-0.9, 0.35-0.55) cost
# ant-headlines 0.0012 MRR@10, share-weighted ones cost nothing and add Recall@100 (docs/architecture.md).
TABLE_WEIGHT = 0.9
LIVE_WEIGHT = 0.55
MIN_WEIGHT = 0.01  # never 0: a variant still finds the articles written that way
# The live guard. Native Arabic look-alikes are short (roots have three consonants: ملك / مالك, قسم /
# جسم, قاد / جاد all have 3-letter skeletons or less), so a live pair needs 4 letters of skeleton.
MIN_LIVE_LENGTH = 5
MIN_LIVE_SKELETON = 4
# Live letter swaps only between the letters foreign /g/ and /ʒ/ take in names (فيرغس / فيرجس). ق and ك
# swaps are how Arabic roots differ (مقبل / مكبل, اشراق / اشراك, تحرج / تحرك): the table must vouch.
LIVE_SWAPS = frozenset("غجگژ")
# A term in this many reference documents is an established word. If both spellings are established,
# the table (built with context evidence) has already had its say, and a pair it left apart stays apart:
# عاصمة / عصمة, اسلام / اسلم, مساعدة / مسعودة are all common and all different words.
ESTABLISHED = 20
# Feminine -ة is Arabic morphology (باكورة / بقرة, طبقة / طباجة); names and loanwords end in ا or ه.
NATIVE_ENDINGS = ("ة",)
# A doubled letter in the first three is a verb prefix meeting a stem (تتوافد / توافد, متتابعة / متابعة).
MIN_DOUBLING_POSITION = 3
# Where Arabic morphology, not spelling, puts a long vowel; a live pair differing only there is two words:
# (the longer word starts with one of, the vowel is one of, where it sits).
NATIVE_VOWEL_SLOTS = (
    # verb prefixes and patterns in the first three letters (four after the future's س): سيراقب / سراقب, تلامس / تلمس,
    # تباعد / تبعد, يتواجه / يتوجه (forms III, VI), خالفوا / خلفوا, مجاهد / مجهد (active participles)
    (("س", "ت", "ي", "ن", "م", "ا"), ("ا", "ي", "و"), "early"),
    (tuple("ابتثجحخدذرزسشصضطظعغفقكلمنهوي"), ("ا",), "early"),  # فاعل / فعل: شجاعا / شجعا
    # verbal nouns of the derived forms put ا before the last radical: اقتراع / اقترع, استءناف / استءنف
    (("ا",), ("ا",), "before-last"),
    # -وا of the plural verb and -يا of the adverb: لعبوا / لعبا, ظاهريا / ظاهرا
    (tuple("ابتثجحخدذرزسشصضطظعغفقكلمنهوي"), ("و", "ي"), "before-last"),
)


def _native_vowel_slot(longer: str, start: int, end: int) -> bool:
    """True when a long vowel at longer[start:end] is where an Arabic pattern puts one (NATIVE_VOWEL_SLOTS)."""
    vowel, before_last = longer[start:end], end == len(longer) - 1
    for prefixes, vowels, where in NATIVE_VOWEL_SLOTS:
        at = {"early": start <= 2 + longer.startswith("س"), "before-last": before_last}[where]
        if at and vowel in vowels and longer.startswith(prefixes):
            return True
    return False


def _one_spelling_step(a: str, b: str) -> bool:
    """True when `a` and `b` differ in exactly one place, and that place is a spelling habit: a long vowel
    in or out, one sound-class letter for another, /tʃ/ as تش or چ, or a letter doubled after the start.
    Two differences (مسعود / مساعيد, ستقف / ساتوقف) are how Arabic patterns differ, not spellings."""
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    if len(ops) != 1:
        return False
    tag, i1, i2, j1, j2 = ops[0]
    if tag == "replace":
        left, right = a[i1:i2], b[j1:j2]
        if {left, right} <= {"تش", "چ"}:
            return True
        return len(left) == len(right) == 1 and {left, right} <= LIVE_SWAPS
    longer, start, end = (a, i1, i2) if tag == "delete" else (b, j1, j2)
    if all(ch in LONG_VOWELS for ch in longer[start:end]):
        inside = 0 < start and end < len(longer)  # as the skeleton drops them
        return inside and not _native_vowel_slot(longer, start, end)
    letter = longer[start]
    doubled = set(longer[start:end]) == {letter} and letter in (longer[start - 1:start] + longer[end:end + 1])
    return doubled and start >= MIN_DOUBLING_POSITION


class VariantFinder:
    """Other spellings of a term that the live index holds, weighted below the typed spelling.

    `vocabulary` maps each term of the index to the number of documents holding it, `doc_count` is the
    index's size, `groups` the variant table and `reference` the general-news term counts; None loads the
    shipped defaults. Candidates come from the table and from the vocabulary through the skeleton; the
    table's are taken as they are, the vocabulary's only when the live guard (`_live_pair`) accepts them.
    """

    def __init__(self, vocabulary: Mapping[str, int], doc_count: int, groups=None, reference=None):
        self.vocabulary = vocabulary
        self.doc_count = max(int(doc_count), 1)
        self.reference = load_reference_counts() if reference is None else reference
        self._table: dict[str, tuple[str, ...]] = {}
        for group in load_variant_groups() if groups is None else groups:
            for term in group:
                self._table[term] = tuple(dict.fromkeys(self._table.get(term, ()) + tuple(group)))
        live = [term for term in vocabulary if len(term) >= MIN_LIVE_LENGTH and ARABIC_TERM.fullmatch(term)]
        self._by_skeleton: dict[str, list[str]] = {}
        for term, skeleton in zip(live, variant_skeletons(live)):
            if len(skeleton) >= MIN_LIVE_SKELETON:
                self._by_skeleton.setdefault(skeleton, []).append(term)
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def variants(self, term: str) -> list[tuple[str, float]]:
        """Up to MAX_VARIANTS other spellings of `term` in the vocabulary, best first, weights in (0, 1)."""
        found = self._cache.get(term)
        if found is None:
            found = self._cache[term] = self._find(term) if isinstance(term, str) else []
        return list(found)

    def _df(self, term: str) -> int:
        return max(int(self.vocabulary.get(term, 0) or 0), 0)

    def _find(self, term: str) -> list[tuple[str, float]]:
        weights: dict[str, float] = {}
        for other in self._table.get(term, ()):
            if other != term and self._df(other) > 0:
                weights[other] = self._weight(term, other, TABLE_WEIGHT)
        if len(term) >= MIN_LIVE_LENGTH and "\n" not in term and ARABIC_TERM.fullmatch(term):
            for other in self._by_skeleton.get(variant_skeleton(term), ()):
                if other != term and other not in weights and self._live_pair(term, other):
                    weights[other] = self._weight(term, other, LIVE_WEIGHT)
        ranked = sorted(weights.items(), key=lambda item: (-item[1], -self._df(item[0]), item[0]))
        return ranked[:MAX_VARIANTS]

    def _weight(self, term: str, other: str, ceiling: float) -> float:
        df_term, df_other = self._df(term), self._df(other)
        share = df_other / (df_term + df_other) if df_term + df_other else 0.0
        return round(max(ceiling * share, MIN_WEIGHT), 4)

    def _live_pair(self, term: str, other: str) -> bool:
        """The look-alike guard for a pair the table does not know (see the constants above)."""
        if term.endswith(NATIVE_ENDINGS) or other.endswith(NATIVE_ENDINGS):
            return False
        if min(self.reference.get(term, 0), self.reference.get(other, 0)) >= ESTABLISHED:
            return False
        return _one_spelling_step(term, other)
