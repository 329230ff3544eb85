"""Learning plans ("what before X"), next-topic ranking and "why A before B", in the Metacademy manner.

A plan is every prerequisite of the goal that is still needed: a prerequisite reached only through topics
the learner already knows is not needed. The order is a depth-first post-order from the goal, so each
topic comes right after its own prerequisites and related topics stay together, instead of a flat
breadth-first sort that jumps between areas. Curated order edges ("taught earlier", `order = true`) never add
a step; among otherwise equal siblings they put the earlier-taught topic first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from studygraph.graph.build import TopicGraph
from studygraph.graph.catalogue import Topic
from studygraph.models import Resource, topic_marks
from studygraph.store.meta import MetaStore
from studygraph.store.review import reviewed_topics

LEVEL_ORDER = {"foundation": 0, "basic": 1, "intermediate": 2, "advanced": 3, "meta": 4}
HOURS_BY_KIND = {
    "video": 1.5,
    "article": 0.5,
    "paper": 3.0,
    "course": 8.0,
    "book": 10.0,
    "docs": 1.0,
    "code": 2.0,
    "dataset": 1.0,
    "website": 1.0,
}
HOURS_BY_LEVEL = {"foundation": 10.0, "basic": 4.0, "intermediate": 3.0, "advanced": 3.0, "meta": 1.0}
TEXT_KINDS = {"article", "paper", "book", "docs", "course", "website"}
_DEPTH_CAP = (1 << 21) - 1  # depths and tie ranks each fit 21 bits of a plan's sort key (2M topics)


@dataclass
class Step:
    topic: Topic
    resources: list[Resource] = field(default_factory=list)
    hours: float = 0.0
    why: str = ""
    status: str = "todo"


@dataclass
class Plan:
    goal: Topic
    steps: list[Step]
    skipped: list[str] = field(default_factory=list)  # known topics the plan leaves out

    @property
    def hours(self) -> float:
        return round(sum(s.hours for s in self.steps), 1)


@dataclass
class NextTopic:
    topic: Topic
    score: float
    why: str  # the reasons as one English line (the CLI prints it)
    # The same reasons as data, for other languages: (kind, topic ids or a count), kind one of learning_now,
    # near, follows, after_known, start, unlocks, library.
    reasons: list[tuple[str, tuple]] = field(default_factory=list)


def needed_prerequisites(tg: TopicGraph, goal: str, known: set[str]) -> set[str]:
    """Ancestors of the goal that the learner does not know yet.

    Knowing a topic implies knowing what it is built on: nobody knows the transformer without attention,
    or neural networks without gradient descent. So the prerequisites of known topics count as known too,
    which also covers "needed only through a known topic".
    """
    return set(_needed_and_skipped(tg, goal, known)[0])


def _needed_and_skipped(tg: TopicGraph, goal: str, known: set[str]) -> tuple[list[str], list[str]]:
    """(needed, skipped) ancestors of the goal, each in topological order: one bitset AND each way."""
    closure = tg.closure
    if goal not in closure.index:
        return [], []
    ancestors = closure.ancestors_of([goal])
    known_bits = closure.bits_of(known) | closure.ancestors_of(known)
    return closure.ordered(ancestors & ~known_bits), closure.ordered(ancestors & known_bits)


def implied_known(tg: TopicGraph, known: set[str]) -> set[str]:
    """The known topics and everything they are built on."""
    return set(known) | tg.closure.members(tg.closure.ancestors_of(known))


def _ordered(tg: TopicGraph, goal: str, needed: list[str]) -> list[str]:
    """Depth-first post-order from the goal: every topic after its prerequisites, and a prerequisite's
    own prerequisites right before it, so related topics stay together. `needed` comes in topological
    order. Iterative: synthetic or merged catalogues can be thousands of topics deep."""
    # The graph's own adjacency dicts: the views networkx wraps them in cost more than the walk itself.
    pred, tie_rank = tg.plan_graph._pred, tg.tie_rank
    depth: dict[str, int] = {}
    rank: dict[str, int] = {}  # level, then deeper first, then curated order edges, area and id: one int
    for t in needed:  # longest chain of needed prerequisites below t: deeper subjects first
        d = 1
        for p in pred[t]:  # topological order: a needed prerequisite already has its depth
            below = depth.get(p)
            if below is not None and below >= d:
                d = below + 1
        depth[t] = d
        rank[t] = tie_rank[t] | ((_DEPTH_CAP - d) << 21)
    key = rank.__getitem__

    def prerequisites(t: str) -> Iterator[str]:
        # Built when the walk reaches t and dropped when it leaves: few objects outlive the walk.
        return iter(sorted([p for p in pred[t] if p in rank], key=key))

    order: list[str] = []
    seen = {goal}
    stack = [(goal, prerequisites(goal))]  # the walk's path, each with where it is in its prerequisites
    while stack:
        t, rest = stack[-1]
        for p in rest:  # resumes where the walk left this node
            if p not in seen:
                seen.add(p)
                stack.append((p, prerequisites(p)))
                break
        else:
            stack.pop()
            order.append(t)
    return order


def pick_resources(tg: TopicGraph, topic_id: str, limit: int = 3) -> list[Resource]:
    """The best few, mixing kinds: a video and a text where the library has both."""
    if not tg.resources_by_topic.get(topic_id):
        return []
    pool = [r for r in tg.resources_by_topic.get(topic_id, [])[:12] if _about(tg, r, topic_id)]
    picked: list[Resource] = []
    for want in ({"video"}, TEXT_KINDS):
        hit = next((r for r in pool if r.kind in want and r not in picked), None)
        if hit:
            picked.append(hit)
    for r in pool:
        if len(picked) >= limit:
            break
        if r not in picked:
            picked.append(r)
    return picked[:limit]


def _about(tg: TopicGraph, resource: Resource, topic_id: str) -> bool:
    """A resource mainly about another subject helps here only if that subject is on the same line of
    study: CLIP's paper mentions pretraining, but it is no step towards RLHF."""
    main = resource.topics[0] if resource.topics else topic_id
    if main == topic_id or main not in tg.graph:
        return True
    # One edge away at most: a paper on QLoRA is not where to learn what fine-tuning is.
    return tg.graph.has_edge(main, topic_id) or tg.graph.has_edge(topic_id, main)


