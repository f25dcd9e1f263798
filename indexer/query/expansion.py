"""Query-time expansion: other spellings of the words typed, and synonyms, searched for beside them.

It runs between parsing and ranking, on the parsed tree, and adds `Terms` alternatives that score below
what was typed. A free word gains free alternatives (a group needs only one of its free clauses anyway);
a required or excluded clause becomes an Or of itself and its alternatives, so that `+إنستغرام` is met by
any spelling and `-فيسبوك` excludes every spelling; a phrase's alternatives are the phrase with one word
replaced. Both engines rank the expanded tree with their usual code, and highlight the alternatives' terms
as written. The unstemmed `exact` field is never expanded: the typed spelling keeps its bonus there and
ranks first. Applied at query time, so a new synonym file or a new name in the index needs no reindex.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from indexer.query.parser import And, Group, Not, Or, Phrase, Prefix, Terms, Word
from indexer.query.scoring import MAX_PHRASE_TERMS, analyze

SYNONYM_WEIGHT = 0.8  # a synonym is another word for the same thing: close to, never above, what was typed
MAX_SPELLING_WEIGHT = 0.9
MAX_PER_CLAUSE = 8  # alternatives of one word or phrase
MAX_PER_QUERY = 40  # and of the whole query: a pasted paragraph must not turn into hundreds of clauses
TEXT_FIELDS = (None, "title", "body")  # the fields whose words are expanded (not source: or category:)


class Spellings(Protocol):
    """Other spellings of an index term that the index holds, with weights in (0, 1), best first."""

    def variants(self, term: str) -> list[tuple[str, float]]: ...


class SynonymRule(Protocol):
    location: str  # "path:line"


class SynonymMatch(Protocol):
    """Query terms [start, end) that synonym rules matched, and the term sequences to search for too."""

    start: int
    end: int
    alternatives: tuple[tuple[str, ...], ...]
    rules: tuple[SynonymRule, ...]


class Synonyms(Protocol):
    """Synonym rules (query.synonyms.SynonymRules): the matches in a query's analyzed terms, in order."""

    def expand(self, terms: Sequence[str]) -> Sequence[SynonymMatch]: ...


