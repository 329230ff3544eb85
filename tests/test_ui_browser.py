"""End to end in a real browser: `streamlit run ui/app.py` on 127.0.0.1, driven by Playwright through
Debian's chromium (`make browser` installs it; no browser is ever downloaded).

A learner asks a question and sees cited links, builds a plan for RLHF and sees it drawn, uploads a
roadmap and finds its link in the library. Screenshots of each step go to test-artifacts/ (gitignored).

The server runs the default LLM backend (the packaged GGUF through llama.cpp, or NoLLM where it cannot
load), so the chat test is the one test that goes through a real model; the other pages never load it.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES, REPO, free_port, serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
UNIQUE_URL = "https://example.org/my-unique-note"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium: run `make browser`"
    ),
]


@pytest.fixture(scope="module")
def browser_library(tmp_path_factory, embedder):
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("browser-data")
    report = ingest(load_settings(data_dir=data, corpus_dirs=[CORPUS], llm_backend="none"), embedder=embedder)
    assert report.resources > 50, report
    return data


@contextmanager
def _streamlit(data_dir: Path, log_dir: Path, **env_extra: str):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYGRAPH_")}
    env.update(
        {
            "STUDYGRAPH_DATA_DIR": str(data_dir),
            "STUDYGRAPH_LLM_BACKEND": "auto",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            **env_extra,
        }
    )
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [
        str(streamlit),
        "run",
        "ui/app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    url = f"http://127.0.0.1:{port}"
    # The app must start fast: no torch or model import before the first question.
    with serving(
        cmd, [f"{url}/_stcore/health"], log_dir / "server.log", timeout=30, cwd=REPO, env=env, start_new_session=True
    ):
        yield url


@pytest.fixture(scope="module")
def server(browser_library, tmp_path_factory):
    with _streamlit(browser_library, tmp_path_factory.mktemp("streamlit-log")) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    print(f"screenshots: {ARTIFACTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1800}, locale="en-US")
            pg = context.new_page()
            pg.set_default_timeout(60_000)
            yield pg
        finally:
            browser.close()


def _open(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    page.wait_for_selector("[data-testid=stApp]")
    page.wait_for_selector("[data-testid=stSidebarNav]")
    _settle(page)


def _settle(page, seconds: float = 90) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=seconds * 1000)
    page.wait_for_timeout(300)


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _corpus_urls(data_dir: Path) -> set[str]:
    from studygraph.store.meta import MetaStore

    meta = MetaStore(data_dir / "meta.sqlite", readonly=True)
    try:
        return meta.corpus_urls()
    finally:
        meta.close()


def test_ask_and_see_cited_links(page, server, browser_library):
    pytest.importorskip("studygraph.assistant.engine")
    _open(page, server, "")
    sidebar = page.get_by_test_id("stSidebar")
    try:
        assert sidebar.get_by_text("loads on the first question").is_visible(), "no model is loaded at start"
        box = page.get_by_test_id("stChatInputTextArea")
        box.fill("What should I learn before RLHF?")
        box.press("Enter")
        answer = page.locator("[data-testid=stChatMessage]").nth(1)
        answer.locator("a[href^=http]").first.wait_for(timeout=240_000)
        _settle(page, 240)
        links = answer.locator("a[href^=http]:visible")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        titles = [links.nth(i).inner_text().strip() for i in range(links.count())]
        assert titles and all(titles), f"cited links carry their titles: {titles}"
        corpus = _corpus_urls(browser_library)
        assert set(hrefs) <= corpus, f"every cited link is a corpus URL: {set(hrefs) - corpus}"
        assert answer.get_by_text("Sources").is_visible()
        status = sidebar.inner_text()
        assert "answering with" in status or "no model" in status, status
    finally:
        _shot(page, "ui-1-chat-answer.png")


def test_build_rlhf_plan_and_see_the_graph(page, server):
    _open(page, server, "path")
    try:
        goal = page.get_by_label("…or type a goal")
        goal.fill("RLHF")
        goal.press("Enter")
        svg = page.locator("[data-testid=stGraphVizChart] svg")
        svg.first.wait_for(timeout=60_000)
        _settle(page)
        nodes = svg.first.locator("g.node")
        assert nodes.count() >= 5, "the plan is drawn node by node"
        assert any("(RLHF)" in n for n in nodes.all_text_contents()), "the goal is a node"
        main = page.locator("[data-testid=stMainBlockContainer]")
        assert main.get_by_role("heading", name=re.compile(r"\(RLHF\)")).first.is_visible()
        assert main.locator("a[href^=http]").count() >= 3, "steps link to resources"
        _shot(page, "ui-2-rlhf-plan.png")
        # one click on "Done" colours that step green in the drawing
        main.locator("[class*=st-key-done-] button").first.click()
        _settle(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stGraphVizChart] svg g.node path, "
            "[data-testid=stGraphVizChart] svg g.node polygon')].some(e => e.getAttribute('fill') === '#c8e6c9')"
        )
    finally:
        _shot(page, "ui-2b-rlhf-plan-progress.png")


def test_upload_markdown_and_find_its_link(page, server, browser_library, tmp_path):
    note = tmp_path / "my-roadmap.md"
    note.write_text(
        "# My roadmap\n\n## Attention\n\n- [My unique note on attention](" + UNIQUE_URL + ")\n", encoding="utf-8"
    )
    _open(page, server, "library")
    try:
        page.get_by_text("Add roadmaps or papers").click()
        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(note))
        page.get_by_test_id("stFileChip").filter(has_text="my-roadmap.md").first.wait_for()
        page.get_by_test_id("stFileChipIconSpinner").wait_for(state="detached")
        _settle(page)
        page.get_by_role("button", name="Save and ingest").click()
        page.locator(f"a[href='{UNIQUE_URL}']").first.wait_for(timeout=180_000)
        _settle(page, 180)
        _shot(page, "ui-3-upload-report.png")
        assert (browser_library / "corpus" / "my-roadmap.md").is_file(), "saved into the data dir's corpus"
        text_filter = page.get_by_label("Filter by text")
        text_filter.fill("my-unique-note")
        text_filter.press("Enter")
        _settle(page)
        page.get_by_role("tab", name="Links").click()
        link = page.locator(f"[data-testid=stTabs] a[href='{UNIQUE_URL}']")
        link.first.wait_for()
        assert "My unique note on attention" in link.first.inner_text()
    finally:
        _shot(page, "ui-4-library-after-upload.png")


def _ask(page, question: str, nth_answer: int):
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")
    answer = page.locator("[data-testid=stChatMessage]").nth(nth_answer)
    answer.locator("a[href^=http]").first.wait_for(timeout=240_000)
    _settle(page, 240)
    return answer


def test_a_model_that_segfaults_leaves_the_app_answering(page, browser_library, own_gguf, tmp_path):
    """The model dies of a real SIGSEGV on its first completion (tests/fixtures/segfault_llama): the chat still
    answers with cited corpus links and the reason, the next question too, and the server stays healthy."""
    with _streamlit(
        browser_library, tmp_path, PYTHONPATH=str(FIXTURES / "segfault_llama"), STUDYGRAPH_MODEL_PATH=str(own_gguf)
    ) as url:
        _open(page, url, "")
        try:
            corpus = _corpus_urls(browser_library)
            first = _ask(page, "What should I learn before RLHF?", 1)
            assert "SIGSEGV" in first.inner_text() and "make install-llama" in first.inner_text()
            second = _ask(page, "学 RLHF 之前要学什么？", 3)
            assert "SIGSEGV" in second.inner_text(), "the crash is remembered: the model is skipped, with the reason"
            for answer in (first, second):
                links = answer.locator("a[href^=http]:visible")
                assert {links.nth(i).get_attribute("href") for i in range(links.count())} <= corpus
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as health:
                assert health.status == 200
        finally:
            _shot(page, "ui-5-model-crash.png")


def test_upload_with_fetch_then_find_the_learned_topic(page, tmp_path):
    """A learner's roadmap with a 材料 link and a section the map lacks, uploaded with "Fetch linked pages" on:
    the link takes its page's title, and the explorer shows the section as a learned topic with its evidence."""
    from fetch_site import LoopbackSite

    with LoopbackSite() as site:
        note = tmp_path / "snn-notes.md"
        note.write_text(
            f"# 我的笔记\n\n## 神经网络基础\n- [CS231n 神经网络](https://cs231n.github.io/neural-networks-1/)\n\n"
            f"## 脉冲神经网络\n- 材料: {site.url('/en.html')}\n"
            f"- [Training Spiking Neural Networks Using Lessons From Deep Learning](https://arxiv.org/abs/2109.12894)\n",
            encoding="utf-8",
        )
        with _streamlit(
            tmp_path / "data",
            tmp_path,
            STUDYGRAPH_CORPUS_DIRS="[]",
            STUDYGRAPH_FETCH_ALLOW_PRIVATE="1",
            STUDYGRAPH_LLM_BACKEND="none",
        ) as url:
            _open(page, url, "library")
            try:
                # An empty library opens the upload section by itself.
                page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(note))
                page.get_by_test_id("stFileChip").filter(has_text="snn-notes.md").first.wait_for()
                page.get_by_test_id("stFileChipIconSpinner").wait_for(state="detached")
                page.locator(".st-key-lib_fetch label").first.click()
                _settle(page)
                page.get_by_role("button", name="Save and ingest").click()
                page.get_by_text(re.compile(r"Pages: \d+ fetched")).first.wait_for(timeout=180_000)
                _settle(page, 180)
                assert site.count("/en.html") == 1
                link = page.locator(f"a[href='{site.url('/en.html')}']").first
                assert "Gradient Tricks for Small Transformers" in link.inner_text()
                _shot(page, "ui-6-upload-with-fetch.png")

                _open(page, url, "explorer")
                search = page.get_by_label("Search a topic")
                search.fill("脉冲神经网络")
                search.press("Enter")
                page.get_by_text("learned from your roadmap").first.wait_for(timeout=60_000)
                _settle(page)
                evidence = page.get_by_text("Where this topic comes from")
                assert evidence.first.is_visible()
                assert page.locator("[data-testid=stGraphVizChart] svg").count() >= 1
            finally:
                _shot(page, "ui-7-learned-topic.png")


