"""kill -9 at many points of an ingest; the next plain ingest must converge to exactly a clean ingest."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import write
from test_ingest_pipeline import state

from studygraph.config import load_settings
from studygraph.ingest.pipeline import ingest

VERSION_A = {
    "a.md": "# A\n" + "".join(f"- [Resource {i}](https://example.org/a/{i})\n" for i in range(12)),
    "b.md": "# B\n" + "".join(f"- [Tutorial {i} on attention](https://example.org/b/{i})\n" for i in range(12)),
}
VERSION_B = {
    "a.md": "# A changed\n" + "".join(f"- [Resource {i} revised](https://example.org/a/{i})\n" for i in range(6, 20)),
    "c.md": "# C\n" + "".join(f"- [Paper {i}](https://arxiv.org/abs/2301.{i:05d})\n" for i in range(10)),
}

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data, corpus, stage, at = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    def progress(name, done, total):
        if name == stage and done >= at:
            os.kill(os.getpid(), signal.SIGKILL)

    ingest(load_settings(data_dir=Path(data), corpus_dirs=[Path(corpus)], llm_backend="none", embed_batch_size=4), progress=progress)
    print("finished without being killed")
    """
)

# (stage, progress count): before any write, between embedding batches, inside the SQLite transaction,
# after the commit but before stale vectors are deleted, and after everything.
KILL_POINTS = [("reading", 1), ("embedding", 4), ("embedding", 16), ("committing", 1), ("cleaning", 0), ("done", 1)]


def lay_out(corpus, files):
    for old in corpus.glob("*.md"):
        old.unlink()
    for name, text in files.items():
        write(corpus / name, text)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, embedder):
    corpus = tmp_path_factory.mktemp("ref-corpus")
    lay_out(corpus, VERSION_B)
    settings = load_settings(data_dir=tmp_path_factory.mktemp("ref-data"), corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder)
    return state(settings)


@pytest.mark.slow
@pytest.mark.parametrize("stage,at", KILL_POINTS)
def test_kill_minus_nine_then_ingest_converges(tmp_path, embedder, reference, stage, at):
    corpus = tmp_path / "corpus"
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    lay_out(corpus, VERSION_A)
    ingest(settings, embedder=embedder)
    lay_out(corpus, VERSION_B)

    run = subprocess.run(
        [sys.executable, "-c", KILLER, str(settings.data_dir), str(corpus), stage, str(at)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == -9, f"the ingest was meant to be killed at {stage}:{at}: {run.stdout} {run.stderr[-500:]}"

    ingest(settings, embedder=embedder)
    repaired = state(settings)
    assert repaired["state"] == "clean"
    assert repaired["resources"] == reference["resources"]
    assert repaired["chunks"] == reference["chunks"]
    assert repaired["vectors"] == repaired["chunks"], "orphan or missing vectors in Chroma"

    again = ingest(settings, embedder=embedder)
    assert again.vectors_written == again.vectors_deleted == again.added == again.updated == 0