def estimate_hours(topic: Topic, resources: list[Resource]) -> float:
    """The picked resources' time: a length the roadmap gives (a video's 1:12:16) where it has one,
    else a typical time for the kind (Metacademy's work units, from the roadmap where it can)."""
    if not resources:
        return HOURS_BY_LEVEL.get(topic.level, 3.0)
    return round(sum(r.minutes / 60 if r.minutes else HOURS_BY_KIND.get(r.kind, 1.0) for r in resources[:2]), 1)


def learning_plan(
    tg: TopicGraph, goal: str, known: set[str] | None = None, status: dict[str, str] | None = None
) -> Plan:
    """Every prerequisite of `goal` the learner still needs, in an order where each step comes after all of
    its own prerequisites (curated edges only), ending at the goal; what `known` implies is skipped.
    `status` marks steps done/learning for display."""
    known = set(known or ()) - {goal}
    needed_in_order, skipped = _needed_and_skipped(tg, goal, known)
    in_plan = {*needed_in_order, goal}
    topics, succ, status = tg.catalogue.topics, tg.plan_graph._succ, status or {}
    by_topic = tg.resources_by_topic
    steps = []
    for t in _ordered(tg, goal, needed_in_order):
        topic = topics[t]
        resources = pick_resources(tg, t) if by_topic.get(t) else []
        if t == goal:
            why = "the goal"
        else:  # the first three steps it unlocks; a plain loop, half the cost of islice over a generator
            unlocks = []
            for s in succ[t]:
                if s in in_plan:
                    unlocks.append(topics[s].name)
                    if len(unlocks) == 3:
                        break
            why = "needed for " + ", ".join(unlocks)
        steps.append(Step(topic, resources, estimate_hours(topic, resources), why, status.get(t, "todo")))
    return Plan(topics[goal], steps, sorted(skipped))


def next_topics(tg: TopicGraph, known: set[str], learning: set[str] | None = None, k: int = 5) -> list[NextTopic]:
    """Frontier topics (every prerequisite known, the topic itself not), ranked by what they unlock,
    closeness to what the learner is doing now, and what the library has for them."""
    g, topics = tg.plan_graph, tg.catalogue.topics
    explicit = set(known)
    known = implied_known(tg, explicit)
    learning = set(learning or ()) - known
    ranked = []
    for t in g.nodes:
        # Meta topics (study methods, interview prep) are ways to learn, not the next thing to learn.
        if t in known or topics[t].level == "meta":
            continue
        missing = [p for p in g.predecessors(t) if p not in known]
        if missing:
            continue
        unlocks = tg.closure.descendant_count(t)
        near = [x for x in learning if x == t or g.has_edge(x, t) or g.has_edge(t, x)]
        after_known = [p for p in g.predecessors(t) if p in known]
        # What the learner named or finished themselves is where they stand; its successors come first.
        follows = [p for p in g.predecessors(t) if p in explicit]
        library = len(tg.resources_by_topic.get(t, []))
        score = (
            unlocks / 10
            + 3.0 * bool(near)
            + 1.5 * bool(after_known)
            + 2.0 * bool(follows)
            + min(library, 5) * 0.3
            - LEVEL_ORDER.get(topics[t].level, 2) * 0.2
        )
        reasons: list[tuple[str, tuple]] = []
        if t in learning:
            reasons.append(("learning_now", ()))
        elif near:
            reasons.append(("near", tuple(near[:2])))
        if follows:
            reasons.append(("follows", tuple(follows[:3])))
        elif after_known:
            reasons.append(("after_known", tuple(after_known[:3])))
        elif not list(g.predecessors(t)):
            reasons.append(("start", ()))
        reasons.append(("unlocks", (unlocks,)))
        if library:
            reasons.append(("library", (library,)))
        why = reasons_text(reasons, lambda x: topics[x].name, "en")
        ranked.append(NextTopic(topics[t], round(score, 3), why, reasons))
    ranked.sort(key=lambda n: (-n.score, n.topic.id))
    return ranked[:k]


