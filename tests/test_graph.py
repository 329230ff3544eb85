"""The prerequisite graph as a learner uses it: resolve words, plan before a goal, what next, why."""

from __future__ import annotations

import json

import pytest
from conftest import cli_in_fresh_process

from studygraph.graph.build import build_graph
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.plan import explain_path, learning_plan, next_topics
from studygraph.graph.resolve import Resolver
from studygraph.store.meta import MetaStore

RLHF_MUST = [
    "neural-networks",
    "backpropagation",
    "transformer",
    "instruction-tuning",
    "reinforcement-learning",
    "policy-gradient",
    "ppo",
    "reward-model",
]
NEVER_BEFORE_RLHF = {"gan", "diffusion", "vae", "dall-e", "sentiment-analysis"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def resolver(catalogue):
    return Resolver(catalogue)


@pytest.mark.parametrize(
    "words,topic",
    [
        ("RLHF", "rlhf"),
        ("rlhf", "rlhf"),
        ("ＲＬＨＦ", "rlhf"),  # full-width
        ("基于人类反馈的强化学习", "rlhf"),
        ("reinforcement learning from human feedback", "rlhf"),
        ("Transformers", "transformer"),  # plural
        ("transfomer", "transformer"),  # typo
        ("注意力机制", "attention"),
        ("LoRA", "lora"),
        ("multi-head attention", "multi-head-attention"),
        ("InstructGPT paper", "instructgpt"),
        ("学 RLHF", "rlhf"),
    ],
)
def test_resolve_in_both_languages(resolver, words, topic):
    hit = resolver.resolve(words)
    assert hit is not None and hit.id == topic, hit


@pytest.mark.parametrize("nonsense", ["asdfghjkl", "the weather in Paris", "香蕉蛋糕的做法", "zzz", ""])
def test_nonsense_resolves_to_nothing(resolver, nonsense):
    assert resolver.resolve(nonsense) is None


def test_rlhf_plan_is_ordered_and_on_topic(catalogue):
    tg = build_graph(catalogue)
    plan = learning_plan(tg, "rlhf", known=set())
    order = [s.topic.id for s in plan.steps]
    assert order[-1] == "rlhf"
    for needed in RLHF_MUST:
        assert needed in order, needed
    assert "gpt" in order or "llm-pretraining" in order
    assert not NEVER_BEFORE_RLHF & set(order)
    position = {t: i for i, t in enumerate(order)}
    for u, v in tg.plan_graph.subgraph(order).edges:
        assert position[u] < position[v], f"{u} must come before {v}"


def test_known_topics_and_what_only_they_need_are_skipped(catalogue):
    tg = build_graph(catalogue)
    full = {s.topic.id for s in learning_plan(tg, "rlhf").steps}
    plan = learning_plan(tg, "rlhf", known={"transformer"})
    order = {s.topic.id for s in plan.steps}
    assert "transformer" not in order and "transformer" in plan.skipped
    # self-attention is needed only through the transformer, so knowing the transformer skips it too
    assert "self-attention" in full and "self-attention" not in order
    # reinforcement learning is not behind the transformer: still needed
    assert "reinforcement-learning" in order
    # and knowing the transformer implies knowing what it is built on, such as backpropagation
    assert "backpropagation" in full and "backpropagation" not in order


def test_next_starts_at_the_roots_and_moves_with_progress(catalogue):
    tg = build_graph(catalogue)
    fresh = next_topics(tg, known=set(), k=50)
    assert all(not list(tg.plan_graph.predecessors(n.topic.id)) for n in fresh)
    known = {s.topic.id for s in learning_plan(tg, "transformer").steps}
    after = [n.topic.id for n in next_topics(tg, known=known, k=10)]
    assert after and not set(after) & known
    for t in after:
        assert set(tg.plan_graph.predecessors(t)) <= known
    assert any(n.why for n in next_topics(tg, known=known, k=3))


def test_why_explains_with_evidence(catalogue):
    tg = build_graph(catalogue)
    why = explain_path(tg, "attention", "transformer")
    assert why["path"][0] == "attention" and why["path"][-1] == "transformer"
    assert all(e["evidence"] for e in why["edges"])
    assert explain_path(tg, "transformer", "attention")["reverse"] is True


def test_learned_edges_carry_file_line_evidence(seed_library, catalogue):
    settings, _ = seed_library
    tg = build_graph(catalogue, MetaStore(settings.meta_path, readonly=True))
    learned = [(u, v, d) for u, v, d in tg.graph.edges(data=True) if d["kind"] == "learned"]
    assert learned, "the LLM101n and SLP syllabi should teach the graph something"
    for _, _, d in learned:
        assert all(":" in e for e in d["evidence"])
    import networkx as nx

    assert nx.is_directed_acyclic_graph(tg.graph)


def test_graph_commands_do_not_import_torch(seed_library):
    settings, _ = seed_library
    heavy, plan = cli_in_fresh_process(
        ["path", "RLHF", "--json"], settings.data_dir, ("torch", "chromadb", "llama_cpp", "sentence_transformers")
    )
    assert heavy == []
    assert json.loads(plan)["goal"]["id"] == "rlhf"


ORDER_CARDS = """
[[topic]]
id = "root"
name = "Root"
level = "foundation"

[[topic]]
id = "alpha"
name = "Alpha"
prereqs = [{{ id = "root", why = "alpha uses root" }}{alpha_order}]

[[topic]]
id = "beta"
name = "Beta"
prereqs = [{{ id = "root", why = "beta uses root" }}]

[[topic]]
id = "gamma"
name = "Gamma"
prereqs = [{{ id = "root", why = "gamma uses root" }}]

[[topic]]
id = "goal"
name = "Goal"
prereqs = [
  {{ id = "alpha", why = "the goal uses alpha" }},
  {{ id = "beta", why = "the goal uses beta" }},
  {{ id = "gamma", why = "courses teach gamma first, the goal does not use it", order = true }},
]
"""


def _plan_order(tmp_path, alpha_order: str) -> tuple[list[str], object]:
    (tmp_path / "cards.toml").write_text(ORDER_CARDS.format(alpha_order=alpha_order), encoding="utf-8")
    tg = build_graph(load_catalogue(tmp_path))
    return [s.topic.id for s in learning_plan(tg, "goal").steps], tg


def test_an_order_edge_never_adds_a_step_and_only_breaks_ties(tmp_path):
    order, tg = _plan_order(tmp_path, "")
    assert order == ["root", "alpha", "beta", "goal"], "gamma is only taught earlier: not a step"
    edge = tg.graph.edges["gamma", "goal"]
    assert edge["kind"] == "curated-order" and edge["weight"] < 1.0 and "curated order" in edge["evidence"][0]
    assert not tg.plan_graph.has_edge("gamma", "goal")
    # "beta is taught before alpha" puts beta first among otherwise equal steps
    order, _ = _plan_order(tmp_path, ', { id = "beta", why = "courses teach beta first", order = true }')
    assert order == ["root", "beta", "alpha", "goal"]
