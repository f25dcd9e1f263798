"""The README chart: search latency against corpus size, and retrieval quality per analyzer (PNG, Agg)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from benchmarks.report import OUR_ANALYZERS, PEER  # noqa: E402

LATENCY_SERIES = (  # (results key, label, line style)
    ("p50_ms", "ours p50", "-o"),
    ("p95_ms", "ours p95", "--o"),
    ("lucene_p50_ms", "Lucene p50", "-s"),
    ("lucene_p95_ms", "Lucene p95", "--s"),
)
ENGINE_LABELS = {**{name: name for name in OUR_ANALYZERS}, PEER: "Lucene arabic"}


def _empty(axis, message: str) -> None:
    axis.text(0.5, 0.5, message, ha="center", va="center", transform=axis.transAxes)
    axis.set_axis_off()


def _plot_latency(axis, runs: list[dict]) -> None:
    axis.set_title("Search latency vs corpus size")
    sizes = [row["docs"] for row in runs]
    plotted = False
    for key, label, style in LATENCY_SERIES:
        points = [(size, row.get(key)) for size, row in zip(sizes, runs) if row.get(key)]
        if points:
            axis.plot(*zip(*points), style, label=label)
            plotted = True
    if not plotted:
        _empty(axis, "no search results")
        return
    axis.set_xscale("log")  # 10k, 31.5k, 100k: equal steps on a log axis
    axis.set_xticks(sizes, [f"{size / 1000:.3g}k" for size in sizes])
    axis.minorticks_off()
    axis.set_xlabel("documents")
    axis.set_ylabel("ms per query (log)")
    axis.set_yscale("log")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()


def _plot_quality(axis, quality: dict) -> None:
    axis.set_title("MRR@10 per analyzer")
    engines = [name for name in (*OUR_ANALYZERS, PEER) if any(name in per_set for per_set in quality.values())]
    if not engines:
        _empty(axis, "no quality results")
        return
    sets = list(quality)
    width = 0.8 / len(engines)
    for offset, engine in enumerate(engines):
        values = [(quality[name].get(engine) or {}).get("mrr@10") or 0 for name in sets]
        positions = [i + offset * width for i in range(len(sets))]
        axis.bar(positions, values, width, label=ENGINE_LABELS[engine])
    axis.set_xticks([i + width * (len(engines) - 1) / 2 for i in range(len(sets))], sets)
    axis.set_ylim(0, 1.12)  # headroom for the legend above the bars
    axis.set_ylabel("MRR@10")
    axis.legend(loc="upper center", ncol=len(engines), fontsize="small")


def write_chart(results: dict, path: Path) -> Path:
    """Draw both panels from whatever sections `results` holds and save them as one PNG."""
    figure, (latency_axis, quality_axis) = plt.subplots(1, 2, figsize=(12, 4.5))
    _plot_latency(latency_axis, results.get("search") or [])
    _plot_quality(quality_axis, results.get("quality") or {})
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