def _big_roadmap(path: Path, sections: int = 130) -> Path:
    """A roadmap with `sections` subjects the map lacks: the catalogue's curated topics + that many learned ones."""
    import random

    rng, syllables = random.Random(3), "ka lo mi ren tu sha vex dor pli zan quo bri fen gar hol".split()
    lines = ["# Big roadmap", ""]
    for i in range(sections):
        name = "".join(rng.choice(syllables) for _ in range(3)).title() + f" {''.join(rng.sample(syllables, 2))} models"
        lines += [f"## {name}", f"- [{name} with transformers and attention](https://example.org/big/{i})", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _map_nodes(page) -> int:
    return page.locator("[data-testid=stGraphVizChart] svg g.node").count()


@pytest.fixture(scope="module")
def big_server(tmp_path_factory, embedder):
    """The default corpus plus a generated roadmap of 130 subjects the map lacks (394 topics), with some
    progress marked; served by a real `streamlit run`."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore

    tmp = tmp_path_factory.mktemp("big-map")
    roadmap = _big_roadmap(tmp / "corpus" / "big.md")
    settings = load_settings(data_dir=tmp / "data", corpus_dirs=[CORPUS, roadmap.parent], llm_backend="none")
    ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path)
    meta.set_progress(["topic:linear-algebra"], "done")
    meta.set_progress(["topic:transformer"], "learning")
    meta.close()
    with _streamlit(settings.data_dir, tmp, STUDYGRAPH_CORPUS_DIRS="[]", STUDYGRAPH_LLM_BACKEND="none") as url:
        yield url, settings


def _cards(settings):
    from studygraph.store.meta import MetaStore
    from studygraph.store.review import ReviewStore

    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        return ReviewStore(meta).cards()
    finally:
        meta.close()


def _map_fills(page) -> dict[str, str]:
    """Node id (graphviz writes it as the node's <title>) -> its fill colour, for the map on the page."""
    return dict(
        page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=stGraphVizChart] svg g.node')]"
            ".map(g => [g.querySelector('title').textContent, g.querySelector('path, polygon')?.getAttribute('fill')])"
        )
    )


