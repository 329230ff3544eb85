"""Follow-ups over a conversation, end to end through `Library.open(...)` with no model: "why?", "after that?",
"more" / "中文的" / "a paper instead", "I know X", "who introduced it?", in both languages; and a question that is a resource's title.
The conversation is only its history (list of {role, content}), as the chat page and a restored one pass it."""

from __future__ import annotations

import re

import pytest
from conftest import talk, write

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def lib(seed_library, embedder):
    from studygraph.library import Library

    settings, _ = seed_library
    return Library.open(settings.data_dir, embedder=embedder, llm_backend="none")


@pytest.mark.parametrize(
    "plan_q, why_q", [("what should I learn before RLHF", "why?"), ("学 RLHF 之前要学什么？", "为什么？")]
)
def test_why_after_a_plan_explains_its_first_step_with_evidence(lib, plan_q, why_q):
    plan, why = talk(lib, plan_q, why_q)
    first = plan.structured["steps"][0]["id"]
    assert why.intent == "why"
    s = why.structured
    assert s["step"]["id"] == first and s["target"]["id"] == "rlhf"
    assert s["path"][0]["id"] == first and s["path"][-1]["id"] == "rlhf"
    assert s["edges"] and all(e["evidence"] for e in s["edges"])
    assert s["edges"][0]["evidence"][0] in why.answer  # the edge that put it first, with its evidence
    if CJK.search(why_q):
        assert "为什么" in why.answer and "排在" in why.answer
    else:
        assert "comes before" in why.answer


@pytest.mark.parametrize("why_q", ["why transformer?", "为什么要先学 Transformer？"])
def test_why_a_named_step(lib, why_q):
    _, why = talk(lib, "what should I learn before RLHF", why_q)
    assert why.structured["step"]["id"] == "transformer" and why.structured["path"][-1]["id"] == "rlhf"


@pytest.mark.parametrize(
    "question",
    [
        "why does RLHF come after fine-tuning?",
        "I don't get why fine-tuning is scheduled before RLHF",
        "凭什么 RLHF 要排在微调后面学？",
    ],
)
def test_why_one_topic_comes_after_another_is_the_path_in_the_learning_order(lib, question):
    """However the two topics are ordered in the question, the answer is the chain from the earlier one."""
    (why,) = talk(lib, question)
    assert why.intent == "why"
    path = [t["id"] for t in why.structured["path"]]
    assert path[0] == "fine-tuning" and path[-1] == "rlhf" and why.structured["edges"]


@pytest.mark.parametrize("next_q, why_q", [("what should I learn next?", "why?"), ("下一步学什么", "为什么")])
def test_why_after_a_next_answer_gives_its_reasons(lib, next_q, why_q):
    nxt, why = talk(lib, next_q, why_q)
    assert why.intent == "why"
    assert why.structured["step"]["id"] == nxt.structured["topics"][0]["id"]
    assert why.structured["reasons"] and why.structured["reasons"] in why.answer


@pytest.mark.parametrize(
    "plan_q, after_q",
    [
        ("what should I learn before RLHF", "after that?"),
        ("学 RLHF 之前要学什么？", "那之后呢？"),
        ("学 RLHF 之前要学什么？", "然后呢?"),
    ],
)
def test_after_a_plan_comes_what_its_goal_unlocks(lib, plan_q, after_q):
    plan, after = talk(lib, plan_q, after_q)
    assert after.intent == "next"
    unlocked = set(lib.graph.plan_graph.successors("rlhf"))
    ids = [t["id"] for t in after.structured["topics"]]
    assert ids and set(ids) <= unlocked
    assert not set(ids) & {s["id"] for s in plan.structured["steps"]}
    head = "学完基于人类反馈的强化学习" if CJK.search(after_q) else "After Reinforcement learning from human feedback"
    assert head in after.answer
    assert "线性代数" not in after.answer and "Linear algebra" not in after.answer  # not the generic starting points


def _ids(answer) -> list[str]:
    return [r["id"] for r in answer.structured["resources"]]


@pytest.mark.parametrize(
    "first_q, more_q", [("resources about transformers", "more"), ("有没有讲 Transformer 的资料", "换一个")]
)
def test_more_shows_the_next_resources_of_the_same_subject(lib, first_q, more_q):
    first, more = talk(lib, first_q, more_q)
    assert first.intent == more.intent == "find"
    assert _ids(more) and not set(_ids(more)) & set(_ids(first))
    assert "transformer" in more.structured["topics"]
    # More on the subject, not the ranking's filler: every resource past the first page is about it.
    assert all("transformer" in lib.graph.resources[i].topics for i in _ids(more))


def test_chinese_ones_and_a_paper_instead(lib):
    zh = talk(lib, "resources about transformers", "中文的")[1]
    titles = [r["title"] for r in zh.structured["resources"]]
    assert titles and all(CJK.search(t) for t in titles)
    paper = talk(lib, "resources about transformers", "give me a paper instead")[1]
    assert paper.structured["kind"] == "paper"
    assert paper.structured["resources"][0]["kind"] == "paper"
    again = talk(lib, "哪里有讲注意力机制的视频", "还有吗")[1]
    assert again.intent == "find" and all(r["kind"] == "video" for r in again.structured["resources"][:1])


