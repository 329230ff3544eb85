"""Chat: ask in English or Chinese, get a streamed answer with cited links and the structured result.

The assistant (and with it the embedder and the model) is created on the first question, not before.
"""

from __future__ import annotations

import streamlit as st

from studygraph.assistant.payloads import (
    ChitchatPayload,
    NextItem,
    NextPayload,
    Payload,
    PlanPayload,
    PlanStep,
    ProgressPayload,
    QuizPayload,
    ResourceRef,
)
from studygraph.assistant.render import user_text
from studygraph.models import TOPIC_PREFIX
from studygraph.ui.components import citation_md, guard, link, md_escape
from studygraph.ui.i18n import kind_badge, status_badge, status_label, t
from studygraph.ui.state import get_assistant, get_settings, has_library, one_line, set_progress

EXAMPLES = [
    "What should I learn before RLHF?",
    "学 RLHF 之前要学什么？",
    "What should I learn next?",
    "哪里有讲注意力机制的好资料？",
    "Explain LoRA",
    "考考我 Transformer 的面试题",
]
# Earlier messages passed to the assistant: follow-ups ("why?", "I know X" ten turns back) are read from them; the
# model's prompt keeps only what fits its budget (grounding.build_chat_prompt).
MAX_HISTORY = 40


def _messages() -> list[dict]:
    return st.session_state.setdefault("chat", [])


def render_citations(citations: list[dict]) -> None:
    if not citations:
        return
    lines = [f"{i}. {citation_md(c['title'], c['url'], c['kind'])}" for i, c in enumerate(citations, 1)]
    st.markdown(f"**{t('chat_sources')}**\n\n" + "\n".join(lines))


def _resource_line(r: ResourceRef) -> str:
    text = f"{kind_badge(r.kind or 'website')} {link(r.title or r.url or '', r.url)}"
    return text + (f" — {md_escape(r.snippet[:160])}" if r.snippet else "")


def _step_md(i: int, step: PlanStep | NextItem) -> str:
    """A plan step or a "next" topic: **n. name / zh** · hours, its status, its why, its resources."""
    head = f"**{i}. {md_escape(step.name)}**" + (f" / {md_escape(step.zh)}" if step.zh and step.zh != step.name else "")
    if isinstance(step, PlanStep):
        head += f" · {t('path_step_hours', h=step.hours)}"
        if step.status != "todo":
            head += f" {status_badge(step.status)}"
    lines = [head]
    if step.why:
        lines.append(f"  \n_{md_escape(step.why)}_")
    lines.extend(f"\n    - {_resource_line(r)}" for r in step.resources)
    return "".join(lines)


def render_structured(payload: Payload, index: int = 0) -> None:
    """The structured result under the prose: plan steps, next topics, questions or resources."""
    steps = (
        payload.steps
        if isinstance(payload, PlanPayload)
        else payload.topics
        if isinstance(payload, NextPayload)
        else []
    )
    questions = payload.questions if isinstance(payload, QuizPayload) else []
    resources = [] if steps else getattr(payload, "resources", [])
    if not (steps or questions or resources):
        return
    label = t("chat_plan_details") if steps else t("chat_resource_details") if not questions else t("chat_details")
    with st.expander(label, expanded=False):
        if isinstance(payload, PlanPayload) and payload.hours:
            st.caption(t("path_total", n=len(steps), h=payload.hours))
        for i, step in enumerate(steps, 1):
            st.markdown(_step_md(i, step))
        if questions:
            st.markdown(
                "\n".join(
                    f"{i}. {md_escape(q.text)} <small>{md_escape(q.source)}</small>" for i, q in enumerate(questions, 1)
                ),
                unsafe_allow_html=True,
            )
        if resources:
            st.markdown("\n".join(f"- {_resource_line(r)}" for r in resources))
    if isinstance(payload, PlanPayload) and st.button(
        t("chat_open_plan"), key=f"open-plan-{index}", icon=":material/route:"
    ):
        st.session_state["path_goal_request"] = (
            payload.goal.id
        )  # path_page moves it into its selectbox before drawing it
        st.switch_page("path_page.py")


