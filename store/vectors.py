"""Chunk vectors in Chroma: an embedded persistent store under the data dir, or a Chroma server.

`STUDYGRAPH_CHROMA_URL` (e.g. http://127.0.0.1:8000) switches to `chroma run`; the rest of the code
does not know the difference. Vectors are supplied by our own Embedder, so Chroma never downloads a
default embedding model.

One collection per embedder (store/embedders.py): its name comes from the embedder's identity and its
metadata records it (name, version, dimension, weights hash). Vectors of two embedders never share a
collection, and a reader whose embedder has no collection is told which embedder made the store instead
of meeting a dimension error. Ingest removes the other embedders' collections once its own is committed
(`drop_other_embedders`): they describe an older library, and keeping them would only delay the
re-embedding a switch back needs anyway for everything that changed since.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from studygraph.errors import VectorStoreError
from studygraph.store.embedders import EmbedderInfo, embedder_info
from studygraph.store.weights import package_dir

CHROMA_DB = "chroma.sqlite3"  # the embedded store's database file, inside its directory
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
LEGACY_COLLECTION = "studygraph_chunks"  # before collections were per embedder: MiniLM's vectors
_OURS = ("studygraph-", LEGACY_COLLECTION)
# How many candidates HNSW keeps while it searches. Chroma's default (100) is approximate enough to matter here:
# on the seed library (342 vectors) it missed 6–20 of the exact top 30 for 187 labelled queries, a different
# few in each process (so one question ranked differently from run to run), and changed a top 5 twice. 400
# missed none in any process; a search reads 30, and at 10k chunks the query stays a few milliseconds.
SEARCH_EF = 400


class EmbedderMismatch(VectorStoreError):
    """The store holds no vectors of the configured embedder; `others` names the embedders that made the
    collections it does hold (none: the store is empty)."""

    def __init__(self, message: str, others: list[str] | None = None):
        super().__init__(message)
        self.others = others or []


@dataclass
class Hit:
    chunk_id: str
    resource_id: str
    text: str
    distance: float


class VectorStore:
    """The vectors of one embedder (default: the configured default). `create=False` is for readers: a
    store without this embedder's collection raises EmbedderMismatch naming the embedder that made it."""

    def __init__(
        self,
        path: Path | None = None,
        url: str | None = None,
        embedder: EmbedderInfo | None = None,
        create: bool = True,
    ):
        # Chroma (~450 ms) loads with the first store opened: EmbedderMismatch, damage() and set_aside() need
        # none of it, so the assistant and ingest import this module at their top.
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if url:
            parts = urlsplit(url)
            self.client = chromadb.HttpClient(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 8000,
                ssl=parts.scheme == "https",
                settings=chroma_settings,
            )
        else:
            assert path is not None
            path.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or embedder_info()
        self.path = None if url else path  # the embedded store's directory (None: a server)
        self.where = where = url or str(path)
        try:
            if not url:
                self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            if not create and self.embedder.collection not in self._our_collections():
                raise self._mismatch()
            self.collection = self.client.get_or_create_collection(
                self.embedder.collection,
                embedding_function=None,
                metadata=self.embedder.to_dict(),
                configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
            )
            if create:
                self._search_wide()
        except VectorStoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises many types; the learner needs one sentence
            detail = " ".join(str(exc).split())[:160]
            hint = (
                "is the Chroma server running?"
                if url
                else "it may come from another Chroma version: move it aside and run `studygraph ingest`, "
                "which rebuilds the vectors from the library"
            )
            raise VectorStoreError(f"cannot open the vector store at {where} ({detail}): {hint}") from None

    def _search_wide(self) -> None:
        """A collection made before SEARCH_EF (or by another setting) searches with it from the next ingest
        on: only a writer changes a store, so a reader never needs write access to a data dir."""
        hnsw = (self.collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != SEARCH_EF:
            self.collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})

    def _our_collections(self) -> dict[str, dict]:
        """studygraph's collections here (name -> metadata); a shared server may hold others'."""
        return {c.name: dict(c.metadata or {}) for c in self.client.list_collections() if c.name.startswith(_OURS)}

    def _mismatch(self) -> EmbedderMismatch:
        others = [
            f"{m['embedder']} ({m.get('embedder_version', '?')}, {m.get('dimension', '?')}-d)"
            if "embedder" in m
            else "minilm (an older studygraph, 384-d)"
            for m in self._our_collections().values()
        ]
        if not others:
            return EmbedderMismatch(f"the vector store at {self.where} holds no vectors", others)
        return EmbedderMismatch(
            f"the vectors at {self.where} were made by {', '.join(sorted(others))}, not by the configured "
            f"embedder {self.embedder.describe()}: run `studygraph ingest` to embed the library with it",
            others,
        )

    def drop_other_embedders(self) -> list[str]:
        """Remove studygraph's collections of other embedders (after a committed ingest); their names."""
        gone = [name for name in self._our_collections() if name != self.embedder.collection]
        for name in gone:
            self.client.delete_collection(name)
        return gone

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            out.update(got)
            if len(got) < page:
                return out
            offset += page

    def count(self) -> int:
        return self.collection.count()

    def upsert(self, ids: list[str], embeddings: list[list[float]], texts: list[str], resource_ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self.collection.upsert(
                ids=ids[start:end],
                embeddings=embeddings[start:end],
                documents=texts[start:end],
                metadatas=[{"resource_id": r} for r in resource_ids[start:end]],
            )

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[start : start + 1000])

    def query_ids(self, embedding: list[float], k: int) -> list[tuple[str, float]]:
        """(chunk id, distance) only: documents and metadata cost a third of a query, and the caller
        already holds them in its own index."""
        if k <= 0:
            return []
        res = self.collection.query(query_embeddings=[embedding], n_results=k, include=["distances"])
        return list(zip(res["ids"][0], res["distances"][0]))

    def query(self, embedding: list[float], k: int) -> list[Hit]:
        # No count() first: Chroma returns fewer hits (or none) when it holds fewer than k, and the extra
        # round trip cost as much as the query itself (bench/retrieval_bench.py).
        if k <= 0:
            return []
        res = self.collection.query(
            query_embeddings=[embedding], n_results=k, include=["documents", "metadatas", "distances"]
        )
        return [
            Hit(cid, (meta or {}).get("resource_id", ""), doc or "", dist)
            for cid, doc, meta, dist in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0]
            )
        ]


