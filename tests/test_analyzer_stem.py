"""Table-driven tests of `stem` (ours) and `light10_stem` (Lucene's), each case with a gloss."""
import pytest

from analyzers import normalize, stem
from analyzers.stem import ARTICLE_PREFIXES, INFLECTION_SUFFIXES, PRONOUN_SUFFIXES, light10_stem


def analyzed(word: str) -> str:
    return stem(normalize(word))


# Pairs that must meet: (word, word, gloss). Light10 separates every one of these.
SAME_STEM = [
    ("وزير", "الوزير", "minister / the minister: the و of وزير is the stem's, not 'and'"),
    ("وطني", "الوطني", "national / the national: light10 makes وطني a ton (طن)"),
    ("لواشنطن", "واشنطن", "to Washington / Washington: the li- prefix"),
    ("زيارته", "الزيارة", "his visit / the visit: pronoun on teh marbuta"),
    ("حكومتها", "الحكومة", "its government / the government"),
    ("كتابهم", "كتاب", "their book / book: -هم"),
    ("بلادنا", "البلاد", "our country / the country: -نا"),
    ("حكومات", "حكومة", "governments / government: plural ات replaces ة"),
    ("مسؤولون", "المسؤولين", "officials, nominative and oblique plural"),
    ("مسؤول", "مسئول", "official, in both hamza-seat spellings"),
    ("والحكومة", "للحكومة", "and the government / for the government"),
    ("بالرئيس", "الرَّئِيسُ", "with the president / the president, diacritized"),
    ("وقال", "قال", "and he said / he said: wa- is still stripped when the rest is a word"),
    ("لبريطانيا", "بريطانيا", "to Britain / Britain"),
    ("ولبنان", "لبنان", "and Lebanon / Lebanon"),
    ("عربية", "عربي", "Arab, feminine and masculine nisba"),
    ("كتابك", "كتاب", "your book / book: -ك when the rest is the more frequent word"),
    ("إلغاء", "الإلغاء", "cancellation / the cancellation: إ became ا, so both lose an ال"),
    ("ألمانيا", "لألمانيا", "Germany / to Germany"),
    ("ألبرت", "لألبرت", "Albert / to Albert: لأل is li- before أل, an unseen name too (li- + al- is لل)"),
    ("لألبوم", "الألبوم", "to an album / the album"),
    ("التزام", "الالتزام", "commitment / the commitment"),
    ("مدرسه", "المدرسة", "school typed with ه for ة / the school"),
    ("الاستراتيجيه", "استراتيجية", "the strategy with ه for ة / strategy"),
    ("حكومه", "حكومات", "government typed with ه for ة / governments"),
    ("العامه", "العامة", "the general (f.) typed with ه: after the article ه cannot be 'his' (not عام, year)"),
    ("الكتابه", "الكتابة", "the writing typed with ه, not كتاب 'book' + 'his'"),
    ("تأثيراً", "التأثير", "an influence (accusative, tanween alef) / the influence"),
    ("رسمياً", "الرسمي", "officially / the official: the tanween alef goes"),
    ("تقع", "يقع", "she/it lies / he/it lies: one present-tense verb"),
    ("وتقع", "يقع", "and it (f.) lies / it (m.) lies"),
    ("تحدها", "يحدها", "borders it (f. subject) / borders it (m. subject)"),
    ("قالت", "قال", "she said / he said: the feminine past ت"),
    ("بلجيكا", "البلجيكي", "Belgium / the Belgian: a country meets its nisba"),
    ("روسيا", "الروسية", "Russia / the Russian (f.)"),
    ("بلجيكيًا", "بلجيكي", "Belgian, accusative with tanween / Belgian"),
    ("المصريين", "المصري", "the Egyptians / the Egyptian: a nisba's plural meets its singular"),
    ("العربيات", "العربية", "the Arab women / the Arab (f.): plural ات of a nisba in ية"),
    ("الفلسطينيين", "فلسطين", "the Palestinians / Palestine"),
    ("المسيحيين", "المسيحي", "the Christians / the Christian: a nisba plural is never read as a name"),
    ("1994م", "1994", "the year 1994 AD, written with its calendar letter / the year"),
    ("1440هـ", "1440", "the Hijri year 1440 with هـ / the year"),
    ("ولدت", "ولد", "she was born / he was born"),
    ("وجهه", "وجه", "his face / face: the pronoun goes when the rest is the common word"),
    ("مدينتين", "المدينة", "two cities / the city: ة is written ت before the dual"),
    ("دولتان", "الدولة", "two states / the state: the nominative dual"),
    ("مرتين", "مرة", "twice / once"),
    ("بوظيفتها", "الوظيفة", "in her job / the job: bi- judged on the forms without the pronoun"),
    ("لمساعدتها", "المساعدة", "to help her / the help"),
    ("الطرفان", "طرفين", "the two sides, nominative / oblique dual"),
    ("يوقعان", "يوقع", "the two sign / he signs: a verb's dual has no ين form"),
    ("فرضيتان", "فرضية", "two hypotheses / hypothesis: a feminine dual"),
    ("اللبناني", "لبنان", "the Lebanese / Lebanon"),
    ("قوية", "قوي", "strong, f. / m.: the masculine keeps its ي, so only the feminine ة goes"),
    ("الفنية", "الفني", "the artistic, f. / m."),
    ("الجوية", "جوي", "the aerial (f.) / aerial"),
]


@pytest.mark.parametrize("first, second, gloss", SAME_STEM, ids=[c[2] for c in SAME_STEM])
def test_variants_of_one_word_meet(first, second, gloss):
    assert analyzed(first) == analyzed(second)


