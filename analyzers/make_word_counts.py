"""Build `word_counts.txt`, the word-frequency table the stemmer consults, from a JSONL news corpus.

    python -m analyzers.make_word_counts ../shared/corpus/ant-jawharafm-v1.1.jsonl.gz > analyzers/word_counts.txt

Counts are of normalized words; words seen fewer than `--min-count` times are left out. The default keeps
every word seen twice: a word seen once is as often a typo as a word, but the stemmer's questions (is
بوظيفة a word? is مقاتل commoner than مقاتلين?) are about rarer forms than a cut at 3 leaves it.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter

from analyzers.normalize import normalize
from analyzers.tokenizer import WORD_PATTERN

HEADER = """\
# Normalized Arabic word counts used by analyzers/stem.py to tell clitics from stem letters.
# Derived from the ANT corpus v1.1 (JawharaFM, Tunisia; Apache-2.0), 10,161 news articles, 2013-2017.
# Please cite: Chouigui, Ben Khiroun, Elayeb, "ANT Corpus: An Arabic News Text Collection for Textual
# Classification", IEEE/ACS AICCSA 2017. Regenerate with: python -m analyzers.make_word_counts CORPUS
"""


def count_words(lines) -> Counter:
    raw = Counter()
    for line in lines:
        article = json.loads(line)
        raw.update(WORD_PATTERN.findall(f"{article.get('title') or ''}\n{article.get('text') or ''}"))
    counts = Counter()
    for word, n in raw.items():
        counts[normalize(word)] += n
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rt", encoding="utf-8") as lines:
        counts = count_words(lines)
    sys.stdout.write(HEADER)
    for word, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if n >= args.min_count and word:
            sys.stdout.write(f"{word}\t{n}\n")


if __name__ == "__main__":
    main()
