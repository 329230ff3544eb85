"""Interview questions as spaced-repetition cards, scheduled by FSRS (the `fsrs` package).

Cards and review logs live in meta.sqlite next to progress (tables `review_cards`, `review_logs`, created
by store.meta's schema), and like progress ingest never rewrites them. Ingest replaces the `questions`
table whenever a roadmap changes, so cards are kept in step by `sync()`, which matches each question to
its card by identity of meaning rather than by row: the same text (whitespace aside) is the same card; a
question reworded a little is the same card if it is about the same topic and its text is at least
SAME_TOPIC_SIMILARITY similar (rapidfuzz ratio), or SIMILARITY similar under another topic (a rewording
can change which topic the matcher sees). A card whose question is gone is kept, inactive, with its
history, and comes back if the question does.

A topic's cards say how well the learner knows it (`reviewed_topics`): any card reviewed -> learning;
every card of the topic in FSRS's review state with a stability of MATURE_DAYS or more -> done (a card
that would still be recalled with 90% probability three weeks on, Anki's "mature").
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from fsrs import Card, Rating, Scheduler, State
from rapidfuzz import fuzz

from studygraph.quarantine import quarantined

SAME_TOPIC_SIMILARITY = 80.0
SIMILARITY = 90.0
MATURE_DAYS = 21.0
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def scheduler() -> Scheduler:
    """FSRS with its default parameters and 90% desired retention. No fuzzing: a learner's due dates are
    reproducible (and the tests can compare them with the library's own scheduler)."""
    return Scheduler(enable_fuzzing=False)


class CardSource(NamedTuple):
    """A question as the library holds it now: what a card is made from."""

    topic: str
    text: str
    file: str
    line: int


@dataclass
class ReviewCard:
    id: int
    topic: str
    text: str
    file: str
    line: int
    active: bool
    card: Card
    reviews: int = 0

    @property
    def due(self) -> dt.datetime:
        return self.card.due

    @property
    def new(self) -> bool:
        return self.reviews == 0

    def to_dict(self) -> dict:
        c = self.card
        return {
            "id": self.id,
            "topic": self.topic,
            "text": self.text,
            "file": self.file,
            "line": self.line,
            "active": self.active,
            "new": self.new,
            "reviews": self.reviews,
            "due": c.due.isoformat(),
            "state": State(c.state).name.lower(),
            "stability": round(c.stability, 3) if c.stability is not None else None,
            "difficulty": round(c.difficulty, 3) if c.difficulty is not None else None,
            "last_review": c.last_review.isoformat() if c.last_review else None,
        }


def card_sources(meta, catalogue=None) -> list[CardSource]:
    """One source per distinct interview question (exercises are tasks, not recall; quarantined lines are
    none): its topic is the learned topic whose section holds it, else the first topic the matcher gave it."""
    learned = getattr(catalogue, "learned", None)
    sections = learned.sections if learned else {}
    seen: dict[tuple[str, str], CardSource] = {}
    for q in meta.questions():
        if q["kind"] != "interview" or quarantined(q["text"], ""):  # a line addressing a model is no question
            continue
        topics = json.loads(q["topics"])
        topic = sections.get((q["file"], q["heading"])) or (topics[0] if topics else "")
        seen.setdefault((topic, _norm(q["text"])), CardSource(topic, q["text"], q["file"], q["line"]))
    return list(seen.values())


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)


