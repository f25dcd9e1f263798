"""The analyzer `arabic_search` that `arabic-search opensearch-settings` writes, run by a real OpenSearch 2.19.6
cluster (the `opensearch_cluster` fixture) and compared token by token with our analyzer: every word of the
sample's vocabulary, every title and body of the sample, Arabic cases written every way (diacritics, hamza
forms, clitics, Arabic-Indic digits, mixed Arabic and English), words outside the vocabulary (the fallback),
the rules read from a node's config file, and a client's own search. Run with `make test-cluster`."""
from __future__ import annotations

import bisect
import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers.registry import get_analyzer
from analyzers.tokenizer import WORD_PATTERN
from indexer.ingest.article import Article
from indexer.ingest.sources import read_sources
from indexer.opensearch import native_analysis as native
from search_app.cli import cli

pytestmark = pytest.mark.cluster

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT / "index_data" / "sample"
TEXTS_PER_REQUEST = 2000
# Measured with this commit's analyzer on the sample (see each test); a floor just under each, so a change
# that makes the native analyzer drift from ours fails here.
VOCABULARY_FLOOR = 1.0  # measured 1.0000 (22,287 of 22,287 words)
UNSEEN_FLOOR = 0.74  # measured 0.7489: words of the odd articles that the even articles lack, with the fallback
UNSEEN_WITHOUT_FALLBACK_FLOOR = 0.31  # measured 0.3124: such words stay unstemmed
UNSEEN_WITH_WORD_COUNTS_FLOOR = 0.88  # measured 0.8844: the stemmer's own words given rules too

ours = get_analyzer("arabic")


def our_terms(text: str) -> list[str]:
    return [token.text for token in ours(text, mode="index")]


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def create_index(client, name: str, body: dict) -> str:
    body = json.loads(json.dumps(body))
    body["settings"]["index"] = {"number_of_shards": 1, "number_of_replicas": 0,
                                 "analyze": {"max_token_count": 1_000_000}}
    client.indices.delete(index=name, ignore=[404])
    client.indices.create(index=name, body=body)
    return name


def cluster_terms(client, index: str, texts: list[str]) -> list[list[str]]:
    """Each text's tokens from `_analyze` with arabic_search, many texts a request: `_analyze` numbers the
    offsets of its texts on, one past each text's length (in UTF-16 units), so a token's offset says whose it is."""
    answers = []
    for start in range(0, len(texts), TEXTS_PER_REQUEST):
        batch = texts[start:start + TEXTS_PER_REQUEST]
        bases, offset = [], 0
        for text in batch:
            bases.append(offset)
            offset += _utf16_length(text) + 1
        tokens: list[list[str]] = [[] for _ in batch]
        response = client.indices.analyze(index=index, body={"analyzer": native.ANALYZER, "text": batch})
        for token in response["tokens"]:
            tokens[bisect.bisect_right(bases, token["start_offset"]) - 1].append(token["token"])
        answers += tokens
    return answers


def agreement(client, index: str, words: list[str], counts: Counter | None = None) -> tuple[float, float, list]:
    """(share of `words` analyzed alike, the same weighted by `counts`, the words that differ with both answers)."""
    theirs = cluster_terms(client, index, words)
    differ = [(word, our_terms(word), their) for word, their in zip(words, theirs) if our_terms(word) != their]
    share = 1 - len(differ) / len(words)
    counts = counts or Counter(words)
    weighted = 1 - sum(counts[word] for word, _, _ in differ) / sum(counts[word] for word in words)
    return share, weighted, differ


@pytest.fixture(scope="module")
def sample_words() -> Counter:
    return native.vocabulary([SAMPLE])


@pytest.fixture(scope="module")
def sample_index(opensearch_cluster, tmp_path_factory):
    """An index made from what the command writes, as a client would PUT it."""
    output = tmp_path_factory.mktemp("native") / "settings.json"
    result = CliRunner().invoke(cli, ["opensearch-settings", "--vocabulary", str(SAMPLE), "--output", str(output)])
    assert result.exit_code == 0, result.output
    return create_index(opensearch_cluster.client(0), "native-sample", json.loads(output.read_text(encoding="utf-8")))


