"""Typos of topic names are corrected word by word (graph/typos.py, graph/matcher.py `correct`), and the
resolver and the router read the corrected words: "path to RHLF" is a plan for RLHF, "explain attension"
explains attention, and the learner is told what was corrected. Conservative: a known word, a known acronym,
a Chinese word, a word with two equally near names and a word that would name nothing are never changed."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from studygraph.assistant.intents import route
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.matcher import matcher_for
from studygraph.graph.resolve import Resolver
from studygraph.graph.typos import WORD


@pytest.fixture(scope="module")
def resolver():
    return Resolver(load_catalogue())


@pytest.mark.parametrize(
    "question, corrected, showing",
    [
        ("what is gradient chekpointing", "what is gradient checkpointing", "gradient checkpointing"),
        ("学习 transfomer 之前要学什么", "学习 transformer 之前要学什么", "transformer"),
        ("path to RHLF", "path to RLHF", "RLHF"),  # a transposition is one edit; the acronym spelt as the catalogue's
        ("path to rhlf", "path to RLHF", "RLHF"),
        ("explain attension", "explain attention", "attention"),
        ("gradiant chekpointing", "gradient checkpointing", "gradient checkpointing"),  # two typos in one name
        ("Transfomers explained", "Transformers explained", "Transformers"),  # the learner's case kept
        ("what is self-attension", "what is self-attention", "self-attention"),  # the name as the learner spells it
    ],
)
def test_a_typo_of_a_name_is_corrected_and_says_what_it_shows(resolver, question, corrected, showing):
    fixed = resolver.correct(question)
    assert fixed and fixed.text == corrected and fixed.showing == (showing,)
    assert fixed.typed == question and showing in fixed.notice


def test_the_notice_is_in_the_question_language(resolver):
    en = resolver.correct("explain attension")
    assert en.notice == "Showing results for attention (corrected: attension → attention)."
    zh = resolver.correct("学习 transfomer 之前要学什么")
    assert zh.notice == "以下是“transformer”的结果（已更正：transfomer → transformer）。"
    assert zh.to_dict()["corrections"] == [{"typed": "transfomer", "corrected": "transformer"}]


@pytest.mark.parametrize("question", ["explain attension", "学习 transfomer 之前要学什么"])
@pytest.mark.parametrize("ui_lang", ["en", "zh"])
def test_the_app_says_a_correction_with_the_same_words_in_its_own_language(resolver, monkeypatch, question, ui_lang):
    """The app may not import graph/: it renders the result's `corrected` dict with the one template
    (studygraph/notices.py) that Corrected.notice uses, in the UI's language rather than the question's."""
    from studygraph.ui import components

    monkeypatch.setattr(components, "lang", lambda: ui_lang)
    fixed = resolver.correct(question)
    shown = components.corrected_notice(fixed.to_dict())
    assert shown == components.md_escape(replace(fixed, lang=ui_lang).notice)
    if ui_lang == "zh" and fixed.lang == "en":
        assert shown == "以下是“attention”的结果（已更正：attension → attention）。"


@pytest.mark.parametrize(
    "question, topic, intent",
    [
        ("what is gradient chekpointing", "gradient-checkpointing", "explain"),
        ("学习 transfomer 之前要学什么", "transformer", "plan"),
        ("path to RHLF", "rlhf", "plan"),
        ("explain attension", "attention", "explain"),
        # The earlier miss: a second, unknown word after the typo explained calculus ("gradient" alone).
        ("what is gradient chekpointing scheduel", "gradient-checkpointing", "explain"),
    ],
)
def test_a_misspelt_question_routes_like_the_correctly_spelt_one(resolver, question, topic, intent):
    routed = route(question, resolver)
    assert routed.name == intent and routed.topics[:1] == [topic], routed
    assert routed.corrected and routed.raw == routed.corrected.text and routed.missing is None


@pytest.mark.parametrize("name, topic", [("RHLF", "rlhf"), ("attension", "attention"), ("transfomer", "transformer")])
def test_a_misspelt_topic_argument_resolves_confidently_and_says_so(resolver, name, topic):
    hit = resolver.resolve(name)
    assert hit.id == topic and hit.confident and hit.how == "fuzzy" and hit.corrected.typed == name


def test_a_correct_word_is_never_changed(resolver):
    """Every English word of every name, alias and description, and the questions of the other tests."""
    catalogue = resolver.catalogue
    texts = [t for topic in catalogue.topics.values() for t in (topic.name, *topic.aliases, topic.description)]
    texts += [
        "what should I learn before RLHF",
        "how does attention work",
        "what is the best way to learn LoRA",
        "explain the BERT model",
        "BART and BERT",
        "I'm lost, where do I start",  # "lost" is one edit from "loss", and names nothing
        "give me a video instead",
        "sort these topics",
        "nope, a near miss: route it down the pipe",  # English words one edit from RoPE, MOSS, ROUGE, GPipe
        "Sutton and Barto",  # a proper name, not BART misspelt
        "FSDL LLM Bootcamp",  # another acronym, not FSDP
        "PRML 12.1",
        "httpx and chromadb",  # a name and more is another name, not HTTP or Chroma
    ]
    for text in texts:
        fixed = resolver.correct(text)
        assert not fixed and fixed.text == text, (text, fixed.corrections)
    words = {w for text in texts for w in WORD.findall(text)}
    assert len(words) > 2000


def test_chinese_is_not_corrected_by_edit_distance(resolver):
    for text in ("注意机制是什么", "学习强化学系之前要学什么", "rope是什么"):
        assert not resolver.correct(text)


def test_an_ambiguous_typo_is_left_alone(resolver):
    """ "bxrt" is one edit from BART and from BERT: neither is the unique best."""
    fixed = resolver.correct("what is bxrt")
    assert not fixed and fixed.text == "what is bxrt"
    assert resolver.resolve("bxrt") is None


def test_a_made_up_phrase_is_still_not_in_the_map(resolver):
    routed = route("what is quantum gradient origami?", resolver)
    assert not routed.corrected and routed.missing == "quantum gradient origami"
    assert route("what should I learn before flurbish wobbling?", resolver).missing == "flurbish wobbling"


def test_the_vocabulary_is_built_only_for_a_word_that_could_be_a_typo():
    matcher = matcher_for(load_catalogue())
    matcher._typos = None  # as a fresh process has it
    assert not matcher.correct("what is RLHF and how does it work")
    assert not matcher.correct("what should I learn before instruction tuning")
    assert matcher._typos is None, "names and question words need no vocabulary"
    assert matcher.correct("what is RHLF")
    assert matcher._typos is not None


def test_a_long_input_is_not_corrected_word_by_word(resolver):
    text = "attension " * 2000
    assert not resolver.correct(text) and re.fullmatch(r"(attension )+", resolver.correct(text).text)


def test_a_search_query_finds_its_topics_in_the_corrected_words(resolver):
    from studygraph.assistant.query import understand

    q = understand("attension explained video", resolver)
    assert q.topics == ["attention"] and q.text == "attention explained video" and q.kind == "video"
    assert q.corrected.typed == "attension explained video"
    right = understand("attention explained video", resolver)
    assert right.topics == q.topics and right.corrected is None
