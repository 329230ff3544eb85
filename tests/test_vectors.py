"""The vector store answers a query with the nearest chunks, the same ones in every process: Chroma's HNSW is
approximate, and at its default search width it missed a few of the true nearest chunks, different ones in
each process (store/vectors.py SEARCH_EF)."""

from __future__ import annotations

import numpy as np

from studygraph.store import vectors
from studygraph.store.vectors import VectorStore


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def test_a_query_gets_the_exact_nearest_chunks(tmp_path):
    # Random 512-d vectors are a hard case for HNSW: at Chroma's default width (100) this misses ~5 % of the
    # exact top 30 (43 of 900 when measured); a search reads 30.
    rng = np.random.default_rng(7)
    matrix = _unit(rng.standard_normal((1500, 512)))
    ids = [f"c{i}" for i in range(len(matrix))]
    store = VectorStore(path=tmp_path / "chroma")
    store.upsert(ids, matrix.tolist(), [""] * len(ids), ["r"] * len(ids))
    for row in range(0, 300, 10):
        query = _unit(matrix[row] + rng.standard_normal(512) * 0.03)
        exact = {ids[i] for i in np.argsort(-(matrix @ query))[:30]}
        assert {cid for cid, _ in store.query_ids(query.tolist(), 30)} == exact


def test_an_older_store_searches_wide_from_the_next_ingest_and_a_reader_changes_nothing(tmp_path):
    import chromadb

    path = tmp_path / "chroma"
    store = VectorStore(path=path)
    store.collection.modify(configuration={"hnsw": {"ef_search": 100}})  # as made before SEARCH_EF
    del store

    def width() -> int:
        client = chromadb.PersistentClient(path=str(path))
        (collection,) = client.list_collections()
        return client.get_collection(collection.name).configuration["hnsw"]["ef_search"]

    VectorStore(path=path, create=False)  # search and the app open it so: read-only data dirs must work
    assert width() == 100
    VectorStore(path=path)  # ingest
    assert width() == vectors.SEARCH_EF
    assert VectorStore(path=path).collection.configuration["hnsw"]["space"] == "cosine"
