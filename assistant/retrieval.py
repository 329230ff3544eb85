"""Hybrid retrieval: dense MiniLM vectors (Chroma) + BM25 (bm25s, jieba for Chinese), fused with RRF.

Why both: MiniLM is English-only, so Chinese titles ("DeepSpeed Chat中文") are found by BM25 over jieba
tokens; BM25 misses paraphrases ("how attention works") that the vectors catch. Reciprocal rank fusion
needs no score calibration between the two. SQLite is the source of truth: a Chroma hit whose chunk id is
not in SQLite (an orphan from an interrupted ingest) is dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np

from studygraph.assistant.query import Query
from studygraph.models import Resource
from studygraph.store.meta import MetaStore

log = logging.getLogger(__name__)

RRF_K = 60
TOPIC_BOOST = 1.0 / (RRF_K + 1)  # resource is about a topic the query names: worth ~half a top-1 vote
PRIMARY_TOPIC_BOOST = 0.4 / (RRF_K + 1)  # ... and it is its main subject
KIND_BOOST = 0.8 / (RRF_K + 1)  # the query asked for this kind ("a video about ...")
SNIPPET_CHARS = 240

_LATIN = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
STOPWORDS = frozenset(
    "a an the of to in on for and or is are was be it this that with about me my i you what which how why "
    "do does can should could would where there here any some give find show want need learn learning "
    "good best please from by at as into".split()
) | frozenset(
    "的 了 是 在 和 与 及 吗 呢 吧 啊 什么 哪里 哪些 有 有没有 一个 一些 我 你 要 讲 好 的好 资料 一下 关于".split()
)

# Words that name a kind: every card says its kind, so they match everything; the kind boost handles them.
KIND_WORDS = frozenset(
    "video paper course code book dataset article tutorial lecture blog 视频 论文 课程 代码 书 数据集 教程 博客 精读".split()
)

_jieba_lock = threading.Lock()


def _jieba():
    import jieba

    jieba.setLogLevel(60)  # jieba prints "Building prefix dict..." to stderr on first use otherwise
    return jieba


def tokenize(text: str) -> list[str]:
    """Lowercased Latin words (light plural folding) plus jieba search-mode tokens for CJK runs."""
    text = text.casefold()
    out: list[str] = []
    for word in _LATIN.findall(text):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    runs = _CJK_RUN.findall(text)
    if runs:
        jieba = _jieba()
        with _jieba_lock:  # jieba's lazy dictionary load is not thread-safe
            for run in runs:
                out.extend(t for t in jieba.lcut_for_search(run) if t.strip() and t not in STOPWORDS)
    return out


def url_words(url: str | None) -> str:
    """Words in a URL's host and path: 'jalammar.github.io/illustrated-transformer' names its subject."""
    if not url:
        return ""
    parts = urlsplit(url)
    return " ".join(re.split(r"[^0-9A-Za-z\u3400-\u9fff]+", f"{parts.hostname or ''} {unquote(parts.path)}"))


@dataclass
class SearchResult:
    resource: Resource
    score: float
    topics: list[str] = field(default_factory=list)
    source: str = ""  # "file.md:12": where the resource was seen first
    snippet: str = ""
    chunk_id: str = ""


@dataclass
class _Lexical:
    """Everything a search needs that only changes when an ingest commits, built once per version:
    per-search work is then the two rankings and the fusion, not re-reading the library."""

    version: tuple
    ids: list[str]  # in BM25 document order
    bm25: object
    resources: dict[str, Resource] = field(default_factory=dict)
    chunk_resource: dict[str, str] = field(default_factory=dict)  # its keys are the chunk ids SQLite lists
    chunk_text: dict[str, str] = field(default_factory=dict)


_lexical_cache: dict[str, _Lexical] = {}
_lexical_lock = threading.Lock()


def store_version(meta: MetaStore) -> tuple:
    """Changes whenever an ingest commits new chunks (one indexed lookup, not a scan of the chunks)."""
    return (meta.get_meta("library_version"), meta.get_meta("ingested_at"))


