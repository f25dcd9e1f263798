"""The same story from several outlets: fingerprints, story ids through rebuild, add and delete, grouped
search results, `GET /api/stories/<id>` and the page's "و N مصادر أخرى", on hand-made news."""
from __future__ import annotations

import pickle
import subprocess
import sys
import zlib
from datetime import datetime

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.chunk_memo import words_end
from analyzers.fused import text_terms
from indexer.build.rebuild import add_articles, build_index_dir, delete_documents, rebuild_from_articles
from indexer.engine import open_engine
from indexer.ingest.article import Article
from indexer.query.request import parse_search_request
from indexer.stories import fingerprint
from indexer.stories.assign import StoryIndex, parse_story_text, story_text
from search_app.factory import create_app
from search_app.page_view import other_sources_label

# One event (the Central Bank of Jordan raising its rate), told by three outlets in their own words, with
# diacritics, hamza forms, clitics, an English name and Arabic-Indic digits where they wrote them.
RATE_SKY = ("رفع البنك المركزي الأردني سعر الفائدة الرئيسي بمقدار ربع نقطة مئوية اليوم الخميس، في خطوة قال إنها "
            "تهدف إلى الحفاظ على استقرار الدينار وجاذبية الادخار بالعملة المحلية، وذلك بعد ساعات من قرار مجلس "
            "الاحتياطي الفيدرالي الأمريكي رفع أسعار الفائدة. وقال محافظ البنك زياد فريز إن الاقتصاد الأردني قادر "
            "على استيعاب الزيادة وإن التضخم ما زال تحت السيطرة")
RATE_ARABIYA = ("رَفَعَ البنك المركزي الأردني، الخميس، سعر الفائدة الرئيسي بمقدار ربع نقطة مئوية، في خطوة قال إنها "
                "تهدف للحفاظ على استقرار الدينار وجاذبية الادخار بالعملة المحلية، بعد ساعات من قرار الاحتياطي "
                "الفيدرالي (Fed) الأميركي رفع الفائدة. وأكد محافظ البنك زياد فريز أن الاقتصاد الأردني قادر على "
                "استيعاب الزيادة، مشيراً إلى أن التضخم ما زال تحت السيطرة عند ٢٫٥٪")
RATE_BBC = ("قرر البنك المركزي الأردني رفع سعر الفائدة الرئيسي بمقدار ربع نقطة مئوية يوم الخميس، في خطوة تهدف إلى "
            "الحفاظ على استقرار الدينار وجاذبية الادخار بالعملة المحلية، وجاءت بعد ساعات من قرار مجلس الاحتياطي "
            "الفيدرالي الأمريكي رفع أسعار الفائدة. وقال محافظ البنك المركزي زياد فريز إن اقتصاد الأردن قادر على "
            "استيعاب الزيادة وإن التضخم تحت السيطرة")
# Same headline words, another event: the bank keeps its rate a month later, a different story.
RATE_HELD = ("أبقى البنك المركزي الأردني على سعر الفائدة دون تغيير في اجتماعه الشهري، مشيرا إلى تباطؤ النمو في "
             "قطاعي البناء والسياحة وتراجع الصادرات إلى الأسواق الخليجية، بينما توقع خبراء اقتصاديون أن يعود البنك "
             "إلى رفع الفائدة قبل نهاية العام إذا واصل الفيدرالي الأمريكي سياسته المتشددة وارتفعت أسعار النفط")
QUAKE = ("ضرب زلزال بقوة ست درجات على مقياس ريختر جنوب تركيا فجر اليوم، ولم ترد أنباء فورية عن وقوع إصابات أو "
         "أضرار، بحسب إدارة الكوارث والطوارئ التركية التي قالت إن مركز الهزة كان على عمق عشرة كيلومترات قرب مدينة "
         "أضنة، وشعر بها سكان المحافظات المجاورة")

def article(doc_id, body, source, day=14, title="البنك المركزي الأردني يرفع الفائدة", hour=9):
    return Article(id=doc_id, body=body, title=title, source=source, published=datetime(2018, 6, day, hour),
                   url=f"https://example.com/{doc_id}")


THREE_OUTLETS = [
    article("sky-1", RATE_SKY, "skynews", hour=9),
    article("arabiya-1", RATE_ARABIYA, "alarabia", hour=10),
    article("bbc-1", RATE_BBC, "BBC", hour=11),
]
OTHERS = [
    article("held-1", RATE_HELD, "skynews", day=28, title="البنك المركزي الأردني يبقي الفائدة دون تغيير"),
    article("quake-1", QUAKE, "BBC", day=15, title="زلزال جنوب تركيا"),
]


