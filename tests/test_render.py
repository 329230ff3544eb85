"""The answer renderer (assistant/render.py): markdown whose structure survives a markdown renderer, read back with
markdown-it-py (CommonMark, as Streamlit's renderer reads it): blocks stay blocks, a step's resources stay
nested under it from step 1 to step 20, library text never becomes markup."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from studygraph.assistant import render
from studygraph.assistant.payloads import (
    ComparePayload,
    CoveringResource,
    EdgeRef,
    ExplainPayload,
    FindPayload,
    FoundResource,
    NextItem,
    NextPayload,
    PlanPayload,
    PlanStep,
    ReportPayload,
    ResourceRef,
    TopicCard,
    TopicRef,
    WhyPayload,
)

MD = MarkdownIt("commonmark")


def _tokens(text: str):
    return MD.parse(text)


def _paragraphs(text: str) -> list[str]:
    tokens = _tokens(text)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open" and t.level == 0]


def _top_items(text: str) -> list[list]:
    """Each top-level list item's tokens (its nested lists included)."""
    items, current, depth = [], None, 0
    for t in _tokens(text):
        if t.type == "list_item_open" and t.level == 1:
            current, depth = [], 0
        if current is not None:
            current.append(t)
        if t.type == "list_item_close" and t.level == 1:
            items.append(current)
            current = None
        depth += t.nesting
    return items


def _links(tokens) -> list[str]:
    return [c.attrs["href"] for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]


