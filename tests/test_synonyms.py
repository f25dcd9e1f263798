"""The synonyms file: Solr-format rules matched through our analyzer, every bad line reported as
`file:line: reason` with the rest loaded, hot reload on edit, and properties of expansion."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.registry import get_analyzer
from indexer.ingest.article import Skip
from indexer.query.synonyms import (
    MAX_ALTERNATIVES_PER_SPAN,
    MAX_ALTERNATIVES_TOTAL,
    MAX_LINE_CHARS,
    SynonymFile,
    SynonymRules,
    SynonymsUnreadable,
    load_synonyms,
    parse_synonyms,
)

ANALYZER = get_analyzer("arabic")
EXAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "synonyms.example.txt"


def terms(text: str) -> tuple[str, ...]:
    return tuple(token.text for token in ANALYZER(text, mode="query"))


def parse(text: str | bytes, name: str = "syn.txt") -> tuple[SynonymRules, list[Skip]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_synonyms(data, name, ANALYZER)


def alternatives(rules: SynonymRules, query: str) -> list[tuple[str, ...]] | None:
    """The alternatives of the query's only expansion, or None when nothing expands."""
    expansions = rules.expand(list(terms(query)))
    assert len(expansions) <= 1, expansions
    return list(expansions[0].alternatives) if expansions else None


RULES_TEXT = """\
# equivalent: America / the United States
أمريكا, الولايات المتحدة
# equivalent: corona / COVID / COVID-19 / covid in Latin letters
كورونا, كوفيد, كوفيد-19, covid
# equivalent: Daesh / the Islamic State organization
داعش, تنظيم الدولة الإسلامية
# one way: Kingdom of Saudi Arabia => Saudi Arabia
المملكة العربية السعودية => السعودية
# one way, two sources: United Arab Emirates, "the united emirates" => the Emirates
الإمارات العربية المتحدة، الإمارات المتحدة => الإمارات
"""
RULES, RULES_SKIPS = parse(RULES_TEXT)

# (query as typed, what it also searches for as texts, gloss)
EXPANSION_CASES = [
    ("أمريكا", ["الولايات المتحدة"], "one word finds the two-word name"),
    ("الولايات المتحدة", ["أمريكا"], "the two-word name finds the one word"),
    ("والولايات المتحدة", ["أمريكا"], "wa- and the article on a multi-word entry"),
    ("لأمريكا", ["الولايات المتحدة"], "li- 'for' and hamza on alif"),
    ("بأمريكا", ["الولايات المتحدة"], "bi- 'in'"),
    ("أَمْرِيكَا", ["الولايات المتحدة"], "fully diacritized"),
    ("امريكا", ["الولايات المتحدة"], "hamza left out"),
    ("إمريكا", ["الولايات المتحدة"], "hamza below, a common misspelling"),
    ("الوِلَايَاتُ المُتَّحِدَةُ", ["أمريكا"], "diacritized multi-word query, shadda included"),
    ("كورونا", ["كوفيد", "كوفيد-19", "covid"], "corona finds every COVID name"),
    ("كوفيد-19", ["كورونا", "كوفيد", "covid"], "the longest entry wins over كوفيد alone"),
    ("كوفيد-١٩", ["كورونا", "كوفيد", "covid"], "Arabic-Indic digits fold to 19"),
    ("كوفيد ١٩", ["كورونا", "كوفيد", "covid"], "a space instead of the hyphen"),
    ("COVID", ["كورونا", "كوفيد", "كوفيد-19"], "Latin letters, any case"),
    ("تنظيم الدولة الإسلامية", ["داعش"], "the long name finds Daesh"),
    ("داعش", ["تنظيم الدولة الإسلامية"], "Daesh finds the long name"),
    ("الدولة", None, "part of a multi-word entry does not fire"),
    ("المملكة العربية السعودية", ["السعودية"], "one way: the official name finds the short one"),
    ("السعودية", None, "one way: the short name does not find the official one"),
    ("الإمارات المتحدة", ["الإمارات"], "second source of a one-way rule, split by the Arabic comma"),
    ("الإمارات", None, "one way: the target finds nothing"),
    ("ترامب", None, "no rule: Trump"),
]


def test_the_table_file_loads_without_skips():
    assert RULES_SKIPS == []
    assert len(RULES) == 5


