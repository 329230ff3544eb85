"""The page cache: what `ingest --fetch` downloaded, one row per URL, in its own SQLite file (WAL).

It lives apart from meta.sqlite because it is a cache of the web, not the library: deleting it costs a
refetch, never the learner's progress, and a fetch can run while the app reads the library. Each write is
one transaction, and a content change bumps the generation stamp in that same transaction, so a kill -9
mid-fetch leaves the pages committed so far and a generation that matches them.

Besides pages it keeps what the fetcher needs between runs: validators (ETag, Last-Modified) and when a page
was last confirmed, the last outcome per URL (so a failure can be reported without losing the good copy),
and robots.txt per origin.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studygraph.errors import DataDirError, SchemaError
from studygraph.store.meta import make_writable_dir, writable

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages(
    url TEXT PRIMARY KEY, final_url TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, lang TEXT,
    kind TEXT NOT NULL, digest TEXT NOT NULL, etag TEXT, last_modified TEXT, fetched_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS attempts(url TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS robots(origin TEXT PRIMARY KEY, text TEXT NOT NULL, fetched_at REAL NOT NULL);
"""

# The generation of a cache that never held a page (also of a missing file opened read-only).
EMPTY_GENERATION = "0"
_IN_CHUNK = 500  # parameters per IN (...) query, well under SQLite's limit