def damage(path: Path) -> str | None:
    """Why SQLite itself cannot read the embedded store's database (truncated, overwritten), else None. A
    store that SQLite reads but Chroma refuses (another Chroma version) is not damage: it is left alone."""
    db_file = path / CHROMA_DB
    if not db_file.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in db.execute("PRAGMA quick_check(3)")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        # Only corruption counts: a busy or locked database (another process at work) is no reason to move it.
        return str(exc) if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in _CORRUPT else None
    return None if rows == ["ok"] else "; ".join(rows)


def census(path: Path) -> dict | None:
    """What Chroma's own database says of the embedded store at `path`, read with SQLite alone (milliseconds,
    no chromadb): its collections with their settings, the vectors each holds, the writes each segment has
    applied, its schema version, its size, and the files of its segments. Opening a store rewrites bytes of
    it (a lock row, the HNSW files' mtimes), never these, so a census changes only when the vectors or their
    settings do. None where SQLite cannot read it so (missing, damaged, laid out by another Chroma)."""
    db_file = path / CHROMA_DB
    try:
        size = db_file.stat().st_size
        db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            collections = [list(r) for r in db.execute("SELECT * FROM collections ORDER BY id")]
            segments = [list(r) for r in db.execute("SELECT id, type, scope, collection FROM segments ORDER BY id")]
            vectors = db.execute(
                "SELECT s.collection, COUNT(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
                "GROUP BY s.collection ORDER BY s.collection"
            ).fetchall()
            applied = db.execute("SELECT segment_id, seq_id FROM max_seq_id ORDER BY segment_id").fetchall()
            schema = db.execute("SELECT dir, MAX(version) FROM migrations GROUP BY dir ORDER BY dir").fetchall()
        finally:
            db.close()
        files = {
            seg: sorted([f.name, f.stat().st_size] for f in (path / seg).iterdir())
            for seg, *_ in segments
            if (path / seg).is_dir()
        }
    except (OSError, sqlite3.Error):
        return None
    found = {
        "size": size,
        "collections": collections,
        "segments": segments,
        "vectors": vectors,
        "applied": applied,
        "schema": schema,
        "files": files,
    }
    return json.loads(json.dumps(found, default=str))  # as a record stores it: lists, strings, numbers


def chroma_version() -> str:
    """The installed chromadb's version, from its dist-info folder's name, without importing it (and without
    importlib.metadata, which scans every installed package: ~70 ms)."""
    folder = package_dir("chromadb")
    found = sorted(folder.parent.glob("chromadb-*.dist-info")) if folder else []
    return found[-1].name.removeprefix("chromadb-").removesuffix(".dist-info") if found else ""


def set_aside(path: Path) -> Path:
    """Rename a damaged store to `<name>.broken-<timestamp>` beside it (kept for inspection, never read)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    path.rename(target)
    forget_cached_system(path)
    return target


def forget_cached_system(path: Path) -> None:
    """Chroma keeps one client system per directory for the whole process, a half-started one included, so a
    fresh store at the same path would be served the broken one. Its cache is private: drop just this
    directory's entry where it looks as expected, else the whole cache (its public reset)."""
    from chromadb.api.shared_system_client import SharedSystemClient  # Chroma: see VectorStore.__init__

    systems = getattr(SharedSystemClient, "_identifier_to_system", None)
    refcounts = getattr(SharedSystemClient, "_identifier_to_refcount", None)
    if isinstance(systems, dict) and isinstance(refcounts, dict):
        systems.pop(str(path), None)
        refcounts.pop(str(path), None)
    else:
        SharedSystemClient.clear_system_cache()
