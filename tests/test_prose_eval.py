"""The bilingual prose evaluation (tests/prose_eval.py) on the default packaged model, through the real
assistant and the real GGUF: it prints the test half's figures and asserts floors the default meets with
margin. The split itself is checked without a model."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from prose_eval import (
    PROBE,
    QUESTIONS,
    Recording,
    bad_citations,
    carried_topics,
    evaluate,
    questions,
    restates,
    right_language,
    source_titles,
    split_sentences,
    subject_topics,
    summary,
    title_carries,
)

# The test half with the default model measured prose 0.83, right language 0.83, on topic 0.79, parroting
# 0.00, no repeats, citations valid 1.00 (2026-12-01, prompts per-intent-3, a re-report after dev tuning;
# per-intent-1: 0.62 / 0.54 / 0.50; README "Models"): the floors hold what was reached with a margin for
# sampling at temperature 0.2, they are not the targets, which the default model does not meet yet.
FLOORS = {"prose": 0.65, "right_language": 0.65, "on_topic": 0.6, "parroting": 0.1, "citations_valid": 0.9}


def test_the_question_set_is_bilingual_and_split_once_by_its_rule():
    """12 per prose intent, half Chinese; within intent × language, SHA-1 order: first half dev, rest test."""
    assert len(QUESTIONS) >= 48 and len({q for *_, q in QUESTIONS}) == len(QUESTIONS)
    for intent in ("plan", "next", "find", "explain"):
        for lang in ("zh", "en"):
            group = [(half, q) for i, lg, half, q in QUESTIONS if (i, lg) == (intent, lang)]
            ordered = sorted(group, key=lambda hq: hashlib.sha1(hq[1].encode()).hexdigest())
            k = len(ordered) // 2
            assert [h for h, _ in ordered] == ["dev"] * k + ["test"] * (len(ordered) - k), (intent, lang)


def test_the_probe_set_is_apart_from_the_halves():
    """PROBE is tuning material: its own questions, never in the dev or test half, half of them Chinese."""
    assert questions("probe") == PROBE and not {q for *_, q in PROBE} & {q for *_, q in QUESTIONS}
    assert {half for _, _, half, _ in PROBE} == {"probe"} and not [q for q in questions("all") if q[2] == "probe"]
    assert sum(lang == "zh" for _, lang, _, _ in PROBE) * 2 == len(PROBE)


def test_a_chinese_sentence_quoting_english_titles_is_in_the_right_language():
    """The language is judged on the words outside names: what is quoted in 《》 and the sources' titles."""
    sources = {1: "Transformer论文精读 (video): 逐段精读", 2: "The Illustrated Transformer (article): a guide"}
    titles = {t.casefold() for t in source_titles(sources)}
    assert titles == {"transformer论文精读", "the illustrated transformer"}
    quoted = "《Neural Machine Translation by Jointly Learning to Align and Translate》[1]是一篇论文，讲了注意力。"
    assert right_language(quoted, "zh", set())
    titled = "想弄懂Transformer模型可以先读Transformer论文精读（video）和The Illustrated Transformer（article）。"
    names = titles | {"transformer"}  # the answer's topic names are names too
    assert right_language(titled, "zh", names) and not right_language(titled, "zh", set())
    # English words outside the names still count, and a name is masked only as a whole word.
    assert not right_language("《Attention》[1] is a paper about how attention works in transformers.", "zh", set())
    assert right_language("The Illustrated Transformer [2] walks through attention.", "en", titles)
    assert not right_language("The Illustrated Transformer [2] 讲的是注意力机制的每一步计算。", "en", titles)
    assert not right_language("GPT-2 [1] 是一篇论文。", "en", {"gpt"})
    assert not right_language("", "zh", titles)


@pytest.fixture(scope="module")
def matcher_and_catalogue():
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.matcher import matcher_for

    catalogue = load_catalogue()
    return matcher_for(catalogue), catalogue


def test_a_citation_is_judged_on_what_its_source_supports(matcher_and_catalogue):
    """The evaluation's own [n] check (apart from the filter's): the sentence's topics outside the sources'
    titles, against what the source's prompt line names and what the library says the resource is about."""
    from studygraph.models import Resource

    matcher, catalogue = matcher_and_catalogue
    topics_of = subject_topics(matcher, catalogue)
    sources = {
        1: "Attention Is All You Need (paper): an intermediate paper. topics: Transformer",
        2: "Speech and Language Processing — Ch 11: Masked Language Models (book): 11: Masked Language Models",
        3: "Bert的应用 (article): Bert的应用：",
    }
    library = [Resource("r3", "https://example.org/bert", "Bert的应用", "article", topics=["bert", "fine-tuning"])]
    carried = carried_topics(sources, library, matcher)
    assert "attention" in carried[1] and carried[3] == {"bert", "fine-tuning"}

    def valid(sentence: str) -> bool:
        return not bad_citations([sentence], sources, topics_of, carried)

    # A title that is a topic's name carries what its words name (the matcher reads it as the Transformer).
    assert valid("It explains the attention mechanism [1].")
    # Naming the cited source's title does not make it support what else the sentence claims.
    assert not valid("Speech and Language Processing — Ch 11: Masked Language Models [2] covers probability.")
    assert valid("Speech and Language Processing — Ch 11: Masked Language Models [2] is a chapter on BERT.")
    # The library's tags count: the page is tagged fine-tuning though its prompt line does not say so.
    assert valid("这篇文章讲了如何微调 BERT [3]。") and valid("It shows fine-tuning at work [3].")
    assert not valid("It explains RLHF [3].")
    # A meta topic names the kind of help, not a subject ("建议" is one of *study methods*' aliases).
    assert valid("这篇文章给出了很多建议 [3]。")
    assert not valid("It covers attention [4].")  # no such source


