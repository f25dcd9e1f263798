"""The compiled part of the build; everything else about the package is in pyproject.toml.

The analyzer runs for every token and every new word, so its hot modules are compiled with Cython: the
chunk memo (`analyzers/chunk_memo.pyx`, written for Cython) and the stemmer, normalizer and fused analyzer,
whose Python sources are compiled as they stand (the stemmer runs about twice as fast per word). `make`
rebuilds them when an analyzer source changes.
"""
from Cython.Build import cythonize
from setuptools import Extension, setup

COMPILED_MODULES = {
    "analyzers.chunk_memo": "analyzers/chunk_memo.pyx",
    "analyzers.stem": "analyzers/stem.py",
    "analyzers.fused": "analyzers/fused.py",
    "analyzers.normalize": "analyzers/normalize.py",
}

setup(ext_modules=cythonize([Extension(name, [source]) for name, source in COMPILED_MODULES.items()],
                            compiler_directives={"language_level": "3"}))