@dataclass(frozen=True, slots=True)
class Expansion:
    """One alternative added to the query, as the response reports it."""

    typed: str  # the words of the query it stands beside, as typed
    kind: str  # "spelling" or "synonym"
    terms: tuple[str, ...]  # the index terms searched for too
    weight: float
    rule: str | None = None  # a synonym's line, as "file:line" (the file's name only: no server paths)

    def as_json(self) -> dict:
        return {"typed": self.typed, "kind": self.kind, "terms": list(self.terms), "weight": round(self.weight, 3),
                "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Expanded:
    tree: Group
    applied: tuple[Expansion, ...]


NOTHING = ()


class QueryExpander:
    """Expands parsed queries with `spellings` (the index's own spelling variants) and `synonyms` (a rules
    file); either may be None. `analyzer` is the index's body analyzer, as ranking uses it."""

    def __init__(self, analyzer, spellings: Spellings | None = None, synonyms: Synonyms | None = None) -> None:
        self._analyzer = analyzer
        self._spellings = spellings
        self._synonyms = synonyms

    def expand(self, tree: Group) -> Expanded:
        if self._spellings is None and self._synonyms is None:
            return Expanded(tree, NOTHING)
        run = _Run(self, [])
        return Expanded(run.group(tree), tuple(run.applied))

    def terms(self, text: str) -> list[str]:
        return analyze(self._analyzer, text)

    def spellings(self, term: str) -> list[tuple[str, float]]:
        if self._spellings is None:
            return []
        return [(other, min(weight, MAX_SPELLING_WEIGHT)) for other, weight in self._spellings.variants(term)
                if other != term and weight > 0][:MAX_PER_CLAUSE]

    def synonyms(self, terms: Sequence[str]) -> Sequence[SynonymMatch]:
        return () if self._synonyms is None or not terms else self._synonyms.expand(terms)


@dataclass
class _Run:
    """One query's expansion: the budget left and what was applied."""

    expander: QueryExpander
    applied: list[Expansion]

    def group(self, group: Group) -> Group:
        should = [self.group(node) if isinstance(node, Group) else node for node in group.should]
        free = [node for node in group.should if _expandable(node)]
        extra = [alternative for _, alternative in self._free_synonyms(free)]
        for node in free:
            alternatives = self._spelling_alternatives(node, loose=isinstance(node, Phrase))
            extra.extend(alternative for _, alternative in alternatives)
        return Group(tuple(should) + tuple(extra), tuple(self.clause(n) for n in group.must),
                     tuple(self.clause(n) for n in group.must_not))

    def clause(self, node):
        """A required or excluded clause: itself or any of its alternatives."""
        if isinstance(node, Group):
            return self.group(node)
        if isinstance(node, Not):
            return Not(self.clause(node.node))
        if isinstance(node, (And, Or)):
            return type(node)(tuple(self.clause(child) for child in node.nodes))
        if not _expandable(node):
            return node
        alternatives = [alternative for _, alternative in self._strict_alternatives(node)]
        return Or((node, *alternatives)) if alternatives else node

    # --- alternatives ------------------------------------------------------------------------------

    def _free_synonyms(self, words: list) -> list[tuple[Expansion, Terms]]:
        """Synonyms of consecutive free words: the query's words run together, as a multi-word entry needs."""
        stream, typed_by = [], []
        for node in words:
            if isinstance(node, Word) and node.field is None:
                for term in self.expander.terms(node.text):
                    stream.append(term)
                    typed_by.append(node.text)
        found = []
        for match in self.expander.synonyms(stream):
            typed = " ".join(dict.fromkeys(typed_by[match.start:match.end]))
            for terms in match.alternatives:
                found.extend(self._add(typed, "synonym", tuple(terms), SYNONYM_WEIGHT, None, _where(match)))
        return found

    def _spelling_alternatives(self, node, loose: bool) -> list[tuple[Expansion, Terms]]:
        """Other spellings of each term of a word or phrase; `loose` ones stand alone (a free phrase matches
        any of its words), strict ones replace the term in the whole sequence."""
        terms = self._node_terms(node)
        found = []
        for position, term in enumerate(terms):
            for other, weight in self.expander.spellings(term):
                sequence = (other,) if loose else (*terms[:position], other, *terms[position + 1:])
                found.extend(self._add(node.text, "spelling", sequence, weight, node.field))
        return found

    def _strict_alternatives(self, node) -> list[tuple[Expansion, Terms]]:
        terms = self._node_terms(node)
        found = []
        if node.field is None:
            for match in self.expander.synonyms(terms):
                for replacement in match.alternatives:
                    sequence = (*terms[:match.start], *replacement, *terms[match.end:])
                    found.extend(self._add(node.text, "synonym", sequence, SYNONYM_WEIGHT, None, _where(match)))
        found.extend(self._spelling_alternatives(node, loose=False))
        return found[:MAX_PER_CLAUSE]

    def _node_terms(self, node) -> list[str]:
        terms = self.expander.terms(node.text)
        return terms[:MAX_PHRASE_TERMS] if isinstance(node, Phrase) else terms

    def _add(self, typed: str, kind: str, terms: tuple[str, ...], weight: float, field: str | None,
             rule: str | None = None) -> list[tuple[Expansion, Terms]]:
        if not terms or len(self.applied) >= MAX_PER_QUERY:
            return []
        expansion = Expansion(typed, kind, terms, weight, rule)
        if any(seen.terms == terms and seen.typed == typed for seen in self.applied):
            return []
        self.applied.append(expansion)
        return [(expansion, Terms(terms, weight, field))]


def spelled_terms(analyzer, tree) -> list[str]:
    """Every term whose spellings expanding `tree` may ask for (so that an engine can read them at once)."""
    terms: list[str] = []

    def visit(node) -> None:
        if isinstance(node, Group):
            for child in (*node.should, *node.must, *node.must_not):
                visit(child)
        elif isinstance(node, Not):
            visit(node.node)
        elif isinstance(node, (And, Or)):
            for child in node.nodes:
                visit(child)
        elif _expandable(node):
            found = analyze(analyzer, node.text)
            terms.extend(found[:MAX_PHRASE_TERMS] if isinstance(node, Phrase) else found)

    visit(tree)
    return list(dict.fromkeys(terms))


def _expandable(node) -> bool:
    return isinstance(node, (Word, Phrase)) and not isinstance(node, Prefix) and node.field in TEXT_FIELDS


def _where(match: SynonymMatch) -> str:
    return ", ".join(Path(rule.location).name for rule in match.rules)
