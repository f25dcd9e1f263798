"""Every private Whoosh attribute `indexer.whoosh_private` relies on, checked on real Whoosh objects.

If a Whoosh upgrade renames or reshapes one, the test named after it fails here, before any index is built
wrong. Nothing else in the product may reach into Whoosh's privates (the scan at the end enforces it).
"""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import whoosh
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, W3TermsReader
from whoosh.columns import CompressedBytesColumn, NumericColumn
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import SegmentWriter

from indexer import whoosh_private
from indexer.codec import ArrayCodec
from indexer.codec.terms_reader import ArrayTermsReader
from indexer.ingest.article import Article
from indexer.storage.schema import build_schema, document_fields

PROJECT = Path(__file__).resolve().parents[1]
ARTICLES = [Article(f"d{i}", title="عنوان " * (i + 1), body="نص الخبر " * (i + 2)) for i in range(5)]


def _index(codec=W3Codec):
    ix = RamStorage().create_index(build_schema("arabic"))
    writer = SegmentWriter(ix, codec=codec())
    for article in ARTICLES:
        writer.add_document(**document_fields(article))
    writer.commit(merge=False)
    return ix


def _leaf(ix):
    return ix.reader().leaf_readers()[0][0]


def test_whoosh_is_the_pinned_version():
    """The checks below were written against this version: an upgrade must come with a run of this file."""
    pin = next(line for line in (PROJECT / "pyproject.toml").read_text().splitlines() if "Whoosh-Reloaded==" in line)
    assert whoosh.versionstring() == pin.split("==")[1].split('"')[0]


@pytest.mark.parametrize("codec", [W3Codec, ArrayCodec])
def test_segment_readers_keep_a_w3_per_document_reader_in_perdoc(codec):
    leaf = _leaf(_index(codec))
    assert isinstance(leaf._perdoc, W3PerDocReader)
    assert whoosh_private.w3_per_document_reader(leaf) is leaf._perdoc


@pytest.mark.parametrize("codec, reader_class", [(W3Codec, W3TermsReader), (ArrayCodec, ArrayTermsReader)])
def test_segment_readers_keep_their_codecs_terms_reader_in_terms(codec, reader_class):
    leaf = _leaf(_index(codec))
    terms = whoosh_private.segment_terms_reader(leaf)
    assert terms is leaf._terms
    assert ("body", "نص".encode()) in terms
    assert isinstance(terms, reader_class)


def test_length_columns_are_named_by_lenfield_and_read_in_one_slice():
    leaf = _leaf(_index())
    perdoc = whoosh_private.w3_per_document_reader(leaf)
    column = whoosh_private.length_codes_column(perdoc, "body")
    for name in ("_count", "_defaultbytes", "_dbfile", "_basepos"):
        assert hasattr(column, name), f"the fixed-width column reader lost {name}"
    codes = whoosh_private.fixed_width_values(column, np.dtype(np.uint8), leaf.doc_count_all())
    from whoosh.util.numeric import byte_to_length
    assert [byte_to_length(c) for c in codes] == [leaf.doc_field_length(d, "body") for d in range(len(ARTICLES))]
    assert whoosh_private.length_codes_column(perdoc, "no-such-field") is None


def test_a_numeric_column_is_read_in_one_slice():
    ix = RamStorage().create_index(build_schema("arabic"))
    from datetime import datetime
    with ix.writer() as writer:
        for day in (3, 1, 2):
            writer.add_document(**document_fields(Article(f"p{day}", body="خبر", published=datetime(2020, 1, day))))
    leaf = _leaf(ix)
    reader = leaf.column_reader("published", translate=False)
    assert isinstance(reader, NumericColumn.Reader)
    values = whoosh_private.fixed_width_values(reader, np.dtype(">u8"), 3)
    assert values.tolist() == [reader[d] for d in range(3)]


def test_ram_storage_files_expose_their_buffer():
    storage = RamStorage()
    with storage.create_file("x") as handle:
        handle.write(b"abc")
    assert bytes(whoosh_private.storage_buffer(storage.open_file("x"))) == b"abc"


def _segment_writer():
    ix = RamStorage().create_index(build_schema("arabic"))
    return SegmentWriter(ix, codec=ArrayCodec())


def test_the_stored_fields_column_is_zlib_with_a_level():
    writer = _segment_writer()
    child = writer.perdocwriter._get_column(whoosh_private.STORED_COLUMN)._child
    assert isinstance(child, CompressedBytesColumn.Writer) and child._level == 3
    whoosh_private.set_stored_fields_compression(writer.perdocwriter, 0)
    assert child._level == 0
    writer.cancel()


def test_per_document_writers_keep_field_lengths_and_columns_as_relied_on():
    perdocwriter = _segment_writer().perdocwriter
    for name in ("_fieldlengths", "_has_column", "_create_column", "_get_column"):
        assert hasattr(perdocwriter, name), f"W3PerDocWriter lost {name}"
    whoosh_private.write_length_codes(perdocwriter, "body", bytes([1, 0, 5]), total=9)
    column = perdocwriter._get_column(whoosh_private.length_column_name("body"))
    assert isinstance(column, NumericColumn.Writer)
    assert (column._count, column._fixedlen, perdocwriter._fieldlengths["body"]) == (3, 1, 9)


def test_segment_writers_have_the_private_steps_the_hooked_writer_names():
    for name in ("_check_state", "_flush_segment", "_finalize_segment"):
        assert callable(getattr(SegmentWriter, name, None)), f"SegmentWriter lost {name}"
    writer = _segment_writer()
    assert writer._added is False

    class Probe(whoosh_private.HookedSegmentWriter):
        flushed = False

        def write_segment_files(self):
            Probe.flushed = True
            self.perdocwriter.close()
            self.fieldwriter.close()

    probe = Probe(RamStorage().create_index(build_schema("arabic")), codec=ArrayCodec())
    probe.check_open()
    probe.mark_changed()
    assert probe._added is True
    segment = probe.finalize_segment()
    assert Probe.flushed and segment.segment_id()


def test_an_index_lists_its_live_segments():
    ix = _index(ArrayCodec)
    assert [s.segment_id() for s in whoosh_private.live_segments(ix)] == [s.segment_id() for s in ix._segments()]
    assert len(whoosh_private.live_segments(ix)) == 1


def _private_touches(path: Path) -> list[str]:
    """Attribute reads of `_name` on anything but self/cls, imports of `_name`, and getattr(x, "_name")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names if a.name.startswith("_")]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "hasattr", "setattr")
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
              and str(node.args[1].value).startswith("_") and not str(node.args[1].value).startswith("__")):
            found.append(f"{path.name}:{node.lineno} {node.func.id} {node.args[1].value}")
    return found


@pytest.mark.parametrize("package", ["analyzers", "indexer", "search_app"])
def test_no_other_module_touches_whoosh_privates(package):
    paths = [p for p in (PROJECT / package).rglob("*.py") if p.name != "whoosh_private.py"]
    touches = [touch for path in paths for touch in _private_touches(path)]
    assert touches == []
