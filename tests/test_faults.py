"""Data dir and model faults: a clear one-line error, the deterministic answer, and nothing corrupted.

These drive the real CLI in subprocesses, because what a learner sees is an exit code and one line.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, write
from test_ingest_pipeline import state

from studygraph.config import load_settings
from studygraph.ingest.pipeline import ingest

SG = str(Path(sys.executable).with_name("studygraph"))
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", STUDYGRAPH_LLM_BACKEND="none")
NOTES = "# Notes\n## Attention\n" + "".join(
    f"- [Note {i} on attention and transformers](https://example.org/notes/{i}) with a few words of context\n"
    for i in range(600)
)


def sg(*args: str, data: Path, preexec=None, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SG, *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env or ENV,
        preexec_fn=preexec,
        timeout=timeout,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def library(tmp_path, embedder):
    """A small ingested library: one roadmap in a corpus dir."""
    corpus = tmp_path / "corpus"
    write(
        corpus / "roadmap.md",
        "# Transformer\n- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n",
    )
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder)
    return settings, corpus


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _read_only(data: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI with `data` mounted read-only (a private mount namespace: works as root, where
    permission bits would not stop anything)."""
    inner = " ".join(f"'{a}'" for a in [SG, *args, "--data-dir", str(data)])
    script = f"mount --bind '{data}' '{data}' && mount -o remount,ro,bind '{data}' && exec {inner}"
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, cwd=REPO, env=ENV, timeout=300
    )


def _can_mount_read_only(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    script = (
        f"mount --bind '{probe}' '{probe}' && mount -o remount,ro,bind '{probe}' && ! touch '{probe}/x' 2>/dev/null"
    )
    try:
        return (
            shutil.which("unshare") is not None
            and subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True).returncode == 0
        )
    except OSError:
        return False


@pytest.mark.slow
def test_a_read_only_data_dir_still_answers_and_refuses_writes_clearly(library, tmp_path):
    settings, _ = library
    if not _can_mount_read_only(tmp_path):
        pytest.skip("this machine cannot make a private read-only mount (unshare -rm)")
    data = settings.data_dir
    before = _files(data)

    assert '"resources": 2' in _read_only(data, "stats", "--json").stdout
    assert '"steps"' in _read_only(data, "path", "transformer", "--json").stdout
    assert "illustrated-transformer" in _read_only(data, "library", "--json").stdout
    assert '"intent": "explain"' in _read_only(data, "ask", "what is LoRA", "--no-llm", "--json").stdout
    found = _read_only(data, "search", "illustrated transformer", "--json")
    assert found.returncode == 0 and "illustrated-transformer" in found.stdout  # lexical search carries on
    assert "lexical results only" in found.stderr

    for args in (("ingest", "--json"), ("mark", "transformer", "--status", "done")):
        assert "read-only" in one_line_error(_read_only(data, *args))
    assert _files(data) == before


@pytest.mark.slow
def test_disk_full_during_ingest_loses_nothing_and_the_next_ingest_converges(library, tmp_path, embedder):
    settings, corpus = library
    write(corpus / "notes.md", NOTES)
    before = state(settings)

    # Files may grow 64 kB past today's largest, then writes fail with EFBIG, as on a full disk.
    limit = max(p.stat().st_size for p in settings.data_dir.rglob("*") if p.is_file()) + 64_000

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = dict(ENV, STUDYGRAPH_CORPUS_DIRS=f'["{corpus}"]')
    failed = sg("ingest", "--json", data=settings.data_dir, preexec=small_disk, env=env)
    assert "could not write the data dir" in one_line_error(failed)
    assert state(settings)["resources"] == before["resources"]  # the last complete library is intact

    ingest(settings, embedder=embedder)
    clean = load_settings(data_dir=tmp_path / "clean", corpus_dirs=[corpus], llm_backend="none")
    ingest(clean, embedder=embedder)
    assert state(settings) == state(clean)


def test_a_store_from_another_schema_version_is_refused_untouched(library):
    settings, _ = library
    db = sqlite3.connect(settings.meta_path)
    db.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    db.commit()
    db.close()
    before = _files(settings.data_dir)
    for args in (("stats", "--json"), ("ingest", "--json")):
        assert "schema version 0" in one_line_error(sg(*args, data=settings.data_dir))
    assert _files(settings.data_dir) == before


def test_a_chroma_dir_from_another_version_is_refused_and_can_be_rebuilt(library):
    settings, corpus = library
    chroma = settings.chroma_path / "chroma.sqlite3"
    db = sqlite3.connect(chroma)
    db.execute("UPDATE migrations SET version = version + 100 WHERE version = (SELECT max(version) FROM migrations)")
    db.commit()
    db.close()
    write(corpus / "more.md", "- [BERT](https://arxiv.org/abs/1810.04805)\n")
    from studygraph.store.meta import MetaStore

    def library_rows():
        meta = MetaStore(settings.meta_path, readonly=True)
        return [r.id for r in meta.resources()], sorted(meta.chunk_ids())

    rows_before = library_rows()

    error = one_line_error(
        sg("ingest", "--json", data=settings.data_dir, env=dict(ENV, STUDYGRAPH_CORPUS_DIRS=f'["{corpus}"]'))
    )
    assert "vector store" in error and "move it aside" in error
    assert library_rows() == rows_before  # nothing half-written

    shutil.rmtree(settings.chroma_path)  # what the message tells the learner to do
    rebuilt = sg("ingest", "--json", data=settings.data_dir, env=dict(ENV, STUDYGRAPH_CORPUS_DIRS=f'["{corpus}"]'))
    report = json.loads(rebuilt.stdout)
    assert report["errors"] == [] and report["resources"] == 3 and report["vectors_written"] == report["chunks"]
    assert "1810.04805" in sg("search", "BERT", "--json", data=settings.data_dir).stdout


class _SilentServer:
    """Accepts connections and never answers: a model server that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        for c in self.held:
            c.close()
        self.sock.close()


def test_a_hanging_model_server_times_out_into_the_deterministic_answer(seed_library):
    settings, _ = seed_library
    server = _SilentServer()
    try:
        env = dict(
            ENV,
            STUDYGRAPH_LLM_BACKEND="server",
            STUDYGRAPH_LLM_URL=f"http://127.0.0.1:{server.port}/v1",
            STUDYGRAPH_LLM_TIMEOUT="2",
        )
        start = time.monotonic()
        result = sg("ask", "what should I learn before RLHF", "--json", data=settings.data_dir, env=env, timeout=120)
        elapsed = time.monotonic() - start
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    assert '"intent": "plan"' in result.stdout and "Transformer" in result.stdout
    assert elapsed < 60


@pytest.mark.model
def test_a_huge_question_does_not_overflow_the_context(seed_library, gguf_path):
    from studygraph.assistant.engine import Assistant

    settings, _ = seed_library
    settings = settings.model_copy(update={"llm_backend": "llama_cpp", "model_path": gguf_path, "max_tokens": 16})
    question = "what should I learn before RLHF? " + "please explain every detail " * 3000
    answer = Assistant(settings).ask(question)
    assert answer.intent == "plan" and answer.structured["steps"]
    from studygraph.store.meta import MetaStore

    corpus = MetaStore(settings.meta_path, readonly=True).corpus_urls()
    assert answer.citations and all(c.url in corpus for c in answer.citations if c.url)
