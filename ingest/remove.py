"""Removing one file from the library: what only it contributed (resources, their chunks and vectors, the
topics learned from its sections, its questions and its graph evidence) goes, in one commit.

A removal is an ingest that drops one file and reads nothing: it takes the data dir's writer lock
(store/lock.py) and runs ingest/pipeline.py's commit protocol with that file "removed". The library is
rebuilt in memory from the other files' rows; a resource another file also lists stays, without this
file's source and context, so its card chunk changes and is embedded before the commit (the only time a
removal embeds); one SQLite transaction makes the new library visible; unreferenced vectors (Chroma) go
last, and every reader's BM25 index is rebuilt because the library version changes. A crash at any point
converges on the next ingest exactly as an interrupted ingest does.

What comes back. A copy in the data dir's upload corpus (`<data_dir>/corpus`, where the app saves
uploads) is deleted just before the commit, so no later ingest brings the file back; a crash between the
two leaves a library naming a file that is gone, which the next ingest drops. A file anywhere else (a
roadmap folder in `corpus_dirs`, a file ingested by path) is the learner's and is never touched: the report
names the corpus folder that still holds it (`returns_with`), since the next default ingest reads that
folder and adds the file again. A file ingested by path alone is only re-read by an ingest naming it.

Learner progress is kept: a mark on a resource that is gone counts for nothing while the resource is
absent, and counts again if the same link comes back in any file (resource ids derive from the URL); the
report lists those marks (`marks_kept`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studygraph.config import Settings
from studygraph.errors import CliError
from studygraph.graph.catalogue import Catalogue, load_catalogue
from studygraph.graph.learned import library_catalogue
from studygraph.ingest.files import SUPPORTED, display_path, printable
from studygraph.ingest.pipeline import (
    Progress,
    _cached_pages,
    _collect_garbage,
    _commit,
    _doc_text_after,
    _embed_missing,
    _identity,
    _library_lock,
    _mark_dirty,
    _mentions_after,
    _new_library,
    _pages_generation,
    _vector_store,
)
from studygraph.models import Resource, topic_key
from studygraph.store.meta import MetaStore

if TYPE_CHECKING:
    import sqlite3


@dataclass
class RemovalReport:
    file: str  # the display name sources used
    path: str  # resolved absolute path
    in_library: bool  # False: a file in the upload corpus that ingest never took (refused), only deleted
    deleted_copy: bool  # the data dir's copy was deleted: no ingest brings it back
    returns_with: str | None = None  # the corpus folder still holding the file: its next ingest adds it again
    resources_removed: list[Resource] = field(default_factory=list)  # listed by this file only (study resources)
    quarantined_removed: int = 0  # held-back (prompt-injection) links of this file, gone too: counted, never listed
    resources_kept: int = 0  # listed by other files too: they stay, without this file's source
    chunks_removed: int = 0
    learned_topics_removed: list[str] = field(default_factory=list)  # names of topics learned from it alone
    questions_removed: int = 0
    marks_kept: list[str] = field(default_factory=list)  # progress keys whose resource/topic is gone (kept)
    vectors_written: int = 0
    vectors_deleted: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


def remove(
    settings: Settings,
    target: str | Path,
    *,
    embedder=None,
    vectors=None,
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> RemovalReport:
    """Remove the library file `target` names (see find_file), or a refused upload left in the data dir's
    corpus; CliError naming `target` when it is neither. Waits for a running ingest like an ingest does."""
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)
    if not settings.meta_path.is_file():
        raise CliError(f"no library in {settings.data_dir} yet: nothing to remove", 1)
    meta = MetaStore(settings.meta_path)

    try:
        with _library_lock(settings, notify, on_wait):
            report = _remove(settings, meta, str(target), notify, embedder, vectors, catalogue or load_catalogue())
    finally:
        meta.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def find_file(known: dict[str, sqlite3.Row], target: str) -> tuple[str, str] | None:
    """(path, display) of the library file `target` names: its path (absolute, or from the working dir),
    its name as sources show it (`corpus/roadmap.md`), or a bare file name that one file alone has."""
    try:
        resolved = str(Path(target).expanduser().resolve())
    except (OSError, ValueError):  # a NUL byte, a name too long: it can still be a display name
        resolved = target
    for path, row in known.items():
        if path in (resolved, target) or row["display"] == target:
            return path, row["display"]
    named = sorted((path, row["display"]) for path, row in known.items() if Path(path).name == target)
    if len(named) > 1:
        raise CliError(
            f"{printable(target)!r} names {len(named)} files in the library: "
            + ", ".join(d for _, d in named)
            + "; give one of these",
            1,
        )
    return named[0] if named else None


def upload_copy(settings: Settings, path: Path) -> bool:
    """Whether `path` lies in the data dir's upload corpus (the copies the app saves and may delete)."""
    return path.resolve().is_relative_to(settings.uploads_dir.resolve())


