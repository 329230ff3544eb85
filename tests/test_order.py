"""Which of two topics to learn first ("should I learn BERT or GPT first?", "学 QLoRA 需要先学 LoRA 吗"): routed as
an order question about both, answered from the prerequisite graph (graph/compare.py learning_order) with each
edge's evidence, or that neither builds on the other and which is the nearer start; "why?" and other follow-ups
after it. A "why" between two topics says when only an order hint joins them, not a prerequisite."""

from __future__ import annotations

import networkx as nx
import pytest
from conftest import small_library, talk

from studygraph.assistant.intents import route
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.compare import learning_order, nearer_start
from studygraph.graph.resolve import Resolver


@pytest.fixture(scope="module")
def resolver():
    return Resolver(load_catalogue())


ORDER_QUESTIONS = [
    ("should I learn BERT or GPT first?", ["bert", "gpt"]),
    ("do I need LoRA before QLoRA?", ["lora", "qlora"]),
    ("which comes first, attention or transformers?", ["attention", "transformer"]),
    ("is backprop a prerequisite for RNNs?", ["backpropagation", "rnn"]),
    ("can I learn QLoRA without LoRA?", ["qlora", "lora"]),
    ("can I skip word2vec and go straight to BERT?", ["word2vec", "bert"]),
    ("先学 BERT 还是先学 GPT", ["bert", "gpt"]),
    ("LoRA 和 QLoRA 先学哪个", ["lora", "qlora"]),
    ("学 QLoRA 需要先学 LoRA 吗", ["qlora", "lora"]),
    ("不学 LoRA 能直接学 QLoRA 吗", ["lora", "qlora"]),
]


@pytest.mark.parametrize("text, topics", ORDER_QUESTIONS)
def test_a_question_of_which_comes_first_is_an_order_question_about_both(resolver, text, topics):
    intent = route(text, resolver)
    assert (intent.name, intent.order, sorted(intent.topics)) == ("plan", True, sorted(topics))


NOT_ORDER_QUESTIONS = [
    ("what should I learn before RLHF?", "plan"),  # one topic: a plan for it
    ("why attention before transformer?", "why"),  # the order is given; the reason is asked
    ("what's the difference between BERT and GPT?", "explain"),  # a comparison
    ("a video comparing BERT and GPT", "find"),  # resources
    ("学 RLHF 之前要学什么？", "plan"),
    ("BERT 和 GPT 有什么区别", "explain"),
]


@pytest.mark.parametrize("text, intent_name", NOT_ORDER_QUESTIONS)
def test_near_misses_keep_their_own_intent(resolver, text, intent_name):
    intent = route(text, resolver)
    assert (intent.name, intent.order) == (intent_name, False)


def test_background_named_with_the_two_is_not_one_of_them(resolver):
    intent = route("I know Python. should I learn BERT or GPT first?", resolver)
    assert intent.order and sorted(intent.topics) == ["bert", "gpt"]


# -- the order itself --------------------------------------------------------------------------------------
def test_learning_order_puts_each_topic_after_what_it_builds_on_then_the_nearer_first():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "y"), ("z", "y"), ("w", "y")])
    assert learning_order(g, ["c", "a"], set()) == (["a", "c"], {"c": 2, "a": 0})
    sequence, left = learning_order(g, ["y", "c"], {"a"})
    assert (sequence, left) == (["c", "y"], {"y": 3, "c": 1})
    assert nearer_start(sequence, left) == "c"


@pytest.mark.parametrize(
    "left, nearer",
    [({"p": 0, "q": 5}, "p"), ({"p": 3, "q": 10}, "p"), ({"p": 41, "q": 42}, None), ({"p": 4, "q": 4}, None)],
)
def test_the_nearer_start_is_named_only_where_clearly_less_is_left(left, nearer):
    assert nearer_start(["p", "q"], left) == nearer


# -- answers ----------------------------------------------------------------------------------------------
ROADMAP = """# Fine-tuning

## LoRA

- [LoRA: Low-Rank Adaptation of Large Language Models](https://arxiv.org/abs/2106.09685)

## QLoRA

- [QLoRA: Efficient Finetuning of Quantized LLMs](https://arxiv.org/abs/2305.14314)

## Models

- [BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805)
- [Improving Language Understanding by Generative Pre-Training (GPT)](https://example.org/gpt-1)
"""


@pytest.fixture
def library(tmp_path, embedder):
    lib = small_library(tmp_path, embedder, {"fine-tuning.md": ROADMAP})
    yield lib
    lib.close()