class ReviewStore:
    """Cards and logs in a MetaStore's database (open it writable to sync or grade)."""

    def __init__(self, meta, sched: Scheduler | None = None):
        self.db: sqlite3.Connection = meta.db
        self.scheduler = sched or scheduler()

    # -- reading ------------------------------------------------------------------------------------
    def cards(self, active_only: bool = True) -> list[ReviewCard]:
        where = "WHERE active=1" if active_only else ""
        try:
            rows = self.db.execute(
                "SELECT c.*, (SELECT COUNT(*) FROM review_logs l WHERE l.card_id=c.id) AS reviews "
                f"FROM review_cards c {where} ORDER BY c.file, c.line, c.id"
            ).fetchall()
        except sqlite3.OperationalError:  # a library written before reviews, opened read-only
            return []
        return [
            ReviewCard(
                r["id"],
                r["topic"],
                r["text"],
                r["file"],
                r["line"],
                bool(r["active"]),
                Card.from_dict(json.loads(r["card"])),
                r["reviews"],
            )
            for r in rows
        ]

    def card(self, card_id: int) -> ReviewCard | None:
        return next((c for c in self.cards(active_only=False) if c.id == card_id), None)

    def due(self, now: dt.datetime | None = None) -> list[ReviewCard]:
        """Active cards due by `now`: cards already reviewed first (most overdue first), then new ones in
        roadmap order, so forgetting is stopped before new material is added."""
        now = _now(now)
        due = [c for c in self.cards() if c.due <= now]
        return sorted(due, key=lambda c: (c.new, c.due if not c.new else now, c.file, c.line))

    def logs(self, card_id: int | None = None) -> list[dict]:
        sql = "SELECT card_id, rating, reviewed, duration, answer FROM review_logs"
        rows = self.db.execute(
            sql + (" WHERE card_id=?" if card_id is not None else "") + " ORDER BY rowid",
            (card_id,) if card_id is not None else (),
        ).fetchall()
        return [
            {"card_id": r[0], "rating": Rating(r[1]).name.lower(), "reviewed": r[2], "duration": r[3], "answer": r[4]}
            for r in rows
        ]

    # -- writing ------------------------------------------------------------------------------------
    def sync(self, sources: Iterable[CardSource], now: dt.datetime | None = None) -> dict[str, int]:
        """Make the active cards exactly the current questions, keeping each question's history (see the
        module docstring for how a reworded question finds its card). Returns counts of what changed."""
        sources = list(sources)
        cards = self.cards(active_only=False)
        matched: dict[int, ReviewCard] = {}  # source index -> card
        free = {c.id: c for c in cards}
        by_text: dict[str, list[ReviewCard]] = {}
        for c in cards:
            by_text.setdefault(_norm(c.text), []).append(c)
        for i, s in enumerate(sources):  # the same text: the same card (its own topic first)
            options = [c for c in by_text.get(_norm(s.text), []) if c.id in free]
            if options:
                best = min(options, key=lambda c: (c.topic != s.topic, not c.active, c.id))
                matched[i] = free.pop(best.id)
        pairs = []
        for i, s in enumerate(sources):
            if i in matched:
                continue
            for c in free.values():
                score = fuzz.ratio(_norm(s.text), _norm(c.text))
                if score >= (SAME_TOPIC_SIMILARITY if c.topic == s.topic else SIMILARITY):
                    pairs.append((-score, c.topic != s.topic, i, c.id))
        for _, _, i, cid in sorted(pairs):  # best pairs first, each side used once
            if i not in matched and cid in free:
                matched[i] = free.pop(cid)
        counts = {"new": 0, "kept": 0, "reworded": 0, "retired": 0}
        with self.db:
            for i, s in enumerate(sources):
                c = matched.get(i)
                if c is None:
                    self._insert(s, now)
                    counts["new"] += 1
                    continue
                if (c.topic, c.text, c.file, c.line, c.active) != (s.topic, s.text, s.file, s.line, True):
                    self.db.execute(
                        "UPDATE review_cards SET topic=?, text=?, file=?, line=?, active=1 WHERE id=?",
                        (s.topic, s.text, s.file, s.line, c.id),
                    )
                counts["reworded" if _norm(c.text) != _norm(s.text) else "kept"] += 1
            for c in free.values():
                if c.active:
                    self.db.execute("UPDATE review_cards SET active=0 WHERE id=?", (c.id,))
                    counts["retired"] += 1
        return counts

    def _insert(self, s: CardSource, now: dt.datetime | None) -> None:
        cur = self.db.execute(
            "INSERT INTO review_cards(topic, text, file, line, active, card, created) VALUES(?,?,?,?,1,'{}',?)",
            (s.topic, s.text, s.file, s.line, _now(now).timestamp()),
        )
        card = Card(card_id=cur.lastrowid, due=_now(now))
        self.db.execute("UPDATE review_cards SET card=? WHERE id=?", (json.dumps(card.to_dict()), cur.lastrowid))

    def grade(self, card_id: int, rating: str | Rating, now: dt.datetime | None = None, answer: str = "") -> ReviewCard:
        """Review one card with FSRS and keep the log (with the learner's own answer, if they wrote one)."""
        found = self.card(card_id)
        if found is None:
            raise KeyError(card_id)
        rating = RATINGS[rating] if isinstance(rating, str) else rating
        card, log = self.scheduler.review_card(found.card, rating, review_datetime=_now(now))
        with self.db:
            self.db.execute("UPDATE review_cards SET card=? WHERE id=?", (json.dumps(card.to_dict()), card_id))
            self.db.execute(
                "INSERT INTO review_logs(card_id, rating, reviewed, duration, answer) VALUES(?,?,?,?,?)",
                (card_id, int(log.rating), log.review_datetime.isoformat(), log.review_duration, answer),
            )
        return self.card(card_id)


def reviewed_topics(meta) -> tuple[set[str], set[str]]:
    """(done, learning) topics from their cards' reviews; see the module docstring for the rule."""
    by_topic: dict[str, list[ReviewCard]] = {}
    for c in ReviewStore(meta).cards():
        if c.topic:
            by_topic.setdefault(c.topic, []).append(c)
    done, learning = set(), set()
    for topic, cards in by_topic.items():
        if all(c.card.state == State.Review and (c.card.stability or 0) >= MATURE_DAYS for c in cards):
            done.add(topic)
        elif any(c.reviews for c in cards):
            learning.add(topic)
    return done, learning
