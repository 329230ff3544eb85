"""The topic catalogue is data reviewed like code: these tests are its review checklist."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from conftest import CORPUS

from studygraph.graph.catalogue import CatalogueError, load_catalogue
from studygraph.graph.resolve import Resolver


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_the_catalogue_is_large_bilingual_and_described(catalogue):
    assert len(catalogue.topics) >= 300, "the curriculum, not only the LLM road (issue 28)"
    for topic in catalogue.topics.values():
        assert topic.zh and re.search(r"[\u4e00-\u9fff]", topic.zh), topic.id
        assert len(topic.description) > 60, topic.id


def _cjk_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / max(1, len(letters))


def test_every_curated_topic_is_described_in_english_and_in_chinese(catalogue):
    """A Chinese learner reads our own Chinese description, never a model's translation of the English one."""
    for topic in catalogue.topics.values():
        en, zh = topic.description, topic.description_zh
        assert len(en) > 60, topic.id
        assert _cjk_share(zh) >= 0.3, (topic.id, zh)
        # the same content as the English: not a stub, not an essay, one to three sentences
        assert 30 <= len(zh) <= 300 and 0.15 <= len(zh) / len(en) <= 1.0, (topic.id, len(zh), len(en))
        assert zh.endswith("。") and 1 <= zh.count("。") <= 3, (topic.id, zh)
        assert topic.describe("zh") == zh and topic.describe("en") == en


def test_no_name_or_alias_names_two_topics(catalogue):
    """An alias names the same concept as its topic; one claimed by two topics would silently go to whichever
    file loads first."""
    owners: dict[str, set[str]] = {}
    for topic in catalogue.topics.values():
        for name in {topic.name, topic.zh, *topic.aliases}:
            owners.setdefault(name.casefold(), set()).add(topic.id)
    assert {name: ids for name, ids in owners.items() if len(ids) > 1} == {}


# Topics whose only other names are spellings of their own name, with the reason (issue 28, item 5).
ONLY_SPELLINGS = {
    "colossal-ai": "a product's name: 'ColossalAI' and 'Colossal AI' are how people spell it, it has no synonym",
}


def _spelling(name: str) -> str:
    return re.sub(r"[\s\-_–()]+", "", name.casefold())


def test_every_curated_topic_has_another_name_besides_its_name_and_zh(catalogue):
    """Resolution knows the field's names: a synonym, an abbreviation or another Chinese rendering, not only
    the name spelled with other hyphens or case; the few exceptions say why."""
    lacking = {}
    for topic in catalogue.topics.values():
        own = {_spelling(topic.name), _spelling(topic.zh)}
        if not any(_spelling(alias) not in own for alias in topic.aliases):
            lacking[topic.id] = topic.aliases
    assert set(lacking) == set(ONLY_SPELLINGS), lacking
    for topic_id in ONLY_SPELLINGS:
        assert catalogue.topics[topic_id].aliases, "even an exception is found by its other spellings"


def test_a_topic_without_a_chinese_description_falls_back_to_the_english_one(tmp_path):
    _write(tmp_path, '[[topic]]\nid = "a"\nname = "A"\ndescription = "Only in English."\n')
    topic = load_catalogue(tmp_path).topics["a"]
    assert topic.describe("zh") == topic.describe("en") == "Only in English."
    assert topic.to_dict()["description_zh"] == ""


def test_a_description_that_is_not_text_names_the_file_and_topic(tmp_path):
    _write(tmp_path, '[[topic]]\nid = "a"\nname = "A"\ndescription_zh = ["not", "text"]\n')
    with pytest.raises(CatalogueError, match=r"cards.toml: topic 'a' description_zh must be a string"):
        load_catalogue(tmp_path)


def test_it_covers_what_the_seeds_teach_and_assume(catalogue):
    required = """linear-algebra calculus probability optimization linear-regression classification overfitting
    gradient-descent neural-networks backpropagation cnn rnn lstm attention word-embeddings regularization adam adamw
    layer-normalization tokenization bpe n-gram-lm word2vec seq2seq machine-translation bleu-rouge sentiment-analysis
    ner parsing question-answering transformer bert gpt llm-pretraining scaling-laws moe rope rmsnorm gqa kv-cache
    quantization mixed-precision distributed-training zero deepspeed lora peft instruction-tuning reward-model
    reinforcement-learning policy-gradient ppo rlhf dpo prompting in-context-learning chain-of-thought rag llm-agents
    llm-evaluation llm-inference vae gan diffusion dall-e vq-vae multimodal-llms interview-prep""".split()
    assert [t for t in required if t not in catalogue.topics] == []


def test_edges_form_a_dag_rooted_in_foundations(catalogue):
    g = nx.DiGraph((p.source, p.target) for p in catalogue.prereqs)
    g.add_nodes_from(catalogue.topics)
    assert nx.is_directed_acyclic_graph(g)
    # Roots of what plans follow: an order edge ("taught earlier") makes no topic a plan's starting point.
    needed = nx.DiGraph((p.source, p.target) for p in catalogue.prereqs if not p.order)
    needed.add_nodes_from(catalogue.topics)
    roots = [t for t in needed if needed.in_degree(t) == 0]
    assert {catalogue.topics[r].level for r in roots} <= {"foundation", "meta"}, roots
    assert all(p.reason for p in catalogue.prereqs), "every curated edge says why"


