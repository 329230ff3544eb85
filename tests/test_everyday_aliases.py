"""Catalogue names that are also everyday English words name their topic only where the learner means it.

EVERYDAY is every one-word ASCII name or alias of the catalogue that is a common English word (wordfreq 3.1.1,
Zipf frequency >= 3.0, checked 2026-12-01; wordfreq is not a dependency, so the list is written out). Each is
decided here once: protected as written, protected as a plain word, or its everyday use in a study question
means the topic ("attention", "dropout", "python").
"""

from __future__ import annotations

import pytest

from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.matcher import TopicMatcher, normalise

EVERYDAY = set(
    "companies attention resources basic interview projects http agent squad device zero assembly statistics adam "
    "agents recall objective interviews ann mask distributed bow cnn clip suggestions accuracy classification react "
    "mt eagle exercises hmm os kg momentum rope sentiment probability broadcasting precision cart blogs likelihood "
    "glow opt moss f1 prompt ml discourse bp algorithms performer ie glue amp python alignment sampling rm torch "
    "emergence ln glove bon reinforce ir api bart textbooks rouge ppl optimization helm derivatives yarn calculus "
    "adapter supervised heap transformers rag meteor residual boosting metrics regression moe bert differentiation "
    "ae pointers gradient variance prompting morphology diffusion bandits transformer rl ipo bn prompts s4 strides "
    "roc jax wanda stacking flops hallucinations entropy lm benchmarks sts stemming grounding qa imdb hf gpu probing "
    "generalization gd cot contiguous roberta roadmap kl pandas mlm medusa bce standardization leaderboard dropout "
    "gan flamingo pruning smoothing tensor jailbreak dataset clustering elmo distillation embedding bagging".split()
)
# Spelt distinctively in the catalogue: matched only as written ("ZeRO", not "from zero"), or in a Chinese question.
AS_WRITTEN = {
    "zero": "ZeRO",
    "squad": "SQuAD",
    "hmm": "HMM",
    "os": "OS",
    "kg": "KG",
    "cart": "CART",
    "opt": "OPT",
    "moss": "MOSS",
    "ie": "IE",
    "glue": "GLUE",
    "rm": "RM",
    "ln": "LN",
    "bon": "BoN",
    "reinforce": "REINFORCE",
    "helm": "HELM",
    "yarn": "YaRN",
    "meteor": "METEOR",
    "eagle": "EAGLE",
    "ann": "ANN",
    "clip": "CLIP",
    "react": "ReAct",
}
# Plain words: they name their topic only when the text names no other ("a basic tutorial on LoRA").
PLAIN = set(
    "basic companies device objective distributed mask assembly suggestions resources roadmap blogs textbooks "
    "projects exercises recall accuracy precision metrics sampling supervised gradient variance grounding probing "
    "contiguous strides smoothing dataset embedding regression stacking benchmarks leaderboard".split()
)


@pytest.fixture(scope="module")
def matcher():
    return TopicMatcher(load_catalogue())


def test_every_everyday_word_of_the_catalogue_is_decided(matcher):
    """The catalogue's `everyday` lists are exactly the protected words above; a new one is decided here."""
    catalogue = load_catalogue()
    listed = {normalise(w): w for t in catalogue.topics.values() for w in t.everyday}
    assert set(listed) == set(AS_WRITTEN) | PLAIN
    assert {k: listed[k] for k in AS_WRITTEN} == AS_WRITTEN
    assert set(matcher.as_written) == set(AS_WRITTEN) and matcher.weak == PLAIN
    assert (set(AS_WRITTEN) | PLAIN) <= EVERYDAY
    # Every other everyday word among the aliases is one whose everyday sense in a study question is the topic.
    for word in EVERYDAY - set(AS_WRITTEN) - PLAIN:
        assert word in matcher.by_alias or word.rstrip("s") in matcher.by_alias, word


@pytest.mark.parametrize(
    "text, topics",
    [
        ("how do I get from zero to transformers", ["transformer"]),
        ("zero-shot prompting with GPT", ["prompting", "gpt"]),
        ("Zero to hero: neural networks", ["neural-networks"]),
        ("hmm, where can I read about attention?", ["attention"]),
        ("the squad I study with wants to learn BERT", ["bert"]),
        ("how do I clip gradients in PyTorch", ["pytorch"]),
        ("which os functions does the PyTorch DataLoader use", ["pytorch", "data-loading"]),
        ("I would opt for LoRA", ["lora"]),
        ("reinforce what I learned about attention", ["attention"]),
        ("ln of the softmax output", ["softmax"]),
        # ... and each still names its topic as written, or in a Chinese question.
        ("what is ZeRO-3", ["zero"]),
        ("the ZeRO optimizer", ["zero"]),
        ("HMM for POS tagging", ["hidden-markov-models", "pos-tagging"]),
        ("fine-tune BERT on SQuAD", ["fine-tuning", "bert", "reading-comprehension"]),
        ("CLIP and DALL-E", ["clip", "dall-e"]),
        ("ReAct agents", ["react", "llm-agents"]),
        ("zero 的原理", ["zero"]),
        ("clip 是什么", ["clip"]),
    ],
)
def test_a_word_written_as_a_name_names_its_topic(matcher, text, topics):
    assert matcher.topics(text) == topics, matcher.find(text, everyday=True)


@pytest.mark.parametrize(
    "text, topics",
    [
        ("a basic tutorial on LoRA", ["lora"]),
        ("which companies use RAG", ["rag"]),
        ("the training objective of BERT", ["bert"]),
        ("a roadmap for RLHF", ["rlhf"]),
        ("accuracy of BERT on GLUE", ["bert", "glue-benchmarks"]),
        ("any resources on attention", ["attention"]),
        # Alone, a plain word still names its topic.
        ("roadmap", ["learning-resources"]),
        ("precision and recall", ["evaluation-metrics"]),
        ("Basic", ["machine-learning-basics"]),
    ],
)
def test_a_plain_word_names_its_topic_only_when_nothing_else_is_named(matcher, text, topics):
    assert matcher.topics(text) == topics, matcher.find(text, everyday=True)


def test_rejected_words_are_reported_when_asked(matcher):
    found = matcher.find("hmm, a basic roadmap for LoRA", everyday=True)
    assert [(m.alias, m.everyday) for m in found] == [
        ("hmm", "rejected"),
        ("basic", "rejected"),
        ("roadmap", "rejected"),
        ("lora", ""),
    ]
    assert [m.alias for m in matcher.find("hmm, a basic roadmap for LoRA")] == ["lora"]


def test_an_everyday_entry_must_be_one_of_its_topics_names(tmp_path):
    from studygraph.errors import CatalogueError

    (tmp_path / "t.toml").write_text('[[topic]]\nid = "zero"\nname = "ZeRO"\neveryday = ["Zero"]\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"t\.toml: topic 'zero' lists everyday words that are not its names"):
        load_catalogue(tmp_path)