def lexical_index(meta: MetaStore) -> _Lexical:
    """The BM25 index and chunk maps of the library's current version: from memory, else from the on-disk
    cache of this version, else built (tokenising every chunk, jieba included: most of a cold search)."""
    version = store_version(meta)
    key = str(meta.path)
    with _lexical_lock:
        cached = _lexical_cache.get(key)
        if cached and cached.version == version:
            return cached
        resources = {r.id: r for r in meta.resources()}
        urls = {rid: r.url for rid, r in resources.items()}
        rows = meta.chunks()
        ids = [r["id"] for r in rows]
        rids = [r["resource_id"] for r in rows]
        texts = [r["text"] for r in rows]
        cache_dir = Path(meta.path).parent / "cache" / "bm25" / hashlib.sha256(repr(version).encode()).hexdigest()[:16]
        bm25 = _load_bm25(cache_dir, ids)
        if bm25 is None:
            bm25 = _build_bm25([tokenize(f"{t}\n{url_words(urls.get(rid))}") or [""] for t, rid in zip(texts, rids)])
            _save_bm25(bm25, ids, cache_dir)
        built = _Lexical(version, ids, bm25, resources, dict(zip(ids, rids)), dict(zip(ids, texts)))
        _lexical_cache[key] = built
        return built


def _build_bm25(docs: list[list[str]]):
    import bm25s

    bm25 = bm25s.BM25()
    if docs:
        bm25.index(docs, show_progress=False)
    return bm25


def _load_bm25(cache_dir: Path, ids: list[str]):
    """The cached index if it was built for exactly these chunks, in this order; else None."""
    import bm25s

    try:
        if json.loads((cache_dir / "ids.json").read_text()) != ids or not ids:
            return None
        return bm25s.BM25.load(str(cache_dir), show_progress=False)
    except (OSError, ValueError, KeyError):
        return None


