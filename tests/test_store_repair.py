"""The store says what the files say: after the vector store is deleted, emptied, truncated or left short, or
the library half-applied, a search says what is missing (and still answers from BM25), and one plain
`ingest` restores exactly the clean library. A Chroma dir from another version is still refused untouched."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, write
from test_ingest_pipeline import state

from studygraph.config import load_settings
from studygraph.ingest.pipeline import ingest
from studygraph.store.vectors import VectorStore, forget_cached_system

SG = str(Path(sys.executable).with_name("studygraph"))
ENV = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", STUDYGRAPH_LLM_BACKEND="none")
ROADMAP = "# Attention\n" + "".join(
    f"- [Guide {i} to attention in transformers](https://example.org/attention/{i}) with some context\n"
    for i in range(20)
)
CHUNKS = 40  # each of the 20 resources is about attention: its card and its gloss (ingest/library.py)


@pytest.fixture
def library(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "roadmap.md", ROADMAP)
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder)
    clean = state(settings)
    assert len(clean["vectors"]) == len(clean["chunks"]) == CHUNKS
    return settings, corpus, clean


def sg(*args: str, settings, corpus: Path) -> subprocess.CompletedProcess:
    env = dict(ENV, STUDYGRAPH_CORPUS_DIRS=json.dumps([str(corpus)]))
    return subprocess.run(
        [SG, *args, "--data-dir", str(settings.data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )


def warnings(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def delete_the_dir(settings):
    import shutil

    shutil.rmtree(settings.chroma_path)


def empty_the_database(settings):
    os.truncate(settings.chroma_path / "chroma.sqlite3", 0)


def truncate_the_database(settings):
    db = settings.chroma_path / "chroma.sqlite3"
    os.truncate(db, db.stat().st_size // 2)


def drop_some_vectors(settings):
    vectors = VectorStore(settings.chroma_path)
    vectors.delete(sorted(vectors.ids())[:5])


DAMAGE = {
    "deleted": (delete_the_dir, "the vector store is missing"),
    "emptied": (empty_the_database, f"the vector store holds no vectors (the library has {CHUNKS} chunks)"),
    "truncated": (truncate_the_database, "the vector store is damaged (database disk image is malformed)"),
    "short": (drop_some_vectors, f"the vector store holds {CHUNKS - 5} of the library's {CHUNKS} vectors"),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_vector_store_is_reported_by_search_and_repaired_by_one_ingest(library, damage):
    settings, corpus, clean = library
    harm, said = DAMAGE[damage]
    harm(settings)
    forget_cached_system(settings.chroma_path)  # this process opened the store before: Chroma would reuse that

    found = sg("search", "guide to attention", "-k", "3", "--json", settings=settings, corpus=corpus)
    assert found.returncode == 0, found.stderr
    assert len(json.loads(found.stdout)) == 3  # BM25 still answers
    [line] = warnings(found)
    assert said in line and ("lexical results only" in line or "some results may be missing" in line), line
    assert line.endswith("`studygraph ingest` rebuilds it")
    asked = sg("ask", "where is a good guide to attention?", "--no-llm", "--json", settings=settings, corpus=corpus)
    answer = json.loads(asked.stdout)
    assert answer["citations"] and said in answer["warning"]
    if damage == "deleted":
        assert not settings.chroma_path.exists(), "a search must not create the store it reports missing"

    repaired = sg("ingest", "--json", settings=settings, corpus=corpus)
    assert repaired.returncode == 0, repaired.stderr
    report = json.loads(repaired.stdout)
    assert report["repairs"] and [f"warning: {r}" for r in report["repairs"]] == warnings(repaired)
    assert report["vectors_written"] == (5 if damage == "short" else CHUNKS)
    if damage == "truncated":
        moved = Path(report["vector_store_set_aside"])
        assert moved.is_dir() and moved.name.startswith("chroma.broken-") and moved.parent == settings.data_dir
    else:
        assert report["vector_store_set_aside"] is None
    assert state(settings) == clean

    again = sg("ingest", "--json", settings=settings, corpus=corpus)
    report = json.loads(again.stdout)
    assert report["repairs"] == [] and report["vectors_written"] == report["vectors_deleted"] == 0
    assert warnings(again) == []
    healthy = sg("search", "guide to attention", "--json", settings=settings, corpus=corpus)
    assert healthy.returncode == 0 and warnings(healthy) == []


def test_a_half_applied_library_is_rebuilt_from_its_files(library, embedder):
    """What two overlapping ingests used to leave: the files' rows all there, some of their resources not."""
    settings, _, clean = library
    db = sqlite3.connect(settings.meta_path)
    with db:
        lost = [r[0] for r in db.execute("SELECT id FROM resources ORDER BY id LIMIT 7")]
        db.executemany("DELETE FROM resources WHERE id=?", [(r,) for r in lost])
        db.executemany("DELETE FROM chunks WHERE resource_id=?", [(r,) for r in lost])
    db.close()

    report = ingest(settings, embedder=embedder)
    assert report.unchanged == 1 and report.resources == 20
    assert report.repairs == [
        "the library lacks 7 resources its files name and keeps 0 they no longer name: rebuilding it"
    ]
    assert state(settings) == clean
    assert ingest(settings, embedder=embedder).repairs == []


def test_a_chroma_dir_from_another_version_is_refused_even_when_nothing_changed(library):
    settings, corpus, _ = library
    db = sqlite3.connect(settings.chroma_path / "chroma.sqlite3")
    with db:
        db.execute(
            "UPDATE migrations SET version = version + 100 WHERE version = (SELECT max(version) FROM migrations)"
        )
    db.close()
    files = lambda: sorted(p.relative_to(settings.chroma_path) for p in settings.chroma_path.rglob("*"))  # noqa: E731
    before = files()

    refused = sg("ingest", "--json", settings=settings, corpus=corpus)
    assert refused.returncode != 0
    [error] = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert "vector store" in error and "move it aside" in error
    # Neither moved aside nor rebuilt (Chroma's own refusal touches the database's bytes, not its contents).
    assert files() == before and not list(settings.data_dir.glob("chroma.broken-*"))
    db = sqlite3.connect(settings.chroma_path / "chroma.sqlite3")
    assert db.execute("SELECT max(version) FROM migrations").fetchone()[0] > 100
    assert db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == CHUNKS
    db.close()
