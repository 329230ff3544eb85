"""The model-output filter without a real model: `clean_stream` on hand-made pieces, then the assistant
driven by a scripted FakeLLM (tests/conftest.py) on a small real library.

What a model writes is untrusted: a URL it invents must never reach the learner (not even the first half
of one, streamed before the rest arrives), a citation [n] must name a source the prompt really had, a
sentence about a topic outside the answer is dropped whole, and a model that fails mid-answer leaves the
deterministic answer standing with a note. The real GGUF exercises the same code in test_assistant.py;
these run in milliseconds on any CPU and can script exactly the output a small model gets wrong.
"""

from __future__ import annotations

import re

import pytest
from conftest import write

from studygraph.assistant.grounding import citation_grammar, clean_stream, clean_text

RLHF_URL = "https://huggingface.co/blog/rlhf"


def _drain(pieces, n_sources=3, corpus=(), keep=None) -> tuple[list[str], set[int]]:
    cited: set[int] = set()
    return list(clean_stream(pieces, n_sources, set(corpus), cited, keep)), cited


# -- clean_stream / clean_text on their own ------------------------------------------------------------------
@pytest.mark.parametrize(
    "pieces",
    [
        ["see https://evil.exa", "mple.com/x now."],
        ["see https://evil", ".example.com/x now."],  # ".example.com/x" alone is no URL
        ["see https://evil.example.com/", "x/y now."],
    ],
    ids=["mid-host", "at-dot", "in-path"],
)
def test_an_invented_url_split_across_pieces_never_appears_even_partly(pieces):
    """Streaming cleans whole sentences, so neither half of a URL gets out, even a half that alone looks harmless."""
    emitted, _ = _drain(pieces)
    assert "".join(emitted).split() == ["see", "now."]
    for piece in emitted:
        assert "evil" not in piece and "exa" not in piece and "https" not in piece


def test_the_first_half_of_a_url_is_not_emitted_before_the_second_arrives():
    """Nothing leaves clean_stream until its sentence is complete; a finished sentence leaves at once."""
    consumed = []

    def pieces():
        for p in ["Read this first. See https://evil.exa", "mple.com/x now."]:
            consumed.append(p)
            yield p

    out = clean_stream(pieces(), 3, set(), set())
    assert next(out) == "Read this first. "
    assert len(consumed) == 1, "the finished sentence went out before the second piece was read"
    rest = "".join(out)
    assert "evil" not in rest and "mple.com" not in rest and rest.split() == ["See", "now."]


def test_a_corpus_url_survives_and_a_markdown_link_to_anywhere_else_loses_its_target():
    text, _ = clean_text(f"Read {RLHF_URL} first. Then [a great resource](https://evil.example/y).", 3, {RLHF_URL})
    assert RLHF_URL in text
    assert "evil.example" not in text and "[a great resource]." in text


def test_a_citation_beyond_the_sources_is_removed_and_only_real_ones_are_recorded():
    """With 3 sources, [7] and [0] name nothing: gone from the text and not in `cited`; [2] stays."""
    text, cited = clean_text("RLHF starts from an SFT model [2], see also [7] and [0].", 3, set())
    assert "[2]" in text and "[7]" not in text and "[0]" not in text
    assert cited == {2}


def test_a_citation_split_across_pieces_is_still_recognised():
    emitted, cited = _drain(["Start with the overview [", "3]. Then read [1", "2]."])
    text = "".join(emitted)
    assert "[3]" in text and "[12]" not in text
    assert cited == {3}


def test_a_rejected_sentence_is_dropped_whole_and_the_next_survives():
    """`keep` sees whole sentences even when the model streams a sentence in several pieces."""
    emitted, cited = _drain(
        ["Start with transformers [1]. GANs are ", "fun too [2]. Then RLHF [3]."],
        keep=lambda sentence: "GAN" not in sentence,
    )
    text = "".join(emitted)
    assert text == "Start with transformers [1]. Then RLHF [3]."
    assert cited == {1, 3}, "a dropped sentence's citations do not count"


def test_chinese_sentence_ends_split_sentences():
    """。！？ end a sentence with no space after them; each sentence is judged on its own."""
    consumed = []

    def pieces():
        for p in ["先学 Transformer [1]。生成对抗", "网络也很好玩！", "然后学 RLHF [2]。"]:
            consumed.append(p)
            yield p

    cited: set[int] = set()
    out = clean_stream(pieces(), 3, set(), cited, keep=lambda sentence: "生成对抗网络" not in sentence)
    assert next(out) == "先学 Transformer [1]。"
    assert len(consumed) == 1
    assert "".join(out) == "然后学 RLHF [2]。"
    assert cited == {1, 2}


