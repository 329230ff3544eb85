"""Hybrid search latency (dense + BM25, RRF fusion, SQLite filtering, one result per resource) vs a raw
Chroma `collection.query` on the same vectors, at 1k / 10k / 100k synthetic chunks.

Synthetic library: random unit vectors written straight into a VectorStore, and matching chunk + resource
rows written through MetaStore, so our retrieval does all of its real work on them (BM25 over the texts,
fusion, filtering to SQLite chunk ids, dedupe per resource). No text is embedded: both sides get the same
pre-computed query vectors (our Retriever gets an embedder stub that returns them), so the ratio measures
retrieval, not MiniLM. The one-off BM25 index build (the first search after an ingest) is reported on its
own line; the latency lines are the steady state.

Target: ours p50 and p95 <= 1.5x raw at each size.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import p50, p95, report
from studygraph.store.embedders import embedder_info

# The configured default embedder's dimension (USE multilingual: 512), as its collection expects.
DIM = embedder_info().dimension
K = 10
CHUNKS_PER_RESOURCE = 2
KINDS = ("paper", "video", "course", "code", "book", "article")


def _vocabulary(rng: random.Random, n: int = 3000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(n)}
    return sorted(words)


class _FixedEmbedder:
    """Stands in for the embedder: returns the pre-computed vector of the current query."""

    info = embedder_info()

    def __init__(self):
        self.vector: list[float] = []

    def encode_one(self, text: str) -> list[float]:
        return self.vector

    def encode(self, texts: list[str]) -> list[list[float]]:
        return [self.vector for _ in texts]


def build_library(n_chunks: int, data_dir: Path, seed: int = 11):
    """Write n_chunks synthetic chunks into SQLite + Chroma under data_dir; returns (settings, vectors, vocab)."""
    from studygraph.config import load_settings
    from studygraph.store.meta import MetaStore
    from studygraph.store.vectors import VectorStore

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    vocab = _vocabulary(rng)
    zipf = np.minimum(nrng.zipf(1.3, size=n_chunks * 40), len(vocab)) - 1  # word frequencies like real text
    settings = load_settings(data_dir=data_dir, corpus_dirs=[], llm_backend="none")
    meta = MetaStore(settings.meta_path)
    n_res = max(1, n_chunks // CHUNKS_PER_RESOURCE)
    resources, chunks = [], []
    pos = 0
    for i in range(n_chunks):
        rid = f"r{i % n_res:07d}"
        words = " ".join(vocab[j] for j in zipf[pos : pos + 40])
        pos += 40
        chunks.append((f"c{i:08d}", rid, words))
    for i in range(n_res):
        title = " ".join(rng.sample(vocab, 4)).title()
        sources = json.dumps([[f"synthetic-{i % 7}.md", i + 1, "Synthetic > Section"]])
        resources.append(
            (f"r{i:07d}", f"https://example.org/r{i}", title, KINDS[i % len(KINDS)], title, 0, "[]", sources)
        )
    with meta.db:
        meta.db.executemany(
            "INSERT INTO resources(id, url, title, kind, context, done, topics, sources) VALUES(?,?,?,?,?,?,?,?)",
            resources,
        )
        meta.db.executemany("INSERT INTO chunks(id, resource_id, text) VALUES(?,?,?)", chunks)
        meta.set_meta("state", "clean")
        meta.set_meta("ingested_at", str(time.time()))
    meta.close()

    vectors = VectorStore(path=settings.chroma_path)
    vecs = nrng.standard_normal((n_chunks, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    step = 5000
    for start in range(0, n_chunks, step):
        part = chunks[start : start + step]
        vectors.upsert(
            [c[0] for c in part], vecs[start : start + step].tolist(), [c[2] for c in part], [c[1] for c in part]
        )
    return settings, vectors, vocab


def _queries(vocab: list[str], n: int, seed: int = 5) -> list[tuple[str, list[float]]]:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        v = nrng.standard_normal(DIM).astype(np.float32)
        v /= np.linalg.norm(v)
        out.append((" ".join(rng.sample(vocab[:600], 3)), v.tolist()))  # common-ish words: long posting lists
    return out


def run_size(n_chunks: int, repeat: int) -> list[dict]:
    from studygraph.assistant.query import Query
    from studygraph.assistant.retrieval import Retriever
    from studygraph.store.meta import MetaStore

    tmp = Path(tempfile.mkdtemp(prefix=f"sg-bench-retr-{n_chunks}-"))
    try:
        t = time.perf_counter()
        settings, vectors, vocab = build_library(n_chunks, tmp)
        setup_s = time.perf_counter() - t
        queries = _queries(vocab, 16)
        embedder = _FixedEmbedder()
        retriever = Retriever(
            settings, MetaStore(settings.meta_path, readonly=True), embedder=embedder, vectors=vectors
        )
        coll = vectors.collection

        def ours(i: int):
            text, vec = queries[i % len(queries)]
            embedder.vector = vec
            res = retriever.search(Query(text=text, lang="en"), k=K)
            assert res, "hybrid search returned nothing"

        def raw(i: int):
            _, vec = queries[i % len(queries)]
            coll.query(query_embeddings=[vec], n_results=K, include=["documents", "metadatas", "distances"])

        t = time.perf_counter()
        ours(0)  # first search: builds the BM25 index (once per library version)
        build_s = time.perf_counter() - t
        for i in range(3):  # warm both paths (HNSW pages, SQLite cache)
            raw(i)
            ours(i)
        ours_t, raw_t = [], []
        for i in range(repeat):  # interleaved, so machine noise hits both sides alike
            s = time.perf_counter()
            raw(i)
            raw_t.append(time.perf_counter() - s)
            s = time.perf_counter()
            ours(i)
            ours_t.append(time.perf_counter() - s)
        label = f"{n_chunks // 1000}k"
        extra = {"chunks": n_chunks, "k": K, "queries": repeat}
        out = [
            report(
                f"retrieval.{label}.p50", p50(ours_t) * 1e3, p50(raw_t) * 1e3, "ms", "<= 1.5x raw", "lower", **extra
            ),
            report(
                f"retrieval.{label}.p95", p95(ours_t) * 1e3, p95(raw_t) * 1e3, "ms", "<= 1.5x raw", "lower", **extra
            ),
            report(
                f"retrieval.{label}.bm25_build",
                build_s * 1e3,
                p50(raw_t) * 1e3,
                "ms",
                "report (one-off per library version; raw = one raw query)",
                "lower",
                setup_s=round(setup_s, 2),
            ),
        ]
        retriever.meta.close()
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(quick: bool) -> list[dict]:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    out = []
    for n in sizes:
        out += run_size(n, 20 if quick else 60)
    return out


if __name__ == "__main__":
    import sys

    run("--quick" in sys.argv)
