"""The compiled part of the build; everything else about the package is in pyproject.toml.

Two analyzer modules run for every token and every new word, so they are compiled with Cython: the
chunk memo (`analyzers/chunk_memo.pyx`) and the stemmer, whose Python source `analyzers/stem.py` is
compiled as it stands (about twice as fast per word). `make` rebuilds them when either source changes.
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
