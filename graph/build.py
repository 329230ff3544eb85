"""The prerequisite graph: curated catalogue edges plus edges learned from the roadmaps, with evidence.

Edge source -> target means "learn source before target". Curated edges (weight 1.0) come from the
catalogue and always win. Learned edges come from the order of numbered syllabi (LLM101n, SLP3
chapters) and of sections inside a roadmap; each carries its file:line evidence and a weight that grows
with independent evidence. A learned edge that would close a cycle is dropped, heaviest edges first, so
contradicting roadmaps never crash anything. Plans follow only `strong` edges (curated, or learned with
enough evidence); the weaker ones explain, order and rank, but never add a topic to a plan.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import networkx as nx

from studygraph import quarantine
from studygraph.graph.catalogue import LEVELS, Catalogue
from studygraph.graph.learned import library_catalogue
from studygraph.graph.matcher import matcher_for
from studygraph.models import Resource
from studygraph.store.meta import MetaStore

SYLLABUS_WEIGHT = 0.5  # one numbered syllabus saying "A, then B"
SECTION_WEIGHT = 0.25  # one roadmap putting section A before section B
ORDER_WEIGHT = 0.5  # a curated `order = true` edge: taught earlier, not needed; plans only break ties by it
STRONG = 1.0  # what a plan follows: curated, or learned edges with several independent witnesses


class Closure:
    """Transitive closure of a DAG as Python ints used as bitsets: one pass in topological order each
    way, then "all ancestors of these 3,000 known topics" is 3,000 ORs instead of 3,000 graph walks."""

    def __init__(self, g: nx.DiGraph):
        self.nodes = list(nx.topological_sort(g))
        self.index = {n: i for i, n in enumerate(self.nodes)}
        self.ancestors = [0] * len(self.nodes)
        self.descendants = [0] * len(self.nodes)
        for n in self.nodes:
            i, bits = self.index[n], 0
            for p in g.predecessors(n):
                j = self.index[p]
                bits |= self.ancestors[j] | (1 << j)
            self.ancestors[i] = bits
        for n in reversed(self.nodes):
            i, bits = self.index[n], 0
            for s in g.successors(n):
                j = self.index[s]
                bits |= self.descendants[j] | (1 << j)
            self.descendants[i] = bits

    def ancestors_of(self, topics) -> int:
        bits = 0
        for t in topics:
            i = self.index.get(t)
            if i is not None:
                bits |= self.ancestors[i]
        return bits

    def bits_of(self, topics) -> int:
        """The topics themselves as a bitset (those outside the graph left out)."""
        bits = 0
        for t in topics:
            i = self.index.get(t)
            if i is not None:
                bits |= 1 << i
        return bits

    def ordered(self, bits: int) -> list[str]:
        """The members of `bits` in topological order. Reads the set bits off the binary string (C speed)
        rather than peeling them one by one, which costs a big-int operation per member."""
        digits, nodes, out = bin(bits)[:1:-1], self.nodes, []
        i = digits.find("1")
        while i >= 0:
            out.append(nodes[i])
            i = digits.find("1", i + 1)
        return out

    def members(self, bits: int) -> set[str]:
        return set(self.ordered(bits))

    def descendant_count(self, topic: str) -> int:
        return self.descendants[self.index[topic]].bit_count()


@dataclass
class TopicGraph:
    catalogue: Catalogue
    graph: nx.DiGraph
    resources_by_topic: dict[str, list[Resource]] = field(default_factory=dict)
    questions_by_topic: dict[str, list[dict]] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)

    @property
    def plan_graph(self) -> nx.DiGraph:
        """The subgraph of edges strong enough to make a topic a prerequisite in a plan."""
        if not hasattr(self, "_plan_graph"):
            strong = [(u, v) for u, v, w in self.graph.edges(data="weight") if w >= STRONG]
            g = nx.DiGraph()
            g.add_nodes_from(self.graph.nodes)
            g.add_edges_from(strong)
            self._plan_graph = g
        return self._plan_graph

    @cached_property
    def closure(self) -> "Closure":
        """Ancestor/descendant sets of the plan graph as bitsets, computed once per graph."""
        return Closure(self.plan_graph)

    @cached_property
    def order_depth(self) -> dict[str, int]:
        """For topics with curated order edges above them: the longest chain of such edges. A plan puts
        a lower one first among otherwise equal steps (the tie-break an order edge is for)."""
        order = nx.DiGraph((u, v) for u, v, k in self.graph.edges(data="kind") if k == "curated-order")
        depth: dict[str, int] = {}
        for t in nx.topological_sort(order):
            depth[t] = max((depth[p] + 1 for p in order.predecessors(t)), default=0)
        return {t: d for t, d in depth.items() if d}

    @cached_property
    def tie_rank(self) -> dict[str, int]:
        """Every topic's place in a plan's sibling order apart from depth, as one int: its level in the high
        bits, then its rank by (order depth, area, id). An int key keeps a 9k-step plan's sort and its
        garbage collector busy with nothing but ints."""
        topics, order_depth = self.catalogue.topics, self.order_depth
        tied = sorted(self.graph.nodes, key=lambda t: (order_depth.get(t, 0), topics[t].area, t))
        level = {name: i for i, name in enumerate(LEVELS)}
        return {t: (level.get(topics[t].level, len(LEVELS)) << 42) | i for i, t in enumerate(tied)}

    def edge_evidence(self, source: str, target: str) -> dict:
        data = self.graph.edges[source, target]
        return {
            "source": source,
            "target": target,
            "weight": round(data["weight"], 3),
            "kind": data["kind"],
            "evidence": data["evidence"],
        }


@cache
def code_digest() -> str:
    """A digest of the code a library's graph comes from (this package and the quarantine, which decides the
    resources it is given): with the library's version and the catalogue's digest it names one graph, so a
    count kept from it is still true while all three are (ingest's report). Reads ~15 small files: ~1 ms."""
    sources = sorted(Path(__file__).parent.glob("*.py")) + [Path(quarantine.__file__)]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


def build_graph(catalogue: Catalogue, meta: MetaStore | None = None) -> TopicGraph:
    """The graph of `catalogue`, and with a library (`meta`) its learned topics, edges and resources."""
    if meta is not None:
        catalogue = library_catalogue(catalogue, meta)
    g = nx.DiGraph()
    for topic in catalogue.topics.values():
        g.add_node(topic.id)
    for p in catalogue.prereqs:
        if p.order:
            evidence = [f"curated order ({p.file}): {p.reason}"]
            g.add_edge(p.source, p.target, weight=ORDER_WEIGHT, kind="curated-order", evidence=evidence)
        else:
            g.add_edge(p.source, p.target, weight=STRONG, kind="curated", evidence=[f"curated ({p.file}): {p.reason}"])
    tg = TopicGraph(catalogue, g)
    if meta is None:
        return tg
    _add_learned_topics(tg)
    _add_learned_edges(tg, meta)
    _attach_resources(tg, meta)
    return tg


def _add_learned_topics(tg: TopicGraph) -> None:
    """A learned topic's prerequisites are all the map knows of it, so plans follow them (weight 1.0); each
    says where in the library it comes from. One that would close a cycle (two roadmaps disagreeing) is left out."""
    learned = tg.catalogue.learned
    if learned is None:
        return
    g = tg.graph
    for source, target, evidence in learned.edges:
        if g.has_edge(source, target):
            g.edges[source, target]["evidence"].append(evidence)
        elif not nx.has_path(g, target, source):
            g.add_edge(source, target, weight=STRONG, kind="learned-topic", evidence=[evidence])


def _learned_candidates(catalogue: Catalogue, meta: MetaStore) -> dict[tuple[str, str], list[tuple[float, str]]]:
    matcher = matcher_for(catalogue)
    found: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)

    def topic_of(text: str) -> str | None:
        # The words before a parenthesis name the item ("Attention (attention, softmax, ...)").
        head = text.split("(")[0].split("（")[0]
        topics = matcher.topics(head) or matcher.topics(text)
        return topics[0] if topics else None

    syllabi: dict[tuple[str, int], list] = defaultdict(list)
    for row in meta.syllabi():
        syllabi[(row["file"], row["syllabus"])].append(row)
    for (file, _), items in syllabi.items():
        mapped = [(topic_of(r["text"]), r) for r in items]
        mapped = [(t, r) for t, r in mapped if t]
        for (a, ra), (b, rb) in zip(mapped, mapped[1:]):
            if a != b:
                found[(a, b)].append(
                    (
                        SYLLABUS_WEIGHT,
                        f"{file}:{ra['line']}-{rb['line']} syllabus order: {ra['text'][:60]} → {rb['text'][:60]}",
                    )
                )

    sections: dict[str, list] = defaultdict(list)
    for row in meta.sections():
        sections[row["file"]].append(row)
    for file, rows in sections.items():
        mapped = [(matcher.topics(r["heading"].split(" > ")[-1]), r) for r in rows]
        mapped = [(ts[0], r) for ts, r in mapped if ts]
        for (a, ra), (b, rb) in zip(mapped, mapped[1:]):
            same_parent = ra["heading"].rsplit(" > ", 1)[0] == rb["heading"].rsplit(" > ", 1)[0]
            if a != b and same_parent:
                found[(a, b)].append(
                    (
                        SECTION_WEIGHT,
                        f"{file}:{ra['line']}-{rb['line']} roadmap order: {ra['heading'].split(' > ')[-1]} → {rb['heading'].split(' > ')[-1]}",
                    )
                )
    return found


