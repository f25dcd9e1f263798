"""Light Arabic stemming: strip clitics and inflectional affixes from one normalized token.

`light10_stem` is Lucene's ArabicStemmer (Larkey et al.'s light10) rule for rule;
`stem` is ours: light10's idea with its known failures fixed (see the tables and tests). Where a
letter may be a clitic or part of the stem (و in وزير, ل in لبنان), it asks `word_counts.txt`, word
frequencies from a news corpus that is not one of the evaluation sets, which reading is the real word.
"""
from __future__ import annotations

from importlib import resources

from analyzers.stopwords import ARABIC_STOPWORDS, ATTACHED_PRONOUNS

# --- light10, exactly as Lucene's ArabicStemmer --------------------------------------------------
LIGHT10_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
LIGHT10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def light10_stem(token: str) -> str:
    """Strip at most one prefix, then every listed suffix that still fits, in table order."""
    for prefix in LIGHT10_PREFIXES:
        # wa- needs a word of at least 4 letters; the longer prefixes leave at least 2
        min_len = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(token) >= min_len and token.startswith(prefix):
            token = token[len(prefix):]
            break
    for suffix in LIGHT10_SUFFIXES:
        # every suffix must leave at least 2 letters
        if len(token) >= len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
    return token


# --- ours ----------------------------------------------------------------------------------------
# Words whose letters look like clitics but are not: الله is not ال + له. Folding the hamza makes إله ("a
# god") and آلهة ("gods") begin like the article, and الإله ended like a typed ة: they were ال, هة and الة
# ("machine"), each form of the word a different term.
WHOLE_WORDS = {"الله": "الله", "لله": "الله", "والله": "الله", "بالله": "الله", "فالله": "الله",
               **dict.fromkeys(("اله", "الاله", "والاله", "بالاله", "للاله", "كالاله"), "اله"),
               **dict.fromkeys(("الهة", "الالهة", "والالهة", "بالالهة", "للالهة"), "الهة")}
ARTICLE = "ال"
# Definite article with the clitics that can precede it, longest first. لل is li- + al- (للحكومة).
ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ال", "ولل", "فلل", "لل")
# Conjunction wa-: stripped by default, unless the word counts say the و is the stem's (وزير, وطني).
CONJUNCTIONS = ("و",)
# Prepositions li-, bi-, ka- and conjunction fa-: these letters start many stems (لبنان, بريطانيا,
# كتاب, فرنسا), so they are stripped only when the rest is the more frequent word (لواشنطن -> واشنطن).
PREPOSITIONS = ("ل", "ب", "ك", "ف")
# li- with the article is spelled لل (للحكومة), so a word in لال is li- before a word in أل/إل: لألبرت, لإلغاء.
LI_BEFORE_HAMZA_AL = "لال"
# Attached pronouns, longest first (the table the stopword list also builds on). On a noun they follow teh
# marbuta written as ت (زيارته, حكومتها).
PRONOUN_SUFFIXES = ATTACHED_PRONOUNS
# Second-person pronouns are rare in news and their ك ends many stems (ملك, بنك, شريك): strip them
# only when the rest is the more frequent word (كتابك -> كتاب).
EVIDENCE_PRONOUNS = frozenset({"كما", "كم", "كن", "ك"})
# Dual, sound plural and nisba endings, longest first. Plural ات usually replaces ة (حكومات).
INFLECTION_SUFFIXES = ("ات", "ان", "ون", "ين", "ية", "ي")
NOMINATIVE_DUAL, OBLIQUE_DUAL = "ان", "ين"  # a real dual is written both ways (طرفان, طرفين)
DUAL_SUFFIXES = frozenset({NOMINATIVE_DUAL, OBLIQUE_DUAL})  # ين is also the oblique plural
# Dual and plural endings that also end many names (ايران, لبنان, فلسطين): kept when the counts say so.
VETOED_INFLECTIONS = frozenset({"ان", "ين", "ون"})

# Indefinite accusative: تأثيراً, رسمياً, جنوباً are written with a final alef that carries the tanween.
TANWEEN_ALEF = "ا"
NISBA = "ي"  # the relational adjective: بلجيكي "Belgian" from بلجيكا "Belgium"
FEMININE_NISBA = "ية"
NISBA_FORMS = (NISBA, FEMININE_NISBA)
# Present-tense verbs: تقع / يقع ("she/it lies" / "he/it lies") are one verb in two persons.
FEMININE_PRESENT, MASCULINE_PRESENT = "ت", "ي"
FEMININE_PAST = "ت"  # قالت / قال ("she said" / "he said")
TEH_MARBUTA = "ة"

# Years carry their calendar's letter: 1994م (Gregorian), 1440هـ (Hijri; the tatweel is normalized away).
CALENDAR_SUFFIXES = ("م", "ه")

