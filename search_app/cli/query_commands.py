"""CLI commands that read the index: search and eval.

Both are thin shells: `search` prints what the engine's `search` returns, `eval` prints what
`indexer.eval.evaluate` measures with the production schema, analyzer and ranking.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import click

from analyzers.registry import ANALYZER_NAMES
from indexer.eval import EvalResult, evaluate_freshness, load_dates, load_docs, load_queries
from indexer.engine import parse_engine
from indexer.errors import IndexUnavailable, SynonymsUnreadable
from indexer.query.request import InvalidRequest, parse_fresh, parse_search_request
from search_app.cli.engine_options import engine_from, engine_option, engine_options, synonyms_option

EXIT_BAD_QUERY = 2
EXIT_NO_INDEX = 5
_MARK = re.compile(r"</?mark>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&amp;": "&"}


@click.command("search")
@click.argument("query")
@engine_options
@click.option("--page", default="1", show_default=True, help="Result page.")
@click.option("--per-page", default="10", show_default=True, help="Hits per page (at most 100).")
@click.option("--source", "sources", multiple=True, help="Only this source; repeatable.")
@click.option("--category", "categories", multiple=True, help="Only this category; repeatable.")
@click.option("--from", "date_from", metavar="DATE", help="Published on or after this ISO date.")
@click.option("--to", "date_to", metavar="DATE", help="Published on or before this ISO date.")
@click.option("--sort", default="relevance", show_default=True, type=click.Choice(["relevance", "date"]))
@click.option("--fresh", default="1", show_default=True, metavar="1|0|DAYSd",
              help="Weigh relevance by freshness: 1 at the default half-life (7 days back from the newest "
                   "article), a half-life such as 30d, or 0 for relevance alone.")
@synonyms_option
@click.option("--no-expand", "no_expand", is_flag=True, help="Search only the words typed: no other spellings, "
              "no synonyms.")
@click.option("--no-group", "no_group", is_flag=True, help="List every article, not one hit per story.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON response instead of text.")
def search_command(query, index_dir, engine_kind, page, per_page, sources, categories, date_from, date_to, sort,
                   fresh, synonyms, no_expand, no_group, as_json):
    """Search the index and print the hits in the terminal.

    QUERY accepts free words, "phrases", -exclusions, title:/source:/category: fields and AND/OR/NOT.
    Exit codes: 0 done, 2 invalid query or option, 5 the index is missing or damaged.
    """
    args = {"q": query, "page": page, "per_page": per_page, "source": list(sources), "category": list(categories),
            "from": date_from, "to": date_to, "sort": sort, "fresh": fresh, "expand": "0" if no_expand else "1",
            "group": "0" if no_group else "1"}
    try:
        request = parse_search_request(args)
    except InvalidRequest as error:
        click.echo(f"invalid request: {error.message}", err=True)
        sys.exit(EXIT_BAD_QUERY)
    engine = engine_from(index_dir, engine_kind, synonyms)
    try:
        result = engine.search(request)
    except IndexUnavailable as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_NO_INDEX)
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for line in result_lines(result):
        click.echo(line)


def result_lines(result: dict) -> list[str]:
    """The search response as terminal text: matched words in bold when the terminal shows colour."""
    first = (result["page"] - 1) * result["per_page"] + 1
    stories = f" in {result['stories']} stories" if result.get("stories") is not None else ""
    lines = [f"{result['total']} results{stories} ({result['took_ms']} ms)"]
    if result["suggestion"]:
        lines.append(f"هل تقصد: {result['suggestion']}")
    for rank, hit in enumerate(result["hits"], start=first):
        meta = " · ".join(part for part in (hit["source"], hit["category"], (hit["published"] or "")[:10]) if part)
        lines.append("")
        lines.append(f"{rank}. {_terminal_text(hit['highlights']['title']) or hit['id']}  [{hit['id']}]")
        if meta:
            lines.append(f"   {meta}")
        lines.append(f"   {_terminal_text(hit['highlights']['body'])}")
        story = hit.get("story")
        if story and story["size"] > 1:
            told = ", ".join(dict.fromkeys(other["source"] for other in story["others"] if other["source"]))
            lines.append(f"   also told by {story['size'] - 1} more" + (f": {told}" if told else "")
                         + f"  [story {story['id']}]")
    return lines


def _terminal_text(fragment: str) -> str:
    text = _MARK.sub(lambda m: "\x1b[1m" if m.group() == "<mark>" else "\x1b[0m", fragment)
    if not sys.stdout.isatty():
        text = text.replace("\x1b[1m", "").replace("\x1b[0m", "")
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


@click.command("eval")
@click.option("--docs", "docs_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Documents, one JSON object per line: {id, title, text} (.jsonl or .jsonl.gz).")
@click.option("--queries", "queries_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Queries, one JSON object per line: {id, text, relevant: [doc ids]} (.jsonl or .jsonl.gz).")
@click.option("--analyzer", "analyzers", multiple=True, type=click.Choice(ANALYZER_NAMES),
              help="Analyzer to measure; repeatable (default: arabic).")
@engine_option
@synonyms_option
@click.option("--no-expand", "no_expand", is_flag=True, help="Measure without spelling variants and synonyms.")
@click.option("--fresh", "fresh_values", multiple=True, metavar="1|0|DAYSd",
              help="Freshness to measure, as the API's fresh=; repeatable, one result each over the same index "
                   "(default: 1, the production default). --fresh 1 --fresh 0 shows what freshness costs.")
@click.option("--dates", "dates_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Date the documents by id from this corpus (.jsonl[.gz] with id and date), for a set whose "
                   "documents carry no date (ant-headlines: ../shared/corpus/ant-v2.1.jsonl.gz).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per analyzer and freshness per line.")
def eval_command(docs_path, queries_path, analyzers, engine_kind, synonyms, no_expand, fresh_values, dates_path,
                 as_json):
    """Measure retrieval quality: MRR@10, Recall@1/10/100 and nDCG@10 per analyzer and freshness.

    Each analyzer gets a temporary index built with the production schema and ranking, and every query
    runs through the production query path. Queries without relevant documents are skipped. Freshness
    counts ages back from the newest document, so a set without dates ranks the same with it as without.
    """
    try:
        parse_engine(engine_kind)
        half_lives = list(dict.fromkeys(parse_fresh(value) for value in fresh_values or ("1",)))
    except ValueError as error:  # InvalidRequest is one
        raise click.UsageError(str(error)) from None
    docs = load_docs(docs_path, load_dates(dates_path) if dates_path else None)
    queries = load_queries(queries_path)
    for name in analyzers or ("arabic",):
        try:
            results = evaluate_freshness(docs, queries, name, half_lives, engine_kind, expand=not no_expand,
                                         synonyms=synonyms)
        except SynonymsUnreadable as error:
            raise click.UsageError(str(error)) from None
        for result in results:
            if as_json:
                click.echo(json.dumps({k: v for k, v in result.as_json().items() if k in JSON_KEYS}))
            else:
                click.echo(result_table(result))


JSON_KEYS = ("analyzer", "fresh", "docs", "queries", "mrr@10", "recall@1", "recall@10", "recall@100", "ndcg@10",
             "index_seconds")


def result_table(result: EvalResult) -> str:
    """A small two-column table for one analyzer."""
    rows = [
        ("analyzer", result.analyzer),
        ("fresh", result.fresh),
        ("MRR@10", f"{result.mrr10:.4f}"),
        ("Recall@1", f"{result.recall1:.4f}"),
        ("Recall@10", f"{result.recall10:.4f}"),
        ("Recall@100", f"{result.recall100:.4f}"),
        ("nDCG@10", f"{result.ndcg10:.4f}"),
        ("docs", str(result.docs)),
        ("queries", str(result.queries)),
        ("index time", f"{result.index_seconds:.1f} s"),
        ("query time", f"{result.search_seconds:.1f} s"),
    ]
    width = max(len(label) for label, _ in rows)
    rule = "-" * min(shutil.get_terminal_size((60, 20)).columns, width + 20)
    return "\n".join([rule, *(f"{label:<{width}}  {value}" for label, value in rows), rule])


COMMANDS = [search_command, eval_command]
