"""Resource tagging (graph/tagging.py): a resource is tagged with what it is about, the title's distinctive
phrase over generic words it happens to contain, from the catalogue alone."""

from __future__ import annotations

import pytest
from conftest import write

from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.tagging import Evidence, Tagger, tagger_for


@pytest.fixture(scope="module")
def tagger():
    return tagger_for(load_catalogue())


def card(title: str, about: str, heading: str) -> Evidence:
    """A paper card of corpus/papers: its line is "title — what it is about", under its section."""
    return Evidence(title, (f"{title} — {about}",), (heading,), links=(title,))


def test_rotary_position_embedding_is_rope_not_word_embeddings(tagger):
    rope = card(
        "RoFormer: Enhanced Transformer with Rotary Position Embedding (RoPE)",
        "rotary position embeddings used by LLaMA and most open LLMs.",
        "Transformers and pretrained models",
    )
    topics = tagger.topics(rope)
    assert topics[0] == "rope"
    assert not {"word-embeddings", "transformer", "llama"} & set(topics), topics


def test_toolformer_is_about_tool_use_not_language_modelling(tagger):
    toolformer = card(
        "Toolformer: Language Models Can Teach Themselves to Use Tools",
        "tool use learned by the model itself.",
        "Prompting, retrieval and agents",
    )
    assert tagger.topics(toolformer) == ["function-calling"], "tool use (Toolformer), its own topic since issue 28"


def test_a_generic_word_counts_where_nothing_specific_is_said(tagger):
    assert tagger.topics(Evidence("Transformer非常经典好的blog", headings=("Deep Learning Tutorial",))) == [
        "transformer"
    ]
    gqa = card(
        "GQA: Training Generalized Multi-Query Transformer Models",
        "grouped-query attention to shrink the KV cache.",
        "Transformers and pretrained models",
    )
    assert tagger.topics(gqa)[0] == "gqa" and "transformer" not in tagger.topics(gqa)


def test_a_names_verb_is_its_topic_but_not_a_neighbours_alias(tagger):
    qlora = Evidence("QLoRA: Efficient Finetuning of Quantized LLMs", ("QLoRA: LoRA on a 4-bit quantized base model.",))
    assert "quantization" in tagger.topics(qlora)
    assert tagger.topics(Evidence("GQA: Training Generalized Multi-Query Transformer Models")) == ["gqa"]


def test_half_of_a_hyphenated_name_is_not_a_topic(tagger):
    dalle = card(
        "Zero-Shot Text-to-Image Generation (DALL-E)",
        "DALL-E: a transformer over text and VQ image tokens.",
        "Generative models",
    )
    judge = card(
        "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena",
        "LLM evaluation by strong-model judges and human votes.",
        "Prompting, retrieval and agents",
    )
    assert "zero" not in tagger.topics(dalle) and tagger.topics(dalle)[0] == "dall-e"
    assert tagger.topics(judge) == ["llm-as-a-judge", "llm-evaluation"], "LLM-as-a-judge, its own topic since issue 28"
    assert tagger.topics(Evidence("ZeRO: Memory Optimizations Toward Training Trillion Parameter Models"))[0] == "zero"


def test_a_coined_name_is_not_the_plain_word_it_spells(tagger):
    assert tagger.topics(Evidence("Neural Networks: Zero to Hero")) == ["neural-networks"]
    assert tagger.topics(Evidence("Understanding RoPE in one page"))[0] == "rope"


def test_a_section_devoted_to_a_topic_holds_what_builds_directly_on_it(tagger):
    """The InstructGPT paper under "## RLHF" is an RLHF resource, though its title is a name of its own."""
    paper = "Training language models to follow instructions with human feedback"
    assert tagger.topics(Evidence(paper, (paper,), ("RLHF",), links=(paper,))) == ["instructgpt", "rlhf"]
    # Under a section on what it builds on, not on what builds on it.
    assert tagger.topics(Evidence("GPT论文精读", headings=("GPT和大模型RLHF训练",))) == ["gpt", "paper-reading"]


def test_the_other_links_of_a_line_say_nothing_about_this_one(tagger):
    line = "参考大模型有ChatGLM，ChatGLM2，MiniGPT4，Alpaca"
    links = ("ChatGLM", "ChatGLM2", "MiniGPT4", "Alpaca")
    assert tagger.topics(Evidence("Alpaca", (line,), ("代码应用与实践任务其二",), links=links)) == ["alpaca"]
    assert tagger.topics(Evidence("ChatGLM2", (line,), links=links)) == ["chatglm"]


def test_what_kind_of_resource_it_is_comes_from_its_own_title_only(tagger):
    assert tagger.topics(Evidence("整理的面试题", headings=("Blogs",))) == ["interview-prep"]
    assert (
        tagger.topics(Evidence("紫气东来专栏", headings=("Blogs",))) == []
    )  # the heading says "a blog", not a subject
    chapter = "4: Naive Bayes, Text Classification, and Sentiment"
    textbook = Evidence(f"Speech and Language Processing — Ch {chapter}", (chapter,), ("课本",))
    assert tagger.topics(textbook) == ["naive-bayes", "text-classification", "sentiment-analysis"]


def test_a_title_says_its_subject_and_its_kind_together(tagger):
    assert tagger.topics(Evidence("GAN论文精读")) == ["gan", "paper-reading"]
    assert tagger.topics(Evidence("Transformer论文精读")) == ["transformer", "paper-reading"]
    assert tagger.topics(Evidence("Transformer面试题")) == ["transformer", "interview-prep"]


def test_web_addresses_name_hosts_not_subjects(tagger):
    harvard = Evidence("nlp.seas.harvard.edu — attention", ("http://nlp.seas.harvard.edu/2018/04/03/attention.html",))
    assert tagger.topics(harvard) == ["attention"]


def test_a_fetched_page_that_keeps_naming_a_topic_tags_a_resource_its_link_text_did_not(tagger):
    page = "LoRA freezes the pretrained weights. " + "Each LoRA update is low-rank. " * 3
    assert tagger.topics(Evidence("材料", text=page))[0] == "lora"
    assert tagger.topics(Evidence("材料", text="A page that names LoRA once.")) == []


def test_new_topic_cards_tag_without_code(tmp_path):
    """Genericity is the catalogue's: a word inside two other topics' aliases stops counting on its own."""
    write(
        tmp_path / "t.toml",
        """
[[topic]]
id = "widgets"
name = "Widgets"
aliases = ["widget"]
[[topic]]
id = "blue-widgets"
name = "Blue widgets"
[[topic]]
id = "red-widgets"
name = "Red widgets"
""",
    )
    tagger = Tagger(load_catalogue(tmp_path))
    assert tagger.topics(Evidence("Red Widgets: a widget tour")) == ["red-widgets"]
    assert tagger.topics(Evidence("A widget tour")) == ["widgets"]