def stories_of(root) -> dict[str, str]:
    engine = open_engine(root)
    try:
        stories = {}
        for page in range(1, 5):
            result = engine.search(parse_search_request({"q": "", "per_page": "100", "page": str(page), "group": "0"}))
            stories.update({hit["id"]: hit["story"]["id"] for hit in result["hits"]})
        return stories
    finally:
        engine.close()


@pytest.fixture()
def root(tmp_path):
    rebuild_from_articles(THREE_OUTLETS + OTHERS, tmp_path / "index")
    return tmp_path / "index"


def test_signatures_are_datasketch_minhashes_of_the_opening_pairs():
    bodies = [RATE_SKY, RATE_ARABIYA, QUAKE, "خبر قصير"]
    signatures = fingerprint.signatures(bodies)
    for body, signature in zip(bodies[:3], signatures):
        reference = MinHash(num_perm=fingerprint.NUM_PERM, seed=fingerprint.SEED, scheme="affine32", hashfunc=int)
        terms = np.array(fingerprint.term_hashes(body), dtype=np.uint32)
        reference.update_batch(fingerprint.shingle_hashes(terms).tolist())
        assert np.array_equal(reference.hashvalues.astype(np.uint32), signature)
    assert np.array_equal(signatures[3], fingerprint.EMPTY)  # under MIN_TERMS terms: no fingerprint
    assert fingerprint.band_keys(signatures[3]) == []
    # the batch's band keys are the ones `add` computes one signature at a time
    marks = StoryIndex().assign(THREE_OUTLETS)
    assert marks[0].bands.split() == fingerprint.band_keys(signatures[0])


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(alphabet="الرئيسَ يُزورُ وبالقاهرة أإآٱى ة ٣٤ 2018م Reuters، «.» /-_\"\n\u00a0\u200b😀", max_size=400),
    st.lists(st.sampled_from(["الاستراتيجية", "استراتيجيه", "وَالرَّئِيسُ", "لـ\"سكاي", "أيار/مايو", "٢٠١٨",
                              "CNN", "في", "من", "،", "على"]), max_size=120).map(" ".join),
))
def test_term_hashes_are_the_crc32_of_the_opening_terms(body):
    # the openings' own memo of hashes reads the same terms as the analyzer's chunk memo
    opening = body[:words_end(body, fingerprint.STORY_WORDS)]
    assert fingerprint.term_hashes(body) == [zlib.crc32(term.encode("utf-8")) for term in text_terms(opening)]


def test_the_permutations_and_bands_are_datasketchs():
    reference = MinHash(num_perm=fingerprint.NUM_PERM, seed=fingerprint.SEED, scheme="affine32").permutations
    assert np.array_equal(np.stack(fingerprint._affine32_permutations(fingerprint.SEED, fingerprint.NUM_PERM)),
                          reference)
    shape = MinHashLSH(threshold=fingerprint.CANDIDATE_SIMILARITY, num_perm=fingerprint.NUM_PERM)
    assert (fingerprint.BANDS, fingerprint.ROWS) == (shape.b, shape.r)