def test_a_last_clause_the_token_budget_cut_never_shows():
    """Chat page, "有没有讲注意力机制的好资料？": the budget ran out in "注意力机制通过将输入信息与", which showed
    as a paragraph of its own. A cut clause is dropped; a clause before it in its sentence ends in a full stop;
    a last sentence the model ended (or closed with its [n]) stands."""
    assert "".join(_drain(["先学 Transformer [1]。", "注意力机制通过将输入信息与"])[0]) == "先学 Transformer [1]。"
    assert "".join(_drain(["It covers attention [1], and then", " the way a"])[0]) == "It covers attention [1]. "
    assert "".join(_drain(["先学注意力机制，", "再学 Transformer [2]"])[0]) == "先学注意力机制，再学 Transformer [2]"
    assert "".join(_drain(["It is a prerequisite of BERT."])[0]) == "It is a prerequisite of BERT."


def test_fake_llm_plays_its_script_and_records_what_it_was_given(fake_llm):
    """The fixture itself: pieces in order, an exception where scripted, every prompt recorded."""
    llm = fake_llm(["a", "b"], ["c", RuntimeError("boom")], "d")
    assert list(llm.stream("prompt one", 10)) == ["a", "b"]
    second = llm.chat_stream([{"role": "user", "content": "hi"}], 10, stop=["x"], grammar="g")
    assert next(second) == "c"
    with pytest.raises(RuntimeError, match="boom"):
        next(second)
    assert list(llm.stream("prompt three", 10)) == ["d"]
    assert llm.prompts == ["prompt one", [{"role": "user", "content": "hi"}], "prompt three"]
    assert llm.calls[1]["grammar"] == "g" and llm.calls[1]["stop"] == ["x"]
    with pytest.raises(pytest.fail.Exception, match="no scripted reply"):
        llm.stream("one too many", 10)


# -- through the assistant ----------------------------------------------------------------------------------------
ROADMAP = f"""# LLM roadmap
## Neural networks
- [Neural Networks: Zero to Hero](https://karpathy.ai/zero-to-hero.html)
## Transformer
- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)
## Instruction tuning
- [FLAN: Finetuned Language Models Are Zero-Shot Learners](https://arxiv.org/abs/2109.01652)
## RLHF
- [Illustrating RLHF]({RLHF_URL})
- [Training language models to follow instructions with human feedback](https://arxiv.org/abs/2203.02155)
"""
PLAN_EN = "what should I learn before RLHF"
PLAN_ZH = "学 RLHF 之前要学什么？"


@pytest.fixture(scope="module")
def library(tmp_path_factory, embedder):
    """One small roadmap, ingested once for this module (the graph intents read it, nothing writes to it)."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore

    root = tmp_path_factory.mktemp("grounding")
    write(root / "corpus" / "roadmap.md", ROADMAP)
    # A roomy prompt budget: every source fits, so [n] in these scripts means what the test says it means.
    settings = load_settings(
        data_dir=root / "data", corpus_dirs=[root / "corpus"], llm_backend="none", prompt_tokens=1500
    )
    ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        return settings, meta.corpus_urls()
    finally:
        meta.close()


@pytest.fixture
def assistant(library):
    """An Assistant over the library with a given model: `assistant(fake_llm(...))`."""
    from studygraph.assistant.engine import Assistant

    settings, _ = library
    return lambda llm: Assistant(settings, llm=llm)


def prompt_sources(prompt) -> dict[int, str]:
    """The numbered sources a prompt (a string, or chat messages) showed the model: {n: title}."""
    text = prompt if isinstance(prompt, str) else prompt[-1]["content"]
    block = text.split("<sources>\n", 1)[1].split("\n</sources>", 1)[0]
    return {int(n): title for n, title in re.findall(r"^\[(\d+)\] (.+?) \(\w+\):", block, re.MULTILINE)}


def test_plan_prose_keeps_real_citations_and_drops_invented_ones(assistant, fake_llm, library):
    """Through the assistant: [2] stays, [7] goes, an invented URL goes, and every citation is a corpus URL."""
    _, corpus = library
    llm = fake_llm(
        [
            ", then work up to RLHF itself [2].",
            " Illustrating RLHF is a good overview [1], more in [7].",
            " Skip https://evil.exa",
            "mple.com/rlhf and go on.",
        ]
    )
    answer = assistant(llm).ask(PLAN_EN)
    assert answer.intent == "plan" and answer.model == "fake"
    shown = prompt_sources(llm.prompts[0])
    assert shown[1] == "Illustrating RLHF", shown  # the goal's resources: the plan job's facts cite them
    assert "[1]" in answer.prose and "[2]" in answer.prose
    assert "[7]" not in answer.prose and "[7]" not in answer.text
    assert "evil" not in answer.text and "mple.com" not in answer.text
    urls = {c.url for c in answer.citations}
    assert urls <= corpus, "citations are corpus URLs only"
    assert RLHF_URL in urls, "the cited source [1] is among the citations"
    assert answer.text.startswith(answer.prose) and answer.structured["steps"]


def test_out_of_range_citations_add_nothing(assistant, fake_llm):
    """A plan's citations are its own resources; a model citing only numbers it was never given changes nothing."""
    plain = assistant(fake_llm(["."])).ask(PLAN_EN)
    invented = assistant(fake_llm([" [4] [7] [99]."])).ask(PLAN_EN)
    assert [c.url for c in invented.citations] == [c.url for c in plain.citations]
    assert not re.search(r"\[\d+\]", invented.prose)


