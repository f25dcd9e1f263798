"""Our analyzer rebuilt from OpenSearch's own pieces, for clients that query the cluster directly.

The cluster engine analyzes in Python and stores our terms; OpenSearch Dashboards and other apps that send
text to the cluster need an analyzer the cluster runs itself. `index_settings(words)` returns the index
settings (`settings.analysis` and a mapping of `title` and `body`) of an analyzer `arabic_search` made of
the built-in pieces of analysis-common (OpenSearch 2.19), each generated from our own tables and code:

- a `mapping` char filter: what `analyzers.normalize.normalize` removes (FORMAT_CONTROLS, DIACRITICS) and
  folds (LETTER_FOLDS, DIGIT_FOLDS), the compatibility forms its NFKC pass maps (Arabic presentation forms,
  fullwidth letters and digits, Latin ligatures), and the decomposed hamza it composes (و + U+0654 is ؤ);
- a `pattern` tokenizer: `analyzers.tokenizer.WORD_PATTERN` written in Java's regex dialect;
- `lowercase`, then our stopwords (`analyzers.stopwords`) in two `stop` filters around a `pattern_replace`
  that folds ى into ي: علي is a stopword only when written على, so ى survives the char filter until the
  first stop filter has seen it;
- a `stemmer_override` whose rules map each normalized word of a vocabulary to our stem (`analyzers.stem`):
  the stemmer consults word counts and cannot be written as OpenSearch rules, so its answers are listed;
- our stemmer's one rule that needs no counts, a year's calendar letter (1994م -> 1994), as `pattern_replace`;
- for a word outside the vocabulary (`fallback`, the default): Lucene's light10 (`arabic_stem`), kept off
  the vocabulary's words (their rules include the words our stemmer leaves as they are, and a rule marks its
  word a keyword) and off numbers, with a final ة hidden from it (we keep ة; light10 strips it). Without
  the fallback such a word is indexed as normalized, unstemmed.

Nothing here talks to a cluster. `tests/test_native_analysis_cluster.py` measures the cluster's `_analyze`
against our analyzer: every word of the vocabulary agrees (the sample's 22,287 words and its 628 titles and
bodies: 1.0); of words the vocabulary lacks, 0.75 agree with the fallback, 0.31 without, 0.88 when the
stemmer's own words (`stemmer_words`) are in the vocabulary too. Known differences within the vocabulary's
reach: a ligature of several words (ﷺ) becomes several tokens where ours keeps one, an isolated haraka form
(ﹰ) is removed where ours keeps a space term, and a haraka between a letter and a decomposed hamza (و +
shadda + U+0654) blocks the pair entry that NFKC would still compose.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from analyzers.fused import analyze_word
from analyzers.normalize import DIACRITICS, DIGIT_FOLDS, FORMAT_CONTROLS, LETTER_FOLDS, normalize
from analyzers.stem import CALENDAR_SUFFIXES, FEMININE_NISBA, TEH_MARBUTA
from analyzers.stopwords import ALEF_MAQSURA_FORMS, ARABIC_STOPWORDS, ONLY_WITH_ALEF_MAQSURA
from analyzers.tokenizer import _NUMBER_SEPARATORS as NUMBER_SEPARATORS  # 3.5, 1,000, ٣٫٥ (private there)
from analyzers.tokenizer import WORD_PATTERN
from indexer.ingest.article import Article
from indexer.ingest.sources import SourceOptions, read_sources

ANALYZER = "arabic_search"
CHAR_FILTER = f"{ANALYZER}_normalize"
TOKENIZER = f"{ANALYZER}_words"
MAQSURA_STOP = f"{ANALYZER}_stop_maqsura"  # the stopwords that count only when written with ى (على)
MAQSURA_FOLD = f"{ANALYZER}_fold_maqsura"  # then ى -> ي, as normalize folds it
STOP = f"{ANALYZER}_stop"
STEMS = f"{ANALYZER}_stems"
CALENDAR = f"{ANALYZER}_calendar"  # 1994م, 1440هـ -> the year
NUMBERS = f"{ANALYZER}_numbers"  # the fallback: numbers are no words to stem
HIDE_TEH = f"{ANALYZER}_hide_teh_marbuta"
LIGHT10 = "arabic_stem"  # analysis-common's ArabicStemFilter (light10); it leaves keyword tokens alone
SHOW_TEH = f"{ANALYZER}_show_teh_marbuta"
HIDDEN_TEH = "\ue000"  # a private-use character stands for a final ة while light10 runs
TEXT_FIELDS = ("title", "body")

ALEF_MAQSURA = ALEF_MAQSURA_FORMS[0]  # ى
YEH = LETTER_FOLDS[ALEF_MAQSURA]  # ي, what normalize folds it into
# Blocks whose compatibility forms normalize's NFKC pass maps and the char filter therefore spells out:
# Arabic, Arabic Supplement, Arabic Extended-B/A, Arabic Presentation Forms-A and -B, Latin ligatures
# (ﬁ), fullwidth and halfwidth forms (１２, Ａ). Other scripts' compatibility characters are left as written.
COMPATIBILITY_RANGES = ((0x0600, 0x0700), (0x0750, 0x0780), (0x0870, 0x0900), (0xFB00, 0xFB07),
                        (0xFB50, 0xFE00), (0xFE70, 0xFF00), (0xFF00, 0xFFF0))
# The marks NFKC composes with an Arabic letter before it (آ أ إ ؤ ئ ۀ ۂ ۓ): madda, hamza above, hamza below
COMPOSING_MARKS = ("\u0653", "\u0654", "\u0655")
# stemmer_override splits its rules at commas: a word or stem holding one (1,000) cannot be a rule
RULE_SEPARATORS = (",", "=>")


# --- the char filter ------------------------------------------------------------------------------


def char_mappings() -> dict[str, str]:
    """What the mapping char filter replaces, and with what: our normalization, character by character.

    The alef maqsura forms (ى, its presentation forms, Persian ی) all become ى here, not ي: the token filter
    `MAQSURA_FOLD` folds them after the stop filter `MAQSURA_STOP` has seen them (see `token_filters`).
    """
    mappings: dict[str, str] = {}
    for ch in FORMAT_CONTROLS + DIACRITICS:
        mappings[ch] = ""
    mappings.update(LETTER_FOLDS)
    mappings.update(DIGIT_FOLDS)
    for start, end in COMPATIBILITY_RANGES:
        for code in range(start, end):
            ch = chr(code)
            if ch in mappings or unicodedata.normalize("NFKC", ch) == ch:
                continue
            # the parser trims a replacement, so a form that NFKC spaces out (ﹰ is " ً") maps to its letters
            value = " ".join(normalize(ch).split())
            if not value or any(c.isalnum() for c in ch + value):  # not symbols (￪ is ↑): no word changes
                mappings[ch] = value
    for start, end in COMPATIBILITY_RANGES[:3]:  # the Arabic letters a decomposed hamza or madda may follow
        for code in range(start, end):
            for mark in COMPOSING_MARKS:
                pair = chr(code) + mark
                composed = unicodedata.normalize("NFC", pair)
                if len(composed) == 1:
                    target = normalize(pair)
                    if target != _apply(mappings, pair):
                        mappings[pair] = target
    for form in ALEF_MAQSURA_FORMS:
        mappings[form] = ALEF_MAQSURA
    del mappings[ALEF_MAQSURA]
    return dict(sorted(mappings.items()))


def _apply(mappings: Mapping[str, str], text: str) -> str:
    """`text` through single-character `mappings` (what the char filter does without a pair entry)."""
    return "".join(mappings.get(ch, ch) for ch in text)


def _escape(text: str) -> str:
    """A side of a mapping rule: backslash escaped, every mark, control, space or other invisible
    character as \\uXXXX (the parser trims spaces and would glue a mark to the arrow's space)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif unicodedata.category(ch)[0] in "MCZ" or ch in "=>#":
            out.extend(f"\\u{unit:04x}" for unit in _utf16_units(ch))
        else:
            out.append(ch)
    return "".join(out)


def _utf16_units(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def mapping_rules(mappings: Mapping[str, str] | None = None) -> list[str]:
    """The char filter's `mappings`: one `key => replacement` line each (`X => ` removes X)."""
    mappings = char_mappings() if mappings is None else mappings
    return [f"{_escape(key)} => {_escape(value)}" for key, value in mappings.items()]


# --- the tokenizer --------------------------------------------------------------------------------


def _java_class(chars: Iterable[str]) -> str:
    """The inside of a Java character class holding exactly `chars` (BMP), as \\uXXXX ranges."""
    codes = sorted({ord(ch) for ch in chars})
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return "".join(parts)


def java_word_pattern() -> str:
    """`WORD_PATTERN` in Java's dialect, for a pattern tokenizer that emits each match (group 0).

    Python's `[^\\W_]` (letters and numbers) is Java's `[\\p{L}\\p{N}]`, and `\\d` is `\\p{Nd}`; Java's own
    `\\w` holds marks and joiners, so it is not used. The char filter has removed the Arabic marks and the
    controls before the tokenizer runs; the pattern keeps them anyway, as ours does, so it reads the same.
    """
    teh = f"\\u{ord(TEH_MARBUTA):04x}"
    marks = "\\u0300-\\u036f" + _java_class(DIACRITICS)  # as analyzers.tokenizer: Latin and Arabic marks
    inside = marks + _java_class(FORMAT_CONTROLS)
    separators = _java_class(NUMBER_SEPARATORS)
    run = f"[\\p{{L}}\\p{{N}}&&[^{teh}]]++"
    return (f"(?:{run}(?:(?:[{inside}]++|(?<=\\p{{Nd}})[{separators}](?=\\p{{Nd}})){run})*+(?:[{inside}]*+{teh})?+"
            f"|{teh})[{marks}]*+")


# --- stopwords and stems --------------------------------------------------------------------------


def maqsura_stopwords() -> list[str]:
    """The stopwords that stop a word only when it is written with ى, spelled so (علي -> على)."""
    return sorted(word.removesuffix(YEH) + ALEF_MAQSURA for word in ONLY_WITH_ALEF_MAQSURA)


def stopwords() -> list[str]:
    """Our stopwords as the analyzer compares them (normalized), less those that need ى."""
    return sorted(ARABIC_STOPWORDS - ONLY_WITH_ALEF_MAQSURA)


def vocabulary(sources: Iterable[str | Path], options: SourceOptions = SourceOptions()) -> Counter:
    """The words (as written) of the titles and bodies of the articles in `sources`, with their counts,
    read by the project's ingest reader and cut into words by our tokenizer."""
    words: Counter = Counter()
    for item in read_sources(sources, options):
        if isinstance(item, Article):
            for text in (item.title, item.body):
                words.update(WORD_PATTERN.findall(text))
    return words


def stemmer_words() -> list[str]:
    """The words of the stemmer's own counts (`analyzers/word_counts.txt`, normalized news words): added to
    a vocabulary, they give rules to many words a client may send that the vocabulary lacks."""
    text = resources.files("analyzers").joinpath("word_counts.txt").read_text(encoding="utf-8")
    return [line.partition("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]


def stem_rules(words: Iterable[str], identities: bool = False) -> dict[str, str]:
    """normalized word -> our stem, for every word of `words` (as written) that our analyzer stems to a
    different term, or (`identities`) to any term. Stopwords are left to the stop filters; a word holding
    a comma cannot be a rule."""
    rules = {}
    for word in words:
        normalized, stemmed, stopped = analyze_word(word)
        if stopped or not normalized or not stemmed or (stemmed == normalized and not identities):
            continue
        if any(sep in normalized or sep in stemmed for sep in RULE_SEPARATORS) or normalized != normalized.strip():
            continue
        rules[normalized] = stemmed
    return dict(sorted(rules.items()))


def rule_lines(rules: Mapping[str, str]) -> list[str]:
    """stemmer_override rules, `word => stem` each."""
    return [f"{word} => {stemmed}" for word, stemmed in rules.items()]


def calendar_pattern() -> str:
    """A number with a calendar letter after it, as `analyzers.stem.stem` strips it (1994م -> 1994)."""
    return f"^(\\p{{Nd}}+)[{_java_class(CALENDAR_SUFFIXES)}]$"


# --- the settings ---------------------------------------------------------------------------------


def token_filters(rules: Mapping[str, str], rules_path: str | None = None, fallback: bool = True) -> dict:
    """The analyzer's token filters by name; `rules_path` (a file in each node's config directory, holding
    `rule_lines(rules)`) replaces the inline rules."""
    stems = {"type": "stemmer_override"}
    if rules_path is not None:
        stems["rules_path"] = rules_path
    else:
        stems["rules"] = rule_lines(rules)
    filters = {
        MAQSURA_STOP: {"type": "stop", "stopwords": maqsura_stopwords(), "ignore_case": False},
        MAQSURA_FOLD: {"type": "pattern_replace", "pattern": ALEF_MAQSURA, "replacement": YEH, "all": True},
        STOP: {"type": "stop", "stopwords": stopwords(), "ignore_case": False},
        STEMS: stems,
        CALENDAR: {"type": "pattern_replace", "pattern": calendar_pattern(), "replacement": "$1"},
    }
    if fallback:
        teh = f"\\u{ord(TEH_MARBUTA):04x}"
        filters |= {
            NUMBERS: {"type": "keyword_marker", "keywords_pattern": "^\\p{Nd}.*"},
            # ية is a nisba's feminine, which our stemmer strips too (افغانية -> افغان): light10 may have it
            HIDE_TEH: {"type": "pattern_replace", "pattern": f"(?<!{FEMININE_NISBA[0]}){teh}$",
                       "replacement": HIDDEN_TEH},
            SHOW_TEH: {"type": "pattern_replace", "pattern": f"{HIDDEN_TEH}$", "replacement": TEH_MARBUTA},
        }
    return filters


def filter_chain(fallback: bool = True) -> list[str]:
    """The token filters of `arabic_search`, in order."""
    chain = ["lowercase", MAQSURA_STOP, MAQSURA_FOLD, STOP, STEMS, CALENDAR]
    return chain + [NUMBERS, HIDE_TEH, LIGHT10, SHOW_TEH] if fallback else chain


def analysis_settings(words: Iterable[str], rules_path: str | None = None, fallback: bool = True) -> dict:
    """`settings.analysis` of an index with the analyzer `arabic_search`, its stems drawn from `words`
    (as written). With `rules_path`, the rules `analysis_rules(words, fallback)` are read from that file."""
    rules = {} if rules_path is not None else analysis_rules(words, fallback)
    return {
        "char_filter": {CHAR_FILTER: {"type": "mapping", "mappings": mapping_rules()}},
        "tokenizer": {TOKENIZER: {"type": "pattern", "pattern": java_word_pattern(), "group": 0}},
        "filter": token_filters(rules, rules_path, fallback),
        "analyzer": {ANALYZER: {
            "type": "custom",
            "char_filter": [CHAR_FILTER],
            "tokenizer": TOKENIZER,
            "filter": filter_chain(fallback),
        }},
    }


def analysis_rules(words: Iterable[str], fallback: bool = True) -> dict[str, str]:
    """The stemmer_override rules of `words`: with the fallback, the words our stemmer leaves as they are
    too, so that light10 does not touch them."""
    return stem_rules(words, identities=fallback)


def text_mappings() -> dict:
    """A mapping snippet: the article's text fields analyzed by `arabic_search`."""
    return {"properties": {name: {"type": "text", "analyzer": ANALYZER} for name in TEXT_FIELDS}}


def index_settings(words: Iterable[str], rules_path: str | None = None, fallback: bool = True) -> dict:
    """What a client PUTs to create an index analyzed like ours: `{"settings": {"analysis": ...}, "mappings": ...}`."""
    return {"settings": {"analysis": analysis_settings(words, rules_path, fallback)}, "mappings": text_mappings()}
