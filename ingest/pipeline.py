"""Ingest: files -> parsed documents -> merged resources -> chunks -> vectors, incrementally and atomically.

Commit protocol. SQLite (`meta.sqlite`) is the source of truth; Chroma holds a vector for every chunk id
SQLite lists, and possibly some stale ones that nothing references. Chunk ids are content-addressed
(hash of resource id + text), so writing a vector twice writes the same id, never a duplicate.

  1. Nothing changed (file hashes, catalogue digest) and the last run ended `clean`: report and stop.
     Chroma is not even opened, which keeps a no-change ingest well under a second.
  2. Set state=`dirty` (committed) before any vector is written.
  3. Parse changed files; compute the complete new library in memory (mentions, merged resources,
     topics, chunks).
  4. Embed and upsert the chunk ids Chroma lacks (batched). Readers ignore them: they only trust
     chunk ids listed in SQLite, so they keep seeing the old library.
  5. One SQLite transaction replaces every per-file row, the resources and the chunk list and sets
     state=`gc`. This commit is the moment the new library becomes visible, all at once.
  6. Delete vectors that no chunk references; set state=`clean`.

A crash (even kill -9) before 5 leaves the old library plus unreferenced vectors; during 5 SQLite rolls
back; after 5 only garbage remains. Any state other than `clean` makes the next run reconcile Chroma
against SQLite (embed what is missing, delete what is extra), so it converges to exactly what a clean
ingest produces. Learner progress lives in its own table and is never rewritten here.
"""
from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from studygraph.config import Settings
from studygraph.graph.catalogue import Catalogue, load_catalogue
from studygraph.graph.matcher import matcher_for
from studygraph.ingest.files import CorpusFile, FileProblem, content_hash, decode_markdown, discover, read_bytes
from studygraph.models import Chunk, ParsedDoc, ParseError, Resource, Source
from studygraph.store.meta import PER_FILE_TABLES, MetaStore

Progress = Callable[[str, int, int], None]  # (stage, done, total)

PAPER_CHUNK_CHARS = 1200


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    resources: int = 0
    chunks: int = 0
    topics: int = 0
    edges: int = 0
    questions: int = 0
    vectors_written: int = 0
    vectors_deleted: int = 0
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)
    file_status: dict[str, str] = field(default_factory=dict)  # display path -> added/updated/unchanged/removed/error

    def to_json(self) -> dict:
        return asdict(self)


def default_roots(settings: Settings) -> list[Path]:
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    return [*settings.corpus_dirs, settings.uploads_dir]


