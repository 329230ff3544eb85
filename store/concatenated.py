"""Two embedders as one collection's embedder (the `minilm+use-m3` and `use-m3+e5-small` settings)."""

from __future__ import annotations

import numpy as np

from studygraph.store.embedders import EmbedderInfo


class Concatenated:
    """Two embedders as one: each part's unit vector scaled by 1/sqrt(2), side by side. The result is a
    unit vector whose cosine with another is the mean of the parts' cosines: score fusion of two dense
    models in one collection and one query."""

    def __init__(self, info: EmbedderInfo, parts: list):
        self.info = info
        self.parts = parts

    def encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        halves = [np.asarray(p.encode(texts), dtype=np.float32) for p in self.parts]
        return (np.concatenate(halves, axis=1) / np.sqrt(len(halves))).tolist()

    def encode_one(self, text: str) -> list[float]:
        halves = [np.asarray(p.encode_one(text), dtype=np.float32) for p in self.parts]  # each as its query
        return (np.concatenate(halves) / np.sqrt(len(halves))).tolist()
