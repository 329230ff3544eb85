"""How names resolve, on a labelled list written to tune the cutoffs (both languages): true names, aliases and
typos resolve confidently to the right topic; near-misses (a known name inside a longer, different one, a
look-alike) are never used as a topic silently, and say which topics are closest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver

TRUE = {  # what a learner writes -> the topic it means
    "RLHF": "rlhf",
    "self attention": "self-attention",
    "transformers": "transformer",
    "强化学习": "reinforcement-learning",
    "注意力机制": "attention",
    "BERT paper": "bert",
    "InstructGPT paper": "instructgpt",
    "what is RLHF": "rlhf",
    "learning about transformers": "transformer",
    "学习 Transformer": "transformer",
    "学 RLHF 之前要学什么": "rlhf",
    "the attention mechanism": "attention",
    "tranformer": "transformer",  # typos
    "reinforcment learning": "reinforcement-learning",
    "词向量": "word-embeddings",
    "微积分": "calculus",
    "backprop": "backpropagation",
    "few-shot learning": "in-context-learning",
    # classic NLP tasks and methods, each its own topic (corpus/topics/nlp_tasks.toml), not its umbrella's alias
    "dependency parsing": "dependency-parsing",
    "依存句法分析": "dependency-parsing",
    "学习依存句法分析之前要学什么": "dependency-parsing",
    "POS tagging": "pos-tagging",
    "词性标注": "pos-tagging",
    "共指消解": "coreference-resolution",
    "what is coreference resolution": "coreference-resolution",
    "知识图谱": "knowledge-graphs",
    "主题模型": "topic-models",
    "中文分词": "chinese-word-segmentation",
    "Viterbi": "viterbi-algorithm",
    "信息抽取": "information-extraction",
    "reading comprehension": "reading-comprehension",
    "textual entailment": "natural-language-inference",
    "BM25": "bm25",
    "semantic search": "dense-retrieval",
    "sentence piece": "sentencepiece",
    "named entity recogniton": "ner",  # a typo
    # topics of their own since issue 28 (near-misses before it)
    "graph neural networks": "graph-neural-networks",
    "graph neural network": "graph-neural-networks",
    "图神经网络": "graph-neural-networks",
    "reinforcement learning from AI feedback": "rlaif",
    "随机森林": "random-forests",
    "EM algorithm": "em-algorithm",
    "k-means": "k-means",
    "马尔可夫链": "markov-chains",
    "Mamba": "state-space-models",
    "投机解码": "speculative-decoding",
    # names of the merged catalogue's topics (issue 28, item 5): synonyms, abbreviations, Chinese renderings
    "Baum-Welch": "baum-welch",
    "HMM训练": "baum-welch",
    "weight decay": "weight-decay",
    "L2 regularization": "weight-decay",
    "权重衰减": "weight-decay",
    "DCGAN": "dcgan",
    "Gaussian mixture model": "gaussian-mixture-models",
    "高斯混合模型": "gaussian-mixture-models",
    "层次聚类": "hierarchical-clustering",
    "奇异值分解": "svd",
    "特征值分解": "eigendecomposition",
    "成分句法分析": "constituency-parsing",
    "PCFG": "pcfg",
    "语义角色标注": "semantic-role-labeling",
    "词干提取": "stemming-lemmatization",
    "latent semantic analysis": "lsa",
    "Markov random field": "markov-random-fields",
    "马尔可夫随机场": "markov-random-fields",
    "kernel trick": "kernel-methods",
    "前向后向算法": "forward-backward",
    "句子嵌入": "sentence-embeddings",
    "稠密检索": "dense-retrieval",
    "jailbreak": "jailbreaks",
    "红队测试": "red-teaming",
    "reward hacking": "reward-hacking",
    "模型剪枝": "pruning",
    "XGBoost": "gradient-boosting",
    "t-SNE": "tsne-umap",
    "灾难性遗忘": "catastrophic-forgetting",
    "hyperparameter optimization": "hyperparameter-tuning",
    "learning rate scheduling": "learning-rate-schedule",
}
NEAR_MISSES = [  # a different topic that the map does not have
    "spiking neural networks",
    "spiking neural network",
    "Recursive Neural Network",
    "递归神经网络",
    "脉冲神经网络",
    "One-shot learning",
    "Monte Carlo tree search",
    "federated learning",
    "diffusion language models",
    "transformer xl",
    "知识图谱推理",
    "语音识别",
    "dependency injection",
    "open information extraction",
    "quantum computing",
    # near the merged catalogue's topics (issue 28): a method the map lacks, named around one it has
    "hierarchical softmax",
    "层次softmax",
    "spectral clustering",
    "谱聚类",
    "hidden semi-Markov models",
    "Markov logic networks",
    "Gaussian discriminant analysis",
    "Bayesian optimization",
    "贝叶斯优化",
    "neural architecture search",
    "adversarial examples",
]


@pytest.fixture(scope="module")
def resolver():
    return Resolver(load_catalogue())


@pytest.mark.parametrize("text, topic", TRUE.items())
def test_true_names_and_typos_resolve_confidently(resolver, text, topic):
    hit = resolver.resolve(text)
    assert hit is not None and hit.id == topic and hit.confident, hit


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_never_used_silently(resolver, text):
    hit = resolver.resolve(text)
    assert hit is None or (not hit.confident and hit.how == "partial"), hit
    closest = resolver.closest_to(text, hit)
    assert len(closest) == 3 and all(resolver.catalogue.topics[t].name == n for t, n in closest)


def test_a_partial_match_names_the_topic_it_contains_first(resolver):
    hit = resolver.resolve("spiking neural networks")
    assert hit.how == "partial" and hit.closest[0][0] == "neural-networks"


def test_path_to_a_near_miss_exits_1_naming_the_closest_topics(tmp_path):
    sg = str(Path(sys.executable).with_name("studygraph"))
    for args in (
        ["path", "spiking neural networks"],
        ["path", "spiking neural networks", "--json"],
        ["path", "RLHF", "--known", "脉冲神经网络"],
    ):
        result = subprocess.run(
            [sg, *args, "--data-dir", str(tmp_path)], capture_output=True, text=True, cwd=REPO, timeout=120
        )
        assert result.returncode == 1, (args, result.stdout[:200])
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and "is not in the topic map; closest: Neural networks (neural-networks)" in errors[0]
        assert result.stdout == ""


def test_gpt_is_named_by_what_its_letters_spell_without_the_word_transformer(resolver):
    # "Generative Pre-Training" is GPT-1's own title; a learner says "generative pretrained models" for the family.
    assert resolver.mentions("my supervisor wants me to work on generative pretrained models") == ["gpt"]
    assert resolver.mentions("Improving Language Understanding by Generative Pre-Training") == ["gpt"]
    assert resolver.mentions("pretrained models") == ["transfer-learning"]
