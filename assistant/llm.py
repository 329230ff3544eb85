"""Text generation behind one small interface: a local GGUF through llama.cpp, an OpenAI-compatible server,
or none.

The local GGUF runs in a supervised worker process (assistant/local_llm.py), so a native crash in llama.cpp
costs one answer's prose, never the app. llama-cpp-python is called directly there (not through
LangChain's wrapper, which costs ~3x per token here).

Loading never raises into the assistant: `load_llm` returns a `NoLLM` carrying a one-line reason
(missing file, not a GGUF, server down), and the assistant answers deterministically and says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

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
    from studygraph.assistant.packaged_models import MODELS, ModelUnavailable, model_path

    if settings is None:
        from studygraph.config import load_settings

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


# -- an OpenAI-compatible server ------------------------------------------------------------------------
class ServerLLM:
    """`/v1/completions` or `/v1/chat/completions` with stream=true (llama.cpp's llama-server,
    `python -m llama_cpp.server`, vLLM...). The server applies the model's chat template itself."""

    supports_grammar = True  # llama.cpp servers accept a `grammar` field; others ignore unknown fields

    def __init__(
        self,
        url: str,
        timeout: float = 60.0,
        temperature: float = 0.2,
        model: str | None = None,
        chat: bool | None = None,
    ):
        base = url.rstrip("/")
        self.base = base if base.endswith("/v1") else base + "/v1"
        self.timeout = timeout
        self.temperature = temperature
        self.model = model
        self.name = f"server:{self.base}"
        self.chat = bool(chat)
        self._chat_auto = chat is None
        self._tokenize_ok = True

    def _client(self, read_timeout: float | None = None):
        import httpx

        return httpx.Client(timeout=httpx.Timeout(read_timeout or self.timeout, connect=min(5.0, self.timeout)))

    def check(self) -> None:
        """One quick request: is anybody there? Raises LLMError with the reason."""
        import httpx

        try:
            with self._client(read_timeout=min(10.0, self.timeout)) as client:
                r = client.get(self.base + "/models")
                r.raise_for_status()
                models = r.json().get("data") or []
        except (httpx.HTTPError, ValueError) as exc:
            raise LLMError(
                f"LLM server {self.base} is not reachable ({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})"
            ) from None
        if models and not self.model:
            self.model = models[0].get("id")
        if self.model:
            self.name = f"server:{self.model}"
        if self._chat_auto:
            self.chat = self._reports_chat_template()

    def _reports_chat_template(self) -> bool:
        """llama.cpp's llama-server says at /props whether its model has a chat template; others don't say."""
        import httpx

        try:
            with self._client(read_timeout=min(5.0, self.timeout)) as client:
                r = client.get(self.base.removesuffix("/v1") + "/props")
                return r.status_code == 200 and bool(r.json().get("chat_template"))
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def count_tokens(self, text: str) -> int:
        import httpx

        root = self.base.removesuffix("/v1")
        if self._tokenize_ok:
            try:
                with self._client(read_timeout=10.0) as client:
                    for url, body in (
                        (root + "/extras/tokenize", {"input": text}),
                        (root + "/tokenize", {"content": text}),
                    ):
                        r = client.post(url, json=body)
                        if r.status_code == 200:
                            return len(r.json().get("tokens", []))
            except httpx.HTTPError:
                pass
            self._tokenize_ok = False  # neither endpoint: estimate from now on
        return max(1, len(text) // 3)

    def stream(
        self, prompt: str, max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        body = {"prompt": prompt, "stop": stop or DEFAULT_STOP}
        return self._events("/completions", body, max_tokens, grammar, lambda choice: choice.get("text"))

    def chat_stream(
        self, messages: list[dict], max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        body = {"messages": messages, **({"stop": stop} if stop else {})}
        return self._events(
            "/chat/completions", body, max_tokens, grammar, lambda choice: (choice.get("delta") or {}).get("content")
        )

    def _events(self, path: str, body: dict, max_tokens: int, grammar: str | None, text_of) -> Iterator[str]:
        """Stream a request's server-sent events, yielding each choice's text."""
        import httpx

        body = {**body, "max_tokens": max_tokens, "temperature": self.temperature, "top_p": 0.9, "stream": True}
        if self.model:
            body["model"] = self.model
        if grammar:
            body["grammar"] = grammar
        try:
            with self._client() as client, client.stream("POST", self.base + path, json=body) as r:
                if r.status_code != 200:
                    r.read()
                    raise LLMError(f"LLM server {self.base} answered {r.status_code}: {r.text[:160]}")
                for line in r.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        choice = (json.loads(data).get("choices") or [{}])[0]
                    except ValueError:
                        continue
                    text = text_of(choice) or ""
                    if text:
                        yield text
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM server {self.base} failed ({exc.__class__.__name__})") from None


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
