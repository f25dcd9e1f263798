"""The modules that setup.py compiles are built, and built from their current source.

An edited `stem.py` next to an older compiled `stem` would be shadowed by it: the tests, the benchmarks
and the server would all run the old rules without a word. `make` rebuilds when a source changes; this
says so when something ran the tests without it.
"""
import ast
import importlib
import importlib.machinery
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def compiled_modules() -> dict[str, str]:
    """setup.py's COMPILED_MODULES (module name -> source), read without running the build."""
    for node in ast.parse((ROOT / "setup.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "COMPILED_MODULES":
            return ast.literal_eval(node.value)
    raise AssertionError("setup.py defines no COMPILED_MODULES")


@pytest.mark.parametrize(("name", "source"), sorted(compiled_modules().items()))
def test_module_runs_compiled_from_its_current_source(name, source):
    built = Path(importlib.import_module(name).__file__)
    rebuild = "rebuild with `make test` (or `.venv/bin/pip install -e .`)"
    assert built.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), f"{name} is not compiled: {rebuild}"
    assert built.stat().st_mtime >= (ROOT / source).stat().st_mtime, f"{source} changed since it was compiled: {rebuild}"
