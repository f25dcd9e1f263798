"""Build `spelling_variants.tsv`, the table of spellings that are one word, and its reference counts.

    python -m analyzers.make_spelling_variants ../shared/corpus/ant-v2.1.jsonl.gz \\
        ../shared/corpus/ant-jawharafm-v1.1.jsonl.gz --counts analyzers/variant_term_counts.txt \\
        > analyzers/spelling_variants.tsv

Every article (title and text) is analyzed with the `arabic` analyzer, so the table holds index terms.
Candidates are pairs of terms with one `variant_skeleton`, each in at least `--min-df` articles, each of
at least 4 letters, with a skeleton of at least 3 (shorter skeletons are Arabic roots: قال / قول / كل).
A pair is kept when the corpus shows it behaves as one word, by either test:

* house style: outlets prefer different spellings (the two terms' per-outlet document rates differ, a
  Jensen-Shannon divergence >= 0.3 with a G-test statistic >= 10, i.e. not sampling noise), AND the two
  share neighbouring words (PPMI cosine of the +-3-term windows >= 0.1). انستغرام is Sky News's spelling
  and انستجرام another outlet's; ملك and مالك are written by every outlet alike (divergence 0.01).
* substitutes: the windows are much alike (cosine >= 0.2) although house style does not differ.

In both, the two spellings meet in at most 1 in 5 (house style: 1 in 2) of the rarer one's articles: a
writer keeps to one spelling, while an Arabic word and its relatives (عمل / عامل: 57%) share articles.
Kept pairs are joined into groups; the commonest spelling comes first.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from analyzers.registry import get_analyzer
from analyzers.spelling_variants import ARABIC_TERM, variant_skeleton

CORPUS_NOTE = """\
# Derived from the ANT corpora (Chouigui, Ben Khiroun, Elayeb; cite "ANT Corpus: An Arabic News Text
# Collection for Textual Classification", IEEE/ACS AICCSA 2017, or the AJSE 2021 paper): ANT v2.1
# (31,525 articles 2018 from Al Arabiya, BBC, CNN, France 24, Sky News Arabia; citation licence, README
# says Apache-2.0) and ANT v1.1 (JawharaFM, Tunisia, 10,161 articles 2013-2017; Apache-2.0).
"""
GROUPS_HEADER = """\
# Spellings of one foreign name or loanword, as analyzed terms: one group per line, tab-separated,
# commonest first. Read by analyzers/spelling_variants.py; criteria in analyzers/make_spelling_variants.py.
""" + CORPUS_NOTE + "# Regenerate with: python -m analyzers.make_spelling_variants CORPUS... > analyzers/spelling_variants.tsv\n"
COUNTS_HEADER = """\
# Reference document counts of analyzed terms (the `arabic` analyzer), the general news the spelling-
# variant guard compares a live index with. Read by analyzers/spelling_variants.py.
""" + CORPUS_NOTE + "# Regenerate with: python -m analyzers.make_spelling_variants CORPUS... --counts FILE\n"

WINDOW = 3
MIN_LENGTH = 4
MIN_SKELETON = 3
STYLE_DIVERGENCE, STYLE_G, STYLE_CONTEXT, STYLE_COOCCURRENCE = 0.3, 10.0, 0.1, 0.5
SUBSTITUTE_CONTEXT, SUBSTITUTE_COOCCURRENCE = 0.2, 0.2


def read_articles(paths):
    """(outlet, analyzed terms) per article; the outlet is the article's `source` or else the file's name."""
    analyzer = get_analyzer("arabic")
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                article = json.loads(line)
                text = f"{article.get('title') or ''}\n{article.get('text') or ''}"
                yield article.get("source") or Path(path).name, [token.text for token in analyzer(text)]


def candidate_groups(df: Counter, min_df: int) -> dict[str, list[str]]:
    groups = defaultdict(list)
    for term, n in df.items():
        if n >= min_df and len(term) >= MIN_LENGTH and ARABIC_TERM.fullmatch(term):
            skeleton = variant_skeleton(term)
            if len(skeleton) >= MIN_SKELETON:
                groups[skeleton].append(term)
    return {skeleton: sorted(terms) for skeleton, terms in groups.items() if len(terms) > 1}


def context_vectors(articles, candidates: set[str]) -> dict[str, dict[str, float]]:
    """PPMI-weighted +-WINDOW neighbour vectors of the candidate terms."""
    windows, totals = defaultdict(Counter), Counter()
    for _, terms in articles:
        totals.update(terms)
        for i, term in enumerate(terms):
            if term in candidates:
                windows[term].update(terms[max(0, i - WINDOW):i] + terms[i + 1:i + 1 + WINDOW])
    grand = sum(totals.values())
    vectors = {}
    for term, window in windows.items():
        size = sum(window.values())
        vectors[term] = {u: math.log(n * grand / (size * totals[u])) for u, n in window.items()
                         if totals[u] >= 3 and n * grand > size * totals[u]}
    return vectors


def cosine(a: dict, b: dict, skip: set) -> float:
    dot = sum(v * b[u] for u, v in a.items() if u in b and u not in skip)
    norm_a = math.sqrt(sum(v * v for u, v in a.items() if u not in skip))
    norm_b = math.sqrt(sum(v * v for u, v in b.items() if u not in skip))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def outlet_difference(a: Counter, b: Counter, outlet_size: Counter) -> tuple[float, float]:
    """(Jensen-Shannon divergence of per-outlet document rates, G statistic of the 2 x outlets table)."""
    outlets = sorted(outlet_size)
    rate_a = [a[o] / outlet_size[o] for o in outlets]
    rate_b = [b[o] / outlet_size[o] for o in outlets]
    p = [x / sum(rate_a) for x in rate_a]
    q = [x / sum(rate_b) for x in rate_b]
    m = [(x + y) / 2 for x, y in zip(p, q)]
    kl = lambda x, y: sum(xi * math.log(xi / yi) for xi, yi in zip(x, y) if xi > 0)  # noqa: E731
    total_a, total_b = sum(a[o] for o in outlets), sum(b[o] for o in outlets)
    g = 0.0
    for o in outlets:
        column = a[o] + b[o]
        for observed, total in ((a[o], total_a), (b[o], total_b)):
            if observed:
                g += 2 * observed * math.log(observed / (column * total / (total_a + total_b)))
    return (kl(p, m) + kl(q, m)) / 2 / math.log(2), g


def same_word(a, b, *, vectors, members, per_outlet, outlet_size, postings, df) -> bool:
    """The evidence test of the module docstring for one candidate pair."""
    together = len(postings[a] & postings[b]) / min(df[a], df[b])
    context = cosine(vectors.get(a, {}), vectors.get(b, {}), members)
    if context >= SUBSTITUTE_CONTEXT and together <= SUBSTITUTE_COOCCURRENCE:
        return True
    if context < STYLE_CONTEXT or together >= STYLE_COOCCURRENCE:
        return False
    divergence, g = outlet_difference(per_outlet[a], per_outlet[b], outlet_size)
    return divergence >= STYLE_DIVERGENCE and g >= STYLE_G


def join_pairs(pairs, df: Counter) -> list[list[str]]:
    parent = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = defaultdict(list)
    for term in parent:
        groups[root(term)].append(term)
    return sorted((sorted(g, key=lambda t: (-df[t], t)) for g in groups.values()), key=lambda g: (-df[g[0]], g))


def mine(articles, min_df: int = 3) -> tuple[list[list[str]], Counter]:
    df, per_outlet, outlet_size = Counter(), defaultdict(Counter), Counter()
    for outlet, terms in articles:
        outlet_size[outlet] += 1
        for term in set(terms):
            df[term] += 1
            per_outlet[term][outlet] += 1
    groups = candidate_groups(df, min_df)
    candidates = {t for terms in groups.values() for t in terms}
    postings = defaultdict(set)
    for number, (_, terms) in enumerate(articles):
        for term in candidates.intersection(terms):
            postings[term].add(number)
    vectors = context_vectors(articles, candidates)
    pairs = []
    for terms in groups.values():
        members = set(terms)
        for i, a in enumerate(terms):
            for b in terms[i + 1:]:
                if same_word(a, b, vectors=vectors, members=members, per_outlet=per_outlet,
                             outlet_size=outlet_size, postings=postings, df=df):
                    pairs.append((a, b))
    return join_pairs(pairs, df), df


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--min-df", type=int, default=3, help="articles a spelling must be in (default 3)")
    parser.add_argument("--counts", help="also write the reference term counts (df >= --min-df) here")
    args = parser.parse_args(argv)
    articles = list(read_articles(args.corpus))
    groups, df = mine(articles, args.min_df)
    sys.stdout.write(GROUPS_HEADER)
    for group in groups:
        sys.stdout.write("\t".join(group) + "\n")
    if args.counts:
        with open(args.counts, "w", encoding="utf-8") as out:
            out.write(COUNTS_HEADER)
            for term, n in sorted(df.items(), key=lambda item: (-item[1], item[0])):
                if n >= args.min_df and term:
                    out.write(f"{term}\t{n}\n")


if __name__ == "__main__":
    main()