@pytest.mark.parametrize("question", ["do I need LoRA before QLoRA?", "学 QLoRA 需要先学 LoRA 吗"])
def test_where_one_builds_on_the_other_learn_it_first_with_the_edge_and_its_evidence(library, question):
    answer = library.ask(question)
    s = answer.structured
    assert answer.intent == "plan" and s["first"] == "lora" and s["sequence"] == ["lora", "qlora"]
    assert s["chains"] == [["lora", "qlora"]]
    edge = s["edges"][0]
    assert (edge["source"], edge["target"]) == ("lora", "qlora") and edge["evidence"][0] in answer.answer
    verdict = "**先学LoRA**" if "学" in question else "**Learn LoRA first**"
    assert answer.answer.index(verdict) < answer.answer.index(edge["evidence"][0])  # the order, then its evidence
    assert [c.url for c in answer.citations][:2] == [
        "https://arxiv.org/abs/2106.09685",
        "https://arxiv.org/abs/2305.14314",
    ]


def test_knowing_the_first_says_go_on_to_the_second(library):
    library.mark(["LoRA"])
    answer = library.ask("should I learn LoRA or QLoRA first?")
    assert "You know LoRA already: go on to QLoRA." in answer.answer
    assert "lora" in answer.structured["known"]


@pytest.mark.parametrize("question", ["should I learn BERT or GPT first?", "先学 BERT 还是先学 GPT"])
def test_where_neither_builds_on_the_other_either_can_come_first(library, question):
    answer = library.ask(question)
    s = answer.structured
    assert s["chains"] == [] and s["edges"] == [] and s["first"] is None
    assert "transformer" in s["shared"] and sorted(s["sequence"]) == ["bert", "gpt"]
    assert ("**先学哪个都可以**" if "学" in question else "**Either can come first**") in answer.answer
    assert "nearer" not in answer.answer and "离你更近" not in answer.answer


def test_where_neither_builds_on_the_other_the_one_with_nothing_left_before_it_is_the_nearer_start(library):
    library.mark(["language modeling", "transformer"])  # all GPT builds on; BERT also needs transfer learning
    s = library.ask("should I learn BERT or GPT first?").structured
    assert s["first"] == "gpt" and s["left"]["gpt"] == 0 < s["left"]["bert"]
    text = library.ask("should I learn BERT or GPT first?").answer
    assert "GPT is the nearer start: you have learned everything it builds on." in text


def test_why_after_an_order_answer(library):
    _, why = talk(library, "do I need LoRA before QLoRA?", "why?")
    assert why.intent == "why" and [t["id"] for t in why.structured["path"]] == ["lora", "qlora"]
    _, neither = talk(library, "先学 BERT 还是先学 GPT", "为什么？")
    assert neither.intent == "why" and "在主题图里，两者互不为前置，所以先学哪个都可以。" in neither.answer


def test_other_follow_ups_after_an_order_answer_are_plans(library):
    _, about = talk(library, "should I learn BERT or GPT first?", "what about T5?")
    assert about.intent == "plan" and about.structured["goal"]["id"] == "t5"
    _, timed = talk(library, "do I need LoRA before QLoRA?", "I have 5 hours a week")
    assert timed.intent == "plan" and timed.structured["goal"]["id"] == "qlora"
    assert timed.structured["time"]["rates"][0]["hours_per_week"] == 5


# -- why between two topics ----------------------------------------------------------------------------------
def test_why_between_two_topics_says_when_only_an_order_hint_joins_them(seed_library, embedder):
    from studygraph import Library

    settings, _ = seed_library
    with Library.open(settings.data_dir, embedder=embedder, llm_backend="none") as lib:
        assert lib.why("LoRA", "QLoRA").required
        hint = lib.why("GPT", "BERT")
        assert hint.path and not hint.required and hint.to_dict()["required"] is False
        answer = lib.ask("why does GPT come before BERT?")
        assert "not a prerequisite of BERT" in answer.answer and "order hint" in answer.answer
        assert answer.structured["required"] is False


def test_three_topics_only_partly_ordered_give_an_order_that_works_and_say_which_part_is_required():
    from studygraph.assistant import render
    from studygraph.assistant.payloads import OrderPayload, TopicCard

    cards = [TopicCard("rnn", "RNN"), TopicCard("lstm", "LSTM"), TopicCard("transformer", "Transformer")]
    payload = OrderPayload(
        cards, [["rnn", "lstm"]], ["backpropagation"], {}, [], sequence=["rnn", "lstm", "transformer"]
    )
    assert "**An order that works**: RNN → LSTM → Transformer. LSTM builds on RNN;" in render.order(payload, "en")
    payload.chains = [["rnn", "lstm"], ["lstm", "transformer"]]
    assert "**Learn them in this order**: RNN → LSTM → Transformer." in render.order(payload, "en")
