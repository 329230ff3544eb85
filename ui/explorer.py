"""Graph explorer: first the whole map (ui/topic_map.py), then one topic at a time — what it needs (with the
evidence for each edge), what it unlocks, its resources and its interview questions, plus "why does A come
before B"."""

from __future__ import annotations

import streamlit as st

from studygraph.ui.components import clip, guard, md_escape, resource_md, show_corrected
from studygraph.ui.i18n import learned_badge, status_badge, t, topic_description, topic_label
from studygraph.ui.path_page import COLOURS, _q
from studygraph.ui.state import get_library, get_settings, sorted_topics
from studygraph.ui.topic_map import render_map

MAX_RESOURCES = 25
MAX_QUESTIONS = 30


def _search() -> None:
    text = (st.session_state.get("ex_text") or "").strip()
    st.session_state.pop("ex_unresolved", None)
    st.session_state.pop("ex_corrected", None)
    if not text:
        return
    hit = get_library(get_settings()).resolve(text)
    if not hit.confident:
        st.session_state["ex_unresolved"] = (clip(text), ", ".join(c.name for c in hit.closest))
        st.session_state["ex_topic"] = None  # the warning replaces the last topic: it is no answer to this search
    else:
        st.session_state["ex_topic"] = hit.id
        if hit.corrected:  # "attension": said beside the topic it was read as, while that topic is shown
            st.session_state["ex_corrected"] = (hit.id, hit.corrected)


def _go(topic_id: str) -> None:
    st.session_state["ex_topic"] = topic_id
    st.session_state["ex_text"] = ""
    st.session_state.pop("ex_unresolved", None)
    st.session_state.pop("ex_corrected", None)


def _picked() -> None:
    """on_change of the topic selectbox: a topic picked from the list answers an earlier unknown search."""
    st.session_state.pop("ex_unresolved", None)
    st.session_state.pop("ex_corrected", None)


def neighbourhood_dot(tg, topic_id: str, status: dict[str, str]) -> str:
    """The topic with its direct prerequisites and dependants (curated and learned edges)."""
    g, topics = tg.graph, tg.catalogue.topics
    pre, post = list(g.predecessors(topic_id)), list(g.successors(topic_id))
    lines = [
        "digraph n {",
        '  graph [rankdir=LR, bgcolor="transparent", nodesep=0.2, ranksep=0.5];',
        '  node [shape=box, style="rounded,filled", fontname="Noto Sans CJK SC", fontsize=10];',
        '  edge [color="#90a4ae", arrowsize=0.6];',
    ]
    for n in [*pre, topic_id, *post]:
        fill, border = COLOURS.get(status.get(n, "todo"), COLOURS["todo"])
        extra = ", penwidth=2.5, fontsize=12" if n == topic_id else ""
        extra += ', style="rounded,filled,dashed"' if topics[n].learned else ""
        lines.append(f"  {_q(n)} [label={_q(topics[n].name)}, fillcolor={_q(fill)}, color={_q(border)}{extra}];")
    for u, v in [(p, topic_id) for p in pre] + [(topic_id, s) for s in post]:
        style = "" if g.edges[u, v].get("kind") == "curated" else " [style=dashed]"
        lines.append(f"  {_q(u)} -> {_q(v)}{style};")
    lines.append("}")
    return "\n".join(lines)


def _edge_block(tg, u: str, v: str, other: str) -> None:
    topics = tg.catalogue.topics
    ev = tg.edge_evidence(u, v)
    tag = edge_tag(ev["kind"], ev["weight"])
    with st.expander(f"{topic_label(topics[other])} · {tag}"):
        st.button(f"→ {topics[other].name}", key=f"go-{u}-{v}", on_click=_go, args=(other,), type="tertiary")
        st.markdown("\n".join(f"- {md_escape(e)}" for e in ev["evidence"][:8]) or "-")
        if len(ev["evidence"]) > 8:
            st.caption(t("ex_more", n=len(ev["evidence"]) - 8))


def edge_tag(kind: str, weight: float) -> str:
    """How an edge is known, as its label says it (ex_edge_legend explains the words): curated, a learned
    topic's, or learned from the roadmaps with its strength."""
    if kind == "curated":
        return t("ex_edge_curated")
    if kind == "curated-order":
        return t("ex_edge_order")
    if kind == "learned-topic":
        return t("ex_edge_learned_topic")
    return t("ex_edge_learned", w=round(float(weight), 2))


