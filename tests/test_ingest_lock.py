"""One writer at a time: a second ingest of the same data dir waits for the first (or refuses, if told not to
wait) and then builds on its result; searches never wait. Real `studygraph ingest` processes throughout."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, REPO, write

from studygraph.config import load_settings
from studygraph.errors import IngestBusy
from studygraph.ingest.pipeline import ingest
from studygraph.store.lock import writer_lock
from studygraph.store.meta import MetaStore

SG = str(Path(sys.executable).with_name("studygraph"))
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", STUDYGRAPH_LLM_BACKEND="none")
# The race used 2,000 links; 600 still keep the first ingest embedding for several seconds after the
# second starts, at a third of the CI time.
BIG_LINKS = 600


def sg_ingest(*paths: Path, data: Path, env=None, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [SG, "ingest", *map(str, paths), "--json", "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env or ENV,
        **popen,
    )


def finish(proc: subprocess.Popen, timeout: float = 900) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out), err


def big_roadmaps(directory: Path) -> Path:
    """Four generated roadmaps, BIG_LINKS links in all, one of them marked done."""
    per_file = BIG_LINKS // 4
    for f in range(4):
        lines = [f"# Big roadmap {f}", "## Attention and transformers"]
        lines += [
            f"- [Generated note {f}-{i} on attention](https://example.org/big/{f}/{i}) some context"
            for i in range(per_file - (f == 0))
        ]
        if f == 0:
            lines.append("- [x] [A generated note already read](https://example.org/big/read)")
        write(directory / f"big-{f}.md", "\n".join(lines) + "\n")
    return directory


def library_state(data: Path) -> dict:
    meta = MetaStore(data / "meta.sqlite", readonly=True)
    try:
        return {
            "counts": meta.counts(),
            "resources": sorted(r.id for r in meta.resources()),
            "chunks": sorted(meta.chunk_ids()),
            "state": meta.get_meta("state"),
        }
    finally:
        meta.close()


def vector_count(data: Path) -> int:
    from studygraph.store.vectors import VectorStore

    return VectorStore(data / "chroma").count()


def wait_until_writing(data: Path, proc: subprocess.Popen, timeout: float = 300) -> None:
    """Until the ingest has read the library and started embedding (state `dirty`, committed before the
    first vector), so that whatever starts next overlaps it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the first ingest ended before it wrote anything: {proc.stderr.read()[-2000:]}"
        try:
            db = sqlite3.connect(f"file:{data / 'meta.sqlite'}?mode=ro", uri=True, timeout=5)
            try:
                if db.execute("SELECT value FROM meta WHERE key='state'").fetchone() == ("dirty",):
                    return
            finally:
                db.close()
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.1)
    pytest.fail("the first ingest never started writing")


@pytest.mark.slow
@pytest.mark.parametrize("start", ["mid-ingest", "together"])
def test_two_ingests_at_once_end_with_the_union_of_their_inputs(tmp_path, start):
    big = big_roadmaps(tmp_path / "big")
    seeds = CORPUS / "roadmaps"
    data = tmp_path / "data"

    first = sg_ingest(big, data=data)
    if start == "mid-ingest":
        wait_until_writing(data, first)  # the second starts while the first is embedding its links
    second = sg_ingest(seeds, data=data)
    first_report, first_err = finish(first)
    second_report, second_err = finish(second)
    raced = library_state(data)

    # The reference: both inputs ingested one after the other into a fresh library. Chunk ids are content
    # addressed, so it may start from a copy of the raced vectors: its SQLite rows are computed from scratch.
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copytree(data / "chroma", clean / "chroma")
    settings = load_settings(data_dir=clean, corpus_dirs=[], llm_backend="none")
    ingest(settings, [big])
    ingest(settings, [seeds])
    reference = library_state(clean)

    assert raced["counts"] == reference["counts"], "an ingest lost what the other one added"
    assert raced["counts"]["done"] >= 2  # the roadmaps' done marks, both inputs'
    assert raced["resources"] == reference["resources"] and raced["chunks"] == reference["chunks"]
    assert raced["state"] == "clean" and vector_count(data) == len(raced["chunks"])
    if start == "mid-ingest":
        assert f"waiting for another ingest (pid {first.pid})" in second_err
    else:  # whichever took the lock first, the other one waited for it (unless they never overlapped)
        assert f"waiting for another ingest (pid {second.pid})" not in first_err or "waiting" not in second_err
    assert first_report["errors"] == second_report["errors"] == []

    again, _ = finish(sg_ingest(big, seeds, data=data))
    assert (again["added"], again["updated"], again["removed"]) == (0, 0, 0)
    assert again["vectors_written"] == again["vectors_deleted"] == 0
    assert library_state(data) == raced


@pytest.fixture
def small_library(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    write(
        corpus / "roadmap.md",
        "# Transformer\n- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n",
    )
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder)
    return settings, corpus


def test_an_ingest_told_not_to_wait_refuses_in_one_line_naming_the_holder(small_library):
    settings, corpus = small_library
    write(corpus / "more.md", "- [BERT](https://arxiv.org/abs/1810.04805)\n")
    before = library_state(settings.data_dir)
    env = dict(ENV, STUDYGRAPH_INGEST_LOCK_TIMEOUT="0")
    with writer_lock(settings.data_dir, timeout=0):
        proc = sg_ingest(corpus, data=settings.data_dir, env=env)
        out, err = proc.communicate(timeout=300)
    assert proc.returncode != 0
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: another ingest is running (pid {os.getpid()}): run it again once that one has "
        "finished (the `ingest_lock_timeout` setting says how long to wait)"
    ], err
    assert library_state(settings.data_dir) == before


def test_the_apps_ingest_shares_the_lock_and_searches_and_marks_do_not_wait(small_library):
    settings, corpus = small_library
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\nfrom studygraph.store.lock import writer_lock\n"
            "with writer_lock(Path(sys.argv[1]), timeout=0):\n    print('held', flush=True)\n    time.sleep(600)\n",
            str(settings.data_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        waited: list[str] = []
        started = time.monotonic()
        with pytest.raises(IngestBusy, match=f"another ingest is running \\(pid {holder.pid}\\) after waiting 1 s"):
            ingest(settings.model_copy(update={"ingest_lock_timeout": 1.0}), on_wait=waited.append)
        assert time.monotonic() - started >= 1.0
        assert waited == [f"waiting for another ingest (pid {holder.pid}) to finish…"]

        found = subprocess.run(
            [SG, "search", "illustrated transformer", "--json", "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=ENV,
            timeout=120,
        )
        assert found.returncode == 0 and "illustrated-transformer" in found.stdout, found.stderr
        marked = subprocess.run(  # progress is its own table, written in its own short transaction
            [SG, "mark", "transformer", "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=ENV,
            timeout=120,
        )
        assert marked.returncode == 0, marked.stderr
    finally:
        holder.kill()
        holder.wait()
    # A holder killed with -9 leaves its pid in the file, and no lock: the next ingest just runs.
    assert holder.returncode == -signal.SIGKILL
    assert ingest(settings).unchanged == 1
