"""Packaged GGUFs arrive as parts inside packages whose names say nothing: the assembled file is used only
when its SHA-256 is the pinned one. Tested on small part packages made here (the real mechanism, small
bytes) and on the real default model."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import replace

import pytest

from studygraph.assistant.packaged_models import DEFAULT_MODEL, MODELS, ModelUnavailable, installed, model_path


@pytest.fixture
def parts(tmp_path, monkeypatch):
    """Two part packages on sys.path, and a PackagedModel pinning their concatenation."""
    site = tmp_path / "site"
    chunks = [os.urandom(3000), os.urandom(1234)]
    for i, chunk in enumerate(chunks, 1):
        (site / f"sgtest_part{i}" / "data").mkdir(parents=True)
        (site / f"sgtest_part{i}" / "__init__.py").write_text("raise SystemExit('part packages are never imported')\n")
        (site / f"sgtest_part{i}" / "data" / f"part{i:02d}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(chunks)
    model = replace(
        MODELS[DEFAULT_MODEL],
        key="test",
        title="Test model",
        file_name="test.gguf",
        install="pip install test",
        parts=(("sgtest_part1", "data/part01.bin"), ("sgtest_part2", "data/part02.bin")),
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
    )
    return model, whole, site


def test_assembles_verifies_and_reuses(parts, tmp_path):
    model, whole, _ = parts
    path = model_path(model, tmp_path / "models")
    assert path.read_bytes() == whole
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    mtime = path.stat().st_mtime_ns
    assert model_path(model, tmp_path / "models") == path and path.stat().st_mtime_ns == mtime, "verified once, reused"
    assert not any(m.startswith("sgtest_part") for m in sys.modules), "part packages are located, never imported"


def test_a_hash_mismatch_is_refused_in_one_line(parts, tmp_path):
    model, _, _ = parts
    wrong = replace(model, sha256="0" * 64)
    with pytest.raises(ModelUnavailable) as err:
        model_path(wrong, tmp_path / "models")
    message = str(err.value)
    assert (
        "\n" not in message
        and "refusing test.gguf" in message
        and "SHA-256" in message
        and "pip install test" in message
    )
    assert not (tmp_path / "models" / "test.gguf").exists(), "nothing unverified under the final name"


def test_a_changed_file_is_checked_again_and_replaced(parts, tmp_path):
    model, whole, _ = parts
    path = model_path(model, tmp_path / "models")
    path.write_bytes(
        b"x" * len(whole)
    )  # same size, other bytes (and a new mtime): the sidecar no longer vouches for it
    assert model_path(model, tmp_path / "models").read_bytes() == whole


def test_changed_parts_are_refused(parts, tmp_path):
    model, _, site = parts
    (site / "sgtest_part2" / "data" / "part02.bin").write_bytes(os.urandom(1234))
    with pytest.raises(ModelUnavailable, match="refusing"):
        model_path(model, tmp_path / "models")


def test_a_missing_part_says_how_to_install(parts, tmp_path):
    model, _, site = parts
    (site / "sgtest_part2" / "data" / "part02.bin").unlink()
    assert not installed(model)
    with pytest.raises(ModelUnavailable, match=r"Test model is not installed \(pip install test\)"):
        model_path(model, tmp_path / "models")


def test_the_default_model_is_installed_and_verified(gguf_path):
    default = MODELS[DEFAULT_MODEL]
    assert installed(default) and gguf_path.name == default.file_name
    assert gguf_path.stat().st_size == default.size
    digest = hashlib.sha256()
    with gguf_path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    assert digest.hexdigest() == default.sha256


def test_an_unknown_packaged_model_falls_back_with_the_reason(tmp_path):
    from studygraph.assistant.llm import NoLLM, load_llm
    from studygraph.config import load_settings

    llm = load_llm(load_settings(data_dir=tmp_path, llm_backend="llama_cpp", model="no-such-model"))
    assert isinstance(llm, NoLLM) and "unknown packaged model 'no-such-model'" in llm.reason
