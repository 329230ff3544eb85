"""Plan and next latency on the real graph and on a synthetic 10k-topic DAG (~30k edges).

The raw baseline is networkx's own ancestor query + topological sort on the same graph: the least any
plan must do. Target: < 10 ms p95 at 10k topics.
"""
from __future__ import annotations

import random

import networkx as nx

from bench.common import p95, report, timings
from studygraph.graph.build import TopicGraph, build_graph
from studygraph.graph.catalogue import Catalogue, Topic, load_catalogue
from studygraph.graph.plan import learning_plan, next_topics


def synthetic(n: int, edges_per_node: int = 3, seed: int = 7) -> TopicGraph:
    rng = random.Random(seed)
    topics = {f"t{i}": Topic(f"t{i}", f"Topic {i}", f"主题{i}", (), "intermediate", "synthetic", "") for i in range(n)}
    g = nx.DiGraph()
    g.add_nodes_from(topics)
    for i in range(1, n):
        # prerequisites come from a window behind: deep chains like a real curriculum, not a flat fan-in
        for j in rng.sample(range(max(0, i - 200), i), min(i, edges_per_node)):
            g.add_edge(f"t{j}", f"t{i}", weight=1.0, kind="curated", evidence=["synthetic"])
    return TopicGraph(Catalogue(topics, [], "synthetic"), g)


def run(quick: bool) -> list[dict]:
    out = []
    repeat = 20 if quick else 100
    real = build_graph(load_catalogue())
    for label, tg, goal in (("real", real, "rlhf"), ("10k", synthetic(10_000), "t9999")):
        g = tg.plan_graph
        raw = timings(lambda: list(nx.topological_sort(g.subgraph(nx.ancestors(g, goal) | {goal}))), repeat)
        ours = timings(lambda: learning_plan(tg, goal, known=set()), repeat)
        out.append(report(f"graph.plan.{label}.p95", p95(ours) * 1e3, p95(raw) * 1e3, "ms", "< 10 ms p95 at 10k topics", "lower",
                          topics=g.number_of_nodes(), edges=g.number_of_edges()))
        known = set(list(nx.topological_sort(g))[: g.number_of_nodes() // 3])
        raw_next = timings(lambda: [t for t in g if t not in known and all(p in known for p in g.predecessors(t))], repeat)
        ours_next = timings(lambda: next_topics(tg, known, set(), 5), max(3, repeat // 4))
        out.append(report(f"graph.next.{label}.p95", p95(ours_next) * 1e3, p95(raw_next) * 1e3, "ms", "< 10 ms p95 at 10k topics", "lower"))
    return out
