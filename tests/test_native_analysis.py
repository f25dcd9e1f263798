"""The OpenSearch analyzer `arabic_search` written from our analyzer (indexer/opensearch/native_analysis.py),
checked without a cluster: the settings' shape; the char filter's rules, read back as OpenSearch parses them,
hold every removal and fold of our tables and reproduce `normalize` over the sample's vocabulary; the Java
word pattern is WORD_PATTERN; the stop lists are ours; every stemmer_override rule is `word => stem` with our
stem; the `opensearch-settings` command writes valid JSON. tests/test_native_analysis_cluster.py runs the
analyzer on a real cluster."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers.fused import analyze_word
from analyzers.normalize import DIACRITICS, DIGIT_FOLDS, FORMAT_CONTROLS, LETTER_FOLDS, normalize
from analyzers.stem import stem
from analyzers.stopwords import ARABIC_STOPWORDS, ONLY_WITH_ALEF_MAQSURA
from analyzers.tokenizer import WORD_PATTERN
from indexer.ingest.article import Article
from indexer.ingest.sources import read_sources
from indexer.opensearch import native_analysis as native
from search_app.cli import cli

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "index_data" / "sample"


@pytest.fixture(scope="module")
def sample_words():
    return native.vocabulary([SAMPLE])


@pytest.fixture(scope="module")
def analysis(sample_words):
    return native.index_settings(sample_words)["settings"]["analysis"]


# --- OpenSearch's side, as its source reads (analysis-common's MappingCharFilterFactory) -----------

_JAVA_SPACE = "[ \t\n\x0b\f\r]"  # Java's \s without UNICODE_CHARACTER_CLASS
_RULE = re.compile(rf"(.*){_JAVA_SPACE}*=>{_JAVA_SPACE}*(.*){_JAVA_SPACE}*$")
_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _java_trim(text: str) -> str:
    """String.trim(): every character up to U+0020 off both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _parse_string(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        i += 1
        if ch == "\\":
            ch = text[i]
            i += 1
            if ch == "u":
                ch = chr(int(text[i:i + 4], 16))
                i += 4
            else:
                ch = _ESCAPES.get(ch, ch)
        out.append(ch)
    return "".join(out)


def parse_mapping_rules(rules: list[str]) -> dict[str, str]:
    parsed = {}
    for rule in rules:
        match = _RULE.search(rule)
        assert match, rule
        key, value = (_parse_string(_java_trim(side)) for side in match.groups())
        assert key, rule
        parsed[key] = value
    return parsed


def char_filter(mappings: dict[str, str], text: str) -> str:
    """Lucene's MappingCharFilter: at each position the longest key that matches is replaced."""
    longest = max(map(len, mappings))
    out, i = [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            if text[i:i + size] in mappings:
                out.append(mappings[text[i:i + size]])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def fold_maqsura(token: str) -> str:
    """The pattern_replace filter after the first stop filter (ى -> ي)."""
    return token.replace(native.ALEF_MAQSURA, native.YEH)


@pytest.fixture(scope="module")
def mappings(analysis):
    return parse_mapping_rules(analysis["char_filter"][native.CHAR_FILTER]["mappings"])


def normalized_by_opensearch(mappings, word: str) -> str:
    """char filter, lowercase, the maqsura fold: what reaches the stop filter and the stems."""
    return fold_maqsura(char_filter(mappings, word).lower())


# --- the settings ---------------------------------------------------------------------------------


def test_the_settings_define_every_piece_the_analyzer_names(sample_words):
    body = native.index_settings(sample_words)
    assert set(body) == {"settings", "mappings"}
    analysis = body["settings"]["analysis"]
    analyzer = analysis["analyzer"][native.ANALYZER]
    assert analyzer["type"] == "custom"
    assert analyzer["char_filter"] == [native.CHAR_FILTER]
    assert analysis["char_filter"][native.CHAR_FILTER]["type"] == "mapping"
    assert analysis["tokenizer"][analyzer["tokenizer"]] == {
        "type": "pattern", "pattern": native.java_word_pattern(), "group": 0}
    builtin = {"lowercase", native.LIGHT10}
    assert set(analyzer["filter"]) - builtin == set(analysis["filter"])
    assert analyzer["filter"][:6] == ["lowercase", native.MAQSURA_STOP, native.MAQSURA_FOLD, native.STOP,
                                      native.STEMS, native.CALENDAR]
    assert analysis["filter"][native.STEMS]["type"] == "stemmer_override"
    assert body["mappings"] == {"properties": {
        "title": {"type": "text", "analyzer": "arabic_search"}, "body": {"type": "text", "analyzer": "arabic_search"}}}
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body


def test_without_the_fallback_the_chain_ends_with_our_stems(sample_words):
    analysis = native.analysis_settings(sample_words, fallback=False)
    assert analysis["analyzer"][native.ANALYZER]["filter"][-2:] == [native.STEMS, native.CALENDAR]
    assert native.LIGHT10 not in analysis["analyzer"][native.ANALYZER]["filter"]
    assert all(word != stemmed for word, stemmed in _rules(analysis))  # no identity rules: nothing to protect


def test_a_rules_path_replaces_the_inline_rules(sample_words):
    stems = native.analysis_settings(sample_words, rules_path="analysis/stems.txt")["filter"][native.STEMS]
    assert stems == {"type": "stemmer_override", "rules_path": "analysis/stems.txt"}


# --- the char filter ------------------------------------------------------------------------------


def test_mapping_rules_are_ascii_safe_and_read_back_as_our_table(mappings, analysis):
    assert mappings == native.char_mappings()
    for rule in analysis["char_filter"][native.CHAR_FILTER]["mappings"]:
        key, _, value = rule.partition(" => ")
        # no mark, control or space is written raw: each is \uXXXX, so trimming and combining cannot eat it
        assert not any(unicodedata.category(ch)[0] in "MCZ" for ch in key + value), rule
        assert rule.count(" => ") == 1


def test_every_removal_of_our_tables_is_a_mapping_to_nothing(mappings):
    for ch in FORMAT_CONTROLS + DIACRITICS:
        assert mappings.get(ch) == "", f"U+{ord(ch):04X}"


def test_every_letter_and_digit_fold_of_our_tables_is_mapped(mappings):
    for source, target in (LETTER_FOLDS | DIGIT_FOLDS).items():
        assert source in mappings or source == native.ALEF_MAQSURA, f"U+{ord(source):04X}"
        assert normalized_by_opensearch(mappings, source) == target, f"U+{ord(source):04X}"


def test_the_alef_maqsura_forms_wait_for_the_first_stop_filter(mappings):
    # ى, its presentation forms and Persian ی all reach MAQSURA_STOP as ى; MAQSURA_FOLD then makes them ي
    for form in native.ALEF_MAQSURA_FORMS:
        assert char_filter(mappings, form) == native.ALEF_MAQSURA
        assert normalized_by_opensearch(mappings, form) == normalize(form)


def test_compatibility_forms_and_decomposed_hamza_map_as_nfkc_does(mappings):
    for start, end in native.COMPATIBILITY_RANGES:
        for code in range(start, end):
            ch = chr(code)
            if ch in mappings:
                assert normalized_by_opensearch(mappings, ch) == " ".join(normalize(ch).split()), f"U+{code:04X}"
    # ؤ and ئ written as a letter and U+0654 meet the composed letters, as NFKC composes them
    for written in ("مسو\u0654ول", "مسي\u0654ول", "ا\u0654حمد", "ا\u0655سلام", "ا\u0653مال"):
        assert normalized_by_opensearch(mappings, written) == normalize(written)
    for ligature, letters in (("ﻻ", "لا"), ("ﷲ", "الله"), ("ﺍﻟﻌﺮﺑﻴﺔ", "العربية"), ("ﬁ", "fi"), ("１２", "12")):
        assert normalized_by_opensearch(mappings, ligature) == letters


def test_the_char_filter_normalizes_every_word_of_the_sample_as_we_do(mappings, sample_words):
    differ = [word for word in sample_words if normalized_by_opensearch(mappings, word) != normalize(word)]
    assert differ == []


# --- the tokenizer --------------------------------------------------------------------------------


def _python_dialect(java: str) -> str:
    """The Java pattern read back in Python's dialect (letters and numbers, \\d)."""
    teh = f"\\u{ord(native.TEH_MARBUTA):04x}"
    python = java.replace(f"[\\p{{L}}\\p{{N}}&&[^{teh}]]", f"[^\\W_{teh}]").replace("\\p{Nd}", "\\d")
    assert "\\p" not in python
    return python


def test_the_java_word_pattern_is_our_word_pattern():
    pattern = re.compile(_python_dialect(native.java_word_pattern()))
    texts = [text for item in read_sources([SAMPLE]) if isinstance(item, Article) for text in (item.title, item.body)]
    texts += ["الرَّئيسُ", "المدينةالمنورة", "#اليوم_الوطني", "٣٫٥ و1,000 و3.5.", "مي\u200cخواهم", "COVID-19 don't"]
    for text in texts:
        assert pattern.findall(text) == WORD_PATTERN.findall(text)


# --- stopwords and stems --------------------------------------------------------------------------


def test_the_stop_filters_hold_our_stopwords(analysis):
    filters = analysis["filter"]
    assert filters[native.MAQSURA_STOP]["stopwords"] == ["على"]
    main = set(filters[native.STOP]["stopwords"])
    assert main == ARABIC_STOPWORDS - ONLY_WITH_ALEF_MAQSURA
    assert {fold_maqsura(word) for word in filters[native.MAQSURA_STOP]["stopwords"]} == ONLY_WITH_ALEF_MAQSURA


def test_every_stopword_of_the_sample_is_stopped_and_no_other_word(mappings, analysis, sample_words):
    filters = analysis["filter"]
    maqsura, main = set(filters[native.MAQSURA_STOP]["stopwords"]), set(filters[native.STOP]["stopwords"])
    for word in sample_words:
        before_fold = char_filter(mappings, word).lower()
        stopped = before_fold in maqsura or fold_maqsura(before_fold) in main
        assert stopped == analyze_word(word)[2], word


def _rules(analysis) -> list[tuple[str, str]]:
    pairs = []
    for line in analysis["filter"][native.STEMS]["rules"]:
        match = re.fullmatch(r"(\S+) => (\S+)", line)
        assert match, line
        assert "," not in line
        pairs.append(match.groups())
    return pairs


def test_every_stemming_rule_is_a_word_and_our_stem(analysis):
    rules = _rules(analysis)
    assert len(rules) == len({word for word, _ in rules}) > 10_000
    for word, stemmed in rules:
        assert normalize(word) == word
        assert stem(word) == stemmed, word


def test_every_word_of_the_vocabulary_has_its_rule(mappings, analysis, sample_words):
    rules = dict(_rules(analysis))
    for word in sample_words:
        normalized, stemmed, stopped = analyze_word(word)
        if stopped:  # left to the stop filters (علي has a rule all the same: the name Ali, as written with ي)
            continue
        if "," in normalized:  # 1,000 cannot be a rule, and needs none: our stemmer leaves numbers alone
            assert normalized not in rules and stemmed == normalized
            continue
        key = normalized_by_opensearch(mappings, word)
        # with the fallback every word is listed, as itself when our stemmer leaves it (light10 must not touch it)
        assert rules.get(key) == stemmed, word
    assert (rules["لواشنطن"], rules["للحكومة"], rules["بالامس"], rules["زيارته"], rules["المسءولين"], rules["وزير"]) == (
        "واشنطن", "حكومة", "امس", "زيارة", "مسءول", "وزير")


def test_a_year_keeps_its_number_and_the_hidden_teh_marbuta_comes_back(analysis):
    filters = analysis["filter"]
    calendar = filters[native.CALENDAR]
    python = re.compile(calendar["pattern"].replace("\\p{Nd}", "\\d"))  # Python's re reads \uXXXX too
    assert python.sub(calendar["replacement"].replace("$1", r"\1"), "1994م") == "1994"
    assert python.sub(r"\1", "1440ه") == "1440"
    assert python.sub(r"\1", "1.5م") == "1.5م"
    assert stem("1994م") == "1994" and stem("1.5م") == "1.5م"
    hide, show = filters[native.HIDE_TEH], filters[native.SHOW_TEH]
    hide_re = re.compile(hide["pattern"])
    assert hide_re.sub(hide["replacement"], "مدينة") == "مدين" + native.HIDDEN_TEH
    assert hide_re.sub(hide["replacement"], "افغانية") == "افغانية"  # light10 may strip the nisba's ية, as we do
    assert re.sub(show["pattern"], show["replacement"], "مدين" + native.HIDDEN_TEH) == "مدينة"


def test_the_stemmer_words_are_normalized_news_words():
    words = native.stemmer_words()
    assert len(words) > 40_000
    assert "حكومة" in words and all(normalize(word) == word for word in words[:2000])


# --- the command ----------------------------------------------------------------------------------


def _articles(tmp_path) -> Path:
    path = tmp_path / "news.jsonl"
    records = [{"id": "a-1", "title": "وزير الخارجية يزور المدينة", "text": "وصل الوزيرُ إلى بالمدينة لواشنطن عام ٢٠١٨م"}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_command_writes_settings_a_client_can_put(tmp_path):
    output = tmp_path / "settings.json"
    result = CliRunner().invoke(cli, ["opensearch-settings", "--vocabulary", str(_articles(tmp_path)),
                                      "--output", str(output)])
    assert result.exit_code == 0, result.output
    body = json.loads(output.read_text(encoding="utf-8"))
    assert set(body) == {"settings", "mappings"}
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["arabic_search"]["tokenizer"] == native.TOKENIZER
    assert body["mappings"]["properties"]["body"]["analyzer"] == "arabic_search"
    rules = dict(_rules(analysis))
    assert rules["بالمدينة"] == "مدينة" and rules["وزير"] == "وزير" and rules["الوزير"] == "وزير"
    assert "الي" not in rules  # a stopword is left to the stop filter
    assert body == json.loads(json.dumps(native.index_settings(native.vocabulary([_articles(tmp_path)]))))


def test_the_command_prints_to_stdout_by_default_and_reads_the_sample(monkeypatch):
    monkeypatch.chdir(PROJECT)
    result = CliRunner().invoke(cli, ["opensearch-settings", "--no-fallback"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    rules = body["settings"]["analysis"]["filter"][native.STEMS]["rules"]
    assert len(rules) == len(native.stem_rules(native.vocabulary([SAMPLE])))


def test_the_command_can_write_the_rules_to_a_file(tmp_path):
    rules_file = tmp_path / "arabic_stems.txt"
    result = CliRunner().invoke(cli, ["opensearch-settings", "--vocabulary", str(_articles(tmp_path)),
                                      "--rules-file", str(rules_file)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["settings"]["analysis"]["filter"][native.STEMS] == {
        "type": "stemmer_override", "rules_path": "analysis/arabic_stems.txt"}
    lines = rules_file.read_text(encoding="utf-8").splitlines()
    assert "بالمدينة => مدينة" in lines
    assert "copy it to <config>/analysis/arabic_stems.txt" in result.stderr


def test_a_rules_path_without_a_rules_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["opensearch-settings", "--vocabulary", str(_articles(tmp_path)),
                                      "--rules-path", "x.txt"])
    assert result.exit_code == 2
