"""The ranking's numbers and the query's terms, shared by every engine so that they rank alike.

BM25F over the stemmed title, lead and body (one saturation per term across the fields, title and lead
weighted up), BM25 over the unstemmed `exact` field, a bonus for exact matches of quoted phrases, the
question-frame weight and the freshness weight. The Whoosh engine applies them to numpy arrays
(ranking.py); another engine applies the same functions to the statistics it reads from its own index.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from indexer.query.parser import Group, Phrase, Prefix, Terms, Word, positive_leaves
from indexer.storage.schema import EXACT_FIELD

K1 = 1.2


@dataclass(frozen=True, slots=True)
class FieldParams:
    weight: float  # how much one occurrence here counts, relative to one in the body
    b: float  # BM25 length normalization: titles are short and similar, bodies vary a lot


# BM25F fields for stemmed terms. The unstemmed companion is scored separately with EXACT_PARAMS.
# `lead` is the body's opening words again (see schema.LEAD_WORDS): news states its subject up front.
TEXT_FIELDS = {
    "title": FieldParams(weight=2.0, b=0.5),
    "lead": FieldParams(weight=2.0, b=0.5),
    "body": FieldParams(weight=1.0, b=0.75),
}
EXACT_PARAMS = FieldParams(weight=0.3, b=0.75)
PHRASE_WEIGHT = 0.5  # an exact match of a quoted phrase counts its words' idf again, at this weight
RERANK_DEPTH = 100  # phrase matches reorder this many best candidates; fixed, so pages stay consistent
MAX_PHRASE_TERMS = 8
# Arabic questions name what they ask for right after the question word: ما اسم ("what is the name
# of"), كم عدد ("how many"), في أي عام ("in which year"). That noun frames the question and is rarely in
# the answer's text, so it counts at FRAME_WEIGHT; the remaining words carry the topic.
QUESTION_WORDS = ("ما", "ماذا", "كم", "أي")
FRAME_NOUNS = ("اسم", "عدد", "معنى", "تعريف", "نوع", "عام", "سنة")
COPULAS = ("هو", "هي")  # ما هو اسم ... asks the same as ما اسم ...
FRAME_WEIGHT = 0.3


def bm25_idf(doc_count: int, df: int) -> float:
    """Lucene's BM25 idf: like Robertson-Sparck Jones, but never negative for very common terms."""
    return math.log(1.0 + (doc_count - df + 0.5) / (df + 0.5))


def saturate(pseudo_tf: np.ndarray, doc_count: int, df: int) -> np.ndarray:
    """BM25's saturation of a (length-normalized) frequency, times the idf of a term in `df` documents."""
    idf = bm25_idf(doc_count, df)
    return (idf * pseudo_tf * (K1 + 1.0) / (K1 + pseudo_tf)).astype(np.float32)


def field_analyzers(schema) -> dict:
    names = ("body", EXACT_FIELD)
    return {name: schema[name].analyzer for name in names if name in schema}


def analyze(analyzer, text: str) -> list[str]:
    return [token.text for token in analyzer(text, mode="query")]


def scoring_terms(analyzers: dict, tree: Group) -> tuple[Counter, Counter]:
    """Stemmed and exact terms of every positive word and phrase of a text field, counted."""
    stemmed, exact = Counter(), Counter()
    for leaf in positive_leaves(tree):
        if isinstance(leaf, Prefix) or leaf.field not in (None, "title", "body"):
            continue
        if isinstance(leaf, Terms):  # an expansion: stemmed terms already, at its weight; never exact
            for term in leaf.terms:
                stemmed[term] += leaf.weight
            continue
        stemmed.update(analyze(analyzers["body"], leaf.text))
        if EXACT_FIELD in analyzers:
            exact.update(analyze(analyzers[EXACT_FIELD], leaf.text))
    return stemmed, exact


def question_frame_terms(analyzer, text: str) -> list[str]:
    """The terms of `text` that are a frame noun right after a question word (ما اسم -> [اسم])."""
    questions, frames, copulas = _frame_vocabulary(analyzer)
    tokens = [token for token in _terms_with_stops(analyzer, text) if token[0] not in copulas]
    return [term for (previous, _), (term, stopped) in zip(tokens, tokens[1:])
            if previous in questions and not stopped and term in frames]


