"""Heavy objects, cached once per process with st.cache_resource, and small data helpers the pages share.

Nothing here loads the embedder or the LLM at import or at app start: `get_assistant()` and
`get_embedder()` are only called when a question is asked or files are ingested. The topic graph is
cached under the library's version (SQLite `meta` keys `ingested_at` + `catalogue`), so a re-ingest —
from this app or from the CLI — shows up on the next rerun without restarting anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from studygraph.config import Settings, load_settings
from studygraph.models import topic_marks


def _env_key() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("STUDYGRAPH_")))


@st.cache_resource(show_spinner=False, max_entries=4)
def _settings(env: tuple[tuple[str, str], ...]) -> Settings:
    return load_settings()


def get_settings() -> Settings:
    """Settings from STUDYGRAPH_* (data dir: STUDYGRAPH_DATA_DIR), cached per environment."""
    return _settings(_env_key())


# -- the metadata store -----------------------------------------------------------------------------
def has_library(settings: Settings) -> bool:
    """True once an ingest has committed (a failed first ingest can leave an empty meta.sqlite behind)."""
    return bool(library_version(settings)[0])


@contextmanager
def open_meta(settings: Settings, readonly: bool = True) -> Iterator:
    """A short-lived MetaStore (SQLite connections are cheap; a fresh one always sees the last commit).
    Read-only opens yield None when there is no library yet."""
    from studygraph.store.meta import MetaStore

    if readonly and not settings.meta_path.exists():
        yield None
        return
    meta = MetaStore(settings.meta_path, readonly=readonly)
    try:
        yield meta
    finally:
        meta.close()


def library_version(settings: Settings) -> tuple[str, str]:
    """(ingested_at, catalogue digest) of the last committed ingest; ("", "") without a library."""
    with open_meta(settings) as meta:
        if meta is None:
            return "", ""
        return meta.get_meta("ingested_at") or "", meta.get_meta("catalogue") or ""


def progress(settings: Settings) -> dict[str, str]:
    with open_meta(settings) as meta:
        return meta.progress() if meta is not None else {}


def set_progress(settings: Settings, items: list[str], status: str) -> None:
    with open_meta(settings, readonly=False) as meta:
        meta.set_progress(items, status)


def counts(settings: Settings) -> dict[str, int]:
    """What `studygraph stats` prints: files, resources, chunks, questions, topics, edges."""
    tg = get_graph(settings)
    with open_meta(settings) as meta:
        base = (
            meta.counts() if meta is not None else {"files": 0, "resources": 0, "chunks": 0, "questions": 0, "done": 0}
        )
    return {**base, "topics": len(tg.catalogue.topics), "edges": tg.graph.number_of_edges()}


# -- the topic graph --------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=3)
def _graph(meta_path: str, version: tuple[str, str]):
    from pathlib import Path

    from studygraph.graph.build import build_graph
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.store.meta import MetaStore

    catalogue = load_catalogue()
    meta_path = Path(meta_path)
    if not meta_path.exists():
        return build_graph(catalogue, None)
    meta = MetaStore(meta_path, readonly=True)
    try:
        return build_graph(catalogue, meta)
    finally:
        meta.close()


def get_graph(settings: Settings):
    return _graph(str(settings.meta_path), library_version(settings))


@st.cache_resource(show_spinner=False, max_entries=3)
def _resolver(meta_path: str, version: tuple[str, str]):
    from studygraph.graph.resolve import Resolver

    return Resolver(_graph(meta_path, version).catalogue)


def get_resolver(settings: Settings):
    return _resolver(str(settings.meta_path), library_version(settings))


def topic_status(settings: Settings, tg) -> dict[str, str]:
    """Topic id -> done / learning / skipped from explicit marks and finished resources."""
    from studygraph.graph.plan import known_topics, status_map

    with open_meta(settings) as meta:
        if meta is None:
            return {}
        marks = meta.progress()
        done, learning = known_topics(tg, meta)
    status = status_map(done, learning)
    status.update({t: v for t, v in topic_marks(marks).items() if v == "skipped"})
    return status


def sorted_topics(tg) -> list[str]:
    return sorted(tg.catalogue.topics, key=lambda t: tg.catalogue.topics[t].name.casefold())


# -- lazily loaded models -----------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=2)
def _assistant(data_dir: str, backend: str, env: tuple, version: tuple[str, str]):
    from studygraph.assistant.engine import Assistant

    return Assistant(get_settings())


def get_assistant(settings: Settings):
    """The assistant for the current library version (first call loads retrieval and, lazily, the model)."""
    return _assistant(str(settings.data_dir), settings.llm_backend, _env_key(), library_version(settings))


@st.cache_resource(show_spinner=False)
def get_embedder():
    from studygraph.store.embedders import make_embedder

    settings = get_settings()
    return make_embedder(
        settings.embedder, ingest=True, batch_size=settings.embed_batch_size, cache_dir=settings.models_dir
    )


def one_line(exc: BaseException) -> str:
    """An exception as one line a learner can act on: never a stack trace."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, (ModuleNotFoundError, ImportError)):
        text = f"a part of studygraph is missing ({text})"
    return text[:300]
