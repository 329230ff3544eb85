"""The metadata store: SQLite (WAL) next to the vectors.

SQLite is the source of truth for what the library contains; Chroma only holds vectors for the chunk ids
listed here (see ingest.pipeline for the commit protocol that keeps the two in step). Learner progress
lives in its own table that ingest never rewrites, so progress survives any change to the roadmaps.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from studygraph.errors import DataDirError, SchemaError
from studygraph.models import Chunk, Question, Resource, Source, SyllabusItem
from studygraph.quarantine import quarantined

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, root TEXT NOT NULL, display TEXT NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', error TEXT);
CREATE TABLE IF NOT EXISTS mentions(
    file TEXT NOT NULL, line INTEGER NOT NULL, resource_id TEXT NOT NULL, url TEXT, title TEXT NOT NULL,
    kind TEXT NOT NULL, context TEXT NOT NULL, heading TEXT NOT NULL, done INTEGER NOT NULL,
    named INTEGER NOT NULL DEFAULT 1, minutes REAL);
CREATE INDEX IF NOT EXISTS mentions_file ON mentions(file);
CREATE INDEX IF NOT EXISTS mentions_resource ON mentions(resource_id);
CREATE TABLE IF NOT EXISTS resources(
    id TEXT PRIMARY KEY, url TEXT, title TEXT NOT NULL, kind TEXT NOT NULL, context TEXT NOT NULL,
    done INTEGER NOT NULL, topics TEXT NOT NULL, sources TEXT NOT NULL, minutes REAL);
CREATE TABLE IF NOT EXISTS chunks(id TEXT PRIMARY KEY, resource_id TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_resource ON chunks(resource_id);
CREATE TABLE IF NOT EXISTS doc_text(file TEXT NOT NULL, line INTEGER NOT NULL, resource_id TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS doc_text_file ON doc_text(file);
CREATE TABLE IF NOT EXISTS questions(
    file TEXT NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL, heading TEXT NOT NULL, kind TEXT NOT NULL,
    topics TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS questions_file ON questions(file);
CREATE TABLE IF NOT EXISTS syllabi(
    file TEXT NOT NULL, syllabus INTEGER NOT NULL, position INTEGER NOT NULL, line INTEGER NOT NULL,
    text TEXT NOT NULL, heading TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS syllabi_file ON syllabi(file);
CREATE TABLE IF NOT EXISTS sections(file TEXT NOT NULL, line INTEGER NOT NULL, heading TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sections_file ON sections(file);
CREATE TABLE IF NOT EXISTS progress(item TEXT PRIMARY KEY, status TEXT NOT NULL, updated REAL NOT NULL);
-- Review cards (store/review.py): like progress, never touched by ingest; created in old libraries too.
CREATE TABLE IF NOT EXISTS review_cards(
    id INTEGER PRIMARY KEY, topic TEXT NOT NULL, text TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, card TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS review_logs(
    card_id INTEGER NOT NULL, rating INTEGER NOT NULL, reviewed TEXT NOT NULL, duration INTEGER,
    answer TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS review_logs_card ON review_logs(card_id);
"""

# Tables that hold what one file contributed; replaced as a whole when that file changes.
PER_FILE_TABLES = ("mentions", "doc_text", "questions", "syllabi", "sections")


class FileRow(NamedTuple):
    """A file as the library last read it: the hash says whether it changed, the stat when."""

    path: str  # resolved absolute path: the file's identity
    root: str
    display: str  # the name per-file rows and sources use
    hash: str
    size: int
    mtime_ns: int
    title: str


class MentionRow(NamedTuple):
    """One occurrence of a resource in a file, already resolved to the resource it names."""

    file: str  # display path
    line: int
    resource_id: str
    url: str | None
    title: str
    kind: str
    context: str
    heading: str  # heading path joined with " > "
    done: bool
    named: bool = True  # the link's own text named it (not 材料, a bare URL): a fetched page's title never replaces it
    minutes: float | None = None  # its length as the roadmap gives it (a table's duration cell)