def parse_file(file: CorpusFile, data: bytes) -> ParsedDoc:
    if file.is_pdf:
        from studygraph.ingest.pdf import parse_pdf

        return parse_pdf(data, file.display)
    from studygraph.ingest.markdown import parse_markdown

    return parse_markdown(decode_markdown(data), file.display)


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Progress | None = None,
    embedder=None,
    vectors=None,
    catalogue: Catalogue | None = None,
) -> IngestReport:
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)
    meta = MetaStore(settings.meta_path)
    try:
        report = _ingest(settings, meta, paths, notify, embedder, vectors, catalogue or load_catalogue())
    finally:
        meta.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _ingest(settings, meta: MetaStore, paths, notify: Progress, embedder, vectors, catalogue: Catalogue) -> IngestReport:
    report = IngestReport(topics=len(catalogue.topics))
    roots = [Path(p) for p in paths] if paths else default_roots(settings)
    found, discover_errors = discover(roots, settings.data_dir)
    report.errors += [_error(e) for e in discover_errors]
    known = meta.files()

    # A default ingest re-checks every file the library knows; an explicit one only what it names.
    scope = {f.path for f in found}
    found_by_path = {str(f.path): f for f in found}
    if not paths:
        for path, row in known.items():
            if path not in found_by_path and Path(path).is_file():
                cf = CorpusFile(Path(path), Path(row["root"]), _display_of(meta, path))
                found_by_path[path] = cf
    else:
        scanned_dirs = [r.resolve() for r in roots if r.is_dir()]
        scope |= {Path(p) for p in known if any(Path(p).is_relative_to(d) for d in scanned_dirs)}

    changed: dict[str, tuple[CorpusFile, str, ParsedDoc]] = {}
    failed: set[str] = set()
    for i, (path, cf) in enumerate(sorted(found_by_path.items())):
        notify("reading", i + 1, len(found_by_path))
        try:
            data = read_bytes(cf)
            digest = content_hash(data)
            if path in known and known[path]["hash"] == digest and not known[path]["error"]:
                report.unchanged += 1
                report.file_status[cf.display] = "unchanged"
                continue
            doc = parse_file(cf, data)
        except FileProblem as exc:
            report.errors.append({"file": cf.display, "line": exc.line, "message": str(exc)})
            report.file_status[cf.display] = "error"
            failed.add(path)
            continue
        except OSError as exc:
            report.errors.append({"file": cf.display, "line": None, "message": f"cannot read: {exc.strerror or exc}"})
            report.file_status[cf.display] = "error"
            failed.add(path)
            continue
        report.errors += [_error(e) for e in doc.errors]
        changed[path] = (cf, digest, doc)
        status = "updated" if path in known else "added"
        setattr(report, status, getattr(report, status) + 1)
        report.file_status[cf.display] = status

    all_paths = set(found_by_path)
    removed = [p for p in known if p not in all_paths and p not in failed and (not paths or Path(p) in scope)]
    for p in removed:
        report.file_status[_display_of(meta, p)] = "removed"
    report.removed = len(removed)
    report.files = len(set(known) - set(removed) | set(changed))

    state = meta.get_meta("state")
    catalogue_changed = meta.get_meta("catalogue") != catalogue.digest
    if not changed and not removed and state == "clean" and not catalogue_changed:
        _fill_counts(report, meta, catalogue)
        return report

    meta.set_meta("state", "dirty")
    meta.db.commit()

    mentions, doc_text = _current_rows(meta, changed, removed)
    resources = merge_resources(mentions, catalogue)
    chunks = make_chunks(resources, doc_text, catalogue)

    vectors = vectors or _vector_store(settings)
    have = vectors.ids()
    missing = [c for c in chunks if c.id not in have]
    if missing:
        embedder = embedder or _embedder(settings)
        batch = settings.embed_batch_size
        for start in range(0, len(missing), batch):
            part = missing[start:start + batch]
            notify("embedding", start + len(part), len(missing))
            vectors.upsert([c.id for c in part], embedder.encode([c.text for c in part]), [c.text for c in part], [c.resource_id for c in part])
    report.vectors_written = len(missing)

    notify("committing", 0, 1)
    with meta.db:  # step 5: one transaction
        for path in [*changed, *removed]:
            display = changed[path][0].display if path in changed else _display_of(meta, path)
            for table in PER_FILE_TABLES:
                meta.db.execute(f"DELETE FROM {table} WHERE file=?", (display,))
            meta.db.execute("DELETE FROM files WHERE path=?", (path,))
        for i, (path, (cf, digest, doc)) in enumerate(changed.items()):
            _insert_doc(meta, cf, digest, doc)
            notify("committing", i + 1, len(changed))
        meta.db.execute("DELETE FROM resources")
        meta.db.executemany(
            "INSERT INTO resources(id, url, title, kind, context, done, topics, sources) VALUES(?,?,?,?,?,?,?,?)",
            [(r.id, r.url, r.title, r.kind, r.context, int(r.done), json.dumps(r.topics),
              json.dumps([[s.file, s.line, s.heading] for s in r.sources], ensure_ascii=False)) for r in resources],
        )
        meta.db.execute("DELETE FROM chunks")
        meta.db.executemany("INSERT INTO chunks(id, resource_id, text) VALUES(?,?,?)", [(c.id, c.resource_id, c.text) for c in chunks])
        _attach_question_topics(meta, catalogue)
        meta.set_meta("catalogue", catalogue.digest)
        meta.set_meta("state", "gc")
        # Readers cache indexes under this key; it changes in the same transaction as the chunks.
        meta.set_meta("library_version", uuid.uuid4().hex)

    wanted = {c.id for c in chunks}
    extra = sorted(have - wanted)
    notify("cleaning", 0, len(extra))
    vectors.delete(extra)
    report.vectors_deleted = len(extra)
    meta.set_meta("state", "clean")
    meta.set_meta("ingested_at", str(time.time()))
    meta.db.commit()
    notify("done", 1, 1)
    _fill_counts(report, meta, catalogue)
    return report


