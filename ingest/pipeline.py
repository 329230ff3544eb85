"""Ingest: files -> parsed documents -> merged resources -> chunks -> vectors, incrementally and atomically.

Commit protocol. SQLite (`meta.sqlite`) is the source of truth; Chroma holds a vector for every chunk id
SQLite lists, and possibly some stale ones that nothing references. Chunk ids are content-addressed
(hash of resource id + text), so writing a vector twice writes the same id, never a duplicate.

  0. Take the data dir's writer lock (store/lock.py) before reading anything: a second ingest waits, then
     builds on this one's result instead of overwriting it with a library computed from an older snapshot.
  1. Nothing changed (file hashes, catalogue digest, embedder, chunk format), the last run ended `clean`
     and the store says what the files say (SQLite's resources and chunks match its per-file rows, the
     embedder's Chroma collection holds as many vectors as SQLite lists chunks): report and stop. Chroma is
     not even opened when the store is exactly as the last clean run recorded it (store/vector_record.py:
     same chunk ids, embedder, search width, and Chroma's own tables read with SQLite alone). Anything
     missing (a deleted or damaged Chroma store, a half-applied library, a switch of embedder) takes the
     full path below, which rebuilds the library and re-embeds what Chroma lacks.
  2. Set state=`dirty` (committed) before any vector is written.
  3. Parse changed files; compute the complete new library in memory (mentions, merged resources,
     topics, chunks).
  4. Embed and upsert the chunk ids Chroma lacks (batched). Readers ignore them: they only trust
     chunk ids listed in SQLite, so they keep seeing the old library.
  5. One SQLite transaction replaces every per-file row, the resources and the chunk list and sets
     state=`gc`. This commit is the moment the new library becomes visible, all at once.
  6. Delete vectors that no chunk references and other embedders' collections; set state=`clean` and
     record what the store now holds (step 2 removed the previous record).

Vectors live in one Chroma collection per embedder (store/vectors.py), and SQLite records the embedder
the library was embedded with: after a switch of `embedder` the new collection lacks every chunk, so the
next ingest re-embeds through steps 2-6 like any other change, and an interrupted switch resumes.

A crash (even kill -9) before 5 leaves the old library plus unreferenced vectors; during 5 SQLite rolls
back; after 5 only garbage remains. Any state other than `clean` makes the next run reconcile Chroma
against SQLite (embed what is missing, delete what is extra), so it converges to exactly what a clean
ingest produces. Learner progress lives in its own table and is never rewritten here.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from studygraph.config import Settings
from studygraph.errors import VectorStoreError
from studygraph.graph.build import build_graph, code_digest
from studygraph.graph.catalogue import Catalogue, catalogue_digest, load_catalogue
from studygraph.graph.matcher import matcher_for
from studygraph.ingest.files import (
    SUPPORTED,
    CorpusFile,
    FileProblem,
    check_size,
    content_hash,
    decode_markdown,
    discover,
    read_bytes,
)
from studygraph.ingest.library import CHUNKS_FORMAT, make_chunks, merge_resources
from studygraph.ingest.pdf import parse_pdf
from studygraph.ingest.urls import resource_id
from studygraph.models import Chunk, ParsedDoc, ParseError, Resource
from studygraph.store import vector_record
from studygraph.store.embedders import embedder_info, make_embedder
from studygraph.store.lock import writer_lock
from studygraph.store.meta import DocTextRow, FileRow, MentionRow, MetaStore
from studygraph.store.pages import Page, PageCache
from studygraph.store.vectors import VectorStore, damage, set_aside

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    resources: int = 0
    chunks: int = 0
    topics: int = 0  # curated and learned
    learned_topics: int = 0  # topics learned from roadmap sections (graph/learned.py)
    edges: int = 0
    questions: int = 0
    vectors_written: int = 0
    vectors_deleted: int = 0
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)
    file_status: dict[str, str] = field(default_factory=dict)  # display path -> added/updated/unchanged/removed/error
    # `--fetch` only: {"fetched", "cached", "failed", "skipped", "seconds", "failures": [{"url", "reason"}]}
    fetch: dict | None = None
    pages: int = 0  # resources whose fetched page text is in the library (from this fetch or the cache)
    repairs: list[str] = field(default_factory=list)  # what the store lacked that the files say, and was rebuilt
    vector_store_set_aside: str | None = None  # where a damaged Chroma dir was moved before it was rebuilt

    def to_json(self) -> dict:
        return asdict(self)


def default_roots(settings: Settings) -> list[Path]:
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    return [*settings.corpus_dirs, settings.uploads_dir]


def parse_file(file: CorpusFile, data: bytes) -> ParsedDoc:
    # markdown-it and its plugins (~65 ms) only when a file changed: a re-ingest with nothing new reads none.
    from studygraph.ingest.markdown import parse_markdown

    if file.is_pdf:
        return parse_pdf(data, file.display)
    return parse_markdown(decode_markdown(data), file.display)


def check_content(name: str, data: bytes) -> ParsedDoc:
    """What ingest makes of a file named `name` holding `data`, or the FileProblem it refuses it with (size,
    binary or undecodable bytes, an unreadable PDF): the app checks an upload with this before saving it."""
    path = Path(name)
    if path.suffix.lower() not in SUPPORTED:
        raise FileProblem(f"unsupported file type {path.suffix or '(none)'}: use {', '.join(sorted(SUPPORTED))}")
    check_size(path, len(data))
    return parse_file(CorpusFile(path, path.parent, name), data)


def _library_lock(settings: Settings, notify: Progress, on_wait: Callable[[str], None] | None):
    """The data dir's writer lock, as every change to the library (an ingest, a removal) takes it: a wait
    for another one is a progress stage and one message."""

    def waiting(pid: int | None) -> None:
        notify("waiting", 0, 1)
        (on_wait or log.warning)(f"waiting for another ingest{f' (pid {pid})' if pid else ''} to finish…")

    return writer_lock(settings.data_dir, settings.ingest_lock_timeout, waiting)


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Progress | None = None,
    embedder=None,
    vectors=None,
    catalogue: Catalogue | None = None,
    fetch: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest `paths` (default: the corpus dirs and uploads). `fetch=True` first fetches the linked pages
    (ingest/fetch.py); without it nothing touches the network and pages already in the cache are used.
    While another ingest of the same data dir runs, this one waits up to `ingest_lock_timeout` seconds
    (`on_wait` hears so once) and then raises IngestBusy."""
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)
    meta = MetaStore(settings.meta_path)

    try:
        with _library_lock(settings, notify, on_wait):
            report = _ingest(settings, meta, paths, notify, embedder, vectors, catalogue, fetch)
    finally:
        meta.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _ingest(
    settings: Settings,
    meta: MetaStore,
    paths: list[Path] | None,
    notify: Progress,
    embedder,
    vectors,
    catalogue: Catalogue | None,
    fetch: bool,
) -> IngestReport:
    """The commit protocol above, one step per function."""
    report = IngestReport()
    # The catalogue's bytes say whether it changed; it is parsed (~60 ms) only for a library to build or count.
    digest = catalogue.digest if catalogue else catalogue_digest()
    scan = _scan(settings, meta, paths, report)
    changed = _read_changed(scan, notify, report)
    removed = _removed(scan, report)
    report.files = len(set(scan.known) - set(removed) | set(changed))
    # The library's rows are read only when something needs them: a no-change ingest stays at a few queries.
    mentions = None
    if fetch:
        mentions = _mentions_after(meta, changed, removed)
        report.fetch = _fetch(settings, scan, mentions, notify)
    generation = _pages_generation(settings)
    identity = _identity(settings, embedder)
    idle = _up_to_date(meta, digest, changed, removed, generation, identity.key)
    if idle and vectors is None and _as_recorded(settings, meta, identity):
        counted = _recorded_graph_counts(meta, digest)
        if counted is not None:
            return _nothing_to_do(report, meta, counted)
    catalogue = catalogue or load_catalogue()
    vectors = vectors or _open_vectors(settings, report, identity)
    # A new embedder's collection starts empty: that is a re-embed to do (step 1 sees the switch), not damage.
    switched = meta.get_meta("embedder") != identity.key
    damage = [] if switched else _store_problems(meta, vectors)
    report.repairs += damage
    if not damage and idle:
        _record_vectors(meta, vectors)  # checked through Chroma: the next ingest with nothing to do need not open it
        return _nothing_to_do(report, meta, _graph_counts(meta, catalogue))

    _mark_dirty(meta)
    mentions = mentions if mentions is not None else _mentions_after(meta, changed, removed)
    doc_text = _doc_text_after(meta, changed, removed)
    library = _new_library(mentions, doc_text, catalogue, _cached_pages(settings, mentions))
    report.pages = library.pages
    have = vectors.ids()
    report.vectors_written = _embed_missing(settings, embedder, vectors, have, library.chunks, notify)
    _commit(meta, changed, removed, library, catalogue, generation, identity.key, notify)
    report.vectors_deleted = _collect_garbage(meta, vectors, have, library.chunks, notify)
    notify("done", 1, 1)
    _fill_counts(report, meta, _graph_counts(meta, catalogue))
    return report


