"""The chat a learner keeps open, in a real browser against a real `streamlit run` (tests/test_ui_browser.py's
server and helpers): a reload brings the conversation back and another tab keeps its own; switching the
language while an answer streams ends with an answer or a note, never a bare question; and the empty
states are honest (whitespace asks nothing, a warning replaces the result it is no answer to, long input is
cut, edge labels have a legend, no label is cut short); and at each step no message, toast or label on the page
contradicts another, in either language (tests/ui_consistency.py).

The slow answer comes from a real model protocol: a loopback OpenAI-compatible server (`llm_url`, the
`server` backend) that streams a few words a second, so the app streams exactly as it does with
llama-server, only slowly enough to be interrupted. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_ui_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _open, _settle, _shot, _streamlit
from ui_consistency import assert_consistent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium: run `make browser`"
    ),
]

RLHF = "What should I learn before RLHF?"
SLOW_WORDS = (
    "the transformer and reinforcement learning basics first, then reward models and policy optimisation, "
    "because RLHF trains a policy against a learned reward [1]. Then practise on small models."
).split(" ")


class SlowModel(BaseHTTPRequestHandler):
    """/v1/models and a streamed /v1/completions (and /chat/completions), one word every `delay` seconds."""

    delay = 0.7

    def log_message(self, *args) -> None:
        pass

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/v1/models":
            return self._json(200, {"data": [{"id": "slow-test-model"}]})
        self._json(404, {})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.path.endswith("completions"):  # tokenize: the client estimates instead
            return self._json(404, {})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            for word in SLOW_WORDS:
                time.sleep(self.delay)
                event = {"choices": [{"text": " " + word, "delta": {"content": " " + word}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):  # the app closed the stream: what a cut answer does
            pass


@pytest.fixture(scope="module")
def chat_library(tmp_path_factory, embedder):
    from conftest import CORPUS

    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("browser-chat-data")
    report = ingest(load_settings(data_dir=data, corpus_dirs=[CORPUS], llm_backend="none"), embedder=embedder)
    assert report.resources > 50, report
    return data


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    return pg


@pytest.fixture(scope="module")
def quick_server(chat_library, tmp_path_factory):
    """No model: deterministic answers in a second."""
    with _streamlit(chat_library, tmp_path_factory.mktemp("chat-log"), STUDYGRAPH_LLM_BACKEND="none") as url:
        yield url


def _ask(page, question: str, n_messages: int):
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    _wait_messages(page, n_messages)


def _wait_messages(page, n_messages: int) -> None:
    """Until the page shows `n_messages` chat messages, the last one with its text (no spinner left), and
    the page has stopped changing (the first question shows a loading spinner inside its bubble first)."""
    page.wait_for_function(
        "n => { const m = document.querySelectorAll('[data-testid=stChatMessageContent]');"
        " return m.length >= n && m[n - 1].innerText.trim().length > 0"
        " && !document.querySelector('[data-testid=stSpinner]'); }",
        arg=n_messages,
        timeout=240_000,
    )
    _settle(page, 240)
    before = None
    for _ in range(60):
        now = _messages(page)
        if now == before:
            return
        before = now
        page.wait_for_timeout(700)


def _messages(page) -> list[str]:
    return [m.strip() for m in page.locator("[data-testid=stChatMessageContent]").all_inner_texts()]


def test_a_reload_restores_the_conversation_and_a_second_tab_keeps_its_own(browser, quick_server):
    page = _page(browser)
    _open(page, quick_server, "")
    try:
        _ask(page, RLHF, 2)
        before = _messages(page)
        assert len(before) == 2 and "RLHF" in before[1]
        assert re.search(r"[?&]c=[0-9a-f]{32}", page.url), "the tab's URL names its conversation"
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_by_role("button", name=RLHF).is_visible(), "listed in the sidebar"

        other = _page(browser)  # a second tab, open at the same time
        _open(other, quick_server, "")
        assert _messages(other) == [], "a new tab starts its own chat"
        _ask(other, "Explain LoRA", 2)

        page.reload()
        _wait_messages(page, 2)
        after = _messages(page)
        assert after == before, "the reload brings the question and its answer back, and nothing of the other tab"
        assert page.get_by_text("The plan, step by step").first.is_visible(), "with the plan's structure"
        assert_consistent(page, "en")
        _shot(page, "ui-chat-1-after-reload.png")
        _ask(page, "学 RLHF 之前要学什么？", 4)  # the conversation goes on where it was
        assert len(_messages(page)) == 4
        other.reload()
        _wait_messages(other, 2)
        assert len(_messages(other)) == 2 and "LoRA" in _messages(other)[0]
        assert_consistent(other, "en")
        assert_consistent(page, "en")
        other.context.close()
    finally:
        _shot(page, "ui-chat-2-conversation-continued.png")
        page.context.close()


def test_switching_the_language_mid_stream_ends_with_an_answer_or_a_note(browser, chat_library, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = _page(browser)
    try:
        with _streamlit(
            chat_library,
            tmp_path,
            STUDYGRAPH_LLM_BACKEND="server",
            STUDYGRAPH_LLM_URL=f"http://127.0.0.1:{server.server_port}/v1",
        ) as url:
            _open(page, url, "")
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(RLHF)
            box.press("Enter")
            answer = page.locator("[data-testid=stChatMessage]").nth(1)
            answer.get_by_text("To learn").first.wait_for(timeout=240_000)  # the model is writing
            _shot(page, "ui-chat-3-streaming.png")
            page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
            page.get_by_role("heading", name="向学习助手提问").wait_for()
            ended = page.locator("[data-testid=stChatMessage]").nth(1).get_by_text(re.compile("再问一次|Plan for Rein"))
            ended.first.wait_for(timeout=120_000)
            _settle(page, 120)
            _shot(page, "ui-chat-4-after-language-switch.png")
            messages = _messages(page)
            assert len(messages) == 2 and messages[0] == RLHF, messages
            interrupted = "这个回答被打断了" in messages[1]
            finished = "Plan for Reinforcement" in messages[1] and "再问一次" not in messages[1]
            assert interrupted or finished, f"the question has an answer or a note:\n{messages[1]}"
            assert_consistent(page, "zh")  # the note, the buttons and the captions all in Chinese now
            if interrupted:
                assert "Ask again" not in messages[1] and "再问一次" in messages[1], "the note is in Chinese"
                assert "This answer was interrupted" not in page.inner_text("body")
                page.get_by_role("button", name="再问一次").click()
                again = page.locator("[data-testid=stChatMessage]").nth(3)
                again.get_by_text("Plan for Reinforcement").first.wait_for(timeout=240_000)
                _settle(page, 240)
                assert "再问一次" not in _messages(page)[3], "asked again: the whole answer, no note"
                assert_consistent(page, "zh")
                # a page change mid-answer: the same
                box.fill(RLHF)
                box.press("Enter")
                page.locator("[data-testid=stChatMessage]").nth(5).get_by_text("To learn").first.wait_for(
                    timeout=240_000
                )
                nav = page.get_by_test_id("stSidebarNav")
                nav.get_by_text("学习路径").click()
                page.get_by_role("heading", name="学习路径").first.wait_for()
                nav.get_by_text("问答").click()
                cut = (
                    page.locator("[data-testid=stChatMessage]").nth(5).get_by_text(re.compile("再问一次|Plan for Rein"))
                )
                cut.first.wait_for(timeout=120_000)
                _settle(page)
                assert len(_messages(page)) == 6, "every question has its answer or its note"
                assert_consistent(page, "zh")
                _shot(page, "ui-chat-5-after-page-change.png")
            page.reload()  # and it is saved so
            _wait_messages(page, 2)
            assert _messages(page)[0] == RLHF and len(_messages(page)) >= 2
    finally:
        _shot(page, "ui-chat-6-language-switch-saved.png")
        page.context.close()
        server.shutdown()


def _label_cut(page, button) -> bool:
    """True when a button's label is cut by an ellipsis (its text wider than its box)."""
    return button.evaluate(
        "b => [...b.querySelectorAll('p, div, span')].some(e => e.scrollWidth > e.clientWidth + 1)"
        " || b.scrollWidth > b.clientWidth + 1"
    )


