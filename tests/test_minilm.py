"""Queries are embedded by MiniLM in numpy (store/minilm.py), documents by sentence-transformers at ingest:
the two must give the same vectors, or the store would silently stop matching. And a cold `search` must
not import torch: that is the point of the numpy path."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import cli_in_fresh_process


@pytest.fixture(scope="module")
def numpy_minilm():
    from studygraph.store.minilm import NumpyMiniLM

    return NumpyMiniLM()


@pytest.fixture(scope="module")
def torch_minilm():
    from studygraph.store.embedder import Embedder

    return Embedder()


@pytest.fixture(scope="module")
def minilm_library(tmp_path_factory, torch_minilm):
    """The default corpus embedded with MiniLM by sentence-transformers, as ingest does with embedder = "minilm"."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("minilm-data")
    (data / "config.toml").write_text('embedder = "minilm"\n')  # what a fresh CLI process reads too
    settings = load_settings(data_dir=data, llm_backend="none")
    assert settings.embedder == "minilm"
    ingest(settings, embedder=torch_minilm)
    return settings


def test_numpy_and_sentence_transformers_agree_on_corpus_texts(seed_library, torch_minilm, numpy_minilm):
    embedder = torch_minilm
    from studygraph.store.meta import MetaStore

    settings, _ = seed_library
    meta = MetaStore(settings.meta_path, readonly=True)
    texts = [r["text"] for r in meta.chunks()] + [r.title for r in meta.resources()]  # long chunks, short titles
    texts += ["attention explained", "注意力机制", "RLHF", "a" * 5000, "what should I learn before RLHF?"]
    assert len(texts) >= 200
    ours = np.array([numpy_minilm.encode_one(t) for t in texts[:20]] + numpy_minilm.encode(texts[20:]))
    reference = np.array(embedder.encode(texts))
    cosine = (ours * reference).sum(1)
    assert cosine.min() >= 0.999, f"worst: {texts[int(cosine.argmin())][:80]!r} at {cosine.min():.5f}"
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("which", ["default", "minilm"])
def test_a_cold_search_imports_no_torch(seed_library, minilm_library, which):
    settings = seed_library[0] if which == "default" else minilm_library
    heavy, results = cli_in_fresh_process(
        ["search", "attention explained", "-k", "3", "--json"],
        settings.data_dir,
        ("torch", "sentence_transformers", "transformers", "llama_cpp"),
    )
    assert heavy == [], f"a search imported {heavy}"
    assert any("attention" in (r["title"] + r["snippet"]).lower() for r in json.loads(results))


def test_the_labelled_queries_find_the_same_with_numpy_query_vectors(minilm_library, torch_minilm):
    """The retrieval test's labelled set, once with each query embedder: same top 5."""
    from test_retrieval import LABELLED

    from studygraph.assistant.engine import Assistant

    settings = minilm_library
    with_torch, without = Assistant(settings, embedder=torch_minilm), Assistant(settings)
    for query in LABELLED:
        a = [r.resource.id for r in with_torch.search(query, k=5)]
        b = [r.resource.id for r in without.search(query, k=5)]
        assert a == b, query
    assert type(without.retriever.embedder.made).__name__ == "NumpyMiniLM"