@dataclass
class Scan:
    """The library's files as recorded, and the files this ingest reads now."""

    known: dict[str, sqlite3.Row]  # path -> its `files` row
    files: dict[str, CorpusFile]  # path -> file to read
    scope: set[Path] | None  # the known files an explicit ingest answers for; None: a default ingest, all of them


@dataclass
class ChangedFile:
    """A file whose content the library does not hold yet, parsed and resolved to the rows it adds."""

    file: CorpusFile
    digest: str
    doc: ParsedDoc
    mentions: list[MentionRow]
    doc_text: list[DocTextRow]


@dataclass
class Library:
    """The whole library after this ingest, computed in memory before anything is committed."""

    resources: list[Resource]
    chunks: list[Chunk]
    pages: int = 0  # resources with fetched page text


def _scan(settings: Settings, meta: MetaStore, paths: list[Path] | None, report: IngestReport) -> Scan:
    """Decide what to read, so that files which vanished can be told from files this ingest did not look at."""
    roots = [Path(p) for p in paths] if paths else default_roots(settings)
    found, discover_errors = discover(roots, settings.data_dir)
    report.errors += [_error(e) for e in discover_errors]
    known = meta.files()

    # A default ingest re-checks every file the library knows; an explicit one only what it names.
    files = {str(f.path): f for f in found}
    scope = None
    if not paths:
        for path, row in known.items():
            if path not in files and Path(path).is_file():
                files[path] = CorpusFile(Path(path), Path(row["root"]), row["display"])
    else:
        scanned_dirs = [r.resolve() for r in roots if r.is_dir()]
        scope = {f.path for f in found} | {
            Path(p) for p in known if any(Path(p).is_relative_to(d) for d in scanned_dirs)
        }
    return Scan(known, files, scope)


