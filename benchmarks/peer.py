"""The Lucene peer: find `lucene_anchor/run.sh`, decide whether it can run, and call its two modes.

The script installs Lucene with apt when its jars are missing; a benchmark must not install anything,
so we check Java and the jars first and skip the peer (saying why) instead of letting it try.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

SCRIPT_ENV = "LUCENE_ANCHOR"
JAR_DIR_ENV = "LUCENE_JAR_DIR"
DEFAULT_JAR_DIR = "/usr/share/java"
REQUIRED_JARS = ("lucene-core", "lucene-analyzers-common")
REQUIRED_PROGRAMS = ("java", "javac")


@dataclass(frozen=True)
class Peer:
    """Where the peer script is and whether it can run; `reason` says why not."""

    script: Path
    available: bool
    reason: str = ""


def default_script(repo_root: Path) -> Path:
    """The shared location, `<repo>/../shared/tools/lucene_anchor/run.sh`."""
    return repo_root.parent / "shared" / "tools" / "lucene_anchor" / "run.sh"


def resolve_script(option: str | None, repo_root: Path, environ: dict = os.environ) -> Path:
    """`--lucene` flag, else the LUCENE_ANCHOR environment variable, else the shared location."""
    chosen = option or environ.get(SCRIPT_ENV)
    return Path(chosen) if chosen else default_script(repo_root)


def jar_directory(environ=os.environ) -> Path:
    """Where the Lucene jars are: $LUCENE_JAR_DIR, else Debian's /usr/share/java."""
    return Path(environ.get(JAR_DIR_ENV, DEFAULT_JAR_DIR))


def check_peer(
    script: Path,
    which: Callable[[str], str | None] = shutil.which,
    jar_dir: Path | None = None,
) -> Peer:
    """Return whether the peer can run here without installing anything."""
    if not script.is_file():
        return Peer(script, False, f"peer script not found: {script}")
    if not os.access(script, os.X_OK):
        return Peer(script, False, f"peer script is not executable: {script}")
    missing = [name for name in REQUIRED_PROGRAMS if which(name) is None]
    if missing:
        return Peer(script, False, f"{' and '.join(missing)} not on PATH")
    jars = jar_dir or jar_directory()
    absent = [jar for jar in REQUIRED_JARS if not any(jars.glob(f"{jar}-[0-9]*.jar"))]
    if absent:
        return Peer(script, False, f"Lucene jars missing in {jars}: {', '.join(absent)}")
    return Peer(script, True)


def last_json_object(output: str) -> dict:
    """The peer prints one JSON object (after any chatter); take the last line that parses."""
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("peer printed no JSON object")


def run_eval(peer: Peer, docs: Path, queries: Path, analyzer: str = "arabic", timeout: float = 1800) -> dict:
    """Run `run.sh eval DOCS QUERIES ANALYZER` and return its JSON (metrics, docs/s, query p50/p95)."""
    completed = subprocess.run(
        [str(peer.script), "eval", str(docs), str(queries), analyzer],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"peer eval failed ({completed.returncode}): {completed.stderr.strip()[-500:]}")
    return last_json_object(completed.stdout)


def _timed_analyze(peer: Peer, input_path: Path, analyzer: str, timeout: float) -> tuple[float, int]:
    """Wall seconds and token count of one `run.sh analyze` over the lines of `input_path`."""
    with open(input_path, "rb") as stdin:
        started = time.perf_counter()
        completed = subprocess.run(
            [str(peer.script), "analyze", analyzer], stdin=stdin, capture_output=True,
            timeout=timeout, check=False,
        )
        seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"peer analyze failed: {completed.stderr.decode(errors='replace')[-500:]}")
    tokens = sum(len(line.split()) for line in completed.stdout.decode("utf-8").splitlines())
    return seconds, tokens


def analyze_throughput(peer: Peer, texts: Iterable[str], analyzer: str = "arabic", timeout: float = 900) -> dict:
    """Lucene's tokens/s over `texts` (one per line), minus the JVM start measured on empty input.

    The analyze mode is a whole process per call, so the figure subtracts a run on empty input;
    it still includes printing the tokens, which makes it a slight underestimate of Lucene.
    """
    with tempfile.TemporaryDirectory(prefix="bench-peer-analyze-") as tmp:
        text_path, empty_path = Path(tmp, "texts.txt"), Path(tmp, "empty.txt")
        with open(text_path, "w", encoding="utf-8") as out:
            for text in texts:
                out.write(" ".join(text.split()) + "\n")
        empty_path.write_text("", encoding="utf-8")
        startup, _ = _timed_analyze(peer, empty_path, analyzer, timeout)
        seconds, tokens = _timed_analyze(peer, text_path, analyzer, timeout)
    work = max(seconds - startup, 1e-9)
    return {"tokens": tokens, "seconds": round(work, 3), "jvm_start_seconds": round(startup, 3),
            "tokens_per_s": round(tokens / work, 1)}
