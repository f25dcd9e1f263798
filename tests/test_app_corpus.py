"""A small Arabic corpus and index shared by the web-app tests (API, page, gunicorn, browser).

Each article exists to exercise one thing the service must get right; the gloss says which.
The module's own tests check that the fixture index holds what the other tests rely on.
"""
from __future__ import annotations

from datetime import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.ingest.article import Article
from indexer.build.rebuild import rebuild_from_articles
from indexer.storage.store import IndexStore

XSS_BODY = '<script>alert(1)</script> المدرسة <img src=x onerror=alert(2)> نهاية'
XSS_TITLE = '<b onmouseover=alert(3)>مدرسة</b> عنوان خبيث'
BIDI_OVERRIDE = "\u202e"

ARTICLES = [
    # Diacritized title and body: "the new school opens its doors to students".
    Article(
        id="school-diacritics",
        title="المَدْرَسَةُ الجَدِيدَةُ تَفْتَحُ أَبْوَابَهَا",
        body="افْتُتِحَتِ المَدْرَسَةُ الجَدِيدَةُ فِي المَدِينَةِ أَمَامَ الطُّلَّابِ صَبَاحَ الأَحَد.",
        source="BBC",
        category="education",
        published=datetime(2018, 3, 4),
        url="https://www.bbc.com/arabic/school-1",
    ),
    # Clitics: "and the schools", "in the school", "our schools" – all the word school.
    Article(
        id="school-clitics",
        title="وزارة التعليم تعلن خطة لتطوير المدارس",
        body="قالت الوزارة إن والمدارس الحكومية ستحصل على تمويل، وبالمدرسة الواحدة مختبر حديث، ومدارسنا بحاجة إلى معلمين.",
        source="CNN",
        category="education",
        published=datetime(2018, 5, 20),
        url="http://arabic.cnn.com/school-2",
    ),
    # Hamza forms: أحمد / احمد, إيران / ايران, آمال – "Ahmed meets the Iranian minister".
    Article(
        id="hamza-forms",
        title="أحمد يلتقي وزير خارجية إيران",
        body="التقى أحمد بوزير الخارجية الإيراني لبحث آمال السلام، وقال احمد إن ايران مستعدة للحوار حول المدرسة الدبلوماسية.",
        source="Alarabiya",
        category="politics",
        published=datetime(2018, 7, 1),
        url="https://www.alarabiya.net/hamza",
    ),
    # Mixed Arabic/English: "Apple launches a new iPhone in Dubai".
    Article(
        id="mixed-latin",
        title="شركة Apple تطلق هاتف iPhone جديدا في دبي",
        body="أعلنت شركة Apple عن هاتف iPhone الجديد خلال مؤتمر في دبي حضره طلاب من المدرسة التقنية.",
        source="SkyNews",
        category="technology",
        published=datetime(2018, 9, 12),
        url="https://www.skynewsarabia.com/apple",
    ),
    # Arabic-Indic digits: "the 2018 elections" written with ٢٠١٨.
    Article(
        id="indic-digits",
        title="نتائج الانتخابات البرلمانية ٢٠١٨",
        body="أعلنت اللجنة نتائج الانتخابات البرلمانية لعام ٢٠١٨ وبلغت نسبة المشاركة ٤٥ بالمئة.",
        source="France24",
        category="politics",
        published=datetime(2018, 11, 30),
        url="https://www.france24.com/ar/elections",
    ),
    # Hostile markup in title and body, and a javascript: URL that must never become a link.
    Article(
        id="hostile-markup",
        title=XSS_TITLE,
        body=XSS_BODY,
        source="BBC",
        category="misc",
        published=datetime(2018, 1, 15),
        url="javascript:alert(4)",
    ),
    # A bidi override in the title must stay inside its own element on the page.
    Article(
        id="bidi-override",
        title=f"مدرسة {BIDI_OVERRIDE}txet desrever",
        body="خبر عن المدرسة يحتوي على محارف اتجاه نص مخفية.",
        source="CNN",
        category="misc",
        published=None,
        url="data:text/html,<script>alert(5)</script>",
    ),
]

DOCUMENT_COUNT = len(ARTICLES)
# Every article that mentions the word "school" (مدرسة) in some form.
SCHOOL_IDS = {"school-diacritics", "school-clitics", "hamza-forms", "mixed-latin", "hostile-markup", "bidi-override"}


# The engines the app's contract tests run against: the embedded one always, the cluster one under -m cluster.
APP_ENGINES = ["whoosh", pytest.param("opensearch", marks=pytest.mark.cluster)]


@contextmanager
def sample_app_config(engine: str, directory: Path, request) -> Iterator[dict]:
    """The app config that serves the corpus from `engine`: an embedded index root under `directory`, or a
    scratch alias on the session's cluster (the `opensearch_cluster` fixture), removed afterwards."""
    if engine == "whoosh":
        yield {"INDEX": str(build_sample_index(directory / "index"))}
        return
    from indexer.engine import open_engine

    cluster = request.getfixturevalue("opensearch_cluster")
    with open_engine(None, f"opensearch+{cluster.url}/app-contract").scratch(ARTICLES, "arabic") as engine:
        yield {"ENGINE": engine.spec}


def build_sample_index(root: Path) -> Path:
    """Build the corpus into an index root exactly as `reindex` publishes one, and return the root."""
    rebuild_from_articles(ARTICLES, root)
    return root


def test_fixture_index_holds_every_article(tmp_path):
    root = build_sample_index(tmp_path / "index")
    assert IndexStore(root).doc_count() == DOCUMENT_COUNT