def test_every_word_of_the_sample_is_analyzed_as_we_do(opensearch_cluster, sample_index, sample_words):
    words = sorted(sample_words)
    share, weighted, differ = agreement(opensearch_cluster.client(0), sample_index, words, sample_words)
    print(f"\nsample vocabulary: {share:.4f} of {len(words)} words agree ({weighted:.4f} of their occurrences); "
          f"differ: {differ[:20]}")
    assert share >= VOCABULARY_FLOOR, differ[:20]


def test_every_title_and_body_of_the_sample_is_analyzed_as_we_do(opensearch_cluster, sample_index):
    texts = [text for item in read_sources([SAMPLE]) if isinstance(item, Article) for text in (item.title, item.body)]
    theirs = cluster_terms(opensearch_cluster.client(0), sample_index, texts)
    differ = [(text[:60], our_terms(text), their) for text, their in zip(texts, theirs) if our_terms(text) != their]
    tokens = sum(len(our_terms(text)) for text in texts)
    print(f"\nsample texts: {len(texts) - len(differ)} of {len(texts)} titles and bodies analyzed alike "
          f"({tokens} tokens)")
    assert differ == []


# Arabic written every way; each case is a text, compared whole (positions aside).
CASES = {
    "diacritics": ["الرَّئِيسُ", "مُحَمَّدٌ", "كِتَابًا", "عَلَى", "وَالْمَدِينَةُ", "الـــعـــربية", "لِلْحُكُومَةِ"],
    "hamza forms": ["أحمد", "إسلام", "آمال", "ٱلحمد", "مسؤول", "مسئول", "شؤون", "شئون", "سؤال",
                    "مسو\u0654ول", "ا\u0654حمد", "ا\u0655سلام"],
    "clitics": ["وزير", "والكتاب", "بالمدينة", "للحكومة", "لواشنطن", "وبالأمس", "فالرئيس", "كالعادة", "وزيارته"],
    "digits": ["٢٠١٨", "۱۳۹۹", "١٬٠٠٠", "٣٫٥", "1,000", "3.5", "٢٠١٨م", "1440هـ", "بـ5.5", "１２"],
    "mixed": ["Google وفيسبوك", "iPhone الجديد", "COVID-19 في مصر", "don't", "Ａｒａｂｉｃ", "ﬁnal", "NASA ناسا"],
    "spelling": ["على", "علي", "علی", "حتى", "إلى", "الى", "ﻻ", "ﷲ", "ﺍﻟﻌﺮﺑﻴﺔ", "مي\u200cخواهم", "كتابک",
                 "المدينةالمنورة", "#اليوم_الوطني", "\u200fالقدس\u200e", "مدرسه"],
}


def test_arabic_written_every_way_is_analyzed_as_we_do(opensearch_cluster, sample_words):
    cases = [text for texts in CASES.values() for text in texts]
    words = list(sample_words) + [word for text in cases for word in WORD_PATTERN.findall(text)]
    client = opensearch_cluster.client(0)
    index = create_index(client, "native-cases", native.index_settings(words))
    theirs = dict(zip(cases, cluster_terms(client, index, cases)))
    differ = {text: (our_terms(text), theirs[text]) for text in cases if our_terms(text) != theirs[text]}
    for kind, texts in CASES.items():
        print(f"\n{kind}: " + "; ".join(f"{text} -> {' '.join(theirs[text]) or '(stopped)'}" for text in texts))
    assert differ == {}
    assert theirs["عَلَى"] == [] and theirs["علي"] == ["علي"]  # on / Ali
    assert theirs["بالمدينة"] == ["مدينة"] and theirs["لواشنطن"] == ["واشنطن"] and theirs["وزير"] == ["وزير"]
    assert theirs["١٬٠٠٠"] == ["1,000"] and theirs["٢٠١٨م"] == ["2018"]
    assert theirs["Google وفيسبوك"] == ["google", "فيسبوك"]