REASONS = {  # kind -> (English, Chinese); {names} are topic names, {n} a count
    "learning_now": ("you are learning it now", "你正在学"),
    "near": ("close to what you are learning: {names}", "与你正在学的内容相关：{names}"),
    "follows": ("builds directly on what you know: {names}", "直接建立在你已掌握的内容上：{names}"),
    "after_known": ("its prerequisites are done: {names}", "前置知识已完成：{names}"),
    "start": ("a starting point with no prerequisites", "起点，无需前置知识"),
    "unlocks": ("unlocks {n} later topics", "解锁后续 {n} 个主题"),
    "library": ("{n} resources in your library", "资料库中有 {n} 份资料"),
}


def reasons_text(reasons: list[tuple[str, tuple]], name, lang: str = "en") -> str:
    """Why a topic is next, as one line in `lang` ("en" or "zh"); `name(topic_id)` spells a topic."""
    parts = []
    for kind, args in reasons:
        template = REASONS[kind][1 if lang == "zh" else 0]
        names = ("、" if lang == "zh" else ", ").join(name(a) for a in args if isinstance(a, str))
        parts.append(template.format(names=names, n=args[0] if args else ""))
    return ("；" if lang == "zh" else "; ").join(parts)


def status_map(known: set[str], learning: set[str]) -> dict[str, str]:
    """{topic: "done" | "learning"} for showing a plan; what is known wins over what is being learned."""
    return {**dict.fromkeys(learning, "learning"), **dict.fromkeys(known, "done")}


def known_topics(tg: TopicGraph, meta: MetaStore) -> tuple[set[str], set[str]]:
    """(known, learning) from explicit marks and finished resources.

    A topic is known when marked done/skipped, or when every library resource about it is finished;
    finishing some of its resources means the learner is on it, not through it. Its review cards count
    the same way: all of them mature -> known, any reviewed -> learning (store.review.reviewed_topics).
    """
    progress = meta.progress()
    marks = topic_marks(progress)
    known = {t for t, v in marks.items() if v in ("done", "skipped")}
    learning = {t for t, v in marks.items() if v == "learning"}
    finished = {r.id for r in tg.resources.values() if r.done or progress.get(r.id) == "done"}
    for topic, resources in tg.resources_by_topic.items():
        primary = [r for r in resources if r.topics and r.topics[0] == topic]
        done_here = [r for r in primary if r.id in finished]
        if primary and len(done_here) == len(primary):
            known.add(topic)
        elif done_here:
            learning.add(topic)
    reviewed_done, reviewed_learning = reviewed_topics(meta)  # interview cards reviewed well (store/review.py)
    known |= reviewed_done
    learning |= reviewed_learning
    known &= set(tg.catalogue.topics)
    return known, (learning - known) & set(tg.catalogue.topics)


def explain_path(tg: TopicGraph, source: str, target: str) -> dict:
    """Why source comes before target: the chain of edges with their evidence, or why not. The chain is one of
    prerequisites (the plan graph, what a plan follows) where there is one: a plan's step is explained by what put
    it there. Only where there is none is a chain through weaker edges (one roadmap's chapter order) given, with
    `required` False: it is an order some source keeps, which no plan enforces."""
    cost = lambda u, v, _: 2.0 - tg.graph.edges[u, v]["weight"]  # noqa: E731 - the stronger edge is the shorter
    for g, required in ((tg.plan_graph, True), (tg.graph, False)):
        try:
            path = nx.shortest_path(g, source, target, weight=cost)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        edges = [tg.edge_evidence(u, v) for u, v in zip(path, path[1:])]
        return {"path": path, "edges": edges, "reverse": False, "required": required}
    reverse = target in tg.graph and source in tg.graph and nx.has_path(tg.graph, target, source)
    return {"path": [], "edges": [], "reverse": reverse, "required": False}


def display_edges(tg: TopicGraph, nodes: set[str] | None = None) -> list[tuple[str, str]]:
    """The transitive reduction of the plan graph (optionally of a node subset): what a drawing shows."""
    g = tg.plan_graph if nodes is None else tg.plan_graph.subgraph(nodes)
    return list(nx.transitive_reduction(nx.DiGraph(g)).edges)
