"""An OpenAI-compatible server as the model (llama.cpp's llama-server, `python -m llama_cpp.server`, vLLM...).

Its own module because it needs httpx (~40 ms to import): `load_llm` imports it only when the server
backend is configured, so a question answered without a model, or by the local GGUF, never loads httpx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from studygraph.assistant.llm import DEFAULT_STOP
from studygraph.errors import LLMError


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
        return httpx.Client(timeout=httpx.Timeout(read_timeout or self.timeout, connect=min(5.0, self.timeout)))

    def check(self) -> None:
        """One quick request: is anybody there? Raises LLMError with the reason."""
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
        try:
            with self._client(read_timeout=min(5.0, self.timeout)) as client:
                r = client.get(self.base.removesuffix("/v1") + "/props")
                return r.status_code == 200 and bool(r.json().get("chat_template"))
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def count_tokens(self, text: str) -> int:
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
