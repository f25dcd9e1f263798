"""The compiled part of the build; everything else about the package is in pyproject.toml.

The analyzer runs for every token and every new word, so its hot modules are compiled with Cython: the
chunk memo (`analyzers/chunk_memo.pyx`, written for Cython) and the stemmer, normalizer and fused analyzer,
whose Python sources are compiled as they stand (the stemmer runs about twice as fast per word), and
the array codec's term lookup (`indexer/codec/sorted_terms.pyx`), which runs for every query term in
every segment. `make` rebuilds them when one of these sources changes.
"""
from Cython.Build import cythonize
from setuptools import Extension, setup

COMPILED_MODULES = {
    "analyzers.chunk_memo": "analyzers/chunk_memo.pyx",
    "analyzers.stem": "analyzers/stem.py",
    "analyzers.fused": "analyzers/fused.py",
    "analyzers.normalize": "analyzers/normalize.py",
    "indexer.codec.sorted_terms": "indexer/codec/sorted_terms.pyx",
}

setup(ext_modules=cythonize([Extension(name, [source]) for name, source in COMPILED_MODULES.items()],
                            compiler_directives={"language_level": "3"}))
