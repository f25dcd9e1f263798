"""Query-time expansion of parsed queries: where alternatives go in the tree, their weights, and the bounds.

The spellings and synonyms here are fakes with fixed answers, so that these tests check the expansion's
rules alone; the real variant finder and synonym file have their own tests.
"""
from __future__ import annotations

import random

import pytest

from analyzers.registry import get_analyzer
from types import SimpleNamespace

from indexer.query.expansion import MAX_PER_QUERY, SYNONYM_WEIGHT, QueryExpander
from indexer.query.parser import Group, Not, Or, Phrase, Terms, Word, parse_query, positive_leaves

ANALYZER = get_analyzer("arabic")


class FakeSpellings:
    TABLE = {
        "انستغرام": [("انستجرام", 0.7), ("انستقرام", 0.6)],  # Instagram, three ways
        "فيسبوك": [("فايسبوك", 0.75)],  # Facebook
    }

    def variants(self, term):
        return list(self.TABLE.get(term, []))


class FakeSynonyms:
    """أمريكا (America) <=> الولايات المتحدة (the United States), in analyzed terms."""

    def __init__(self):
        self.america = tuple(t.text for t in ANALYZER("أمريكا", mode="query"))
        self.states = tuple(t.text for t in ANALYZER("الولايات المتحدة", mode="query"))

    def expand(self, terms):
        terms = tuple(terms)
        found = []
        for i in range(len(terms)):
            for mine, other in ((self.america, self.states), (self.states, self.america)):
                if terms[i:i + len(mine)] == mine:
                    found.append(SimpleNamespace(start=i, end=i + len(mine), alternatives=(other,),
                                                 rules=(SimpleNamespace(location="/etc/news/synonyms.txt:1"),)))
        return found


def expand(text, spellings=True, synonyms=False):
    expander = QueryExpander(ANALYZER, FakeSpellings() if spellings else None, FakeSynonyms() if synonyms else None)
    return expander.expand(parse_query(text))


def test_a_free_word_gains_free_alternatives_weighted_below_it():
    expanded = expand("إنستغرام")  # Instagram
    assert expanded.tree.should == (Word("إنستغرام"), Terms(("انستجرام",), 0.7), Terms(("انستقرام",), 0.6))
    assert [(e.kind, e.terms, e.typed) for e in expanded.applied] == [
        ("spelling", ("انستجرام",), "إنستغرام"), ("spelling", ("انستقرام",), "إنستغرام")]


def test_a_word_with_a_clitic_is_expanded_on_its_stem():
    expanded = expand("والإنستغرام")  # "and the Instagram"
    assert Terms(("انستجرام",), 0.7) in expanded.tree.should


def test_a_required_word_is_met_by_any_spelling():
    tree = expand("+فيسبوك قطر").tree  # +Facebook Qatar
    assert tree.must == (Or((Word("فيسبوك"), Terms(("فايسبوك",), 0.75))),)


def test_an_excluded_word_excludes_every_spelling():
    tree = expand("قطر -فيسبوك").tree  # Qatar, not Facebook
    assert tree.must_not == (Or((Word("فيسبوك"), Terms(("فايسبوك",), 0.75))),)


def test_a_phrase_alone_gains_the_phrase_with_one_word_respelled():
    tree = expand('"إنستغرام الجديد"').tree  # "the new Instagram"
    [clause] = tree.must
    assert isinstance(clause, Or) and clause.nodes[0] == Phrase("إنستغرام الجديد")
    assert clause.nodes[1:] == (Terms(("انستجرام", "جديد"), 0.7), Terms(("انستقرام", "جديد"), 0.6))


def test_a_phrase_among_free_words_gains_loose_alternatives():
    tree = expand('قطر "إنستغرام الجديد"').tree
    assert Terms(("انستجرام",), 0.7) in tree.should


def test_fields_keep_their_field_and_keyword_fields_are_never_expanded():
    assert Terms(("انستجرام",), 0.7, "title") in expand("title:إنستغرام").tree.must[0].nodes
    tree = expand("source:فيسبوك").tree
    assert tree.must == (Word("فيسبوك", "source"),)


def test_a_one_word_synonym_becomes_a_phrase_and_back():
    expanded = expand("أمريكا", spellings=False, synonyms=True)  # America
    synonyms = FakeSynonyms()
    assert Terms(synonyms.states, SYNONYM_WEIGHT) in expanded.tree.should
    [applied] = expanded.applied
    assert (applied.kind, applied.rule, applied.typed) == ("synonym", "synonyms.txt:1", "أمريكا")
    back = expand("الولايات المتحدة", spellings=False, synonyms=True)  # the United States
    assert Terms(synonyms.america, SYNONYM_WEIGHT) in back.tree.should
    assert back.applied[0].typed == "الولايات المتحدة"


def test_a_required_word_with_a_synonym_is_met_by_it():
    tree = expand("+أمريكا", spellings=False, synonyms=True).tree
    assert tree.must[0] == Or((Word("أمريكا"), Terms(FakeSynonyms().states, SYNONYM_WEIGHT)))


def test_without_sources_nothing_changes():
    tree = parse_query("إنستغرام قطر")
    expanded = QueryExpander(ANALYZER).expand(tree)
    assert expanded.tree is tree and expanded.applied == ()


def test_a_long_query_stays_within_the_budget():
    expanded = expand(" ".join(["إنستغرام", "فيسبوك"] * 40))
    assert len(expanded.applied) <= MAX_PER_QUERY


def test_json_of_an_expansion():
    [first, _] = expand("إنستغرام").applied
    assert first.as_json() == {"typed": "إنستغرام", "kind": "spelling", "terms": ["انستجرام"], "weight": 0.7,
                               "rule": None}


ALPHABET = "إنستغرام فيسبوك أمريكا الولايات المتحدة \"«»()+-*:ً title: source: OR AND NOT abc ١٢٣ 19"


@pytest.mark.parametrize("seed", range(300))
def test_expansion_never_raises_never_drops_what_was_typed_and_is_deterministic(seed):
    rng = random.Random(seed)
    words = ALPHABET.split(" ")
    text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
    tree = parse_query(text)
    first = expand(text, synonyms=True)
    assert first == expand(text, synonyms=True)
    leaves = positive_leaves(first.tree)
    assert all(leaf in leaves for leaf in positive_leaves(tree))  # every typed clause is still searched
    for leaf in leaves:
        if isinstance(leaf, Terms):
            assert leaf.terms and 0 < leaf.weight < 1
    assert isinstance(first.tree, Group) and not any(isinstance(n, Not) for n in first.tree.should)
