"""Which documents match a query tree, as an OpenSearch filter: the embedded engine's matching rules.

Free words need at least one of them (a stopword-only word constrains nothing), required clauses all,
exclusions none; a word must have all its terms in one of the text fields (title, lead, body, or the
field it names); a quoted phrase its terms consecutively in the title or the body; `source:` and
`category:` compare whole values ignoring case; `word*` any indexed term starting with the word's stem.
"""
from __future__ import annotations

from indexer.opensearch.mapping import KEY_SUFFIX, PHRASE_TERM_FIELDS, TERM_FIELDS
from indexer.query.parser import And, Group, Not, Phrase, Prefix, Terms, Word
from indexer.query.scoring import MAX_PHRASE_TERMS, TEXT_FIELDS, analyze

MATCH_NONE = {"match_none": {}}


def _fields(field: str | None) -> list[str]:
    return [TERM_FIELDS[name] for name in (TEXT_FIELDS if field is None else (field,))]


def _any_field(fields: list[str], clause) -> dict:
    """`clause(field)` in at least one of `fields`."""
    options = [clause(field) for field in fields]
    return options[0] if len(options) == 1 else {"bool": {"should": options, "minimum_should_match": 1}}


def _all(clauses: list[dict]) -> dict:
    return clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}


def term_in(fields: list[str], term: str) -> dict:
    return _any_field(fields, lambda field: {"term": {field: term}})


def keyword_in(field: str, values) -> dict:
    """A facet field equal to one of `values`, ignoring case (users type "bbc" for "BBC")."""
    return {"terms": {f"{field}{KEY_SUFFIX}": sorted({value.casefold() for value in values})}}


class MatchTranslator:
    """Translates one query tree with the engine's analyzers ("body" stems, as the embedded engine uses)."""

    def __init__(self, analyzers: dict) -> None:
        self._body = analyzers["body"]

    def group(self, group: Group) -> dict | None:
        """Every required clause, and at least one free word when there are any; None constrains nothing."""
        constraints = [c for c in (self.node(n) for n in group.must) if c is not None]
        shoulds = [c for c in (self.node(n, loose=True) for n in group.should) if c is not None]
        if shoulds:
            constraints.append(shoulds[0] if len(shoulds) == 1
                               else {"bool": {"should": shoulds, "minimum_should_match": 1}})
        if not constraints:
            return None
        excluded = [c for c in (self.node(n) for n in group.must_not) if c is not None]
        if excluded:
            return {"bool": {"filter": constraints, "must_not": excluded}}
        return _all(constraints)

    def node(self, node, loose: bool = False) -> dict | None:
        if isinstance(node, Group):
            return self.group(node)
        if isinstance(node, Word):
            return self.word(node)
        if isinstance(node, Phrase) and loose:
            return self.group(Group(should=tuple(Word(w, node.field) for w in node.text.split())))
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Prefix):
            return self.prefix(node)
        if isinstance(node, Terms):
            return self.terms(node)
        if isinstance(node, Not):
            inner = self.node(node.node)
            return None if inner is None else {"bool": {"must_not": [inner]}}
        clauses = [c for c in (self.node(n) for n in node.nodes) if c is not None]
        if not clauses:
            return None
        if isinstance(node, And):
            return _all(clauses)
        return {"bool": {"should": clauses, "minimum_should_match": 1}}

    def word(self, word: Word) -> dict | None:
        if word.field in ("source", "category"):
            return keyword_in(word.field, (word.text,))
        terms = analyze(self._body, word.text)
        if not terms:
            return None
        return _all([term_in(_fields(word.field), term) for term in terms])

    def phrase(self, phrase: Phrase) -> dict | None:
        terms = analyze(self._body, phrase.text)[:MAX_PHRASE_TERMS]
        if not terms:
            return None
        fields = [field for field in _fields(phrase.field) if field in PHRASE_TERM_FIELDS]
        if not fields:
            return MATCH_NONE
        if len(terms) == 1:
            return term_in(fields, terms[0])
        return _any_field(fields, lambda field: phrase_in(field, terms))

    def terms(self, terms: Terms) -> dict:
        """An expansion (already our terms): one in any text field, or several consecutively in the title or body."""
        if len(terms.terms) == 1:
            return term_in(_fields(terms.field), terms.terms[0])
        fields = [field for field in _fields(terms.field) if field in PHRASE_TERM_FIELDS]
        if not fields:
            return MATCH_NONE
        return _any_field(fields, lambda field: phrase_in(field, list(terms.terms[:MAX_PHRASE_TERMS])))

    def prefix(self, prefix: Prefix) -> dict:
        stems = analyze(self._body, prefix.text)
        start = stems[0] if stems else prefix.text.lower()
        fields = [field for field in _fields(prefix.field) if field in PHRASE_TERM_FIELDS]
        if not fields:
            return MATCH_NONE
        return _any_field(fields, lambda field: {"prefix": {field: {"value": start}}})


def phrase_in(field: str, terms: list[str]) -> dict:
    """The terms at consecutive positions of `field` (our terms, whitespace-joined, need no analysis)."""
    return {"match_phrase": {field: {"query": " ".join(terms), "analyzer": "our_terms"}}}