def test_only_a_title_that_is_a_topics_name_carries_its_words(matcher_and_catalogue):
    matcher, _ = matcher_and_catalogue
    assert title_carries(matcher, "Attention Is All You Need") >= {"attention"}
    assert title_carries(matcher, "The Illustrated Transformer") == set()
    assert title_carries(matcher, "BERT") == set()


@pytest.fixture(scope="module")
def evaluated(seed_library, embedder):
    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.llm import load_llm
    from studygraph.store.meta import MetaStore

    settings, _ = seed_library
    settings = settings.model_copy(update={"llm_backend": "llama_cpp"})
    recording = Recording(load_llm(settings))
    assert recording.chat, "the default model is an instruct model, prompted through its chat template"
    corpus = MetaStore(settings.meta_path, readonly=True).corpus_urls()
    scores = evaluate(Assistant(settings, llm=recording, embedder=embedder), recording, corpus, "test")
    figures = summary(scores)
    print("\nprose evaluation:", json.dumps(figures))
    for s in scores:
        print(f"  {s.lang} {s.intent:8} lang={s.right_language!s:5} topic={s.on_topic!s:5} {s.prose[:100]!r}")
    return scores, figures


@pytest.mark.model
@pytest.mark.slow
def test_prose_meets_the_floors(evaluated):
    _, figures = evaluated
    assert figures["prose"] >= FLOORS["prose"]
    assert figures["right_language"] >= FLOORS["right_language"]
    assert figures["on_topic"] >= FLOORS["on_topic"]
    assert figures["parroting"] <= FLOORS["parroting"]
    assert figures["repeated"] == 0, "no prose says the same sentence twice"
    assert figures["citations_valid"] >= FLOORS["citations_valid"], "a [n] names a source carrying what it says"
    assert figures["urls_in_corpus"] == 1.0, "never a URL outside the corpus"


@pytest.mark.model
@pytest.mark.slow
def test_chinese_next_prose_is_chinese_and_does_not_restate_the_list(seed_library, embedder):
    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.llm import load_llm

    settings, _ = seed_library
    settings = settings.model_copy(update={"llm_backend": "llama_cpp"})
    answer = Assistant(settings, llm=load_llm(settings), embedder=embedder).ask(
        "我已经学会了 Transformer，接下来应该学什么？"
    )
    assert answer.intent == "next" and answer.prose, answer.text[:300]
    assert len(re.findall(r"[\u4e00-\u9fff]", answer.prose)) >= 6, answer.prose
    listed = [ln for ln in answer.text[len(answer.prose) :].splitlines() if ln.strip()]
    names = {n.casefold() for t in answer.structured["topics"] for n in (t["name"], t["zh"]) if n}
    assert not any(restates(s, listed, names) for s in split_sentences(answer.prose)), answer.prose


@pytest.mark.model
@pytest.mark.slow
def test_every_citation_left_in_the_prose_names_a_source_the_model_was_given(evaluated):
    scores, _ = evaluated
    for s in scores:
        assert all(1 <= int(n) <= s.sources for n in re.findall(r"\[(\d+)\]", s.prose)), (s.sources, s.prose)


@pytest.mark.model
@pytest.mark.slow
def test_ask_json_carries_chinese_prose_for_a_chinese_question(seed_library):
    settings, _ = seed_library
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", STUDYGRAPH_LLM_BACKEND="auto")
    env.pop("STUDYGRAPH_MODEL_PATH", None)
    sg = str(Path(sys.executable).with_name("studygraph"))
    corpus_urls = None
    for question, chinese in (("学 RLHF 之前要学什么", True), ("what should I learn before RLHF?", False)):
        result = subprocess.run(
            [sg, "ask", question, "--json", "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-1500:]
        out = json.loads(result.stdout)
        assert out["model"].startswith("llama.cpp:qwen2.5-coder-0.5b"), out["model"]
        assert out["prose"] and out["answer"].startswith(out["prose"][:20])
        assert bool(re.search(r"[\u4e00-\u9fff]", out["prose"])) == chinese, out["prose"]
        names = {n.casefold() for s in out["structured"]["steps"] for n in (s["name"], s["zh"]) if n}
        assert any(n in out["prose"].casefold() for n in names), f"names a step of the plan: {out['prose']}"
        if corpus_urls is None:
            from studygraph.store.meta import MetaStore

            corpus_urls = MetaStore(settings.meta_path, readonly=True).corpus_urls()
        assert all(c["url"] in corpus_urls for c in out["citations"] if c["url"])
