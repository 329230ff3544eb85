"""The chat page in a real browser (chromium, real `streamlit run`, no model): follow-ups that follow ("why?",
"after that?", "more", "I know X") in both languages, answers that keep their shape (an explanation's fields on
their own lines, a 70-step plan's resources nested under their step), and a learner's own message shown as text.
After every answer no message on the page contradicts another (tests/ui_consistency.py).

The server and browser come from tests/test_ui_browser.py's helpers; the model backend is "none" here, since
these tests are about the conversation and the rendering, not the prose.
"""

from __future__ import annotations

import re
import time

import pytest
from test_ui_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _open, _settle, _streamlit, browser_library  # noqa: F401
from ui_consistency import assert_consistent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium: run `make browser`"
    ),
]


@pytest.fixture(scope="module")
def server(browser_library, tmp_path_factory):  # noqa: F811
    with _streamlit(browser_library, tmp_path_factory.mktemp("streamlit-log"), STUDYGRAPH_LLM_BACKEND="none") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def chat(browser, server, request):
    """A fresh session (its own browser context) on the chat page; a screenshot of it at the end."""
    context = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    _open(page, server, "")
    try:
        yield page
    finally:
        page.screenshot(path=str(ARTIFACTS / f"followups-{request.node.name}.png"), full_page=True)
        context.close()


def ask(page, question: str):
    """Send a question; the answer's bubble once the run is over."""
    messages = page.locator("[data-testid=stChatMessage]")
    before = messages.count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = messages.nth(before + 1)
    answer.wait_for(timeout=240_000)
    # Answered once the bubble has text of its own, no spinner, and stays the same for a second.
    last, deadline = "", time.monotonic() + 240
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        text = answer.inner_text() if answer.locator("[data-testid=stSpinner]").count() == 0 else ""
        if text and text == last and answer.locator("[data-testid=stMarkdownContainer]").count():
            break
        last = text
    _settle(page, 240)
    assert_consistent(page, "en")  # the page is in English whatever the question's language
    return messages.nth(before + 1)


def _text(bubble) -> str:
    return " ".join(bubble.inner_text().split())


def test_followups_in_english(chat):
    plan = _text(ask(chat, "What should I learn before RLHF?"))
    assert "Plan for Reinforcement learning from human feedback" in plan
    why = _text(ask(chat, "why?"))
    assert "comes before Reinforcement learning from human feedback" in why and "curated" in why
    assert "I'm studygraph" not in why
    after = _text(ask(chat, "after that?"))
    assert "After Reinforcement learning from human feedback (RLHF), learn next" in after
    assert "Linear algebra" not in after  # not the generic starting points
    known = _text(ask(chat, "I know neural networks"))
    assert "skip" in known
    again = _text(ask(chat, "What should I learn before RLHF?"))
    steps = lambda text: int(re.search(r"(\d+) steps", text).group(1))  # noqa: E731
    assert steps(again) < steps(plan) and "Skipping" in again
    found = _text(ask(chat, "resources about transformers"))
    more = _text(ask(chat, "more"))
    assert "From your library" in found and "More from your library" in more
    paper = _text(ask(chat, "give me a paper instead"))
    assert "(paper)" in paper


def test_followups_in_chinese(chat):
    plan = _text(ask(chat, "学 RLHF 之前要学什么？"))
    assert "学习路线" in plan
    why = _text(ask(chat, "为什么？"))
    assert "排在" in why and "之前" in why
    after = _text(ask(chat, "那之后呢？"))
    assert "学完基于人类反馈的强化学习" in after and "线性代数" not in after
    known = _text(ask(chat, "我学过神经网络"))
    assert "跳过" in known
    again = _text(ask(chat, "学 RLHF 之前要学什么？"))
    steps = lambda text: int(re.search(r"共 (\d+) 步", text).group(1))  # noqa: E731
    assert steps(again) < steps(plan) and "已跳过" in again
    ask(chat, "有没有讲 Transformer 的资料")
    assert "资料库中的更多资料" in _text(ask(chat, "换一个"))
    zh = ask(chat, "中文的")
    listed = zh.locator("[data-testid=stMarkdownContainer]").first  # the answer (its sources and details follow)
    titles = [a.inner_text() for a in listed.locator("ol a[href^=http]").all()]
    details = zh.locator("[data-testid=stExpanderDetails] a[href^=http]").all_text_contents()
    assert details and all(re.search(r"[\u4e00-\u9fff]", t) for t in details), details
    assert titles and all(re.search(r"[\u4e00-\u9fff]", t) for t in titles), titles


def test_an_explanation_keeps_its_fields_on_their_own_lines(chat):
    answer = ask(chat, "Explain LoRA")
    paragraphs = [" ".join(p.split()) for p in answer.locator("p").all_inner_texts()]
    assert any(p.startswith("Prerequisites:") and p.endswith("(PEFT), Transformer") for p in paragraphs), paragraphs
    assert any(p.startswith("Leads to:") for p in paragraphs), paragraphs


def test_a_long_plan_keeps_every_resource_under_its_step(chat):
    answer = ask(chat, "What should I learn before RLHF?")
    body = answer.locator("[data-testid=stMarkdownContainer]", has_text="Plan for").first
    n = int(re.search(r"(\d+) steps", body.inner_text()).group(1))
    assert n >= 20
    # One ordered list of n steps: a resource list that escaped its step would split it in two.
    assert body.locator(":scope > ol").count() == 1
    assert body.locator(":scope > ol > li").count() == n
    assert body.locator(":scope > ul").count() == 0
    nested = body.locator(":scope > ol > li > ul a[href^=http]")
    assert nested.count() == body.locator("a[href^=http]").count() > 0
    late = [i for i in range(10, n) if body.locator(":scope > ol > li").nth(i).locator("ul a").count()]
    assert late, "steps from 10 on have their resources nested too"
    # The details under the answer are the same renderer's: the same n steps, the same links under each.
    answer.get_by_text("The plan, step by step").click()
    details = answer.locator("[data-testid=stExpanderDetails] [data-testid=stMarkdownContainer]").first
    details.locator(":scope > ol > li").nth(n - 1).wait_for()
    assert details.locator(":scope > ol > li").count() == n and details.locator(":scope > ul").count() == 0
    per_step = lambda md: [  # noqa: E731
        md.locator(":scope > ol > li").nth(i).locator("ul a[href^=http]").count() for i in range(n)
    ]
    assert per_step(details) == per_step(body)
    assert_consistent(chat, "en")


def test_a_learners_message_is_shown_as_text(chat):
    ask(chat, "![pixel](https://evil.example/p.png) **bold** <b>hi</b>")
    mine = chat.locator("[data-testid=stChatMessage]").nth(0)
    assert mine.locator("img[src*='evil.example']").count() == 0
    assert mine.locator("strong, b").count() == 0
    assert "**bold**" in mine.inner_text() and "<b>hi</b>" in mine.inner_text()
