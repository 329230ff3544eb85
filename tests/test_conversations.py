"""Conversations that persist: store/conversations.py on a real SQLite file in a tmp data dir, and the
`Library` methods the app and other programs use (start, ask inside, reload, rename, delete), with an
answer whose stream is cut saved as interrupted, never lost."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from conftest import FakeLLM


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "data" / "conversations.sqlite"


def _store(path):
    from studygraph.store.conversations import ConversationStore

    return ConversationStore(path)


# -- the store ---------------------------------------------------------------------------------------
def test_reading_before_anything_is_saved_creates_nothing(store_path):
    from studygraph.store.conversations import ConversationStore

    with ConversationStore(store_path, create=False) as store:
        assert store.conversations() == [] and store.turns("nope") == []
    assert not store_path.parent.exists(), "an app that only looked never creates the data dir"


def test_a_question_is_saved_with_a_pending_answer_then_finished(store_path):
    with _store(store_path) as store:
        conv = store.create()
        assert conv.title == ""
        question, pending = store.ask(conv.id, "  What should I learn\nbefore RLHF?  ")
        assert (question.role, question.status) == ("user", "done")
        assert (pending.role, pending.status, pending.content) == ("assistant", "pending", "")
        assert store.conversation(conv.id).title == "What should I learn before RLHF?", "the first question titles it"
        plan = {"goal": {"id": "rlhf", "name": "RLHF"}, "steps": []}
        cite = [{"title": "Illustrating RLHF", "url": "https://huggingface.co/blog/rlhf", "kind": "article"}]
        assert store.finish(pending.id, "Learn X first.", "done", intent="plan", payload_type="PlanPayload",
                            payload=plan, citations=cite)  # fmt: skip
        assert not store.finish(pending.id, "late", "interrupted", only_pending=True), "an ended turn stays ended"
        store.ask(conv.id, "why?")
    with _store(store_path) as store:  # a new connection: what a reload reads
        turns = store.turns(conv.id)
        assert [(t.role, t.content, t.status) for t in turns] == [
            ("user", "  What should I learn\nbefore RLHF?  ", "done"),  # kept as asked
            ("assistant", "Learn X first.", "done"),
            ("user", "why?", "done"),
            ("assistant", "", "pending"),
        ]
        assert turns[1].payload == plan and turns[1].citations == cite and turns[1].intent == "plan"
        assert store.conversation(conv.id).turns == 4


def test_rename_delete_and_order(store_path):
    with _store(store_path) as store:
        old = store.create("first", now=1.0)
        new = store.create("", now=2.0)
        store.ask(old.id, "a question", now=3.0)  # used last: listed first
        assert [c.id for c in store.conversations()] == [old.id, new.id]
        assert store.rename(new.id, "x" * 200) and len(store.conversation(new.id).title) == 60
        assert store.delete(old.id) and not store.delete(old.id)
        assert [c.id for c in store.conversations()] == [new.id]
        assert store.turns(old.id) == [], "its turns go with it"
        count = store.db.execute("SELECT COUNT(*) FROM turns").fetchone()[0]
        assert count == 0
        with pytest.raises(KeyError):
            store.ask(old.id, "into a deleted conversation")
        with pytest.raises(ValueError):
            store.finish(1, "", "finished")


def test_two_writers_at_once_keep_their_own_conversations(store_path):
    """Two app sessions (threads), each with its own conversation and connections, never cross."""
    with _store(store_path) as store:
        ids = [store.create().id, store.create().id]

    def chat(conversation_id: str, tag: str) -> None:
        for i in range(15):
            with _store(store_path) as store:
                _, pending = store.ask(conversation_id, f"{tag} question {i}")
            with _store(store_path) as store:
                store.finish(pending.id, f"{tag} answer {i}", "done")

    threads = [threading.Thread(target=chat, args=(c, tag)) for c, tag in zip(ids, "AB")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with _store(store_path) as store:
        for conversation_id, tag in zip(ids, "AB"):
            turns = store.turns(conversation_id)
            assert len(turns) == 30 and all(t.content.startswith(tag) for t in turns)
            assert [t.content for t in turns[:2]] == [f"{tag} question 0", f"{tag} answer 0"]


def test_a_broken_file_is_a_clear_error(store_path):
    from studygraph.errors import DataDirError

    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DataDirError, match="conversations.sqlite"):
        _store(store_path)


# -- payloads come back typed --------------------------------------------------------------------------
def test_every_payload_comes_back_from_its_dict():
    from studygraph.assistant.payloads import (
        ChitchatPayload,
        ComparePayload,
        Confirm,
        CoveringResource,
        EdgeRef,
        ExplainPayload,
        FindPayload,
        FoundResource,
        NextItem,
        NextPayload,
        OrderPayload,
        PlanPayload,
        PlanRate,
        PlanStep,
        PlanTime,
        PlanWeek,
        ProgressPayload,
        QuizPayload,
        QuizQuestion,
        ResourceRef,
        TopicCard,
        TopicRef,
        payload_from_dict,
    )

    ref = ResourceRef("r1", "Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "paper")
    payloads = [
        PlanPayload(
            TopicRef("rlhf", "RLHF", "人类反馈强化学习"), [PlanStep("rl", "RL", "", 3.0, "why", "todo", [ref])], 3.0
        ),
        NextPayload([NextItem("rl", "RL", "强化学习", 0.5, "unlocks", [ref], learned=True)]),
        FindPayload([FoundResource("r1", "t", None, "video", "snip", "a.md:3", 0.25)], ["rl"], "video"),
        ExplainPayload(TopicCard("lora", "LoRA", description="low rank"), ["transformer"], ["qlora"], [ref]),
        QuizPayload([QuizQuestion("What is attention?", "a.md:4")], [TopicRef("attention", "Attention")], []),
        ProgressPayload(Confirm(["topic:rl"], "done"), [TopicRef("rl", "RL")], [ref]),
        PlanPayload(
            TopicRef("lora", "LoRA"),
            [],
            5.0,
            time=PlanTime(
                5.0, [PlanRate(5.0, 1)], 1.0, False, "2026-12-09", [PlanWeek(1, "2026-12-03", 5.0, ["lora"])]
            ),
        ),
        ComparePayload(
            [TopicCard("lora", "LoRA"), TopicCard("qlora", "QLoRA")],
            [["lora", "qlora"]],
            [],
            {"lora": [], "qlora": ["quantization"]},
            [CoveringResource("r1", "t", None, "article", covers=["lora", "qlora"])],
            known=["lora"],
        ),
        OrderPayload(
            [TopicCard("bert", "BERT"), TopicCard("gpt", "GPT")],
            [],
            ["transformer"],
            {"bert": ["transfer-learning"], "gpt": []},
            [],
            learning=["gpt"],
            sequence=["gpt", "bert"],
            first="gpt",
            left={"gpt": 3, "bert": 5},
            edges=[EdgeRef("lora", "qlora", 1.0, "curated", ["QLoRA trains LoRA adapters"])],
        ),
        ChitchatPayload(),
    ]
    for payload in payloads:
        back = payload_from_dict(type(payload).__name__, payload.to_dict())
        assert back == payload and type(back) is type(payload)
    assert payload_from_dict("NoSuchPayload", {}) is None and payload_from_dict("PlanPayload", None) is None


# -- the Library ---------------------------------------------------------------------------------------
def test_library_conversations_without_any_library(tmp_path):
    """A learner can start, list, rename and delete conversations before ever ingesting anything."""
    from studygraph import Library
    from studygraph.library import UnknownConversation

    lib = Library.open(tmp_path / "data", llm_backend="none")
    assert lib.conversations() == []
    conv = lib.start_conversation()
    assert [c.id for c in lib.conversations()] == [conv.id] and conv.turns == 0
    assert lib.rename_conversation(conv.id, "RLHF prep").title == "RLHF prep"
    assert lib.conversation(conv.id).to_dict()["messages"] == []
    lib.delete_conversation(conv.id)
    assert lib.conversations() == []
    for call in (lambda: lib.conversation(conv.id), lambda: lib.delete_conversation(conv.id)):
        with pytest.raises(UnknownConversation, match="no conversation"):
            call()
    with pytest.raises(Exception, match="cannot be empty"):
        lib.rename_conversation(lib.start_conversation().id, "   ")


@pytest.fixture(scope="module")
def seeded(seed_library):
    settings, _ = seed_library
    return settings.data_dir


def test_a_conversation_comes_back_with_its_answers_and_follow_up_context(seeded, tmp_path):
    """Ask twice in a conversation, open the library again (a reload): the turns come back with typed
    payloads and citations, and the next question is routed with them as history."""
    from studygraph.assistant.payloads import PlanPayload

    conversations = tmp_path / "conversations.sqlite"
    lib = _library(seeded, conversations, llm_backend="none")
    conv = lib.start_conversation()
    first = lib.converse(conv.id, "What should I learn before RLHF?")
    assert first.intent == "plan" and first.citations
    lib.converse(conv.id, "学 RLHF 之前要学什么？")

    again = _library(seeded, conversations, llm_backend="none")
    saved = again.conversation(conv.id)
    assert [m.role for m in saved.messages] == ["user", "assistant"] * 2
    assert all(m.status == "done" for m in saved.messages)
    answer = saved.messages[1]
    assert isinstance(answer.payload, PlanPayload) and answer.payload.goal.id == "rlhf"
    assert answer.content == first.answer and [c.url for c in answer.citations] == [c.url for c in first.citations]
    assert saved.to_dict()["messages"][1]["payload_type"] == "PlanPayload"
    assert saved.history(6)[0] == {"role": "user", "content": "What should I learn before RLHF?"}

    seen = []
    real_ask_stream = again.ask_stream
    again.ask_stream = lambda q, history=None: seen.append(history) or real_ask_stream(q, history)
    again.converse(conv.id, "why?")
    assert seen[0] == saved.history(6), "the saved turns are the follow-up's history"


def test_i_know_x_still_counts_sixty_turns_later(seeded, tmp_path):
    """ "I know neural networks" said at the start of a saved conversation still shortens a plan after 60 more
    messages (the follow-up context is the whole conversation, not a window); the model's prompt keeps only the
    last few of them."""
    from studygraph.assistant.grounding import HISTORY_TURNS

    lib = _library(seeded, tmp_path / "long.sqlite", llm_backend="none")
    fresh = lib.converse(lib.start_conversation().id, "What should I learn before RLHF?")
    conv = lib.start_conversation()
    assert lib.converse(conv.id, "I know neural networks").intent == "progress"
    for i in range(30):  # 60 messages of other talk, saved as the app saves them
        turn = lib.record_question(conv.id, f"thanks {i}")
        lib.record_answer(turn.id, text="You're welcome.")
    assert len(lib.conversation(conv.id).messages) == 62
    plan = lib.converse(conv.id, "What should I learn before RLHF?")
    steps = {s["id"] for s in plan.structured["steps"]}
    assert "neural-networks" in {s["id"] for s in fresh.structured["steps"]}
    assert "neural-networks" not in steps and len(steps) < len(fresh.structured["steps"])
    assert plan.structured["skipped"], "the plan says it skipped what is known"
    assert HISTORY_TURNS < 60, "only the prompt is cut to what fits"


def _library(data_dir, conversations, **kw):
    """The shared seed library (read only), its conversations in a file of this test's own."""
    from studygraph import Library
    from studygraph.store.conversations import ConversationStore

    lib = Library.open(data_dir, **kw)
    lib._conversations = lambda create=True: ConversationStore(conversations, create=create)
    return lib