class DocTextRow(NamedTuple):
    """Free text of a paper, kept so its chunks can be rebuilt without parsing the PDF again."""

    file: str  # display path
    line: int
    resource_id: str  # the resource the text belongs to
    text: str


def _migrate(db: sqlite3.Connection) -> None:
    """Columns added since a library was written. Rows of old files cannot know the new fact, so their
    hashes are cleared: the next ingest parses every file again (seconds), then the library is current."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(mentions)")}
    if "named" not in columns:
        with db:
            db.execute("ALTER TABLE mentions ADD COLUMN named INTEGER NOT NULL DEFAULT 1")
            db.execute("UPDATE files SET hash = ''")
    if "minutes" not in columns:
        with db:
            db.execute("ALTER TABLE mentions ADD COLUMN minutes REAL")
            db.execute("UPDATE files SET hash = ''")
    if "minutes" not in {row[1] for row in db.execute("PRAGMA table_info(resources)")}:
        with db:  # the resources are rebuilt whole by the next ingest (every file's hash is cleared above)
            db.execute("ALTER TABLE resources ADD COLUMN minutes REAL")


def writable(directory: Path) -> bool:
    """Permission bits, and also a read-only mount: access(2) answers EROFS there even for root."""
    return os.access(directory, os.W_OK)


def make_writable_dir(directory: Path, read_only_means: str) -> None:
    """Create the data dir, or DataDirError in one line: it cannot be made, or it is read-only (and then
    `read_only_means` says what that costs, e.g. "conversations cannot be saved")."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"cannot create the data dir {directory}: {exc.strerror or exc}") from None
    if not writable(directory):
        raise DataDirError(f"the data dir {directory} is read-only: {read_only_means}")


