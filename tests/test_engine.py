"""The engine interface: what the CLI and the web app may reach, and the Whoosh engine behind it.

Nothing above the engine may load Whoosh's index, reading or writing code: an OpenSearch engine has to fit
behind the same surface without the CLI and the app noticing.
"""
from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.engine import ENGINE_KINDS, Engine, engine_class, open_engine
from indexer.engine.whoosh_engine import WhooshEngine
from indexer.errors import IndexUnavailable
from indexer.query.request import parse_search_request

PROJECT = Path(__file__).resolve().parents[1]
SEARCH_APP = PROJECT / "search_app"

# what search_app may import from the library: the engine, its neutral currency, and the eval (metrics)
ALLOWED_LIBRARY_IMPORTS = (
    "analyzers.registry",  # the analyzer names the CLI offers
    "indexer.build.summary",
    "indexer.engine",
    "indexer.errors",
    "indexer.eval",
    "indexer.ingest",
    "indexer.query.request",
    # pure functions that write an OpenSearch analyzer from our analyzer's tables (opensearch-settings): it
    # imports the analyzers and the ingest reader only, no engine and no Whoosh index code
    "indexer.opensearch.native_analysis",
)


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module)
    return names


def _search_app_modules() -> list[str]:
    return sorted(".".join(path.relative_to(PROJECT).with_suffix("").parts).removesuffix(".__init__")
                  for path in SEARCH_APP.rglob("*.py"))


@pytest.mark.parametrize("path", sorted(SEARCH_APP.rglob("*.py")), ids=lambda p: str(p.relative_to(PROJECT)))
def test_search_app_reaches_the_library_only_through_the_engine(path):
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "whoosh":
            pytest.fail(f"{path.name} imports {name}")
        if top in ("indexer", "analyzers"):
            assert name.startswith(ALLOWED_LIBRARY_IMPORTS), f"{path.name} imports {name}, below the engine"


