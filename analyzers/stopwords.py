"""The stopword lists: Lucene's raw Savoy list (for `light10`) and ours in normalized form."""
from __future__ import annotations

from importlib import resources

from analyzers.normalize import normalize


def _read_list(filename: str) -> tuple[str, ...]:
    text = resources.files("analyzers").joinpath(filename).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# Lucene's ArabicAnalyzer list, used exactly as Lucene does: before normalization.
LUCENE_STOPWORDS = frozenset(_read_list("lucene_stopwords.txt"))

# Question words: queries are often questions (ARCD), and these carry no topic.
QUESTION_WORDS = ("هل", "متى", "كيف", "أين", "ماذا", "لماذا", "كم", "ماهو", "ماهي", "هي", "هو", "إلى",
                  # with a preposition or conjunction in front: "by what", "for whom", "in which", "and when"
                  "بماذا", "عماذا", "لمن", "بمن", "عمن", "ممن", "فيم", "بم", "عم", "مم", "بأي", "لأي", "وأي",
                  "أية", "بكم", "ومتى", "وكيف", "وأين", "وهل", "وكم", "وماذا", "ولماذا")
# Relative pronouns Savoy's list lacks (dual and plural, and اللتي / اللذي, frequent misspellings of التي /
# الذي), and ما fused with a preposition ("from what", "with what", "about what", "in what").
RELATIVES = ("اللذان", "اللتان", "اللذين", "اللتين", "اللاتي", "اللواتي", "اللائي", "اللتي", "اللتى", "اللذي",
             "اللذى", "مما", "بما", "عما", "فيما")
# A bare article is never a word on its own (a typo or a cut-off word such as "ال").
FRAGMENTS = ("ال",)

# Ours: compared against normalized tokens, so every spelling of a stopword is caught.
ARABIC_STOPWORDS = frozenset(normalize(word) for word in (*LUCENE_STOPWORDS, *QUESTION_WORDS, *RELATIVES, *FRAGMENTS))
