"""The search-box language, parsed into a small tree without ever failing.

Supported: free words, "phrases" (also «…» and “…”), -exclusion, +required, title:/source:/category:/body:
fields, AND / OR / NOT and parentheses, and a trailing * for a prefix. Anything that does not form
valid syntax — an unbalanced quote or parenthesis, a stray operator, a lone * or -, the Arabic question
mark ؟ (a wildcard in Whoosh's own parser) — is read as plain words, so users can type anything.
This module only knows syntax; turning words into index terms is the ranking module's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.storage.schema import QUERY_FIELDS

OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
# Opening quote -> the closing quotes accepted for it (people mix straight and curly quotes).
QUOTES = {'"': '"”“', "«": "»\"", "“": "”\"“", "”": "”\"“"}
MIN_PREFIX_CHARS = 2  # "a*" would expand to half the vocabulary


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Prefix:
    """A word typed with a trailing *: every indexed word starting with `text`."""

    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Terms:
    """Index terms that stand in for what was typed: another spelling or a synonym (see expansion.py).

    Never parsed from text: expansion adds it, already analyzed, with the weight it scores at (below the
    typed words' 1.0). More than one term must appear consecutively, as a phrase's do.
    """

    terms: tuple[str, ...]
    weight: float
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Not:
    node: "Node"


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Group:
    """A run of clauses, as the whole query or inside parentheses (Lucene's BooleanQuery).

    It matches a document when every `must` clause matches, none of `must_not` does, and at least one
    `should` clause does (if there are any). Plain words are `should`: natural questions are answered
    by ranking, not by demanding every word. A quoted phrase next to free words is a `should` too (it
    ranks exact matches first); a phrase with no free words beside it is a `must`.
    """

    should: tuple["Node", ...] = ()
    must: tuple["Node", ...] = ()
    must_not: tuple["Node", ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.should or self.must)


Node = Word | Prefix | Phrase | Terms | Not | And | Or | Group


@dataclass(slots=True)
class _Token:
    kind: str  # word, phrase, field, op, lparen, rparen, neg, plus
    text: str = ""
    extra: dict = field(default_factory=dict)


def parse_query(text: str) -> Group:
    """Parse what a user typed into a Group; never raises, whatever the input."""
    tokens = _classify_operators(_balance_parentheses(_tokenize(text or "")))
    parser = _Parser(tokens)
    return parser.parse_group(depth=0)


def positive_leaves(node: Node) -> list[Word | Prefix | Phrase | Terms]:
    """The words, prefixes, phrases and expansions that count for ranking and highlighting (not under a NOT)."""
    if isinstance(node, (Word, Prefix, Phrase, Terms)):
        return [node]
    if isinstance(node, Not):
        return []
    children = (*node.should, *node.must) if isinstance(node, Group) else node.nodes
    return [leaf for child in children for leaf in positive_leaves(child)]


# --- tokenizer -------------------------------------------------------------------------------------

_BREAKS = set("()") | set(QUOTES) | {"»"}


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token("lparen" if ch == "(" else "rparen"))
            i += 1
        elif ch in QUOTES:
            end = _closing_quote(text, i)
            if end < 0:
                i += 1  # an unbalanced quote is just punctuation
                continue
            tokens.append(_Token("phrase", text[i + 1 : end]))
            i = end + 1
        elif ch in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+)":
            tokens.append(_Token("neg" if ch == "-" else "plus"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _BREAKS:
                j += 1
            if j == i:  # a closing quote with no opening one: punctuation
                i += 1
                continue
            tokens.extend(_word_tokens(text[i:j], text[j] if j < n else ""))
            i = j
    return tokens


def _closing_quote(text: str, start: int) -> int:
    closers = QUOTES[text[start]]
    for j in range(start + 1, len(text)):
        if text[j] in closers:
            return j
    return -1


def _word_tokens(raw: str, next_char: str) -> list[_Token]:
    if raw in OPERATORS:
        return [_Token("op", OPERATORS[raw], {"raw": raw})]
    name, colon, value = raw.partition(":")
    if colon and name.lower() in QUERY_FIELDS:
        if value:
            return [_Token("field", name.lower()), *_word_tokens(value, next_char)]
        if next_char in QUOTES or next_char == "(":
            return [_Token("field", name.lower())]
    return [_Token("word", raw)]


def _balance_parentheses(tokens: list[_Token]) -> list[_Token]:
    """Drop every parenthesis that has no partner, so "(a b" and "a)" are just words."""
    open_at: list[int] = []
    unmatched: set[int] = set()
    for i, token in enumerate(tokens):
        if token.kind == "lparen":
            open_at.append(i)
        elif token.kind == "rparen":
            if open_at:
                open_at.pop()
            else:
                unmatched.add(i)
    unmatched.update(open_at)
    return [token for i, token in enumerate(tokens) if i not in unmatched]


_OPERAND_START = {"word", "phrase", "field", "lparen", "neg", "plus"}
_OPERAND_END = {"word", "phrase", "rparen"}


def _classify_operators(tokens: list[_Token]) -> list[_Token]:
    """Keep an operator only where it has operands; anywhere else it becomes a plain word ("stray").

    A binary AND/OR needs a real operand on both sides, NOT needs one after it. Deciding this up front
    means the parser never meets a dangling operator, and "a AND AND b" cannot turn the word "AND"
    into a required clause.
    """
    out: list[_Token] = []
    for i, token in enumerate(tokens):
        if token.kind == "op":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            nxt_ok = nxt is not None and (nxt.kind in _OPERAND_START or (nxt.kind == "op" and nxt.text == "NOT"))
            if token.text == "NOT":
                valid = nxt_ok and not (nxt.kind == "op")  # "NOT NOT x" keeps only the last one
            else:
                prev = out[-1] if out else None
                valid = nxt_ok and prev is not None and prev.kind in _OPERAND_END
            if not valid:
                token = _Token("stray", token.extra["raw"])
        out.append(token)
    return out


# --- parser ----------------------------------------------------------------------------------------



class _Parser:
    """Recursive descent: group := clause*; clause := or; or := and (OR and)*; and := unary (AND unary)*."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self, ahead: int = 0) -> _Token | None:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse_group(self, depth: int) -> Group:
        should, must, must_not, phrases = [], [], [], []
        while (token := self.peek()) is not None:
            if token.kind == "rparen":
                self.take()
                break  # parentheses are balanced beforehand, so this closes our group
            required = token.kind == "plus"
            if required:
                self.take()
            node = self.parse_or()
            if node is None:
                continue
            if isinstance(node, Not):
                must_not.append(node.node)
            elif isinstance(node, Phrase) and not required and node.field is None:
                phrases.append(node)
            elif required or not isinstance(node, (Word, Prefix, Group)) or getattr(node, "field", None):
                must.append(node)
            else:
                should.append(node)
        # Quotes inside running text are emphasis (Arabic news quotes words constantly); on their own
        # they ask for the exact phrase.
        (should if should else must).extend(phrases)
        return Group(tuple(should), tuple(must), tuple(must_not))

    def parse_or(self) -> Node | None:
        nodes = [self.parse_and()]
        while self._binary_operator_ahead("OR"):
            self.take()
            nodes.append(self.parse_and())
        return _combine(Or, nodes)

    def parse_and(self) -> Node | None:
        nodes = [self.parse_unary()]
        while self._binary_operator_ahead("AND"):
            self.take()
            nodes.append(self.parse_unary())
        return _combine(And, nodes)

    def _binary_operator_ahead(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text == name

    def parse_unary(self) -> Node | None:
        token = self.peek()
        if token is None or token.kind == "rparen":
            return None  # a sign right before ")" has nothing to apply to; the group loop closes it
        negates = token.kind == "neg" or (token.kind == "op" and token.text == "NOT")
        if negates:
            self.take()
            inner = self.parse_unary()
            return Not(inner) if inner is not None else None
        return self.parse_atom(field_name=None)

    def parse_atom(self, field_name: str | None) -> Node | None:
        token = self.take()
        kind = token.kind
        if kind == "lparen":
            group = self.parse_group(depth=1)
            return _with_field(group, field_name) if not group.is_empty else None
        if kind == "phrase":
            words = token.text.split()
            if len(words) == 1:  # quotes around one word: nothing to keep together
                return Word(words[0], field_name)
            return Phrase(" ".join(words), field_name) if words else None
        if kind == "field":
            nxt = self.peek()
            if nxt is None or nxt.kind not in {"word", "phrase", "lparen"}:
                return Word(token.text, field_name)
            return self.parse_atom(field_name=token.text)
        if kind in {"neg", "plus"}:
            return None  # "- -" or a sign before nothing
        text = token.text
        if kind == "op":  # only reachable for an operator the classifier let through with odd neighbours
            text = token.extra["raw"]
        if text.endswith("*") and len(text.rstrip("*")) >= MIN_PREFIX_CHARS:
            return Prefix(text.rstrip("*"), field_name)
        return Word(text, field_name)


def _combine(kind, nodes: list) -> Node | None:
    present = tuple(n for n in nodes if n is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else kind(present)


def _with_field(node: Node, field_name: str | None) -> Node:
    """Apply `title:( … )` to every word inside the parentheses."""
    if field_name is None:
        return node
    if isinstance(node, (Word, Prefix, Phrase)):
        return type(node)(node.text, field_name)
    if isinstance(node, Not):
        return Not(_with_field(node.node, field_name))
    if isinstance(node, Group):
        return Group(
            *(tuple(_with_field(n, field_name) for n in part) for part in (node.should, node.must, node.must_not))
        )
    return type(node)(tuple(_with_field(n, field_name) for n in node.nodes))
