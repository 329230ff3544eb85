"""Text generation behind one small interface: a local GGUF through llama.cpp, an OpenAI-compatible server,
or none.

The local GGUF runs in a supervised worker process (assistant/local_llm.py), so a native crash in llama.cpp
costs one answer's prose, never the app. llama-cpp-python is called directly there (not through
LangChain's wrapper, which costs ~3x per token here). A server is assistant/server_llm.py.

Loading never raises into the assistant: `load_llm` returns a `NoLLM` carrying a one-line reason
(missing file, not a GGUF, server down), and the assistant answers deterministically and says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from studygraph.assistant.packaged_models import MODELS, ModelUnavailable, model_path
from studygraph.config import load_settings
from studygraph.errors import LLMError

GGUF_MAGIC = b"GGUF"
DEFAULT_STOP = ["\n\n\n", "Question:", "###", "<end_of_turn>", "<eos>"]


class LLM(Protocol):
    name: str
    chat: bool  # prompt through the model's chat template (chat_stream), else as a document to continue (stream)

    def stream(
        self, prompt: str, max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]: ...

    def chat_stream(
        self, messages: list[dict], max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...


class NoLLM:
    """No model: the assistant answers deterministically; `reason` says why in one line."""

    name = "none"
    supports_grammar = False
    chat = False

    def __init__(self, reason: str = "no model configured"):
        self.reason = reason

    def stream(
        self, prompt: str, max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        return iter(())

    def chat_stream(
        self, messages: list[dict], max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        return iter(())

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 3)


# -- the packaged GGUF --------------------------------------------------------------------------------
def packaged_model_path(settings=None) -> Path:
    """The configured packaged GGUF (`settings.model`), assembled and verified under `models_dir` once.

    Raises LLMError with one line when it is not installed or its bytes do not match the pinned SHA-256.
    """
    if settings is None:
        settings = load_settings()
    model = MODELS.get(settings.model)
    if model is None:
        raise LLMError(f"unknown packaged model {settings.model!r} (one of: {', '.join(MODELS)}; or set model_path)")
    try:
        return model_path(model, Path(settings.models_dir))
    except ModelUnavailable as exc:
        raise LLMError(str(exc)) from None


def check_gguf(path: Path) -> None:
    """Fail fast, with a clear reason, before llama.cpp prints its own errors about a bad file."""
    if not path.is_file():
        raise LLMError(f"model file not found: {path}")
    with path.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise LLMError(f"not a GGUF model file (corrupt or wrong format): {path}")


# -- choosing a backend -----------------------------------------------------------------------------------
def load_llm(settings) -> LLM:
    """The configured backend, or NoLLM with a one-line reason. Never raises, never hangs for long."""
    backend = settings.llm_backend
    if backend == "none":
        return NoLLM("no model configured")
    chat = {"auto": None, "chat": True, "completion": False}[settings.prompt_style]  # None: ask the model
    if backend == "server" or (backend == "auto" and settings.llm_url):
        if not settings.llm_url:
            return NoLLM("llm_backend is 'server' but no llm_url is set")
        # Each backend's module is imported only when chosen (httpx for a server, the llama.cpp worker for a
        # GGUF); both also import this module's protocol and errors, so neither can be imported at its top.
        from studygraph.assistant.server_llm import ServerLLM

        server = ServerLLM(settings.llm_url, settings.llm_timeout, settings.temperature, chat=chat)
        try:
            server.check()
        except LLMError as exc:
            return NoLLM(str(exc))
        return server
    try:
        from studygraph.assistant.local_llm import LlamaCppLLM

        path = Path(settings.model_path) if settings.model_path else packaged_model_path(settings)
        return LlamaCppLLM(
            path,
            settings.n_ctx,
            settings.n_threads,
            settings.n_gpu_layers,
            settings.temperature,
            timeout=settings.llm_timeout,
            data_dir=settings.data_dir,
            chat=chat,
        )
    except LLMError as exc:
        return NoLLM(str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. the packaged model cannot be assembled (disk full)
        return NoLLM(f"model unavailable ({exc.__class__.__name__}: {' '.join(str(exc).split())[:160]})")
