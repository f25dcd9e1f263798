"""What one benchmark run measures and where its inputs are: defaults for a full run and for `--quick`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SECTION_NAMES = ("analyzer", "quality", "index", "search", "http", "cluster")
QUALITY_ANALYZERS = ("whoosh-standard", "light10", "arabic")
SPEED_ANALYZERS = ("light10", "arabic")
# Analyzers with memos, whose second pass over the same text is worth timing (light10 has none: its
# second pass would cost as much as its first, about a minute).
MEMOIZING_ANALYZERS = ("arabic",)
FULL_CORPUS = 31_525  # ant-v2.1 as shipped in ../shared; the middle size is the whole corpus
# Sizes beyond ant-v2.1 take these next (JawharaFM: 10,161 Tunisian radio articles), and only then repeat
# copies, so that a 100k or 300k corpus holds more distinct text than ant-v2.1 alone.
FOLLOWING_CORPORA = ("ant-jawharafm-v1.1.jsonl.gz",)


@dataclass(frozen=True)
class Profile:
    """The knobs that differ between a full run and a developer's quick look."""

    sizes: tuple[int, ...]
    eval_sets: tuple[str, ...]
    query_limit: int | None  # headline queries used for search timing (None: all 2,000)
    analyzer_docs: int | None  # articles whose text feeds the tokens/s figure (None: all)
    search_budget_seconds: float
    http_seconds: float


PROFILES = {
    "full": Profile(sizes=(10_000, FULL_CORPUS, 100_000), eval_sets=("arcd", "ant-headlines"), query_limit=None,
                    analyzer_docs=None, search_budget_seconds=180, http_seconds=60),
    "quick": Profile(sizes=(1_000, 3_000), eval_sets=("arcd",), query_limit=200, analyzer_docs=2_000,
                     search_budget_seconds=20, http_seconds=5),
}


@dataclass(frozen=True)
class BenchConfig:
    """Everything a run needs; built once by the CLI, read by every section."""

    shared: Path
    lucene_script: Path
    profile: Profile
    sections: tuple[str, ...] = SECTION_NAMES
    sizes: tuple[int, ...] = ()
    http_size: int | None = None
    concurrency: int = 16
    workers: int = 2
    output: Path = REPO_ROOT / "bench-results.json"
    chart: Path = REPO_ROOT / "docs" / "bench-chart.png"
    work_dir: Path | None = None
    repo_root: Path = REPO_ROOT
    corpus_override: Path | None = None
    headlines_override: Path | None = None
    eval_sets: tuple[str, ...] = field(default=())

    @property
    def corpus(self) -> Path:
        return self.corpus_override or self.shared / "corpus" / "ant-v2.1.jsonl.gz"

    @property
    def corpora(self) -> tuple[Path, ...]:
        """The files whose records, in order, make up the sized corpora (`--corpus` alone when given)."""
        if self.corpus_override:
            return (self.corpus_override,)
        following = (self.shared / "corpus" / name for name in FOLLOWING_CORPORA)
        return (self.corpus, *(path for path in following if path.exists()))

    @property
    def headline_queries(self) -> Path:
        return self.headlines_override or self.shared / "eval" / "ant-headlines" / "queries.jsonl"

    @property
    def run_sizes(self) -> tuple[int, ...]:
        return self.sizes or self.profile.sizes

    @property
    def run_eval_sets(self) -> tuple[str, ...]:
        return self.eval_sets or self.profile.eval_sets

    @property
    def served_size(self) -> int:
        """The size served over HTTP: the whole corpus when measured, else the largest size."""
        if self.http_size:
            return self.http_size
        sizes = self.run_sizes
        return FULL_CORPUS if FULL_CORPUS in sizes else max(sizes)

    def eval_dir(self, name: str) -> Path:
        return self.shared / "eval" / name


def parse_sections(text: str) -> tuple[str, ...]:
    """`quality,index` -> ('quality', 'index') in run order; unknown names raise ValueError."""
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(wanted) - set(SECTION_NAMES))
    if unknown:
        raise ValueError(f"unknown section(s): {', '.join(unknown)}; choose from {', '.join(SECTION_NAMES)}")
    return tuple(name for name in SECTION_NAMES if name in wanted)


def parse_sizes(text: str) -> tuple[int, ...]:
    """`10k,30000,0.1m` -> (10000, 30000, 100000), sorted and unique; sizes must be positive."""
    multipliers = {"k": 1_000, "m": 1_000_000}
    sizes = set()
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        factor = multipliers.get(part[-1], 1)
        number = part[:-1] if part[-1] in multipliers else part
        size = int(float(number) * factor)
        if size <= 0:
            raise ValueError(f"size must be positive: {part}")
        sizes.add(size)
    if not sizes:
        raise ValueError("no sizes given")
    return tuple(sorted(sizes))