def corpus_folder(settings: Settings, path: Path) -> str | None:
    """The configured corpus folder that holds `path` (the next default ingest reads it again), else None."""
    for root in settings.corpus_dirs:
        if path.resolve().is_relative_to(root.resolve()):
            return display_path(root.resolve(), settings.data_dir)
    return None


def _stray_upload(settings: Settings, target: str) -> Path | None:
    """A supported file in the upload corpus that `target` names, as a path, a display name or a file name."""
    uploads = settings.uploads_dir
    for candidate in (Path(target).expanduser(), settings.data_dir / target, uploads / target):
        try:
            if candidate.is_file() and candidate.suffix.lower() in SUPPORTED and upload_copy(settings, candidate):
                return candidate.resolve()
        except (OSError, ValueError):
            continue
    return None


def _remove(
    settings: Settings,
    meta: MetaStore,
    target: str,
    notify: Progress,
    embedder,
    vectors,
    catalogue: Catalogue,
) -> RemovalReport:
    found = find_file(meta.files(), target)
    if found is None:
        stray = _stray_upload(settings, target)
        if stray is None:
            raise CliError(
                f"{printable(target)!r} is not in the library: give a file as `studygraph library` names it in "
                "its sources (e.g. corpus/roadmap.md) or its path",
                1,
            )
        stray.unlink()
        return RemovalReport(display_path(stray, settings.data_dir), str(stray), in_library=False, deleted_copy=True)

    path, display = found
    before = {r.id: r for r in meta.resources() + meta.quarantined()}
    held = {r.id for r in meta.quarantined()}
    learned_before = _learned(catalogue, meta)
    chunks_before = meta.counts()["chunks"]
    questions = sum(1 for q in meta.questions() if q["file"] == display)
    removed = {path: display}
    generation = _pages_generation(settings)
    identity = _identity(settings, embedder)
    vectors = vectors or _vector_store(settings, identity)

    _mark_dirty(meta)
    mentions = _mentions_after(meta, {}, removed)
    library = _new_library(mentions, _doc_text_after(meta, {}, removed), catalogue, _cached_pages(settings, mentions))
    have = vectors.ids()
    written = _embed_missing(settings, embedder, vectors, have, library.chunks, notify)
    copy = Path(path)
    deleted_copy = upload_copy(settings, copy)
    if deleted_copy:  # before the commit: a crash in between leaves a vanished file, which any ingest drops
        copy.unlink(missing_ok=True)
    _commit(meta, {}, removed, library, catalogue, generation, identity.key, notify)
    deleted = _collect_garbage(meta, vectors, have, library.chunks, notify)
    notify("done", 1, 1)

    after = {r.id for r in library.resources}
    gone = [r for rid, r in before.items() if rid not in after]
    learned_after = _learned(catalogue, meta)
    topics_gone = {tid: name for tid, name in learned_before.items() if tid not in learned_after}
    gone_keys = {r.id for r in gone} | {topic_key(tid) for tid in topics_gone}
    return RemovalReport(
        file=display,
        path=path,
        in_library=True,
        deleted_copy=deleted_copy,
        returns_with=None if deleted_copy else corpus_folder(settings, copy),
        resources_removed=sorted((r for r in gone if r.id not in held), key=lambda r: (r.title.casefold(), r.id)),
        quarantined_removed=sum(1 for r in gone if r.id in held),
        resources_kept=sum(1 for rid in after if rid in before and any(s.file == display for s in before[rid].sources)),
        chunks_removed=max(0, chunks_before - len(library.chunks)),
        learned_topics_removed=sorted(topics_gone.values(), key=str.casefold),
        questions_removed=questions,
        marks_kept=sorted(k for k in meta.progress() if k in gone_keys),
        vectors_written=written,
        vectors_deleted=deleted,
    )


def _learned(catalogue: Catalogue, meta: MetaStore) -> dict[str, str]:
    """The topics the library learned from its roadmaps' sections: id -> name."""
    return {t.id: t.name for t in library_catalogue(catalogue, meta).topics.values() if t.learned}
