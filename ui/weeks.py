"""The Path page's dated plan: hours per week in, the plan's weeks out, and an .ics file to download."""

from __future__ import annotations

import datetime as _dt

import streamlit as st

from studygraph.ui.i18n import t, topic_label


def render_weeks(lib, result, topics) -> None:
    """Weeks of `path_hours_week` hours from `path_start`; a step longer than a week spans weeks
    (Library.schedule). `result` is the Library's plan."""

    st.markdown(f"**{t('path_weeks')}**")
    left, mid, right = st.columns([1, 1, 2], vertical_alignment="bottom")
    hours = left.number_input(t("path_hours_week"), 0.5, 168.0, 6.0, 0.5, key="path_hours_week")
    start = mid.date_input(t("path_start"), _dt.date.today(), key="path_start")
    weeks = lib.schedule(result, float(hours), start).week_objects
    blocks = sum(len(w.steps) for w in weeks)
    right.download_button(
        t("path_ics"),
        lib.plan_ics(result),
        file_name=f"plan-{result.goal.id}.ics",
        mime="text/calendar",
        help=t("path_ics_help", n=blocks),
        icon=":material/calendar_month:",
        key="path_ics",
    )
    if not weeks:
        return
    st.caption(t("path_weeks_total", n=len(weeks), end=weeks[-1].end.isoformat()))
    for w in weeks:
        with st.expander(
            t("path_week", n=w.number, start=w.start.isoformat(), h=f"{w.hours:g}"), expanded=w.number == 1
        ):
            lines = []
            for b in w.steps:
                part = f" ({b.part}/{b.parts})" if b.parts > 1 else ""
                lines.append(
                    f"- {b.start:%m-%d}–{b.end:%m-%d} · **{topic_label(topics[b.id]) if b.id in topics else b.name}**"
                    f"{part} · {t('path_step_hours', h=f'{b.hours:g}')}"
                )
            st.markdown("\n".join(lines))
