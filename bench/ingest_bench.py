"""Ingest throughput and no-change re-ingest of the default corpus; embedding throughput.

Raw baselines: sentence-transformers' own batched encode + a plain Chroma add of the same chunk texts
(what any ingest must at least do), `python -c pass` for the no-change re-ingest process, and raw
SentenceTransformer.encode for the embedder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import p50, report, timings
from studygraph.config import load_settings
from studygraph.ingest.pipeline import ingest
from studygraph.store.embedder import Embedder
from studygraph.store.meta import MetaStore


def run(quick: bool) -> tuple[list[dict], str]:
    out = []
    embedder = Embedder()
    embedder.encode(["warm up"])
    data_dir = tempfile.mkdtemp(prefix="sg-bench-")
    settings = load_settings(data_dir=Path(data_dir), llm_backend="none")
    start = time.perf_counter()
    rep = ingest(settings, embedder=embedder)
    ours = rep.chunks / (time.perf_counter() - start)

    texts = [row["text"] for row in MetaStore(settings.meta_path).chunks()]
    import chromadb

    client = chromadb.EphemeralClient()
    coll = client.create_collection("raw", embedding_function=None)
    start = time.perf_counter()
    vecs = embedder.model.encode(texts, batch_size=64, normalize_embeddings=True)
    coll.add(ids=[str(i) for i in range(len(texts))], embeddings=vecs.tolist(), documents=texts)
    raw = len(texts) / (time.perf_counter() - start)
    out.append(
        report(
            "ingest.throughput",
            ours,
            raw,
            "chunks/s",
            "report (parsing + commit overhead over raw embed+add)",
            "higher",
            chunks=rep.chunks,
        )
    )

    sg = os.path.join(os.path.dirname(sys.executable), "studygraph")
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=data_dir)
    again = []
    base = []
    for _ in range(2 if quick else 5):
        t = time.perf_counter()
        subprocess.run([sg, "ingest", "--json"], env=env, check=True, capture_output=True)
        again.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(time.perf_counter() - t)
    out.append(
        report("ingest.no_change_reingest", p50(again), p50(base), "s", "< 2 s wall for the seed corpus", "lower")
    )

    sample = (texts * 8)[: 128 if quick else 1024]
    ours_t, raw_t = [], []
    embedder.encode(sample[:64])
    for _ in range(3 if quick else 5):  # interleaved: a noisy machine slows both sides alike
        ours_t += timings(lambda: embedder.encode(sample), 1, warmup=0)
        raw_t += timings(
            lambda: embedder.model.encode(sample, batch_size=embedder.batch_size, normalize_embeddings=True),
            1,
            warmup=0,
        )
    out.append(
        report(
            "embedding.throughput",
            len(sample) / p50(ours_t),
            len(sample) / p50(raw_t),
            "texts/s",
            ">= 0.95x raw",
            "higher",
            texts=len(sample),
            batch_size=embedder.batch_size,
        )
    )
    return out, data_dir