def test_importing_every_search_app_module_loads_no_whoosh_engine_code():
    """Only the analysis framework our analyzer is built on may be loaded (every engine analyzes in Python)."""
    script = (
        "import sys, importlib, json\n"
        "import analyzers\n"
        "before = {m for m in sys.modules if m.split('.')[0] == 'whoosh'}\n"
        f"for name in {_search_app_modules()!r}:\n"
        "    if not name.endswith(('.wsgi', '.__main__')): importlib.import_module(name)\n"  # these run on import
        "after = {m for m in sys.modules if m.split('.')[0] == 'whoosh'}\n"
        "engine_side = sorted(m for m in sys.modules if m.startswith(('indexer.storage', 'indexer.codec',"
        " 'indexer.query.search', 'indexer.build.rebuild', 'indexer.engine.whoosh_engine')))\n"
        "print(json.dumps({'whoosh': sorted(after - before), 'engine_side': engine_side}))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True)
    loaded = json.loads(output.stdout)
    assert loaded == {"whoosh": [], "engine_side": []}


def test_opening_an_engine_loads_its_module_only_then():
    script = ("import sys\nfrom indexer.engine import open_engine\n"
              "assert 'whoosh.index' not in sys.modules\n"
              "open_engine('/nonexistent-root')\nassert 'whoosh.index' in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT, check=True)


def test_every_engine_offers_the_whole_interface_with_the_same_parameters():
    surface = {name: member for name, member in vars(Engine).items()
               if not name.startswith("_") and (callable(member) or isinstance(member, (property, classmethod)))}
    assert set(surface) >= {"rebuild", "add", "delete", "search", "document", "stats", "health", "close",
                            "rank_ids", "scratch", "location", "spec"}
    for kind in ENGINE_KINDS:
        cls = engine_class(kind if kind == "whoosh" else f"{kind}+http://127.0.0.1:9200/news")
        assert cls.kind == kind
        for name, member in surface.items():
            assert hasattr(cls, name), f"{cls.__name__} lacks {name}"
            if callable(member):
                ours = inspect.signature(getattr(cls, name)).parameters
                assert list(ours) == list(inspect.signature(member).parameters), f"{cls.__name__}.{name}"


def test_an_unknown_engine_is_a_clear_error(monkeypatch):
    with pytest.raises(ValueError, match="unknown engine 'elastic'.*whoosh, opensearch"):
        open_engine(None, "elastic")
    monkeypatch.setenv("ARABIC_SEARCH_ENGINE", "solr")
    with pytest.raises(ValueError, match="unknown engine 'solr'"):
        open_engine(None)


def _feed(path: Path, articles: list[dict]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


ARTICLES = [
    {"id": "a1", "title": "الاستراتيجية الوطنية للطاقة", "text": "أعلنت الوزارة الاستراتيجية الجديدة للطاقة المتجددة.",
     "source": "bbc", "date": "2024-03-01"},
    {"id": "a2", "title": "مباراة كرة القدم", "text": "فاز الفريق في مباراة كرة القدم أمس بهدفين.",
     "source": "cnn", "date": "2024-03-02"},
    {"id": "a3", "title": "أسعار النفط", "text": "ارتفعت أسعار النفط والطاقة في الأسواق العالمية.",
     "source": "bbc", "date": "2024-03-03"},
]


def test_the_whoosh_engine_through_its_interface_only(tmp_path):
    engine = open_engine(tmp_path / "index", "whoosh")
    with pytest.raises(IndexUnavailable):
        engine.health()
    summary = engine.rebuild([_feed(tmp_path / "a.jsonl", ARTICLES)])
    assert summary.indexed == 3
    assert engine.health() == {"readable": True, "documents": 3, "generation": summary.generation}

    result = engine.search(parse_search_request({"q": "استراتيجيه"}))
    assert [hit["id"] for hit in result["hits"]] == ["a1"]
    assert "<mark>الاستراتيجية</mark>" in result["hits"][0]["highlights"]["title"]
    assert result["facets"]["source"] == {"bbc": 1}

    added = engine.add([_feed(tmp_path / "b.jsonl", [{"id": "a4", "title": "الطاقة الشمسية",
                                                      "text": "محطة جديدة للطاقة الشمسية.", "source": "cnn"}])])
    assert added.indexed == 1 and engine.stats()["documents"] == 4  # the same engine sees its own publish
    assert engine.document("a3")["related"][0]["id"] in {"a1", "a4"}
    deleted = engine.delete(["a2", "missing"])
    assert (deleted.deleted, deleted.not_found) == (1, ["missing"])
    assert engine.document("a2") is None
    assert engine.stats()["sources"] == {"bbc": 2, "cnn": 1}
    assert Path(engine.location).is_absolute()
    engine.close()


def test_a_scratch_index_ranks_exactly_what_it_was_given_and_is_removed(tmp_path):
    from indexer.ingest.article import Article

    twins = [Article(id="x", body="نص مكرر عن الطاقة"), Article(id="y", body="نص مكرر عن الطاقة")]
    with WhooshEngine(tmp_path / "unused").scratch(twins, "arabic") as engine:
        location = Path(engine.location)
        assert sorted(engine.rank_ids("الطاقة", 10)) == ["x", "y"]  # no dedup: the eval scores what it loaded
    assert not location.exists()


def test_the_cli_names_the_engine_and_refuses_an_unknown_one(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from search_app.cli import cli

    missing = CliRunner().invoke(cli, ["stats", "--engine", "whoosh", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 5 and "no index found" in missing.output
    refused = CliRunner().invoke(cli, ["stats", "--engine", "elastic", "--index", str(tmp_path)])
    assert refused.exit_code == 2 and "elastic" in refused.output
    monkeypatch.setenv("ARABIC_SEARCH_ENGINE", "solr")
    from_env = CliRunner().invoke(cli, ["search", "قطر", "--index", str(tmp_path)])
    assert from_env.exit_code == 2 and "unknown engine 'solr'" in from_env.output
