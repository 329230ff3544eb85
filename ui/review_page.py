"""Review: the interview questions due today as FSRS cards. Think or write an answer, reveal the topic's
description and its best resources, grade Again / Hard / Good / Easy; FSRS decides when it comes back."""

from __future__ import annotations

import streamlit as st

from studygraph.ui.components import guard, md_escape, resource_md
from studygraph.ui.i18n import t, topic_description, topic_label
from studygraph.ui.state import get_library, get_settings, has_library

GRADES = (("again", ":material/replay:"), ("hard", ":material/sentiment_dissatisfied:"),
          ("good", ":material/sentiment_satisfied:"), ("easy", ":material/bolt:"))  # fmt: skip


def _grade(card_id: int, rating: str) -> None:
    answer = st.session_state.get(f"review_answer_{card_id}") or ""
    graded = get_library().grade(card_id, rating, answer=answer).card
    st.session_state.pop("review_revealed", None)
    st.session_state["review_flash"] = (rating, graded["due"].replace("T", " ")[:16])


def _reveal(lib, card: dict) -> None:
    topic = lib.catalogue.topics.get(card["topic"])
    with st.container(border=True):
        if topic is None:
            st.caption(t("review_no_topic"))
            return
        st.markdown(f"**{md_escape(topic_label(topic))}**")
        st.markdown(topic_description(topic) or t("review_no_description"))
        resources = lib.resources_for(topic.id)
        if resources:
            st.markdown(f"{t('review_resources')}\n" + "\n".join(f"- {resource_md(r)}" for r in resources))


def _page() -> None:
    st.title(t("review_title"), icon=":material/style:")
    st.caption(t("review_intro"))
    settings = get_settings()
    if not has_library(settings):
        st.info(t("library_empty"), icon=":material/info:")
        return
    lib = get_library(settings)
    flash = st.session_state.pop("review_flash", None)
    if flash:
        st.toast(t("review_graded", rating=t(f"review_{flash[0]}"), due=flash[1]))
    due = lib.review(limit=1)  # synced with the library's questions first
    m1, m2, m3 = st.columns(3)
    m1.metric(t("review_due"), due.due)
    m2.metric(t("review_new"), due.new)
    m3.metric(t("review_total"), due.total)
    if not due.cards:
        st.success(t("review_none_due") if due.total else t("review_no_cards"), icon=":material/celebration:")
        return
    card = due.cards[0]
    topic = lib.catalogue.topics.get(card["topic"])
    with st.container(border=True):
        st.caption(
            (topic_label(topic) + " · " if topic else "")
            + f"{card['file']}:{card['line']} · "
            + (t("review_card_new") if card["new"] else t("review_card_seen", n=card["reviews"]))
        )
        st.subheader(card["text"])
        st.text_area(t("review_answer"), key=f"review_answer_{card['id']}", placeholder=t("review_answer_ph"))
    if st.session_state.get("review_revealed") != card["id"]:
        st.button(
            t("review_reveal"),
            key="review_reveal",
            type="primary",
            icon=":material/visibility:",
            on_click=lambda: st.session_state.update(review_revealed=card["id"]),
        )
        return
    _reveal(lib, card)
    row = st.columns(len(GRADES))
    for col, (rating, icon) in zip(row, GRADES):
        col.button(
            t(f"review_{rating}"),
            key=f"review-{rating}",
            on_click=_grade,
            args=(card["id"], rating),
            icon=icon,
            width="stretch",
            type="primary" if rating == "good" else "secondary",
        )


def render() -> None:
    guard(_page)


if __name__ == "__main__":
    render()
