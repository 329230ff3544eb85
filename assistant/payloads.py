"""What each intent's answer carries besides its text: one typed payload per intent.

The CLI prints `to_dict()` (the JSON contract of `ask --json` and `path --json`), the chat page renders the
fields, the engine asks `topic_ids()` which topics the prose may name. Nobody reads a payload by guessing keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from types import UnionType
from typing import Union, get_args, get_origin, get_type_hints

from studygraph.models import Resource


def _plain(value):
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Plain:
    """`to_dict()`: the dataclass's fields in order, nested payloads (and lists of them) as dicts too."""

    def to_dict(self) -> dict:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


@dataclass
class ResourceRef(_Plain):
    id: str
    title: str
    url: str | None
    kind: str
    snippet: str = ""  # left out of the dict when empty

    @classmethod
    def of(cls, r: Resource, snippet: str = "") -> ResourceRef:
        return cls(r.id, r.title, r.url, r.kind, snippet)

    def to_dict(self) -> dict:
        out = super().to_dict()
        if not self.snippet:
            del out["snippet"]
        return out


@dataclass
class FoundResource(ResourceRef):
    source: str = ""  # "file.md:12": where the resource was first seen
    score: float = 0.0
    level: str = ""  # the catalogue level of the topic it is found for (foundation … advanced); "" unknown

    @classmethod
    def of(cls, result) -> FoundResource:
        """From a retrieval.SearchResult: the resource, its best snippet, where it was seen, its score."""
        r = result.resource
        return cls(r.id, r.title, r.url, r.kind, result.snippet, result.source, round(result.score, 4))


@dataclass
class TopicRef(_Plain):
    id: str
    name: str
    zh: str = ""
    learned: bool = False  # learned from a roadmap section, not curated (graph/learned.py)

    @classmethod
    def of(cls, topic) -> TopicRef:
        return cls(topic.id, topic.name, topic.zh, topic.learned)


@dataclass
class PlanStep(_Plain):
    id: str
    name: str
    zh: str
    hours: float
    why: str
    status: str
    resources: list[ResourceRef] = field(default_factory=list)
    learned: bool = False
    evidence: list[str] = field(default_factory=list)  # a learned topic's: where it was seen, why its prerequisites


@dataclass
class PlanRate(_Plain):
    hours_per_week: float
    weeks: int  # weeks the plan's hours left take at that rate (graph/schedule.py fills them)


@dataclass
class PlanWeek(_Plain):
    number: int
    start: str  # ISO date
    hours: float
    topics: list[str]  # topic ids, in plan order (a step split across weeks is in each of them)


@dataclass
class PlanTime(_Plain):
    """The plan in the learner's time: at their rate ("5 hours a week"), at the rate a deadline needs ("in 3
    months"), or at two usual rates when only "how long?" was asked. `first_weeks` for one rate only."""

    hours_left: float  # the hours of the steps not done yet
    rates: list[PlanRate]
    deadline_weeks: float | None = None
    given: bool = False  # the rate is the learner's own, not worked out from a deadline or offered as an example
    ends: str = ""  # ISO date: the last day of the last week at the (one) rate
    first_weeks: list[PlanWeek] = field(default_factory=list)


@dataclass
class PlanPayload(_Plain):
    goal: TopicRef
    steps: list[PlanStep]
    hours: float
    skipped: list[str] = field(default_factory=list)
    time: PlanTime | None = None  # only when the question said something of time

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
                s.topic.learned,
                list(s.topic.evidence),
            )
            for s in plan.steps
        ]
        return cls(TopicRef.of(plan.goal), steps, plan.hours, list(plan.skipped))

    def topic_ids(self) -> set[str]:
        return {self.goal.id, *(s.id for s in self.steps), *self.skipped}

    def to_dict(self) -> dict:
        out = {**super().to_dict(), "topics": [s.id for s in self.steps]}
        if self.time is None:
            del out["time"]
        return out


@dataclass
class NextItem(_Plain):
    id: str
    name: str
    zh: str
    score: float
    why: str
    resources: list[ResourceRef] = field(default_factory=list)
    learned: bool = False


@dataclass
class NextPayload(_Plain):
    topics: list[NextItem]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}


@dataclass
class FindPayload(_Plain):
    resources: list[FoundResource]
    topics: list[str] = field(default_factory=list)  # the topics the question named
    kind: str | None = None  # the kind it asked for
    absent: list[TopicRef] = field(default_factory=list)  # the named subjects no listed resource is about

    def topic_ids(self) -> set[str]:
        return set(self.topics)


@dataclass
class TopicCard(TopicRef):
    description: str = ""
    description_zh: str = ""
    evidence: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, topic) -> TopicCard:
        return cls(
            topic.id, topic.name, topic.zh, topic.learned, topic.description, topic.description_zh, list(topic.evidence)
        )


@dataclass
class ExplainPayload(_Plain):
    topic: TopicCard
    prerequisites: list[str]
    leads_to: list[str]
    resources: list[ResourceRef]
    missing: str | None = None  # the subject asked about, when the map lacks it: `topic` is only the closest

    def topic_ids(self) -> set[str]:
        return {self.topic.id, *self.prerequisites, *self.leads_to}


@dataclass
class CoveringResource(ResourceRef):
    covers: list[str] = field(default_factory=list)  # which of the compared topics it is about