def _read_changed(scan: Scan, notify: Progress, report: IngestReport) -> dict[str, ChangedFile]:
    """Parse only files whose content hash differs from the library's, which keeps a re-ingest cheap."""
    changed: dict[str, ChangedFile] = {}
    for i, (path, cf) in enumerate(sorted(scan.files.items())):
        notify("reading", i + 1, len(scan.files))
        try:
            data = read_bytes(cf)
            digest = content_hash(data)
            if path in scan.known and scan.known[path]["hash"] == digest and not scan.known[path]["error"]:
                report.unchanged += 1
                report.file_status[cf.display] = "unchanged"
                continue
            doc = parse_file(cf, data)
        except FileProblem as exc:
            report.errors.append({"file": cf.display, "line": exc.line, "message": str(exc)})
            report.file_status[cf.display] = "error"
            continue
        except OSError as exc:
            report.errors.append({"file": cf.display, "line": None, "message": f"cannot read: {exc.strerror or exc}"})
            report.file_status[cf.display] = "error"
            continue
        report.errors += [_error(e) for e in doc.errors]
        changed[path] = _resolve(cf, digest, doc)
        status = "updated" if path in scan.known else "added"
        setattr(report, status, getattr(report, status) + 1)
        report.file_status[cf.display] = status
    return changed


def _resolve(cf: CorpusFile, digest: str, doc: ParsedDoc) -> ChangedFile:
    """Resource ids are worked out once, for both the in-memory library and the rows committed later."""
    f = cf.display
    mentions = [
        MentionRow(
            f,
            m.line,
            _rid(m.url, m.title),
            m.url,
            m.title,
            m.kind,
            m.context,
            " > ".join(m.headings),
            m.done,
            m.named,
            m.minutes,
        )
        for m in doc.mentions
    ]
    # A paper's free text belongs to the paper itself: the file's first mention.
    doc_text = (
        [DocTextRow(f, line, mentions[0].resource_id, text) for text, line in doc.text_chunks] if mentions else []
    )
    return ChangedFile(cf, digest, doc, mentions, doc_text)


