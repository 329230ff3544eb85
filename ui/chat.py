"""Chat: ask in English or Chinese, get a streamed answer with cited links and the structured result.

The assistant (and with it the embedder and the model) is created on the first question, not before.
"""

from __future__ import annotations

import time

import streamlit as st

from studygraph.assistant import render as answer_md
from studygraph.assistant.payloads import (
    ChitchatPayload,
    FindPayload,
    NextPayload,
    Payload,
    PlanPayload,
    ProgressPayload,
    QuizPayload,
    ResourceRef,
)
from studygraph.assistant.render import user_text
from studygraph.library import HISTORY_TURNS, UnknownConversation
from studygraph.models import TOPIC_PREFIX
from studygraph.ui.components import guard
from studygraph.ui.i18n import kind_badge, status_badge, status_label, t
from studygraph.ui.i18n import lang as ui_lang
from studygraph.ui.sidebar import render_conversations
from studygraph.ui.state import get_assistant, get_library, get_settings, has_library, one_line, set_progress

EXAMPLES = [
    "What should I learn before RLHF?",
    "学 RLHF 之前要学什么？",
    "What should I learn next?",
    "哪里有讲注意力机制的好资料？",
    "Explain LoRA",
    "考考我 Transformer 的面试题",
]
SETTLE_SECONDS = 15.0  # how long a run waits for the answer its predecessor was cut in to be saved
# Earlier messages passed to the assistant: the whole conversation (studygraph.library.HISTORY_TURNS), so
# follow-ups and "I know X" are read from all of it; the model's prompt keeps only what fits its budget.
MAX_HISTORY = HISTORY_TURNS


APP_STYLE = answer_md.Style(kind=kind_badge, status=status_badge, snippet=160)  # the renderer's structure, our badges


def render_citations(citations: list[dict]) -> None:
    """The answer's numbered sources ([1] is the first), as the renderer lists resources, with kind badges."""
    if not citations:
        return
    cited = [ResourceRef("", c["title"], c["url"], c["kind"] or "website") for c in citations]
    st.markdown(answer_md.blocks(f"**{t('chat_sources')}**", answer_md.resource_list(cited, APP_STYLE)))


def details_md(payload: Payload) -> str:
    """The structured result under the prose, drawn by the answer renderer (assistant/render.py) in the page's
    language with the app's badges: the same numbered steps with their resources nested under them as the
    answer itself, whatever the model wrote above it."""
    lang = ui_lang()
    if isinstance(payload, PlanPayload):
        total = t("path_total", n=len(payload.steps), h=payload.hours) if payload.hours else ""
        return answer_md.blocks(total and answer_md.escape(total), answer_md.plan_steps(payload, lang, style=APP_STYLE))
    if isinstance(payload, NextPayload):
        return answer_md.next_list(payload, lang, style=APP_STYLE)
    if isinstance(payload, QuizPayload):
        questions = answer_md.question_list((q.text, q.source) for q in payload.questions)
        return answer_md.blocks(questions, answer_md.resource_list(payload.resources, APP_STYLE, ordered=False))
    resources = getattr(payload, "resources", [])
    return answer_md.resource_list(resources, APP_STYLE, ordered=isinstance(payload, FindPayload))


def render_structured(payload: Payload, index: int = 0) -> None:
    """The structured result under the prose: plan steps, next topics, questions or resources."""
    steps = isinstance(payload, (PlanPayload, NextPayload)) and (
        payload.steps if isinstance(payload, PlanPayload) else payload.topics
    )
    questions = isinstance(payload, QuizPayload) and payload.questions
    if not (steps or questions or getattr(payload, "resources", [])):
        return
    label = t("chat_plan_details") if steps else t("chat_details") if questions else t("chat_resource_details")
    with st.expander(label, expanded=False):
        st.markdown(details_md(payload))
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
        elif message["content"] or message.get("status", "done") == "done":
            st.markdown(message["content"] or t("chat_no_answer"))
        if message["role"] == "assistant":
            render_citations(message.get("citations") or [])
            payload = message.get("payload") or ChitchatPayload()
            render_structured(payload, index)
            render_confirm(payload, index)
            render_unfinished(message, index)


def _settle_cut_answer(lib) -> None:
    """A rerun (a language switch, a click) stops the run that is streaming an answer, but Streamlit starts
    the next run at once while the old one still waits for the model's next words. Give the old run a
    moment to save what it had as interrupted; past SETTLE_SECONDS call the answer interrupted here."""
    turn_id = st.session_state.get("streaming_turn")
    if turn_id is None:
        return
    deadline = time.monotonic() + SETTLE_SECONDS
    with st.spinner(t("chat_settling")):
        while st.session_state.get("streaming_turn") == turn_id and time.monotonic() < deadline:
            time.sleep(0.1)
    if st.session_state.get("streaming_turn") == turn_id:
        lib.record_answer(turn_id, text="", status="interrupted", only_pending=True)
        st.session_state.pop("streaming_turn", None)


