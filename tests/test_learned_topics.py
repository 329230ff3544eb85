"""Topics learned from a learner's roadmap: a section on a subject the curated map lacks becomes a topic with
evidenced prerequisites, shows up in resolve/path/next/why/explain, keeps its progress across re-ingest and
goes when its roadmap goes. Generic and arrangement headings never become topics."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

ROADMAP = FIXTURES / "learned" / "snn-speech.md"
SG = str(Path(sys.executable).with_name("studygraph"))


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SG, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, cwd=REPO, timeout=120
    )


@pytest.fixture
def learned_library(tmp_path, make_settings, embedder):
    """The spiking-networks/speech roadmap ingested alone (no default corpus) into a tmp data dir."""
    from studygraph.ingest.pipeline import ingest

    corpus = tmp_path / "roadmaps"
    corpus.mkdir()
    shutil.copy(ROADMAP, corpus / ROADMAP.name)
    settings = make_settings(corpus)
    report = ingest(settings, embedder=embedder)
    assert not report.errors
    return settings, corpus


def graph_of(settings):
    from studygraph.graph.build import build_graph
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.store.meta import MetaStore

    meta = MetaStore(settings.meta_path, readonly=True)
    return build_graph(load_catalogue(), meta), meta


@pytest.mark.parametrize(
    "heading",
    [
        "其他",
        "Acknowledgements",
        "Tools",
        "Notebooks",
        "所有论文",
        "课程资料与论文阅读",
        "学习路线, 工具网站，相关资料推荐",
    ],
)
def test_generic_headings_are_no_subject(heading):
    from studygraph.graph.learned import is_generic_heading

    assert is_generic_heading(heading)


@pytest.mark.parametrize("heading", ["图神经网络", "Speech recognition", "知识图谱", "Inference and serving"])
def test_subject_headings_are_not_generic(heading):
    from studygraph.graph.learned import is_generic_heading

    assert not is_generic_heading(heading)


@pytest.mark.parametrize(
    "heading, name",
    [
        ("二、深度学习", "深度学习"),
        ("3. Graph Neural Networks", "Graph Neural Networks"),
        ("Week 5: Speech Recognition", "Speech Recognition"),
        ("第三章 图神经网络", "图神经网络"),
        ("1.2 Transformer", "Transformer"),
        ("🔥 (3) 知识图谱", "知识图谱"),
        ("Part II — Reinforcement Learning", "Reinforcement Learning"),
        ("3D vision", "3D vision"),
        ("GPT-3 and few-shot", "GPT-3 and few-shot"),
    ],
)
def test_outline_numbering_is_not_part_of_a_topics_name(heading, name):
    """So a renumbered roadmap keeps its topics, their ids and the progress on them."""
    from studygraph.graph.learned import subject_name

    assert subject_name(heading) == name


def test_learned_ids_are_stable_and_readable():
    from studygraph.graph.learned import learned_id

    assert learned_id("Speech recognition") == learned_id("speech  Recognition") == "learned-speech-recognition"
    assert learned_id("图神经网络") == learned_id("图神经网络 ")
    assert learned_id("图神经网络") != learned_id("知识图谱")
    assert learned_id("图神经网络").startswith("learned-")


def test_the_seed_roadmaps_teach_no_junk_topics(seed_library):
    """Every seed heading is a catalogue topic, a title, generic, or an arrangement of known topics."""
    settings, _ = seed_library
    tg, _ = graph_of(settings)
    assert [t.name for t in tg.catalogue.topics.values() if t.learned] == []


def test_a_section_the_map_lacks_becomes_a_topic_with_evidenced_prerequisites(learned_library):
    settings, _ = learned_library
    tg, _ = graph_of(settings)
    learned = {t.name: t for t in tg.catalogue.topics.values() if t.learned}
    assert set(learned) == {"脉冲神经网络", "Speech recognition"}  # not 其他/Tools/Acknowledgements/PEFT/a repo name

    snn = learned["脉冲神经网络"]
    assert snn.zh == "脉冲神经网络" and snn.learned
    assert snn.evidence[0].endswith("snn-speech.md:6 section “我的深度学习路线 > 脉冲神经网络”")
    from studygraph.graph.learned import seen_at

    assert seen_at(snn).endswith("snn-speech.md:6")
    # Its heading names neural networks, its resources are about them: a prerequisite, with file:line evidence.
    edge = tg.edge_evidence("neural-networks", snn.id)
    assert edge["kind"] == "learned-topic" and edge["weight"] == 1.0
    assert any("snn-speech.md:6" in e and "Neural networks" in e for e in edge["evidence"])
    # The section's resources, including those of its generic sub-section ("论文"), are the topic's.
    titles = [r.title for r in tg.resources_by_topic[snn.id]]
    assert {
        "Training Spiking Neural Networks Using Lessons From Deep Learning",
        "SNN 综述",
        "snnTorch tutorial",
    } <= set(titles)

    speech = learned["Speech recognition"]
    assert speech.zh == ""  # no Chinese name is made up
    assert tg.plan_graph.has_edge("transformer", speech.id)
    # Order alone ("脉冲神经网络" comes first) is no evidence when the section's own resources say more.
    assert not tg.graph.has_edge(snn.id, speech.id) or tg.graph.edges[snn.id, speech.id]["weight"] < 1.0


def test_resolve_path_why_and_next_know_the_learned_topic(learned_library):
    settings, _ = learned_library
    data = settings.data_dir

    hit = json.loads(cli(data, "resolve", "speech recognition", "--json").stdout)
    assert hit["id"] == "learned-speech-recognition" and hit["how"] == "learned" and hit["confident"]

    plan = cli(data, "path", "speech recognition", "--json")
    assert plan.returncode == 0, plan.stderr
    steps = json.loads(plan.stdout)["steps"]
    ids = [s["id"] for s in steps]
    assert ids[-1] == "learned-speech-recognition" and steps[-1]["learned"]
    assert ids.index("transformer") < ids.index("learned-speech-recognition")
    assert {r["title"] for r in steps[-1]["resources"]} >= {"wav2vec 2.0"}
    assert any("snn-speech.md:13" in e for e in steps[-1]["evidence"])

    human = cli(data, "path", "脉冲神经网络").stdout
    assert "[learned from" in human.splitlines()[0]

    why = json.loads(cli(data, "why", "neural networks", "脉冲神经网络", "--json").stdout)
    assert why["edges"][-1]["kind"] == "learned-topic"

    nxt = json.loads(
        cli(
            data, "next", "--known", "neural networks,transformer,self-supervised learning", "-k", "20", "--json"
        ).stdout
    )
    learned_next = [t for t in nxt["topics"] if t["learned"]]
    assert "learned-speech-recognition" in [t["id"] for t in learned_next]


def test_progress_on_a_learned_topic_survives_reingest_and_the_topic_goes_with_its_roadmap(learned_library, embedder):
    from studygraph.graph.plan import known_topics
    from studygraph.ingest.pipeline import ingest

    settings, corpus = learned_library
    assert cli(settings.data_dir, "mark", "脉冲神经网络").returncode == 0

    # The roadmap changes around the section: the topic, its id and the learner's progress stay.
    text = (corpus / ROADMAP.name).read_text(encoding="utf-8")
    (corpus / ROADMAP.name).write_text(
        text.replace("## 脉冲神经网络", "## 注意\n- [x](https://example.org/x)\n\n## 二、脉冲神经网络"),
        encoding="utf-8",
    )
    report = ingest(settings, embedder=embedder)
    assert report.updated == 1
    tg, meta = graph_of(settings)
    snn = next(t for t in tg.catalogue.topics.values() if t.name == "脉冲神经网络")
    known, _ = known_topics(tg, meta)
    assert snn.id in known
    meta.close()

    (corpus / ROADMAP.name).unlink()
    ingest(settings, embedder=embedder)
    tg, meta = graph_of(settings)
    assert not any(t.learned for t in tg.catalogue.topics.values())
    assert cli(settings.data_dir, "path", "脉冲神经网络").returncode == 1


def test_chinese_answers_about_a_learned_topic_stay_chinese(learned_library):
    from studygraph.assistant.engine import Assistant

    settings, _ = learned_library
    assistant = Assistant(settings)
    plan = assistant.ask("学习脉冲神经网络之前要学什么？")
    assert plan.intent == "plan" and plan.structured["goal"]["learned"]
    assert "从你的路线图学到" in plan.text and "learned from" not in plan.text.lower()
    explain = assistant.ask("什么是脉冲神经网络")
    assert explain.intent == "explain" and "从你的路线图学到" in explain.text
    assert "Learned from" not in explain.text and "Prerequisites" not in explain.text
    english = assistant.ask("what is speech recognition")
    assert "Learned from your roadmap" in english.text and "wav2vec" in english.text


def test_the_app_marks_learned_topics_in_the_explorer_and_the_plan_picture(learned_library, monkeypatch):
    from streamlit.testing.v1 import AppTest

    settings, _ = learned_library
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "none")
    at = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("explorer.py").run()
    at.text_input(key="ex_text").input("脉冲神经网络").run()
    assert not at.exception and not at.error
    assert at.session_state["ex_topic"].startswith("learned-")
    assert any("learned from your roadmap" in m.value for m in at.markdown)
    evidence = next(e for e in at.expander if e.label == "Where this topic comes from")
    assert "snn-speech.md:6" in evidence.markdown[0].value
    assert any(e.label.startswith("Neural networks") and "from a learned topic" in e.label for e in at.expander)
    assert "dashed" in at.get("graphviz_chart")[0].proto.spec

    at.switch_page("path_page.py").run()
    at.text_input(key="path_goal_text").input("speech recognition").run()
    assert not at.exception and not at.error
    dot = at.get("graphviz_chart")[0].proto.spec
    assert '"learned-speech-recognition"' in dot and "dashed" in dot