def _removed(scan: Scan, report: IngestReport) -> dict[str, str]:
    """Known files this ingest answers for that are no longer there (path -> display); a file that failed
    to read is still there, so its old rows stay."""
    removed = {
        path: row["display"]
        for path, row in scan.known.items()
        if path not in scan.files and (scan.scope is None or Path(path) in scan.scope)
    }
    for display in removed.values():
        report.file_status[display] = "removed"
    report.removed = len(removed)
    return removed


def _store_problems(meta: MetaStore, vectors) -> list[str]:
    """Step 1's check that the store says what the files say, cheap enough for every ingest: a few indexed
    queries and Chroma's count; the ids are compared only when the count differs."""
    problems = meta.library_problems()
    if problems:  # vectors are reconciled against the rebuilt library; against this one their numbers mislead
        return problems
    listed = meta.counts()["chunks"]
    if vectors.count() != listed:
        have, chunk_ids = vectors.ids(), meta.chunk_ids()
        missing, extra = len(chunk_ids - have), len(have - chunk_ids)
        if missing:
            problems.append(f"the vector store lacks {missing} of the library's {listed} vectors: re-embedding them")
        if extra and meta.get_meta("state") == "clean":  # any other state expects them: it collects its garbage
            problems.append(f"the vector store holds {extra} vectors no chunk names: deleting them")
    return problems


def _as_recorded(settings: Settings, meta: MetaStore, identity) -> bool:
    """Step 1 without Chroma: the library is whole and the embedded store is exactly as the last clean ingest
    recorded it (store/vector_record.py). A Chroma server cannot be censused so: it is always asked."""
    if settings.chroma_url:
        return False
    return not meta.library_problems() and vector_record.holds(meta, settings.chroma_path, identity)


def _record_vectors(meta: MetaStore, vectors) -> None:
    """What the store holds now, for the next ingest to trust without opening it, in a transaction of its own."""
    with meta.transaction():
        _write_vector_record(meta, vectors)


def _write_vector_record(meta: MetaStore, vectors) -> None:
    # Only an embedded store has a path to census; a Chroma server is always asked (see _as_recorded).
    if getattr(vectors, "path", None) is not None:
        vector_record.write(meta, vectors.path, vectors.embedder)


def _nothing_to_do(report: IngestReport, meta: MetaStore, graph_counts: tuple[int, int, int]) -> IngestReport:
    _fill_counts(report, meta, graph_counts)
    report.pages = int(meta.get_meta("pages_used") or 0)
    return report


def _up_to_date(
    meta: MetaStore,
    catalogue_version: str,
    changed: dict[str, ChangedFile],
    removed: dict[str, str],
    pages: str,
    embedder: str,
) -> bool:
    """Step 1: nothing to do (the store already checked) writes nothing and embeds nothing."""
    state = meta.get_meta("state")
    catalogue_changed = meta.get_meta("catalogue") != catalogue_version  # the catalogue's digest
    pages_changed = (meta.get_meta("pages") or "") != pages
    embedder_changed = meta.get_meta("embedder") != embedder
    chunks_changed = meta.get_meta("chunks_format") != CHUNKS_FORMAT  # made by a studygraph that cut them otherwise
    unchanged = not (catalogue_changed or pages_changed or embedder_changed or chunks_changed)
    return not changed and not removed and state == "clean" and unchanged


def _mark_dirty(meta: MetaStore) -> None:
    """Step 2: committed before any vector is written, so a crash from here on makes the next run reconcile."""
    with meta.transaction():
        meta.set_meta("state", "dirty")
        vector_record.forget(meta)


def _gone(changed: dict[str, ChangedFile], removed: dict[str, str]) -> set[str]:
    """Files whose stored rows this ingest replaces or drops (display paths)."""
    return {f.file.display for f in changed.values()} | set(removed.values())


def _mentions_after(meta: MetaStore, changed: dict[str, ChangedFile], removed: dict[str, str]) -> list[MentionRow]:
    """Every mention of the library as this ingest leaves it: resources merge mentions across files, so the new
    library needs the unchanged files' rows too."""
    gone = _gone(changed, removed)
    mentions = [m for m in meta.mentions() if m.file not in gone]
    for f in changed.values():
        mentions += f.mentions
    mentions.sort(key=lambda m: (m.file, m.line))
    return mentions


def _doc_text_after(meta: MetaStore, changed: dict[str, ChangedFile], removed: dict[str, str]) -> list[DocTextRow]:
    """Every paper text of the library as this ingest leaves it."""
    gone = _gone(changed, removed)
    return [t for t in meta.doc_text() if t.file not in gone] + [t for f in changed.values() for t in f.doc_text]