class MetaStore:
    """The library's metadata in SQLite (WAL), the source of truth: files and what each contributed,
    resources, chunks, questions, syllabi, sections, and the learner's progress (which ingest never
    rewrites). `readonly=True` for readers such as the app while an ingest runs; ingest groups its writes
    in `transaction()` so readers see the old or the new library, never a half one."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        try:
            self.db = self._connect(path, readonly)
            self.db.row_factory = sqlite3.Row
            version = self.get_meta("schema_version")
        except sqlite3.DatabaseError as exc:
            raise DataDirError(f"{path}: {exc} (is it a studygraph library?)") from None
        if version is None and not readonly:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
            self.db.commit()
        elif version is not None and int(version) != SCHEMA_VERSION:
            raise SchemaError(
                f"{path} has schema version {version}, this studygraph expects {SCHEMA_VERSION}: "
                "move the data dir aside and ingest again"
            )

    @staticmethod
    def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
        if readonly:
            if not path.exists():
                raise FileNotFoundError(f"no library at {path.parent}: run `studygraph ingest` first")
            # A WAL database needs its -shm file even to read; on a read-only data dir nobody can be
            # writing, so the file may be opened as immutable instead.
            flags = "mode=ro" if writable(path.parent) else "mode=ro&immutable=1"
            return sqlite3.connect(f"file:{path}?{flags}", uri=True, timeout=30, check_same_thread=False)
        make_writable_dir(path.parent, "reading works, but ingest and progress need write access")
        db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        # WAL: the app keeps reading the last committed library while an ingest writes the next one.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        _migrate(db)
        return db

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))

    def delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key=?", (key,))

    # -- files ------------------------------------------------------------------------------------
    def files(self) -> dict[str, sqlite3.Row]:
        return {r["path"]: r for r in self.db.execute("SELECT * FROM files")}

    # -- resources --------------------------------------------------------------------------------
    # The one place resources are read back, so the one place the quarantine is applied: every surface
    # (graph, plans, search, ask, the app) gets the resources the library offers, never one whose words
    # address a model. Decided from the stored title and context, so a library written by an older
    # detector is judged by the current one without a re-ingest.
    def resources(self) -> list[Resource]:
        """The resources the library offers (quarantined ones left out)."""
        return [r for r in self._all_resources() if not quarantined(r.title, r.context)]

    def quarantined(self) -> list[Resource]:
        """The resources held back because their words address a model (for `library` and `stats` to show)."""
        return [r for r in self._all_resources() if quarantined(r.title, r.context)]

    def _all_resources(self) -> list[Resource]:
        rows = self.db.execute("SELECT * FROM resources ORDER BY title COLLATE NOCASE, id")
        return [_resource(r) for r in rows]

    def resource(self, resource_id: str) -> Resource | None:
        row = self.db.execute("SELECT * FROM resources WHERE id=?", (resource_id,)).fetchone()
        r = _resource(row) if row else None
        return r if r is not None and not quarantined(r.title, r.context) else None

    def corpus_urls(self) -> set[str]:
        """The URLs an answer may cite: those of the offered resources."""
        return {r.url for r in self.resources() if r.url}

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM chunks")}

    def chunks(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT id, resource_id, text FROM chunks ORDER BY id"))

    def questions(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM questions ORDER BY file, line"))

    def syllabi(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM syllabi ORDER BY file, syllabus, position"))

    def sections(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM sections ORDER BY file, line"))

    def mentions(self) -> list[MentionRow]:
        return [
            MentionRow(
                r["file"],
                r["line"],
                r["resource_id"],
                r["url"],
                r["title"],
                r["kind"],
                r["context"],
                r["heading"],
                bool(r["done"]),
                bool(r["named"]) if "named" in r.keys() else True,  # a library written before the column
                r["minutes"] if "minutes" in r.keys() else None,
            )
            for r in self.db.execute("SELECT * FROM mentions ORDER BY file, line")
        ]

    def doc_text(self) -> list[DocTextRow]:
        return [
            DocTextRow(r["file"], r["line"], r["resource_id"], r["text"])
            for r in self.db.execute("SELECT * FROM doc_text")
        ]

    def resources_per_file(self) -> dict[str, int]:
        """Display path -> how many resources the library offers from that file (the Library page's file list);
        quarantined ones are not counted: a file is never said to give 40 resources when 36 are held back."""
        held = {r.id for r in self.quarantined()}
        offered: dict[str, set[str]] = {}
        for file, resource_id in self.db.execute("SELECT DISTINCT file, resource_id FROM mentions"):
            if resource_id not in held:
                offered.setdefault(file, set()).add(resource_id)
        return {file: len(ids) for file, ids in offered.items()}

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "files": one("SELECT COUNT(*) FROM files"),
            "resources": one("SELECT COUNT(*) FROM resources"),
            "chunks": one("SELECT COUNT(*) FROM chunks"),
            "questions": one("SELECT COUNT(*) FROM questions"),
            "done": one("SELECT COUNT(*) FROM resources WHERE done=1"),
        }

    def library_problems(self) -> list[str]:
        """Where the library's resources and chunks disagree with the per-file rows they are derived from (a
        half-applied library): resources are exactly those the files' mentions name, each with its card chunk,
        and no chunk belongs to a resource that is gone. Indexed queries: milliseconds for a big library."""
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        lost = one(
            "SELECT COUNT(DISTINCT resource_id) FROM mentions WHERE resource_id NOT IN (SELECT id FROM resources)"
        )
        stale = one("SELECT COUNT(*) FROM resources WHERE id NOT IN (SELECT resource_id FROM mentions)")
        bare = one("SELECT COUNT(*) FROM resources WHERE id NOT IN (SELECT resource_id FROM chunks)")
        orphan = one("SELECT COUNT(*) FROM chunks WHERE resource_id NOT IN (SELECT id FROM resources)")
        problems = []
        if lost or stale:
            problems.append(
                f"the library lacks {lost} resources its files name and keeps {stale} they no longer name: rebuilding it"
            )
        if bare or orphan:
            problems.append(
                f"{bare} resources have no chunk and {orphan} chunks no resource: rebuilding the library's chunks"
            )
        return problems

    # -- ingest writes ----------------------------------------------------------------------------
    # None of these commits: ingest groups them in `transaction()` so a library changes all at once.
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside commits together, or (on an exception or a crash) not at all."""
        with self.db:
            yield

    def remove_file(self, path: str, display: str) -> None:
        """Forget a file and every row it contributed."""
        for table in PER_FILE_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE file=?", (display,))
        self.db.execute("DELETE FROM files WHERE path=?", (path,))

    def add_file(
        self,
        file: FileRow,
        *,
        mentions: list[MentionRow],
        doc_text: list[DocTextRow],
        questions: list[Question],
        syllabi: list[list[SyllabusItem]],
        sections: list[tuple[tuple[str, ...], int]],
    ) -> None:
        """Record a freshly parsed file and its rows; its old rows must be gone (remove_file)."""
        self.db.execute(
            "INSERT INTO files(path, root, display, hash, size, mtime_ns, title, error) VALUES(?,?,?,?,?,?,?,NULL)",
            file,
        )
        f = file.display
        self.db.executemany(
            "INSERT INTO mentions(file, line, resource_id, url, title, kind, context, heading, done, named, minutes) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    m.file,
                    m.line,
                    m.resource_id,
                    m.url,
                    m.title,
                    m.kind,
                    m.context,
                    m.heading,
                    int(m.done),
                    int(m.named),
                    m.minutes,
                )
                for m in mentions
            ],
        )
        self.db.executemany("INSERT INTO doc_text(file, line, resource_id, text) VALUES(?,?,?,?)", doc_text)
        self.db.executemany(
            "INSERT INTO questions(file, line, text, heading, kind) VALUES(?,?,?,?,?)",
            [(f, q.line, q.text, " > ".join(q.headings), q.kind) for q in questions],
        )
        self.db.executemany(
            "INSERT INTO syllabi(file, syllabus, position, line, text, heading) VALUES(?,?,?,?,?,?)",
            [
                (f, n, item.position, item.line, item.text, " > ".join(item.headings))
                for n, syl in enumerate(syllabi)
                for item in syl
            ],
        )
        self.db.executemany(
            "INSERT INTO sections(file, line, heading) VALUES(?,?,?)",
            [(f, line, " > ".join(h)) for h, line in sections],
        )

    def replace_library(self, resources: list[Resource], chunks: list[Chunk]) -> None:
        """Resources and chunks are derived from all files together, so they are replaced as a whole."""
        self.db.execute("DELETE FROM resources")
        self.db.executemany(
            "INSERT INTO resources(id, url, title, kind, context, done, topics, sources, minutes)"
            " VALUES(?,?,?,?,?,?,?,?,?)",
            [
                (
                    r.id,
                    r.url,
                    r.title,
                    r.kind,
                    r.context,
                    int(r.done),
                    json.dumps(r.topics),
                    json.dumps([[s.file, s.line, s.heading] for s in r.sources], ensure_ascii=False),
                    r.minutes,
                )
                for r in resources
            ],
        )
        self.db.execute("DELETE FROM chunks")
        self.db.executemany(
            "INSERT INTO chunks(id, resource_id, text) VALUES(?,?,?)", [(c.id, c.resource_id, c.text) for c in chunks]
        )

    def set_question_topics(self, topics_of: Callable[[str, str], list[str]]) -> None:
        """Tag every question with topics_of(text, heading); topics depend on the catalogue, not only the file."""
        rows = self.db.execute("SELECT rowid, text, heading FROM questions").fetchall()
        for rowid, text, heading in rows:
            self.db.execute(
                "UPDATE questions SET topics=? WHERE rowid=?", (json.dumps(topics_of(text, heading)), rowid)
            )

    # -- progress (never touched by ingest) ---------------------------------------------------------
    def progress(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute("SELECT item, status FROM progress")}

    def set_progress(self, items: Iterable[str], status: str) -> None:
        with self.db:
            for item in items:
                if status == "todo":
                    self.db.execute("DELETE FROM progress WHERE item=?", (item,))
                else:
                    self.db.execute(
                        "INSERT OR REPLACE INTO progress(item, status, updated) VALUES(?, ?, ?)",
                        (item, status, time.time()),
                    )


def _resource(row: sqlite3.Row) -> Resource:
    return Resource(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        kind=row["kind"],
        context=row["context"],
        done=bool(row["done"]),
        topics=json.loads(row["topics"]),
        sources=[Source(*s) for s in json.loads(row["sources"])],
        minutes=row["minutes"] if "minutes" in row.keys() else None,
    )
