"""Progress that is not "done": "I'm still learning LoRA" offers to mark it as being learned, "unmark LoRA" or
"我其实还不会 LoRA" as not done; neither counts as known in the conversation, and confirming writes that status."""

from __future__ import annotations

import pytest
from conftest import LORA_ROADMAP, small_library

from studygraph.assistant.intents import conversation_known, route
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver


@pytest.fixture(scope="module")
def resolver():
    return Resolver(load_catalogue())


MARKS = [
    ("I'm still learning LoRA", "learning"),
    ("currently working through the RLHF material", "learning"),
    ("I haven't quite finished BERT yet", "learning"),
    ("not done with DPO yet", "learning"),
    ("I just started on transformers", "learning"),
    ("我正在学 LoRA", "learning"),
    ("BERT 学了一半", "learning"),
    ("DPO 还没看完", "learning"),
    ("刚开始学注意力机制", "learning"),
    ("unmark LoRA", "todo"),
    ("please mark BERT as not done", "todo"),
    ("I don't actually know LoRA, I clicked by mistake", "todo"),
    ("把 LoRA 标记为未完成", "todo"),
    ("取消 BERT 的完成标记", "todo"),
    ("RLHF 我其实还不会", "todo"),
    ("I finished LoRA", "done"),
    ("我已经学会 LoRA 了", "done"),
]


@pytest.mark.parametrize("text, mark", MARKS)
def test_a_record_of_progress_offers_the_status_it_says(resolver, text, mark):
    intent = route(text, resolver)
    assert (intent.name, intent.mark) == ("progress", mark) and intent.topics


@pytest.mark.parametrize(
    "text, name",
    [
        ("I don't know what LoRA is", "explain"),  # a question, not a record
        ("我其实不懂 LoRA 是什么", "explain"),
        ("我正在学 LoRA，有什么好资料", "find"),  # on it, and asking for resources
        ("在学 RLHF 之前要学什么", "plan"),  # before learning it
        ("I'm learning LoRA, what should I learn next?", "next"),
    ],
)
def test_being_on_a_topic_inside_a_question_leaves_the_question(resolver, text, name):
    assert route(text, resolver).name == name


def test_only_a_done_record_counts_as_known_in_the_conversation(resolver):
    said = ["I'm still learning LoRA", "我其实没学会 DPO", "unmark BERT", "I know transformers"]
    assert conversation_known(said, resolver)[0] == ["transformer"]


@pytest.fixture
def library(tmp_path, embedder):
    lib = small_library(tmp_path, embedder, {"lora.md": LORA_ROADMAP})
    yield lib
    lib.close()


def test_confirming_writes_the_status_the_answer_offered(library):
    learning = library.ask("I'm still learning LoRA")
    confirm = learning.structured["confirm"]
    assert confirm == {"items": ["topic:lora"], "status": "learning"}
    assert "as being learned" in learning.answer and "--status learning" in learning.answer
    library.mark(confirm["items"], confirm["status"])
    assert "lora" in library.learner().learning and "lora" not in library.learner().done

    library.mark(["lora"], "done")
    undo = library.ask("把 LoRA 标记为未完成")
    confirm = undo.structured["confirm"]
    assert confirm["status"] == "todo" and "标记为未完成" in undo.answer
    library.mark(confirm["items"], confirm["status"])
    assert "lora" not in library.learner().done
    assert "lora" in {s.id for s in library.plan("LoRA").steps}
