""""هل تقصد" (did you mean): per-word spelling corrections from the index's own vocabulary.

A word the index barely knows is replaced by the most frequent indexed word one edit away (a letter
dropped, added, swapped with its neighbour or replaced). Candidates are looked up in the unstemmed
`exact` field, so the suggestion is a real word form from the corpus rather than a stem.
"""
from __future__ import annotations

import re

from indexer.query.parser import Group, Word, positive_leaves
from indexer.query.reader_arrays import ReaderArrays
from indexer.storage.schema import EXACT_FIELD

ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
KNOWN_WORD_DF = 3  # a word in at least this many documents is taken as correctly spelled
MIN_GAIN = 5  # a correction must be this many times more frequent than the typed word
MIN_WORD_CHARS = 3  # two-letter words have too many neighbours to correct safely
MAX_WORDS_EXAMINED = 8  # each rare word costs a few hundred lookups; a long query gets its first words fixed
MAX_WORD_CHARS = 20  # candidates grow with length; longer "words" are pasted junk, not typos
MAX_REMEMBERED_WORDS = 200_000


def suggest(view: ReaderArrays, analyzer, text: str, tree: Group, known_df: int = KNOWN_WORD_DF) -> str | None:
    """A corrected query `text` (parsed as `tree`), or None when every word is known or nothing better exists.

    A word found in at least `known_df` documents counts as correctly spelled; search() passes 1 when
    the query already found plenty, so that only words the index has never seen are corrected.
    """
    if EXACT_FIELD not in view.reader.schema:
        return None
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
        better = correct_word(view, tokens[0], known_df)
        if better:
            corrections[leaf.text] = better
    if not corrections:
        return None
    return " ".join(corrections.get(part, part) for part in re.split(r"\s+", text.strip()))


def correct_word(view: ReaderArrays, term: str, known_df: int = KNOWN_WORD_DF) -> str | None:
    """The most frequent indexed word one edit away from `term`, if `term` itself is rare."""
    reader = view.reader
    typed_df = _typed_frequency(view, term)
    if typed_df >= known_df:
        return None
    threshold = max(1, typed_df * MIN_GAIN)
    scored = ((reader.doc_frequency(EXACT_FIELD, candidate), candidate) for candidate in edits1(term))
    ranked = sorted((-df, candidate) for df, candidate in scored if df >= threshold)
    return ranked[0][1] if ranked else None


def _typed_frequency(view: ReaderArrays, term: str) -> int:
    """The document frequency of a word a user typed, remembered per reader: query words repeat (Zipf).

    Only typed words are remembered, never the hundreds of edit candidates of a rare one.
    """
    known = view.shared("suggest:typed_df", dict)
    df = known.get(term)
    if df is None:
        if len(known) >= MAX_REMEMBERED_WORDS:
            known.clear()
        df = known[term] = view.reader.doc_frequency(EXACT_FIELD, term)
    return df


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away (Norvig's spelling corrector)."""
    letters = LATIN_LETTERS if word.isascii() else ARABIC_LETTERS
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + letter + right[1:] for left, right in splits if right for letter in letters}
    inserts = {left + letter + right for left, right in splits for letter in letters}
    return (deletes | transposes | replaces | inserts) - {word}
