"""The array codec gives Whoosh the same index as its W3 codec: lexicon, term infos, postings and searches."""
from __future__ import annotations

import bisect
import dataclasses
import io
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st
from whoosh import index, query
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb import filestore
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.writing import SegmentWriter

from indexer.codec import ArrayCodec, ArrayMatcher, FieldPostings
from indexer.codec.file import ArrayFileWriter
from indexer.codec.postings import field_arrays
from indexer.ingest.article import Article
from indexer.storage.schema import build_schema, document_fields
from indexer.ingest.sources import read_sources

SAMPLE = Path(__file__).resolve().parent.parent / "index_data" / "sample"
LATIN = ["The minister's visit to Washington was postponed", "Oil prices rose; OPEC met in Vienna",
         "Football: the final ended 2-1 after extra time"]


class RamStorage(filestore.RamStorage):
    """RamStorage whose writers keep their temporary files in memory too: the stock one puts them in
    /tmp/<indexname>.tmp, one folder shared by every process, which concurrent test runs delete under
    each other."""

    def temp_storage(self, name=None):
        return filestore.RamStorage()


def production_docs(limit: int = 25, body_chars: int | None = 2000) -> list[dict]:
    articles = [item for item in read_sources([SAMPLE]) if isinstance(item, Article)][:limit]
    articles = [dataclasses.replace(article, body=article.body[:body_chars]) for article in articles]
    articles += [Article(id=f"latin-{i}", title=text.split(":")[0], body=text * 3) for i, text in enumerate(LATIN)]
    articles.append(Article(id="short", body="نص قصير"))  # "a short text"
    return [document_fields(article) for article in articles]


def adhoc_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(stored=True, field_boost=1.5),
        counts=TEXT(phrase=False, field_boost=0.3),
        tags=KEYWORD(scorable=True, lowercase=True),
        flag=ID(field_boost=2.0),
        number=NUMERIC(stored=True),
        when=DATETIME(),
        note=STORED(),
    )


def adhoc_docs(count: int = 300) -> list[dict]:
    words = "alpha beta gamma delta epsilon zeta theta kappa lambda sigma".split()
    docs = []
    for i in range(count):
        text = " ".join(words[(i * 7 + j * j) % len(words)] for j in range(1 + i % 23))
        docs.append(dict(id=f"d{i}", text=text, counts=text, tags=" ".join(words[i % 4: i % 4 + 2]),
                         flag=("yes" if i % 3 else "no"), number=i * 37 - 500,
                         when=dt.datetime(2018, 1, 1) + dt.timedelta(hours=i * 13), note=i))
    return docs


def build(storage, schema, docs, codec, **commit) -> index.Index:
    ix = storage.create_index(schema)
    add(ix, docs, codec, **commit)
    return ix


def add(ix, docs, codec, **commit) -> None:
    writer = SegmentWriter(ix, codec=codec)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(**commit)


def postings_of(matcher) -> list:
    rows = []
    while matcher.is_active():
        decoded = matcher.value_as("positions") if matcher.supports("positions") else matcher.value_as("frequency")
        rows.append((matcher.id(), matcher.weight(), decoded, matcher.value()))
        matcher.next()
    return rows


def term_info_tuple(info) -> tuple:
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
            info.min_id(), info.max_id())


def contents(ix) -> dict:
    """Lexicon, term infos and postings of every segment, and of the whole index."""
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        return {
            "segments": [[(term, term_info_tuple(info), leaf.frequency(*term), leaf.doc_frequency(*term),
                           postings_of(leaf.postings(*term))) for term, info in leaf]
                         for leaf in leaves],
            "index": [(term, term_info_tuple(info)) for term, info in reader],
            "fields": {name: list(reader.lexicon(name)) for name in reader.indexed_field_names()},
            "docs": reader.doc_count(),
        }


def search_results(ix, queries) -> list:
    with ix.searcher() as searcher:
        return [[(hit.docnum, hit.score) for hit in searcher.search(q, limit=25)] for q in queries]


def production_queries(ix) -> list:
    with ix.searcher() as searcher:
        body_terms = [term for term, _ in zip(searcher.lexicon("body"), range(400))][::40]
    return [query.Term("body", term) for term in body_terms] + [
        query.Term("title", "minister"),
        query.Phrase("body", ["oil", "price"]),
        query.Prefix("body", "ال"),
        query.Or([query.Term("title", body_terms[1]), query.Term("body", body_terms[2]), query.Term("exact", "قصير")]),
        query.And([query.Term("body", body_terms[3]), query.Term("lead", body_terms[3])]),
    ]