def _fetch(settings: Settings, scan: Scan, mentions: list[MentionRow], notify: Progress) -> dict:
    """`--fetch`: the linked pages of the files this ingest looks at, fetched (or revalidated) into the cache."""
    # httpx and trafilatura (~160 ms) only with --fetch: an ingest without it never touches the network code.
    from studygraph.ingest.fetch import fetch_pages

    displays = {cf.display for cf in scan.files.values()}
    urls = list(dict.fromkeys(m.url for m in mentions if m.url and m.file in displays))
    result = fetch_pages(urls, settings, progress=notify)
    failures = [{"url": o.url, "reason": o.reason} for o in result.outcomes if o.status == "failed"]
    return {
        "fetched": result.fetched,
        "cached": result.unchanged + result.fresh,
        "failed": result.failed,
        "skipped": result.skipped,
        "seconds": round(result.seconds, 3),
        "failures": failures,
    }


def _pages_generation(settings: Settings) -> str:
    """The fetch cache's content version ("" without a cache), recorded with the library built from it: a
    fetch that changed a page makes the next ingest rebuild, with or without --fetch."""
    if not settings.pages_path.exists():
        return ""
    with PageCache(settings.pages_path, readonly=True) as cache:
        return cache.generation()


def _cached_pages(settings: Settings, mentions: list[MentionRow]) -> dict[str, Page]:
    """What the fetch cache holds for the library's URLs (normalised URL -> page); never the network. A fetch
    that lands between this and the generation read above only makes the next ingest rebuild once more."""
    if not settings.pages_path.exists():
        return {}
    with PageCache(settings.pages_path, readonly=True) as cache:
        return cache.pages({m.url for m in mentions if m.url})


def _new_library(
    mentions: list[MentionRow], doc_text: list[DocTextRow], catalogue: Catalogue, pages: dict[str, Page]
) -> Library:
    """Step 3: the whole library in memory: merged resources, their chunks (paper and page text included)."""
    resources = merge_resources(mentions, catalogue, pages, doc_text)
    chunks = make_chunks(resources, doc_text, catalogue, pages)
    return Library(resources, chunks, sum(1 for r in resources if r.url in pages))


def _embed_missing(settings: Settings, embedder, vectors, have: set[str], chunks: list[Chunk], notify: Progress) -> int:
    """Step 4: vectors go in before the metadata that names them; readers ignore them until the commit."""
    missing = [c for c in chunks if c.id not in have]
    if missing:
        embedder = embedder or _embedder(settings)
        batch = settings.embed_batch_size
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            notify("embedding", start + len(part), len(missing))
            vectors.upsert(
                [c.id for c in part],
                embedder.encode([c.text for c in part]),
                [c.text for c in part],
                [c.resource_id for c in part],
            )
    return len(missing)


def _commit(
    meta: MetaStore,
    changed: dict[str, ChangedFile],
    removed: dict[str, str],
    library: Library,
    catalogue: Catalogue,
    pages: str,
    embedder: str,
    notify: Progress,
) -> None:
    """Step 5: one transaction, so readers see the old library or the new one, never a mix."""
    notify("committing", 0, 1)
    with meta.transaction():
        for path, display in {**{p: f.file.display for p, f in changed.items()}, **removed}.items():
            meta.remove_file(path, display)
        for i, f in enumerate(changed.values()):
            meta.add_file(
                _file_row(f),
                mentions=f.mentions,
                doc_text=f.doc_text,
                questions=f.doc.questions,
                syllabi=f.doc.syllabi,
                sections=f.doc.sections,
            )
            notify("committing", i + 1, len(changed))
        meta.replace_library(library.resources, library.chunks)
        matcher = matcher_for(catalogue)
        meta.set_question_topics(lambda text, heading: matcher.topics(text) or matcher.topics(heading.split(" > ")[-1]))
        meta.set_meta("catalogue", catalogue.digest)
        meta.set_meta("chunks_format", CHUNKS_FORMAT)
        meta.set_meta("pages", pages)
        meta.set_meta("pages_used", str(library.pages))
        meta.set_meta("embedder", embedder)  # the identity of the vectors this library's chunks have
        meta.set_meta("state", "gc")
        # Readers cache indexes under this key; it changes in the same transaction as the chunks.
        meta.set_meta("library_version", uuid.uuid4().hex)


