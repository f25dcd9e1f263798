"""`python -m benchmarks`: the command line of the benchmark (a thin shell over `runner.run_benchmarks`)."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.config import PROFILES, REPO_ROOT, SECTION_NAMES, BenchConfig, parse_sections, parse_sizes
from benchmarks.peer import resolve_script


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure quality, analyzer speed, indexing, in-process search and HTTP serving of the "
                    "production code, with the real Lucene ArabicAnalyzer + BM25 measured in the same run.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (1k, 3k), ARCD only, 200 queries, 5 s of HTTP: a developer's check")
    parser.add_argument("--sections", default=",".join(SECTION_NAMES),
                        help=f"comma-separated subset of {','.join(SECTION_NAMES)} (default: all)")
    parser.add_argument("--sizes", help="corpus sizes for index/search, e.g. 10k,31525,100k")
    parser.add_argument("--eval-sets", help="eval sets under SHARED/eval, e.g. arcd,ant-headlines")
    parser.add_argument("--http-size", type=int, help="corpus size served over HTTP (default: full corpus)")
    parser.add_argument("--http-seconds", type=float, help="duration of the HTTP load (default 60, quick 5)")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--queries", type=int, help="headline queries timed (default: all; quick: 200)")
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared",
                        help="the shared data directory (default: <repo>/../shared)")
    parser.add_argument("--corpus", type=Path, help="news JSONL for analyzer/index/search (default: ant-v2.1)")
    parser.add_argument("--headlines", type=Path, help="queries JSONL for search timing (default: ant-headlines)")
    parser.add_argument("--lucene", help="peer script (default: $LUCENE_ANCHOR, else "
                                         "<repo>/../shared/tools/lucene_anchor/run.sh)")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "bench-results.json", help="results JSON")
    parser.add_argument("--chart", type=Path, default=REPO_ROOT / "docs" / "bench-chart.png", help="chart PNG")
    parser.add_argument("--no-chart", action="store_true", help="do not write the chart")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sections' figures from the --output file (measure a long run in parts)")
    parser.add_argument("--redraw", action="store_true",
                        help="measure nothing: print the table and draw the chart from the --output results file")
    parser.add_argument("--work-dir", type=Path, help="keep corpora and indexes here instead of a temp dir")
    return parser


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    profile = PROFILES["quick" if args.quick else "full"]
    if args.queries is not None:
        profile = replace(profile, query_limit=args.queries)
    if args.http_seconds is not None:
        profile = replace(profile, http_seconds=args.http_seconds)
    return BenchConfig(
        shared=args.shared,
        lucene_script=resolve_script(args.lucene, REPO_ROOT),
        profile=profile,
        sections=parse_sections(args.sections),
        sizes=parse_sizes(args.sizes) if args.sizes else (),
        eval_sets=tuple(s.strip() for s in args.eval_sets.split(",") if s.strip()) if args.eval_sets else (),
        http_size=args.http_size,
        concurrency=args.concurrency,
        workers=args.workers,
        output=args.output,
        chart=args.chart,
        work_dir=args.work_dir,
        corpus_override=args.corpus,
        headlines_override=args.headlines,
    )


def chart_is_due(results: dict, redraw: bool) -> bool:
    """The chart is tracked in git and drawn from every section, so a measured run redraws it only when its
    results hold them all (a full run, or parts joined with --merge); --redraw draws whatever is saved."""
    return redraw or set(SECTION_NAMES) <= results.keys()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    from benchmarks.report import format_report
    from benchmarks.runner import run_benchmarks

    if args.redraw:
        results = json.loads(config.output.read_text(encoding="utf-8"))
    else:
        merge = args.merge and config.output.exists()
        previous = json.loads(config.output.read_text(encoding="utf-8")) if merge else None
        results = run_benchmarks(config, previous=previous)
    print(format_report(results))
    print(f"\nresults: {config.output}")
    if not args.no_chart:
        if chart_is_due(results, args.redraw):
            from benchmarks.chart import write_chart

            print(f"chart: {write_chart(results, config.chart)}")
        else:
            print("chart: not drawn (these results lack some sections: measure the rest with --merge, or --redraw)")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