def test_only_cited_prompt_sources_become_citations(assistant, fake_llm):
    """`_citations` alone: beyond the draft's own resources, a prompt source is cited only if the prose said [n]
    for it, and never unless its URL is in the corpus (plans cite all their prompt sources anyway, so this
    is the guarantee for any answer whose prompt holds more than its text links)."""
    from types import SimpleNamespace

    from studygraph.assistant.grounding import PromptSource

    a = assistant(fake_llm())
    a._base()  # loads the corpus URLs
    sources = [
        PromptSource("FLAN", "https://arxiv.org/abs/2109.01652", "paper"),
        PromptSource("Illustrating RLHF", RLHF_URL, "article"),
        PromptSource("Not in the library", "https://evil.example/x", "article"),
    ]
    draft = SimpleNamespace(resources=[])  # a draft whose text links nothing: only its `resources` matter here
    assert [c.url for c in a._citations(draft, sources, cited={2})] == [RLHF_URL]
    assert a._citations(draft, sources, cited={3}) == [], "a cited source outside the corpus is no citation"
    assert a._citations(draft, sources, cited=set()) == []


def test_a_sentence_about_a_topic_outside_the_answer_is_dropped(assistant, fake_llm):
    """An RLHF plan has nothing on GANs: that sentence goes; the sentences around it stay."""
    llm = fake_llm(
        [
            ", then instruction tuning.",
            " Generative adversarial networks are fun.",
            " RLHF comes right after PPO [2].",  # [2] (an RLHF source) carries what it is about: RLHF
        ]
    )
    answer = assistant(llm).ask(PLAN_EN)
    assert "adversarial" not in answer.prose.lower() and "adversarial" not in answer.text.lower()
    assert "then instruction tuning." in answer.prose and "RLHF comes right after PPO [2]." in answer.prose


@pytest.mark.parametrize(
    "question, note",
    [(PLAN_EN, "The model failed; deterministic answer below"), (PLAN_ZH, "模型出错，以下为确定性回答")],
    ids=["en", "zh"],
)
@pytest.mark.parametrize("when", ["before-any-text", "mid-stream"])
def test_a_model_failing_leaves_the_deterministic_answer_with_a_note(assistant, fake_llm, question, note, when):
    """The model dies (a crashed worker, a dropped connection): a note saying why, then the plan; no half prose."""
    pieces = [] if when == "before-any-text" else [", then the transformer.", " After that"]
    llm = fake_llm([*pieces, RuntimeError("worker exited with signal 11")])
    answer, stream = assistant(llm).ask_stream(question)
    streamed = "".join(stream)
    assert answer.model == "none" and answer.prose == ""
    said, plan = answer.text.split("\n\n", 1)
    assert said == f"{note} (worker exited with signal 11)."
    assert "RLHF" in plan and streamed.endswith(plan), "the deterministic plan follows the note"
    assert answer.structured["steps"][-1]["id"] == "rlhf"
    if pieces:  # the learner saw the first sentence stream by, but it is not part of the answer kept
        assert "then the transformer." in streamed and "then the transformer" not in answer.text
    assert len(llm.calls) == 1


def test_completion_prompt_ends_in_the_lead_in_the_prose_starts_with(assistant, fake_llm):
    """A model without a chat template continues a document: the prompt ends in the lead-in, the prose starts with it."""
    llm = fake_llm([", then work up to RLHF [1]."])
    answer = assistant(llm).ask(PLAN_EN)
    (call,) = llm.calls
    assert call["method"] == "stream" and isinstance(call["prompt"], str)
    lead = call["prompt"].rsplit("\nAnswer: ", 1)[1]
    assert lead.startswith("To learn Reinforcement learning from human feedback (RLHF), start with")
    assert answer.prose == lead + ", then work up to RLHF [1]."
    assert call["grammar"] is None, "no grammar for a model that does not support one"


