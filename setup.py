"""The compiled part of the build; everything else about the package is in pyproject.toml.

The analyzer runs for every token and every new word, so its hot modules are compiled with Cython: the
chunk memo (`analyzers/chunk_memo.pyx`, written for Cython) and the stemmer, normalizer and fused analyzer,
whose Python sources are compiled as they stand (the stemmer runs about twice as fast per word), and
the array codec's term lookup (`indexer/codec/sorted_terms.pyx`), which runs for every query term in
every segment. The modules every search runs through (parsing, expansion, ranking, postings, highlighting,
the response) are compiled as they stand too: their code is many small Python steps per hit and per term,
and compiled they take about 15% less time per query at 100k articles (docs/architecture.md). `make`
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
    "indexer.codec.terms_reader": "indexer/codec/terms_reader.py",
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

setup(ext_modules=cythonize([Extension(name, [source]) for name, source in COMPILED_MODULES.items()],
                            compiler_directives={"language_level": "3"}))