@dataclass
class ComparePayload(_Plain):
    """Topics set side by side ("BERT 和 GPT 的区别", "LoRA vs QLoRA"): each one's card, how they stand in the graph
    (graph/compare.py) and resources, those on all of them first. `known` and `learning`: which of them the
    learner knows (marked, or implied by a later topic marked) or is learning."""

    topics: list[TopicCard]
    chains: list[list[str]]
    shared: list[str]
    only: dict[str, list[str]]
    resources: list[CoveringResource]
    known: list[str] = field(default_factory=list)
    learning: list[str] = field(default_factory=list)

    def topic_ids(self) -> set[str]:
        ids = {t.id for t in self.topics} | set(self.shared) | {t for chain in self.chains for t in chain}
        return ids.union(*self.only.values())


@dataclass
class OrderPayload(ComparePayload):
    """Which of the topics asked about comes first ("BERT or GPT first?", "学 QLoRA 需要先学 LoRA 吗"): the
    comparison's chains, shared and own prerequisites, with the order they give. `sequence`: the topics in an order
    to learn them (each after those it builds on; unrelated ones by how much is left before them); `first`: the one
    to start with, None where nothing sets one before the other; `left`: per topic, how many of its prerequisites
    the learner has not learned; `edges`: the chains' edges with their evidence."""

    sequence: list[str] = field(default_factory=list)
    first: str | None = None
    left: dict[str, int] = field(default_factory=dict)
    edges: list[EdgeRef] = field(default_factory=list)


@dataclass
class QuizQuestion(_Plain):
    text: str
    source: str  # "file.md:12"


@dataclass
class QuizPayload(_Plain):
    questions: list[QuizQuestion]
    topics: list[TopicRef]
    resources: list[ResourceRef]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}


@dataclass
class Confirm(_Plain):
    """Progress the learner is asked to confirm: topic keys (models.topic_key) and resource ids."""

    items: list[str]
    status: str = "done"


@dataclass
class ProgressPayload(_Plain):
    confirm: Confirm
    topics: list[TopicRef]
    resources: list[ResourceRef]

    def topic_ids(self) -> set[str]:
        return {t.id for t in self.topics}


@dataclass
class EdgeRef(_Plain):
    """One prerequisite edge of the topic graph and why it is there (graph.build.TopicGraph.edge_evidence)."""

    source: str
    target: str
    weight: float
    kind: str  # curated | learned | learned-topic
    evidence: list[str]


@dataclass
class WhyPayload(_Plain):
    """Why `step` is where a previous answer put it: the chain of edges from it to `target` (the plan's goal,
    or the known topic a next suggestion builds on), and for a next suggestion its ranking reasons."""

    step: TopicRef
    target: TopicRef
    path: list[TopicRef]
    edges: list[EdgeRef]
    reasons: str = ""  # a next suggestion's "builds directly on ...; unlocks 4 later topics", in the answer's language
    # The chain is one of prerequisites (what a plan follows); False: only weaker edges (one roadmap's chapter
    # order) join the two, an order no plan enforces.
    required: bool = True

    def topic_ids(self) -> set[str]:
        return {self.step.id, self.target.id, *(t.id for t in self.path)}


@dataclass
class ReportPayload(_Plain):
    """Where the learner stands ("how am I doing so far?", "我的学习进度怎么样"): what is marked done, what is being
    learned, and the first suggestions of what to learn next. About topics ("how far am I with LoRA?"): only
    them and what they build on, and what is still to learn before them instead of suggestions."""

    done: list[TopicRef]
    learning: list[TopicRef]
    next: list[TopicRef]
    about: list[TopicRef] = field(default_factory=list)  # the topics asked about, if any
    left: list[TopicRef] = field(default_factory=list)  # still to learn on the way to them, in plan order
    builds_on: int = 0  # how many topics they build on (the prerequisites' closure)

    def topic_ids(self) -> set[str]:
        return {t.id for t in (*self.done, *self.learning, *self.next, *self.about, *self.left)}


@dataclass
class ChitchatPayload(_Plain):
    def topic_ids(self) -> set[str]:
        return set()


Payload = Union[
    PlanPayload,
    NextPayload,
    FindPayload,
    ExplainPayload,
    ComparePayload,
    OrderPayload,
    QuizPayload,
    ProgressPayload,
    ReportPayload,
    WhyPayload,
    ChitchatPayload,
]


# -- back from JSON (a saved conversation's answers are drawn again from their payload) -------------------
PAYLOAD_TYPES: dict[str, type] = {cls.__name__: cls for cls in get_args(Payload)}


def _from_plain(tp, value):
    if value is None:
        return None
    origin = get_origin(tp)
    if origin is list:
        (item,) = get_args(tp)
        return [_from_plain(item, v) for v in value]
    if origin in (Union, UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return _from_plain(options[0], value) if len(options) == 1 else value
    if is_dataclass(tp):
        hints = get_type_hints(tp)
        return tp(**{f.name: _from_plain(hints[f.name], value[f.name]) for f in fields(tp) if f.name in value})
    return value


def payload_from_dict(type_name: str, data: dict | None) -> Payload | None:
    """The typed payload `to_dict()` was made from (keys it adds, such as a plan's "topics", are left
    out); None for an unknown type name or no data."""
    cls = PAYLOAD_TYPES.get(type_name)
    return _from_plain(cls, data) if cls is not None and data is not None else None