@pytest.mark.parametrize("query, expected, gloss", EXPANSION_CASES, ids=[case[2] for case in EXPANSION_CASES])
def test_a_query_expands_by_the_rules(query, expected, gloss):
    wanted = None if expected is None else [terms(text) for text in expected]
    assert alternatives(RULES, query) == wanted


# (entry as written in the file, query, gloss): any spelling of an entry makes the same rule
ENTRY_SPELLING_CASES = [
    ("أَمْرِيكَا, الوِلَايَاتُ المُتَّحِدَةُ", "امريكا", "a diacritized file matches a bare query"),
    ("امريكا, الولايات المتحده", "أمريكا", "hamza left out and taa marbuta written as haa"),
    ("لأمريكا, والولايات المتحدة", "الولايات المتحدة", "clitics in the file are stripped too"),
    ("كوفيد-١٩, كورونا", "كوفيد 19", "Arabic-Indic digits in the file"),
]


@pytest.mark.parametrize("line, query, gloss", ENTRY_SPELLING_CASES, ids=[case[2] for case in ENTRY_SPELLING_CASES])
def test_any_spelling_of_an_entry_makes_the_same_rule(line, query, gloss):
    rules, skips = parse(line)
    assert skips == []
    assert alternatives(rules, query) is not None


def test_spans_are_positions_in_the_analyzed_query():
    # "news of America and corona today": في and و are stopwords, so positions count analyzed terms only
    query = list(terms("أخبار أمريكا وكورونا اليوم"))
    expansions = RULES.expand(query)
    assert [(e.start, e.end) for e in expansions] == [(1, 2), (2, 3)]
    assert [e.rules[0].location for e in expansions] == ["syn.txt:2", "syn.txt:4"]
    assert expansions[0].rules[0].text == "أمريكا, الولايات المتحدة"


def test_longest_match_first_and_spans_do_not_overlap():
    # structure only, in Latin letters: "new york city" is one span, not "new york" + "city"
    rules, _ = parse("new york, nyc\nnew york city, big apple\ncity, town\nyork, eboracum")
    expansions = rules.expand(["new", "york", "city", "york"])
    assert [(e.start, e.end, e.alternatives) for e in expansions] == [
        (0, 3, (("big", "apple"),)), (3, 4, (("eboracum",),))]


def test_lines_with_the_same_entry_merge_and_name_every_line():
    # corona = COVID (line 1); corona => pandemic (line 2); the pair repeated on line 3 is reported once
    rules, _ = parse("كورونا, كوفيد\nكورونا => الجائحة\nكورونا, كوفيد")
    (expansion,) = rules.expand(list(terms("كورونا")))
    assert expansion.alternatives == (terms("كوفيد"), terms("الجائحة"))
    assert [rule.location for rule in expansion.rules] == ["syn.txt:1", "syn.txt:2"]


def test_as_json_names_the_span_the_alternatives_and_the_line():
    (expansion,) = RULES.expand(list(terms("داعش")))
    assert expansion.as_json() == {
        "start": 0, "end": 1, "alternatives": [list(terms("تنظيم الدولة الإسلامية"))],
        "rules": [{"location": "syn.txt:6", "text": "داعش, تنظيم الدولة الإسلامية"}]}


