"""What the vector store held when an ingest last left it clean, recorded in SQLite beside the library.

A re-ingest with nothing changed must still be sure the vectors are all there (store repair), but opening
Chroma to ask costs more than the rest of that ingest together (importing chromadb alone is ~1 s on a loaded
box). So the ingest that last wrote or checked the vectors records, in the same transaction that marks the
library `clean`, what it left: which embedder's collection, at which search width, how many vectors for which
chunk ids, and Chroma's own census of its store (store/vectors.py `census`, read with SQLite alone). The next
ingest with nothing to do compares that record with the library and a fresh census: equal, the store is as it
was left and Chroma stays closed; anything else (no record, an older format, a Chroma server, a deleted,
truncated, emptied or tampered store, another chromadb) opens Chroma and checks as before.

The record is removed when an ingest marks the library dirty, before any vector is written, so an interrupted
ingest never leaves one that describes vectors it was changing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from studygraph.store.embedders import EmbedderInfo
from studygraph.store.meta import MetaStore
from studygraph.store.vectors import SEARCH_EF, census, chroma_version

KEY = "vectors"  # the SQLite meta key
FORMAT = 1  # a record of another format is no record: Chroma is asked once and the record rewritten


@dataclass(frozen=True)
class VectorRecord:
    format: int
    embedder: str  # EmbedderInfo.key of the collection's vectors
    collection: str
    search_ef: int  # the width the collection searches with (store/vectors.py _search_wide)
    chromadb: str  # the chromadb that last opened the store: another may read it otherwise, or refuse it
    chunks: int  # vectors the library names
    chunk_ids: str  # SHA-256 of the sorted chunk ids (content-addressed: resource id + text)
    census: dict  # Chroma's own tables and files as that ingest left them

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)


def current(meta: MetaStore, chroma_path: Path, embedder: EmbedderInfo) -> VectorRecord | None:
    """The record the library and the store at `chroma_path` would have now; None where Chroma's database
    cannot be read without Chroma (missing, damaged, laid out by another Chroma)."""
    seen = census(chroma_path)
    if seen is None:
        return None
    ids = sorted(meta.chunk_ids())
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()
    return VectorRecord(FORMAT, embedder.key, embedder.collection, SEARCH_EF, chroma_version(), len(ids), digest, seen)


def write(meta: MetaStore, chroma_path: Path, embedder: EmbedderInfo) -> None:
    """Record the store as it is now; call inside the transaction that marks the library clean, after the
    last vector write. A store that cannot be censused gets no record (the next ingest opens Chroma)."""
    record = current(meta, chroma_path, embedder)
    if record is None:
        forget(meta)
    else:
        meta.set_meta(KEY, record.to_json())


def forget(meta: MetaStore) -> None:
    """Before vectors change: no record is better than one that describes a store being rewritten."""
    meta.delete_meta(KEY)


def holds(meta: MetaStore, chroma_path: Path, embedder: EmbedderInfo) -> bool:
    """Whether the store is exactly as the last clean ingest recorded it, for this library and embedder."""
    recorded = meta.get_meta(KEY)
    if recorded is None:
        return False
    now = current(meta, chroma_path, embedder)
    return now is not None and now.to_json() == recorded
