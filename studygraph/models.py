"""Domain objects shared by every stage: plain, typed dataclasses, no behaviour beyond small helpers.

Data flow: a file is parsed into `Mention`s (one per occurrence of a resource in a roadmap) and
`Question`s; ingest merges mentions with the same normalised URL into one `Resource` that remembers
every `Source`; resources are cut into `Chunk`s for retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Resource kinds, in the words the UI shows.
KINDS = ("paper", "video", "course", "code", "book", "article", "docs", "dataset", "website")

# Learner status for a topic or a resource; "todo" is the absence of a mark.
STATUSES = ("done", "learning", "skipped", "todo")

# Progress is kept per item: a resource by its id, a topic under this prefix (the two share one table).
TOPIC_PREFIX = "topic:"


def topic_key(topic_id: str) -> str:
    """The progress key of a topic."""
    return TOPIC_PREFIX + topic_id


def topic_marks(progress: dict[str, str]) -> dict[str, str]:
    """{topic id: status} for the topic keys of a progress table (resource keys left out)."""
    return {k.removeprefix(TOPIC_PREFIX): v for k, v in progress.items() if k.startswith(TOPIC_PREFIX)}


@dataclass(frozen=True)
class Source:
    """Where a resource was seen: a file (relative to its corpus root), a 1-based line, its heading path."""

    file: str
    line: int
    heading: str  # heading path joined with " > ", "" at the top of a file


@dataclass
class Mention:
    """One occurrence of a resource in a document, before merging across files."""

    url: str | None  # normalised URL; None for a book/chapter without a link
    title: str  # a human title: never a bare generic word like "材料" or "Github"
    kind: str  # one of KINDS
    context: str  # the text of the line/list item around the link, markdown stripped
    headings: tuple[str, ...]  # heading path, outermost first
    line: int
    done: bool = False  # DONE[...] or a checked task box
    raw_url: str | None = None  # the URL as written, for error messages and debugging
    named: bool = (
        True  # False when the title is made up (generic anchor like 材料, a bare URL): a page title may replace it
    )
    minutes: float | None = None  # its length as the roadmap gives it (a table's 时长/Duration cell)


@dataclass
class Question:
    """An interview question or exercise item, attached to its section (later to topics)."""

    text: str
    headings: tuple[str, ...]
    line: int
    kind: str = "interview"  # "interview" or "exercise"
    context: str = ""  # its sub-items (notes, sub-questions' answers), one per line


@dataclass
class SyllabusItem:
    """An entry of an ordered syllabus (numbered list or 'Chapter NN' items): its order is knowledge."""

    text: str
    position: int  # 1-based position within its syllabus
    line: int
    headings: tuple[str, ...]


@dataclass
class ParseError:
    file: str
    line: int | None
    message: str


@dataclass
class ParsedDoc:
    """Everything one markdown or PDF file contributes to the library."""

    path: str
    title: str = ""  # front matter title or first heading
    mentions: list[Mention] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    syllabi: list[list[SyllabusItem]] = field(default_factory=list)  # each inner list is one ordered syllabus
    sections: list[tuple[tuple[str, ...], int]] = field(default_factory=list)  # (heading path, line) in order
    text_chunks: list[tuple[str, int]] = field(default_factory=list)  # (free text, line) for papers
    errors: list[ParseError] = field(default_factory=list)


@dataclass
class Resource:
    id: str
    url: str | None
    title: str
    kind: str
    sources: list[Source] = field(default_factory=list)
    context: str = ""
    done: bool = False
    topics: list[str] = field(default_factory=list)
    minutes: float | None = None  # length from a roadmap (a video's 1:12:16), used by plan estimates


@dataclass(frozen=True)
class Chunk:
    id: str  # content-addressed: the same text for the same resource gives the same id
    resource_id: str
    text: str


GLOSS_PREFIX = "g"  # a gloss chunk's id begins so; a card's and a text window's with "c"


def is_gloss(chunk_id: str) -> bool:
    """Whether a chunk is a resource's gloss (ingest/library.py: what its topics mean, not its own words): it is
    searched like any chunk, but never shown or quoted as the resource's text."""
    return chunk_id.startswith(GLOSS_PREFIX)


AREA_NAMES = {  # catalogue area -> (English, Chinese)
    "math": ("Mathematics", "数学"),
    "programming": ("Programming", "编程"),
    "learning": ("How to study", "学习方法"),
    "ml": ("Machine learning", "机器学习"),
    "dl": ("Deep learning", "深度学习"),
    "nlp": ("NLP", "自然语言处理"),
    "transformers": ("Transformers", "Transformer"),
    "generative": ("Generative models", "生成模型"),
    "llm-models": ("LLM families", "大模型家族"),
    "llm-training": ("LLM training", "大模型训练"),
    "alignment": ("Alignment", "对齐"),
    "applications": ("Applications", "应用"),
    "learned": ("Learned from your roadmaps", "从路线图学到"),
}

# What a learner can say they know that means a whole area, not one topic: "deep learning" is every
# deep-learning topic (the Path page's "I already know" chips), though the resolver alone reads it as
# an alias of Neural networks. Only these: "transformers" or "对齐" name a topic as much as an area.
AREA_PRESETS = {
    "maths & python": ("math", "programming"),
    "数学和 python": ("math", "programming"),
    "mathematics": ("math",),
    "数学": ("math",),
    "machine learning": ("ml",),
    "机器学习": ("ml",),
    "deep learning": ("dl",),
    "深度学习": ("dl",),
}


def areas_in(text: str) -> tuple[str, ...]:
    """The areas a sentence names as a whole ("我已经学过深度学习了", "I know machine learning"), in AREA_PRESETS'
    order; English names only as whole words."""
    folded = " ".join(text.split()).casefold()
    found: list[str] = []
    for name, areas in AREA_PRESETS.items():
        hit = re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded) if name.isascii() else name in folded
        found += [a for a in areas if hit and a not in found]
    return tuple(found)
