"""Rebuilds from source files: strict mode, the writer lock, and a rebuild killed with SIGKILL."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer.build.rebuild import add_documents, rebuild_index
from indexer.errors import StrictModeFailure
from indexer.storage.layout import generation_names, read_pointer
import indexer.storage.schema
from indexer.storage.store import IndexStore
from indexer.errors import IndexUnavailable
from indexer.storage.writer_lock import writer_lock
from indexer.errors import WriterBusy
from index_probe import live_ids

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "index_data" / "sample"


def feed(path: Path, count: int, prefix: str = "n", extra_lines: tuple[str, ...] = ()) -> Path:
    """A JSONL feed of `count` distinct articles ("news number k about the economy")."""
    lines = [
        json.dumps({"id": f"{prefix}{k}", "title": f"خبر {k}", "text": f"خبر رقم {k} {prefix} عن الاقتصاد", "source": "bbc"}, ensure_ascii=False)
        for k in range(count)
    ]
    path.write_text("\n".join(lines + list(extra_lines)) + "\n", encoding="utf-8")
    return path


def test_rebuild_of_the_bundled_sample_indexes_it_and_counts_the_duplicate(tmp_path):
    summary = rebuild_index([SAMPLE], tmp_path)
    assert (summary.indexed, summary.duplicates, summary.skipped) == (313, 1, [])
    store = IndexStore(tmp_path)
    with store.searcher() as searcher:
        seed = searcher.document(id="khaleej247-article")
        assert "Exit mobile version" not in seed["body"]
        assert "شاركها" not in seed["body"]  # "share it"
        assert "جميع الحقوق محفوظة" not in seed["body"]  # "all rights reserved"
    store.close()


def test_skipped_records_are_counted_and_the_rest_indexed(tmp_path):
    source = feed(tmp_path / "f.jsonl", 3, extra_lines=("{broken", '{"id": "n0", "text": "نسخة ثانية"}'))
    summary = rebuild_index([source], tmp_path / "index")
    assert summary.indexed == 3
    assert [skip.reason.split(" (")[0] for skip in summary.skipped] == ["malformed JSON", "duplicate id"]
    assert any("skip reasons" in line for line in summary.lines())


def test_strict_rebuild_fails_before_touching_the_live_index(tmp_path):
    root = tmp_path / "index"
    rebuild_index([feed(tmp_path / "old.jsonl", 2, "old")], root)
    before = read_pointer(root)
    bad = feed(tmp_path / "new.jsonl", 2, "new", extra_lines=("{broken",))
    with pytest.raises(StrictModeFailure, match="new.jsonl:3"):
        rebuild_index([bad], root, strict=True)
    assert read_pointer(root) == before
    assert generation_names(root) == [before.live]
    assert live_ids(root) == {"old0", "old1"}


def test_strict_add_writes_nothing(tmp_path):
    root = tmp_path / "index"
    rebuild_index([feed(tmp_path / "old.jsonl", 1, "old")], root)
    before = read_pointer(root)
    with pytest.raises(StrictModeFailure):
        add_documents([feed(tmp_path / "more.jsonl", 2, "more", extra_lines=('{"id": 1}',))], root, strict=True)
    assert read_pointer(root) == before
    assert live_ids(root) == {"old0"}


def test_add_finds_a_live_body_by_its_indexed_digest_and_keeps_updates_of_the_same_id(tmp_path):
    root = tmp_path / "index"
    rebuild_index([feed(tmp_path / "old.jsonl", 3, "old")], root)
    copy = json.dumps({"id": "copy", "text": "خبر رقم 1 old عن الاقتصاد"}, ensure_ascii=False)  # old1's body
    same = json.dumps({"id": "old2", "title": "عنوان جديد", "text": "خبر رقم 2 old عن الاقتصاد"}, ensure_ascii=False)
    twice = [json.dumps({"id": f"twin{k}", "text": "نص واحد مرتين"}, ensure_ascii=False) for k in range(2)]
    (tmp_path / "more.jsonl").write_text("\n".join([copy, same, *twice]) + "\n", encoding="utf-8")
    summary = add_documents([tmp_path / "more.jsonl"], root)
    # the copy of a live body and the second twin are duplicates; old2 with its own body is an update
    assert (summary.indexed, summary.updated, summary.duplicates) == (1, 1, 2)
    assert live_ids(root) == {"old0", "old1", "old2", "twin0"}


def test_add_refuses_an_index_built_without_body_digests_and_says_how_to_rebuild(tmp_path, monkeypatch):
    import indexer.build.rebuild
    import indexer.build.story_segment

    root = tmp_path / "index"
    with monkeypatch.context() as patch:  # an index as the previous version built it (in process: 2 articles)
        patch.setattr(indexer.build.rebuild, "build_schema",
                      lambda name="arabic": _without(indexer.storage.schema.build_schema(name), "body_digest"))
        patch.setattr(indexer.build.story_segment, "document_fields",
                      lambda article, story=None: _without_key(indexer.storage.schema.document_fields(article, story),
                                                               "body_digest"))
        rebuild_index([feed(tmp_path / "old.jsonl", 2, "old")], root, procs=1)
    before = read_pointer(root)
    with pytest.raises(IndexUnavailable, match="arabic-search reindex"):
        add_documents([feed(tmp_path / "more.jsonl", 1, "more")], root)
    assert read_pointer(root) == before
    assert live_ids(root) == {"old0", "old1"}


def _without(schema, name):
    schema.remove(name)
    return schema


def _without_key(fields: dict, name: str) -> dict:
    return {key: value for key, value in fields.items() if key != name}


def test_second_writer_gets_a_clear_already_running_error(tmp_path):
    root = tmp_path / "index"
    with writer_lock(root):
        with pytest.raises(WriterBusy, match="already running"):
            rebuild_index([feed(tmp_path / "f.jsonl", 1)], root)
    rebuild_index([feed(tmp_path / "f.jsonl", 1)], root)  # the lock is free again
    assert live_ids(root) == {"n0"}


def test_a_failed_build_removes_its_generation_and_keeps_the_live_one(tmp_path, monkeypatch):
    root = tmp_path / "index"
    rebuild_index([feed(tmp_path / "old.jsonl", 2, "old")], root)
    before = read_pointer(root)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("indexer.build.rebuild.write_manifest", disk_full)
    with pytest.raises(OSError):
        rebuild_index([feed(tmp_path / "new.jsonl", 2, "new")], root)
    assert read_pointer(root) == before
    assert generation_names(root) == [before.live]
    assert live_ids(root) == {"old0", "old1"}


KILLED_REBUILD = textwrap.dedent(
    """
    import sys, time
    from indexer.build.rebuild import rebuild_from_articles
    from indexer.ingest.article import Article

    def articles():
        for k in range(250):
            yield Article(id=f"new{k}", body=f"خبر جديد رقم {k}")
        time.sleep(0.5)  # let parallel workers take their batches
        print("BUILDING", flush=True)  # the new generation is half written: time to be killed
        time.sleep(60)
        yield Article(id="never", body="لن يصل")

    if __name__ == "__main__":
        rebuild_from_articles(articles(), sys.argv[1], procs=int(sys.argv[2]))
    """
)


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_killed_with_sigkill_leaves_live_index_and_next_run_cleans_up(tmp_path, procs):
    root = tmp_path / "index"
    rebuild_index([feed(tmp_path / "old.jsonl", 3, "old")], root)
    before = read_pointer(root)
    reader = IndexStore(root)
    with reader.searcher() as searcher:
        assert searcher.doc_count() == 3

    script = tmp_path / "killed_rebuild.py"
    script.write_text(KILLED_REBUILD, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script), str(root), str(procs)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout.readline().strip() == b"BUILDING"
        leftovers = set(generation_names(root)) - {before.live}
        assert leftovers, "the killed rebuild should have started a new generation"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    # The live index is intact and searchable, by the open reader and by a fresh one.
    assert read_pointer(root) == before
    with reader.searcher() as searcher:
        assert searcher.doc_count() == 3
    assert live_ids(root) == {"old0", "old1", "old2"}

    # The next run takes the lock the dead process held, removes its leftovers, and succeeds.
    summary = rebuild_index([feed(tmp_path / "next.jsonl", 2, "next")], root)
    assert summary.indexed == 2
    assert not leftovers & set(generation_names(root))
    assert generation_names(root) == [before.live, summary.generation]
    with reader.searcher() as searcher:
        assert {fields["id"] for fields in searcher.all_stored_fields()} == {"next0", "next1"}
    reader.close()


def test_parallel_build_holds_the_same_documents_as_a_serial_one(tmp_path, monkeypatch):
    from indexer.build.rebuild import build_index_dir
    from indexer.ingest.sources import read_sources
    from whoosh import index
    from whoosh.qparser import QueryParser

    articles = [item for item in read_sources([SAMPLE]) if not hasattr(item, "reason")][:120]
    monkeypatch.setattr("indexer.build.workers.BATCH_SIZE", 50)  # so that both workers get documents
    assert build_index_dir(articles, tmp_path / "serial") == 120
    assert build_index_dir(articles, tmp_path / "parallel", procs=2) == 120
    assert not (tmp_path / "parallel" / "MAIN.tmp").exists()  # the workers' shared temp storage is gone
    results = {}
    for name in ("serial", "parallel"):
        ix = index.open_dir(str(tmp_path / name))
        assert len(ix._segments()) == (1 if name == "serial" else 2)
        with ix.searcher() as searcher:
            query = QueryParser("body", ix.schema).parse("النفط")  # "oil"
            hits = searcher.search(query, limit=None)
            results[name] = (
                sorted(json.dumps(fields, default=str, sort_keys=True) for fields in searcher.all_stored_fields()),
                sorted((hit["id"], round(hit.score, 4)) for hit in hits),
            )
    assert results["parallel"] == results["serial"]
    assert results["serial"][1], "the query should match something"


def test_a_failing_worker_fails_the_build_with_its_traceback(tmp_path):
    from indexer.ingest.article import Article
    from indexer.build.rebuild import build_index_dir
    from indexer.errors import WorkerFailed

    # "text"; a date that is not a datetime only fails inside the worker, when the field is indexed
    bad = [Article(id="ok", body="نص"), Article(id="bad", body="نص آخر", published="yesterday")]
    with pytest.raises(WorkerFailed, match="Traceback"):
        build_index_dir(bad, tmp_path / "ix", procs=2)


def test_small_inputs_build_in_one_process_and_large_ones_in_up_to_two():
    from indexer.build.rebuild import PARALLEL_MIN_INPUT_BYTES, default_procs

    assert default_procs(PARALLEL_MIN_INPUT_BYTES - 1) == 1
    assert 1 <= default_procs(PARALLEL_MIN_INPUT_BYTES * 10) <= 2