def _file_row(f: ChangedFile) -> FileRow:
    """The stat is taken at commit time, so the row describes the file as committed."""
    cf = f.file
    stat = cf.path.stat()
    return FileRow(str(cf.path), str(cf.root), cf.display, f.digest, stat.st_size, stat.st_mtime_ns, f.doc.title)


def _collect_garbage(meta: MetaStore, vectors, have: set[str], chunks: list[Chunk], notify: Progress) -> int:
    """Step 6: once committed, vectors no chunk names are unreachable; deleting them is all that is left."""
    extra = sorted(have - {c.id for c in chunks})
    notify("cleaning", 0, len(extra))
    vectors.delete(extra)
    vectors.drop_other_embedders()
    with meta.transaction():
        meta.set_meta("state", "clean")
        meta.set_meta("ingested_at", str(time.time()))
        # After the last vector write and with `clean`, so a record never describes a store being changed.
        _write_vector_record(meta, vectors)
    return len(extra)


def _error(e: ParseError) -> dict:
    return {"file": e.file, "line": e.line, "message": e.message}


def _rid(url: str | None, title: str) -> str:
    return resource_id(url, title)


def _fill_counts(report: IngestReport, meta: MetaStore, graph_counts: tuple[int, int, int]) -> None:
    counts = meta.counts()
    report.resources, report.chunks, report.questions = counts["resources"], counts["chunks"], counts["questions"]
    report.edges, report.topics, report.learned_topics = graph_counts


GRAPH_COUNTS = "graph_counts"  # the SQLite meta key


def _graph_key(meta: MetaStore, digest: str) -> str:
    """One graph: the library's version, the catalogue's digest and the code that builds it."""
    return f"{meta.get_meta('library_version')} {digest} {code_digest()}"


def _recorded_graph_counts(meta: MetaStore, digest: str) -> tuple[int, int, int] | None:
    recorded = json.loads(meta.get_meta(GRAPH_COUNTS) or "{}")
    if recorded.get("key") != _graph_key(meta, digest):
        return None
    return recorded["edges"], recorded["topics"], recorded["learned_topics"]


def _graph_counts(meta: MetaStore, catalogue: Catalogue) -> tuple[int, int, int]:
    """The library's graph's edges, topics and learned topics. Building it costs ~0.2 s (the topic matcher's
    regex, for the learned topics), so it is built once per library version, catalogue and graph code
    (graph/build.py code_digest) and its counts recorded: a re-ingest with nothing new reads them."""
    counted = _recorded_graph_counts(meta, catalogue.digest)
    if counted is not None:
        return counted
    tg = build_graph(catalogue, meta)
    edges, topics = tg.graph.number_of_edges(), len(tg.catalogue.topics)
    learned = sum(t.learned for t in tg.catalogue.topics.values())
    record = {"key": _graph_key(meta, catalogue.digest), "edges": edges, "topics": topics, "learned_topics": learned}
    with meta.transaction():
        meta.set_meta(GRAPH_COUNTS, json.dumps(record))
    return edges, topics, learned


def _open_vectors(settings: Settings, report: IngestReport, identity):
    """The vector store; a local one that SQLite itself cannot read (truncated, overwritten) is moved aside
    and started afresh, to be refilled from the library. One that SQLite reads but Chroma will not open (a
    store from another Chroma version) is refused untouched: it may be a newer studygraph's data."""
    try:
        return _vector_store(settings, identity)
    except VectorStoreError:
        reason = None if settings.chroma_url else damage(settings.chroma_path)
        if reason is None:
            raise
    moved = set_aside(settings.chroma_path)
    report.vector_store_set_aside = str(moved)
    report.repairs.append(
        f"the vector store at {settings.chroma_path} was damaged ({reason}): moved it to {moved.name} and "
        "rebuilt it from the library"
    )
    return _vector_store(settings, identity)


def _identity(settings: Settings, embedder=None):
    """Who embeds this ingest: the embedder given (tests, the app), else the configured one."""
    return getattr(embedder, "info", None) or embedder_info(settings.embedder)


def _vector_store(settings: Settings, identity=None):
    return VectorStore(settings.chroma_path, settings.chroma_url, identity or _identity(settings))


def _embedder(settings: Settings):
    return make_embedder(
        settings.embedder, ingest=True, batch_size=settings.embed_batch_size, cache_dir=settings.models_dir
    )
