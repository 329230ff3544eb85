"""What `Library` returns: one typed dataclass per operation, whose `to_dict()` is the `--json` contract of
the CLI command of the same name and the result of the MCP tool (the plan and next payloads are the ones
`ask` answers with, assistant/payloads.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from studygraph.assistant.payloads import (
    FoundResource,
    NextItem,
    NextPayload,
    PlanPayload,
    ResourceRef,
    TopicRef,
    _Plain,
)

__all__ = [
    "AskResult",
    "Citation",
    "Conversation",
    "ConversationInfo",
    "Edge",
    "FoundResource",
    "GradeResult",
    "GraphResult",
    "IngestResult",
    "LearnerStatus",
    "LibraryFile",
    "LibraryRow",
    "MarkResult",
    "Named",
    "NextItem",
    "NextPayload",
    "NextResult",
    "PlanResult",
    "RemoveResult",
    "ResolveResult",
    "ResourceRef",
    "ReviewList",
    "SearchHit",
    "SearchResult",
    "Stats",
    "TopicRef",
    "UploadLimits",
    "Turn",
    "WhyResult",
]


@dataclass
class Named(_Plain):
    id: str
    name: str


@dataclass
class ResolveResult(_Plain):
    query: str
    id: str | None
    name: str | None
    score: float
    how: str  # exact | alias | fuzzy | partial | learned | none
    confident: bool
    learned: bool
    description: str
    description_zh: str
    closest: list[Named]
    corrected: dict | None = None  # the typos corrected to find it (graph/typos.py Corrected.to_dict), else None


@dataclass
class LearnerStatus(_Plain):
    """What the learner knows, from every source at once: topics named (or a whole area named), topics
    marked done/skipped, finished resources, mature review cards. `done` and `learning` never overlap."""

    done: list[str]
    learning: list[str]
    skipped: list[str] = field(default_factory=list)  # marked skipped by the learner (also in `done`)
    corrected: list[dict] = field(default_factory=list)  # the typos corrected in the names given (graph/typos.py)

    def status(self) -> dict[str, str]:
        """{topic: done | learning | skipped} for drawing: known wins over learning, a skip shows as one."""
        out = {**dict.fromkeys(self.learning, "learning"), **dict.fromkeys(self.done, "done")}
        out.update(dict.fromkeys(self.skipped, "skipped"))
        return out


@dataclass
class PlanResult(PlanPayload):
    """A plan (the payload `ask` answers with); `weeks` only when asked for hours per week."""

    weeks: list[dict] | None = None
    hours_per_week: float | None = None
    ics: str | None = None
    corrected: dict | None = None  # the goal's typos corrected ("RHLF" -> "RLHF"), else None
    known_corrected: list[dict] = field(default_factory=list)  # the typos corrected in the known names given

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.weeks is None:
            for key in ("weeks", "hours_per_week", "ics"):
                out.pop(key)
        return out


@dataclass
class NextResult(NextPayload):
    """What to learn next (the payload `ask` answers with), and the typos corrected in the known names given."""

    corrected: list[dict] = field(default_factory=list)  # graph/typos.py Corrected.to_dict, one per name corrected


@dataclass
class Edge(_Plain):
    source: str
    target: str
    weight: float
    kind: str  # curated | curated-order (taught earlier, a tie-break only) | learned | learned-topic
    evidence: list[str]


@dataclass
class WhyResult(_Plain):
    source: str
    target: str
    path: list[str]
    edges: list[Edge]
    reverse: bool  # no path, but the target is a prerequisite of the source
    # The path is one of prerequisites (what a plan follows); False: only weaker edges join them (one source's
    # chapter order), an order no plan enforces.
    required: bool = True
    corrected: list[dict] = field(default_factory=list)  # the typos corrected in the two names (graph/typos.py)

    def to_dict(self) -> dict:  # `why --json`: the path and its edges (the ids asked about are in the path)
        out = super().to_dict()
        del out["source"], out["target"]
        return out


@dataclass
class GraphResult(_Plain):
    nodes: list[dict]  # Topic.to_dict(), both descriptions included
    edges: list[Edge]


@dataclass
class MarkResult(_Plain):
    marked: list[str]  # progress keys: topic:<id> or a resource id
    status: str
    corrected: list[dict] = field(default_factory=list)  # the typos corrected in the topic names (graph/typos.py)


@dataclass
class SourceRef(_Plain):
    file: str
    line: int
    heading: str


@dataclass
class LibraryRow(_Plain):
    id: str
    title: str
    url: str | None
    kind: str
    topics: list[str]
    sources: list[SourceRef]
    status: str  # done | learning | skipped | todo | quarantined
    quarantined: bool


@dataclass
class Stats(_Plain):
    files: int
    resources: int
    chunks: int
    questions: int
    done: int
    quarantined: int
    topics: int
    edges: int
    curated_edges: int
    learned_topics: int
    data_dir: str


@dataclass
class SearchHit(_Plain):
    id: str
    title: str
    url: str | None
    kind: str
    score: float
    topics: list[str]
    source: str  # "file.md:12": where the resource was first seen
    snippet: str
    matched: bool = True  # some evidence ties it to the query (assistant/retrieval.py Evidence); else only nearest


@dataclass
class SearchResult(_Plain):
    """`Library.search`: the hits, best first, with what was corrected in the query to search it. It reads as
    its list of hits (iterate, index, len, truth), so code written when search returned the list still works."""

    query: str  # as asked
    results: list[SearchHit]
    corrected: dict | None = None  # the query's typos corrected (graph/typos.py Corrected.to_dict), else None
    warning: str | None = None  # what the search could not use (the vector store missing, short or unavailable)

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, index):
        return self.results[index]


@dataclass
class Citation(_Plain):
    title: str
    url: str
    kind: str


@dataclass
class AskResult(_Plain):
    answer: str  # prose (if any) + the deterministic answer
    prose: str  # the model's part alone, "" without a model
    citations: list[Citation]
    intent: str
    model: str
    structured: dict
    warning: str | None = None
    corrected: dict | None = None  # the question's typos corrected (graph/typos.py Corrected.to_dict), else None

    @classmethod
    def of(cls, answer, warning: str | None = None) -> AskResult:
        """From an assistant Answer once its stream is spent."""
        cites = [Citation(c.title, c.url, c.kind) for c in answer.citations]
        fixed = answer.corrected.to_dict() if answer.corrected else None
        return cls(answer.text, answer.prose, cites, answer.intent, answer.model, answer.structured, warning, fixed)


@dataclass
class IngestResult(_Plain):
    report: Any  # ingest.pipeline.IngestReport
    held_back: list[str]  # "file:line" of each quarantined link

    @property
    def errors(self) -> list[dict]:
        return self.report.errors

    def to_dict(self) -> dict:
        return {**self.report.to_json(), "quarantined": len(self.held_back)}


# -- files: what an upload may be, the library's files, removing one (Library.files / remove) ---------
@dataclass
class UploadLimits(_Plain):
    """What ingest reads, so what the app's uploader accepts: file name endings and each one's size limit."""

    suffixes: list[str]  # ".md", ".pdf", ...
    max_mb: dict[str, int]  # suffix -> the largest file ingest reads, in MB (Streamlit's unit, 2**20 bytes)

    @property
    def largest_mb(self) -> int:
        return max(self.max_mb.values())


@dataclass
class LibraryFile(_Plain):
    file: str  # as sources name it (corpus/roadmap.md)
    path: str
    kind: str  # markdown | pdf
    resources: int  # resources it lists
    ingested: bool  # False: it lies in the upload corpus, but ingest refused it (`problem`) or has not run yet
    uploaded: bool  # in the data dir's upload corpus: removing it deletes that copy
    returns_with: str | None  # the corpus folder holding it: removed, it comes back with that folder's next ingest
    problem: str | None = None  # why ingest refuses it


@dataclass
class RemoveResult(_Plain):
    """`studygraph remove --json`: what went with the file (ingest/remove.py says what stays and why)."""

    file: str
    path: str
    in_library: bool  # False: a refused upload that only lay in the data dir, now deleted
    deleted_copy: bool  # the data dir's copy is deleted: no ingest brings it back
    returns_with: str | None  # the corpus folder that still holds it: the next ingest adds it again
    resources_removed: list[ResourceRef]  # resources this file alone listed (quarantined ones never: only counted)
    quarantined_removed: int  # held-back (prompt-injection) links that went with it
    resources_kept: int  # resources other files list too: they stay, without this file as a source
    chunks_removed: int
    learned_topics_removed: list[str]
    questions_removed: int
    marks_kept: list[str]  # progress on what is gone, kept: it counts again if the same link comes back
    vectors_written: int
    vectors_deleted: int
    seconds: float

    @classmethod
    def of(cls, report) -> RemoveResult:
        """From ingest/remove.py's RemovalReport."""
        data = report.to_json()
        data["resources_removed"] = [ResourceRef.of(r) for r in report.resources_removed]
        return cls(**data)