def test_indexing_and_searching_do_not_load_datasketch(tmp_path):
    """datasketch brings scipy (0.4 s and 46 MiB a process): a reference for the tests, not a run-time import."""
    root, articles = str(tmp_path / "index"), tmp_path / "articles.pickle"
    articles.write_bytes(pickle.dumps((THREE_OUTLETS, OTHERS)))
    script = ("import pickle, sys; from search_app.factory import create_app; "
              "from indexer.build.rebuild import add_articles, rebuild_from_articles; "
              f"first, more = pickle.loads(open({str(articles)!r}, 'rb').read()); "
              f"rebuild_from_articles(first, {root!r}); add_articles(more, {root!r}); "
              f"client = create_app({{'INDEX': {root!r}}}).test_client(); "
              "assert client.get('/api/search?q=الفائدة').json['total'] > 0; "
              "assert client.get('/?q=الفائدة').status_code == 200; "
              "print('datasketch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_story_rewritten_by_three_outlets_is_one_story_and_other_news_is_not(root):
    stories = stories_of(root)
    assert stories["sky-1"] == stories["arabiya-1"] == stories["bbc-1"]
    assert stories["held-1"] != stories["sky-1"]  # the same headline words a fortnight later
    assert stories["quake-1"] != stories["sky-1"]
    assert len(set(stories.values())) == 3


def test_outside_the_window_even_the_same_text_founds_its_own_story(tmp_path):
    rerun = article("sky-again", RATE_SKY + " مجددا", "skynews", day=25)  # a template reused 11 days later
    rebuild_from_articles(THREE_OUTLETS + [rerun], tmp_path / "index")
    stories = stories_of(tmp_path / "index")
    assert stories["sky-again"] != stories["sky-1"]


def test_one_process_and_two_workers_assign_the_same_stories(tmp_path):
    many = [article(f"q{n}", QUAKE + f" الحصيلة {n}", "BBC") for n in range(300)] + THREE_OUTLETS + OTHERS
    rebuild_from_articles(many, tmp_path / "one", procs=1)
    rebuild_from_articles(many, tmp_path / "two", procs=2)
    assert stories_of(tmp_path / "one") == stories_of(tmp_path / "two")
    one, two = (open_engine(tmp_path / name) for name in ("one", "two"))
    try:
        for engine in (one, two):
            assert engine.search(parse_search_request({"q": "زلزال", "per_page": "100"}))["stories"] == 1
        grouped = [engine.search(parse_search_request({"q": "البنك المركزي"}))["hits"][0]["story"]
                   for engine in (one, two)]
        assert grouped[0] == grouped[1]
    finally:
        one.close()
        two.close()


def test_a_new_article_joins_its_story_through_add(tmp_path):
    rebuild_from_articles(THREE_OUTLETS[:1] + OTHERS, tmp_path / "index")
    before = stories_of(tmp_path / "index")
    summary = add_articles(THREE_OUTLETS[1:], tmp_path / "index")
    assert summary.indexed == 2
    after = stories_of(tmp_path / "index")
    assert after["arabiya-1"] == after["bbc-1"] == before["sky-1"] == after["sky-1"]
    assert after["held-1"] == before["held-1"]


def test_articles_of_one_add_batch_join_each_other(tmp_path):
    rebuild_from_articles(OTHERS, tmp_path / "index")
    add_articles(THREE_OUTLETS, tmp_path / "index")
    stories = stories_of(tmp_path / "index")
    assert stories["sky-1"] == stories["arabiya-1"] == stories["bbc-1"] != stories["held-1"]


def test_deleting_the_founder_keeps_the_story_and_its_id(root):
    story = stories_of(root)["sky-1"]
    delete_documents(["sky-1"], root)
    stories = stories_of(root)
    assert stories["arabiya-1"] == stories["bbc-1"] == story
    engine = open_engine(root)
    try:
        page = engine.story(story)
        assert [member["id"] for member in page["members"]] == ["bbc-1", "arabiya-1"]  # newest first
        assert page["size"] == 2
        hits = engine.search(parse_search_request({"q": "البنك المركزي الأردني"}))["hits"]
        assert [hit["story"]["size"] for hit in hits if hit["story"]["id"] == story] == [2]
    finally:
        engine.close()
    delete_documents(["arabiya-1", "bbc-1"], root)
    engine = open_engine(root)
    try:
        assert engine.story(story) is None  # no story points at nothing
    finally:
        engine.close()


def test_replacing_an_article_by_id_keeps_its_story(root):
    story = stories_of(root)["arabiya-1"]
    edited = article("arabiya-1", RATE_ARABIYA.replace("الخميس", "يوم الخميس"), "alarabia", hour=10)
    assert add_articles([edited], root).updated == 1
    assert stories_of(root)["arabiya-1"] == story


def test_search_shows_one_hit_per_story_with_the_other_outlets(root):
    engine = open_engine(root)
    try:
        grouped = engine.search(parse_search_request({"q": "البنك المركزي الأردني الفائدة"}))
        ungrouped = engine.search(parse_search_request({"q": "البنك المركزي الأردني الفائدة", "group": "0"}))
    finally:
        engine.close()
    total = ungrouped["total"]
    assert grouped["total"] == total >= 4  # articles, grouped or not
    assert grouped["stories"] == total - 2 and ungrouped["stories"] is None
    ungrouped_ids = [hit["id"] for hit in ungrouped["hits"]]
    best = min(ungrouped_ids.index(doc_id) for doc_id in ("sky-1", "arabiya-1", "bbc-1"))
    grouped_ids = [hit["id"] for hit in grouped["hits"]]
    assert grouped_ids == [doc_id for doc_id in ungrouped_ids
                           if doc_id not in {"sky-1", "arabiya-1", "bbc-1"} or doc_id == ungrouped_ids[best]]
    first = grouped["hits"][grouped_ids.index(ungrouped_ids[best])]
    assert first["story"]["size"] == 3
    assert {other["source"] for other in first["story"]["others"]} | {first["source"]} == {"skynews", "alarabia",
                                                                                             "BBC"}
    assert set(first["story"]["others"][0]) == {"id", "title", "url", "source", "published"}
    published = [other["published"] for other in first["story"]["others"]]
    assert published == sorted(published, reverse=True)
    assert sum(grouped["facets"]["source"].values()) == total  # facets count articles
    assert ungrouped["hits"][best]["story"]["size"] == 3


def test_grouped_pages_neither_overlap_nor_skip(tmp_path):
    corpus = [article(f"own-{n}", f"{QUAKE} خبر رقم {n} " + " ".join(f"كلمة{n}x{k}" for k in range(20)), "BBC",
                      day=1 + n % 28) for n in range(12)]
    rebuild_from_articles(corpus + THREE_OUTLETS, tmp_path / "index")
    engine = open_engine(tmp_path / "index")
    try:
        pages = [engine.search(parse_search_request({"q": "", "per_page": "4", "page": str(page)}))
                 for page in (1, 2, 3, 4)]
    finally:
        engine.close()
    stories = [hit["story"]["id"] for page in pages for hit in page["hits"]]
    assert len(stories) == len(set(stories)) == pages[0]["stories"]


def test_api_story_route_and_errors(root):
    client = create_app({"INDEX": str(root)}).test_client()
    hits = client.get("/api/search", query_string={"q": "البنك المركزي"}).get_json()["hits"]
    story = next(hit["story"] for hit in hits if hit["id"] in ("sky-1", "arabiya-1", "bbc-1"))
    response = client.get(f"/api/stories/{story['id']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["size"] == 3 and [member["id"] for member in body["members"]] == ["bbc-1", "arabiya-1", "sky-1"]
    for missing in ("0000000000000000", "not-a-story", "%3Cscript%3E"):
        response = client.get(f"/api/stories/{missing}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
        assert "<script" not in response.get_data(as_text=True)
    assert client.get("/api/search", query_string={"q": "x", "group": "maybe"}).status_code == 400


def test_page_lists_the_other_outlets_without_javascript(root):
    client = create_app({"INDEX": str(root)}).test_client()
    html = client.get("/", query_string={"q": "البنك المركزي الأردني"}).get_data(as_text=True)
    assert html.count('<details class="hit-story">') == 1
    assert "<summary>ومصدران آخران</summary>" in html
    assert html.count("https://example.com/") >= 3
    ungrouped = client.get("/", query_string={"q": "البنك المركزي الأردني", "group": "0"}).get_data(as_text=True)
    assert ungrouped.count('<li class="hit">') == html.count('<li class="hit">') + 2
    assert "group=0" in ungrouped  # links keep the choice


def test_story_titles_reaching_html_are_escaped(tmp_path):
    hostile = [article("a", RATE_SKY, "skynews", title="<script>alert(1)</script>"),
               article("b", RATE_BBC, "BBC", title='"><img src=x onerror=alert(1)>')]
    rebuild_from_articles(hostile, tmp_path / "index")
    client = create_app({"INDEX": str(tmp_path / "index")}).test_client()
    html = client.get("/", query_string={"q": "البنك المركزي"}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("count, label", [(1, "ومصدر آخر"), (2, "ومصدران آخران"), (3, "و 3 مصادر أخرى"),
                                          (10, "و 10 مصادر أخرى"), (11, "و 11 مصدرًا آخر"), (40, "و 40 مصدرًا آخر")])
def test_other_sources_label_agrees_with_its_number(count, label):
    assert other_sources_label(count) == label


def test_story_ids_round_trip_and_refuse_other_text():
    assert parse_story_text(story_text(123456789)) == 123456789
    assert parse_story_text(story_text(2**63 - 1)) == 2**63 - 1
    for text in ("", "abc", "G" * 16, "0x" + "0" * 14, "A" * 16):
        assert parse_story_text(text) is None


def test_the_eval_ranks_every_article_of_a_story(tmp_path):
    """rank_ids (what the eval measures) is not grouped: each outlet's article of one story counts."""
    with open_engine(tmp_path / "unused").scratch(THREE_OUTLETS + OTHERS, "arabic") as scratch:
        assert set(scratch.rank_ids("البنك المركزي الأردني يرفع الفائدة", 10)[:3]) == {"sky-1", "arabiya-1", "bbc-1"}


class _GivenMembers:
    """The two things `newest_members` reads of a reader: publication times and ids (counting id reads)."""

    def __init__(self, published, ids):
        self._published, self._ids, self.id_reads = np.array(published, dtype=np.int64), ids, 0

    def published(self):
        return self._published

    def doc_id(self, docnum):
        self.id_reads += 1
        return self._ids[docnum]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.sampled_from([-1, 5, 9, 10 ** 15]), st.text("abc", min_size=1, max_size=3)),
                max_size=12, unique_by=lambda row: row[1]))
def test_story_members_come_newest_first_undated_last_ties_by_id(rows):
    from indexer.query.search import newest_members

    view = _GivenMembers([p for p, _ in rows], [doc_id for _, doc_id in rows])
    docnums = list(range(len(rows)))
    expected = sorted(docnums, key=lambda d: (rows[d][0] < 0, -rows[d][0], rows[d][1]))
    assert newest_members(view, docnums) == expected
    # an id is read only where a publication time is shared
    assert view.id_reads == sum(1 for d in docnums if sum(p == rows[d][0] for p, _ in rows) > 1)