def test_explorer_opens_on_the_whole_map_at_300_topics(page, big_server):
    """394 topics (130 learned from a generated roadmap): the explorer's first view is the whole map with the
    learner's status colours; a click on a node opens that topic; "Whole map" draws it all again."""
    import time

    from studygraph.graph.build import build_graph
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.learned import library_catalogue
    from studygraph.store.meta import MetaStore

    url, settings = big_server
    meta = MetaStore(settings.meta_path, readonly=True)
    total = len(build_graph(library_catalogue(load_catalogue(), meta), meta).catalogue.topics)
    meta.close()
    assert total >= 300
    started = time.perf_counter()
    _open(page, url, "explorer")
    try:
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=stGraphVizChart] svg g.node').length >= {total}"
        )
        first_view = time.perf_counter() - started
        assert _map_nodes(page) == total, "every topic is on the first view"
        assert page.locator("[data-testid=stGraphVizChart] svg g.cluster").count() >= 10, "areas are clusters"
        fill = _map_fills(page)
        assert fill["linear-algebra"] == "#c8e6c9", "done is green"
        assert fill["transformer"] == "#ffe0b2", "learning is orange"
        assert fill["rlhf"] == "#f1f3f4", "to do is grey"
        dashed = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=stGraphVizChart] svg g.node path[stroke-dasharray]')].length"
        )
        assert dashed >= 100, "learned topics are dashed"
        _shot(page, "ui-8-whole-map.png")

        page.locator("[data-testid=stGraphVizChart] svg g.node a").filter(has_text="Linear algebra").first.click()
        page.get_by_role("heading", name=re.compile("Linear algebra")).first.wait_for(timeout=60_000)
        _settle(page)
        _shot(page, "ui-9-map-click-opens-topic.png")
        clicked = time.perf_counter()
        page.locator(".st-key-ex_back button").click()
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-testid=stGraphVizChart] svg g.node').length >= {total}"
        )
        redraw = time.perf_counter() - clicked
        print(f"map of {total} topics: first view {first_view:.2f} s (page load included), redraw {redraw:.2f} s")
        assert redraw < 10, "drawn in about a second; wide margin for a loaded CI box"
    finally:
        _shot(page, "ui-10-map-again.png")