def test_chat_prompt_gets_rules_then_sources_and_the_question(assistant, fake_llm):
    """An instruct model gets messages: the rules as a system turn, the numbered sources and question as the user's."""
    llm = fake_llm(["Start with calculus, then work up to RLHF [1]."], chat=True)
    llm.supports_grammar = True
    answer = assistant(llm).ask(PLAN_EN)
    (call,) = llm.calls
    assert call["method"] == "chat_stream"
    system, user = call["prompt"]
    assert system["role"] == "system" and "cite sources as [1]" in system["content"]
    assert user["role"] == "user" and "<sources>" in user["content"] and PLAN_EN in user["content"]
    assert user["content"].index("</sources>") < user["content"].index(PLAN_EN)
    assert "https://" not in user["content"], "the model never sees a link it could copy"
    assert call["grammar"] == citation_grammar(len(prompt_sources(call["prompt"])))
    assert answer.prose == "Start with calculus, then work up to RLHF [1].", "no lead-in in chat mode"


def test_a_find_answers_n_is_the_n_th_source_the_chat_lists(tmp_path, fake_llm, embedder):
    """Issue 25's chat example ("The video … is [1]" while the chat's Sources [1] was InstructGPT): the chat
    numbers `citations` from 1, so the prose's [n] must be the n-th citation, even when the best match is a
    book with no link: it is described and cited like the others, a citation by its title alone."""
    from studygraph.library import Library

    write(
        tmp_path / "corpus" / "rl.md",
        "# Reinforcement learning\n\n## Books\n\n"
        "- Richard Sutton. Reinforcement Learning: An Introduction to reinforcement learning\n\n"
        "## Videos\n\n"
        "- [David Silver RL course](https://www.youtube.com/watch?v=2pWv7GOvuf0) a good introduction to"
        " reinforcement learning\n"
        "- [Spinning Up in Deep RL](https://spinningup.openai.com/) an introduction to deep reinforcement learning\n",
    )
    llm = fake_llm(["The best match is a good introduction [1], and so is the other one [2]."])
    lib = Library.open(tmp_path / "data", llm=llm, embedder=embedder, corpus_dirs=[tmp_path / "corpus"])
    lib.ingest()
    answer = lib.ask("Where can I find a good introduction to reinforcement learning?")
    assert answer.intent == "find"
    listed = answer.structured["resources"]
    assert any(r["url"] is None for r in listed), "the library's unlinked book is found too"
    shown = prompt_sources(llm.prompts[0])
    assert list(shown.values()) == [r["title"] for r in listed[: len(shown)]], "the answer's own order"
    for n, title in shown.items():
        assert answer.citations[n - 1].title == title, (n, title, answer.citations)
    assert listed[0]["url"] is None and answer.citations[0].title == listed[0]["title"], "the book, first"
    assert answer.citations[0].url == "" and answer.citations[0].kind == "book", "cited by its title alone"


def test_a_find_says_when_nothing_found_is_about_the_subject_itself(tmp_path, embedder):
    """A library with RLHF lectures and no resource on reinforcement learning: asked for an introduction to
    reinforcement learning, the answer says that nothing is about it before listing the closest, in the
    question's language; asked about RLHF, it lists what it has as before."""
    from studygraph.library import Library

    write(
        tmp_path / "corpus" / "rlhf.md",
        "# RLHF\n\n"
        "- [Illustrating RLHF](https://huggingface.co/blog/rlhf) how reinforcement learning from human feedback works\n"
        "- [InstructGPT](https://arxiv.org/abs/2203.02155) training language models to follow instructions\n",
    )
    lib = Library.open(tmp_path / "data", embedder=embedder, corpus_dirs=[tmp_path / "corpus"], llm_backend="none")
    lib.ingest()
    answer = lib.ask("Where can I find a good introduction to reinforcement learning?")
    assert answer.intent == "find" and answer.structured["resources"]
    assert [t["id"] for t in answer.structured["absent"]] == ["reinforcement-learning"]
    assert "Nothing in your library is about Reinforcement learning itself" in answer.answer
    chinese = lib.ask("有没有讲强化学习的入门资料？")
    assert re.search("资料库里没有(专门讲强化学习|与“)", chinese.answer), chinese.answer  # nearest, or nothing matches
    rlhf = lib.ask("where can I find material on RLHF?")
    assert rlhf.structured["absent"] == [] and "From your library" in rlhf.answer