def _add_learned_edges(tg: TopicGraph, meta: MetaStore) -> None:
    g = tg.graph
    candidates = _learned_candidates(tg.catalogue, meta)
    # Independent witnesses add up; the same file saying it twice counts once.
    scored = []
    for (a, b), items in candidates.items():
        # "Read the roadmap, then study X" is how a page is arranged, not a prerequisite between ideas.
        if "meta" in (tg.catalogue.topics[a].level, tg.catalogue.topics[b].level):
            continue
        per_file: dict[str, float] = {}
        for weight, evidence in items:
            file = evidence.split(":", 1)[0]
            per_file[file] = max(per_file.get(file, 0.0), weight)
        scored.append((sum(per_file.values()), a, b, [e for _, e in items]))
    for weight, a, b, evidence in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if g.has_edge(a, b):
            g.edges[a, b]["evidence"].extend(evidence)  # a roadmap agreeing with a curated edge
            continue
        if nx.has_path(g, b, a):  # would close a cycle: the heavier (earlier) edges win
            continue
        g.add_edge(a, b, weight=min(weight, 0.99), kind="learned", evidence=evidence)


def _attach_resources(tg: TopicGraph, meta: MetaStore) -> None:
    by_topic: dict[str, list[tuple[int, Resource]]] = defaultdict(list)
    for r in meta.resources():
        tg.resources[r.id] = r
        for rank, t in enumerate(r.topics):
            if t in tg.catalogue.topics:
                by_topic[t].append((rank, r))
    # A resource whose main subject is the topic first; then books/courses over bare websites.
    kind_order = {
        "course": 0,
        "video": 1,
        "article": 2,
        "paper": 3,
        "book": 4,
        "docs": 5,
        "code": 6,
        "dataset": 7,
        "website": 8,
    }
    learned = tg.catalogue.learned
    for t, rids in (learned.resources if learned else {}).items():
        # The roadmap put them in this topic's section: that is what they are about, first of all.
        for r in (tg.resources[rid] for rid in rids if rid in tg.resources):
            r.topics = [t, *(x for x in r.topics if x != t)]
            by_topic[t].append((0, r))
    for t, items in by_topic.items():
        items.sort(key=lambda x: (x[0], x[1].url is None, kind_order.get(x[1].kind, 9), x[1].title))
        tg.resources_by_topic[t] = [r for _, r in items]
    sections = learned.sections if learned else {}
    for q in meta.questions():
        # A question in a learned topic's section is about that topic, whatever names it happens to contain.
        own = sections.get((q["file"], q["heading"]))
        for t in [own] if own else json.loads(q["topics"]):
            tg.questions_by_topic.setdefault(t, []).append(
                {"text": q["text"], "file": q["file"], "line": q["line"], "kind": q["kind"]}
            )
