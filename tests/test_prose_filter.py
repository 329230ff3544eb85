"""The prose filter (assistant/prose_filter.py) and clause-at-a-time streaming, with scripted model output.

Each bad prose the issue saw from the default 0.5B model is scripted here and must come out filtered: the
answer's list copied back, the same sentence twice, the prompt's rules repeated, a sentence in the other
language, a [1] pointing at a source that is about something else, a made-up subject. Where nothing is
left, there is no prose at all. The real GGUF runs the same path in test_prose_eval.py.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import FakeLLM, write

from studygraph.assistant.grounding import clean_stream
from studygraph.assistant.prose_filter import CitedSource, ProseFilter
from studygraph.graph.plan import pick_resources

ROADMAP = """# LLM roadmap
## Neural networks
- [Neural Networks: Zero to Hero](https://karpathy.ai/zero-to-hero.html)
## Transformer
- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)
## Attention
- [FlashAttention: Fast and Memory-Efficient Exact Attention](https://arxiv.org/abs/2205.14135) (paper)
- [Attention? Attention!](https://lilianweng.github.io/posts/2018-06-24-attention/) a long read on attention
- [The attention mechanism, explained](https://distill.pub/2016/augmented-rnns/)
## Instruction tuning
- [FLAN: Finetuned Language Models Are Zero-Shot Learners](https://arxiv.org/abs/2109.01652)
## RLHF
- [Illustrating RLHF](https://huggingface.co/blog/rlhf)
- [Training language models to follow instructions with human feedback](https://arxiv.org/abs/2203.02155)
"""


def topics_of(text: str) -> list[str]:
    """A stand-in for the catalogue matcher: the few topics these unit tests talk about."""
    words = {"transformer": "transformer", "rlhf": "rlhf", "deepspeed": "deepspeed", "attention": "attention"}
    return [t for w, t in words.items() if w in text.casefold()]


def judge(lang="en", answer=(), sources=(), allowed=None, max_sentences=4, titles=()) -> ProseFilter:
    return ProseFilter(
        lang=lang,
        answer_lines=list(answer),
        rules=["Write in English. Explain it in two to four sentences; cite passages as [n]."],
        names={"Transformer", "RLHF", "The Illustrated Transformer", "InstructGPT"},
        sources=[CitedSource(title, set(topics)) for title, topics in sources],
        topics_of=topics_of,
        allowed=allowed,
        max_sentences=max_sentences,
        titles=set(titles),
    )


def shown(pieces, keep, n_sources=3) -> str:
    return "".join(clean_stream(pieces, n_sources, set(), set(), keep))


# -- the filter on its own --------------------------------------------------------------------------------------
def test_a_line_of_the_answer_copied_back_is_dropped_but_naming_its_topic_is_not():
    line = "1. **GPT（生成式预训练模型）** — 你正在学；直接建立在 Transformer 之上；解锁后续 39 个主题 [1]"
    keep = judge("zh", answer=[line], sources=[("Illustrating RLHF", {"rlhf"})])
    keep.names |= {"GPT（生成式预训练模型）"}
    keep.__post_init__()
    text = shown(["1. GPT（生成式预训练模型）: 你正在学；直接建立在 Transformer 之上；解锁后续 39 个主题 [1]。"], keep)
    assert text.strip() == ""
    keep = judge("zh", answer=[line])
    assert (
        shown(["你已经会了 Transformer，所以接下来学它最顺。"], keep) == "你已经会了 Transformer，所以接下来学它最顺。"
    )


def test_the_same_sentence_twice_is_shown_once():
    keep = judge()
    text = shown(
        [
            "Sutton and Barto is a gentle introduction to the field. ",
            "Sutton and Barto is a gentle introduction to the field.",
        ],
        keep,
    )
    assert text.count("gentle introduction") == 1


def test_the_prompts_own_rules_never_become_the_answer():
    keep = judge(sources=[("InstructGPT", {"rlhf"})])
    text = shown(
        ["The answer is in English, in my own words, in two to four sentences. The source cited is [1]."], keep
    )
    assert text.strip() == ""
    assert {reason for reason, _ in keep.dropped} == {"rules"}


def test_a_source_cards_fields_or_talk_about_the_question_are_no_prose():
    """Seen with the real model on a one-resource library: it copied the card it was given and then talked about
    the question instead of the subject."""
    for leak in (
        "The Illustrated Transformer article; topics: Transformer / Transformer模型 Attention notes. ",
        "This question is asking for the best match between a resource and its description. ",
    ):
        keep = judge(sources=[("The Illustrated Transformer", {"transformer"})])
        assert shown([leak], keep) == "" and keep.dropped[0][0] == "rules", leak
    subject = "The Illustrated Transformer [1] is a beginner article that draws every step of the transformer. "
    assert shown([subject], judge(sources=[("The Illustrated Transformer", {"transformer"})])) == subject


def test_a_sentence_in_the_other_language_is_dropped():
    keep = judge("zh")
    text = shown(
        ["Transformer 用注意力机制处理整个序列。", "It is the basis of every large language model today."], keep
    )
    assert text == "Transformer 用注意力机制处理整个序列。"
    keep = judge("en")
    assert shown(["RLHF tunes a model on human preferences. 它需要奖励模型和强化学习。"], keep).strip() == (
        "RLHF tunes a model on human preferences."
    )


def test_a_citation_of_a_source_about_something_else_drops_the_sentence():
    """The chat page's "The video for the course "Generative AI for Everyone" is [1]" with [1] = InstructGPT."""
    sources = [("InstructGPT", {"rlhf"}), ("Generative AI for Everyone", {"llm"})]
    keep = judge(sources=sources)
    text = shown(
        ['The video for the course "Generative AI for Everyone" is [1]. InstructGPT shows RLHF at work [1].'], keep
    )
    assert "Generative AI for Everyone" not in text and "InstructGPT shows RLHF at work [1]." in text
    keep = judge(sources=[("Neural Networks: Zero to Hero", {"neural-networks"})])
    # A sentence that arrives whole is judged whole (streamed word by word, see the test of what shows first).
    assert shown(["This resource is mostly about DeepSpeed [1]. "], keep).strip() == "", "a made-up subject"


def test_prose_stops_at_its_length_budget():
    keep = judge(max_sentences=2)
    text = shown(["One thing to know. ", "A second thing to know. ", "A third, which is one too many."], keep)
    assert text == "One thing to know. A second thing to know. "


# -- word-at-a-time streaming --------------------------------------------------------------------------------
def test_a_clause_is_shown_as_soon_as_it_ends():
    consumed = []

    def pieces():
        for p in ["Start with the transformer, ", "then read about RLHF [1]."]:
            consumed.append(p)
            yield p

    out = clean_stream(pieces(), 3, set(), set(), judge())
    assert next(out) == "Start with the transformer"
    assert len(consumed) == 1, "the first clause went out before the rest of the sentence was read"
    assert "".join(out) == ", then read about RLHF [1]."


def test_a_sentence_cut_at_a_rejected_clause_ends_in_a_full_stop():
    keep = judge(allowed={"transformer"})
    text = shown(["Start with the transformer, ", "then DeepSpeed is fun. ", "Then practise."], keep)
    assert text == "Start with the transformer. Then practise."
    keep = judge("zh", allowed={"transformer"})
    text = shown(["先从 Transformer 的结构学起，", "再学 DeepSpeed。", "然后多练习。"], keep)
    assert text == "先从 Transformer 的结构学起。然后多练习。"


def tokens(text: str) -> list[str]:
    """`text` as a small model streams it: a word (with its leading space) or a Chinese character a piece."""
    return re.findall(r"\s*[A-Za-z0-9'.,\[\]]+|\s*[^\sA-Za-z0-9'.,\[\]]", text)


def first_shown(pieces, keep) -> tuple[str, int]:
    """(the first piece shown, how many model pieces had arrived by then)."""
    consumed = []

    def stream():
        for p in pieces:
            consumed.append(p)
            yield p

    return next(clean_stream(stream(), 3, set(), set(), keep)), len(consumed)


def test_the_first_words_show_as_soon_as_they_are_whole_and_ours_never_alone():
    """The prose's first clause streams word by word; after it, a clause at a time."""
    start = "GPT is a good next step for you because"
    keep = judge(allowed={"transformer", "rlhf"})
    keep.start = start
    model = " it builds directly on the transformer you know, and it opens up RLHF."
    piece, arrived = first_shown([start, *tokens(model)], keep)
    # " it" and " builds" arrive, " directly" makes "builds" whole: the model has said two words of its own.
    assert piece == start + " it builds" and arrived == 1 + 3
    keep = judge(allowed={"transformer", "rlhf"})
    keep.start = start
    out = list(clean_stream([start, *tokens(model)], 3, set(), set(), keep))
    # " on" and " the" wait: cut there, "…because it builds directly on." would be no clause.
    assert out[:3] == [start + " it builds", " directly", " on the transformer"]
    assert out[-1] == ", and it opens up RLHF."
    zh = "接下来学GPT的理由是"
    keep = judge("zh", allowed={"transformer"})
    keep.start = zh
    piece, arrived = first_shown([zh, "它", "直接", "建立", "在", "Transformer", "之上。"], keep)
    assert piece == zh + "它直接" and arrived == 1 + 3, "the last characters wait to be judged with what follows"


def test_a_first_sentence_rejected_after_its_first_words_showed_ends_there_in_a_full_stop():
    """Nothing shown is taken back. The invalid [1] (Zero to Hero is not about DeepSpeed) never shows; the
    sentence ends at its last shown word, and the next sentence goes on."""
    keep = judge(sources=[("Neural Networks: Zero to Hero", {"neural-networks"})])
    text = shown(tokens("This resource is mostly about DeepSpeed [1]. Then practise with the exercises."), keep)
    assert text == "This resource is mostly about DeepSpeed. Then practise with the exercises."
    assert [reason for reason, _ in keep.dropped] == ["citation"]
    keep = judge("zh", allowed={"transformer"})
    text = shown(list("先从 Transformer 的结构学起，再学 DeepSpeed。然后多练习。"), keep)
    assert text == "先从 Transformer 的结构学起。然后多练习。", "a later clause is judged whole, as before"


def test_a_first_clause_that_turns_into_a_restatement_stops_before_it_restates():
    start = "Layer normalization matters because"
    keep = judge(answer=["Normalising each example's activations across its features rather than across the batch."])
    keep.start = start
    model = " it normalizes each example's activations across its features rather than across the batch."
    text = shown([start, *tokens(model)], keep)
    # Our words dilute the sentence's share: the model's own words are held once half their trigrams are the line's.
    assert text == start + " it normalizes each example's activations. "
    assert [reason for reason, _ in keep.dropped] == ["restates the answer"]


def test_first_words_that_begin_a_rule_or_a_citation_wait_to_be_judged_whole():
    keep = judge()
    assert shown(tokens("Explain it in two to four sentences first."), keep) == ""
    assert [reason for reason, _ in keep.dropped] == ["rules"]
    start = "The Illustrated Transformer [1] is an article that"
    source = ("The Illustrated Transformer", {"transformer"})
    keep = judge(sources=[source])
    keep.start = start
    assert shown([start, *tokens(" covers the basics of RLHF.")], keep) == "", "what it covers decides"
    keep = judge(sources=[source])
    keep.start = start
    piece, _ = first_shown([start, *tokens(" draws the transformer step by step.")], keep)
    assert piece == start + " draws the transformer"


def test_a_url_split_at_a_clause_boundary_is_still_judged_whole():
    text = shown(["see https://evil.exa", "mple.com/x, then read on."], None)
    assert (
        "evil" not in text
        and "mple" not in text
        and text.split() == ["see", ", then", "read", "on."]
        or ("evil" not in text and "mple" not in text)
    )


# -- through the assistant: the issue's examples --------------------------------------------------------------------
@pytest.fixture(scope="module")
def library(tmp_path_factory, embedder):
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    root = tmp_path_factory.mktemp("prose-filter")
    write(root / "corpus" / "roadmap.md", ROADMAP)
    settings = load_settings(
        data_dir=root / "data", corpus_dirs=[root / "corpus"], llm_backend="none", prompt_tokens=1500
    )
    ingest(settings, embedder=embedder)
    return settings


@pytest.fixture
def ask(library, embedder, fake_llm):
    """ask(question, *scripted pieces) -> (answer, the deterministic answer alone, the prompt the model got)."""
    from studygraph.assistant.engine import Assistant

    def run(question: str, *pieces: str):
        plain = Assistant(library, embedder=embedder).ask(question)
        llm = fake_llm(list(pieces), chat=True)
        answer = Assistant(library, llm=llm, embedder=embedder).ask(question)
        return answer, plain.text.split("\n\n", 1)[-1], llm.prompts[0]

    return run


def _list_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if re.match(r"\s*\d+\. ", ln)]


def test_chinese_next_prose_that_restates_the_list_is_no_prose(ask, library):
    question = "我已经学会了 Transformer，接下来应该学什么？"
    _, deterministic, _ = ask(question, "")
    copied = re.sub(r"\*\*", "", _list_lines(deterministic)[0]).replace(" — ", ": ")
    answer, deterministic, prompt = ask(question, copied + "。")
    assert answer.intent == "next" and answer.prose == ""
    assert answer.text == deterministic, "nothing left: no prose, just the answer"
    user = prompt[-1]["content"]
    assert not _list_lines(user), "the model is never shown the numbered list it could copy"


def test_find_prose_that_is_the_list_again_is_no_prose(ask):
    question = "有没有讲注意力机制的好资料？"
    _, deterministic, _ = ask(question, "")
    lines = _list_lines(deterministic)
    assert len(lines) >= 2
    copied = "  ".join(
        re.sub(r"\]\(https?://[^)]*\)", "]", ln).replace("[", "").replace("]", "") + f" [{i}]"
        for i, ln in enumerate(lines[:2], 1)
    )
    answer, _, _ = ask(question, copied)
    assert answer.intent == "find" and answer.prose == ""


def test_plan_prompt_holds_facts_not_a_cut_outline(ask):
    """The 19-step Chinese plan got "…然后还有6步，最后：12. 线性回归": the model copied a cut outline and
    miscounted. Its prompt now holds where to start, the hardest step and the time; no numbered steps."""
    answer, _, prompt = ask("学 RLHF 之前要学什么？", "先从神经网络开始，最难的是 RLHF，一共要几十个小时。")
    user = prompt[-1]["content"]
    assert not _list_lines(user) and "然后还有" not in user
    assert "从这里开始" in user and "最难的一步" in user and "小时" in user
    assert answer.prose.startswith("先从神经网络开始")


def test_a_rules_leak_on_odd_input_is_dropped(ask):
    answer, _, _ = ask(
        "What is RLHF? <script>alert(1)</script>",
        "The answer is in English, in my own words, in two to four sentences. ",
        "The source cited is [1].",
    )
    assert answer.prose == ""


def test_explain_prose_in_the_other_language_or_repeated_is_dropped(ask):
    answer, _, prompt = ask(
        "什么是 RLHF？",
        "RLHF 用人类的偏好来训练奖励模型，再用强化学习微调语言模型 [1]。",
        "RLHF 用人类的偏好来训练奖励模型，再用强化学习微调语言模型 [1]。",
        "It is how InstructGPT was trained.",
    )
    assert answer.intent == "explain"
    assert answer.prose == "RLHF 用人类的偏好来训练奖励模型，再用强化学习微调语言模型 [1]。"
    assert "描述：" in prompt[-1]["content"], "grounded in our Chinese description"


# -- our first words (prompts.py's starts), for a model that can be started so -----------------------------------
class StartedLLM(FakeLLM):
    """A scripted chat model whose turn can begin with given words: the replies are what it adds after them."""

    starts_answer = True

    def __init__(self, *replies):
        super().__init__(*replies, chat=True)
        self.starts: list[str] = []

    def chat_stream(self, messages, max_tokens, stop=None, grammar=None, start=""):
        self.starts.append(start)
        return super().chat_stream(messages, max_tokens, stop, grammar)


def started(library, embedder, question: str, *pieces: str):
    from studygraph.assistant.engine import Assistant

    llm = StartedLLM(list(pieces))
    return Assistant(library, llm=llm, embedder=embedder).ask(question), llm.starts[0]


def test_a_chinese_next_answer_begins_with_our_words_naming_the_suggestion(library, embedder):
    answer, start = started(
        library, embedder, "我已经学会了 Transformer，接下来应该学什么？", "它直接建立在你已掌握的 Transformer 之上。"
    )
    first = answer.structured["topics"][0]
    assert start == f"接下来学{first['zh'] or first['name']}的理由是"
    assert answer.prose == start + "它直接建立在你已掌握的 Transformer 之上。"


def test_our_first_words_alone_are_never_shown(library, embedder):
    answer, start = started(library, embedder, "我已经学会了 Transformer，接下来应该学什么？", "", " ")
    assert start and answer.prose == "" and start not in answer.text


def test_an_english_continuation_of_our_chinese_words_is_dropped(library, embedder):
    """The language is judged on the model's own words: our Chinese start does not carry an English sentence."""
    answer, _ = started(
        library,
        embedder,
        "我已经学会了 Transformer，接下来应该学什么？",
        " it builds directly on what you already know well.",
    )
    assert answer.prose == ""


def test_our_first_words_and_a_full_stop_are_no_prose(library, embedder):
    answer, start = started(library, embedder, "有没有讲 RLHF 的资料？", "。")
    assert start.startswith("《") and answer.prose == ""


def test_a_fact_line_of_the_prompt_copied_word_for_word_is_dropped():
    keep = ProseFilter(
        lang="en",
        answer_lines=[],
        rules=[],
        names={"GloVe", "Word embeddings"},
        sources=[],
        topics_of=topics_of,
        facts=["It builds on what the learner knows: Word embeddings."],
    )
    text = shown(
        [
            "GloVe is a good next step because it ties count-based vectors to word2vec. ",
            "It builds on what the learner knows: Word embeddings.",
        ],
        keep,
    )
    assert text.strip() == "GloVe is a good next step because it ties count-based vectors to word2vec."
    assert [reason for reason, _ in keep.dropped] == ["copies the prompt"]


# -- per-intent-4: a job the facts can carry, so the model need not invent -------------------------------------
KIND_ZH = {
    "paper": ("一篇", "论文"),
    "article": ("一篇", "文章"),
    "website": ("一个", "网页"),
    "video": ("一个", "视频"),
}
LEVEL_ZH = {"foundation": "基础", "basic": "入门", "intermediate": "中级", "advanced": "进阶", "": ""}


def test_find_begins_with_its_top_resource_and_what_kind_of_resource_it_is(library, embedder):
    """Started on the title alone, the 0.5B model listed the other titles; our words now say what the top
    resource is and its level (from the catalogue: its topic's level), and the model goes on to what it covers."""
    answer, start = started(library, embedder, "有没有讲 RLHF 的资料？", "，用图解释了 RLHF 的训练步骤 [1]。")
    top = answer.structured["resources"][0]
    measure, noun = KIND_ZH[top["kind"]]
    assert top["level"] and start == f"《{top['title']}》[1]是{measure}{LEVEL_ZH[top['level']]}{noun}"
    assert answer.prose == start + "，用图解释了 RLHF 的训练步骤 [1]。"


def test_find_prompt_describes_the_top_two_resources_only(library, embedder):
    from studygraph.assistant.engine import Assistant

    llm = StartedLLM(["，讲注意力 [1]。"])
    answer = Assistant(library, llm=llm, embedder=embedder).ask("Any good reading on attention?")
    user = llm.prompts[0][-1]["content"]
    assert answer.intent == "find" and len(answer.structured["resources"]) >= 3
    assert "[2] " in user and "[3] " not in user


def test_explain_of_a_topic_without_a_source_gets_a_job_its_facts_carry(library, embedder):
    """No source to point at: before, no prose at all; asked to explain from the description alone the model
    copied it. Now its facts are what the topic builds on and leads to, and its words begin on why it matters."""
    from studygraph.assistant.engine import Assistant

    llm = StartedLLM(["它能帮你判断一个模型学得好不好。"])
    answer = Assistant(library, llm=llm, embedder=embedder).ask("什么是困惑度？")
    topic = answer.structured["topic"]
    assert answer.intent == "explain" and not answer.structured["resources"], "a topic this library has no source on"
    user = llm.prompts[0][-1]["content"]
    assert "<sources>\n\n</sources>" in user and ("它的前置知识：" in user or "学会后可以继续学：" in user)
    assert llm.starts[0] == f"学{topic['zh'] or topic['name']}的意义在于"
    assert answer.prose == llm.starts[0] + "它能帮你判断一个模型学得好不好。"


def test_next_with_nothing_known_asks_why_it_is_a_good_first_topic(library, embedder):
    """Asked what a first topic "builds on" when the learner knows nothing, the model called the topic's own
    content what the learner knows; such a suggestion gets the first-topic job."""
    answer, start = started(library, embedder, "我接下来该学什么", "它是后面很多主题的基础。")
    first = answer.structured["topics"][0]
    assert start == f"先学{first['zh'] or first['name']}的原因是"


def test_plan_facts_say_which_later_steps_need_the_start(ask):
    """The plan's "because" was made up ("logistic regression is a key component of PPO"): its facts now say
    which later steps of this plan build on the start."""
    _, _, prompt = ask("What should I learn before RLHF?", "Start with neural networks.")
    start_line = next(ln for ln in prompt[-1]["content"].splitlines() if ln.startswith("Start with: "))
    assert "; it is needed for " in start_line


def test_our_first_words_and_a_comma_wait_for_the_models_clause():
    def keep(start):
        return ProseFilter(
            lang="zh",
            answer_lines=[],
            rules=[],
            names={"Illustrating RLHF"},
            sources=[CitedSource("Illustrating RLHF", {"rlhf"})],
            topics_of=topics_of,
            allowed={"rlhf"},
            start=start,
        )

    start = "《Illustrating RLHF》[1]是一篇文章"
    assert shown([start, "，", "It explains the reward model."], keep(start)) == ""
    assert shown([start, "，", "用图讲解了奖励模型。"], keep(start)) == start + "，用图讲解了奖励模型。"


def test_a_title_with_a_colon_in_our_words_shows_nothing_until_the_model_has_said_something():
    start = "《Susan Zhang: Trails of developing OPT-175B》[1]是一个视频"

    def keep():
        title = "Susan Zhang: Trails of developing OPT-175B"
        return ProseFilter(
            lang="zh",
            answer_lines=[],
            rules=[],
            names={title},
            sources=[CitedSource(title, set())],
            topics_of=topics_of,
            start=start,
            titles={title},
        )

    pieces = ["《Susan Zhang: ", "Trails of developing OPT-175B》[1]是一个视频"]
    assert shown([*pieces, "。"], keep()) == ""
    assert shown([*pieces, "，讲训练大模型的经验。"], keep()) == start + "，讲训练大模型的经验。"


def test_find_starts_on_the_first_described_resource_whose_title_our_words_can_hold():
    from studygraph.assistant.payloads import FindPayload, FoundResource
    from studygraph.assistant.prompts import prose_job

    def found(title, kind):
        return FoundResource(title, title, "https://example.org/" + kind, kind)

    job = prose_job("find", "zh")
    linky = found("nlp.seas.harvard.edu — attention", "article")  # the URL check would cut our words
    assert job.start_for(FindPayload([linky, found("Attention Is All You Need", "paper")])) == (
        "《Attention Is All You Need》[2]是一篇论文"
    )
    # No title our words can hold: they begin on [1] alone, and say what it is.
    assert job.start_for(FindPayload([linky, found("Attention? Attention!", "article")])) == "[1]是一篇文章"
    english = prose_job("find", "en").start_for(FindPayload([found("The Illustrated Transformer", "article")]))
    assert english == "The Illustrated Transformer [1] is an article that"


def test_a_related_find_starts_on_the_resource_and_what_it_is_about():
    """find_related's Draft names its one source and the topic it is about (`Draft.subject`); the model is left
    the relation. A title our words cannot hold, or a Chinese one in English, leaves only its [1]."""
    from studygraph.assistant.payloads import FindPayload
    from studygraph.assistant.prompts import prose_job

    nothing = FindPayload([])  # nothing matched: the source is not in the answer's list (answers.py _find_nearby)
    zh, en = prose_job("find", "zh", "find_related"), prose_job("find", "en", "find_related")
    assert zh.variant == "find_related" and prose_job("find", "zh").variant == ""
    assert (
        zh.start_for(nothing, ("NN", "神经网络（Neural networks）"))
        == "资料库里最接近的《NN》[1]讲的是神经网络（Neural networks），它是"
    )
    assert (
        en.start_for(nothing, ("NN", "Neural networks"))
        == "The closest resource in the library is NN [1] on Neural networks, which is"
    )
    assert en.start_for(nothing, ("生成式 AI 和 LLM 资源", "Generative models and AIGC")) == (
        "The closest resource in the library is [1] on Generative models and AIGC, which is"
    )
    assert zh.start_for(nothing, ("Attention? Attention", "注意力机制")) == "资料库里最接近的[1]讲的是注意力机制，它是"
    assert en.start_for(nothing) == ""


def test_find_starts_by_saying_what_its_top_resource_is_and_its_level_from_the_catalogue():
    from studygraph.assistant.payloads import FindPayload, FoundResource
    from studygraph.assistant.prompts import prose_job

    paper = FoundResource("NMT", "Neural Machine Translation", "https://a.example/1", "paper", level="intermediate")
    video = FoundResource("LoRA", "LoRA explained", "https://b.example/2", "video", level="basic")
    docs = FoundResource("HF", "Transformers docs", "https://c.example/3", "docs", level="advanced")
    assert (
        prose_job("find", "en").start_for(FindPayload([paper]))
        == "Neural Machine Translation [1] is an intermediate paper that"
    )
    assert prose_job("find", "zh").start_for(FindPayload([video])) == "《LoRA explained》[1]是一个入门视频"
    assert (
        prose_job("find", "en").start_for(FindPayload([docs])) == "Transformers docs [1] is advanced documentation that"
    )
    # A resource whose topic has no level (learned from a roadmap, or meta) is only said to be what it is.
    assert prose_job("find", "zh").start_for(FindPayload([replace(paper, level="")])) == (
        "《Neural Machine Translation》[1]是一篇论文"
    )


def test_a_sentence_pointing_back_at_a_dropped_one_goes_with_it():
    keep = judge(allowed={"transformer"})
    text = shown(["RLHF tunes a model on preferences. ", "It needs a reward model first. "], keep)
    assert text == "" and [r for r, _ in keep.dropped] == ["off topic", "refers to a dropped sentence"]
    kept = "The Transformer stacks attention layers. It needs no recurrence."
    assert shown([kept], judge(allowed={"transformer", "attention"})) == kept


def test_a_clause_with_no_words_left_at_the_budget_is_no_prose():
    assert shown(["2. ["], judge()) == ""
    assert shown(["Attention weighs its inputs. ", "2. ["], judge()).strip() == "Attention weighs its inputs."


def test_naming_a_sources_title_does_not_make_it_cover_whatever_else_the_sentence_says():
    source = ("The Illustrated Transformer", {"transformer"})
    keep = judge(sources=[source])
    claim = "The Illustrated Transformer [1] is an article that covers RLHF. "
    assert shown([claim], keep) == "" and keep.dropped[0][0] == "citation"
    fits = "The Illustrated Transformer [1] is an article that draws the transformer step by step."
    assert shown([fits], judge(sources=[source])) == fits


def test_an_english_find_answer_does_not_begin_on_a_chinese_title():
    from studygraph.assistant.payloads import FindPayload, FoundResource
    from studygraph.assistant.prompts import prose_job

    zh_title = FoundResource("李宏毅：生成式人工智能导论", "李宏毅：生成式人工智能导论", "https://b.example/1", "video")
    en_title = FoundResource("Attention in transformers", "Attention in transformers", "https://y.example/2", "video")
    payload = FindPayload([zh_title, en_title])
    assert prose_job("find", "en").start_for(payload) == "Attention in transformers [2] is a video that"
    assert prose_job("find", "zh").start_for(payload) == "《李宏毅：生成式人工智能导论》[1]是一个视频"
    # Only Chinese titles to describe: the English words begin on [1] (probe set: unstarted, the model copied
    # the source's line back).
    only_zh = FindPayload([zh_title, replace(zh_title, title="GAN论文精读", kind="paper", level="advanced")])
    assert prose_job("find", "en").start_for(only_zh) == "[1] is a video that"


def test_a_clause_that_copies_an_answer_line_is_not_shown_even_after_an_own_first_clause():
    line = "Normalising each example's activations across its features rather than across the batch."
    keep = judge(answer=[line])
    text = shown(
        [
            "To understand layer normalization, read the paper first [1], ",
            "it covers normalising each example's activations across its features rather than across the batch.",
        ],
        keep,
    )
    assert "activations" not in text and text.startswith("To understand layer normalization")
    assert [reason for reason, _ in keep.dropped] == ["restates the answer"]


CITED_TOPICS = {
    "bert": "bert",
    "instruction tuning": "instruction-tuning",
    "指令微调": "instruction-tuning",
    "flan": "flan",
}


def cited_topics_of(text: str) -> list[str]:
    """Like the catalogue matcher: the topics `text` names, in order of first mention."""
    folded = text.casefold()
    at = {}
    for word, topic in CITED_TOPICS.items():
        if word in folded:
            at[topic] = min(at.get(topic, len(folded)), folded.find(word))
    return sorted(at, key=at.get)


def _cited(sources, lang="en") -> ProseFilter:
    return replace(judge(lang, sources=sources), topics_of=cited_topics_of)


BERT_SOURCES = [("Attention Is All You Need", {"attention"}), ("BERT", {"bert"})]


def test_a_citation_must_carry_the_sentences_main_topic_not_the_name_it_tags():
    """The dev find answer "BERT [2] is an intermediate paper that covers instruction tuning." passed: [2]
    carries BERT, one of the sentence's topics, but the sentence is about instruction tuning."""
    claim = "BERT [2] is an intermediate paper that covers instruction tuning."
    keep = _cited(BERT_SOURCES)
    assert shown([claim], keep) == "" and keep.dropped[0][0] == "citation"
    # In Chinese the first clause says only what [2] is and shows; the claim's clause goes.
    text = shown(["BERT[2]是一篇中级论文，介绍了指令微调。"], _cited(BERT_SOURCES, "zh"))
    assert "指令微调" not in text
    # The same subject, a claim its source carries: shown.
    fits = "BERT [2] is an intermediate paper that pre-trains a bidirectional encoder."
    assert shown([fits], _cited(BERT_SOURCES)) == fits
    about = [("Attention Is All You Need", {"attention"}), ("BERT", {"bert", "instruction-tuning"})]
    assert shown([claim], _cited(about)) == claim


def test_a_citation_at_the_end_of_its_claim_must_carry_what_the_claim_is_about():
    flan = [("FLAN: Finetuned Language Models", {"flan", "instruction-tuning"}), ("BERT", {"bert"})]
    # The main topic is carried; a topic named in passing need not be ("any one of them" is not enough, nor is
    # every one needed).
    kept = "Instruction tuning on top of BERT is shown at scale [1]."
    assert shown([kept], _cited(flan)) == kept
    wrong = "Instruction tuning is shown step by step in BERT [2]. "  # arriving whole: judged whole
    keep = _cited(flan)
    assert shown([wrong], keep) == "" and keep.dropped[0][0] == "citation"


def test_sentences_as_the_subject_are_not_the_prompts_rules():
    """ "…how close two sentences are in meaning" was dropped as a leak of "in one or two sentences" (dev)."""
    subject = "Word embeddings let a model score how close two sentences are in meaning."
    assert shown([subject], judge()) == subject
    for leak in ("I will explain it in two sentences.", "Here is one sentence per resource, as asked."):
        keep = judge()
        assert shown([leak], keep) == "" and keep.dropped[0][0] == "rules", leak


def test_another_sources_citation_next_to_the_named_ones_is_judged_on_the_claim():
    """ "Instruction finetuning and RLHF lecture [1] is an advanced video that covers instruction finetuning and
    RLHF [2]." (dev): [2], the lecture's slides, carries instruction tuning too; the sentence stands."""
    lecture = ("Instruction finetuning and RLHF lecture", {"instruction-tuning", "rlhf"})
    claim = "Instruction finetuning and RLHF lecture [1] is an advanced video that covers instruction tuning [2]."
    slides = ("Slides for the lecture above", {"instruction-tuning"})
    assert shown([claim], _cited([lecture, slides])) == claim
    keep = _cited([lecture, ("BERT", {"bert"})])
    assert shown([claim + " "], keep) == "" and keep.dropped[0][0] == "citation"  # arriving whole
    # Naming one source's title and citing only another stays wrong.
    keep = _cited([lecture, slides])
    assert shown(["Instruction finetuning and RLHF lecture is a video about instruction tuning [2]. "], keep) == ""


def test_a_title_that_is_a_topics_name_also_carries_what_its_words_name():
    """To the matcher "Attention Is All You Need" is the Transformer paper; a sentence saying it discusses
    attention cites it rightly (dev find). A title that is not a name is matched as it stands."""
    from studygraph.assistant.engine import title_words
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.matcher import matcher_for

    matcher = matcher_for(load_catalogue())
    assert title_words(matcher, "Attention Is All You Need") == {"attention"}
    assert title_words(matcher, "The Illustrated Transformer") == set()
    assert title_words(matcher, "Neural Networks: Zero to Hero") == set()  # "Zero" is no ZeRO


def test_two_citations_after_one_name_tag_that_name():
    two = [("BERT", {"bert"}), ("BERT explained", {"bert"})]
    claim = "BERT [1] [2] is a paper that covers instruction tuning."
    keep = _cited(two)
    assert shown([claim], keep) == "" and keep.dropped[0][0] == "citation"
    fits = "BERT [1] [2] is a paper that pre-trains an encoder on masked words."
    assert shown([fits], _cited(two)) == fits


def _real_matcher_judge(names, sources) -> ProseFilter:
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.matcher import matcher_for

    matcher = matcher_for(load_catalogue())
    keep = replace(judge(sources=sources), topics_of=matcher.topics)
    keep.names |= set(names)
    keep.__post_init__()
    return keep


def test_a_clause_does_not_end_inside_a_name_with_a_comma():
    """ "Encoder-only, decoder-only and encoder-decoder models" holds a comma: read as a clause end, the [n]'s
    clause became "decoder-only and encoder-decoder models", which names GPT, and a GPT talk passed as its source."""
    families = "Encoder-only, decoder-only and encoder-decoder models"
    claim = f"The talk walks through {families} [1]."
    keep = _real_matcher_judge([families], [("GPT talk", {"gpt"})])
    assert keep(claim) is False and keep.dropped[0][0] == "citation"
    # Streamed a clause at a time, a clause is not shown cut at the name's comma ("…walks through Encoder-only.").
    keep = _real_matcher_judge([families], [("GPT talk", {"gpt"})])
    later = f"You already know how attention works, and the talk walks through {families} [1]. "
    assert shown(re.split(r"(?<=, )", later), keep) == "You already know how attention works. "
    keep = _real_matcher_judge([families], [("Transformer families", {"transformer-families"})])
    assert shown([claim], keep) == claim
    # Outside a name a comma still ends the clause: the [n] after it is judged on its own clause.
    split = "Start with the attention mechanism, then read about GPT [1]."
    assert shown([split], _real_matcher_judge([families], [("GPT talk", {"gpt"})])) == split


def test_two_sentences_that_share_a_shape_but_not_their_names_are_no_repeat():
    """Plan prose (dev): "The hardest step is X because it is needed for …" was cut as a repeat of "Start with Y
    because it is needed for …" while every name was folded to one token. The same claim again still goes."""
    names = {"Linear algebra", "Neural networks", "Matrix multiplication", "Machine learning basics"}
    names |= {"Linear regression", "Backpropagation", "Word embeddings", "Neural language models"}
    first = (
        "Start with Linear algebra because it is needed for Matrix multiplication, Machine learning basics, "
        "Linear regression and 2 more. "
    )
    second = (
        "The hardest step is Neural networks because it is needed for Backpropagation, Word embeddings, "
        "Neural language models and 2 more."
    )
    keep = judge()
    keep.names |= names
    keep.__post_init__()
    assert shown([first, second], keep) == first + second
    keep = judge()
    keep.names |= names
    keep.__post_init__()
    assert keep(first) is True and keep(first.replace("Start", "Begin")) is False
    assert keep.dropped == [("repeated", first.replace("Start", "Begin").strip())]


def test_a_find_whose_resources_are_not_about_the_subject_describes_a_neighbour(library, embedder):
    """Dev: for diffusion models retrieval's top two were a Colossal-AI article and a generative-AI course; the
    model said the article "covers diffusion models", which no source supports (dropped, after 87 s). The job
    is one sentence on the first resource about a topic next to the asked one, from that edge of the map; our
    words name the resource and what it is about, so what the model adds is the relation (begun on "[1]"
    alone, the 0.5B reversed it in English: "Diffusion models are a prerequisite of Generative models")."""
    from studygraph.assistant.engine import Assistant

    llm = StartedLLM(["自注意力（Self-attention）的前置知识。"])
    answer = Assistant(library, llm=llm, embedder=embedder).ask("有没有讲自注意力的资料？")
    assert answer.intent == "find" and answer.structured["resources"], "retrieval finds attention, not self-attention"
    user = llm.prompts[0][-1]["content"]
    assert "所问主题：自注意力（Self-attention）（资料库里没有讲它的资料）" in user
    assert "[1] 讲的是注意力机制（Attention mechanism），它是自注意力（Self-attention）的前置知识。" in user
    assert "[2] " not in user, "only the resource the relation is about is numbered"
    # Its title, "Attention? Attention", holds a sentence end our words cannot hold: they begin on its [1].
    assert answer.citations[0].title == "Attention? Attention"
    assert llm.starts == ["资料库里最接近的[1]讲的是注意力机制（Attention mechanism），它是"]
    assert answer.prose == llm.starts[0] + "自注意力（Self-attention）的前置知识。"
    llm = StartedLLM([" a prerequisite of Self-attention."])
    english = Assistant(library, llm=llm, embedder=embedder).ask("Any good resource on self-attention?")
    assert english.intent == "find" and english.structured["resources"]
    assert llm.starts == ["The closest resource in the library is [1] on Attention mechanism, which is"]
    assert english.prose == llm.starts[0] + " a prerequisite of Self-attention."


def test_a_find_that_matches_nothing_points_at_a_resource_next_to_the_subject(library, embedder):
    """Dev: "推荐一个讲 LoRA 的视频" in a library without LoRA had nothing to show and no prose. The answer still says
    nothing matched; the prose names the best resource about a topic next to the asked one in the map (what it
    builds on first) and how the two relate, citing it, so the learner has somewhere to start."""
    from studygraph.assistant.answers import Answers
    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.intents import route
    from studygraph.assistant.payloads import FindPayload

    _, tg, resolver = Assistant(library, llm=StartedLLM(), embedder=embedder)._library()
    answers = Answers(tg, set(), set(), {})
    nothing = answers.find(route("有没有讲自注意力的视频？", resolver, None), [])
    assert nothing.job == "find_related" and len(nothing.sources) == 1 and nothing.resources == []
    assert nothing.facts[0] == "所问主题：自注意力（Self-attention）（资料库里没有讲它的资料）。"
    assert nothing.facts[1].endswith("它是自注意力（Self-attention）的前置知识。")
    assert set(nothing.sources[0].topics) & set(tg.plan_graph.predecessors("self-attention"))
    assert isinstance(nothing.payload, FindPayload) and nothing.payload.resources == []
    # A subject the map lacks has no neighbours to point at: no prose, no model call.
    lonely = answers.find(route("Any paper about quantum origami?", resolver, None), [])
    assert lonely.job == "" and lonely.sources == []


# -- issue 25: a cut that leaves the model's part no clause ------------------------------------------------------
def unsourced(lang: str, start: str, names: set[str], description: str = "") -> ProseFilter:
    """An explain of a topic with no source: the answer under the prose is the topic's description."""
    answer = [description] if description else []
    return ProseFilter(
        lang=lang, answer_lines=answer, rules=[], names=names, sources=[], topics_of=topics_of, start=start
    )


def test_a_first_clause_cut_to_a_dangling_word_is_never_shown():
    """The 0.5B began on its own words and went on to copy the description (dropped): what had streamed was our
    start and a dangling 它将, shown as "学旋转位置编码的意义在于它将。". Now the first words wait until they stand."""
    start = "学旋转位置编码的意义在于"
    fact = "把每个查询向量和键向量旋转一个与其位置成正比的角度来编码位置，使注意力分数只取决于相对距离。"
    keep = unsourced("zh", start, {"旋转位置编码"}, fact)
    assert shown([start, "它将", *fact], keep) == ""
    assert keep.dropped and keep.dropped[0][0] == "restates the answer"
    # In English the same cut: "it is" once streamed, then the model drifted into Chinese (dropped).
    start = "Rotary position embedding matters because"
    keep = unsourced("en", start, {"Rotary position embedding"})
    assert shown([start, *tokens(" it is the"), *"一种编码位置的方法。"], keep) == ""
    assert [reason for reason, _ in keep.dropped] == ["language"]


def test_a_sentence_ending_on_a_dangling_word_is_no_prose():
    keep = unsourced("zh", "学困惑度的意义在于", {"困惑度"})
    assert shown(["学困惑度的意义在于它和。"], keep) == ""
    assert [reason for reason, _ in keep.dropped] == ["not a clause"]
    keep = unsourced("en", "Perplexity matters because", {"Perplexity"})
    assert shown(["Perplexity matters because it is the."], keep) == ""
    assert shown(["Attention weighs its inputs by the. "], judge()) == ""


@pytest.mark.parametrize(
    "lang,start,model",
    [
        ("zh", "学层归一化的意义在于", "它有用。"),
        ("zh", "学层归一化的意义在于", "它是必不可少的。"),
        ("zh", "学困惑度的意义在于", "它衡量语言模型。"),
        ("zh", "学注意力的意义在于", "它讲的是注意力。"),
        ("zh", "学困惑度的意义在于", "它把概率求和。"),
        ("en", "Layer normalization matters because", " it helps."),
        ("en", "Layer normalization matters because", " it stabilises training of attention."),
        ("en", "GPT is a good next step for you because", " it builds on what you know."),
    ],
)
def test_short_complete_clauses_still_show(lang, start, model):
    keep = unsourced(lang, start, {"层归一化", "困惑度", "注意力", "Layer normalization", "GPT"})
    pieces = [start, *(tokens(model) if lang == "en" else list(model))]
    assert shown(pieces, keep).strip() == start + model


# -- issue 25: find prose on questions of the probe set (tests/prose_eval.py PROBE) --------------------------------
def found_judge(lang: str, start: str, sources, subjects=()) -> ProseFilter:
    """A find's judge: our start, and our "Title (kind): kind and level" in front of each numbered source."""
    return ProseFilter(
        lang=lang,
        answer_lines=[],
        rules=[],
        names={title for title, *_ in sources},
        sources=[CitedSource(title, set(topics)) for title, _, _, topics in sources],
        topics_of=lambda text: [t for w, t in WORDS.items() if w in text.casefold()],
        start=start,
        ours=[f"{title} ({kind}): {words}" for title, kind, words, _ in sources],
        subjects=set(subjects),
    )


WORDS = {"gpt": "gpt", "gan": "gan", "python": "python", "pytorch": "pytorch"}


def test_a_clause_that_only_says_our_words_again_is_no_prose():
    """Probe set, shown before: "《GPT论文精读》[1]是一个中级视频，讲述了一个中级视频。" (what it is, said twice, nothing
    it covers), and, begun on nothing of ours, the source's line copied back."""
    sources = [("GPT论文精读", "video", "一个中级视频", {"gpt"}), ("GAN论文精读", "video", "一个进阶视频", {"gan"})]
    start = "《GPT论文精读》[1]是一个中级视频"
    keep = found_judge("zh", start, sources)
    assert shown([start, *"，讲述了一个中级视频。"], keep) == ""
    assert [reason for reason, _ in keep.dropped] == ["echoes our words"]
    said = "，讲述了GPT的预训练和微调。"
    assert shown([start, *said], found_judge("zh", start, sources)) == start + said
    # Our words for [2] as a lead-in wait for the clause after them: the sentence is judged on what it adds.
    second = "[2]是一个进阶视频，讲GAN的训练技巧。"
    assert shown([start, *said, *second], found_judge("zh", start, sources)) == start + said + second
    keep = found_judge("zh", start, sources)
    assert shown([start, *said, *"[2]是一个进阶视频。"], keep) == start + said
    sources = [
        ("GPT论文精读", "video", "an intermediate video", {"gpt"}),
        ("GAN论文精读", "video", "an advanced video", {"gan"}),
    ]
    keep = found_judge("en", "", sources)
    assert shown(tokens("[2] GAN论文精读 (video): an advanced video."), keep) == ""
    assert [reason for reason, _ in keep.dropped] == ["echoes our words"]
    fits = "[2] is an advanced video that reads the GAN paper line by line."
    assert shown(tokens(fits), found_judge("en", "[2] is an advanced video that", sources)) == fits


def test_a_find_sentence_naming_the_asked_topic_is_about_it_whatever_it_names_first():
    """Probe set: "…介绍了如何在Python中学习PyTorch框架。" was dropped, its main topic read as Python (named first),
    which the PyTorch tutorial does not carry. The asked topic it names is what it is about; a sentence naming
    only another topic still needs a source for it."""
    sources = [("新手如何入门pytorch", "article", "一篇入门文章", {"pytorch"})]
    start = "《新手如何入门pytorch》[1]是一篇入门文章"
    said = "，介绍了如何在Python中学习PyTorch框架。"
    assert shown([start, *said], found_judge("zh", start, sources, {"pytorch"})) == start + said
    keep = found_judge("zh", start, sources)
    assert shown([start, *said], keep) == "" and keep.dropped[0][0] == "citation"
    keep = found_judge("zh", start, sources, {"pytorch"})
    assert shown([start, *"，介绍了Python的基本语法。"], keep) == ""
    assert keep.dropped[0][0] == "citation"


def test_a_find_whose_results_are_neither_about_the_subject_nor_next_to_it_points_next_door(library, embedder):
    """Probe set: asked for a diffusion paper, retrieval's top was the LLaMA paper, no edge from either to
    diffusion: no prose at all, where a find that matched nothing would have pointed at a resource next to the
    subject in the map. Now both do; the answer's list stays what retrieval found."""
    from studygraph.assistant.answers import Answers
    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.intents import route
    from studygraph.assistant.retrieval import SearchResult

    _, tg, resolver = Assistant(library, llm=StartedLLM(), embedder=embedder)._library()
    answers = Answers(tg, set(), set(), {})
    flan = next(r for r in tg.resources.values() if r.title.startswith("FLAN"))
    intent = route("有没有讲自注意力的视频？", resolver, None)
    assert not tg.plan_graph.has_edge(flan.topics[0], "self-attention")
    assert not tg.plan_graph.has_edge("self-attention", flan.topics[0])
    draft = answers.find(intent, [SearchResult(flan, 1.0, list(flan.topics))])
    assert draft.job == "find_related" and draft.resources == [flan] and len(draft.sources) == 1
    assert set(draft.sources[0].topics) & set(tg.plan_graph.predecessors("self-attention"))
    assert draft.facts[0] == "所问主题：自注意力（Self-attention）（资料库里没有讲它的资料）。"


def test_a_find_that_found_only_what_builds_on_the_subject_far_on_says_so(library, embedder):
    """Probe set 2: "a good introduction to reinforcement learning" found the InstructGPT video, four edges on
    (RL → MDP → policy gradient → PPO → RLHF), nothing next to RL had a resource: no prose. Now the found
    resource is described by how it stands to the subject, on the topic its title does not already say."""
    from studygraph.assistant.answers import Answers
    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.intents import route
    from studygraph.assistant.retrieval import SearchResult

    _, tg, resolver = Assistant(library, llm=StartedLLM(), embedder=embedder)._library()
    paper = next(r for r in tg.resources.values() if r.title.startswith("Training language models to follow"))
    instructgpt = replace(paper, title="InstructGPT")  # the seed roadmap's video: a title that is a topic's name
    assert paper.topics[:2] == ["instructgpt", "rlhf"]
    assert not any(pick_resources(tg, n, 1) for n in tg.plan_graph.predecessors("reinforcement-learning"))
    for question, relation in (
        ("有没有讲强化学习的入门资料？", "它建立在强化学习（Reinforcement learning）的基础之上"),
        ("Where can I find a good introduction to reinforcement learning?", "a later topic that builds on"),
    ):
        draft = Answers(tg, set(), set(), {}).find(
            route(question, resolver, None), [SearchResult(instructgpt, 1.0, list(instructgpt.topics))]
        )
        assert draft.job == "find_related" and [s.title for s in draft.sources] == ["InstructGPT"]
        assert relation in draft.facts[1] and "RLHF" in draft.subject[1]


def test_a_find_prompt_names_a_sources_topics_in_the_questions_language(library, embedder):
    """Probe set: shown a card's "topics: Generative adversarial networks (GAN) / 生成对抗网络", the 0.5B model
    wrote both names into an English sentence. The prompt's source text names them in one language."""
    llm = StartedLLM("", "")
    from studygraph.assistant.engine import Assistant

    assistant = Assistant(library, llm=llm, embedder=embedder)
    assistant.ask("Any paper about RLHF?")
    assistant.ask("有没有关于 RLHF 的论文？")
    english, chinese = (prompt[-1]["content"] for prompt in llm.prompts)
    assert "; topics: " in english and " / 基于人类反馈的强化学习" not in english
    assert "Reinforcement learning from human feedback (RLHF) / " not in chinese


def test_a_related_finds_chinese_words_hold_their_comma_until_the_relation_comes():
    """ "…讲的是神经网络，它是" leaves the model the relation, as its fact says it; our words never show alone."""
    start = "资料库里最接近的《NN》[1]讲的是神经网络，它是"
    keep = found_judge("zh", start, [("NN", "video", "一个入门视频", {"neural-networks"})])
    keep.names |= {"神经网络", "知识蒸馏"}
    keep.__post_init__()
    assert shown([*start, "。"], keep) == ""
    keep.dropped.clear()
    said = "知识蒸馏的前置知识。"
    keep = found_judge("zh", start, [("NN", "video", "一个入门视频", {"neural-networks"})])
    assert shown([*start, *said], keep) == start + said


def test_a_clause_said_again_of_the_next_resource_is_dropped():
    """Probe set: the second resource given the first one's description, clause for clause. Its own first clause
    stands; a short clause ("它是") or one naming another topic is no repeat."""
    sources = [
        ("DeepSpeed官网", "website", "一个进阶网页", {"deepspeed"}),
        ("DeepSpeed开手项目", "docs", "一份进阶文档", {"deepspeed"}),
    ]
    start = "《DeepSpeed官网》[1]是一个进阶网页"
    first = "，介绍了DeepSpeed的训练框架。"
    keep = found_judge("zh", start, sources)
    keep.names |= {"DeepSpeed"}
    keep.__post_init__()
    text = shown([start, *first, *"[2]是一个入门项目，介绍了DeepSpeed的训练框架。"], keep)
    assert text == start + first + "[2]是一个入门项目。" and keep.dropped[0][0] == "repeated"
    keep = found_judge("zh", start, sources)
    keep.names |= {"DeepSpeed", "ZeRO"}
    keep.__post_init__()
    other = "[2]是一个入门项目，介绍了ZeRO的训练框架。"
    assert shown([start, *first, *other], keep) == start + first + other


def test_our_frame_said_of_another_name_is_no_echo_and_never_shows_cut():
    """Dev plan: "先从微积分开始学扩散模型，然后从生成模型与AIGC开始学。" names a step of its own in our frame; with names
    folded to one token it read as our words again, and what had streamed ahead showed cut ("…AIGC开。")."""
    start = "先从微积分开始学"
    keep = ProseFilter(
        lang="zh",
        answer_lines=[],
        rules=[],
        names={"微积分", "扩散模型", "生成模型与AIGC"},
        sources=[],
        topics_of=lambda text: [],
        start=start,
    )
    said = "扩散模型，然后从生成模型与AIGC开始学。"
    assert shown([start, *said], keep) == start + said and not keep.dropped