# The affix tables as sets, tried longest first: the same as trying each table in its order, because
# no affix of a table starts (prefixes) or ends (suffixes) another of the same table (a test checks it).
_ARTICLES, _PRONOUNS, _INFLECTIONS = frozenset(ARTICLE_PREFIXES), frozenset(PRONOUN_SUFFIXES), frozenset(INFLECTION_SUFFIXES)
_ARTICLE_LENGTHS, _PRONOUN_LENGTHS, _INFLECTION_LENGTHS = (
    sorted({len(affix) for affix in table}, reverse=True) for table in (ARTICLE_PREFIXES, PRONOUN_SUFFIXES, INFLECTION_SUFFIXES))

# Letters that can start or end an affix some rule below strips; a word with neither is its own stem.
_AFFIX_FIRST_LETTERS = tuple({affix[0] for affix in (*ARTICLE_PREFIXES, *CONJUNCTIONS, *PREPOSITIONS, FEMININE_PRESENT)})
_AFFIX_LAST_LETTERS = tuple({affix[-1] for affix in (*PRONOUN_SUFFIXES, *INFLECTION_SUFFIXES, *CALENDAR_SUFFIXES,
                                                    TANWEEN_ALEF, FEMININE_PAST, "ه")})

MIN_ARTICLE_STEM = 2  # al- leaves at least 2 letters (الحج)
MIN_PROCLITIC_WORD = 4  # a one-letter proclitic needs a word of 4+ letters: it leaves 3, a full root
MIN_BARE_REST = 4  # a preposition judged on pronoun-less forms must leave a 4-letter word (بوظيفتها)
MIN_PRONOUN_STEM = 2  # pronouns leave at least 2 letters (فمه is too rare to matter)
MIN_PRESENT_VERB = 4  # a prefix and a 3-letter root: يعمل (يونان, تيران, اليابان have 3 letters before ان)
MIN_INFLECTION_STEM = 3  # -ان/-ين/-ات on a 2-letter rest is almost always stem letters: بكين, بشان
# The veto: a word seen this often whose rest is this much rarer keeps its letters (measured
# insensitive between 0.01 and 0.2; 0.2 also catches وقته, whose rest قت occurs as a token).
VETO_MIN_COUNT = 5
VETO_RATIO = 0.2

