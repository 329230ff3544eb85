"""Chat conversations in `conversations.sqlite`, in the data dir next to the library's meta.sqlite.

A file of their own rather than tables in meta.sqlite: a learner chats before any ingest (there is no
library to write into yet), a chat turn is saved while an ingest holds meta.sqlite's write lock, and moving
a broken library aside keeps the conversations. Like progress, nothing here is ever rewritten by ingest.

A question is saved before it is answered, together with a `pending` answer turn, in one transaction; the
answer turn becomes `done`, `interrupted` (its stream was cut: a rerun, a language switch, a page change)
or `error` when the answer ends. A turn left `pending` by a process that died is shown as unfinished, so no
question is ever left without an answer or a note. Turns keep the answer's payload as JSON (its type named
beside it) so the app can draw the answer again after a reload.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from studygraph.errors import DataDirError
from studygraph.store.meta import make_writable_dir

SCHEMA_VERSION = 1
STATUSES = ("done", "pending", "interrupted", "error")
TITLE_CHARS = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations(
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS turns(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL,
    intent TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', citations TEXT NOT NULL DEFAULT '[]',
    payload_type TEXT NOT NULL DEFAULT '', payload TEXT, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS turns_conversation ON turns(conversation_id, id);
"""


class ConversationRow(NamedTuple):
    id: str
    title: str
    created: float
    updated: float
    turns: int


class TurnRow(NamedTuple):
    id: int
    conversation_id: str
    role: str  # user | assistant
    content: str
    status: str  # one of STATUSES
    intent: str
    model: str
    citations: list[dict]  # {title, url, kind}
    payload_type: str  # the payload's class name (assistant/payloads.py), "" without one
    payload: dict | None
    created: float


def title_of(question: str) -> str:
    """A conversation's default title: its first question on one line, cut with an ellipsis."""
    flat = " ".join(question.split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…"


class ConversationStore:
    """Conversations and their turns in one connection (`with ConversationStore(path) as store:`; the
    Library keeps one open and uses it under its lock). `path=None`: in memory only, for a data dir that
    cannot be written (the chat still answers; nothing survives the process)."""

    def __init__(self, path: Path | None, create: bool = True):
        self.path = path
        self.db: sqlite3.Connection | None = None
        if path is None:
            self._open(":memory:")
            return
        if not path.is_file() and not create:
            return  # nothing saved yet: read as empty, and leave the data dir as it is
        make_writable_dir(path.parent, "conversations cannot be saved")
        self._open(path)

    def _open(self, path: Path | str) -> None:
        try:
            self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            # The schema is made once, WAL is kept in the file; NORMAL as in meta.sqlite (a power cut may
            # lose the last turn, never the file).
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.executescript(SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")
        except sqlite3.DatabaseError as exc:
            raise DataDirError(f"{path}: {exc} (move it aside to start the conversations afresh)") from None

    @property
    def saved(self) -> bool:
        """False for an in-memory store: its conversations end with the process."""
        return self.path is not None

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.db is None:
            raise DataDirError(f"{self.path} was opened for reading only")
        with self.db:
            yield self.db

    # -- conversations ------------------------------------------------------------------------------
    def conversations(self) -> list[ConversationRow]:
        """Every conversation, the most recently used first."""
        if self.db is None:
            return []
        rows = self.db.execute(
            "SELECT c.id, c.title, c.created, c.updated, "
            "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id=c.id) AS turns "
            "FROM conversations c ORDER BY c.updated DESC, c.rowid DESC"
        ).fetchall()
        return [ConversationRow(*r) for r in rows]

    def conversation(self, conversation_id: str) -> ConversationRow | None:
        return next((c for c in self.conversations() if c.id == conversation_id), None)

    def create(self, title: str = "", now: float | None = None) -> ConversationRow:
        now = time.time() if now is None else now
        row = ConversationRow(uuid.uuid4().hex, title_of(title), now, now, 0)
        with self._write() as db:
            db.execute("INSERT INTO conversations(id, title, created, updated) VALUES(?,?,?,?)", row[:4])
        return row

    def rename(self, conversation_id: str, title: str) -> bool:
        with self._write() as db:
            cur = db.execute("UPDATE conversations SET title=? WHERE id=?", (title_of(title), conversation_id))
        return cur.rowcount == 1

    def delete(self, conversation_id: str) -> bool:
        with self._write() as db:
            cur = db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))
        return cur.rowcount == 1

    # -- turns ----------------------------------------------------------------------------------------
    def turns(self, conversation_id: str) -> list[TurnRow]:
        if self.db is None:
            return []
        rows = self.db.execute("SELECT * FROM turns WHERE conversation_id=? ORDER BY id", (conversation_id,))
        return [_turn(r) for r in rows]

    def turn(self, turn_id: int) -> TurnRow | None:
        if self.db is None:
            return None
        row = self.db.execute("SELECT * FROM turns WHERE id=?", (turn_id,)).fetchone()
        return _turn(row) if row else None

    def ask(self, conversation_id: str, question: str, now: float | None = None) -> tuple[TurnRow, TurnRow]:
        """Save a question and its `pending` answer turn at once (an untitled conversation takes the
        question as its title); returns (question turn, answer turn)."""
        now = time.time() if now is None else now
        with self._write() as db:
            if db.execute("SELECT 1 FROM conversations WHERE id=?", (conversation_id,)).fetchone() is None:
                raise KeyError(conversation_id)
            db.execute(
                "UPDATE conversations SET updated=?, title=CASE WHEN title='' THEN ? ELSE title END WHERE id=?",
                (now, title_of(question), conversation_id),
            )
            ids = [
                db.execute(
                    "INSERT INTO turns(conversation_id, role, content, status, created) VALUES(?,?,?,?,?)",
                    (conversation_id, role, content, status, now),
                ).lastrowid
                for role, content, status in (("user", question, "done"), ("assistant", "", "pending"))
            ]
        return self.turn(ids[0]), self.turn(ids[1])

    def finish(
        self,
        turn_id: int,
        content: str,
        status: str,
        *,
        intent: str = "",
        model: str = "",
        citations: list[dict] | None = None,
        payload_type: str = "",
        payload: dict | None = None,
        only_pending: bool = False,
    ) -> bool:
        """Give an answer turn its end: its text, how it ended, and what the app needs to draw it again.
        `only_pending`: leave a turn that already ended as it is (a second, later word on it)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        with self._write() as db:
            cur = db.execute(
                "UPDATE turns SET content=?, status=?, intent=?, model=?, citations=?, payload_type=?, payload=? "
                "WHERE id=?" + (" AND status='pending'" if only_pending else ""),
                (
                    content,
                    status,
                    intent,
                    model,
                    json.dumps(citations or [], ensure_ascii=False),
                    payload_type,
                    json.dumps(payload, ensure_ascii=False) if payload is not None else None,
                    turn_id,
                ),
            )
        return cur.rowcount == 1


def _turn(r: sqlite3.Row) -> TurnRow:
    return TurnRow(
        r["id"],
        r["conversation_id"],
        r["role"],
        r["content"],
        r["status"],
        r["intent"],
        r["model"],
        json.loads(r["citations"] or "[]"),
        r["payload_type"],
        json.loads(r["payload"]) if r["payload"] else None,
        r["created"],
    )
