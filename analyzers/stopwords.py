"""The stopword lists: Lucene's raw Savoy list (for `light10`) and ours in normalized form, and the test
that decides whether a word as written is one of ours."""
from __future__ import annotations

from importlib import resources

from analyzers.normalize import DIACRITICS, FORMAT_CONTROLS, normalize


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
# Attached pronouns, longest first; the stemmer strips them from nouns (its PRONOUN_SUFFIXES are these).
ATTACHED_PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "كن", "ها", "نا", "ه", "ك", "ي")
MY = "ي"  # "my" / "me"
# A preposition with an attached pronoun ("on them", "to her", "among them") says no more than the
# preposition, and the stemmer, which strips pronouns from nouns, turned it into another word: عليهم became
# علي (the name Ali), إليهم became يهم ("it concerns"). Their forms with wa- ("and among them") too. Left
# out: the pronoun ي ("me"), since على + ي is written علي, the name, and fa-, since ف + لك is فلك ("orbit").
PREPOSITIONS_TAKING_PRONOUNS = ("على", "إلى", "لدى", "من", "عن", "في", "مع", "بين", "عند", "ب", "ل")
PREPOSITIONS_WITH_PRONOUNS = tuple(
    conjunction + preposition.removesuffix("ى") + ("ي" if preposition.endswith("ى") else "") + pronoun
    for conjunction in ("", "و") for preposition in PREPOSITIONS_TAKING_PRONOUNS
    for pronoun in ATTACHED_PRONOUNS if pronoun != MY)

# Ours: compared against normalized tokens, so every spelling of a stopword is caught.
ARABIC_STOPWORDS = frozenset(normalize(word) for word in (*LUCENE_STOPWORDS, *QUESTION_WORDS, *RELATIVES, *FRAGMENTS,
                                                         *PREPOSITIONS_WITH_PRONOUNS))

# Normalizing folds ى into ي, so على ("on") and علي (the name Ali) meet, and Ali could not be searched.
# News writes على with ى: 133,073 times in ant-v2.1, against 1,801 علي, of which a sample of 25 held 19 the
# name, 3 "on me" and 3 على typed with ي. So these stopwords stop a word only when it is written with ى;
# the typed spellings of the others (حتي, متي) stay stopwords.
ONLY_WITH_ALEF_MAQSURA = frozenset({"علي"})
# ى, its presentation forms, and the Persian ی, which looks like it at a word's end and which Persian
# keyboards type for it
ALEF_MAQSURA_FORMS = ("ى", "ﻯ", "ﻰ", "ی")
_TRAILING_MARKS = DIACRITICS + FORMAT_CONTROLS


def is_stopword(word: str, normalized: str) -> bool:
    """Whether `word`, as written, is a stopword; `normalized` is `normalize(word)`, which callers have."""
    if normalized not in ARABIC_STOPWORDS:
        return False
    return normalized not in ONLY_WITH_ALEF_MAQSURA or word.rstrip(_TRAILING_MARKS).endswith(ALEF_MAQSURA_FORMS)
