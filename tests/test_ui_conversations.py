"""The chat's saved conversations and the app's honest empty states, through streamlit's AppTest against
ui/app.py (the data dir of test_ui_apptest.py's session library; no model: deterministic answers).

A reload is a new AppTest with the tab's URL (?c=ID); another tab is a new AppTest without it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_ui_apptest import APP, TIMEOUT, _ok, _texts, library_env, ui_library  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("library_env")


def _tab(conversation: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if conversation:
        at.query_params["c"] = conversation
    at.session_state["lang"] = lang
    at.run()
    _ok(at)
    return at


def _lib():
    from studygraph import Library

    return Library.open()


def _ask(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="chat_input").set_value(text).run()
    _ok(at)
    return at


def test_whitespace_asks_nothing_and_keeps_the_examples():
    at = _tab()
    before = len(_lib().conversations())
    _ask(at, "   \n\t ")
    assert len(at.chat_message) == 0
    assert any("RLHF" in b.label for b in at.button), "the example buttons stay"
    assert any("Ask about what to learn" in c.value for c in at.caption), "and the intro"
    assert len(_lib().conversations()) == before, "nothing is saved"


def test_a_reload_restores_the_conversation_and_another_tab_has_its_own():
    pytest.importorskip("studygraph.assistant.engine")
    at = _ask(_tab(), "What should I learn before RLHF?")
    conversation = at.query_params["c"][0] if isinstance(at.query_params["c"], list) else at.query_params["c"]
    assert conversation and len(at.chat_message) == 2
    first_answer = at.chat_message[1].markdown[0].value

    reloaded = _tab(conversation)
    assert len(reloaded.chat_message) == 2, "the question and its answer come back"
    assert reloaded.chat_message[1].markdown[0].value == first_answer
    assert any("step by step" in e.label for e in reloaded.expander), "the plan's structure is drawn again"
    assert reloaded.sidebar.button(key=f"conv-{conversation}").label == "What should I learn before RLHF?"

    other = _tab()
    assert len(other.chat_message) == 0, "a new tab starts its own chat"
    _ask(other, "Explain LoRA")
    assert len(other.chat_message) == 2
    again = _tab(conversation)
    assert [m.markdown[0].value for m in again.chat_message][:1] == ["What should I learn before RLHF?"]
    assert len(again.chat_message) == 2, "the other tab's question did not land here"

    # a follow-up in the reloaded conversation is routed with the saved turns
    _ask(reloaded, "学 RLHF 之前要学什么？")
    assert len(reloaded.chat_message) == 4
    assert [m.role for m in _lib().conversation(conversation).messages] == ["user", "assistant"] * 2


def test_rename_and_delete_from_the_sidebar():
    pytest.importorskip("studygraph.assistant.engine")
    at = _ask(_tab(), "Explain LoRA")
    conversation = at.session_state["conversation"]
    at.text_input(key=f"conv-title-{conversation}").set_value("LoRA notes")
    at.button(key="conv_rename").click().run()
    _ok(at)
    assert at.sidebar.button(key=f"conv-{conversation}").label == "LoRA notes"
    assert [t.value for t in at.toast] == ["Renamed to “LoRA notes”."]
    at.button(key="conv_delete").click().run()
    _ok(at)
    assert conversation not in {c.id for c in _lib().conversations()}
    assert len(at.chat_message) == 0 and any("RLHF" in b.label for b in at.button), "a new, empty chat"
    assert "c" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_interrupted_answer_says_so_in_the_current_language_and_can_be_asked_again(lang):
    """What a language switch mid-stream leaves: the question, its cut answer with its structure, a note in
    the language now chosen, and a button that asks again."""
    pytest.importorskip("studygraph.assistant.engine")
    lib = _lib()
    conversation = lib.start_conversation().id
    turn = lib.record_question(conversation, "What should I learn before RLHF?")
    answer, _ = lib.ask_stream("What should I learn before RLHF?")  # its payload is known before any text
    lib.record_answer(turn.id, answer, text="To learn RLHF, start", status="interrupted")
    at = _tab(conversation, lang)
    note = "这个回答被打断了" if lang == "zh" else "This answer was interrupted"
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith(note), warnings
    assert "To learn RLHF, start" in _texts(at), "what had been written stays"
    assert at.expander, "the plan's structure is kept"
    at.button(key="ask-again-1").click().run()
    _ok(at)
    assert len(at.chat_message) == 4 and not at.warning[1:], "asked again: a full answer below the cut one"
    assert lib.conversation(conversation).messages[-1].status == "done"


def test_a_pending_answer_of_a_dead_process_is_not_left_blank():
    lib = _lib()
    conversation = lib.start_conversation().id
    lib.record_question(conversation, "What should I learn next?")  # never answered: the process died
    at = _tab(conversation)
    assert len(at.chat_message) == 2
    assert [w.value for w in at.warning][0].startswith("This answer was not finished")
    assert "(no answer)" not in _texts(at)


# -- honest empty states: a warning replaces the result it is no answer to --------------------------
def test_path_warning_replaces_the_last_plan_and_long_goals_are_cut():
    at = _tab()
    at.switch_page("path_page.py").run()
    at.text_input(key="path_goal_text").input("RLHF").run()
    _ok(at)
    assert at.get("graphviz_chart"), "a plan"
    at.text_input(key="path_goal_text").input("spiking neural networks " * 220).run()  # ~4,800 characters
    assert not at.exception
    assert not at.get("graphviz_chart") and not at.metric, "the RLHF plan is gone"
    warning = at.warning[0].value
    assert "is not in the topic map" in warning and len(warning) < 400, warning
    assert not at.info, "no second hint contradicting the warning"
    at.selectbox(key="path_goal").set_value("lora").run()
    _ok(at)
    assert not at.warning and at.get("graphviz_chart"), "a goal from the list answers it"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explorer_warning_replaces_the_topic_and_edges_have_a_legend(lang):
    at = _tab(lang=lang)
    at.switch_page("explorer.py").run()
    at.selectbox(key="ex_topic").set_value("transformer").run()
    _ok(at)
    legend = "Each link says how it is known" if lang == "en" else "每条关系都标明来源"
    assert any(c.value.startswith(legend) for c in at.caption), "the edge labels are explained"
    labels = [e.label for e in at.expander]
    tags = ("curated", "learned · strength", "from a learned topic")
    if lang == "zh":
        tags = ("人工整理", "从路线图学到 · 强度", "来自学到的主题")
    assert labels and all(any(tag in label for tag in tags) for label in labels), labels
    at.selectbox(key="ex_topic").set_value("layer-normalization").run()
    order = "curated · order only" if lang == "en" else "人工整理 · 仅先后顺序"
    assert any(e.label.startswith("Batch") or "批" in e.label for e in at.expander if order in e.label), [
        e.label for e in at.expander
    ]  # batch norm is only taught before layer norm: an order edge, not one learned from roadmaps
    at.text_input(key="ex_text").input("qwxzzv plorkk").run()
    assert not at.exception
    assert at.warning and at.session_state["ex_topic"] is None
    assert not any(c.value.startswith(legend) for c in at.caption), "the transformer's page is gone"


def test_a_data_dir_that_cannot_be_written_still_chats(tmp_path, monkeypatch):
    (tmp_path / "not-a-dir").write_text("x")
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(tmp_path / "not-a-dir" / "data"))
    at = _ask(_tab(), "hello")
    assert len(at.chat_message) == 2 and at.chat_message[1].markdown[0].value.strip()
    assert any(c.value.startswith("Not saved when the app stops") for c in at.sidebar.caption)
