"""What each intent's answer carries besides its text: one typed payload per intent.

The CLI prints `to_dict()` (the JSON contract of `ask --json` and `path --json`), the chat page renders the
fields, the engine asks `topic_ids()` which topics the prose may name. Nobody reads a payload by guessing keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from studygraph.models import Resource


@dataclass
class ResourceRef:
    id: str
    title: str
    url: str | None
    kind: str
    snippet: str = ""

    @classmethod
    def of(cls, r: Resource, snippet: str = "") -> ResourceRef:
        return cls(r.id, r.title, r.url, r.kind, snippet)

    def to_dict(self) -> dict:
        out = {"id": self.id, "title": self.title, "url": self.url, "kind": self.kind}
        if self.snippet:
            out["snippet"] = self.snippet
        return out


@dataclass
class FoundResource(ResourceRef):
    source: str = ""  # "file.md:12": where the resource was first seen
    score: float = 0.0

    def to_dict(self) -> dict:
        return {**super().to_dict(), "source": self.source, "score": self.score}


@dataclass
class TopicRef:
    id: str
    name: str
    zh: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "zh": self.zh}


def _dicts(items) -> list[dict]:
    return [item.to_dict() for item in items]


@dataclass
class PlanStep:
    id: str
    name: str
    zh: str
    hours: float
    why: str
    status: str
    resources: list[ResourceRef] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "zh": self.zh,
            "hours": self.hours,
            "why": self.why,
            "status": self.status,
            "resources": _dicts(self.resources),
        }


@dataclass
class PlanPayload:
    goal: TopicRef
    steps: list[PlanStep]
    hours: float
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, plan, resources_per_step: int | None = None) -> PlanPayload:
        """From a graph.plan.Plan; `resources_per_step` caps each step's resources (None: all)."""
        steps = [
            PlanStep(
                s.topic.id,
                s.topic.name,
                s.topic.zh,
                s.hours,
                s.why,
                s.status,
                [ResourceRef.of(r) for r in s.resources[:resources_per_step]],
            )
            for s in plan.steps
        ]
        return cls(TopicRef(plan.goal.id, plan.goal.name, plan.goal.zh), steps, plan.hours, list(plan.skipped))

    def topic_ids(self) -> set[str]:
        return {self.goal.id, *(s.id for s in self.steps), *self.skipped}

    def to_dict(self) -> dict:
        return {
            "goal": self.goal.to_dict(),
            "steps": _dicts(self.steps),
            "hours": self.hours,
            "skipped": self.skipped,
            "topics": [s.id for s in self.steps],
        }


@dataclass
class NextItem:
    id: str
    name: str
    zh: str
    score: float
    why: str
    resources: list[ResourceRef] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "zh": self.zh,
            "score": self.score,
            "why": self.why,
            "resources": _dicts(self.resources),
        }


@dataclass
class NextPayload:
    topics: list[NextItem]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}

    def to_dict(self) -> dict:
        return {"topics": _dicts(self.topics)}


@dataclass
class FindPayload:
    resources: list[FoundResource]
    topics: list[str] = field(default_factory=list)  # the topics the question named
    kind: str | None = None  # the kind it asked for

    def topic_ids(self) -> set[str]:
        return set(self.topics)

    def to_dict(self) -> dict:
        return {"resources": _dicts(self.resources), "topics": self.topics, "kind": self.kind}


@dataclass
class TopicCard(TopicRef):
    description: str = ""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "description": self.description}


@dataclass
class ExplainPayload:
    topic: TopicCard
    prerequisites: list[str]
    leads_to: list[str]
    resources: list[ResourceRef]

    def topic_ids(self) -> set[str]:
        return {self.topic.id, *self.prerequisites, *self.leads_to}

    def to_dict(self) -> dict:
        return {
            "topic": self.topic.to_dict(),
            "prerequisites": self.prerequisites,
            "leads_to": self.leads_to,
            "resources": _dicts(self.resources),
        }


@dataclass
class QuizQuestion:
    text: str
    source: str  # "file.md:12"

    def to_dict(self) -> dict:
        return {"text": self.text, "source": self.source}


@dataclass
class QuizPayload:
    questions: list[QuizQuestion]
    topics: list[TopicRef]
    resources: list[ResourceRef]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}

    def to_dict(self) -> dict:
        return {"questions": _dicts(self.questions), "topics": _dicts(self.topics), "resources": _dicts(self.resources)}


@dataclass
class Confirm:
    """Progress the learner is asked to confirm: topic keys (models.topic_key) and resource ids."""

    items: list[str]
    status: str = "done"

    def to_dict(self) -> dict:
        return {"items": self.items, "status": self.status}


@dataclass
class ProgressPayload:
    confirm: Confirm
    topics: list[TopicRef]
    resources: list[ResourceRef]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}

    def to_dict(self) -> dict:
        return {"confirm": self.confirm.to_dict(), "topics": _dicts(self.topics), "resources": _dicts(self.resources)}


@dataclass
class ChitchatPayload:
    def topic_ids(self) -> set[str]:
        return set()

    def to_dict(self) -> dict:
        return {}


Payload = Union[PlanPayload, NextPayload, FindPayload, ExplainPayload, QuizPayload, ProgressPayload, ChitchatPayload]
