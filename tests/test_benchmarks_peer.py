"""The Lucene peer: found where expected, skipped with a reason when it cannot run, and its output read.

A fake `run.sh` (a few lines of shell) stands in for the real one, so these tests need neither Java
nor ../shared.
"""
import os
import stat

import pytest

from benchmarks.peer import (
    analyze_throughput,
    check_peer,
    default_script,
    last_json_object,
    resolve_script,
    run_eval,
)

FAKE_PEER = """#!/bin/sh
# eval: print chatter then one JSON object; analyze: echo every input line as its tokens
case "$1" in
  eval) echo "docs: 3 rows" >&2; echo 'index pass 1'; echo '{"analyzer": "'"$4"'", "mrr@10": 0.5, "docs_per_s": 900.0}' ;;
  analyze) cat ;;
  *) exit 2 ;;
esac
"""


def _executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def jar_dir(tmp_path):
    jars = tmp_path / "java"
    jars.mkdir()
    for name in ("lucene-core-8.7.0.jar", "lucene-analyzers-common-8.7.0.jar"):
        (jars / name).write_bytes(b"")
    return jars


def _which_all(name):
    return f"/usr/bin/{name}"


def test_default_script_sits_in_shared_next_to_the_repo(tmp_path):
    assert default_script(tmp_path / "main") == tmp_path / "shared" / "tools" / "lucene_anchor" / "run.sh"


def test_resolve_script_prefers_flag_then_environment_then_default(tmp_path):
    repo = tmp_path / "main"
    assert str(resolve_script("/opt/peer.sh", repo, {"LUCENE_ANCHOR": "/env/peer.sh"})) == "/opt/peer.sh"
    assert str(resolve_script(None, repo, {"LUCENE_ANCHOR": "/env/peer.sh"})) == "/env/peer.sh"
    assert resolve_script(None, repo, {}) == default_script(repo)


def test_missing_script_skips_the_peer_and_names_the_path(tmp_path, jar_dir):
    peer = check_peer(tmp_path / "nowhere" / "run.sh", which=_which_all, jar_dir=jar_dir)
    assert not peer.available
    assert "not found" in peer.reason and "nowhere" in peer.reason


def test_non_executable_script_skips_the_peer(tmp_path, jar_dir):
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    assert "not executable" in check_peer(script, which=_which_all, jar_dir=jar_dir).reason


def test_missing_java_skips_the_peer(tmp_path, jar_dir):
    script = _executable(tmp_path / "run.sh", FAKE_PEER)
    peer = check_peer(script, which=lambda name: None if name == "java" else "/usr/bin/javac", jar_dir=jar_dir)
    assert not peer.available and peer.reason == "java not on PATH"


def test_missing_jars_skip_the_peer_instead_of_letting_it_install(tmp_path):
    script = _executable(tmp_path / "run.sh", FAKE_PEER)
    empty = tmp_path / "java"
    empty.mkdir()
    peer = check_peer(script, which=_which_all, jar_dir=empty)
    assert not peer.available
    assert "lucene-core" in peer.reason and "lucene-analyzers-common" in peer.reason


def test_complete_peer_is_available(tmp_path, jar_dir):
    script = _executable(tmp_path / "run.sh", FAKE_PEER)
    assert check_peer(script, which=_which_all, jar_dir=jar_dir).available


def test_last_json_object_skips_chatter():
    assert last_json_object('compiling\n{"a": 1}\ntrailing words\n') == {"a": 1}
    with pytest.raises(ValueError):
        last_json_object("no json here")


def test_run_eval_returns_the_peer_json(tmp_path, jar_dir):
    peer = check_peer(_executable(tmp_path / "run.sh", FAKE_PEER), which=_which_all, jar_dir=jar_dir)
    result = run_eval(peer, tmp_path / "docs.jsonl", tmp_path / "queries.jsonl", "arabic")
    assert result == {"analyzer": "arabic", "mrr@10": 0.5, "docs_per_s": 900.0}


def test_run_eval_failure_raises_with_the_peer_error(tmp_path, jar_dir):
    failing = _executable(tmp_path / "run.sh", "#!/bin/sh\necho 'no java' >&2\nexit 3\n")
    peer = check_peer(failing, which=_which_all, jar_dir=jar_dir)
    with pytest.raises(RuntimeError, match="no java"):
        run_eval(peer, tmp_path / "d", tmp_path / "q")


def test_analyze_throughput_counts_tokens_one_line_per_text(tmp_path, jar_dir):
    peer = check_peer(_executable(tmp_path / "run.sh", FAKE_PEER), which=_which_all, jar_dir=jar_dir)
    # the fake peer echoes its input, so tokens are the words; newlines inside a text stay in its line
    result = analyze_throughput(peer, ["زار الوزير\nواشنطن", "تأجيل الزيارة"])  # "minister visited Washington"
    assert result["tokens"] == 5
    assert result["tokens_per_s"] > 0
    assert result["jvm_start_seconds"] >= 0
    assert os.path.exists(peer.script)