def test_a_video_instead_after_a_find_question_keeps_its_subject(lib):
    """Issue 25's chat example: "give me a video instead" after a where-can-I-find question is the same subject
    (RLHF), videos first; its citations are exactly the resources it lists."""
    first, video = talk(lib, "where can I find material on RLHF?", "give me a video instead")
    assert first.intent == video.intent == "find" and "rlhf" in first.structured["topics"]
    assert video.structured["kind"] == "video" and "rlhf" in video.structured["topics"]
    listed = video.structured["resources"]
    assert listed[0]["kind"] == "video" and "rlhf" in lib.graph.resources[listed[0]["id"]].topics
    assert [c.url for c in video.citations if c.url] == [r["url"] for r in listed if r["url"]]
    assert {c.title for c in video.citations if not c.url} <= {r["title"] for r in listed}  # a book, described


@pytest.mark.parametrize(
    "first_q, origin_q, video_q, before_q",
    [
        ("什么是 Transformer？", "它是谁提出的？", "有没有讲它的视频", "那它之前要学什么"),
        (
            "what is a transformer?",
            "who introduced it?",
            "is there a video about it?",
            "what should I learn before it?",
        ),
    ],
)
def test_questions_about_it_answer_about_the_earlier_topic(lib, first_q, origin_q, video_q, before_q):
    """After "什么是 Transformer？", "它是谁提出的？" finds the paper that introduced the transformer, "a video about
    it" its videos and "before it" a plan for it: each its own intent, about the subject asked before."""
    explain, origin, video, plan = talk(lib, first_q, origin_q, video_q, before_q)
    assert explain.structured["topic"]["id"] == "transformer"
    assert origin.intent == "find" and origin.structured["topics"] == ["transformer"]
    assert origin.structured["resources"][0]["title"] == "Attention Is All You Need"
    assert video.intent == "find" and video.structured["kind"] == "video"
    first = video.structured["resources"][0]
    assert first["kind"] == "video" and "transformer" in lib.graph.resources[first["id"]].topics
    assert plan.intent == "plan" and plan.structured["goal"]["id"] == "transformer"
    assert ("Transformer模型 学习路线" if CJK.search(before_q) else "Plan for Transformer") in plan.answer


def test_a_find_about_it_that_matches_nothing_names_the_subject_and_offers_a_neighbour(lib):
    """The seed library has nothing on softmax: "nothing matches" quotes what was searched (the subject, not "is
    there a video about it?"), and the prose job is the one about the closest resource next to it in the map,
    as for the same question naming softmax ("a video instead" repeats an answer: no such detour)."""
    from studygraph.assistant.answers import Answers
    from studygraph.assistant.intents import route
    from studygraph.graph.resolve import Resolver

    video = talk(lib, "what is softmax?", "is there a video about it?")[1]
    assert video.intent == "find" and video.structured["topics"] == ["softmax"]
    assert "Nothing in your library matches “Softmax”" in video.answer
    zh = talk(lib, "什么是幻觉？", "有没有关于它的论文？")[1]
    assert "资料库里没有与“幻觉（Hallucination and factuality）”相关的资料" in zh.answer
    answers, resolver = Answers(lib.graph, set(), set(), {}), Resolver(lib.graph.catalogue)
    history = [{"role": "user", "content": "what is softmax?"}, {"role": "assistant", "content": "…"}]
    assert answers.find(route("is there a video about it?", resolver, history), []).job == "find_related"
    assert answers.find(route("give me a video instead", resolver, history), []).job == ""


@pytest.mark.parametrize(
    "said, topic",
    [
        ("I know neural networks", "neural-networks"),
        ("我学过神经网络", "neural-networks"),
        ("我已经会 Python 了", "python"),
    ],
)
def test_i_know_x_holds_for_every_later_plan_and_next_in_the_conversation(lib, said, topic):
    ancestors = lib.graph.closure.members(lib.graph.closure.ancestors_of([topic]))
    before, note, plan, after = talk(
        lib, "what should I learn before RLHF", said, "what should I learn before RLHF", "and after that?"
    )
    assert topic in {s["id"] for s in before.structured["steps"]}
    assert note.intent == "progress" and ("skip" in note.answer or "跳过" in note.answer)
    steps = {s["id"] for s in plan.structured["steps"]}
    assert topic not in steps and not steps & ancestors
    assert len(steps) < len(before.structured["steps"])
    nxt = talk(lib, said, "what should I learn next?")[1]
    assert topic not in {t["id"] for t in nxt.structured["topics"]}


def test_why_with_nothing_before_says_what_it_is_for(lib):
    answer = lib.ask("why?")
    assert answer.intent == "why" and "after a plan" in answer.answer
    assert "I'm studygraph" not in answer.answer


def test_a_question_that_is_a_resources_title_finds_that_resource_first(tmp_path, embedder):
    from studygraph.library import Library

    corpus = tmp_path / "corpus"
    write(
        corpus / "gnn.md",
        "# Graphs\n\n## PyTorch\n\n"
        "- [PyTorch Geometric docs](https://pytorch-geometric.readthedocs.io/) graph neural networks in PyTorch\n"
        "- [PyTorch tutorials](https://pytorch.org/tutorials/) learn PyTorch\n"
        "- [Deep learning with PyTorch](https://example.org/dl-pytorch) a book\n",
    )
    lib = Library.open(tmp_path / "data", embedder=embedder, llm_backend="none", corpus_dirs=[corpus])
    lib.ingest()
    answer = lib.ask("PyTorch Geometric docs")
    assert answer.intent == "find"
    assert answer.structured["resources"][0]["url"] == "https://pytorch-geometric.readthedocs.io/"
    assert lib.ask("what is PyTorch").intent == "explain"  # a question about the topic stays one
    assert lib.ask("PyTorch").intent == "explain"