def _load_frequencies() -> dict[str, int]:
    """word -> its count bare plus its count with the article, merged once so that each question the
    stemmer asks is one dict lookup."""
    counts = {}
    text = resources.files("analyzers").joinpath("word_counts.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, n = line.partition("\t")
            counts[word] = int(n)
    frequencies = dict(counts)
    for word, n in counts.items():
        if word.startswith(ARTICLE):
            frequencies[word[2:]] = frequencies.get(word[2:], 0) + n
    return frequencies


def _load_on_first_use(word: str, default: int = 0) -> int:
    global _frequency
    _frequency = _load_frequencies().get
    return _frequency(word, default)


_frequency = _load_on_first_use  # becomes the frequency table's `get` once the table is loaded


def word_frequency(word: str) -> int:
    """How often `word` occurs as a word, bare or with the article, in the bundled news counts."""
    return _frequency(word, 0)


def _is_rarer_form(rest: str, word: str) -> bool:
    """True when `word` is common and `rest` (it minus an affix) is much rarer: the affix is stem letters."""
    count = _frequency(word, 0)
    return count >= VETO_MIN_COUNT and _frequency(rest, 0) < VETO_RATIO * count


def _wa_belongs_to_stem(rest: str, word: str) -> bool:
    """True when the first و is the stem's (وزير, وطني, والده): the word is also written with the article,
    which never precedes wa-, or its rest is much rarer, checked with and without a pronoun."""
    return (bool(_frequency(ARTICLE + word, 0)) or _is_rarer_form(rest, word)
            or _is_rarer_form(_strip_pronoun(rest), _strip_pronoun(word)))


def _preposition_is_clitic(token: str) -> bool:
    """True when the first letter of `token` is li-, bi-, ka- or fa-: the rest is the more frequent word,
    and the token is never written with the article (which cannot precede these clitics).

    Pronoun forms are rare words, so they are also compared without their pronoun: بوظيفتها ("in her
    job") is unseen, but وظيفة is far commoner than بوظيفة.
    """
    rest = token[1:]
    if token.startswith(LI_BEFORE_HAMZA_AL):
        return True
    if _frequency(ARTICLE + token, 0):
        return False  # the article never precedes li-/bi-/ka-/fa-: الفكرة makes فكرة a word, not fa- + كرة
    if _frequency(rest, 0) > _frequency(token, 0):
        return True
    if token.endswith(NISBA):
        return False  # كردي is Kurdish, not ka- + رد + "my"
    bare_rest, bare_token = _strip_pronoun(rest), _strip_pronoun(token)
    # a short rest is often a word by chance: فكرته is "his idea", not fa- + كرة "ball" + "his"
    return (bare_rest != rest and len(bare_rest) >= MIN_BARE_REST
            and _frequency(bare_rest, 0) > _frequency(bare_token, 0))


def _strip_article(token: str) -> str | None:
    """The token without its article, or None if it has none.

    Normalizing made the hamza of إلغاء / ألمانيا a bare alef, so they look like al- + غاء and are
    stripped as such; their article forms (الإلغاء -> الالغاء) lose a second ال to stay equal.
    """
    if not token.startswith(ARTICLE_PREFIXES):
        return None
    for length in _ARTICLE_LENGTHS:
        if token[:length] in _ARTICLES and len(token) - length >= MIN_ARTICLE_STEM:
            if token[0] in CONJUNCTIONS and _wa_belongs_to_stem(token[1:], token):
                return None  # والد ("father") + ه, not و + ال + ده
            rest = token[length:]
            if rest.startswith(ARTICLE) and len(rest) - 2 >= MIN_ARTICLE_STEM:
                rest = rest[2:]
            return rest
    return None


def _strip_proclitics(token: str) -> tuple[str, bool]:
    """The token without its proclitics, and whether they held the article."""
    rest = _strip_article(token)
    if rest is not None:
        return rest, True
    if token.startswith(CONJUNCTIONS) and len(token) >= MIN_PROCLITIC_WORD and not _wa_belongs_to_stem(token[1:], token):
        token = token[1:]
    if token.startswith(PREPOSITIONS) and len(token) >= MIN_PROCLITIC_WORD and _preposition_is_clitic(token):
        token = token[1:]
        rest = _strip_article(token)  # لألمانيا -> ألمانيا, stemmed like ألمانيا itself
        if rest is not None:
            return rest, True
    return token, False


def _restore_teh_marbuta(rest: str) -> str:
    """زيارت (from زيارته) -> زيارة, when the counts prefer the ة spelling (not for بيت, وقت)."""
    if len(rest) >= 3 and rest.endswith("ت") and _frequency(rest[:-1] + "ة", 0) > _frequency(rest, 0):
        return rest[:-1] + "ة"
    return rest


def _repair_final_heh(token: str, definite: bool) -> str:
    """مدرسه -> مدرسة: a word news never spells with final ه, whose ة spelling is common, is a typed ة.

    Users often type ه for ة (the keys sit together and both look alike at a word's end). Only words
    absent from the counts are repaired, so real pronoun forms (كتابه "his book", عمله) stay as they are.
    After the article no pronoun can follow (العامه is not "the his year"), so there the ه is a typed ة
    whenever it is much rarer than the ة spelling, as the veto measures it (الموجه "the guided" stays).
    """
    if not token.endswith("ه") or len(token) < 3:
        return token
    repaired = token[:-1] + "ة"
    if definite:
        return repaired if _is_rarer_form(token, repaired) else token
    if _frequency(token, 0):
        return token
    count = _frequency(repaired, 0)
    # ابوه is "his father" (ابو is the commoner word), not ابوة ("fatherhood")
    return repaired if count >= VETO_MIN_COUNT and count > _frequency(token[:-1], 0) else token


def _strip_pronoun(token: str) -> str:
    if not token.endswith(PRONOUN_SUFFIXES):
        return token
    for length in _PRONOUN_LENGTHS:
        suffix = token[-length:]
        if suffix in _PRONOUNS and len(token) - length >= MIN_PRONOUN_STEM:
            rest = _restore_teh_marbuta(token[:-length])
            if suffix in EVIDENCE_PRONOUNS and (len(rest) < 3 or _frequency(rest, 0) <= _frequency(token, 0)):
                return token
            if _is_rarer_form(rest, token):
                return token  # فقه, اتجاه, مياه, متهم, تفاهم: the letters are the stem's
            return rest
    return token


def _is_present_verb(word: str) -> bool:
    """True when `word` has the shape of a present-tense verb (يوقع, تفسر): a verb's dual has no ين form."""
    return word.startswith((FEMININE_PRESENT, MASCULINE_PRESENT)) and len(word) >= MIN_PRESENT_VERB


def _strip_inflection(token: str) -> str:
    if not token.endswith(INFLECTION_SUFFIXES):
        return token
    if (token.endswith(FEMININE_NISBA) and len(token) == MIN_INFLECTION_STEM + 1
            and _is_rarer_form(token[:-2], token[:-1])):
        return token[:-1]  # قوية, صحية: the masculine keeps its ي (قوي, not قو), so only the feminine ة goes
    for length in _INFLECTION_LENGTHS:
        suffix = token[-length:]
        if suffix in _INFLECTIONS and len(token) - length >= MIN_INFLECTION_STEM:
            rest = token[:-length]
            if suffix in DUAL_SUFFIXES:
                rest = _restore_teh_marbuta(rest)  # مدينتين, دولتان: ة is written ت before the dual
            # لبنان, انسان, ميدان: no لبنين beside them, so their ان is no dual (but a verb's dual, يوقعان,
            # and a feminine one, فرضيتان -> فرضية, need no ين form)
            if (suffix == NOMINATIVE_DUAL and not rest.endswith(TEH_MARBUTA) and not _is_present_verb(rest)
                    and not _frequency(token[:-length] + OBLIQUE_DUAL, 0)):
                return token
            # a nisba's plural (مسيحيين, مسيحيون) is never a name, whatever the counts say
            if suffix in VETOED_INFLECTIONS and not rest.endswith(NISBA) and _is_rarer_form(rest, token):
                return token  # ايران, لبنان, فلسطين: names, not duals or plurals
            if suffix == "ات" and _frequency(rest + "ة", 0) > _frequency(rest, 0):
                return rest + "ة"  # حكومات -> حكومة
            return rest
    return token


def _strip_tanween_alef(token: str) -> str:
    """A final alef that is a tanween or a country's ending goes, by the word counts.

    A country and its nisba meet (بلجيكا, بلجيكيًا "Belgian", البلجيكي -> بلجيكي; روسيا, الروسي): when
    the nisba (the rest, or the rest + ي) is a common word, the token is read as it. Otherwise the alef
    is an accusative tanween (كبيراً -> كبير) when the rest is common and more frequent than the token.
    Words whose rest is a stopword keep their alef: عليا ("supreme") is not على.
    """
    if not token.endswith(TANWEEN_ALEF) or len(token) < 4:
        return token
    rest = token[:-1]
    nisba = rest if rest.endswith(NISBA) else rest + NISBA
    if nisba in ARABIC_STOPWORDS or rest in ARABIC_STOPWORDS:
        return token
    if _frequency(nisba, 0) >= VETO_MIN_COUNT:
        return nisba
    rest_count = _frequency(rest, 0)
    return rest if rest_count >= VETO_MIN_COUNT and rest_count > _frequency(token, 0) else token


def _strip_feminine_past(token: str) -> str:
    """قالت -> قال, ولدت -> ولد: the past tense's feminine ت goes when the bare verb is the more frequent word.

    Names and nouns ending in ت (بيروت, الكويت, وقت) are more frequent than their rest, or their rest
    is too short, so they keep it.
    """
    if not token.endswith(FEMININE_PAST) or len(token) < 4:
        return token
    rest = token[:-1]
    rest_count = _frequency(rest, 0)
    return rest if rest_count >= VETO_MIN_COUNT and rest_count > _frequency(token, 0) else token


def _fold_present_prefix(token: str) -> str:
    """تقع -> يقع: a present-tense verb in ت is indexed in its ي form, when news uses that form too.

    Nouns in ت have no common ي twin (تقرير, ترتيب), and names that do are far more frequent than
    the twin (تونس is not يونس), so the veto's ratio keeps them.
    """
    if not token.startswith(FEMININE_PRESENT) or len(token) < 3:
        return token
    twin = MASCULINE_PRESENT + token[1:]
    twin_count = _frequency(twin, 0)
    return twin if twin_count >= VETO_MIN_COUNT and twin_count >= VETO_RATIO * _frequency(token, 0) else token


def stem(token: str) -> str:
    """Return the light stem of one normalized token (see `normalize`).

    ة is kept, so a city (مدينة) is not a debtor (مدين) and ة is never mistaken for the pronoun ه.
    Not memoized here: the analyzer memoizes each word as written (`fused.analyze_word`).
    """
    if token in WHOLE_WORDS:
        return WHOLE_WORDS[token]
    if not token.startswith(_AFFIX_FIRST_LETTERS) and not token.endswith(_AFFIX_LAST_LETTERS):
        return token  # no rule below can apply (most nouns in their bare form: رئيس, عام)
    if token[:1].isdigit():  # 1994م is the year 1994
        return token[:-1] if token.endswith(CALENDAR_SUFFIXES) and token[:-1].isdigit() else token
    word, definite = _strip_proclitics(token)
    word = _repair_final_heh(_strip_tanween_alef(word), definite)
    bare = _strip_pronoun(word)
    single = _strip_inflection(bare)
    if single != bare and single.endswith(NISBA_FORMS):
        # a plural of a nisba (المصريين, العربيات) stems like its singular (المصري, العربية)
        single = _strip_inflection(_strip_pronoun(single))
    return _fold_present_prefix(_strip_feminine_past(single))