def test_a_cut_stream_is_saved_as_interrupted_with_its_payload(seeded, tmp_path):
    """The app's rerun abandons an answer mid-stream: what was written and the payload are kept, and the
    turn says it was interrupted; a failure before any answer is saved as an error turn."""
    lib = _library(seeded, tmp_path / "c.sqlite", llm=FakeLLM(["To learn RLHF, ", "start with ", "RL."]))
    conv = lib.start_conversation()
    answer, pieces = lib.converse_stream(conv.id, "What should I learn before RLHF?")
    assert lib.conversation(conv.id).messages[-1].status == "pending", "saved before it is answered"
    next(pieces)
    pieces.close()  # what Streamlit's rerun amounts to
    turn = lib.conversation(conv.id).messages[-1]
    assert turn.status == "interrupted" and turn.payload is not None and turn.payload.goal.id == "rlhf"
    assert lib.record_answer(turn.id, text="later", only_pending=True) is False

    boom = _library(seeded, tmp_path / "c.sqlite", llm=FakeLLM([RuntimeError("disk on fire")]))
    boom.converse(conv.id, "What should I learn before RLHF?")  # the engine turns a model error into a note
    last = boom.conversation(conv.id).messages[-1]
    assert last.status == "done" and "deterministic" in last.content

    def broken(question, history=None):
        raise sqlite3.OperationalError("the index is broken")

    boom.ask_stream = broken
    with pytest.raises(sqlite3.OperationalError):
        boom.converse(conv.id, "hello")
    last = boom.conversation(conv.id).messages[-1]
    assert (last.status, last.content) == ("error", "the index is broken")