def adhoc_queries() -> list:
    return [query.Term("text", "gamma"), query.Phrase("text", ["beta", "gamma"]), query.Prefix("text", "ka"),
            query.Term("counts", "sigma"), query.Term("flag", "yes"), query.Term("tags", "beta"),
            query.NumericRange("number", -100, 2000), query.DateRange("when", dt.datetime(2018, 1, 5), None),
            query.Or([query.Term("text", "alpha"), query.Term("counts", "delta"), query.Term("tags", "alpha")])]


@pytest.mark.parametrize("schema_docs", ["production", "adhoc"])
def test_stock_writer_gives_the_same_index_and_searches_as_w3(schema_docs):
    schema, docs = (build_schema(), production_docs()) if schema_docs == "production" else (adhoc_schema(), adhoc_docs())
    w3 = build(RamStorage(), schema, docs, W3Codec())
    arrays = build(RamStorage(), schema, docs, ArrayCodec())
    assert contents(arrays) == contents(w3)
    queries = production_queries(w3) if schema_docs == "production" else adhoc_queries()
    assert search_results(arrays, queries) == search_results(w3, queries)
    assert any(search_results(w3, queries))


class WholeFieldWriter(SegmentWriter):
    """Writes each field with one `write_field` call at flush, as the bulk writer does."""

    def __init__(self, ix, fields: dict, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self._fields = fields

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        for name in sorted(self._fields, reverse=True):  # any field order gives the same index
            postings, lengths = self._fields[name]
            self.fieldwriter.write_field(name, self.schema[name], postings, lengths)
        self.fieldwriter.close()


def field_postings_of(reader, fieldname: str) -> tuple[FieldPostings, np.ndarray | None]:
    """A field's postings as FieldPostings, and its raw per-document lengths, read back from a W3 index."""
    terms, starts, docnums, freqs, weights, positions = [], [0], [], [], [], []
    for text in reader.lexicon(fieldname):
        matcher = reader.postings(fieldname, text)
        terms.append(text)
        while matcher.is_active():
            docnums.append(matcher.id())
            freqs.append(matcher.value_as("frequency"))
            weights.append(matcher.weight())
            if matcher.supports("positions"):
                positions.extend(matcher.value_as("positions"))
            matcher.next()
        starts.append(len(docnums))
    fieldobj = reader.schema[fieldname]
    postings = FieldPostings(terms, np.array(starts, dtype=np.int64), np.array(docnums, dtype=np.int32),
                             np.array(freqs, dtype=np.int32), np.array(weights, dtype=np.float32),
                             np.array(positions, dtype=np.int32) if fieldobj.format.supports("positions") else None)
    lengths = None
    if fieldobj.scorable:  # a document's length is the sum of its term frequencies
        lengths = np.bincount(postings.docnums, weights=postings.freqs, minlength=reader.doc_count_all()).astype(np.int64)
    return postings, lengths


@pytest.mark.parametrize("schema_docs", ["production", "adhoc"])
@pytest.mark.parametrize("given_weights", [True, False])
def test_write_field_gives_the_same_index_as_w3(schema_docs, given_weights):
    schema, docs = (build_schema(), production_docs()) if schema_docs == "production" else (adhoc_schema(), adhoc_docs())
    w3 = build(RamStorage(), schema, docs, W3Codec())
    with w3.reader() as reader:
        fields = {name: field_postings_of(reader, name) for name in reader.indexed_field_names()}
    if not given_weights:  # None means freqs * field_boost, which is what these fields hold
        fields = {name: (postings._replace(weights=None), lengths) for name, (postings, lengths) in fields.items()}
    arrays = RamStorage().create_index(schema)
    writer = WholeFieldWriter(arrays, fields, codec=ArrayCodec())
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    assert contents(arrays) == contents(w3)


def test_adds_deletes_merges_and_optimize_match_w3_on_disk(tmp_path):
    docs = production_docs(30, body_chars=120)
    steps = [("add", docs[:10], {"merge": False})]
    steps += [("add", docs[i:i + 2], {"merge": False}) for i in range(10, 18, 2)]
    steps += [
        ("delete", ["latin-1", docs[2]["id"], docs[11]["id"]], {"merge": False}),
        ("add", docs[18:24], {}),  # Whoosh's default policy merges the small segments
        ("delete", [docs[22]["id"]], {"merge": False}),
        ("add", docs[24:], {"merge": False}),
        ("add", [], {"optimize": True}),
    ]
    # "mixed" starts with a (compound) W3 segment, as an index written before the switch would
    runs = {"w3": [W3Codec()] * len(steps), "arrays": [ArrayCodec()] * len(steps),
            "mixed": [W3Codec()] + [ArrayCodec()] * (len(steps) - 1)}
    histories = {}
    for name, codecs in runs.items():
        folder = tmp_path / name
        folder.mkdir()
        index.create_in(str(folder), build_schema())
        history = []
        for codec, (action, items, commit) in zip(codecs, steps):
            writer = SegmentWriter(index.open_dir(str(folder)), codec=codec)
            for item in items:
                if action == "add":
                    writer.add_document(**item)
                else:
                    writer.delete_by_term("id", item)
            writer.commit(**commit)
            reopened = index.open_dir(str(folder))
            with reopened.reader() as reader:
                infos = [(term, term_info_tuple(info)) for term, info in reader]
            # every posting of every segment after the deletes, the merge and the optimize
            full = contents(reopened) if len(history) in (5, 6, 9) else None
            history.append((infos, full, search_results(reopened, production_queries(reopened)),
                            len(reopened._segments())))
        histories[name] = history
    assert histories["arrays"] == histories["w3"] and histories["mixed"] == histories["w3"]
    assert [segments for *_, segments in histories["w3"]] == [1, 2, 3, 4, 5, 5, 1, 1, 2, 1]  # a merge, then optimize
    for name in ("arrays", "mixed"):
        segments = index.open_dir(str(tmp_path / name))._segments()
        assert all(isinstance(segment.codec(), ArrayCodec) and not segment.is_compound() for segment in segments)


class StreamStorage(RamStorage):
    """A storage whose files are plain streams: no buffer to share and no file to map."""

    def open_file(self, name, **kwargs):
        return StructFile(io.BytesIO(self.files[name]), name=name)


@pytest.mark.parametrize("storage_kind", ["file", "ram", "stream"])
def test_posting_and_position_arrays(tmp_path, storage_kind):
    storages = {"file": lambda: FileStorage(str(tmp_path)).create(), "ram": RamStorage, "stream": StreamStorage}
    storage = storages[storage_kind]()
    docs = adhoc_docs(200)
    ix = build(storage, adhoc_schema(), docs, ArrayCodec())
    writer = SegmentWriter(ix, codec=ArrayCodec(), compound=True)  # array segments stay separate files
    writer.add_document(**dict(docs[5], id="late"))
    writer.delete_by_term("id", "d3")
    writer.commit(merge=False)
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            matcher = leaf.postings("text", "zeta")
            if leaf.has_deletions():
                matcher = matcher.child  # deletions are the caller's business
            assert isinstance(matcher, ArrayMatcher) and not leaf.segment().is_compound()
            docnums, weights = matcher.posting_arrays()
            starts, positions = matcher.position_arrays()
            assert docnums.dtype == np.int32 and weights.dtype == np.float32 and not docnums.flags.writeable
            assert starts.dtype == np.int64 and positions.dtype == np.int32 and len(starts) == len(docnums) + 1
            matcher.reset()  # FilterMatcher moved it past the deleted document
            expected = postings_of(matcher)
            assert docnums.tolist() == [row[0] for row in expected]
            assert weights.tolist() == [row[1] for row in expected]
            assert [positions[a:b].tolist() for a, b in zip(starts, starts[1:])] == [row[2] for row in expected]
            assert docnums.flags.aligned and positions.flags.aligned
            with pytest.raises(ValueError, match="positions"):
                getattr(frequencies := leaf.postings("counts", "zeta"), "child", frequencies).position_arrays()
            # the terms reader hands over the same arrays without a matcher, and None for an absent term
            terms = leaf._terms
            for term in ("zeta", "alpha", "nope"):
                direct = terms.posting_arrays("text", term.encode())
                if ("text", term) not in leaf:
                    assert direct is None
                    continue
                found = leaf.postings("text", term)
                found = getattr(found, "child", found)
                assert [a.tolist() for a in direct] == [a.tolist() for a in found.posting_arrays()]
            assert terms.posting_arrays("no-such-field", b"zeta") is None


def test_matcher_moves_like_the_w3_matcher():
    docs = [dict(id=f"d{i}", text="common " + ("rare" if i % 7 == 0 else "other")) for i in range(1000)]
    schema = Schema(id=ID(stored=True), text=TEXT())
    w3, arrays = (build(RamStorage(), schema, docs, codec) for codec in (W3Codec(), ArrayCodec()))
    with w3.searcher() as s3, arrays.searcher() as sa:
        for term in ("common", "rare"):
            m3, ma = (s.postings("text", term) for s in (s3, sa))
            trace3, tracea = [], []
            for target in (0, 5, 5, 130, 131, 400, 401, 999):
                for m, trace in ((m3, trace3), (ma, tracea)):
                    m.skip_to(target)
                    trace.append((m.is_active() and m.id(), m.block_min_id(), m.block_max_id(),
                                  m.block_max_weight(), m.block_min_length(), m.block_max_length()))
            assert tracea == trace3
            ma.reset()
            ma.skip_to(300)
            copy = ma.copy()
            assert (copy.id(), copy.weight(), copy.value()) == (ma.id(), ma.weight(), ma.value())
            ma.reset()
            assert list(ma.all_ids()) == list(s3.postings("text", term).all_ids()) and not ma.is_active()
            q3, qa = (s.postings("text", term) for s in (s3, sa))  # with the searcher's BM25F scorer
            assert qa.supports_block_quality() and qa.max_quality() == q3.max_quality()
            threshold = q3.block_quality()
            assert (qa.skip_to_quality(threshold), qa.is_active()) == (q3.skip_to_quality(threshold), q3.is_active())


@pytest.mark.parametrize("field", [TEXT(chars=True), TEXT(vector=True), TEXT(analyzer=StemmingAnalyzer(), spelling=True)])
def test_unsupported_fields_are_refused_by_name(field):
    schema = Schema(id=ID(stored=True), special=field)
    ix = RamStorage().create_index(schema)
    writer = SegmentWriter(ix, codec=ArrayCodec())
    writer.add_document(id="1", special="some words here")
    with pytest.raises(ValueError, match="'special'"):
        writer.commit()
    postings = FieldPostings([b"words"], np.array([0, 1]), np.array([0], np.int32), np.array([1], np.int32))
    fieldwriter = ArrayCodec().field_writer(RamStorage(), ArrayCodec().new_segment(RamStorage(), "MAIN"))
    with pytest.raises(ValueError, match="'special'"):
        fieldwriter.write_field("special", schema["special"], postings, None)


@pytest.mark.parametrize("postings, problem", [
    (FieldPostings([b"b", b"a"], np.array([0, 1, 2]), np.array([0, 0], np.int32), np.array([1, 1], np.int32)), "sorted"),
    (FieldPostings([b"a", b"b"], np.array([0, 0, 2]), np.array([0, 1], np.int32), np.array([1, 1], np.int32)), "at least one"),
    (FieldPostings([b"a"], np.array([0, 2]), np.array([3, 1], np.int32), np.array([1, 1], np.int32)), "ascending"),
    (FieldPostings([b"a"], np.array([0, 1]), np.array([0], np.int32), np.array([2], np.int32)), "positions"),
])
def test_write_field_refuses_broken_postings(postings, problem):
    fieldwriter = ArrayCodec().field_writer(RamStorage(), ArrayCodec().new_segment(RamStorage(), "MAIN"))
    with pytest.raises(ValueError, match=problem):
        fieldwriter.write_field("text", TEXT(), postings._replace(positions=np.array([4], np.int32)), None)


def test_terms_with_nul_bytes_and_cursors():
    docs = adhoc_docs(50)
    w3, arrays = (build(RamStorage(), adhoc_schema(), docs, codec) for codec in (W3Codec(), ArrayCodec()))
    with w3.reader() as r3, arrays.reader() as ra:
        numeric_terms = list(ra.lexicon("number"))
        assert any(b"\x00" in term for term in numeric_terms) and numeric_terms == list(r3.lexicon("number"))
        for reader in (r3, ra):
            assert ("number", numeric_terms[3]) in reader and ("number", b"\xff") not in reader
        assert list(ra.terms_from("tags", "b")) == list(r3.terms_from("tags", "b"))
        assert list(ra.expand_prefix("text", "ga")) == list(r3.expand_prefix("text", "ga")) == [b"gamma"]
        c3, ca = r3.cursor("text"), ra.cursor("text")
        assert [ca.text(), ca.next(), ca.find("g"), ca.next(), ca.find("zz")] == [
            c3.text(), c3.next(), c3.find("g"), c3.next(), c3.find("zz")]
        assert ra.frequency("text", "nosuch") == 0 and ra.doc_frequency("text", "nosuch") == 0
        assert sorted(ra.terms_within("text", "gamme", 1)) == sorted(r3.terms_within("text", "gamme", 1)) == ["gamma"]
        assert ra.most_frequent_terms("text", 3) == r3.most_frequent_terms("text", 3)
    with arrays.searcher() as searcher:
        assert searcher.document(id="d7")["number"] == docs[7]["number"]


@pytest.mark.parametrize("terms", [
    [b"", b"\n", b"a\nb", b"\xff\x00"],
    sorted([b""] + [bytes([i]) for i in range(256)]),
])
def test_any_term_bytes_round_trip(terms):
    count = len(terms)
    postings = FieldPostings(terms, np.arange(count + 1), np.zeros(count, np.int32), np.ones(count, np.int32))
    ix = RamStorage().create_index(Schema(key=ID()))
    writer = WholeFieldWriter(ix, {"key": (postings, None)}, codec=ArrayCodec())
    writer.add_document(key="x")
    writer.commit()
    with ix.reader() as reader:
        assert list(reader.lexicon("key")) == terms
        assert all(reader.doc_frequency("key", term) == 1 and ("key", term) in reader for term in terms)


@settings(max_examples=30, deadline=None)
@given(st.sets(st.binary(max_size=6), min_size=1, max_size=600), st.lists(st.binary(max_size=7), max_size=40))
@example({b"%04d" % i for i in range(0, 2000, 2)}, [b"", b"0063", b"0064", b"0128", b"0129", b"1998", b"1999", b"2"])
def test_term_lookups_agree_with_bisecting_the_sorted_list(term_set, probes):
    terms = sorted(term_set)
    count = len(terms)
    postings = FieldPostings(terms, np.arange(count + 1), np.zeros(count, np.int32), np.ones(count, np.int32))
    storage = RamStorage()
    segment = ArrayCodec().new_segment(storage, "MAIN")
    writer = ArrayCodec().field_writer(storage, segment)
    writer.write_field("key", ID(), postings, None)
    writer.close()
    reader = ArrayCodec().terms_reader(storage, segment)
    for probe in probes + terms[::7]:
        first = bisect.bisect_left(terms, probe)
        assert ((("key", probe) in reader), next(reader.terms_from("key", probe), None)) == (
            first < count and terms[first] == probe, ("key", terms[first]) if first < count else None)
    assert list(reader.terms()) == [("key", term) for term in terms]


def test_reads_files_whose_terms_end_with_a_separator():
    """Array files written before the terms index (2026-11-29) ended each term with a separator byte."""
    terms = [b"alpha", b"beta", b"gamma"]
    postings = FieldPostings(terms, np.arange(4), np.zeros(3, np.int32), np.ones(3, np.int32))
    arrays = field_arrays("existence", postings, np.ones(3, np.float32), np.zeros(3, np.uint8))
    arrays.update(term_bytes=np.frombuffer(b"alpha\nbeta\ngamma\n", np.uint8), term_separator=np.frombuffer(b"\n", np.uint8),
                  term_offsets=np.array([0, 6, 11, 17], np.int64))
    storage = RamStorage()
    segment = ArrayCodec().new_segment(storage, "MAIN")
    array_file = ArrayFileWriter(segment.create_file(storage, ArrayCodec.ARRAYS_EXT))
    array_file.add_field("key", "existence", arrays)
    array_file.close()
    reader = ArrayCodec().terms_reader(storage, segment)
    assert list(reader.terms()) == [("key", term) for term in terms] and ("key", b"beta") in reader


words = st.sampled_from("alpha beta gamma delta eps zeta eta theta".split())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(words, min_size=0, max_size=40).map(" ".join), min_size=1, max_size=30),
       st.sampled_from([1.0, 0.7, 2.0]))
def test_random_corpora_match_w3(texts, boost):
    schema = Schema(id=ID(stored=True), text=TEXT(field_boost=boost), counts=TEXT(phrase=False), tag=ID())
    docs = [dict(id=str(i), text=text, counts=text, tag=text[:1]) for i, text in enumerate(texts)]
    w3, arrays = (build(RamStorage(), schema, docs, codec) for codec in (W3Codec(), ArrayCodec()))
    assert contents(arrays) == contents(w3)
