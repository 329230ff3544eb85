"""The curated topic catalogue: bilingual names, aliases and prerequisite edges, kept as TOML cards.

The cards live in `corpus/topics/*.toml`, one `[[topic]]` table per topic:

    [[topic]]
    id = "self-attention"            # stable, lowercase, hyphenated
    name = "Self-attention"
    zh = "自注意力"
    aliases = ["scaled dot-product attention", "QKV"]
    everyday = []                    # names that are also everyday English words (see below)
    level = "intermediate"           # foundation | basic | intermediate | advanced | meta
    area = "transformers"
    description = "..."
    description_zh = "..."           # the same in Chinese, written by us (never a model's translation)
    prereqs = [
      { id = "attention", why = "..." },                   # needed: `why` names what this topic uses from it
      { id = "rnn", why = "...", order = true },          # taught earlier, not needed: an order edge
    ]

A prerequisite is needed: its `why` names what the later topic uses from the earlier one, and plans add it.
An `order = true` edge only says courses teach it earlier (or a disputed order we decided, with the reason):
plans use it to break ties between steps, never to add a topic to a plan.

`everyday` lists the names and aliases that are also ordinary English words ("ZeRO" spells "zero", "Basic",
"roadmap"), so that free text does not name the topic by accident ("from zero to transformers"): one spelt
distinctively (a capital after its first letter: "ZeRO", "HMM", "ReAct") is matched only as written (or
in a Chinese question, where an English word is a name); a plain word ("roadmap", "accuracy") names its
topic only when the text names no other (graph/matcher.py).

Loading validates the whole catalogue at once (unknown prerequisite ids, duplicate ids, cycles) and
names the file of every problem, because a broken catalogue would silently produce wrong plans.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from studygraph.config import DEFAULT_CORPUS
from studygraph.errors import CatalogueError
from studygraph.graph.names import DEFAULT_NAMES

if TYPE_CHECKING:
    from studygraph.graph.learned import LearnedTopics

DEFAULT_TOPICS_DIR = DEFAULT_CORPUS / "topics"
LEVELS = ("foundation", "basic", "intermediate", "advanced", "meta")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    zh: str = ""
    aliases: tuple[str, ...] = ()
    level: str = "basic"
    area: str = ""
    description: str = ""
    description_zh: str = ""
    file: str = ""
    learned: bool = False  # not curated: a roadmap section on a subject the map lacks (graph/learned.py)
    evidence: tuple[str, ...] = ()  # for a learned topic: where it was seen and why it has its prerequisites
    everyday: tuple[str, ...] = ()  # names that are also everyday English words (module docstring)

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" and self.zh else self.name

    def describe(self, lang: str = "en") -> str:
        """The description in `lang`; the English one where there is no Chinese one ("" for a learned topic)."""
        return self.description_zh if lang == "zh" and self.description_zh else self.description

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "name": self.name,
            "zh": self.zh,
            "aliases": list(self.aliases),
            "everyday": list(self.everyday),
            "level": self.level,
            "area": self.area,
            "description": self.description,
            "description_zh": self.description_zh,
            "learned": self.learned,
        }
        if self.learned:
            out["evidence"] = list(self.evidence)
        return out


def both_names(topic) -> str:
    """ "name / zh", or just the name where there is one (a Topic, or anything with `name` and `zh`)."""
    zh = getattr(topic, "zh", "") or ""
    return f"{topic.name} / {zh}" if zh and zh != topic.name else topic.name


@dataclass(frozen=True)
class Prereq:
    source: str  # learn this first
    target: str
    reason: str
    file: str
    order: bool = False  # a weak edge: "taught earlier", a tie-break for plans, never a requirement


@dataclass
class Catalogue:
    topics: dict[str, Topic]
    prereqs: list[Prereq]
    digest: str
    areas: dict[str, list[str]] = field(default_factory=dict)
    learned: LearnedTopics | None = None  # set once the library's learned topics are added (library_catalogue)
    # Who and where learners name, in both languages (graph/names.py, read when a gloss is first made); its
    # bytes are in `digest`, so editing it rebuilds the library's chunks as a topic change does.
    names_file: Path | None = None
    names_digest: str = ""

    def __contains__(self, topic_id: str) -> bool:
        return topic_id in self.topics


def _topic_from(table: dict, file: str) -> tuple[Topic, list[dict]]:
    try:
        topic_id = table["id"]
        name = table["name"]
    except KeyError as missing:
        raise CatalogueError(f"{file}: topic {table.get('id', '?')!r} has no {missing.args[0]!r}") from None
    if not _ID.match(topic_id):
        raise CatalogueError(f"{file}: topic id {topic_id!r} must be lowercase words joined by hyphens")
    level = table.get("level", "basic")
    if level not in LEVELS:
        raise CatalogueError(f"{file}: topic {topic_id!r} has level {level!r}, expected one of {', '.join(LEVELS)}")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CatalogueError(f"{file}: topic {topic_id!r} aliases must be a list of strings")
    everyday = table.get("everyday", [])
    if not isinstance(everyday, list) or not all(isinstance(a, str) for a in everyday):
        raise CatalogueError(f"{file}: topic {topic_id!r} everyday must be a list of strings")
    names = {topic_id, *aliases, *(part.strip() for n in (name, *aliases) for part in re.split(r"[(（)）]", n))}
    unknown = [w for w in everyday if w not in names]
    if unknown:
        raise CatalogueError(f"{file}: topic {topic_id!r} lists everyday words that are not its names: {unknown}")
    for key in ("description", "description_zh"):
        if not isinstance(table.get(key, ""), str):
            raise CatalogueError(f"{file}: topic {topic_id!r} {key} must be a string")
    topic = Topic(
        id=topic_id,
        name=name,
        zh=table.get("zh", ""),
        aliases=tuple(aliases),
        everyday=tuple(everyday),
        level=level,
        area=table.get("area", ""),
        description=table.get("description", "").strip(),
        description_zh=table.get("description_zh", "").strip(),
        file=file,
    )
    return topic, list(table.get("prereqs", []))


def _sources(directory: Path | str | None, names: Path | None) -> tuple[list[tuple[Path, bytes]], bytes | None]:
    """The catalogue's files with their bytes, and the name table's bytes (None: no table)."""
    directory = Path(directory) if directory else DEFAULT_TOPICS_DIR
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise CatalogueError(f"{directory}: no topic catalogue (*.toml) found")
    raw_names = None
    if names is not None:
        try:
            raw_names = Path(names).read_bytes()
        except OSError as exc:
            raise CatalogueError(f"{Path(names).name}: {exc.strerror or exc}") from None
    return [(path, path.read_bytes()) for path in files], raw_names


def _digest(files: list[tuple[Path, bytes]], raw_names: bytes | None) -> str:
    sha = hashlib.sha256()
    for path, raw in files:
        sha.update(path.name.encode() + b"\0" + raw)
    if raw_names is not None:
        sha.update(b"names\0" + raw_names)
    return sha.hexdigest()[:16]


def catalogue_digest(directory: Path | str | None = None, names: Path | None = DEFAULT_NAMES) -> str:
    """`load_catalogue(directory, names).digest` from the files' bytes alone (~1 ms; parsing them takes ~60
    ms): enough for an ingest to see that the catalogue its library was built from has not changed."""
    return _digest(*_sources(directory, names))


def load_catalogue(directory: Path | str | None = None, names: Path | None = DEFAULT_NAMES) -> Catalogue:
    """The cards in `directory` (corpus/topics by default), with the name table `names` (None: none)."""
    files, raw_names = _sources(directory, names)
    topics: dict[str, Topic] = {}
    pending: list[tuple[str, dict, str]] = []
    for path, raw in files:
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{path.name}: {exc}") from None
        for table in data.get("topic", []):
            topic, prereqs = _topic_from(table, path.name)
            if topic.id in topics:
                raise CatalogueError(f"{path.name}: topic {topic.id!r} is already defined in {topics[topic.id].file}")
            topics[topic.id] = topic
            pending.extend((topic.id, p, path.name) for p in prereqs)

    prereqs = []
    for target, entry, file in pending:
        source = entry.get("id") if isinstance(entry, dict) else None
        if source not in topics:
            raise CatalogueError(f"{file}: topic {target!r} lists unknown prerequisite {source!r}")
        if source == target:
            raise CatalogueError(f"{file}: topic {target!r} lists itself as a prerequisite")
        order = entry.get("order", False)
        if not isinstance(order, bool):
            raise CatalogueError(
                f"{file}: topic {target!r} prerequisite {source!r} has order = {order!r}, expected true or false"
            )
        prereqs.append(Prereq(source, target, entry.get("why", "").strip(), file, order))

    # Order edges count too: plans break ties by them, and a learned edge must not close a loop through one.
    g = nx.DiGraph((p.source, p.target) for p in prereqs)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        loop = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise CatalogueError(f"prerequisite cycle in the catalogue: {loop}")

    areas: dict[str, list[str]] = {}
    for topic in topics.values():
        areas.setdefault(topic.area, []).append(topic.id)
    names_digest = hashlib.sha256(raw_names).hexdigest()[:16] if raw_names is not None else ""
    digest = _digest(files, raw_names)
    return Catalogue(topics, prereqs, digest, areas, names_file=names, names_digest=names_digest)
