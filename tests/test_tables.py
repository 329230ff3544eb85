"""Roadmaps written as tables, and the other shapes popular roadmaps use: every link takes its row's name,
description, kind and length (fixtures in tests/fixtures/tables/, made up in the shapes of real roadmaps)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from conftest import FIXTURES

from studygraph.ingest import titles as T
from studygraph.ingest.markdown import parse_markdown
from studygraph.ingest.rows import duration_minutes
from studygraph.ingest.urls import normalize_url

TABLES = FIXTURES / "tables"


def parsed(name: str):
    return parse_markdown((TABLES / name).read_text(encoding="utf-8"), f"tables/{name}")


class _ByUrl(dict):
    """Mentions by URL, looked up as the roadmap writes the URL (youtu.be/ID is stored as youtube.com/watch)."""

    def __getitem__(self, url):
        return super().__getitem__(normalize_url(url))


def by_url(doc):
    return _ByUrl({m.url: m for m in doc.mentions})


@pytest.mark.parametrize("name", sorted(p.name for p in TABLES.glob("*.md")))
def test_no_fixture_link_is_left_with_a_generic_title(name):
    doc = parsed(name)
    assert doc.mentions and not doc.errors
    headings = {h for m in doc.mentions for h in m.headings}
    for m in doc.mentions:
        assert not T.is_label(m.title), m
        assert m.named or m.title not in headings, m  # a section's name alone says nothing about one link
        assert "shields.io" not in (m.url or ""), m  # badge pictures are never resources
        assert m.context, m


def test_a_notebook_table_names_each_link_after_its_row_with_its_column_kind_and_length():
    doc = by_url(parsed("notebooks.md"))
    article = doc["https://example.org/blog/bpe-tokenizer.html"]
    colab = doc["https://colab.example/drive/tokenizer-abc"]  # <a href><img alt="Open In Colab"></a> in a cell
    assert article.title == "Build a tokenizer from scratch — Article"
    assert colab.title == "Build a tokenizer from scratch — Colab"
    for m in (article, colab):
        assert "byte-level BPE tokenizer" in m.context and m.minutes == 25
        assert "Article" not in m.context.split(" | ")  # link labels are not what the row says
    assert (article.kind, colab.kind) == ("article", "code")
    lora = doc["https://colab.research.google.com/drive/lora-xyz"]  # a markdown Colab badge
    assert (lora.title, lora.kind, lora.minutes) == ("Fine-tune a model with LoRA — Colab", "code", 80)
    assert doc["https://github.com/example/llm-notebooks/blob/main/quantize.ipynb"].minutes == 45
    # Three links in one cell of a "Paper" row: three resources sharing the row's name, each with its kind.
    paper = [doc[u] for u in ("https://arxiv.org/abs/1706.03762", "https://github.com/tensorflow/tensor2tensor", "https://www.youtube.com/watch?v=iDulhoQ2pro")]  # fmt: skip
    assert [(m.title, m.kind) for m in paper] == [
        ("Attention Is All You Need — Paper", "paper"),
        ("Attention Is All You Need — Code", "code"),
        ("Attention Is All You Need — Video", "video"),
    ]
    assert all(not m.named for m in paper)  # made-up names: a fetched page's title may replace them
    # Emoji in a title cell decorate it; they are not part of the name.
    merge = doc["https://colab.research.google.com/drive/mergekit?usp=sharing"]
    assert (merge.title, merge.kind) == ("LazyMergekit — Colab", "code") and "MergeKit in one click" in merge.context
    assert doc["https://github.com/example/llm-autoeval"].title == "LLM AutoEval"


def test_a_paper_reading_table_with_badges_dates_covers_and_durations():
    doc = parsed("paper-reading.md")
    urls = by_url(doc)
    bili, yt = urls["https://www.bilibili.com/video/BV1GPT2aaaaa"], urls["https://youtu.be/gpt2videoid"]
    assert (bili.title, yt.title) == ("GPT-2 精读 — bilibili", "GPT-2 精读 — YouTube")
    assert bili.kind == yt.kind == "video" and bili.minutes == yt.minutes == 72.3
    assert bili.headings == ("论文精读", "录制完成的论文") and bili.line == 9
    paper = urls["https://example.org/papers/gpt2.pdf"]  # the title cell's own link keeps its own name
    assert (paper.title, paper.kind, paper.minutes) == ("GPT-2", "paper", None)
    assert "GPT-2 精读" in paper.context and "1:12:16" in paper.context and "11/14/22" in paper.context
    assert urls["https://www.youtube.com/watch?v=instructvid"].minutes == 45.0
    contrast = urls["https://www.bilibili.com/video/BV1CONTRASTcc"]
    assert (contrast.title, contrast.minutes) == ("对比学习论文综述 — 视频", 30)
    assert not any("封面" in m.title or "imgs/" in m.title for m in doc.mentions)  # image cells are never titles
    # A course table with one column per material: each is named after the course, kinds from the columns.
    d2l = [m for m in doc.mentions if m.title.startswith("动手学深度学习")]
    assert [m.title for m in d2l] == ["动手学深度学习 — 网站", "动手学深度学习 — 这里", "动手学深度学习 — 链接"]
    assert [m.kind for m in d2l][1:] == ["code", "video"]
    assert all("覆盖注意力机制" in m.context for m in d2l)
    # A citation-count badge linking to the paper's page: named by the host, a check-mark cell is no title.
    cited = urls[
        "https://www.semanticscholar.org/paper/Attention-is-All-you-Need/204e3073870fae3d05bcbc2f6a8e263d9b72e776"
    ]
    assert (cited.title, cited.kind) == ("Transformer — Semantic Scholar", "paper")
    assert "第四大类架构" in cited.context and "✅" not in cited.title


def test_the_other_shapes_reference_links_html_blocks_heading_links_and_links_below_their_text():
    en = by_url(parsed("shapes-en.md"))
    heading = en["https://nlp.seas.harvard.edu/annotated-transformer"]
    assert (heading.title, heading.line) == ("The Annotated Transformer", 3)
    ref = en["https://github.com/harvardnlp/annotated-transformer"]  # [code][annotated-code], defined at the end
    assert ref.line == 5 and ref.title == "A line-by-line PyTorch implementation of the original paper — code"
    assert ref.headings == ("Transformer reading list", "The Annotated Transformer")
    below = en["https://example.org/illustrated-attention"]  # "[here](..)" on the line after its description
    assert below.title.startswith("The best visual introduction to self-attention") and below.line == 8
    assert "multi-head attention" in below.context
    rope = en["https://example.org/rope-explained"]  # <details><ul><li><a href>
    assert (rope.title, rope.line) == ("Rotary position embeddings explained", 13)
    assert en["https://example.org/sinusoidal"].title == "Sinusoidal encodings, visualised"  # <a><img></a>
    slides, video = en["https://example.org/cs25/slides"], en["https://www.youtube.com/watch?v=cs25lecture1"]
    assert (slides.title, video.title) == ("Stanford CS25 Transformers United — Slides", "Stanford CS25 Transformers United — YouTube")  # fmt: skip
    assert video.kind == "video" and video.line == 20 and "Guest lectures" in video.context

    zh = parsed("shapes-zh.md")
    urls = by_url(zh)
    assert urls["https://www.bilibili.com/video/BV1HFCOURSE"].line == 5
    assert urls["https://example.cn/rlhf-illustrated"].title.startswith("强化学习人类反馈（RLHF）的图解长文")
    lora_paper, lora_code = urls["https://arxiv.org/abs/2106.09685"], urls["https://github.com/microsoft/LoRA"]
    assert (lora_paper.title, lora_paper.kind) == ("LoRA 低秩微调 — 论文", "paper")
    assert (lora_code.title, lora_code.kind) == ("LoRA 低秩微调 — GitHub", "code")
    assert "低秩分解矩阵" in lora_code.context
    # 面经 reads a table row like a list line: a question row is a question, its answer link is named by it.
    assert [q.text for q in zh.questions] == ["为什么 Transformer 要除以根号 d？"]
    assert urls["https://example.cn/why-sqrt-d"].title == "为什么 Transformer 要除以根号 d — 解答"


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("1:12:16", 72.3),
        ("45:01", 45.0),
        ("25 min", 25),
        ("1h 20m", 80),
        ("2 hours", 120),
        ("30分钟", 30),
        ("1小时20分钟", 80),
        ("约 40 分钟", 40),
        ("11/14/22", None),
        ("GPT-2 精读", None),
        ("2023", None),
        ("1:75", None),
        ("", None),
    ],
)
def test_durations_as_roadmaps_write_them(text, minutes):
    assert duration_minutes(text) == minutes


# ---- through the real ingest: search, stored lengths, plans -------------------------------------------


@pytest.fixture
def table_library(tmp_path, make_settings, embedder):
    from studygraph.ingest.pipeline import ingest

    corpus = tmp_path / "roadmaps"
    shutil.copytree(TABLES, corpus)
    settings = make_settings(corpus)
    report = ingest(settings, embedder=embedder)
    assert not report.errors
    return settings, report


def test_a_search_for_a_rows_title_finds_each_of_its_links(table_library, embedder):
    from studygraph.assistant.engine import Assistant

    settings, _ = table_library
    assistant = Assistant(settings, embedder=embedder)
    rows = {
        "GPT-2 精读": {"https://www.bilibili.com/video/BV1GPT2aaaaa", "https://youtu.be/gpt2videoid", "https://example.org/papers/gpt2.pdf"},
        "Build a tokenizer from scratch": {"https://example.org/blog/bpe-tokenizer.html", "https://colab.example/drive/tokenizer-abc"},
        "动手学深度学习": {"https://zh.example-d2l.ai", "https://github.com/example/d2l-zh", "https://www.bilibili.com/video/BV1D2LDDDDDD"},
        "LoRA 低秩微调": {"https://arxiv.org/abs/2106.09685", "https://github.com/microsoft/LoRA"},
    }  # fmt: skip
    for query, expected in rows.items():
        found = {r.resource.url for r in assistant.search(query, k=8)}
        assert {normalize_url(u) for u in expected} <= found, (query, expected, found)


def test_lengths_are_stored_and_a_no_change_reingest_changes_nothing(table_library, embedder):
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore

    settings, first = table_library
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        minutes = _ByUrl({r.url: r.minutes for r in meta.resources()})
    finally:
        meta.close()
    assert minutes["https://www.bilibili.com/video/BV1GPT2aaaaa"] == 72.3
    assert minutes["https://example.org/papers/gpt2.pdf"] is None
    again = ingest(settings, embedder=embedder)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, first.added)
    assert again.vectors_written == 0


def test_a_library_written_before_lengths_is_migrated_and_reparsed(table_library, embedder):
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore

    settings, first = table_library
    db = sqlite3.connect(settings.meta_path)
    with db:
        db.execute("ALTER TABLE mentions DROP COLUMN minutes")
        db.execute("ALTER TABLE resources DROP COLUMN minutes")
    db.close()
    again = ingest(settings, embedder=embedder)
    assert again.updated == first.added  # the migration clears the hashes: every file is read again
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        assert _ByUrl({r.url: r.minutes for r in meta.resources()})["https://youtu.be/gpt2videoid"] == 72.3
    finally:
        meta.close()


def test_a_plans_time_estimate_uses_the_length_the_roadmap_gives(table_library):
    from studygraph.graph.build import build_graph
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.plan import HOURS_BY_KIND, learning_plan
    from studygraph.store.meta import MetaStore

    settings, _ = table_library
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        tg = build_graph(load_catalogue(), meta)
    finally:
        meta.close()
    step = learning_plan(tg, "instructgpt").steps[-1]
    counted = step.resources[:2]
    timed = [r for r in counted if r.minutes]
    assert timed, [(r.title, r.minutes) for r in step.resources]  # the 45:01 InstructGPT video
    assert timed[0].minutes == 45.0
    expected = sum(r.minutes / 60 if r.minutes else HOURS_BY_KIND[r.kind] for r in counted)
    assert step.hours == round(expected, 1)
    assert step.hours != round(sum(HOURS_BY_KIND[r.kind] for r in counted), 1)  # the length changed the estimate


def test_a_header_row_under_an_interview_subheading_is_no_question():
    doc = parse_markdown(
        "# 面经\n## LLM\n| 问题 | 答案 |\n| --- | --- |\n| LoRA 的原理是什么？ | [解答](https://example.cn/lora) |\n",
        "q.md",
    )
    assert [q.text for q in doc.questions] == ["LoRA 的原理是什么？"]
    assert doc.mentions[0].title == "LoRA 的原理是什么 — 解答"


def test_html_anchors_pair_up_even_when_some_are_no_links():
    doc = parse_markdown(
        '- Course notes <a name="notes"></a> and slides <a href="https://example.org/slides">材料</a>\n\n'
        '<p><a href="#top">top</a> <a href="https://example.org/att">Attention in pictures</a></p>\n',
        "a.md",
    )
    assert [(m.title, m.url) for m in doc.mentions] == [
        ("Course notes and slides — 材料", "https://example.org/slides"),
        ("Attention in pictures", "https://example.org/att"),
    ]


def test_table_sections_and_link_headings_teach_no_learned_topic(table_library):
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.learned import learn_topics
    from studygraph.store.meta import MetaStore

    settings, _ = table_library
    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        learned = learn_topics(load_catalogue(), meta)
    finally:
        meta.close()
    # "录制完成的论文" is how the page is arranged; "## [The Annotated Transformer](url)" names a resource.
    assert {t.name for t in learned.topics.values()} == set()


def test_the_duration_column_wins_over_a_clock_time_elsewhere_in_the_row():
    doc = parse_markdown(
        "| Lecture | Starts | Length | Video |\n| --- | --- | --- | --- |\n"
        "| Attention and transformers | 10:30 | 1:05:00 | [Video](https://www.youtube.com/watch?v=lecture7) |\n",
        "l.md",
    )
    (m,) = doc.mentions
    assert (m.title, m.kind, m.minutes) == ("Attention and transformers — Video", "video", 65.0)