def _conversation(lib) -> str | None:
    """This tab's conversation: kept in its session and in its URL (?c=ID), so a reload opens it again and
    another tab starts its own. None: a new chat, saved once its first question is asked."""
    if "conversation" not in st.session_state:
        wanted = st.query_params.get("c")
        known = {c.id for c in lib.conversations()} if wanted else set()
        st.session_state["conversation"] = wanted if wanted in known else None
    current = st.session_state["conversation"]
    if current:
        st.query_params["c"] = current
    else:
        st.query_params.pop("c", None)
    return current


def _messages(lib, conversation_id: str | None) -> list[dict]:
    """The conversation's turns as the renderer reads them (each answer with its typed payload)."""
    if not conversation_id:
        return []
    try:
        turns = lib.conversation(conversation_id).messages
    except UnknownConversation:  # deleted in another tab: this one starts a new chat
        st.session_state["conversation"] = None
        st.query_params.pop("c", None)
        return []
    out, question = [], ""
    for turn in turns:
        message = {"role": turn.role, "content": turn.content, "status": turn.status, "question": question}
        if turn.role == "user":
            question = turn.content
        else:
            message.update(
                citations=[c.to_dict() for c in turn.citations],
                payload=turn.payload,
                intent=turn.intent,
                model=turn.model,
                error=turn.status == "error",
            )
        out.append(message)
    return out


def render_unfinished(message: dict, index: int) -> None:
    """An answer cut short (a rerun, a language switch, a page change while it streamed) or never saved
    says so in the current language, with what it had and a button to ask again."""
    status = message.get("status")
    if status not in ("interrupted", "pending"):
        return
    st.warning(t("chat_interrupted" if status == "interrupted" else "chat_unfinished"), icon=":material/pause_circle:")
    if message.get("question") and st.button(t("chat_ask_again"), key=f"ask-again-{index}", icon=":material/replay:"):
        st.session_state["pending_question"] = message["question"]
        st.rerun()


def _note_model(assistant, answer) -> None:
    llm = getattr(assistant, "llm", None)  # loaded by ask_stream already; read for the sidebar's status
    st.session_state["model_info"] = {
        "model": answer.model or "none",
        "reason": getattr(llm, "reason", None),
        "gpu_layers": getattr(llm, "n_gpu_layers", None),
    }


def _answer(lib, question: str, index: int) -> None:
    """Ask `question` in this tab's conversation (started here when new): it is saved before it is
    answered, and its answer when the stream ends — or as interrupted when the stream is cut."""
    settings = get_settings()
    conversation = st.session_state.get("conversation") or lib.start_conversation().id
    st.session_state["conversation"] = conversation
    st.query_params["c"] = conversation
    history = lib.conversation(conversation).history(MAX_HISTORY)
    turn = lib.record_question(conversation, question)
    st.session_state["streaming_turn"] = turn.id  # until this answer is saved (see _settle_cut_answer)
    with st.chat_message("user"):
        st.markdown(user_text(question))
    answer = stream = None
    with st.chat_message("assistant"):
        try:
            first = "assistant_ready" not in st.session_state
            with st.spinner(t("chat_loading") if first else t("chat_thinking")):
                assistant = get_assistant(settings)
                answer, pieces = assistant.ask_stream(question, history=history or None)
            st.session_state["assistant_ready"] = True
            _note_model(assistant, answer)  # before the stream: a cut answer has used the model too
            stream = lib.recorded_stream(turn.id, answer, pieces)
            st.write_stream(stream)
        except Exception as exc:  # noqa: BLE001 - one line, never a stack trace
            message = t("error", msg=one_line(exc))
            st.error(message, icon=":material/error:")
            lib.record_answer(turn.id, answer, text=message, status="error")
            return
        finally:  # Streamlit's rerun (a BaseException) lands here too: the answer is cut, and saved so
            if stream is not None:
                stream.close()
            lib.record_answer(turn.id, answer, text="", status="interrupted", only_pending=True)
            if st.session_state.get("streaming_turn") == turn.id:
                del st.session_state["streaming_turn"]
        citations = [{"title": c.title, "url": c.url, "kind": c.kind} for c in answer.citations]
        render_citations(citations)
        render_structured(answer.payload, index)
        render_confirm(answer.payload, index)


def _page() -> None:
    st.title(t("chat_title"), icon=":material/forum:")
    settings = get_settings()
    lib = get_library(settings)
    conversations = st.sidebar.container()  # filled last: a conversation started below is listed at once
    _settle_cut_answer(lib)
    if not has_library(settings):
        st.info(t("library_empty"), icon=":material/local_library:")
    messages = _messages(lib, _conversation(lib))
    st.session_state["chat"] = messages
    typed = st.chat_input(t("chat_placeholder"), key="chat_input")
    question = (typed or st.session_state.pop("pending_question", None) or "").strip()  # whitespace asks nothing
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
    if question:
        _answer(lib, question, len(messages) + 1)
    with conversations:
        render_conversations(lib, st.session_state.get("conversation"))


def render() -> None:
    guard(_page)


if __name__ == "__main__":
    render()
