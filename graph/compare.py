"""How topics stand to each other in the prerequisite graph: what a comparison ("BERT 和 GPT 的区别", "LoRA vs
QLoRA") can say for certain, before any description is read.

Either one builds on the other (a chain: learn that one first), or neither does (either can come first), and then
what they share and what only one of them needs says where they part. "Only" is read in the closure: a
prerequisite one topic has directly and another has further down is no difference between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

import networkx as nx

from studygraph.models import Resource

SHARED_NAMED = 4  # nearest common prerequisites named at most
# Where neither of two topics builds on the other, one is called the nearer start only when the prerequisites left
# before it are at most this share of the others' (or none at all): 41 against 42 is no reason to pick one.
NEARER_SHARE = 0.75


@dataclass
class Comparison:
    topics: list[str]
    chains: list[list[str]] = field(default_factory=list)  # a path from a compared topic to one that builds on it
    shared: list[str] = field(default_factory=list)  # what they all build on, nearest; [] when every pair is a chain
    only: dict[str, list[str]] = field(default_factory=dict)  # per topic, direct prerequisites the others lack


def compare_topics(g: nx.DiGraph, topics: list[str]) -> Comparison:
    """`topics` (two or more, in the order asked) as they stand in the plan graph `g`."""
    topics = [t for t in dict.fromkeys(topics) if t in g]
    ancestors = {t: nx.ancestors(g, t) for t in topics}
    chains = [nx.shortest_path(g, a, b) for a, b in permutations(topics, 2) if a in ancestors[b]]
    related = {(c[0], c[-1]) for c in chains} | {(c[-1], c[0]) for c in chains}
    unrelated_pair = any((a, b) not in related for a, b in permutations(topics, 2))
    shared = _nearest_shared(g, topics, ancestors) if unrelated_pair else []
    only = {}
    for t in topics:
        others = [u for u in topics if u != t]
        below_others = set(others).union(*(ancestors[u] for u in others))
        only[t] = sorted(p for p in g.predecessors(t) if p not in below_others and p not in shared)
    return Comparison(topics, chains, shared, only)


def learning_order(g: nx.DiGraph, topics: list[str], known: set[str]) -> tuple[list[str], dict[str, int]]:
    """(`topics` in an order to learn them, per topic how many of its prerequisites are not in `known`): each
    after those it builds on; where nothing orders two, the one with less left before it first, then the order
    asked."""
    topics = [t for t in dict.fromkeys(topics) if t in g]
    ancestors = {t: nx.ancestors(g, t) for t in topics}
    left = {t: len(ancestors[t] - known) for t in topics}
    sequence, remaining = [], list(topics)
    while remaining:
        ready = [t for t in remaining if not any(u in ancestors[t] for u in remaining if u != t)]
        sequence.append(min(ready, key=lambda t: (left[t], remaining.index(t))))
        remaining.remove(sequence[-1])
    return sequence, left


def nearer_start(sequence: list[str], left: dict[str, int]) -> str | None:
    """The first of `sequence` (learning_order's) where clearly less is left before it than before any other;
    None where the difference is too small to choose by."""
    if len(sequence) < 2:
        return None
    first, rest = left[sequence[0]], min(left[t] for t in sequence[1:])
    return sequence[0] if first < rest and (first == 0 or first <= NEARER_SHARE * rest) else None


def _nearest_shared(g: nx.DiGraph, topics: list[str], ancestors: dict[str, set[str]]) -> list[str]:
    """The prerequisites all of `topics` have directly; where they have none in common, their nearest common
    ones (no other common prerequisite builds on them)."""
    direct = set.intersection(*(set(g.predecessors(t)) for t in topics)) - set(topics)
    if direct:
        return sorted(direct)[:SHARED_NAMED]
    common = set.intersection(*(ancestors[t] for t in topics)) - set(topics)
    below = set().union(*(nx.ancestors(g, c) for c in common))
    return sorted(common - below)[:SHARED_NAMED]


def covering(resources_by_topic: dict[str, list[Resource]], topics: list[str]) -> list[Resource]:
    """The resources tagged with every one of `topics`, in the first topic's order."""
    if not topics:
        return []
    rest = [{r.id for r in resources_by_topic.get(t, [])} for t in topics[1:]]
    return [r for r in resources_by_topic.get(topics[0], []) if all(r.id in ids for ids in rest)]
