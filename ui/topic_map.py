"""The explorer's first view: the whole topic map at a glance.

Areas are graphviz clusters in learning order (maths -> ML -> DL -> NLP -> transformers -> LLMs ->
alignment), each topic filled with the learner's status, learned topics dashed, the current goal's plan
outlined in blue; beside it, progress per area and the hours left to the goal. Edges are the transitive
reduction of the plan graph (what a drawing needs), light between areas so the clusters stay readable.
A node links to `?topic=ID`, which the explorer opens; the "open a topic" selectbox does the same.
"""

from __future__ import annotations

import streamlit as st

from studygraph.ui.i18n import area_label, lang, status_label, t
from studygraph.ui.path_page import COLOURS, _q
from studygraph.ui.state import sorted_topics

AREA_ORDER = (
    "math", "programming", "learning", "ml", "dl", "nlp", "transformers", "generative",
    "llm-models", "llm-training", "alignment", "applications",
)  # fmt: skip
PLAN_BORDER = "#1565c0"


def ordered_areas(tg) -> list[str]:
    present = {topic.area for topic in tg.catalogue.topics.values()}
    return [a for a in AREA_ORDER if a in present] + sorted(present - set(AREA_ORDER))


def map_dot(tg, status: dict[str, str], plan: set[str] = frozenset(), nodes: set[str] | None = None) -> str:
    """DOT of the topics in `nodes` (all when None), one cluster per area, coloured by `status`."""
    from studygraph.graph.plan import display_edges

    topics = tg.catalogue.topics
    shown = set(topics) if nodes is None else set(nodes) & set(topics)
    areas = {topics[x].area for x in shown}
    zh = lang() == "zh"
    lines = [
        "digraph map {",
        '  graph [rankdir=LR, newrank=true, bgcolor="transparent", nodesep=0.08, ranksep=0.45, '
        'fontname="Noto Sans CJK SC", fontsize=13, labeljust=l, style="rounded", color="#cfd8dc"];',
        '  node [shape=box, style="rounded,filled", fontname="Noto Sans CJK SC", fontsize=10, height=0.25, '
        'margin="0.08,0.03"];',
        '  edge [color="#b0bec5", arrowsize=0.5, penwidth=0.7];',
    ]
    for n, area in enumerate(a for a in ordered_areas(tg) if a in areas):
        lines.append(f"  subgraph cluster_{n} {{ label={_q(area_label(area))};")
        for x in sorted((x for x in shown if topics[x].area == area), key=lambda x: topics[x].name.casefold()):
            topic, state = topics[x], status.get(x, "todo")
            fill, border = COLOURS.get(state, COLOURS["todo"])
            style = "rounded,filled,dashed" if topic.learned else "rounded,filled"
            extra = f", color={_q(PLAN_BORDER)}, penwidth=2.2" if x in plan else f", color={_q(border)}"
            label = topic.zh if zh and topic.zh else topic.name
            lines.append(
                f"    {_q(x)} [label={_q(label)}, fillcolor={_q(fill)}, style={_q(style)}{extra}, "
                f"tooltip={_q(f'{topic.name} · {status_label(state)}')}, URL={_q('?topic=' + x)}, target=_self];"
            )
        lines.append("  }")
    for u, v in sorted(display_edges(tg, shown)):
        if u in plan and v in plan:
            attrs = f" [color={_q(PLAN_BORDER)}, penwidth=1.4]"
        elif topics[u].area != topics[v].area:
            attrs = ' [color="#e0e0e0"]'
        else:
            attrs = ""
        lines.append(f"  {_q(u)} -> {_q(v)}{attrs};")
    lines.append("}")
    return "\n".join(lines)


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


def render_map(tg, status: dict[str, str]) -> None:
    from studygraph.graph.plan import learning_plan

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
    known = {x for x, s in status.items() if s in ("done", "skipped")}
    plan = learning_plan(tg, goal, known, status) if goal else None
    plan_ids = {s.topic.id for s in plan.steps} if plan else set()
    nodes = {x for x, topic in topics.items() if not chosen or topic.area in chosen}
    if plan and only_plan:  # zoomed to the plan: its topics only, still in their areas
        nodes &= plan_ids
    chart, side = st.columns([4, 1], gap="medium")
    with chart:
        with st.container(border=True):
            st.graphviz_chart(map_dot(tg, status, plan_ids, nodes), width="stretch")
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
