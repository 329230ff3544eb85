"""The explorer's first view: the whole topic map at a glance.

Areas are graphviz clusters in learning order (maths -> ML -> DL -> NLP -> transformers -> LLMs ->
alignment), each topic filled with the learner's status, learned topics dashed, the current goal's plan
outlined in blue; beside it, progress per area and the hours left to the goal. Edges are the transitive
reduction of the plan graph (what a drawing needs), light between areas so the clusters stay readable.
A node links to `?topic=ID`, which the explorer opens; the "open a topic" selectbox does the same.
"""

from __future__ import annotations

import math
import textwrap

import networkx as nx
import streamlit as st

from studygraph.ui.i18n import area_label, lang, status_label, t
from studygraph.ui.path_page import COLOURS, _q
from studygraph.ui.state import sorted_topics

AREA_ORDER = (
    "math", "programming", "learning", "ml", "dl", "nlp", "transformers", "generative",
    "llm-models", "llm-training", "alignment", "applications",
)  # fmt: skip
PLAN_BORDER = "#1565c0"
LABEL_WIDTH = 18  # characters per line of a node label: long names would widen every band
WRAP = 10  # topics side by side in one rank of an area before it is folded (more for a very wide rank)


def ordered_areas(tg) -> list[str]:
    present = {topic.area for topic in tg.catalogue.topics.values()}
    return [a for a in AREA_ORDER if a in present] + sorted(present - set(AREA_ORDER))


def map_dot(lib, status: dict[str, str], plan: set[str] = frozenset(), nodes: set[str] | None = None) -> str:
    """DOT of the topics in `nodes` (all when None), one cluster per area, coloured by `status`.

    Only edges inside an area constrain the layout, so each area stays one compact band (areas top to
    bottom in learning order, prerequisites left to right inside); edges between areas would pull the
    bands apart into a flat tangle, so they are drawn only for the goal's plan, without constraining.
    """
    tg = lib.graph
    topics = tg.catalogue.topics
    shown = set(topics) if nodes is None else set(nodes) & set(topics)
    areas = {topics[x].area for x in shown}
    edges = sorted(lib.display_edges(shown))
    inside = [(u, v) for u, v in edges if topics[u].area == topics[v].area]
    inside_set = set(inside)
    zh = lang() == "zh"
    lines = [
        "digraph map {",
        '  graph [rankdir=LR, bgcolor="transparent", nodesep=0.06, ranksep=0.3, fontname="Noto Sans CJK SC", '
        'fontsize=14, labeljust=l, style="rounded", color="#cfd8dc"];',
        '  node [shape=box, style="rounded,filled", fontname="Noto Sans CJK SC", fontsize=11, height=0.24, '
        'margin="0.06,0.02"];',
        '  edge [color="#b0bec5", arrowsize=0.5, penwidth=0.7];',
    ]
    # dot stacks the clusters of a left-to-right graph bottom-up: listed in reverse, maths comes out on top
    for n, area in enumerate(reversed([a for a in ordered_areas(tg) if a in areas])):
        lines.append(f"  subgraph cluster_{n} {{ label={_q(area_label(area))};")
        for x in sorted((x for x in shown if topics[x].area == area), key=lambda x: topics[x].name.casefold()):
            topic, state = topics[x], status.get(x, "todo")
            fill, border = COLOURS.get(state, COLOURS["todo"])
            style = "rounded,filled,dashed" if topic.learned else "rounded,filled"
            extra = f", color={_q(PLAN_BORDER)}, penwidth=2.2" if x in plan else f", color={_q(border)}"
            name = topic.zh if zh and topic.zh else topic.name
            label = '"' + "\\n".join(_q(line)[1:-1] for line in textwrap.wrap(name, LABEL_WIDTH) or [x]) + '"'
            lines.append(
                f"    {_q(x)} [label={label}, fillcolor={_q(fill)}, style={_q(style)}{extra}, "
                f"tooltip={_q(f'{topic.name} · {status_label(state)}')}, URL={_q('?topic=' + x)}, target=_self];"
            )
        lines.append("  }")
    for u, v in edges:
        if (u, v) in inside_set:
            attrs = f" [color={_q(PLAN_BORDER)}, penwidth=1.4]" if u in plan and v in plan else ""
        elif u in plan and v in plan:
            attrs = f" [color={_q(PLAN_BORDER)}, penwidth=1.0, constraint=false]"
        else:
            continue
        lines.append(f"  {_q(u)} -> {_q(v)}{attrs};")
    lines += [f"  {_q(u)} -> {_q(v)} [style=invis];" for u, v in _wrap_wide_ranks(topics, shown, inside)]
    lines.append("}")
    return "\n".join(lines)