def page_digest(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\0{text}".encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Page:
    """What the library uses from one fetched URL."""

    url: str  # the key: the normalised URL as the library knows it (normalize_url output)
    final_url: str  # after redirects (for arXiv: the abs page that was read)
    title: str  # "" if none found
    text: str  # main text, paragraphs separated by "\n" ("" if nothing usable)
    lang: str | None  # "en", "zh", ... when known
    kind: str  # "html" | "pdf" | "arxiv" | "text" (text/plain, e.g. a raw README)
    digest: str  # page_digest(title, text)

    @classmethod
    def build(cls, url: str, final_url: str, title: str, text: str, lang: str | None, kind: str) -> Page:
        return cls(url, final_url, title, text, lang, kind, page_digest(title, text))


@dataclass(frozen=True)
class Validators:
    """What a conditional request needs about a cached page, and when its server last confirmed it."""

    etag: str | None
    last_modified: str | None
    fetched_at: float  # unix time of the last download or 304
    digest: str


@dataclass(frozen=True)
class Attempt:
    """The last time the fetcher tried a URL: its FetchOutcome status and reason."""

    status: str
    reason: str
    at: float


class PageCache:
    """Fetched pages keyed by normalised URL. `readonly=True` for readers (the library side); a missing file
    then behaves as an empty cache and is never created. One instance per thread, like MetaStore."""

    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self.db: sqlite3.Connection | None = None
        try:
            self.db = self._connect(path, readonly)
            if self.db is None:
                return
            version = self._meta("schema_version")
            if version is None and not readonly:
                with self.db:
                    self.db.execute("INSERT OR IGNORE INTO meta VALUES('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif version is not None and int(version) != SCHEMA_VERSION:
                self.close()
                raise SchemaError(
                    f"{path} is a page cache of schema version {version}, this studygraph expects "
                    f"{SCHEMA_VERSION}: delete it (it only holds downloaded pages) and fetch again"
                )
        except sqlite3.DatabaseError as exc:
            self.close()
            raise DataDirError(f"{path}: {exc} (is it a studygraph page cache? it can be deleted)") from None

    @staticmethod
    def _connect(path: Path, readonly: bool) -> sqlite3.Connection | None:
        if readonly:
            if not path.exists():
                return None
            # A WAL database needs its -shm file even to read; in a read-only data dir nobody can be
            # writing, so the file may be opened as immutable instead (as MetaStore does).
            flags = "mode=ro" if writable(path.parent) else "mode=ro&immutable=1"
            db = sqlite3.connect(f"file:{path}?{flags}", uri=True, timeout=30, check_same_thread=False)
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "pages" not in tables:  # created but never initialised: as empty as a missing file
                db.close()
                return None
            return db
        make_writable_dir(path.parent, "fetching pages needs write access")
        db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        # WAL: readers keep the last committed pages while a fetch writes; NORMAL is still crash-safe
        # against a killed process (only a power cut can lose the last commits, never consistency).
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        return db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> PageCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _meta(self, key: str) -> str | None:
        if self.db is None:
            return None
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _writer(self) -> sqlite3.Connection:
        if self.db is None or self.readonly:
            raise DataDirError(f"{self.path} was opened read-only")
        return self.db

    # -- what the library reads -------------------------------------------------------------------
    def get(self, url: str) -> Page | None:
        """The page last fetched OK for url, or None if it never was."""
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT url, final_url, title, text, lang, kind, digest FROM pages WHERE url=?", (url,)
        ).fetchone()
        return Page(*row) if row else None

    def pages(self, urls: Iterable[str]) -> dict[str, Page]:
        """{url: page} for the urls this cache holds; the others are left out."""
        if self.db is None:
            return {}
        wanted = list(dict.fromkeys(urls))
        found: dict[str, Page] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            part = wanted[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(part))
            sql = f"SELECT url, final_url, title, text, lang, kind, digest FROM pages WHERE url IN ({marks})"
            for row in self.db.execute(sql, part):
                found[row[0]] = Page(*row)
        return found

    def generation(self) -> str:
        """A stamp that changes whenever a page is added, its title or text changes, or a page is removed.
        Compare it for equality only: a reader that saw the same stamp has nothing new to rebuild."""
        return self._meta("generation") or EMPTY_GENERATION

    # -- what the fetcher needs -------------------------------------------------------------------
    def validators(self, url: str) -> Validators | None:
        if self.db is None:
            return None
        row = self.db.execute(
            "SELECT etag, last_modified, fetched_at, digest FROM pages WHERE url=?", (url,)
        ).fetchone()
        return Validators(*row) if row else None

    def put(self, page: Page, etag: str | None, last_modified: str | None, now: float | None = None) -> bool:
        """Store a downloaded page; True when its content (title or text) is new or changed."""
        db = self._writer()
        now = time.time() if now is None else now
        with db:  # one transaction: the page, its outcome and (if it changed) the generation
            old = db.execute("SELECT digest FROM pages WHERE url=?", (page.url,)).fetchone()
            changed = old is None or old[0] != page.digest
            db.execute(
                "INSERT OR REPLACE INTO pages VALUES(?,?,?,?,?,?,?,?,?,?)",
                (page.url, page.final_url, page.title, page.text, page.lang, page.kind, page.digest)
                + (etag, last_modified, now),
            )
            self._attempt(db, page.url, "fetched" if changed else "unchanged", "", now)
            if changed:
                self._bump(db)
        return changed

    def confirm(self, url: str, etag: str | None, last_modified: str | None, now: float | None = None) -> None:
        """The server said 304: the cached page is current as of now (new validators replace old ones)."""
        db = self._writer()
        now = time.time() if now is None else now
        with db:
            db.execute(
                "UPDATE pages SET fetched_at=?, etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified)"
                " WHERE url=?",
                (now, etag, last_modified, url),
            )
            self._attempt(db, url, "unchanged", "", now)

    def record(self, url: str, status: str, reason: str, now: float | None = None) -> None:
        """Remember a failed or skipped attempt; the cached page, if any, is kept."""
        db = self._writer()
        with db:
            self._attempt(db, url, status, reason, time.time() if now is None else now)

    def attempt(self, url: str) -> Attempt | None:
        if self.db is None:
            return None
        row = self.db.execute("SELECT status, reason, at FROM attempts WHERE url=?", (url,)).fetchone()
        return Attempt(*row) if row else None

    def remove(self, urls: Iterable[str]) -> int:
        """Forget pages (a roadmap no longer links them); returns how many were held."""
        db = self._writer()
        wanted = list(dict.fromkeys(urls))
        removed = 0
        with db:
            for start in range(0, len(wanted), _IN_CHUNK):
                part = wanted[start : start + _IN_CHUNK]
                marks = ",".join("?" * len(part))
                removed += db.execute(f"DELETE FROM pages WHERE url IN ({marks})", part).rowcount
                db.execute(f"DELETE FROM attempts WHERE url IN ({marks})", part)
            if removed:
                self._bump(db)
        return removed

    def robots(self, origin: str) -> tuple[str, float] | None:
        """(robots.txt text, fetched_at) for an origin such as "https://example.org", if cached."""
        if self.db is None:
            return None
        row = self.db.execute("SELECT text, fetched_at FROM robots WHERE origin=?", (origin,)).fetchone()
        return (row[0], row[1]) if row else None

    def put_robots(self, origin: str, text: str, now: float | None = None) -> None:
        db = self._writer()
        with db:
            db.execute(
                "INSERT OR REPLACE INTO robots VALUES(?,?,?)", (origin, text, time.time() if now is None else now)
            )

    @staticmethod
    def _attempt(db: sqlite3.Connection, url: str, status: str, reason: str, now: float) -> None:
        db.execute("INSERT OR REPLACE INTO attempts VALUES(?,?,?,?)", (url, status, reason, now))

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        # "<changes>-<random>": the count makes it readable, the random part keeps a deleted and rebuilt
        # cache from ever repeating a stamp that a reader remembers from the old one.
        row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        count = int(row[0].split("-", 1)[0]) + 1 if row else 1
        db.execute("INSERT OR REPLACE INTO meta VALUES('generation', ?)", (f"{count}-{secrets.token_hex(6)}",))