# Words that must keep the letters that only look like affixes: (word, stem, gloss).
EXACT = [
    ("وزير", "وزير", "minister, not زير (water jar)"),
    ("مدينة", "مدينة", "city, not مدين (debtor)"),
    ("شركة", "شركة", "company, not شرك (polytheism)"),
    ("بيته", "بيت", "his house: ت is the stem's, no ة restored"),
    ("وقته", "وقت", "his time: neither و nor ت is a clitic"),
    ("والده", "والد", "his father, not و + ال + ده"),
    ("كتابه", "كتاب", "his book: a spelling news uses, so ه stays a pronoun (not كتابة, writing)"),
    ("لبنان", "لبنان", "Lebanon, not لبن (milk): no لبنين beside it, so its ان is no dual"),
    ("انسان", "انسان", "human, not انس: no انسين beside it"),
    ("سلمان", "سلمان", "the name Salman, not سلم (peace)"),
    ("ملك", "ملك", "king: the ك is not 'your'"),
    ("بنك", "بنك", "bank: the ك is not 'your'"),
    ("ايران", "ايران", "Iran: -ان needs 3 letters before it"),
    ("الله", "الله", "God: not ال + له"),
    ("إله", "اله", "a god: its folded hamza is not the article"),
    ("الإله", "اله", "the god: not الة, a machine"),
    ("والآلهة", "الهة", "and the gods"),
    ("الحج", "حج", "the pilgrimage: the article leaves 2 letters"),
    ("قضايا", "قضايا", "issues (a broken plural): قضاي is no word, so the alef stays"),
    ("عليا", "عليا", "supreme (f.): its rest علي is the stopword على, not a content word"),
    ("تونس", "تونس", "Tunisia, not the name يونس: the twin is far rarer"),
    ("تقرير", "تقرير", "report: a noun in ت with no ي twin"),
    ("تم", "تم", "was done: too short to be read as a present-tense prefix"),
    ("بيروت", "بيروت", "Beirut, not بيرو (Peru): the name is the more frequent word"),
    ("وقت", "وقت", "time: its ت is the stem's"),
    ("بنت", "بنت", "girl, not بن (son of): a 2-letter rest keeps the ت"),
    ("ابوه", "ابو", "his father, not ابوة (fatherhood): ابو is the commoner reading"),
    ("اتجاه", "اتجاه", "direction: its ه is the stem's, not 'his' (اتجا is no word)"),
    ("مياه", "مياه", "water, not ميا + 'his'"),
    ("متهم", "متهم", "accused, not مت + 'their'"),
    ("قوي", "قوي", "strong: its ي is the stem's, not 'my'"),
    ("بيتين", "بيت", "two houses: بيت keeps its ت, no ة restored"),
    ("بنية", "بنية", "structure: بني (brown) drops its ي, so بنية is not its feminine"),
    ("الموجه", "موجه", "the guided (missile): a common ه spelling stays, it is not موجة (wave)"),
    ("كردي", "كرد", "Kurdish: its ك is the stem's, not ka- + رد + 'my'"),
    # the article never precedes li-/bi-/ka-/fa-, so a word news also writes with it keeps its first letter
    ("فكرة", "فكرة", "idea, not fa- + كرة (ball): الفكرة is a word"),
    ("بطاقة", "بطاقة", "card, not bi- + طاقة (energy): البطاقة is a word"),
    ("كسوف", "كسوف", "eclipse, not ka- + سوف (will): الكسوف is a word"),
    ("فيصل", "فيصل", "the name Faisal, not fa- + يصل (arrives)"),
    ("بعيد", "بعيد", "far, not bi- + عيد (feast): البعيد is a word"),
    ("ورقة", "ورقة", "paper, not wa- + رقة (tenderness): الورقة is a word"),
    ("وعود", "وعود", "promises, not wa- + عود (oud)"),
    ("وجهة", "وجهة", "destination, not wa- + جهة (side)"),
    ("والدين", "والد", "parents, not wa- + al- + دين (religion)"),
]


@pytest.mark.parametrize("word, expected, gloss", EXACT, ids=[c[2] for c in EXACT])
def test_stem_keeps_stem_letters(word, expected, gloss):
    assert analyzed(word) == expected


# Lucene's ArabicStemmer on Lucene-normalized input, checked against Lucene 8.7's output.
@pytest.mark.parametrize("expected, word, gloss", [
    ("زير", "وزير", "wa- is stripped from any 4-letter word"),
    ("وطن", "وطن", "a 3-letter word keeps its و"),
    ("طن", "وطني", "wa- then -ي: national becomes ton"),
    ("مدين", "مدينه", "ة already folded to ه is stripped like a pronoun"),
    ("لواشنطن", "لواشنطن", "there is no li- prefix"),
    ("رئيس", "الرئيس", "the article"),
    ("حكومت", "حكومتها", "-ها leaves ت: it cannot see the ة"),
    ("مسؤول", "والمسؤولون", "wa+al, then -ون"),
    ("سعود", "سعوديه", "every matching suffix in table order: -يه"),
])
def test_light10_stem_is_lucenes_stemmer(expected, word, gloss):
    assert light10_stem(word) == expected


@pytest.mark.parametrize("table, ends", [
    (ARTICLE_PREFIXES, str.startswith),
    (PRONOUN_SUFFIXES, str.endswith),
    (INFLECTION_SUFFIXES, str.endswith),
])
def test_no_affix_of_a_table_hides_another(table, ends):
    """`stem` tries each table as a set, longest affix first: the same as trying it in its written order
    only while no affix starts (prefixes) or ends (suffixes) with another one of its table."""
    assert [(a, b) for a in table for b in table if a != b and ends(a, b)] == []