def _wrap_wide_ranks(topics, shown: set[str], inside: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Invisible edges that fold a rank of more than WRAP topics (130 sections learned after one topic, an
    area with many roots) into several ranks, so no area becomes one endless column."""
    g = nx.DiGraph(inside)
    g.add_nodes_from(shown)
    depth: dict[str, int] = {}
    for x in nx.topological_sort(g):
        depth[x] = 1 + max((depth[p] for p in g.predecessors(x)), default=-1)
    groups: dict[tuple[str, int], list[str]] = {}
    for x in sorted(shown, key=lambda x: topics[x].name.casefold()):
        groups.setdefault((topics[x].area, depth[x]), []).append(x)
    invisible = []
    for members in groups.values():
        # about square: a rank of n boxes folded into ~sqrt(n)/2 ranks of ~2*sqrt(n) (a box is ~4x wider than tall)
        size = max(WRAP, math.ceil(2 * math.sqrt(len(members))))
        chunks = [members[i : i + size] for i in range(0, len(members), size)]
        for before, after in zip(chunks, chunks[1:]):
            invisible += [(before[i % len(before)], x) for i, x in enumerate(after)]
    return invisible


def area_progress(tg, status: dict[str, str], plan_steps=()) -> list[dict]:
    """Per area: done (done or skipped) / total, learning, and the plan's hours not done yet."""
    topics = tg.catalogue.topics
    left: dict[str, float] = {}
    for step in plan_steps:
        if status.get(step.topic.id) not in ("done", "skipped"):
            left[step.topic.area] = left.get(step.topic.area, 0.0) + step.hours
    rows = []
    for area in ordered_areas(tg):
        ids = [x for x, topic in topics.items() if topic.area == area]
        rows.append(
            {
                "area": area,
                "total": len(ids),
                "done": sum(status.get(x) in ("done", "skipped") for x in ids),
                "learning": sum(status.get(x) == "learning" for x in ids),
                "hours_left": round(left.get(area, 0.0), 1),
            }
        )
    return rows


def _goal(tg) -> str | None:
    topics = tg.catalogue.topics
    if "map_goal" not in st.session_state and st.session_state.get("current_goal") in topics:
        st.session_state["map_goal"] = st.session_state["current_goal"]
    return st.selectbox(
        t("map_goal"),
        sorted_topics(tg),
        index=None,
        key="map_goal",
        placeholder=t("map_goal_none"),
        format_func=lambda x: topics[x].name if lang() == "en" else (topics[x].zh or topics[x].name),
        on_change=lambda: st.session_state.update(current_goal=st.session_state.get("map_goal")),
    )


def render_map(lib, status: dict[str, str]) -> None:
    tg = lib.graph
    topics = tg.catalogue.topics
    areas = ordered_areas(tg)
    left, mid, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    with left:
        chosen = st.multiselect(
            t("map_areas"), areas, key="map_areas", format_func=area_label, placeholder=t("map_all")
        )
    with mid:
        goal = _goal(tg)
    with right:
        only_plan = st.toggle(t("map_only_plan"), key="map_only_plan", disabled=not goal)
    plan = lib.plan(goal).plan if goal else None  # less what the learner knows (Library.learner)
    plan_ids = {s.topic.id for s in plan.steps} if plan else set()
    nodes = {x for x, topic in topics.items() if not chosen or topic.area in chosen}
    if plan and only_plan:  # zoomed to the plan: its topics only, still in their areas
        nodes &= plan_ids
    chart, side = st.columns([4, 1], gap="medium")
    with chart:
        with st.container(border=True, key="topic_map"):  # the explorer's home view, never a search's result
            st.graphviz_chart(map_dot(lib, status, plan_ids, nodes), width="stretch")
        st.caption(t("map_legend"))
    with side:
        st.markdown(f"**{t('map_progress')}**")
        rows = area_progress(tg, status, plan.steps if plan else ())
        for row in rows:
            if chosen and row["area"] not in chosen:
                continue
            text = f"{area_label(row['area'])} · {row['done']}/{row['total']}"
            if row["learning"]:
                text += " · " + t("map_learning", n=row["learning"])
            if row["hours_left"]:
                text += " · " + t("map_hours_left", h=row["hours_left"])
            st.progress(row["done"] / row["total"] if row["total"] else 0.0, text=text)
        if plan:
            st.caption(t("map_plan_left", name=plan.goal.name, h=round(sum(r["hours_left"] for r in rows), 1)))
