""""هل تقصد" (did you mean): per-word spelling corrections from the index's own vocabulary.

A word the index barely knows is replaced by the most frequent indexed word one edit away (a letter
dropped, added, swapped with its neighbour or replaced). Candidates are looked up in the unstemmed
`exact` field, so the suggestion is a real word form from the corpus rather than a stem.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from indexer.query.parser import Group, Word, positive_leaves

ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
KNOWN_WORD_DF = 3  # a word in at least this many documents is taken as correctly spelled
MIN_GAIN = 5  # a correction must be this many times more frequent than the typed word
MIN_WORD_CHARS = 3  # two-letter words have too many neighbours to correct safely
MAX_WORDS_EXAMINED = 8  # each rare word costs a few hundred lookups; a long query gets its first words fixed
MAX_WORD_CHARS = 20  # candidates grow with length; longer "words" are pasted junk, not typos
MAX_REMEMBERED_WORDS = 200_000


class WordFrequencies(Protocol):
    """How many documents hold a word form in the unstemmed `exact` field, as an engine counts them."""

    def typed(self, term: str) -> int:
        """The count of a word a user typed; engines remember these (query words repeat, Zipf)."""

    def many(self, terms: Sequence[str]) -> list[int]:
        """The counts of many candidate words at once (never remembered)."""


class RememberedWords:
    """The typed words' counts an engine keeps per index, bounded."""

    def __init__(self) -> None:
        self._known: dict[str, int] = {}

    def get(self, term: str, count) -> int:
        df = self._known.get(term)
        if df is None:
            if len(self._known) >= MAX_REMEMBERED_WORDS:
                self._known.clear()
            df = self._known[term] = count(term)
        return df


def suggest(frequencies: WordFrequencies, analyzer, text: str, tree: Group,
            known_df: int = KNOWN_WORD_DF) -> str | None:
    """A corrected query `text` (parsed as `tree`), or None when every word is known or nothing better exists.

    A word found in at least `known_df` documents counts as correctly spelled; search() passes 1 when
    the query already found plenty, so that only words the index has never seen are corrected.
    """
    corrections: dict[str, str] = {}
    examined = 0
    for leaf in dict.fromkeys(positive_leaves(tree)):  # each distinct word once
        if not isinstance(leaf, Word) or leaf.field not in (None, "title", "body"):
            continue
        if examined == MAX_WORDS_EXAMINED:
            break
        examined += 1
        tokens = [token.text for token in analyzer(leaf.text, mode="query")]
        if len(tokens) != 1 or not MIN_WORD_CHARS <= len(tokens[0]) <= MAX_WORD_CHARS:
            continue
        better = correct_word(frequencies, tokens[0], known_df)
        if better:
            corrections[leaf.text] = better
    if not corrections:
        return None
    return " ".join(corrections.get(part, part) for part in re.split(r"\s+", text.strip()))


def correct_word(frequencies: WordFrequencies, term: str, known_df: int = KNOWN_WORD_DF) -> str | None:
    """The most frequent indexed word one edit away from `term`, if `term` itself is rare."""
    typed_df = frequencies.typed(term)
    if typed_df >= known_df:
        return None
    threshold = max(1, typed_df * MIN_GAIN)
    candidates = sorted(edits1(term))
    scored = zip(frequencies.many(candidates), candidates)
    ranked = sorted((-df, candidate) for df, candidate in scored if df >= threshold)
    return ranked[0][1] if ranked else None


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (Norvig's spelling corrector)."""
    letters = LATIN_LETTERS if word.isascii() else ARABIC_LETTERS
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + letter + right[1:] for left, right in splits if right for letter in letters}
    inserts = {left + letter + right for left, right in splits for letter in letters}
    return (deletes | transposes | replaces | inserts) - {word}