def _why(lib, topic_id: str) -> None:
    tg = lib.graph
    topics = tg.catalogue.topics
    st.markdown(f"**{t('ex_why')}**")
    other = st.selectbox(
        t("ex_why_from"),
        sorted_topics(tg),
        index=None,
        key="ex_why_from",
        format_func=lambda x: topic_label(topics[x]),
        placeholder=t("path_goal_placeholder"),
    )
    if not other or other == topic_id:
        return
    why = lib.why(other, topic_id)
    a, b = topics[other].name, topics[topic_id].name
    if not why.path:
        st.info(t("ex_why_reverse", a=a, b=b) if why.reverse else t("ex_why_none", a=a, b=b))
        return
    st.markdown(" → ".join(f"**{md_escape(topics[n].name)}**" for n in why.path))
    for e in why.edges:
        st.markdown(f"`{e.source} → {e.target}` ({edge_tag(e.kind, e.weight)})")
        st.markdown("\n".join(f"- {md_escape(x)}" for x in e.evidence[:4]))


def _page() -> None:
    st.title(t("ex_title"), icon=":material/hub:")
    st.caption(t("ex_intro"))
    settings = get_settings()
    lib = get_library(settings)
    tg = lib.graph
    topics = tg.catalogue.topics
    if st.query_params.get("topic") in topics:  # a click on the map's node (a link to ?topic=ID)
        _go(st.query_params.pop("topic"))
    left, right = st.columns(2)
    with left:
        st.text_input(t("ex_search"), key="ex_text", placeholder=t("ex_search_ph"), on_change=_search)
    with right:
        st.selectbox(
            t("ex_pick"),
            sorted_topics(tg),
            index=None,
            key="ex_topic",
            placeholder=t("path_goal_placeholder"),
            format_func=lambda x: topic_label(topics[x]),
            on_change=_picked,
        )
    if st.session_state.get("ex_unresolved"):
        text, closest = st.session_state["ex_unresolved"]
        st.warning(t("ex_none", text=text, closest=closest), icon=":material/search_off:")
    topic_id = st.session_state.get("ex_topic")
    corrected = st.session_state.get("ex_corrected")
    if corrected and corrected[0] == topic_id:
        show_corrected(corrected[1])
    status = lib.learner().status()
    if topic_id not in topics:  # the first view: the whole map
        render_map(lib, status)
        return

    topic = topics[topic_id]
    st.button(t("map_back"), key="ex_back", on_click=_go, args=(None,), icon=":material/hub:", type="tertiary")
    marks = lib.progress()
    st.header(topic_label(topic))
    badges = [
        f"{t('ex_level')}: **{topic.level}**",
        f"{t('ex_area')}: **{topic.area}**",
        status_badge(status.get(topic_id, "todo")),
    ]
    if topic.learned:
        badges.append(learned_badge(topic))
    st.markdown(" &nbsp;·&nbsp; ".join(badges))
    description = topic_description(topic)
    if description:
        st.markdown(description)
    if topic.learned:
        with st.expander(t("learned_evidence"), expanded=True):
            st.markdown("\n".join(f"- {md_escape(e)}" for e in topic.evidence))

    g = tg.graph
    pre, post = sorted(g.predecessors(topic_id)), sorted(g.successors(topic_id))
    if pre or post:
        st.caption(t("ex_edge_legend"))
    c1, c2, c3 = st.columns([2, 3, 2], gap="medium")
    with c1:
        st.subheader(f":material/arrow_back: {t('ex_prereqs')}")
        if not pre:
            st.caption(t("ex_no_prereqs"))
        for p in pre:
            _edge_block(tg, p, topic_id, p)
    with c2:
        st.subheader(t("ex_neighbourhood"))
        st.graphviz_chart(neighbourhood_dot(tg, topic_id, status), width="stretch")
    with c3:
        st.subheader(f":material/arrow_forward: {t('ex_dependants')}")
        if not post:
            st.caption(t("ex_no_dependants"))
        for s in post:
            _edge_block(tg, topic_id, s, s)

    res_col, q_col = st.columns(2, gap="large")
    with res_col:
        resources = tg.resources_by_topic.get(topic_id, [])
        st.subheader(f":material/local_library: {t('ex_resources')} ({len(resources)})")
        if not resources:
            st.caption(t("ex_no_resources"))
        st.markdown("\n".join(f"- {resource_md(r, marks.get(r.id))}" for r in resources[:MAX_RESOURCES]))
        if len(resources) > MAX_RESOURCES:
            st.caption(t("ex_more", n=len(resources) - MAX_RESOURCES))
    with q_col:
        questions = tg.questions_by_topic.get(topic_id, [])
        st.subheader(f":material/quiz: {t('ex_questions')} ({len(questions)})")
        if not questions:
            st.caption(t("ex_no_questions"))
        for q in questions[:MAX_QUESTIONS]:
            st.markdown(
                f"- {md_escape(q['text'])}  \n  <small>{md_escape(q['file'])}:{q['line']}</small>",
                unsafe_allow_html=True,
            )
        if len(questions) > MAX_QUESTIONS:
            st.caption(t("ex_more", n=len(questions) - MAX_QUESTIONS))
    st.divider()
    _why(lib, topic_id)


def render() -> None:
    guard(_page)


if __name__ == "__main__":
    render()
