"""CLI commands for OpenSearch clusters that other clients query directly: opensearch-settings."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.opensearch.native_analysis import (ANALYZER, analysis_rules, index_settings, rule_lines,
                                                stemmer_words, vocabulary)

DEFAULT_VOCABULARY = Path("index_data/sample")


@click.command("opensearch-settings")
@click.option("--vocabulary", "sources", multiple=True, type=click.Path(exists=True, path_type=Path),
              metavar="SOURCE",
              help="File or folder (.txt, .jsonl, .jsonl.gz, .csv) whose articles' words get stemming rules; "
                   f"repeatable (default: {DEFAULT_VOCABULARY}).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              metavar="FILE", help="Write the settings JSON here (default: standard output).")
@click.option("--with-word-counts", is_flag=True,
              help="Also give rules to the stemmer's own news words (analyzers/word_counts.txt): words the "
                   "vocabulary lacks are then stemmed like ours far more often, for ~1 MB more settings.")
@click.option("--fallback/--no-fallback", default=True, show_default=True,
              help="Stem words outside the vocabulary with light10 (arabic_stem); without it they stay unstemmed.")
@click.option("--rules-file", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              metavar="FILE",
              help="Write the stemming rules to FILE instead of inline, and refer to them by rules_path: copy FILE "
                   "into the config directory of every node, at --rules-path.")
@click.option("--rules-path", default=None, metavar="PATH",
              help="Where the rules file is, relative to each node's config directory (default: "
                   "analysis/ and the name of --rules-file).")
def opensearch_settings(sources, output, with_word_counts, fallback, rules_file, rules_path):
    """Index settings JSON with an OpenSearch analyzer `arabic_search` that follows ours.

    For clients that query the cluster directly (OpenSearch Dashboards, other apps): a mapping char filter
    made from our normalization tables, a tokenizer with our word pattern, our stopwords, and a
    stemmer_override with our stem of every word of the vocabulary. PUT the output to create an index
    (its title and body fields use the analyzer), or copy its settings.analysis into your own.
    """
    if rules_path is not None and rules_file is None:
        raise click.UsageError("--rules-path needs --rules-file")
    if not sources:
        if not DEFAULT_VOCABULARY.exists():
            raise click.UsageError(f"no {DEFAULT_VOCABULARY} here: name the vocabulary with --vocabulary SOURCE")
        sources = (DEFAULT_VOCABULARY,)
    words = list(vocabulary(sources))
    if with_word_counts:
        words += stemmer_words()
    if rules_file is not None:
        rules = analysis_rules(words, fallback)
        rules_file.write_text("".join(line + "\n" for line in rule_lines(rules)), encoding="utf-8")
        rules_path = rules_path or f"analysis/{rules_file.name}"
        click.echo(f"{len(rules)} stemming rules written to {rules_file}: copy it to <config>/{rules_path} "
                   "on every node", err=True)
    settings = index_settings(words, rules_path=rules_path, fallback=fallback)
    text = json.dumps(settings, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"settings of the analyzer {ANALYZER} ({len(words)} vocabulary words) written to {output}",
                   err=True)


COMMANDS = [opensearch_settings]
