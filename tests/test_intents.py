"""Intent routing: the table in both languages, and follow-ups resolved against the previous turn."""

from __future__ import annotations

import pytest

from studygraph.assistant.intents import route
from studygraph.assistant.query import kind_hint, language, understand


@pytest.fixture(scope="module")
def resolver():
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.resolve import Resolver

    return Resolver(load_catalogue())


ROUTES = [
    ("what should I learn before RLHF", "plan", "rlhf"),
    ("学 RLHF 之前要学什么?", "plan", "rlhf"),
    ("学 RLHF 之前要学什么？", "plan", "rlhf"),
    ("how do I get to DPO", "plan", "dpo"),
    ("RLHF 的前置知识", "plan", "rlhf"),
    ("what should I learn next?", "next", None),
    ("下一步学什么", "next", None),
    ("学完 RLHF 之后学什么", "next", "rlhf"),
    ("a video about attention", "find", "attention"),
    ("BERT 论文", "find", "bert"),
    ("哪里有讲注意力机制的好资料", "find", "attention"),
    ("what is LoRA", "explain", "lora"),
    ("LoRA 是什么", "explain", "lora"),
    ("explain LoRA", "explain", "lora"),
    ("quiz me on transformers", "quiz", "transformer"),
    ("考考我 Transformer 的面试题", "quiz", "transformer"),
    ("transformer 面试题", "quiz", "transformer"),
    ("I finished the transformer lecture", "progress", "transformer"),
    ("我学完了 LoRA", "progress", "lora"),
    ("I have read the BERT paper", "progress", "bert"),
    ("Where can I read about tokenization?", "find", "tokenization"),  # "can I read" asks, it does not report
    ("Where is a good explanation of attention?", "find", "attention"),
    ("Can I watch a video about GPT?", "find", "gpt"),
    ("Where can I find a good introduction to reinforcement learning?", "find", "reinforcement-learning"),
    ("Where can I find an explanation of LoRA?", "find", "lora"),
    ("any good introduction to attention?", "find", "attention"),
    ("有没有讲注意力机制的好资料？", "find", "attention"),
    ("哪里能找到 LoRA 的入门教程", "find", "lora"),
    ("在哪里可以看 Transformer 的讲解", "find", "transformer"),
    ("推荐一些 RLHF 的入门资料", "find", "rlhf"),
    ("RLHF 是什么", "explain", "rlhf"),
    ("explain attention", "explain", "attention"),
    ("hello", "chitchat", None),
    ("你好", "chitchat", None),
    ("what's the weather", "chitchat", None),
    ("what can you do", "chitchat", None),
]


@pytest.mark.parametrize("text, name, topic", ROUTES)
def test_routing_table(resolver, text, name, topic):
    intent = route(text, resolver)
    assert intent.name == name, (text, intent)
    if topic:
        assert topic in intent.topics
    assert intent.lang == language(text)


def test_kind_hints_and_language(resolver):
    assert kind_hint("a video about attention") == "video"
    assert kind_hint("B站 上的课") == "video"
    assert kind_hint("BERT 论文") == "paper"
    assert kind_hint("InstructGPT 论文精读") == "video"  # Mu Li's paper-reading series is videos
    assert kind_hint("IMDB dataset") == "dataset"
    assert kind_hint("github code for LoRA") == "code"
    assert kind_hint("a good book on NLP") == "book"
    assert kind_hint("what is LoRA") is None
    q = understand("InstructGPT paper", resolver)
    assert q.topics[0] == "instructgpt" and q.kind == "paper" and q.lang == "en"
    assert understand("注意力机制", resolver).topics == ["attention"]
    assert language("RLHF 的前置知识") == "zh"


PLAN_TURN = [
    {"role": "user", "content": "what should I learn before RLHF"},
    {"role": "assistant", "content": "1. Transformer ..."},
]
PLAN_TURN_ZH = [{"role": "user", "content": "学 RLHF 之前要学什么？"}, {"role": "assistant", "content": "……"}]


@pytest.mark.parametrize(
    "text, history", [("and after that?", PLAN_TURN), ("然后呢", PLAN_TURN_ZH), ("然后呢？", PLAN_TURN)]
)
def test_followup_after(resolver, text, history):
    intent = route(text, resolver, history)
    assert intent.name == "next" and intent.topics == ["rlhf"] and intent.followup == "after"


@pytest.mark.parametrize("text, history", [("give me a video instead", PLAN_TURN), ("换成视频", PLAN_TURN_ZH)])
def test_followup_kind(resolver, text, history):
    intent = route(text, resolver, history)
    assert intent.name == "find" and intent.kind == "video" and intent.topics == ["rlhf"]


def test_followup_other_topic(resolver):
    intent = route("what about DPO?", resolver, PLAN_TURN)
    assert intent.name == "plan" and intent.topics == ["dpo"]
    intent = route("那 DPO 呢", resolver, PLAN_TURN_ZH)
    assert intent.name == "plan" and intent.topics == ["dpo"]


def test_followup_chain(resolver):
    """A follow-up of a follow-up still finds the subject two turns back."""
    history = PLAN_TURN + [
        {"role": "user", "content": "give me a video instead"},
        {"role": "assistant", "content": "..."},
    ]
    intent = route("and after that?", resolver, history)
    assert intent.topics == ["rlhf"]


def test_followup_without_history_does_not_crash(resolver):
    assert route("and after that?", resolver).name == "next"
    assert route("give me a video instead", resolver).name in ("find", "chitchat")
