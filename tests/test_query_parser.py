"""The search-box language: valid syntax becomes a tree, broken syntax becomes plain words, nothing raises."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.query.parser import And, Group, Not, Or, Phrase, Prefix, Word, parse_query, positive_leaves

W = Word


@pytest.mark.parametrize(
    "typed, expected",
    [
        # free words are optional clauses ranked together: "Gallant visit Washington"
        ("زيارة غالانت واشنطن", Group(should=(W("زيارة"), W("غالانت"), W("واشنطن")))),
        # a quoted phrase on its own is required: "defence minister"
        ('"وزير الدفاع"', Group(must=(Phrase("وزير الدفاع"),))),
        # inside running text, quotes are emphasis, as in news headlines: ranked, not required
        ('"وزير الدفاع" إسرائيل', Group(should=(W("إسرائيل"), Phrase("وزير الدفاع")))),
        ('+"وزير الدفاع" إسرائيل', Group(should=(W("إسرائيل"),), must=(Phrase("وزير الدفاع"),))),
        ('إسرائيل "تليغرام"', Group(should=(W("إسرائيل"), W("تليغرام")))),  # one quoted word is a word
        # Arabic guillemets and curly quotes work like straight quotes
        ("«وزير الدفاع»", Group(must=(Phrase("وزير الدفاع"),))),
        ("“وزير الدفاع”", Group(must=(Phrase("وزير الدفاع"),))),
        # -word excludes: "Qatar, not football"
        ("قطر -كرة", Group(should=(W("قطر"),), must_not=(W("كرة"),))),
        ('قطر -"كأس العالم"', Group(should=(W("قطر"),), must_not=(Phrase("كأس العالم"),))),
        ('title:"قطاع غزة" قطر', Group(should=(W("قطر"),), must=(Phrase("قطاع غزة", "title"),))),
        ("+قطر اقتصاد", Group(should=(W("اقتصاد"),), must=(W("قطر"),))),
        # fields
        ("title:غزة", Group(must=(W("غزة", "title"),))),
        ('title:"قطاع غزة"', Group(must=(Phrase("قطاع غزة", "title"),))),
        ("source:BBC غزة", Group(should=(W("غزة"),), must=(W("BBC", "source"),))),
        ("TITLE:غزة", Group(must=(W("غزة", "title"),))),
        # booleans: "Gaza AND Egypt", "Gaza OR Egypt", "Gaza NOT Egypt"
        ("غزة AND مصر", Group(must=(And((W("غزة"), W("مصر"))),))),
        ("غزة OR مصر", Group(must=(Or((W("غزة"), W("مصر"))),))),
        ("غزة NOT مصر", Group(should=(W("غزة"),), must_not=(W("مصر"),))),
        ("غزة AND مصر OR قطر", Group(must=(Or((And((W("غزة"), W("مصر"))), W("قطر"))),))),
        ("(غزة OR مصر) قطر", Group(should=(Group(must=(Or((W("غزة"), W("مصر"))),)), W("قطر")))),
        ("title:(غزة مصر)", Group(should=(Group(should=(W("غزة", "title"), W("مصر", "title"))),))),
        ("ترام*", Group(should=(Prefix("ترام"),))),  # "Tram*" as a prefix
    ],
)
def test_valid_syntax(typed, expected):
    assert parse_query(typed) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        # the Arabic question mark stays on the word; the analyzer drops it like any punctuation
        ("من هو خاشقجي؟", Group(should=(W("من"), W("هو"), W("خاشقجي؟")))),  # "who is Khashoggi?"
        ("؟", Group(should=(W("؟"),))),
        ('"وزير الدفاع', Group(should=(W("وزير"), W("الدفاع")))),  # unbalanced quote
        ("(غزة مصر", Group(should=(W("غزة"), W("مصر")))),  # unclosed parenthesis
        ("غزة) مصر", Group(should=(W("غزة"), W("مصر")))),  # stray closing parenthesis
        ("AND غزة", Group(should=(W("AND"), W("غزة")))),  # operator with no left side
        ("غزة OR", Group(should=(W("غزة"), W("OR")))),  # operator with no right side
        ("غزة AND AND مصر", Group(should=(W("غزة"), W("AND"), W("AND"), W("مصر")))),
        ("NOT", Group(should=(W("NOT"),))),
        ("*", Group(should=(W("*"),))),  # a lone star
        ("a*", Group(should=(W("a*"),))),  # too short to be a prefix
        ("- غزة", Group(should=(W("-"), W("غزة")))),  # a dash alone is not an exclusion
        ("foo:غزة", Group(should=(W("foo:غزة"),))),  # unknown field: plain text
        ("title:", Group(should=(W("title:"),))),
        ("()", Group()),
        ("(+“)", Group()),  # a sign and a stray quote inside parentheses: nothing to search (found by hypothesis)
        ("(غزة -)", Group(should=(Group(should=(W("غزة"), W("-"))),))),
        ("", Group()),
        ("   ", Group()),
    ],
)
def test_broken_syntax_is_read_as_plain_words(typed, expected):
    assert parse_query(typed) == expected


def test_only_exclusions_match_nothing():
    assert parse_query("-غزة").is_empty


def test_positive_leaves_skip_excluded_words():
    tree = parse_query('غزة -مصر "وزير الدفاع" (قطر OR NOT عمان)')
    assert set(positive_leaves(tree)) == {W("غزة"), Phrase("وزير الدفاع"), W("قطر")}
    assert Phrase("وزير الدفاع") in tree.should


def test_not_binds_inside_and():
    assert parse_query("غزة AND NOT مصر") == Group(must=(And((W("غزة"), Not(W("مصر")))),))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab غزة"«»“”()-+*:؟?ANDORNOTtitle ')), max_size=40) | st.text(max_size=60))
def test_never_raises_on_any_input(typed):
    tree = parse_query(typed)
    assert isinstance(tree, Group)
    for leaf in positive_leaves(tree):
        assert leaf.text.strip()