def _error(e: ParseError) -> dict:
    return {"file": e.file, "line": e.line, "message": e.message}


def _display_of(meta: MetaStore, path: str) -> str:
    row = meta.db.execute("SELECT display FROM files WHERE path=?", (path,)).fetchone()
    return row[0] if row else path


def _current_rows(meta: MetaStore, changed: dict, removed: list[str]) -> tuple[list[tuple], list[tuple]]:
    """Mentions and paper text of the library as it will be after this ingest: old rows + new docs."""
    gone = {changed[p][0].display for p in changed} | {_display_of(meta, p) for p in removed}
    mentions = [
        (r["file"], r["line"], r["url"], r["title"], r["kind"], r["context"], r["heading"], bool(r["done"]), r["resource_id"])
        for r in meta.mentions() if r["file"] not in gone
    ]
    doc_text = [(r["file"], r["line"], r["resource_id"], r["text"]) for r in meta.db.execute("SELECT * FROM doc_text") if r["file"] not in gone]
    for cf, _, doc in changed.values():
        for m in doc.mentions:
            mentions.append((cf.display, m.line, m.url, m.title, m.kind, m.context, " > ".join(m.headings), m.done, _rid(m.url, m.title)))
        if doc.text_chunks and doc.mentions:
            owner = _rid(doc.mentions[0].url, doc.mentions[0].title)
            doc_text += [(cf.display, line, owner, text) for text, line in doc.text_chunks]
    mentions.sort(key=lambda m: (m[0], m[1]))
    return mentions, doc_text


def _rid(url: str | None, title: str) -> str:
    from studygraph.ingest.urls import resource_id

    return resource_id(url, title)


def merge_resources(mentions: list[tuple], catalogue: Catalogue) -> list[Resource]:
    """One resource per id; the first mention (by file, line) names it, every mention is a source."""
    grouped: dict[str, list[tuple]] = defaultdict(list)
    for m in mentions:
        grouped[m[8]].append(m)
    matcher = matcher_for(catalogue)
    resources = []
    for rid, ms in grouped.items():
        first = ms[0]
        kinds = Counter(m[4] for m in ms if m[4] != "website")
        contexts = list(dict.fromkeys(m[5] for m in ms if m[5]))
        headings = list(dict.fromkeys(m[6] for m in ms if m[6]))
        resource = Resource(
            id=rid, url=first[2], title=first[3], kind=kinds.most_common(1)[0][0] if kinds else first[4],
            sources=[Source(m[0], m[1], m[6]) for m in ms], context=" | ".join(contexts)[:800], done=any(m[7] for m in ms),
        )
        # Title and context say what a resource is about; the heading only where they say nothing.
        topics = matcher.topics(f"{resource.title}\n{resource.context}")
        for heading in headings:
            innermost = heading.split(" > ")[-1]
            topics += [t for t in matcher.topics(innermost) if t not in topics]
        resource.topics = topics[:6]
        resources.append(resource)
    resources.sort(key=lambda r: r.id)
    return resources