def render_confirm(payload: Payload, index: int) -> None:
    """A progress answer asks before it records anything: one button marks the items."""
    if not isinstance(payload, ProgressPayload) or not payload.confirm.items:
        return
    items, status = payload.confirm.items, payload.confirm.status
    names = ", ".join(i.removeprefix(TOPIC_PREFIX) for i in items)
    done_key = f"confirmed-{index}"
    if st.session_state.get(done_key):
        st.success(t("chat_confirmed", items=names, status=status_label(status)))
        return
    if st.button(t("chat_confirm", items=names, status=status_label(status)), key=f"confirm-{index}", type="primary"):
        set_progress(get_settings(), items, status)
        st.session_state[done_key] = True
        st.rerun()


def render_message(message: dict, index: int) -> None:
    with st.chat_message(message["role"]):
        if message["role"] == "user":  # the learner's own words as text: no markup, no image the browser fetches
            st.markdown(user_text(message["content"]))
        else:
            st.markdown(message["content"] or t("chat_no_answer"))
        if message["role"] == "assistant":
            render_citations(message.get("citations") or [])
            payload = message.get("payload") or ChitchatPayload()
            render_structured(payload, index)
            render_confirm(payload, index)


def _answer(question: str) -> None:
    settings = get_settings()
    messages = _messages()
    history = [{"role": m["role"], "content": m["content"]} for m in messages[-MAX_HISTORY:]]
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(user_text(question))
    with st.chat_message("assistant"):
        try:
            first = "assistant_ready" not in st.session_state
            with st.spinner(t("chat_loading") if first else t("chat_thinking")):
                assistant = get_assistant(settings)
                answer, pieces = assistant.ask_stream(question, history=history or None)
            st.session_state["assistant_ready"] = True
            text = st.write_stream(pieces)
        except Exception as exc:  # noqa: BLE001 - one line, never a stack trace
            message = t("error", msg=one_line(exc))
            st.error(message, icon=":material/error:")
            messages.append({"role": "assistant", "content": message, "error": True})
            return
        text = text if isinstance(text, str) and text.strip() else (answer.text or "")
        citations = [{"title": c.title, "url": c.url, "kind": c.kind} for c in answer.citations]
        llm = getattr(assistant, "llm", None)  # loaded by ask_stream already; read for the sidebar's status
        st.session_state["model_info"] = {
            "model": answer.model or "none",
            "reason": getattr(llm, "reason", None),
            "gpu_layers": getattr(llm, "n_gpu_layers", None),
        }
        messages.append(
            {
                "role": "assistant",
                "content": text,
                "citations": citations,
                "payload": answer.payload,
                "intent": answer.intent,
                "model": answer.model,
            }
        )
        render_citations(citations)
        render_structured(answer.payload, len(messages) - 1)
        render_confirm(answer.payload, len(messages) - 1)


def _page() -> None:
    st.title(t("chat_title"), icon=":material/forum:")
    settings = get_settings()
    if not has_library(settings):
        st.info(t("library_empty"), icon=":material/local_library:")
    messages = _messages()
    question = st.chat_input(t("chat_placeholder"), key="chat_input") or st.session_state.pop("pending_question", None)
    if not messages and not question:
        st.caption(t("chat_intro"))
        st.markdown(f"**{t('chat_examples')}**")
        cols = st.columns(2)
        for i, example in enumerate(EXAMPLES):
            if cols[i % 2].button(example, key=f"example-{i}", width="stretch"):
                st.session_state["pending_question"] = example
                st.rerun()
    for i, message in enumerate(messages):
        render_message(message, i)
    if question and question.strip():
        _answer(question.strip())
    if messages:
        with st.sidebar:
            if st.button(t("chat_clear"), key="chat_clear", icon=":material/delete_sweep:"):
                st.session_state["chat"] = []
                st.rerun()


def render() -> None:
    guard(_page)


if __name__ == "__main__":
    render()
