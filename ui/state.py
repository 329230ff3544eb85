"""The one `Library` per process (st.cache_resource), and small helpers the pages share over it.

Nothing here loads the embedder or the LLM at import or at app start: Library loads them when a question
is asked or files are ingested. It keeps one topic graph per library version, so a re-ingest — from this
app or from the CLI — shows up on the next rerun without restarting anything.
"""

from __future__ import annotations

import os

import streamlit as st

from studygraph import Library
from studygraph.config import Settings, load_settings


def _env_key() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("STUDYGRAPH_")))


@st.cache_resource(show_spinner=False, max_entries=4)
def _settings(env: tuple[tuple[str, str], ...]) -> Settings:
    return load_settings()


def get_settings() -> Settings:
    """Settings from STUDYGRAPH_* (data dir: STUDYGRAPH_DATA_DIR), cached per environment."""
    return _settings(_env_key())


# -- the library: one per data dir and environment, renewed on its own when an ingest commits ---------
@st.cache_resource(show_spinner=False, max_entries=4)
def _library(data_dir: str, backend: str, env: tuple[tuple[str, str], ...]) -> Library:
    return Library(get_settings())


def get_library(settings: Settings | None = None) -> Library:
    """The Library every page calls (studygraph/library.py): graph, resolver, learner status, search, ask."""
    settings = settings or get_settings()
    return _library(str(settings.data_dir), settings.llm_backend, _env_key())


def has_library(settings: Settings) -> bool:
    """True once an ingest has committed (a failed first ingest can leave an empty meta.sqlite behind)."""
    return get_library(settings).has_library


def library_version(settings: Settings) -> str:
    """Changes whenever an ingest commits, from this app or from the CLI; "" without a library."""
    return get_library(settings).version


def progress(settings: Settings) -> dict[str, str]:
    return get_library(settings).progress()


def set_progress(settings: Settings, items: list[str], status: str) -> None:
    get_library(settings).set_progress(items, status)


def counts(settings: Settings) -> dict[str, int]:
    """What `studygraph stats` prints (zeros before the first ingest)."""
    lib = get_library(settings)
    if lib.has_library:
        return lib.stats().to_dict()
    tg = lib.graph
    return {
        "files": 0,
        "resources": 0,
        "chunks": 0,
        "questions": 0,
        "topics": len(tg.catalogue.topics),
        "edges": tg.graph.number_of_edges(),
    }


def get_graph(settings: Settings):
    return get_library(settings).graph


def topic_status(settings: Settings, tg=None) -> dict[str, str]:
    """Topic id -> done / learning / skipped: what the learner knows (Library.learner), as the CLI sees it."""
    return get_library(settings).learner().status()


def sorted_topics(tg) -> list[str]:
    return sorted(tg.catalogue.topics, key=lambda t: tg.catalogue.topics[t].name.casefold())


def get_assistant(settings: Settings):
    """The library's assistant (first call loads retrieval and, lazily, the model)."""
    return get_library(settings).assistant


def one_line(exc: BaseException) -> str:
    """An exception as one line a learner can act on: never a stack trace."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, (ModuleNotFoundError, ImportError)):
        text = f"a part of studygraph is missing ({text})"
    return text[:300]