def test_an_order_edge_is_a_weak_edge_that_says_why(catalogue):
    orders = [p for p in catalogue.prereqs if p.order]
    assert len(orders) >= 15, "edges that only say 'taught earlier' are order edges"
    assert all(len(p.reason) > 30 for p in orders), "an order edge still says why it is only an order"


def test_an_order_flag_that_is_not_a_boolean_names_the_file_and_topic(tmp_path):
    _write(
        tmp_path,
        CARD.format(id="a", prereqs="") + CARD.format(id="b", prereqs='{ id = "a", why = "x", order = "yes" }'),
    )
    with pytest.raises(CatalogueError, match=r"cards.toml: topic 'b' prerequisite 'a' has order = 'yes'"):
        load_catalogue(tmp_path)


def test_every_seed_heading_resolves_to_a_topic(catalogue):
    resolver = Resolver(catalogue)
    unresolved = []
    for path in sorted((CORPUS / "roadmaps").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            heading = re.match(r"^#+\s*(.+)", line)
            if heading:
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1)).strip()
                if resolver.resolve(text) is None:
                    unresolved.append(f"{path.name}: {text}")
    assert unresolved == []


def _write(tmp_path, body: str):
    (tmp_path / "cards.toml").write_text(body, encoding="utf-8")
    return tmp_path


CARD = '[[topic]]\nid = "{id}"\nname = "{id}"\nprereqs = [{prereqs}]\n'


def test_a_dangling_prerequisite_names_the_file_and_topic(tmp_path):
    _write(tmp_path, CARD.format(id="b", prereqs='{ id = "a", why = "x" }'))
    with pytest.raises(CatalogueError, match=r"cards.toml: topic 'b' lists unknown prerequisite 'a'"):
        load_catalogue(tmp_path)


def test_a_cycle_is_refused_with_the_loop_spelled_out(tmp_path):
    _write(
        tmp_path,
        CARD.format(id="a", prereqs='{ id = "b", why = "x" }') + CARD.format(id="b", prereqs='{ id = "a", why = "y" }'),
    )
    with pytest.raises(CatalogueError, match="cycle.*a -> b -> a|cycle.*b -> a -> b"):
        load_catalogue(tmp_path)


def test_duplicate_ids_and_bad_toml_are_refused(tmp_path):
    _write(tmp_path, CARD.format(id="a", prereqs="") * 2)
    with pytest.raises(CatalogueError, match="already defined"):
        load_catalogue(tmp_path)
    _write(tmp_path, "[[topic]\nid = ")
    with pytest.raises(CatalogueError, match="cards.toml"):
        load_catalogue(tmp_path)


def test_the_digest_changes_when_a_card_changes(tmp_path):
    _write(tmp_path, CARD.format(id="a", prereqs=""))
    before = load_catalogue(tmp_path).digest
    _write(tmp_path, CARD.format(id="a", prereqs="").replace('name = "a"', 'name = "A"'))
    assert load_catalogue(tmp_path).digest != before


def test_resolve_and_graph_json_carry_both_descriptions(catalogue, tmp_path):
    from typer.testing import CliRunner

    from studygraph.cli import app

    env = {"STUDYGRAPH_DATA_DIR": str(tmp_path / "data"), "STUDYGRAPH_LLM_BACKEND": "none"}
    words = catalogue.topics["word-embeddings"]
    result = CliRunner().invoke(app, ["resolve", "词向量", "--json"], env=env)
    assert result.exit_code == 0, result.output
    hit = json.loads(result.stdout)
    assert hit["id"] == words.id
    assert (hit["description"], hit["description_zh"]) == (words.description, words.describe("zh"))
    result = CliRunner().invoke(app, ["graph", "--json"], env=env)
    nodes = {n["id"]: n for n in json.loads(result.stdout)["nodes"]}
    assert len(nodes) == len(catalogue.topics)
    assert all(n["description"] and n["description_zh"] for n in nodes.values())
    assert nodes[words.id] == words.to_dict()


@pytest.mark.parametrize(
    "text, topic",
    [
        # 精读 in English: "an intensive reading of the GAN paper" is a 论文精读 video's subject.
        ("an intensive reading of the GAN paper", "paper-reading"),
        ("a close reading of a classic paper", "paper-reading"),
        # "attention-based models" are transformers; "attention" alone stays the attention mechanism.
        ("a tutorial on attention-based language models", "transformer"),
        ("基于注意力的模型怎么训练", "transformer"),
    ],
)
def test_english_paraphrases_of_chinese_titles_name_their_topic(catalogue, text, topic):
    assert topic in Resolver(catalogue).mentions(text)


def test_attention_alone_is_still_the_attention_mechanism(catalogue):
    assert "transformer" not in Resolver(catalogue).mentions("how does attention work in seq2seq")