def _save_bm25(bm25, ids: list[str], cache_dir: Path) -> None:
    """Written under a temporary name and renamed, so a reader finds a whole index or none; older
    versions' indexes are removed. A read-only data dir simply keeps the index in memory."""
    if not ids:
        return
    tmp = cache_dir.with_name(f".{cache_dir.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        bm25.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps(ids))
        os.replace(tmp, cache_dir)
        for old in cache_dir.parent.iterdir():
            if old.name != cache_dir.name and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def rrf(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            scores[item] += 1.0 / (k + rank + 1)
    return scores


class Retriever:
    """Search over one library. The embedder and Chroma are created on the first search, not before."""

    def __init__(
        self, settings, meta: MetaStore, embedder=None, vectors=None, topic_names: dict[str, str] | None = None
    ):
        self.settings = settings
        self.topic_names = topic_names or {}
        self.meta = meta
        self._embedder = embedder
        self._vectors = vectors
        self.warning: str | None = None
        self._store_checked: tuple | None = None  # the library version the vector store was last counted for
        self._store_warning: str | None = None
        self._store_usable = True

    @property
    def embedder(self):
        """Embeds queries: MiniLM in numpy (no torch: a cold search in about a second), the same vectors
        as the sentence-transformers Embedder that ingest uses."""
        if self._embedder is None:
            from studygraph.store.minilm import NumpyMiniLM

            self._embedder = NumpyMiniLM()
        return self._embedder

    @property
    def vectors(self):
        if self._vectors is None:
            from studygraph.store.vectors import VectorStore

            url = self.settings.chroma_url
            self._vectors = VectorStore(url=url) if url else VectorStore(path=self.settings.chroma_path)
        return self._vectors

    def _dense(self, text: str, n: int, known: Container[str]) -> list[str]:
        hits = self.vectors.query_ids(self.embedder.encode_one(text), n)
        return [cid for cid, _ in hits if cid in known]  # orphans: vectors SQLite does not list

    def _store_check(self, lex: _Lexical) -> tuple[bool, str | None]:
        """(whether to query the vectors, what to tell the learner), once per library version: a vector
        store that is gone or holds fewer vectors than SQLite lists chunks (deleted, truncated, another
        embedder's) is said so, not silently searched. A store that is gone is not created by a reader."""
        if self._store_checked != lex.version:
            path = self.settings.chroma_path
            if self._vectors is None and not self.settings.chroma_url and not path.is_dir():
                usable, warning = False, f"the vector store is missing ({path}): lexical results only"
            else:
                held, listed = self.vectors.count(), len(lex.ids)
                usable, warning = held > 0, None
                if not held:
                    warning = (
                        f"the vector store holds no vectors (the library has {listed} chunks): lexical results only"
                    )
                elif held < listed:
                    warning = (
                        f"the vector store holds {held} of the library's {listed} vectors: some results may be missing"
                    )
            if warning:
                warning += "; `studygraph ingest` rebuilds it"
                log.warning(warning)
            self._store_checked, self._store_warning, self._store_usable = lex.version, warning, usable
        return self._store_usable, self._store_warning

    def _unavailable(self, exc: Exception) -> str:
        """Why the vectors cannot be searched: a store SQLite cannot read is damage that ingest repairs."""
        from studygraph.store.vectors import damage

        broken = None if self.settings.chroma_url else damage(self.settings.chroma_path)
        if broken:
            return f"the vector store is damaged ({broken}): lexical results only; `studygraph ingest` rebuilds it"
        return f"vector search unavailable ({' '.join(str(exc).split())[:120]}); lexical results only"

    def search(self, query: Query, k: int = 10, kind: str | None = None) -> list[SearchResult]:
        lex = lexical_index(self.meta)
        if not lex.ids:
            return []
        chunk_resource, chunk_text = lex.chunk_resource, lex.chunk_text
        over = max(3 * k, 30)

        # The embedder is English-only and resource cards carry English topic names: name the resolved
        # topics in English for both sides ("注意力机制" -> "Attention mechanism").
        names = " ".join(self.topic_names.get(t, "") for t in query.topics)
        try:
            usable, self.warning = self._store_check(lex)
            dense = self._dense(f"{query.text} {names}".strip(), over, lex.chunk_resource) if usable else []
        except Exception as exc:  # noqa: BLE001 - a read-only data dir or a Chroma server that is down
            # BM25 alone still finds most things; say so instead of failing the whole question.
            dense, self.warning = [], self._unavailable(exc)
            log.warning(self.warning)
        tokens = [t for t in tokenize(f"{query.text} {names}") if t not in KIND_WORDS or not query.kind]
        lexical: list[str] = []
        if tokens:
            scores = lex.bm25.get_scores(tokens)
            top = np.argpartition(-scores, over - 1)[:over] if len(scores) > over else np.arange(len(scores))
            order = top[np.argsort(-scores[top], kind="stable")]
            lexical = [lex.ids[i] for i in order if scores[i] > 0]

        fused = rrf([dense, lexical])
        resources = lex.resources
        wanted = set(query.topics)
        best: dict[str, tuple[float, str]] = {}
        for chunk_id, score in fused.items():
            resource = resources.get(chunk_resource.get(chunk_id, ""))
            if resource is None:
                continue
            if kind and resource.kind != kind:
                continue
            if wanted & set(resource.topics):
                score += TOPIC_BOOST
                if resource.topics[0] in wanted:
                    score += PRIMARY_TOPIC_BOOST
            if query.kind and not kind and resource.kind == query.kind:
                score += KIND_BOOST
            # One result per resource (resource ids are per normalised URL): its best chunk is the snippet.
            if resource.id not in best or score > best[resource.id][0]:
                best[resource.id] = (score, chunk_id)

        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], resources[kv[0]].title))[:k]
        out = []
        for rid, (score, chunk_id) in ranked:
            r = resources[rid]
            src = f"{r.sources[0].file}:{r.sources[0].line}" if r.sources else ""
            snippet = " ".join(chunk_text[chunk_id].split())[:SNIPPET_CHARS]
            out.append(SearchResult(r, score, list(r.topics), src, snippet, chunk_id))
        return out
