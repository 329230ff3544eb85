"""The Streamlit app's logic without a browser: streamlit.testing.v1.AppTest against ui/app.py.

One session-scoped fixture ingests the default corpus into a tmp data dir; every test points the app
at it through STUDYGRAPH_DATA_DIR (and STUDYGRAPH_LLM_BACKEND=none, so the chat answers fast and
deterministically). Pages are reached the way a learner reaches them: through the app's navigation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, REPO
from streamlit.testing.v1 import AppTest

APP = str(REPO / "ui" / "app.py")
PAGES = ["chat.py", "path_page.py", "explorer.py", "library_page.py", "review_page.py"]
LINK = re.compile(r"\[[^\]]+\]\((https?://[^)\s]+)\)")
TIMEOUT = 120


@pytest.fixture(scope="session")
def ui_library(tmp_path_factory, embedder):
    """The default corpus ingested once into a data dir that only these tests use (they mark progress)."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("ui-data")
    settings = load_settings(data_dir=data, corpus_dirs=[CORPUS], llm_backend="none")
    report = ingest(settings, embedder=embedder)
    assert report.resources > 50, report
    return data


@pytest.fixture
def library_env(ui_library, monkeypatch):
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(ui_library))
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "none")
    return ui_library


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    data = tmp_path / "empty-data"
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(data))
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "none")
    return data


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def _settings():
    from studygraph.config import load_settings

    return load_settings()


# -- the app starts --------------------------------------------------------------------------------
def test_app_starts_on_an_empty_data_dir(empty_env):
    at = _app()
    assert at.title[0].value  # the chat page
    assert any("empty" in i.value for i in at.info), "an empty library says so"
    for page in PAGES[1:]:
        at.switch_page(page).run()
        _ok(at)
    assert not empty_env.exists() or not (empty_env / "meta.sqlite").exists(), "browsing never creates a library"


def test_app_starts_on_an_ingested_library_without_loading_models(library_env):
    import sys

    loaded_before = "llama_cpp" in sys.modules  # another test file may have loaded it on purpose
    at = _app()
    labels = [b.label for b in at.button]
    assert any("RLHF" in label for label in labels), "example questions on an empty chat"
    assert any(re.search(r"[\u4e00-\u9fff]", label) for label in labels), "examples in Chinese too"
    for page in PAGES[1:]:
        at.switch_page(page).run()
        _ok(at)
    assert loaded_before or "llama_cpp" not in sys.modules, "the LLM must not load before the first question"


def test_model_status_without_loading_a_model(library_env, monkeypatch):
    import sys

    at = _app()
    captions = "\n".join(c.value for c in at.sidebar.caption)
    assert "no model: deterministic answers" in captions and "GPU layers" not in captions
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "auto")
    monkeypatch.setenv("STUDYGRAPH_N_GPU_LAYERS", "12")
    local = sys.modules.get("studygraph.assistant.local_llm")
    if local is not None:  # earlier tests in this process loaded a GGUF: the sidebar would rightly report it
        monkeypatch.setattr(local, "_workers", {})
    loaded_before = "llama_cpp" in sys.modules
    at = _app()
    captions = "\n".join(c.value for c in at.sidebar.caption)
    assert "loads on the first question" in captions and "GPU layers: 12" in captions
    assert loaded_before or "llama_cpp" not in sys.modules


def test_language_toggle_switches_ui_strings(library_env):
    at = _app()
    english = at.title[0].value
    at.sidebar.radio(key="lang").set_value("zh").run()
    _ok(at)
    assert at.title[0].value != english and re.search(r"[\u4e00-\u9fff]", at.title[0].value)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == english