@dataclass
class ReviewList(_Plain):
    due: int
    new: int
    total: int
    next_due: str | None
    cards: list[dict]  # ReviewCard.to_dict() with topic_name and topic_zh


@dataclass
class GradeResult(_Plain):
    card: dict
    rating: str


# -- conversations (store/conversations.py) -------------------------------------------------------------
@dataclass
class ConversationInfo(_Plain):
    id: str
    title: str
    created: str  # ISO 8601, UTC
    updated: str
    turns: int


@dataclass
class Turn(_Plain):
    """One message of a conversation. An answer's `status` says how it ended: done, pending (not yet, or
    its process died), interrupted (its stream was cut) or error (`content` is the error)."""

    id: int
    role: str  # user | assistant
    content: str
    status: str
    intent: str = ""
    model: str = ""
    citations: list[Citation] = field(default_factory=list)
    payload: Any = None  # the answer's typed payload (assistant/payloads.py), None for a question

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["payload_type"] = type(self.payload).__name__ if self.payload is not None else ""
        return out

    @property
    def finished(self) -> bool:
        return self.status in ("done", "error")


@dataclass
class Conversation(ConversationInfo):
    messages: list[Turn] = field(default_factory=list)

    def history(self, limit: int | None = None) -> list[dict]:
        """{role, content} of the turns that were asked and answered, the last `limit` of them: what
        `ask` routes a follow-up with ("why?", "那之后呢?")."""
        turns = [{"role": m.role, "content": m.content} for m in self.messages if m.status != "pending"]
        return turns[-limit:] if limit else turns