def test_alternatives_are_capped_per_span_and_in_total():
    words = [f"w{i}" for i in range(40)]
    rules, _ = parse(", ".join(words))
    (one,) = rules.expand(["w0"])
    assert one.alternatives == tuple((word,) for word in words[1:1 + MAX_ALTERNATIVES_PER_SPAN])
    many = rules.expand(words)
    assert sum(len(e.alternatives) for e in many) == MAX_ALTERNATIVES_TOTAL
    assert [e.start for e in many] == list(range(MAX_ALTERNATIVES_TOTAL // MAX_ALTERNATIVES_PER_SPAN))


def test_the_example_file_loads_cleanly():
    rules, skips = load_synonyms(EXAMPLE, ANALYZER)
    assert skips == []
    assert len(rules) >= 10
    assert alternatives(rules, "لأميركا") is not None  # "for America", Levantine spelling


# ---- bad lines ---------------------------------------------------------------------------------------

# (bad line, what the reason says, gloss)
BAD_LINES = [
    ("=> أمريكا", "nothing before '=>'", "empty left side"),
    ("أمريكا =>", "nothing after '=>'", "empty right side"),
    ("كورونا => كوفيد => covid", "'=>' more than once", "two arrows"),
    ("أمريكا,, الولايات المتحدة", "empty entry", "two commas"),
    ("أمريكا, الولايات المتحدة,", "empty entry", "a trailing comma"),
    ("أمريكا, في من", "no searchable terms", "an entry of stopwords only: 'in who'"),
    ("!!!, أمريكا", "no searchable terms", "an entry of punctuation only"),
    ("أمريكا", "nothing to expand", "a single entry"),
    ("أمريكا, أَمْرِيكَا, امريكا", "nothing to expand", "three spellings of one word fold to one"),
    ("ا" * (MAX_LINE_CHARS + 1), "line too long", "a pasted paragraph"),
]


@pytest.mark.parametrize("line, reason, gloss", BAD_LINES, ids=[case[2] for case in BAD_LINES])
def test_a_bad_line_is_reported_with_file_and_line_and_the_rest_loads(line, reason, gloss):
    rules, skips = parse(f"داعش, تنظيم الدولة الإسلامية\n{line}\nكورونا, كوفيد\n", name="/etc/syn.txt")
    assert [skip.location for skip in skips] == ["/etc/syn.txt:2"]
    assert str(skips[0]).startswith("/etc/syn.txt:2: ") and reason in skips[0].reason
    assert [rule.location for rule in rules.rules] == ["/etc/syn.txt:1", "/etc/syn.txt:3"]


def test_invalid_utf8_costs_only_its_line():
    data = "أمريكا, الولايات المتحدة\n".encode() + b"\xff\xfe broken\n" + "كورونا, كوفيد\r\n".encode()
    rules, skips = parse(data)
    assert [str(skip) for skip in skips] == ["syn.txt:2: invalid UTF-8 at byte 1 of the line"]
    assert len(rules) == 2


def test_comments_blank_lines_crlf_and_a_byte_order_mark_are_not_rules():
    rules, skips = parse("\ufeff# glosses\r\n\r\n   \r\n  # indented comment\r\nأمريكا, الولايات المتحدة\r\n")
    assert skips == []
    assert [rule.location for rule in rules.rules] == ["syn.txt:5"]


@pytest.mark.parametrize("make_path, gloss", [
    (lambda tmp: tmp / "missing.txt", "a missing file"),
    (lambda tmp: tmp, "a directory"),
], ids=["missing", "directory"])
def test_an_unreadable_file_is_a_clear_error(tmp_path, make_path, gloss):
    path = make_path(tmp_path)
    for load in (lambda: load_synonyms(path, ANALYZER), lambda: SynonymFile(path, ANALYZER)):
        with pytest.raises(SynonymsUnreadable) as raised:
            load()
        assert str(raised.value).startswith(f"{path}: cannot read synonyms file (")


# ---- hot reload --------------------------------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def write(path: Path, text: str, mtime: int) -> None:
    """Write and set the mtime explicitly, so a reload does not depend on the filesystem's clock."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime * 10**9, mtime * 10**9))


@pytest.fixture
def watched(tmp_path):
    path = tmp_path / "synonyms.txt"
    write(path, "أمريكا, الولايات المتحدة\n", mtime=1)
    clock = FakeClock()
    return path, clock, SynonymFile(path, ANALYZER, check_seconds=5, clock=clock)


def test_an_edited_file_is_picked_up_after_the_check_interval(watched):
    path, clock, synonyms = watched
    first = synonyms.rules()
    write(path, "أمريكا, الولايات المتحدة\nكورونا, كوفيد\n", mtime=2)
    clock.now += 4
    assert synonyms.rules() is first  # not looked at yet
    clock.now += 1
    assert len(synonyms.rules()) == 2
    assert alternatives(synonyms.rules(), "كوفيد") == [terms("كورونا")]


def test_an_unchanged_file_is_not_parsed_again(watched):
    path, clock, synonyms = watched
    first = synonyms.rules()
    clock.now += 60
    assert synonyms.rules() is first


def test_a_file_replaced_by_rename_is_picked_up(watched):
    # editors and deploys save atomically: a new inode, possibly with the same size and mtime
    path, clock, synonyms = watched
    replacement = path.with_name("new.txt")
    write(replacement, "داعش, تنظيم الدولة الإسلامية\n", mtime=1)
    os.replace(replacement, path)
    clock.now += 5
    assert alternatives(synonyms.rules(), "داعش") == [terms("تنظيم الدولة الإسلامية")]


def test_a_vanished_file_keeps_the_last_good_rules_and_logs_once(watched, caplog):
    path, clock, synonyms = watched
    good = synonyms.rules()
    path.unlink()
    with caplog.at_level(logging.WARNING, logger="indexer.query.synonyms"):
        for _ in range(3):
            clock.now += 5
            assert synonyms.rules() is good
    assert len([r for r in caplog.records if "cannot read synonyms file" in r.getMessage()]) == 1
    write(path, "كورونا, كوفيد\n", mtime=3)
    clock.now += 5
    assert alternatives(synonyms.rules(), "كورونا") == [terms("كوفيد")]


def test_a_reload_with_bad_lines_loads_the_rest_and_reports_them(watched):
    path, clock, synonyms = watched
    write(path, "كورونا, كوفيد\n=> داعش\n", mtime=2)
    clock.now += 5
    assert len(synonyms.rules()) == 1
    assert [str(skip) for skip in synonyms.skips()] == [f"{path}:2: nothing before '=>'"]


def test_readers_on_many_threads_see_only_whole_files(tmp_path):
    # two versions of the file, written in turn while readers check it on every call
    path = tmp_path / "synonyms.txt"
    versions = ["أمريكا, الولايات المتحدة\n", "كورونا, كوفيد\nداعش, تنظيم الدولة الإسلامية\n"]
    write(path, versions[0], mtime=1)
    synonyms = SynonymFile(path, ANALYZER, check_seconds=0)
    seen: set[tuple[str, ...]] = set()
    failures: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                seen.add(tuple(rule.text for rule in synonyms.rules().rules))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for mtime in range(2, 12):
        replacement = tmp_path / "next.txt"
        write(replacement, versions[mtime % 2], mtime=mtime)
        os.replace(replacement, path)
    stop.set()
    for reader in readers:
        reader.join()
    assert failures == []
    assert seen <= {tuple(text.splitlines()) for text in versions}
    assert [rule.text for rule in synonyms.rules().rules] == versions[11 % 2].splitlines()  # the last write


# ---- properties --------------------------------------------------------------------------------------

PROPERTY_RULES, _ = load_synonyms(EXAMPLE, ANALYZER)
ENTRY_TERMS = sorted({term for rule in PROPERTY_RULES.rules for entry in rule.sources for term in entry})
query_terms = st.lists(st.one_of(st.sampled_from(ENTRY_TERMS), st.text(max_size=6)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(query_terms)
def test_expansion_is_ordered_bounded_and_never_maps_to_itself(query):
    expansions = PROPERTY_RULES.expand(query)
    assert PROPERTY_RULES.expand(list(query)) == expansions  # deterministic
    previous_end = 0
    for expansion in expansions:
        assert previous_end <= expansion.start < expansion.end <= len(query)
        previous_end = expansion.end
        matched = tuple(query[expansion.start:expansion.end])
        assert 0 < len(expansion.alternatives) <= MAX_ALTERNATIVES_PER_SPAN
        assert matched not in expansion.alternatives
        assert len(set(expansion.alternatives)) == len(expansion.alternatives)
        assert expansion.rules and all(matched in rule.sources for rule in expansion.rules)
    assert sum(len(e.alternatives) for e in expansions) <= MAX_ALTERNATIVES_TOTAL


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["أمريكا", "كورونا", "=>", ",", "،", "#", "في", "\n", " "]),
                          st.binary(max_size=4).map(lambda b: b.decode("latin-1")), st.text(max_size=8)), max_size=20))
def test_parsing_any_file_never_raises_and_is_deterministic(pieces):
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    rules, skips = parse(data)
    again, skips_again = parse(data)
    assert [rule for rule in rules.rules] == list(again.rules) and skips == skips_again
    assert all(skip.location.startswith("syn.txt:") for skip in skips)