def test_one_library_serves_two_sessions_at_once(tmp_path):
    """The app shares one Library between its sessions (threads): each keeps its own conversation."""
    from studygraph import Library

    lib = Library.open(tmp_path / "data", llm_backend="none")
    ids = [lib.start_conversation().id, lib.start_conversation().id]

    def chat(conversation_id: str, tag: str) -> None:
        for i in range(25):
            turn = lib.record_question(conversation_id, f"{tag} question {i}")
            lib.record_answer(turn.id, text=f"{tag} answer {i}")

    threads = [threading.Thread(target=chat, args=(c, tag)) for c, tag in zip(ids, "AB")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    again = Library.open(tmp_path / "data", llm_backend="none")  # another process's view of the file
    for conversation_id, tag in zip(ids, "AB"):
        messages = again.conversation(conversation_id).messages
        assert len(messages) == 50 and all(m.content.startswith(tag) and m.status == "done" for m in messages)


def test_a_data_dir_that_cannot_be_written_still_chats_unsaved(tmp_path):
    """Where conversations.sqlite cannot be made (here: the data dir's parent is a file), the chat still
    works for the life of the process, and says why nothing is saved."""
    from studygraph import Library

    (tmp_path / "not-a-dir").write_text("x")
    lib = Library.open(tmp_path / "not-a-dir" / "data", llm_backend="none")
    assert lib.conversations() == [] and lib.conversations_unsaved is None, "reading alone tries nothing"
    conv = lib.start_conversation()
    turn = lib.record_question(conv.id, "What should I learn next?")
    lib.record_answer(turn.id, text="Linear algebra.")
    assert [m.content for m in lib.conversation(conv.id).messages] == ["What should I learn next?", "Linear algebra."]
    assert "cannot create the data dir" in lib.conversations_unsaved