# -- chat --------------------------------------------------------------------------------------------
class FakeAssistant:
    """Stands in for assistant.engine.Assistant: the chat page's rendering, without retrieval or a model.
    "I finished ..." gets a progress answer to confirm; anything else an RLHF plan."""

    def __init__(self):
        from types import SimpleNamespace as NS

        self.calls = []
        self.llm = NS(name="llama.cpp:tiny.gguf", n_gpu_layers=-1)

    def ask_stream(self, question, history=None):
        from types import SimpleNamespace as NS

        from studygraph.assistant.payloads import Confirm, PlanPayload, PlanStep, ProgressPayload, ResourceRef, TopicRef

        self.calls.append((question, history))
        if question.startswith("I finished"):
            payload = ProgressPayload(
                Confirm(["topic:transformer"], "done"), [TopicRef("transformer", "Transformer")], []
            )
            return NS(
                text="Mark Transformer as done?", intent="progress", model="none", citations=[], payload=payload
            ), iter(["Mark it?"])
        payload = PlanPayload(
            TopicRef("rlhf", "RLHF"),
            [
                PlanStep(
                    "transformer",
                    "Transformer",
                    "",
                    3.0,
                    "needed for RLHF",
                    "todo",
                    [ResourceRef("r1", "Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "paper")],
                ),
                PlanStep("rlhf", "RLHF", "", 3.0, "the goal", "todo"),
            ],
            hours=6.0,
        )
        answer = NS(
            text="Learn the transformer first, then RLHF.",
            intent="plan",
            model="llama.cpp:tiny.gguf",
            payload=payload,
            citations=[
                NS(
                    title="The Illustrated Transformer",
                    url="https://jalammar.github.io/illustrated-transformer/",
                    kind="article",
                ),
                NS(title="A [tricky] title_with*marks", url="https://example.org/a(b)", kind="paper"),
            ],
        )
        return answer, iter(["Learn the transformer ", "first, then RLHF."])


@pytest.fixture
def fake_assistant(monkeypatch):
    import studygraph.ui.state as state

    fake = FakeAssistant()
    monkeypatch.setattr(state, "get_assistant", lambda settings: fake)
    return fake


def test_chat_renders_stream_citations_plan_and_confirm(library_env, fake_assistant):
    from studygraph.store.meta import MetaStore

    at = _app()
    at.chat_input(key="chat_input").set_value("what should I learn before RLHF").run()
    _ok(at)
    assert len(at.chat_message) == 2 and fake_assistant.calls[0] == ("what should I learn before RLHF", None)
    text = _texts(at)
    assert "Learn the transformer first, then RLHF." in text
    assert "[The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)" in text
    assert "https://example.org/a%28b%29" in text and "\\[tricky\\]" in text, "titles and URLs are escaped"
    assert "https://arxiv.org/abs/1706.03762" in text, "the structured plan lists its resources"
    assert any("step by step" in e.label for e in at.expander)
    status = "\n".join(c.value for c in at.sidebar.caption)
    assert "answering with llama.cpp:tiny.gguf" in status and "GPU layers: all" in status, status
    at.chat_input(key="chat_input").set_value("I finished the transformer lecture").run()
    _ok(at)
    assert fake_assistant.calls[1][1][0] == {"role": "user", "content": "what should I learn before RLHF"}, (
        "history is passed"
    )
    assert len(at.chat_message) == 4
    at.button(key="confirm-3").click().run()
    _ok(at)
    assert MetaStore(_settings().meta_path, readonly=True).progress().get("topic:transformer") == "done"
    assert any("Marked" in s.value for s in at.success)
    from studygraph.ui.state import set_progress

    set_progress(_settings(), ["topic:transformer"], "todo")
    at.button(key="open-plan-1").click().run()  # the plan opens on the learning path page
    _ok(at)
    assert at.session_state["path_goal"] == "rlhf" and at.get("graphviz_chart")


def test_chat_error_is_one_line(library_env, monkeypatch):
    import studygraph.ui.state as state

    def boom(settings):
        raise RuntimeError("the index is\nbroken")

    monkeypatch.setattr(state, "get_assistant", boom)
    at = _app()
    at.chat_input(key="chat_input").set_value("hello").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Something went wrong: the index is broken"]


def test_chat_answers_with_cited_links(library_env):
    pytest.importorskip("studygraph.assistant.engine")
    at = _app()
    at.chat_input(key="chat_input").set_value("what should I learn before RLHF").run()
    _ok(at)
    text = _texts(at)
    links = LINK.findall(text)
    assert links, f"no cited links in the answer:\n{text[:2000]}"
    assert "no model" in "\n".join(c.value for c in at.sidebar.caption), "model status says deterministic answers"
    # the history survives a rerun, and a second question appends to it
    at.chat_input(key="chat_input").set_value("学 RLHF 之前要学什么？").run()
    _ok(at)
    assert len(at.chat_message) == 4


def test_chat_reports_how_far_i_am_with_a_topic_and_offers_no_mark(library_env):
    """ "how far am I with RLHF?" on the chat page: the way to RLHF, no button to mark it done."""
    pytest.importorskip("studygraph.assistant.engine")
    at = _app()
    at.chat_input(key="chat_input").set_value("how far am I with RLHF?").run()
    _ok(at)
    text = _texts(at)
    assert "Reinforcement learning from human feedback (RLHF): not done yet." in text and "Still to learn (" in text
    assert not [b for b in at.button if str(b.key or "").startswith("confirm-")]


def test_chat_example_button_asks_it(library_env):
    pytest.importorskip("studygraph.assistant.engine")
    at = _app()
    example = next(b for b in at.button if "RLHF" in b.label)
    example.click().run()
    _ok(at)
    assert len(at.chat_message) == 2
    assert LINK.search(_texts(at))


def test_chat_every_example_renders(library_env):
    """Plan, next, find, explain and quiz answers from the real assistant all render without an error."""
    pytest.importorskip("studygraph.assistant.engine")
    from studygraph.ui.chat import EXAMPLES

    at = _app()
    for i, example in enumerate(EXAMPLES):
        if i == 0:
            at.button(key="example-0").click().run()  # the example buttons on an empty chat
        else:
            at.chat_input(key="chat_input").set_value(example).run()
        _ok(at)
        assert len(at.chat_message) == 2 * (i + 1)
        assert at.chat_message[-1].markdown[0].value.strip(), example


# -- learning path -------------------------------------------------------------------------------------
def _rlhf_plan(at: AppTest) -> AppTest:
    at.switch_page("path_page.py").run()
    _ok(at)
    at.text_input(key="path_goal_text").input("RLHF").run()
    _ok(at)
    return at


def test_path_page_builds_an_rlhf_plan_with_graph_and_links(library_env):
    at = _rlhf_plan(_app())
    assert at.session_state["path_goal"] == "rlhf"
    charts = at.get("graphviz_chart")
    assert charts, "the plan is drawn"
    dot = charts[0].proto.spec
    assert '"rlhf"' in dot and '"transformer"' in dot and "->" in dot
    assert "#f1f3f4" in dot  # to-do nodes are grey
    text = _texts(at)
    assert LINK.search(text), "steps list clickable resources"
    steps = [m.value for m in at.markdown if re.match(r"\*\*\d+\. ", m.value)]
    order = [re.match(r"\*\*(\d+)\. ([^*/]+)", s).group(2).strip() for s in steps]
    assert "RLHF" in order[-1] and "Transformer" in order
    assert at.get("download_button"), "the plan can be exported"
    assert any(m.label for m in at.metric if "h" in m.value)  # total hours


def test_path_known_presets_shorten_the_plan(library_env):
    at = _rlhf_plan(_app())
    before = int(at.metric[0].value)
    at.button(key="preset-path_preset_math").click().run()
    _ok(at)
    assert "linear-algebra" in at.session_state["path_known"] and "rlhf" not in at.session_state["path_known"]
    after = int(at.metric[0].value)
    assert 0 < after < before
    assert '"linear-algebra"' not in at.get("graphviz_chart")[0].proto.spec


def test_path_marks_progress_and_colours_it(library_env):
    from studygraph.store.meta import MetaStore

    at = _rlhf_plan(_app())
    at.button(key="learning-transformer").click().run()
    _ok(at)
    progress = MetaStore(_settings().meta_path, readonly=True).progress()
    assert progress.get("topic:transformer") == "learning"
    dot = at.get("graphviz_chart")[0].proto.spec
    assert re.search(r'"transformer" \[[^\]]*#ffe0b2', dot), "learning is orange"
    at.button(key="done-transformer").click().run()
    dot = at.get("graphviz_chart")[0].proto.spec
    assert re.search(r'"transformer" \[[^\]]*#c8e6c9', dot), "done is green"
    at.button(key="todo-transformer").click().run()
    assert "topic:transformer" not in MetaStore(_settings().meta_path, readonly=True).progress()


def test_path_goal_typed_in_chinese_and_nonsense(library_env):
    at = _app()
    at.switch_page("path_page.py").run()
    at.text_input(key="path_goal_text").input("基于人类反馈的强化学习").run()
    _ok(at)
    assert at.session_state["path_goal"] == "rlhf"
    at.text_input(key="path_goal_text").input("香蕉蛋糕的做法").run()
    assert at.warning, "an unknown goal says so"
    at.text_input(key="path_goal_text").input("spiking neural networks").run()
    _ok(at)
    warning = at.warning[0].value
    assert "not in the topic map" in warning and "Neural networks" in warning, "a near miss says so, never silently"
    assert at.session_state["path_goal"] is None, "and does not become the goal: nor does the last one stay"
    assert not at.get("graphviz_chart"), "the warning replaces the RLHF plan (issue 27)"


def test_a_typo_in_the_path_goal_plans_for_the_topic_and_says_so(library_env):
    at = _app()
    at.switch_page("path_page.py").run()
    at.text_input(key="path_goal_text").input("RHLF").run()
    _ok(at)
    assert at.session_state["path_goal"] == "rlhf" and at.get("graphviz_chart")
    assert [i.value for i in at.info] == ["Showing results for RLHF (corrected: RHLF → RLHF)."]
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert [i.value for i in at.info] == ["以下是“RLHF”的结果（已更正：RHLF → RLHF）。"], "in the UI's language"
    at.text_input(key="path_goal_text").input("RLHF").run()
    assert not at.info, "a name spelt right is not corrected"


def test_path_page_splits_the_plan_into_dated_weeks(library_env):
    import datetime as dt

    at = _rlhf_plan(_app())
    at.number_input(key="path_hours_week").set_value(10.0).run()
    at.date_input(key="path_start").set_value(dt.date(2026, 12, 7)).run()
    _ok(at)
    weeks = [e.label for e in at.expander if e.label.startswith("Week ")]
    assert weeks[0].startswith("Week 1 · from 2026-12-07") and weeks[1].startswith("Week 2 · from 2026-12-14")
    assert any(b.proto.label.endswith("(.ics)") for b in at.get("download_button")), "the weeks go to a calendar"


def test_plan_export_is_a_checklist_ingest_reads_back(library_env, tmp_path):
    from studygraph.graph.plan import learning_plan
    from studygraph.ingest.markdown import parse_markdown
    from studygraph.ui.path_page import plan_dot, plan_markdown
    from studygraph.ui.state import get_library

    settings = _settings()
    tg = get_library(settings).graph
    plan = learning_plan(tg, "rlhf")
    text = plan_markdown(plan, status={"transformer": "done"})
    assert re.search(r"^## 1\. ", text, re.M) and re.search(r"^- \[ \] \[.+\]\(https?://", text, re.M)
    assert len(re.findall(r"^## \d+\. ", text, re.M)) == len(plan.steps)
    doc = parse_markdown(text, "plan.md")
    assert not doc.errors, doc.errors
    want = {r.url for s in plan.steps for r in s.resources if r.url}
    got = {m.url for m in doc.mentions}
    assert want and want <= got, want - got
    done_urls = {r.url for s in plan.steps if s.topic.id == "transformer" for r in s.resources if r.url}
    assert done_urls and all(m.done for m in doc.mentions if m.url in done_urls)
    dot = plan_dot(get_library(settings), plan, {"transformer": "done"})
    assert dot.startswith("digraph") and dot.count("->") >= len(plan.steps) - 1


# -- review ------------------------------------------------------------------------------------------
def test_review_page_grades_three_cards_as_fsrs_schedules_them(library_env):
    """Reveal, grade, next card: three times; each card's next due date is the fsrs Scheduler's own."""
    import datetime as dt

    from fsrs import Card, Rating, Scheduler

    from studygraph.graph.catalogue import load_catalogue
    from studygraph.store.meta import MetaStore
    from studygraph.store.review import ReviewStore

    at = _app()
    at.switch_page("review_page.py").run()
    _ok(at)
    due_before = int(at.metric[0].value)
    assert due_before >= 3
    graded = []
    for rating in ("good", "again", "easy"):
        question = at.subheader[0].value
        at.text_area(key=next(k for k in at.session_state if str(k).startswith("review_answer_"))).input("my answer")
        at.button(key="review_reveal").click().run()
        _ok(at)
        assert any(b.key == "review-easy" for b in at.button), "the reveal offers the four grades"
        topic = next(c.topic for c in ReviewStore(MetaStore(_settings().meta_path)).cards() if c.text == question)
        assert load_catalogue().topics[topic].description in _texts(at), "and the topic's description"
        at.button(key=f"review-{rating}").click().run()
        _ok(at)
        graded.append((question, rating))
        assert at.subheader[0].value != question, "the next card comes up"
    assert int(at.metric[0].value) == due_before - 3  # even Again: FSRS's first learning step is a minute away
    store = ReviewStore(MetaStore(_settings().meta_path, readonly=True))
    reference = Scheduler(enable_fuzzing=False)
    for question, rating in graded:
        card = next(c for c in store.cards() if c.text == question)
        (log,) = store.logs(card.id)
        assert log["rating"] == rating and log["answer"] == "my answer"
        when = dt.datetime.fromisoformat(log["reviewed"])
        expected, _ = reference.review_card(Card(card_id=card.id, due=when), Rating[rating.title()], when)
        assert card.due == expected.due


# -- explorer ----------------------------------------------------------------------------------------
def test_explorer_opens_on_the_whole_map_with_status_colours_and_the_goals_plan(library_env):
    from studygraph.graph.plan import learning_plan
    from studygraph.store.meta import MetaStore
    from studygraph.ui.state import get_library

    settings = _settings()
    tg = get_library(settings).graph
    topics, areas = tg.catalogue.topics, {topic.area for topic in tg.catalogue.topics.values()}
    node = lambda dot: re.findall(r'^\s+"([^"]+)" \[label=', dot, re.M)  # noqa: E731
    MetaStore(settings.meta_path).set_progress(["topic:attention"], "done")
    try:
        at = _app()
        at.switch_page("explorer.py").run()
        _ok(at)
        dot = at.get("graphviz_chart")[0].proto.spec
        assert dot.count("subgraph cluster_") == len(areas) and set(node(dot)) == set(topics), "every topic, by area"
        assert re.search(r'"attention" \[[^\]]*#c8e6c9', dot), "done is green on the map"
        assert re.search(r'"rlhf" \[[^\]]*#f1f3f4', dot), "to do is grey"
        assert len(at.get("progress")) == len(areas), "progress per area beside the map"

        at.selectbox(key="map_goal").select("rlhf").run()
        _ok(at)
        dot = at.get("graphviz_chart")[0].proto.spec
        plan = learning_plan(tg, "rlhf", {"attention"})
        assert all(re.search(rf'"{s.topic.id}" \[[^\]]*#1565c0', dot) for s in plan.steps), "the plan is outlined"
        assert "h to the goal" in "\n".join(p.proto.text for p in at.get("progress"))
        at.toggle(key="map_only_plan").set_value(True).run()
        assert set(node(at.get("graphviz_chart")[0].proto.spec)) == {s.topic.id for s in plan.steps}
        at.toggle(key="map_only_plan").set_value(False).run()
        at.multiselect(key="map_areas").set_value(["math"]).run()
        assert {topics[x].area for x in node(at.get("graphviz_chart")[0].proto.spec)} == {"math"}

        at.selectbox(key="ex_topic").select("attention").run()
        assert at.header[0].value.startswith("Attention"), "choosing a topic opens it"
        at.button(key="ex_back").click().run()
        _ok(at)
        assert "subgraph cluster_" in at.get("graphviz_chart")[0].proto.spec, "and back to the map"
    finally:
        MetaStore(settings.meta_path).set_progress(["topic:attention"], "todo")


def test_explorer_shows_prerequisites_of_transformer(library_env):
    from studygraph.ui.state import get_library

    settings = _settings()
    tg = get_library(settings).graph
    prereqs = [tg.catalogue.topics[p].name for p in tg.graph.predecessors("transformer")]
    assert prereqs
    at = _app()
    at.switch_page("explorer.py").run()
    at.text_input(key="ex_text").input("transformer").run()
    _ok(at)
    assert at.session_state["ex_topic"] == "transformer"
    labels = [e.label for e in at.expander]
    for name in prereqs:
        assert any(label.startswith(name) for label in labels), (name, labels)
    assert any("curated" in label for label in labels), "edges say where they come from"
    assert at.get("graphviz_chart")
    assert LINK.search(_texts(at)), "resources about the transformer are links"


def test_a_typo_in_the_explorer_search_opens_the_topic_and_says_so(library_env):
    at = _app()
    at.switch_page("explorer.py").run()
    at.text_input(key="ex_text").input("attension").run()
    _ok(at)
    assert at.session_state["ex_topic"] == "attention"
    assert [i.value for i in at.info] == ["Showing results for attention (corrected: attension → attention)."]
    at.selectbox(key="ex_topic").set_value("transformer").run()
    _ok(at)
    assert not at.info, "the notice goes with the topic it was read as"


def test_explorer_and_path_describe_topics_in_the_ui_language(library_env):
    """A Chinese learner reads the catalogue's own Chinese description, with no model at all."""
    from studygraph.graph.catalogue import load_catalogue

    topics = load_catalogue().topics
    attention, transformer = topics["attention"], topics["transformer"]
    at = _app()
    at.switch_page("explorer.py").run()
    at.text_input(key="ex_text").input("attention").run()
    _ok(at)
    assert at.session_state["ex_topic"] == "attention"
    assert attention.description in _texts(at) and attention.description_zh not in _texts(at)
    at.sidebar.radio(key="lang").set_value("zh").run()
    _ok(at)
    assert attention.description_zh in _texts(at) and attention.description not in _texts(at)
    at = _rlhf_plan(at)
    assert transformer.description_zh in _texts(at) and transformer.description not in _texts(at)


# -- library -----------------------------------------------------------------------------------------
def test_library_lists_and_filters_resources(library_env):
    from studygraph.store.meta import MetaStore

    total = MetaStore(_settings().meta_path, readonly=True).counts()["resources"]
    at = _app()
    at.switch_page("library_page.py").run()
    _ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["resources"]) == total and int(metrics["topics"]) > 0 and int(metrics["edges"]) > 0
    frame = at.dataframe[0].value
    assert len(frame) == total and {"Title", "Kind", "Topics", "Sources", "Status"} <= set(frame.columns)
    at.multiselect(key="lib_kind").set_value(["video"]).run()
    _ok(at)
    frame = at.dataframe[0].value
    assert 0 < len(frame) < total and set(frame["Kind"]) == {"video"}
    at.multiselect(key="lib_kind").set_value([]).run()
    at.text_input(key="lib_text").input("arxiv.org").run()
    assert 0 < len(at.dataframe[0].value) < total


def test_library_upload_saves_safely_and_reingests(library_env):
    at = _app()
    at.switch_page("library_page.py").run()
    note = b"# My notes\n\n## Attention\n\n- [My unique attention note](https://example.org/my-unique-apptest-note)\n"
    at.file_uploader[0].set_value([("我的笔记.md", note, "text/markdown"), ("../evil.md", note, "text/markdown")]).run()
    at.button(key="lib_save").click().run()
    _ok_but_refusal = [e.value for e in at.error]
    assert any("evil.md" in e for e in _ok_but_refusal), "the unsafe name is refused with a reason"
    assert not at.exception
    uploads = library_env / "corpus"
    assert (uploads / "我的笔记.md").read_bytes() == note
    assert not (library_env / "evil.md").exists() and not (library_env.parent / "evil.md").exists()
    assert "https://example.org/my-unique-apptest-note" in _texts(at)
    at.text_input(key="lib_text").input("my-unique-apptest-note").run()
    assert len(at.dataframe[0].value) == 1


# -- the upload sanitiser ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "../x.md",
        "/etc/passwd",
        "a/../../b.md",
        "x\x00.md",
        "..\\..\\x.md",
        "C:\\x.md",
        "notes.exe",
        "",
        "....md",
        "line\nbreak.md",
    ],
)
def test_safe_upload_path_refuses(tmp_path, name):
    from studygraph.ui.uploads import safe_upload_path

    with pytest.raises(ValueError):
        safe_upload_path(tmp_path, name)


@pytest.mark.parametrize(
    "name,saved",
    [
        ("我的路线图.md", "我的路线图.md"),
        ("roadmap v2.markdown", "roadmap v2.markdown"),
        ("paper (final).PDF", "paper _final.pdf"),
        ("a/b.md", "b.md"),
    ],
)
def test_safe_upload_path_keeps_good_names(tmp_path, name, saved):
    from studygraph.ui.uploads import safe_upload_path

    path = safe_upload_path(tmp_path, name)
    assert path == (tmp_path / saved).resolve() and path.parent == tmp_path.resolve()


def test_safe_upload_path_refuses_a_symlink_out(tmp_path):
    from studygraph.ui.uploads import safe_upload_path

    outside = tmp_path / "outside.md"
    outside.write_text("x")
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "link.md").symlink_to(outside)
    with pytest.raises(ValueError):
        safe_upload_path(uploads, "link.md")
    assert isinstance(safe_upload_path(uploads, "fine.md"), Path)