def make_chunks(resources: list[Resource], doc_text: list[tuple], catalogue: Catalogue) -> list[Chunk]:
    """A resource card per resource, plus windows of paper text. Topic names in English go into the card
    so that the English-only embedder can place Chinese-titled resources."""
    chunks = []
    for r in resources:
        topic_names = ", ".join(catalogue.topics[t].name for t in r.topics if t in catalogue.topics)
        heading = r.sources[0].heading if r.sources else ""
        text = "\n".join(x for x in (r.title, f"{r.kind}; topics: {topic_names}" if topic_names else r.kind, heading, r.context) if x)
        chunks.append(_chunk(r.id, text))
    for _file, _page, owner, text in doc_text:
        for start in range(0, len(text), PAPER_CHUNK_CHARS - 200):
            piece = text[start:start + PAPER_CHUNK_CHARS]
            if len(piece) > 80:
                chunks.append(_chunk(owner, piece))
    unique = {c.id: c for c in chunks}
    return sorted(unique.values(), key=lambda c: c.id)


def _chunk(resource_id: str, text: str) -> Chunk:
    digest = hashlib.sha1(f"{resource_id}\0{text}".encode()).hexdigest()[:20]
    return Chunk(id=f"c{digest}", resource_id=resource_id, text=text)


def _insert_doc(meta: MetaStore, cf: CorpusFile, digest: str, doc: ParsedDoc) -> None:
    stat = cf.path.stat()
    meta.db.execute(
        "INSERT INTO files(path, root, display, hash, size, mtime_ns, title, error) VALUES(?,?,?,?,?,?,?,NULL)",
        (str(cf.path), str(cf.root), cf.display, digest, stat.st_size, stat.st_mtime_ns, doc.title),
    )
    f = cf.display
    meta.db.executemany(
        "INSERT INTO mentions(file, line, resource_id, url, title, kind, context, heading, done) VALUES(?,?,?,?,?,?,?,?,?)",
        [(f, m.line, _rid(m.url, m.title), m.url, m.title, m.kind, m.context, " > ".join(m.headings), int(m.done)) for m in doc.mentions],
    )
    if doc.text_chunks and doc.mentions:
        owner = _rid(doc.mentions[0].url, doc.mentions[0].title)
        meta.db.executemany("INSERT INTO doc_text(file, line, resource_id, text) VALUES(?,?,?,?)", [(f, line, owner, t) for t, line in doc.text_chunks])
    meta.db.executemany(
        "INSERT INTO questions(file, line, text, heading, kind) VALUES(?,?,?,?,?)",
        [(f, q.line, q.text, " > ".join(q.headings), q.kind) for q in doc.questions],
    )
    meta.db.executemany(
        "INSERT INTO syllabi(file, syllabus, position, line, text, heading) VALUES(?,?,?,?,?,?)",
        [(f, n, item.position, item.line, item.text, " > ".join(item.headings)) for n, syl in enumerate(doc.syllabi) for item in syl],
    )
    meta.db.executemany("INSERT INTO sections(file, line, heading) VALUES(?,?,?)", [(f, line, " > ".join(h)) for h, line in doc.sections])


def _attach_question_topics(meta: MetaStore, catalogue: Catalogue) -> None:
    matcher = matcher_for(catalogue)
    rows = meta.db.execute("SELECT rowid, text, heading FROM questions").fetchall()
    for rowid, text, heading in rows:
        topics = matcher.topics(text) or matcher.topics(heading.split(" > ")[-1])
        meta.db.execute("UPDATE questions SET topics=? WHERE rowid=?", (json.dumps(topics), rowid))


def _fill_counts(report: IngestReport, meta: MetaStore, catalogue: Catalogue) -> None:
    from studygraph.graph.build import build_graph

    counts = meta.counts()
    report.resources, report.chunks, report.questions = counts["resources"], counts["chunks"], counts["questions"]
    report.edges = build_graph(catalogue, meta).graph.number_of_edges()


def _vector_store(settings: Settings):
    from studygraph.store.vectors import VectorStore

    return VectorStore(settings.chroma_path, settings.chroma_url)


def _embedder(settings: Settings):
    from studygraph.store.embedder import Embedder

    return Embedder(batch_size=settings.embed_batch_size)