def test_words_outside_the_vocabulary(opensearch_cluster):
    """Rules from the even articles; the words of the odd articles that those lack, as a client's new text."""
    even, odd = Counter(), Counter()
    articles = [item for item in read_sources([SAMPLE]) if isinstance(item, Article)]
    for number, article in enumerate(articles):
        for text in (article.title, article.body):
            (even if number % 2 == 0 else odd).update(WORD_PATTERN.findall(text))
    unseen = sorted(set(odd) - set(even))
    client = opensearch_cluster.client(0)
    shares = {}
    for name, words, fallback in (("fallback", list(even), True), ("no-fallback", list(even), False),
                                  ("word-counts", list(even) + native.stemmer_words(), True)):
        index = create_index(client, f"native-unseen-{name}", native.index_settings(words, fallback=fallback))
        shares[name] = agreement(client, index, unseen, odd)
        client.indices.delete(index=index)
    for name, (share, weighted, differ) in shares.items():
        print(f"\nunseen words, {name}: {share:.4f} of {len(unseen)} agree ({weighted:.4f} of their occurrences); "
              f"e.g. {differ[:8]}")
    assert shares["fallback"][0] >= UNSEEN_FLOOR
    assert shares["no-fallback"][0] >= UNSEEN_WITHOUT_FALLBACK_FLOOR
    assert shares["word-counts"][0] >= UNSEEN_WITH_WORD_COUNTS_FLOOR
    assert shares["word-counts"][0] > shares["fallback"][0] > shares["no-fallback"][0]


def test_rules_read_from_every_nodes_config_directory(opensearch_cluster, sample_words, tmp_path):
    rules_file = tmp_path / "arabic_search_stems.txt"
    result = CliRunner().invoke(cli, ["opensearch-settings", "--vocabulary", str(SAMPLE),
                                      "--rules-file", str(rules_file)])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    rules_path = body["settings"]["analysis"]["filter"][native.STEMS]["rules_path"]
    for name in opensearch_cluster.node_names:  # path.home is the node's folder; its config directory is config/
        target = opensearch_cluster.base_dir / name / "config" / rules_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rules_file.read_bytes())
    client = opensearch_cluster.client(0)
    index = create_index(client, "native-rules-file", body)
    words = sorted(sample_words)
    share, _, differ = agreement(client, index, words)
    assert share >= VOCABULARY_FLOOR, differ[:20]


def test_a_client_searching_the_cluster_finds_every_form_of_a_word(opensearch_cluster):
    articles = {"a-1": ("زيارة وزير الخارجية لواشنطن", "وصل الوزيرُ إلى المدينةِ أمس في زيارته الأولى"),
                "a-2": ("الحكومة تقر الميزانية", "أقرت الحكومة ميزانية عام ٢٠١٨م بعد نقاش"),
                "a-3": ("Google تفتتح مكتبا", "افتتحت شركة Google مكتبها الجديد في دبي")}
    words = [word for title, body in articles.values() for word in WORD_PATTERN.findall(f"{title} {body}")]
    client = opensearch_cluster.client(0)
    # the stemmer's own words too (--with-word-counts): a query's حكومات is in no article, but in them
    index = create_index(client, "native-client-search", native.index_settings(words + native.stemmer_words()))
    for doc_id, (title, body) in articles.items():
        client.index(index=index, id=doc_id, body={"title": title, "body": body})
    client.indices.refresh(index=index)

    def found(query: str) -> list[str]:
        hits = client.search(index=index, body={"query": {"multi_match": {"query": query, "fields": ["title", "body"]}}})
        return sorted(hit["_id"] for hit in hits["hits"]["hits"])

    assert found("واشنطن") == ["a-1"]  # لواشنطن
    assert found("الزيارة") == ["a-1"]  # زيارة, زيارته
    assert found("وزيرٌ") == ["a-1"]  # الوزيرُ, diacritics either side
    assert found("حكومات") == ["a-2"]  # plural of حكومة
    assert found("2018") == ["a-2"]  # ٢٠١٨م
    assert found("google") == ["a-3"]
    assert found("على في إلى") == []  # stopwords only
