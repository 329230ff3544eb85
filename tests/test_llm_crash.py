"""A native crash in llama.cpp (here: a real SIGSEGV, injected by tests/fixtures/segfault_llama) costs one
answer's prose and never the caller: the assistant, the CLI and the Streamlit server go on answering
deterministically, say why in one line, and skip the model for that build + model + CPU from then on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, write

from studygraph.config import load_settings

pytestmark = pytest.mark.model

SG = str(Path(sys.executable).with_name("studygraph"))
CRASHING = str(FIXTURES / "segfault_llama")


@pytest.fixture
def crashing(monkeypatch):
    """Every worker started from now on segfaults on its first completion (the parent never imports llama_cpp)."""
    monkeypatch.setenv("PYTHONPATH", CRASHING)


@pytest.fixture
def library(tmp_path, embedder):
    from studygraph.ingest.pipeline import ingest

    corpus = write(
        tmp_path / "corpus" / "roadmap.md",
        "# RLHF\n- [Illustrating RLHF](https://huggingface.co/blog/rlhf)\n"
        "- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n",
    ).parent
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder)
    return settings


def test_a_segfault_in_generation_is_an_error_not_a_crash(crashing, own_gguf, tmp_path):
    from studygraph.assistant.llm import LLMError, NoLLM, load_llm
    from studygraph.assistant.local_llm import LlamaCppLLM

    llm = LlamaCppLLM(own_gguf, n_ctx=512, data_dir=tmp_path)
    assert llm.count_tokens("attention") >= 1, "the worker loads and tokenizes; only generation crashes"
    with pytest.raises(LLMError, match="SIGSEGV"):
        list(llm.stream("The transformer is", 8))
    assert "crashed" in json.loads((tmp_path / "llm-crashes.json").read_text())[llm.crash_key]["reason"]

    start = time.monotonic()
    with pytest.raises(LLMError, match="SIGSEGV.*make install-llama"):
        list(llm.stream("The transformer is", 8))
    settings = load_settings(data_dir=tmp_path, llm_backend="llama_cpp", model_path=own_gguf, n_ctx=512)
    remembered = load_llm(settings)
    assert isinstance(remembered, NoLLM) and "SIGSEGV" in remembered.reason
    assert time.monotonic() - start < 5, "a remembered crash skips the model instead of crashing again"


def test_the_assistant_answers_deterministically_when_the_model_crashes(crashing, own_gguf, library):
    from studygraph.assistant.engine import Assistant

    settings = library.model_copy(update={"llm_backend": "llama_cpp", "model_path": own_gguf, "max_tokens": 16})
    assistant = Assistant(settings)
    answer = assistant.ask("what should I learn before RLHF")
    assert answer.intent == "plan" and answer.model == "none"
    assert "The model failed" in answer.text and "SIGSEGV" in answer.text
    assert "Transformer" in answer.text and answer.structured["steps"]
    again = assistant.ask("学 RLHF 之前要学什么")
    assert again.model == "none" and "模型出错" in again.text and again.structured["steps"]


def test_the_cli_exits_0_with_the_plan_and_the_reason(crashing, own_gguf, library):
    env = dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        STUDYGRAPH_LLM_BACKEND="llama_cpp",
        STUDYGRAPH_MODEL_PATH=str(own_gguf),
    )
    for attempt in ("crashes", "remembers"):
        result = subprocess.run(
            [SG, "ask", "学 RLHF 之前要学什么", "--json", "--data-dir", str(library.data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, (attempt, result.returncode, result.stderr[-2000:])
        out = json.loads(result.stdout)
        assert out["model"] == "none" and out["intent"] == "plan" and out["structured"]["steps"], attempt
        assert "SIGSEGV" in out["answer"] and "make install-llama" in out["answer"], (attempt, out["answer"][:300])