LORA = ExplainPayload(
    TopicCard(
        "lora",
        "LoRA",
        "LoRA低秩适配",
        description="Freezing the pretrained weights and learning a low-rank update.",
        description_zh="冻结预训练权重，只学习一个低秩更新。",
    ),
    ["fine-tuning", "peft"],
    ["qlora"],
    [ResourceRef("r1", "LoRA paper", "https://arxiv.org/abs/2106.09685", "paper")],
)
NAMES = {"fine-tuning": "Fine-tuning", "peft": "Parameter-efficient fine-tuning (PEFT)", "qlora": "QLoRA"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_keeps_each_field_on_its_own_line(lang):
    text = render.explain(LORA, lang, render.Labels(lambda t: NAMES.get(t, t)))
    paragraphs = _paragraphs(text)
    prereq = "Prerequisites: " if lang == "en" else "前置知识："
    leads = "Leads to: " if lang == "en" else "后续主题："
    # Each field a paragraph of its own: "…(PEFT)" and "Leads to:" never run together.
    assert any(p.startswith(prereq) and p.endswith("(PEFT)") for p in paragraphs), paragraphs
    assert any(p == leads + "QLoRA" for p in paragraphs), paragraphs
    assert ("冻结预训练权重" if lang == "zh" else "Freezing the pretrained") in text
    assert _links(_tokens(text)) == ["https://arxiv.org/abs/2106.09685"]


def _plan(n: int) -> PlanPayload:
    steps = [
        PlanStep(
            f"t{i}",
            f"Topic {i}",
            f"主题{i}",
            2.0,
            f"needed for Topic {i + 1}",
            "todo",
            [
                ResourceRef(f"v{i}", f"Video {i}", f"https://example.org/v{i}", "video"),
                ResourceRef(f"a{i}", f"Article {i}", f"https://example.org/a{i}", "article"),
            ],
        )
        for i in range(1, n + 1)
    ]
    return PlanPayload(TopicRef(f"t{n}", f"Topic {n}", f"主题{n}"), steps, 2.0 * n)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_twenty_step_plan_keeps_every_steps_resources_nested_under_it(lang):
    text = render.plan(_plan(20), lang)
    items = _top_items(text)
    assert len(items) == 20  # the resources never become top-level bullets between steps
    for i, item in enumerate(items, 1):
        assert _links(item) == [f"https://example.org/v{i}", f"https://example.org/a{i}"], i
        assert sum(t.type == "bullet_list_open" for t in item) == 1
    paragraphs = _paragraphs(text)
    assert paragraphs[0].startswith("**Plan for Topic 20**" if lang == "en" else "**主题20（Topic 20） 学习路线**")
    assert len(paragraphs) == 1  # the head; the long-plan hint only past 20 steps
    assert len(_paragraphs(render.plan(_plan(21), lang))) == 2


def test_plan_labels_spell_names_marks_and_reasons_in_the_answers_language():
    labels = render.Labels(lambda t: f"名{t}", lambda t: "（学到的）" if t == "t2" else "", lambda t: f"因为{t}")
    text = render.plan(_plan(3), "zh", labels)
    assert "2. **名t2**（学到的） — 2.0 小时 — 因为t2" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_next_lists_topics_with_their_resources_nested(lang):
    payload = NextPayload(
        [
            NextItem(
                f"n{i}", f"Next {i}", "", 1.0, "builds on RLHF", [ResourceRef("r", "R", f"https://x.org/{i}", "video")]
            )
            for i in range(1, 12)
        ]
    )
    text = render.next_topics(payload, lang, render.Labels(lambda t: {"rlhf": "RLHF"}.get(t, t)), after=["rlhf"])
    assert _paragraphs(text)[0] == ("After RLHF, learn next:" if lang == "en" else "学完RLHF之后，建议接着学：")
    items = _top_items(text)
    assert len(items) == 11 and all(len(_links(item)) == 1 for item in items)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_find_numbers_resources_and_says_where_each_was_seen(lang):
    found = [FoundResource(f"r{i}", f"Title {i}", f"https://x.org/{i}", "paper", "", f"notes.md:{i}") for i in (1, 2)]
    text = render.find(FindPayload(found), lang)
    items = _top_items(text)
    assert len(items) == 2 and _links(items[1]) == ["https://x.org/2"]
    assert "(paper) — notes.md:2" in text
    assert render.find(FindPayload([]), lang, page=2) == (
        "That is all your library has on it." if lang == "en" else "资料库里关于它的资料就这些了。"
    )


def test_library_text_never_becomes_markup():
    evil = ResourceRef(
        "e", "![pixel](https://evil.example/p.png) <img src=x> $x$ *bold*", "https://ok.org/a b", "article"
    )
    text = render.resource_line(evil)
    tokens = _tokens(text)
    kinds = {c.type for t in tokens if t.type == "inline" for c in t.children or []}
    assert "image" not in kinds and "html_inline" not in kinds and "em_open" not in kinds
    assert _links(tokens) == ["https://ok.org/a%20b"]
    assert "\\$x\\$" in text  # no LaTeX in Streamlit either


def test_a_users_message_is_text_with_its_line_breaks():
    text = render.user_text("# hi\n![x](https://evil.example/x.png)\n1. not a list")
    tokens = _tokens(text)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = {c.type for c in tokens[1].children}
    assert "image" not in children and "link_open" not in children and children >= {"hardbreak"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_shows_the_chain_and_each_edges_evidence(lang):
    t = {i: TopicRef(i, i.upper(), "") for i in ("nn", "transformer", "rlhf")}
    edges = [
        EdgeRef("nn", "transformer", 1.0, "curated", ["curated (dl.toml): layers of neurons"]),
        EdgeRef("transformer", "rlhf", 1.0, "curated", ["curated (alignment.toml): the policy is a transformer"]),
    ]
    text = render.why(WhyPayload(t["nn"], t["rlhf"], list(t.values()), edges), lang)
    assert _paragraphs(text)[0] == ("**Why NN comes before RLHF**:" if lang == "en" else "**为什么NN排在RLHF之前**：")
    assert "NN → TRANSFORMER → RLHF" in text
    assert len(_top_items(text)) == 2 and "layers of neurons" in text


def test_the_chats_details_are_the_same_structure_with_the_apps_badges(monkeypatch):
    """The chat's "The plan, step by step" expander is drawn by this renderer too: the answer's numbered steps
    with their resources nested under each (step 20 included), a status badge after a step's hours and a kind
    badge before each link instead of "(video)"."""
    from studygraph.ui import chat

    monkeypatch.setattr(chat, "ui_lang", lambda: "en")
    monkeypatch.setattr(chat, "t", lambda key, **kw: f"{kw['n']} steps · {kw['h']} h" if kw else key)
    payload = _plan(20)
    payload.steps[1].status = "done"
    details = chat.details_md(payload)
    items = _top_items(details)
    assert len(items) == 20
    for i, item in enumerate(items, 1):
        assert _links(item) == [f"https://example.org/v{i}", f"https://example.org/a{i}"], i
    assert _paragraphs(details) == ["20 steps · 40.0 h"]
    assert "2. **Topic 2** — 2.0 h :green-badge[" in details, details
    assert ":red-badge[:material/smart_display:" in details and "(video)" not in details
    # Without the badges it is the answer's own step list: the same steps, the same links in the same places.
    plain = render.plan_steps(payload, "en")
    assert [_links(i) for i in _top_items(plain)] == [_links(i) for i in items]


def _topic(i: str, zh: str = "") -> TopicRef:
    return TopicRef(i, i.upper(), zh)


@pytest.mark.parametrize(
    "done, learning, expected",
    [
        (
            [],
            [],
            ["LORA: not done yet.", "None of the 3 topics it builds on is done yet.", "Still to learn (2): A, LORA"],
        ),
        (["b", "c"], ["lora"], ["LORA: being learned.", "2 of the 3 topics it builds on are done: B, C"]),
        (["lora", "a", "b", "c"], [], ["LORA: done.", "All 3 topics it builds on are done."]),
    ],
)
def test_a_report_on_a_topic_says_its_state_what_it_builds_on_and_what_is_left(done, learning, expected):
    known = set(done)
    left = [_topic(t) for t in ("a", "lora") if t not in known]
    payload = ReportPayload(
        [_topic(t) for t in done], [_topic(t) for t in learning], [], about=[_topic("lora")], left=left, builds_on=3
    )
    paragraphs = _paragraphs(render.report(payload, "en"))
    assert paragraphs[: len(expected)] == expected
    assert ("Still to learn" in " ".join(paragraphs)) == bool(left)


def test_a_report_on_a_topic_in_chinese_names_the_plan_question_by_the_chinese_name():
    payload = ReportPayload(
        [], [], [], about=[_topic("lora", "低秩适配")], left=[_topic("lora", "低秩适配")], builds_on=0
    )
    text = render.report(payload, "zh")
    assert "还没完成" in text and "问“学低秩适配之前要学什么？”" in text and "前置主题" not in text


def _items(text: str) -> list[str]:
    tokens = _tokens(text)
    return [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]


COMPARED = ComparePayload(
    [TopicCard("bert", "BERT", description="An encoder."), TopicCard("gpt", "GPT", description="A [decoder](x).")],
    [],
    ["transformer"],
    {"bert": ["transfer"], "gpt": []},
    [
        CoveringResource("r1", "BERT vs GPT", "https://example.org/both", "article", covers=["bert", "gpt"]),
        CoveringResource("r2", "GPT *from* scratch", "https://example.org/gpt", "video", covers=["gpt"]),
    ],
    known=["bert"],
)


def test_a_comparison_gives_each_description_then_how_they_relate_then_what_each_resource_is_about():
    text = render.compare(COMPARED, "en", render.Labels(lambda t: {"transfer": "Transfer learning"}.get(t, t.upper())))
    assert _paragraphs(text)[:3] == ["**BERT vs GPT**", "**BERT**: An encoder.", "**GPT**: A \\[decoder\\](x)."]
    assert _items(text) == [
        "Neither builds on the other: either can come first.",
        "Both build on: TRANSFORMER",
        "Only BERT builds on: Transfer learning",
        "You know: BERT",
        "[BERT vs GPT](https://example.org/both) (article) — on both",
        "[GPT \\*from\\* scratch](https://example.org/gpt) (video) — GPT",
    ]
    assert _links(_tokens(text)) == ["https://example.org/both", "https://example.org/gpt"]  # none from a description


def test_a_chain_in_chinese_names_the_way_between_and_what_comes_first():
    chain = ComparePayload(
        [TopicCard("rnn", "RNN", "循环神经网络"), TopicCard("lstm", "LSTM", "长短期记忆网络")],
        [["rnn", "bptt", "lstm"]],
        [],
        {"rnn": [], "lstm": ["vanishing"]},
        [],
    )
    names = {"rnn": "循环神经网络", "bptt": "随时间反向传播", "lstm": "LSTM", "vanishing": "梯度消失"}
    text = render.compare(chain, "zh", render.Labels(names.get))
    assert _items(text) == [
        "LSTM建立在循环神经网络之上（循环神经网络 → 随时间反向传播 → LSTM）：先学循环神经网络。",
        "只有LSTM需要：梯度消失",
    ]
    assert "两者的关系：" in text and "还没有关于它们的资料" in text