def test_a_review_session_grades_three_cards_and_the_map_shows_it(page, big_server):
    """Reveal and grade three interview questions on the Review page; their topics turn orange on the map."""
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.store.meta import MetaStore
    from studygraph.store.review import ReviewStore

    url, settings = big_server
    _open(page, url, "review")
    try:
        main = page.locator("[data-testid=stMainBlockContainer]")
        questions = []
        for rating in ("Good", "Hard", "Easy"):
            questions.append(main.get_by_role("heading").nth(1).inner_text().strip())
            main.get_by_role("textbox").first.fill("my answer to " + questions[-1])
            page.locator(".st-key-review_reveal button").click()
            page.locator(f".st-key-review-{rating.lower()} button").wait_for()
            _settle(page)
            topic = next(c.topic for c in _cards(settings) if c.text == questions[-1])
            description = load_catalogue().topics[topic].description if topic in load_catalogue().topics else ""
            assert " ".join(description.split()[:6]) in main.inner_text(), "the reveal shows the topic's description"
            page.locator(f".st-key-review-{rating.lower()} button").click()
            _settle(page)
            _shot(page, f"ui-11-review-after-{rating.lower()}.png")
        meta = MetaStore(settings.meta_path, readonly=True)
        store = ReviewStore(meta)
        graded = [c for c in store.cards() if c.reviews]
        assert sorted(c.text for c in graded) == sorted(questions), "three cards graded, one review each"
        assert [log["rating"] for log in store.logs()] == ["good", "hard", "easy"]
        meta.close()
        _open(page, url, "explorer")
        page.locator("[data-testid=stGraphVizChart] svg g.node").first.wait_for()
        _settle(page)
        fill = _map_fills(page)
        for card in graded:
            if card.topic in fill and card.topic != "linear-algebra":
                assert fill[card.topic] == "#ffe0b2", f"{card.topic}: a reviewed topic is learning on the map"
    finally:
        _shot(page, "ui-12-map-after-review.png")
