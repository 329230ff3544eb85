"""Chat: ask in English or Chinese, get a streamed answer with cited links and the structured result.

The assistant (and with it the embedder and the model) is created on the first question, not before.
"""
from __future__ import annotations

import streamlit as st

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
MAX_HISTORY = 6  # earlier turns passed to the assistant


def _messages() -> list[dict]:
    return st.session_state.setdefault("chat", [])


def render_citations(citations: list[dict]) -> None:
    if not citations:
        return
    lines = [f"{i}. {citation_md(c['title'], c['url'], c['kind'])}" for i, c in enumerate(citations, 1)]
    st.markdown(f"**{t('chat_sources')}**\n\n" + "\n".join(lines))


def _resource_line(item) -> str:
    if isinstance(item, dict):
        title = item.get("title") or item.get("name") or item.get("url") or ""
        text = f"{kind_badge(item.get('kind') or 'website')} {link(title, item.get('url'))}"
        extra = item.get("snippet") or item.get("why")
        return text + (f" — {md_escape(str(extra)[:160])}" if extra else "")
    return md_escape(str(item))


def _step_md(i: int, step: dict) -> str:
    """A plan step or a "next" topic: **n. name / zh** · hours, its why, its resources."""
    name = step.get("name") or step.get("id", "")
    zh = step.get("zh")
    head = f"**{i}. {md_escape(name)}**" + (f" / {md_escape(zh)}" if zh and zh != name else "")
    if step.get("hours"):
        head += f" · {t('path_step_hours', h=step['hours'])}"
    if step.get("status") and step["status"] != "todo":
        head += f" {status_badge(step['status'])}"
    lines = [head]
    if step.get("why"):
        lines.append(f"  \n_{md_escape(step['why'])}_")
    for r in step.get("resources") or []:
        lines.append(f"\n    - {_resource_line(r)}")
    return "".join(lines)


def render_structured(structured: dict, index: int = 0) -> None:
    """The structured result under the prose: plan steps, next topics, questions or resources."""
    if not structured:
        return
    steps = structured.get("steps")
    topics = [x for x in structured.get("topics") or [] if isinstance(x, dict) and ("why" in x or "resources" in x)]
    questions = structured.get("questions")
    resources = structured.get("resources") or structured.get("results")
    if not (steps or topics or questions or resources):
        return
    label = t("chat_plan_details") if steps or topics else t("chat_resource_details") if resources and not questions else t("chat_details")
    with st.expander(label, expanded=False):
        if steps and structured.get("hours"):
            st.caption(t("path_total", n=len(steps), h=structured["hours"]))
        for i, step in enumerate(steps or topics, 1):
            st.markdown(_step_md(i, step) if isinstance(step, dict) else f"{i}. {md_escape(str(step))}")
        if questions:
            st.markdown("\n".join(f"{i}. {md_escape(q.get('text', ''))} <small>{md_escape(q.get('source', ''))}</small>"
                                   for i, q in enumerate(questions, 1) if isinstance(q, dict)), unsafe_allow_html=True)
        if resources and not (steps or topics):
            st.markdown("\n".join(f"- {_resource_line(r)}" for r in resources))
    goal = (structured.get("goal") or {}).get("id") if steps else None
    if goal and st.button(t("chat_open_plan"), key=f"open-plan-{index}", icon=":material/route:"):
        st.session_state["path_goal_request"] = goal  # path_page moves it into its selectbox before drawing it
        st.switch_page("path_page.py")


def _confirm_payload(structured: dict) -> tuple[list[str], str] | None:
    """`structured["confirm"]`: {"items": [...], "status": "done"} (or a bare list of items)."""
    confirm = (structured or {}).get("confirm")
    if not confirm:
        return None
    if isinstance(confirm, dict):
        items = confirm.get("items") or confirm.get("keys") or []
        status = confirm.get("status") or "done"
    else:
        items, status = list(confirm), "done"
    items = [str(i) for i in items]
    return (items, status) if items else None


def render_confirm(structured: dict, index: int) -> None:
    payload = _confirm_payload(structured)
    if not payload:
        return
    items, status = payload
    names = ", ".join(i.removeprefix("topic:") for i in items)
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
        st.markdown(message["content"] or t("chat_no_answer"))
        if message["role"] == "assistant":
            render_citations(message.get("citations") or [])
            render_structured(message.get("structured") or {}, index)
            render_confirm(message.get("structured") or {}, index)


def _answer(question: str) -> None:
    settings = get_settings()
    messages = _messages()
    history = [{"role": m["role"], "content": m["content"]} for m in messages[-MAX_HISTORY:]]
    messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
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
        structured = answer.structured or {}
        llm = getattr(assistant, "llm", None)  # loaded by ask_stream already; read for the sidebar's status
        st.session_state["model_info"] = {"model": answer.model or "none", "reason": getattr(llm, "reason", None),
                                          "gpu_layers": getattr(llm, "n_gpu_layers", None)}
        messages.append({"role": "assistant", "content": text, "citations": citations, "structured": structured,
                         "intent": answer.intent, "model": answer.model})
        render_citations(citations)
        render_structured(structured, len(messages) - 1)
        render_confirm(structured, len(messages) - 1)


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
