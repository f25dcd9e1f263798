"""The compiled part of the build; everything else about the package is in pyproject.toml.

The analyzer runs for every token and every new word, so its hot modules are compiled with Cython: the
chunk memo (`analyzers/chunk_memo.pyx`, written for Cython) and the stemmer, normalizer and fused analyzer,
whose Python sources are compiled as they stand (the stemmer runs about twice as fast per word), and
the array codec's term lookup (`indexer/codec/sorted_terms.pyx`), which runs for every query term in
every segment. The modules a search and a rebuild run through (parsing, expansion, ranking, postings,
highlighting and the response; the bulk writer, its workers, the codec, story assignment and ingest) are
compiled as they stand too: their code is many small Python steps per hit, term and article, and compiled a
query takes about 15% less time at 100k articles and a rebuild about 20% less (docs/architecture.md). `make`
rebuilds them when one of these sources changes; `tests/test_compiled_build.py` fails on a stale build.
"""
from Cython.Build import cythonize
from setuptools import Extension, setup

COMPILED_MODULES = {
    "analyzers.chunk_memo": "analyzers/chunk_memo.pyx",
    "analyzers.stem": "analyzers/stem.py",
    "analyzers.fused": "analyzers/fused.py",
    "analyzers.normalize": "analyzers/normalize.py",
    "indexer.codec.sorted_terms": "indexer/codec/sorted_terms.pyx",
    "indexer.build.add_stories": "indexer/build/add_stories.py",
    "indexer.build.bulk_writer": "indexer/build/bulk_writer.py",
    "indexer.build.chunks": "indexer/build/chunks.py",
    "indexer.build.completion_table": "indexer/build/completion_table.py",
    "indexer.build.group_postings": "indexer/build/group_postings.py",
    "indexer.build.other_fields": "indexer/build/other_fields.py",
    "indexer.build.rebuild": "indexer/build/rebuild.py",
    "indexer.build.story_segment": "indexer/build/story_segment.py",
    "indexer.build.summary": "indexer/build/summary.py",
    "indexer.build.unique": "indexer/build/unique.py",
    "indexer.build.word_fields": "indexer/build/word_fields.py",
    "indexer.build.workers": "indexer/build/workers.py",
    "indexer.codec.field_writer": "indexer/codec/field_writer.py",
    "indexer.codec.file": "indexer/codec/file.py",
    "indexer.codec.matcher": "indexer/codec/matcher.py",
    "indexer.codec.postings": "indexer/codec/postings.py",
    "indexer.codec.runs": "indexer/codec/runs.py",
    "indexer.codec.terms_reader": "indexer/codec/terms_reader.py",
    "indexer.ingest.article": "indexer/ingest/article.py",
    "indexer.ingest.cleaning": "indexer/ingest/cleaning.py",
    "indexer.ingest.sources": "indexer/ingest/sources.py",
    "indexer.stories.assign": "indexer/stories/assign.py",
    "indexer.stories.collapse": "indexer/stories/collapse.py",
    "indexer.stories.fingerprint": "indexer/stories/fingerprint.py",
    "indexer.query.parser": "indexer/query/parser.py",
    "indexer.query.expansion": "indexer/query/expansion.py",
    "indexer.query.reader_arrays": "indexer/query/reader_arrays.py",
    "indexer.query.segment_postings": "indexer/query/segment_postings.py",
    "indexer.query.scoring": "indexer/query/scoring.py",
    "indexer.query.phrase_match": "indexer/query/phrase_match.py",
    "indexer.query.ranking": "indexer/query/ranking.py",
    "indexer.query.highlight": "indexer/query/highlight.py",
    "indexer.query.response": "indexer/query/response.py",
    "indexer.query.search": "indexer/query/search.py",
}
# The analyzer's Python modules are typed by their annotations (and stem.pxd). In the indexer's, annotations
# are documentation only: compiled, those modules keep Python's semantics exactly (a numpy integer passed where
# `int` is written is still accepted).
AS_WRITTEN = {"language_level": "3", "annotation_typing": False}


def extensions(prefix: str, directives: dict) -> list:
    return cythonize([Extension(name, [source]) for name, source in COMPILED_MODULES.items() if name.startswith(prefix)],
                     compiler_directives=directives)


setup(ext_modules=extensions("analyzers.", {"language_level": "3"}) + extensions("indexer.", AS_WRITTEN))