_frame_vocabularies: dict[int, tuple] = {}  # id(analyzer) -> (analyzer, vocabulary); analyzers are unhashable


def _frame_vocabulary(analyzer) -> tuple[set[str], set[str], set[str]]:
    """The analyzed question words, frame nouns and copulas: the same for every query, so built once."""
    entry = _frame_vocabularies.get(id(analyzer))
    if entry is None or entry[0] is not analyzer:
        if len(_frame_vocabularies) > 16:  # analyzers of closed indexes
            _frame_vocabularies.clear()
        vocabulary = (
            {term for word in QUESTION_WORDS for term, _ in _terms_with_stops(analyzer, word)},
            {term for word in FRAME_NOUNS for term in analyze(analyzer, word)},
            {term for word in COPULAS for term, _ in _terms_with_stops(analyzer, word)},
        )
        entry = _frame_vocabularies[id(analyzer)] = (analyzer, vocabulary)
    return entry[1]


def _terms_with_stops(analyzer, text: str) -> list[tuple[str, bool]]:
    return [(t.text, t.stopped) for t in analyzer(text, mode="query", removestops=False)]


def is_plain_text(analyzers: dict, tree: Group) -> bool:
    """Only free words of at most one term each (or one-term expansions of them): then a document matches
    exactly when it scores."""
    if tree.must or tree.must_not or not tree.should:
        return False
    return all((isinstance(node, Word) and node.field is None and len(analyze(analyzers["body"], node.text)) <= 1)
               or (isinstance(node, Terms) and node.field is None and len(node.terms) == 1)
               for node in tree.should)


def phrase_terms(analyzers: dict, tree: Group) -> list[list[str]]:
    """The analyzed terms of each optional quoted phrase (of two or more terms) of the query.

    Required phrases need no bonus: every document that matches holds them.
    """
    phrases = (analyze(analyzers["body"], node.text)[:MAX_PHRASE_TERMS] for node in tree.should
               if isinstance(node, Phrase))
    return [terms for terms in phrases if len(terms) > 1]


# --- freshness ---------------------------------------------------------------------------------------
# A hit's relevance is multiplied by 1 + FRESHNESS_BOOST · 2^(−age / half-life), where age is measured back
# from the index's newest article (not the wall clock: an archive's "today" is its last day, and the eval
# and the tests must not change as time passes). The factor lies in [1, 1 + FRESHNESS_BOOST], so freshness
# only reorders hits whose relevance is within that margin of each other: two reports of the same story
# come newest first, while an article twice as relevant is never overtaken by a weak match from today.
FRESHNESS_BOOST = 0.2  # the newest article counts at most a fifth more than an undated or very old one
MICROS_PER_DAY = 86_400 * 1_000_000


def published_micros(moment: datetime) -> int:
    """A naive UTC time as microseconds since 0001-01-01, the value Whoosh's datetime column keeps
    (`ReaderArrays.published`), so that every engine measures ages on the same scale."""
    elapsed = moment - datetime.min
    return (elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + elapsed.microseconds


def freshness_factors(published_us: np.ndarray, reference_us: int | None, half_life_days: float) -> np.ndarray:
    """The multiplier of each score for articles published at `published_us` (see `published_micros`; -1 for
    an undated article), `reference_us` being the newest article's time.

    Undated articles get 1.0, as if very old: an article that gives no date cannot claim to be fresh. An
    article dated after the reference (possible only in a filtered view) counts as age 0.
    """
    published_us = np.asarray(published_us, dtype=np.int64)
    factors = np.ones(len(published_us), dtype=np.float64)
    if reference_us is None:
        return factors.astype(np.float32)
    dated = published_us >= 0
    age_days = np.maximum(reference_us - published_us[dated], 0) / MICROS_PER_DAY
    factors[dated] += FRESHNESS_BOOST * np.exp2(-age_days / half_life_days)
    return factors.astype(np.float32)