def _open_in(page, url: str, path: str, zh: bool) -> None:
    """Open a page (a new session, in English) and switch it to Chinese when asked."""
    _open(page, url, path)
    if zh:
        page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
        page.get_by_text("语言 / Language").wait_for()
        _settle(page)


@pytest.mark.parametrize("lang", ["English", "中文"])
def test_empty_states_are_honest(browser, quick_server, lang):
    page = _page(browser)
    main = page.locator("[data-testid=stMainBlockContainer]")
    zh = lang == "中文"
    try:
        _open_in(page, quick_server, "", zh)
        main.locator("[class*=st-key-example-] button").first.wait_for()
        examples = main.locator("[class*=st-key-example-] button").count()
        assert examples == 6
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("   ")
        box.press("Enter")
        _settle(page)
        assert main.locator("[class*=st-key-example-] button").count() == examples, "whitespace asks nothing"
        assert _messages(page) == []
        assert_consistent(page, "zh" if zh else "en")

        _open_in(page, quick_server, "path", zh)
        goal = page.get_by_label("……或者直接输入目标" if zh else "…or type a goal")
        goal.fill("RLHF")
        goal.press("Enter")
        page.locator("[data-testid=stGraphVizChart] svg").first.wait_for()
        _settle(page)
        goal.fill("protein folding")  # not in the map (graph neural networks, the example, now is)
        goal.press("Enter")
        _settle(page)
        warning = page.get_by_test_id("stAlertContentWarning")
        assert warning.count() == 1 and "protein folding" in warning.inner_text()
        assert page.locator("[data-testid=stGraphVizChart]").count() == 0, "the old RLHF plan is gone"
        assert page.get_by_test_id("stAlertContentInfo").count() == 0, "one message, not two"
        assert_consistent(page, "zh" if zh else "en")  # no stale plan under the warning, one language
        goal.fill("protein folding " * 300)
        goal.press("Enter")
        _settle(page)
        assert len(warning.inner_text()) < 400, "a 4,800-character goal is cut in the warning"
        assert_consistent(page, "zh" if zh else "en")
        if zh:
            assert "Choose options" not in main.inner_text(), "no English placeholder on a Chinese page"
        _shot(page, f"ui-chat-7-path-warning-{'zh' if zh else 'en'}.png")

        _open_in(page, quick_server, "explorer", zh)
        search = page.get_by_label("搜索主题" if zh else "Search a topic")
        search.fill("transformer")
        search.press("Enter")
        page.get_by_role("heading", name=re.compile("^Transformer")).first.wait_for()
        _settle(page)
        legend = "每条关系都标明来源" if zh else "Each link says how it is known"
        assert page.get_by_text(legend).first.is_visible(), "the edge labels are explained"
        expanders = main.locator("[data-testid=stExpander] summary").all_inner_texts()
        tags = (
            ("人工整理", "从路线图学到", "来自学到的主题") if zh else ("curated", "learned · strength", "learned topic")
        )
        assert expanders and all(any(t in e for t in tags) for e in expanders), expanders
        assert_consistent(page, "zh" if zh else "en")
        search.fill("qwxzzv plorkk")
        search.press("Enter")
        _settle(page)
        assert page.get_by_test_id("stAlertContentWarning").count() == 1
        assert page.get_by_text(legend).count() == 0, "the Transformer's page is gone under the warning"
        assert_consistent(page, "zh" if zh else "en")
        _shot(page, f"ui-chat-8-explorer-warning-{'zh' if zh else 'en'}.png")

        _open_in(page, quick_server, "library", zh)
        expander = page.get_by_text("添加路线图或论文" if zh else "Add roadmaps or papers")
        expander.first.click()
        button = page.locator(".st-key-lib_reingest button")
        button.wait_for()
        assert not _label_cut(page, button), f"the re-ingest label is whole: {button.inner_text()!r}"
        assert_consistent(page, "zh" if zh else "en")
    finally:
        page.context.close()
