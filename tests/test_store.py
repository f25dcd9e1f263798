"""IndexStore and the generation layout: atomic swaps seen by open readers, reopen on change, clear errors."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer.ingest.article import Article
from indexer.build.rebuild import add_articles, build_index_dir, delete_documents, rebuild_from_articles
from indexer.storage.layout import generation_names, read_pointer
from indexer.storage.store import ENV_VARIABLE, IndexStore, resolve_index_root
from indexer.errors import IndexCorrupt, IndexNotFound

# "the minister's visit to Washington" / "the football final" / "oil prices"
VISIT = Article(id="visit", title="زيارة الوزير", body="أجل وزير الدفاع زيارته إلى واشنطن", source="bbc", category="middleEast")
FINAL = Article(id="final", title="نهائي الكرة", body="فاز الفريق في المباراة النهائية", source="cnn", category="sport")
OIL = Article(id="oil", title="أسعار النفط", body="ارتفعت أسعار النفط في الأسواق العالمية", source="cnn", category="economy")


def stored_ids(store: IndexStore) -> set[str]:
    with store.searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def test_resolve_index_root_prefers_option_then_environment_then_default(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path / "from-env"))
    assert resolve_index_root(str(tmp_path / "opt")) == tmp_path / "opt"
    assert resolve_index_root(None) == tmp_path / "from-env"
    monkeypatch.delenv(ENV_VARIABLE)
    assert resolve_index_root(None).parts[-2:] == ("index_data", "index")


def test_build_index_dir_writes_exactly_the_given_articles(tmp_path):
    assert build_index_dir([VISIT, FINAL], tmp_path / "plain", "arabic") == 2
    from whoosh import index

    with index.open_dir(str(tmp_path / "plain")).searcher() as searcher:
        assert {fields["id"] for fields in searcher.all_stored_fields()} == {"visit", "final"}
        assert searcher.document(id="visit")["source"] == "bbc"


def test_build_index_dir_flushes_several_segments_without_losing_documents(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.build.rebuild.DOCS_PER_SEGMENT", 2)
    monkeypatch.setattr("indexer.build.rebuild.STORY_BATCH", 2)  # segments end at a batch's end
    articles = [Article(id=f"doc{n}", body=f"نص رقم {n}") for n in range(5)]  # "text number n"
    build_index_dir(articles, tmp_path / "multi")
    from whoosh import index

    ix = index.open_dir(str(tmp_path / "multi"))
    assert len(ix._segments()) == 3
    assert ix.doc_count() == 5


def test_missing_index_raises_not_found_naming_path_and_rebuild_command(tmp_path):
    with pytest.raises(IndexNotFound) as caught:
        IndexStore(tmp_path / "nothing").check()
    assert str(tmp_path / "nothing") in str(caught.value)
    assert "arabic-search reindex" in str(caught.value)


def test_searcher_is_reused_until_the_index_changes(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    store = IndexStore(tmp_path)
    with store.searcher() as first:
        pass
    with store.searcher() as again:
        assert again is first
    add_articles([FINAL], tmp_path)
    with store.searcher() as after_add:
        assert after_add is not first
        assert {fields["id"] for fields in after_add.all_stored_fields()} == {"visit", "final"}


def test_atomic_swap_keeps_an_open_searcher_working_and_new_calls_see_new_content(tmp_path):
    rebuild_from_articles([VISIT, FINAL], tmp_path)
    store = IndexStore(tmp_path)
    with store.searcher() as old:
        old_generation = store.generation
        rebuild_from_articles([OIL], tmp_path)
        # The searcher opened before the swap still answers from the old generation.
        assert {fields["id"] for fields in old.all_stored_fields()} == {"visit", "final"}
        assert old.document(id="visit")["title"] == VISIT.title
    assert store.generation != old_generation
    assert stored_ids(store) == {"oil"}


def test_rebuild_keeps_only_live_and_previous_generations(tmp_path):
    for article in (VISIT, FINAL, OIL):
        rebuild_from_articles([article], tmp_path)
    pointer = read_pointer(tmp_path)
    assert generation_names(tmp_path) == [pointer.previous, pointer.live]


def test_each_thread_gets_its_own_searcher(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    store = IndexStore(tmp_path)
    seen = []

    def grab():
        with store.searcher() as searcher:
            seen.append((searcher, searcher.doc_count()))

    threads = [threading.Thread(target=grab) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [count for _, count in seen] == [1, 1, 1]
    assert len({id(searcher) for searcher, _ in seen}) == 3
    store.close()


def test_add_upserts_by_id_and_counts_updates(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    changed = Article(id="visit", title="زيارة ملغاة", body="ألغيت الزيارة")  # "visit cancelled"
    summary = add_articles([changed, FINAL], tmp_path)
    assert (summary.indexed, summary.updated) == (1, 1)
    store = IndexStore(tmp_path)
    with store.searcher() as searcher:
        assert searcher.doc_count() == 2
        assert searcher.document(id="visit")["title"] == "زيارة ملغاة"


def test_add_counts_a_body_already_indexed_under_another_id_as_duplicate(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    copy = Article(id="visit-copy", title="نسخة", body=VISIT.body)  # "copy"
    summary = add_articles([copy], tmp_path)
    assert (summary.indexed, summary.duplicates) == (0, 1)


def test_delete_removes_ids_and_reports_unknown_ones(tmp_path):
    rebuild_from_articles([VISIT, FINAL], tmp_path)
    summary = delete_documents(["visit", "no-such-id"], tmp_path)
    assert summary.deleted == 1
    assert summary.not_found == ["no-such-id"]
    assert stored_ids(IndexStore(tmp_path)) == {"final"}


def test_rebuild_indexes_duplicate_bodies_once_and_counts_them(tmp_path):
    twin = Article(id="twin", title="نسخة", body=VISIT.body)  # "copy"
    summary = rebuild_from_articles([VISIT, twin, FINAL], tmp_path)
    assert (summary.indexed, summary.duplicates) == (2, 1)


def test_truncated_segment_is_reported_as_corrupt_with_path_and_hint(tmp_path):
    rebuild_from_articles([VISIT, FINAL, OIL], tmp_path)
    live = tmp_path / read_pointer(tmp_path).live
    # the largest file of a segment (a compound .seg, or the array codec's postings .arr)
    segment = max((path for path in live.iterdir() if path.suffix in (".seg", ".arr")), key=lambda path: path.stat().st_size)
    segment.write_bytes(segment.read_bytes()[:40])
    with pytest.raises(IndexCorrupt) as caught:
        IndexStore(tmp_path).check()
    assert str(segment) in str(caught.value)
    assert "arabic-search reindex" in str(caught.value)


def test_segment_damaged_after_the_manifest_check_is_reported_as_corrupt(tmp_path):
    """A file truncated between the size check and the open (a running server's worker booting meanwhile)
    still gives IndexCorrupt with the rebuild hint, not the codec's own exception."""
    from indexer.storage.layout import write_manifest
    from whoosh import index as whoosh_index

    rebuild_from_articles([VISIT, FINAL, OIL], tmp_path)
    live = tmp_path / read_pointer(tmp_path).live
    postings = max(live.glob("*.arr"), key=lambda path: path.stat().st_size)
    postings.write_bytes(postings.read_bytes()[:40])
    write_manifest(live, whoosh_index.open_dir(str(live)).latest_generation())  # sizes agree: only the open can tell
    with pytest.raises(IndexCorrupt) as caught:
        IndexStore(tmp_path).check()
    assert str(live) in str(caught.value)
    assert "arabic-search reindex" in str(caught.value)


def test_unreadable_pointer_is_reported_as_corrupt(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    Path(tmp_path / "CURRENT").write_text("{not json")
    with pytest.raises(IndexCorrupt):
        IndexStore(tmp_path).check()


def test_each_opened_searcher_is_prepared_once_before_use(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)
    prepared = []
    store = IndexStore(tmp_path, prepare=prepared.append)
    with store.searcher() as first:
        assert prepared == [first]
    with store.searcher():
        assert len(prepared) == 1  # reused, not prepared again
    rebuild_from_articles([VISIT, OIL], tmp_path)
    with store.searcher() as second:
        assert prepared == [first, second]


def test_a_searcher_that_cannot_be_prepared_is_reported_as_corrupt(tmp_path):
    rebuild_from_articles([VISIT], tmp_path)

    def unreadable(searcher):
        raise OSError("short read")

    with pytest.raises(IndexCorrupt) as caught:
        IndexStore(tmp_path, prepare=unreadable).check()
    assert "short read" in str(caught.value) and "arabic-search reindex" in str(caught.value)
