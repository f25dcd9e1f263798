"""Did-you-mean: one-edit corrections from the index vocabulary, only for words the index barely knows."""
from whoosh.filedb.filestore import RamStorage

from indexer.ingest.article import Article
from indexer.storage.schema import build_schema, document_fields
from indexer.query.parser import parse_query
from indexer.query.reader_arrays import ReaderArrays
from indexer.query.search import ReaderFrequencies
from indexer.query.suggest import correct_word, edits1, suggest as suggest_tree


def reader_with(bodies):
    storage = RamStorage()
    ix = storage.create_index(build_schema("arabic"))
    with ix.writer() as writer:
        for i, body in enumerate(bodies):
            writer.add_document(**document_fields(Article(id=str(i), body=body)))
    return ReaderFrequencies(ReaderArrays(ix.reader())), ix.schema["exact"].analyzer


def suggest(view, analyzer, text):
    return suggest_tree(view, analyzer, text, parse_query(text))


def test_edits1_covers_the_four_edit_kinds():
    edits = edits1("قطر")  # "Qatar"
    assert {"قط", "طقر", "قطع", "قطري"} <= edits  # deletion, transposition, replacement, insertion
    assert "قطر" not in edits


def test_rare_word_is_corrected_to_a_frequent_neighbour():
    # "الاقتصد" is a typo for "الاقتصاد" (the economy), which five documents contain
    reader, analyzer = reader_with(["نمو الاقتصاد"] * 5 + ["أخبار أخرى"])
    assert correct_word(reader, "الاقتصد") == "الاقتصاد"
    assert suggest(reader, analyzer, "نمو الاقتصد") == "نمو الاقتصاد"


def test_known_words_are_left_alone():
    reader, analyzer = reader_with(["نمو الاقتصاد"] * 5)
    assert suggest(reader, analyzer, "نمو الاقتصاد") is None


def test_no_suggestion_without_a_better_word():
    reader, analyzer = reader_with(["نمو الاقتصاد"] * 5)
    assert suggest(reader, analyzer, "بطيخ") is None  # "watermelon": nothing one edit away


def test_syntax_survives_in_the_suggestion_and_odd_input_does_not_fail():
    reader, analyzer = reader_with(["نمو الاقتصاد"] * 5)
    assert suggest(reader, analyzer, "الاقتصد -نمو") == "الاقتصاد -نمو"
    for text in ["", "؟", '"', "title:", "*", "-"]:
        assert suggest(reader, analyzer, text) is None
