"""The markdown parser as a reader of messy roadmaps: each test is a small roadmap and what it must yield."""

from __future__ import annotations

import textwrap
import time

from studygraph.ingest.markdown import parse_markdown
from studygraph.models import KINDS


def parse(md: str, path: str = "roadmap.md"):
    return parse_markdown(textwrap.dedent(md).lstrip("\n"), path)


def by_url(doc):
    return {m.url: m for m in doc.mentions if m.url}


def test_generic_link_text_is_named_by_its_list_item():
    doc = parse("""
        # LLM 课程
        - CS224n Natural Language Processing with Deep Learning，[材料](https://web.stanford.edu/class/cs224n/)
        - CS224U Natural Language Understanding，[材料](https://web.stanford.edu/class/cs224u/)，[代码](https://github.com/cgpotts/cs224u)
        """)
    titles = [m.title for m in doc.mentions]
    assert titles == [
        "CS224n Natural Language Processing with Deep Learning — 材料",
        "CS224U Natural Language Understanding — 材料",
        "CS224U Natural Language Understanding — 代码",
    ]
    assert [m.kind for m in doc.mentions] == ["course", "course", "code"]


def test_generic_link_text_is_named_by_its_parent_item_or_heading():
    doc = parse("""
        # Roadmap
        - Hugging Face NLP Course
          - [Website](https://huggingface.co/learn/nlp-course)
          - [Github](https://github.com/huggingface/course)
        ## Transformer 论文
        - [材料](https://example.com/transformer-materials)
        """)
    assert [m.title for m in doc.mentions] == [
        "Hugging Face NLP Course — Website",
        "Hugging Face NLP Course — Github",
        "Transformer 论文 — 材料",
    ]


def test_meaningful_link_text_is_the_title():
    doc = parse("- 很好的入门：[The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n")
    (m,) = doc.mentions
    assert (m.title, m.url, m.kind) == (
        "The Illustrated Transformer",
        "https://jalammar.github.io/illustrated-transformer",
        "article",
    )
    assert m.raw_url == "https://jalammar.github.io/illustrated-transformer/"


def test_several_links_on_one_line_are_separate_resources_with_separate_titles():
    doc = parse(
        "- Large language models from scratch [Youtube](https://youtu.be/aaa)，"
        "Large Language Models: Part 2 [Youtube](https://youtu.be/bbb)\n"
    )
    assert [m.url for m in doc.mentions] == [
        "https://www.youtube.com/watch?v=aaa",
        "https://www.youtube.com/watch?v=bbb",
    ]
    assert [m.title for m in doc.mentions] == [
        "Large language models from scratch — Youtube",
        "Large Language Models: Part 2 — Youtube",
    ]
    assert {m.line for m in doc.mentions} == {1}


def test_same_generic_text_twice_on_a_line_gets_distinct_titles():
    doc = parse(
        "- ChatGLM [Github](https://github.com/THUDM/ChatGLM-6B) [Github](https://github.com/THUDM/ChatGLM2-6B)\n"
    )
    first, second = (m.title for m in doc.mentions)
    assert first != second and "ChatGLM" in first and "ChatGLM" in second


def test_bare_urls_and_autolinks():
    doc = parse("""
        # Notes
        李宏毅机器学习 https://speech.ee.ntu.edu.tw/~hylee/ml/2023-spring.php 看完
        见https://zhuanlan.zhihu.com/p/123?utm_source=wechat，然后复习
        <https://example.org/autolink>
        """)
    urls = by_url(doc)
    assert list(urls) == [
        "https://speech.ee.ntu.edu.tw/~hylee/ml/2023-spring.php",
        "https://zhuanlan.zhihu.com/p/123",
        "https://example.org/autolink",
    ]
    assert urls["https://speech.ee.ntu.edu.tw/~hylee/ml/2023-spring.php"].title == "李宏毅机器学习"
    assert urls["https://speech.ee.ntu.edu.tw/~hylee/ml/2023-spring.php"].kind == "course"
    assert urls["https://example.org/autolink"].title == "example.org — autolink"  # named by its path, never "See"
    assert [m.line for m in doc.mentions] == [2, 3, 4]


def test_a_bare_url_keeps_its_underscores_when_markdown_reads_them_as_emphasis():
    """Found by the fuzz test: an underscore before a Wikipedia URL makes markdown-it pair it with the URL's
    own as emphasis; the URL must still be the one the text spells, never an invented 'Attention(...)'."""
    for text in (
        "- a _note on https://en.wikipedia.org/wiki/Attention_(machine_learning) here\n",
        "- see [_]( and https://en.wikipedia.org/wiki/Attention_(machine_learning) for more\n",
    ):
        urls = [m.url for m in parse_markdown(text, "r.md").mentions]
        assert urls == ["https://en.wikipedia.org/wiki/Attention_(machine_learning)"], (text, urls)


def test_links_in_code_and_images_are_not_resources():
    doc = parse("""
        ```python
        x = "https://in-fenced-code.example.com"
        ```
        ![diagram](https://img.example.com/a.png)
        `https://inline-code.example.com`
        [relative](docs/intro.md) [mail](mailto:a@b.org) [anchor](#top)
        """)
    assert doc.mentions == []


def test_books_without_urls_and_their_chapters():
    doc = parse("""
        ## 课本
        - Daniel Jurafsky and James H. Martin. Speech and Language Processing
          - 3: N-gram Language Models
          - 4: Naive Bayes and Sentiment Classification
        - 《统计学习方法》 李航
        - Michael A. Nielsen. Neural Networks and Deep Learning
        - 看书的时候记得做笔记
        """)
    books = [(m.title, m.line) for m in doc.mentions]
    assert books == [
        ("Speech and Language Processing", 2),
        ("Speech and Language Processing — Ch 3: N-gram Language Models", 3),
        ("Speech and Language Processing — Ch 4: Naive Bayes and Sentiment Classification", 4),
        ("统计学习方法", 5),
        ("Neural Networks and Deep Learning", 6),
    ]
    assert all(m.url is None and m.kind == "book" for m in doc.mentions)


def test_a_linked_book_under_a_book_heading_is_a_book():
    doc = parse(
        "## Books\n- Dan Jurafsky and James H. Martin, Speech and Language Processing, [网站](https://example.org/slp)\n"
    )
    (m,) = doc.mentions
    assert m.kind == "book" and m.title.startswith("Dan Jurafsky and James H. Martin, Speech and Language Processing")


def test_done_markers_and_checkboxes():
    doc = parse("""
        # Progress
        - DONE[Attention Is All You Need](https://arxiv.org/abs/1706.03762)
        - [x] [BERT](https://arxiv.org/abs/1810.04805)
        - [X] Read [GPT-2](https://openai.com/blog/better-language-models/)
        - [ ] [GPT-3](https://arxiv.org/abs/2005.14165)
        - [Not done](https://example.org/not-done) although the word DONE appears later
        - UNDONE[Still todo](https://example.org/undone)
        - DONE https://example.org/bare-done
        - [x] Finished course
          - [Lecture video](https://youtu.be/child)
        """)
    done = {m.url: m.done for m in doc.mentions}
    assert done == {
        "https://arxiv.org/abs/1706.03762": True,
        "https://arxiv.org/abs/1810.04805": True,
        "https://openai.com/blog/better-language-models": True,
        "https://arxiv.org/abs/2005.14165": False,
        "https://example.org/not-done": False,
        "https://example.org/undone": False,
        "https://example.org/bare-done": True,
        "https://www.youtube.com/watch?v=child": True,  # under a checked item
    }
    titles = {m.url: m.title for m in doc.mentions}
    assert titles["https://arxiv.org/abs/1706.03762"] == "Attention Is All You Need"  # no "DONE" in titles
    assert titles["https://arxiv.org/abs/1810.04805"] == "BERT"
    assert "DONE" not in titles["https://example.org/bare-done"]


def test_front_matter_is_metadata_not_content():
    doc = parse("""
        ---
        layout: post
        title: 材料
        homepage: https://frontmatter.example.com/x
        ---
        # 大语言模型课程
        - [LLM Bootcamp](https://fullstackdeeplearning.com/llm-bootcamp/spring-2023/)
        """)
    assert doc.title == "材料"
    assert [m.url for m in doc.mentions] == ["https://fullstackdeeplearning.com/llm-bootcamp/spring-2023"]
    assert doc.mentions[0].line == 7
    assert doc.sections == [(("大语言模型课程",), 6)]
    assert doc.errors == []


def test_broken_front_matter_is_an_error_with_its_line_and_the_rest_is_parsed():
    doc = parse("---\ntitle: [unclosed\n---\n# T\n- [A link](https://example.org/a)\n", "bad.md")
    assert len(doc.errors) == 1
    assert (doc.errors[0].file, doc.errors[0].line) == ("bad.md", 2)
    assert [m.url for m in doc.mentions] == ["https://example.org/a"]


def test_interview_questions_become_questions_with_their_notes():
    doc = parse("""
        # LLM
        ## 面经
        - Transformer 为什么要除以根号 d？
          - 防止 softmax 饱和
        - 介绍一下 LoRA 的原理
        - 整理的面试题 [知乎](https://zhuanlan.zhihu.com/p/643560888)
        ## 面经 > 公司列表
        - 字节跳动
        """)
    assert [(q.text, q.line, q.kind) for q in doc.questions] == [
        ("Transformer 为什么要除以根号 d？", 3, "interview"),
        ("介绍一下 LoRA 的原理", 5, "interview"),
    ]
    assert doc.questions[0].context == "防止 softmax 饱和"
    assert doc.questions[0].headings == ("LLM", "面经")
    assert [m.url for m in doc.mentions] == ["https://zhuanlan.zhihu.com/p/643560888"]  # the link is still a resource


def test_topical_subheadings_under_interview_make_every_item_a_question():
    doc = parse("""
        # 面经
        ## Transformer
        - Self-attention 的复杂度
        - 位置编码
        """)
    assert [q.text for q in doc.questions] == ["Self-attention 的复杂度", "位置编码"]
    assert all(q.headings == ("面经", "Transformer") for q in doc.questions)


def test_exercise_lists_become_exercise_questions():
    doc = parse("""
        ## 任务
        1. 实现一个 bigram 语言模型
        2. 使用 PyTorch 训练一个文本分类器
        """)
    assert [(q.text, q.kind, q.line) for q in doc.questions] == [
        ("实现一个 bigram 语言模型", "exercise", 2),
        ("使用 PyTorch 训练一个文本分类器", "exercise", 3),
    ]


def test_numbered_syllabus_keeps_its_order():
    doc = parse("""
        ## LLM101n
        1. Bigram Language Model (language modeling)
        2. Micrograd (machine learning, backpropagation)
        3. N-gram model (multi-layer perceptron, matmul, gelu)
        4. Attention (attention, softmax, positional encoder)
        """)
    (syllabus,) = doc.syllabi
    assert [(s.position, s.line, s.text) for s in syllabus] == [
        (1, 2, "Bigram Language Model (language modeling)"),
        (2, 3, "Micrograd (machine learning, backpropagation)"),
        (3, 4, "N-gram model (multi-layer perceptron, matmul, gelu)"),
        (4, 5, "Attention (attention, softmax, positional encoder)"),
    ]
    assert syllabus[0].headings == ("LLM101n",)


def test_chapter_bullets_are_a_syllabus_too():
    doc = parse("""
        ## Storyteller
        - Chapter 01 Bigram Language Model
        - Chapter 02 Micrograd
        - Chapter 03 N-gram model
        - (an aside, not a chapter)
        """)
    (syllabus,) = doc.syllabi
    assert [s.text for s in syllabus] == [
        "Chapter 01 Bigram Language Model",
        "Chapter 02 Micrograd",
        "Chapter 03 N-gram model",
    ]
    assert [s.position for s in syllabus] == [1, 2, 3]


def test_a_plain_bullet_list_is_no_syllabus():
    doc = parse("- apples\n- pears\n- plums\n")
    assert doc.syllabi == []


def test_heading_paths_and_line_numbers():
    doc = parse("""
        # NLP
        intro text

        ## Basics
        ### Tokenization
        - [BPE](https://example.org/bpe)

        ## Transformers [Blog](https://example.org/heading-link)
        Paragraph line one
        second line [Deep dive](https://example.org/deep-dive)
        # Appendix
        - [Glossary](https://example.org/glossary)
        """)
    got = [(m.url.rsplit("/", 1)[1], m.line, m.headings) for m in doc.mentions]
    assert got == [
        ("bpe", 6, ("NLP", "Basics", "Tokenization")),
        ("heading-link", 8, ("NLP",)),  # a link in a heading belongs to the section around it
        ("deep-dive", 10, ("NLP", "Transformers Blog")),
        ("glossary", 12, ("Appendix",)),
    ]
    assert doc.sections == [
        (("NLP",), 1),
        (("NLP", "Basics"), 4),
        (("NLP", "Basics", "Tokenization"), 5),
        (("NLP", "Transformers Blog"), 8),
        (("Appendix",), 11),
    ]
    assert doc.title == "NLP"


def test_over_indented_lines_tables_and_html_links_are_read():
    doc = parse(
        "# Links\n"
        "\n"
        "\t- [Tabbed link](https://example.org/tabbed)\n"
        "\n"
        "| Name | Link |\n"
        "|---|---|\n"
        "| Dive into Deep Learning | [网站](https://d2l.ai/) |\n"
        "\n"
        '<p><a href="https://example.org/html">HTML link</a></p>\n'
    )
    got = {m.url: (m.title, m.line) for m in doc.mentions}
    assert got == {
        "https://example.org/tabbed": ("Tabbed link", 3),
        "https://d2l.ai/": ("Dive into Deep Learning — 网站", 7),
        "https://example.org/html": ("HTML link", 9),
    }
    assert by_url(doc)["https://d2l.ai/"].kind == "book"


def test_cjk_text_and_punctuation():
    doc = parse("""
        # 自然语言处理组(NLP)
        ## 第一阶段：基础
        - 吴恩达深度学习课程第五课：[B 站视频](https://www.bilibili.com/video/BV1F4411y7BA?vd_source=abc)
        - 《动手学深度学习》 [网站](https://zh.d2l.ai/)，配套视频见https://space.bilibili.com/1567748478。
        """)
    urls = by_url(doc)
    video = urls["https://www.bilibili.com/video/BV1F4411y7BA"]
    assert (video.title, video.kind, video.headings) == (
        "吴恩达深度学习课程第五课 — B 站视频",
        "video",
        ("自然语言处理组(NLP)", "第一阶段：基础"),
    )
    assert urls["https://zh.d2l.ai/"].title == "《动手学深度学习》 — 网站"
    assert "https://space.bilibili.com/1567748478" in urls  # the '。' is not part of the URL


def test_arxiv_ids_in_text_become_papers_with_the_canonical_abs_url():
    doc = parse("""
        # Papers
        - Attention paper: arXiv:1706.03762v5
        - DONE arXiv:2203.02155 InstructGPT
        - [Attention Is All You Need](https://arxiv.org/pdf/1706.03762v7.pdf)
        - Llama: https://arxiv.org/abs/2302.13971v1
        """)
    got = [(m.url, m.title, m.kind, m.done, m.line) for m in doc.mentions]
    assert got == [
        ("https://arxiv.org/abs/1706.03762", "Attention paper", "paper", False, 2),
        ("https://arxiv.org/abs/2203.02155", "InstructGPT", "paper", True, 3),
        ("https://arxiv.org/abs/1706.03762", "Attention Is All You Need", "paper", False, 4),
        ("https://arxiv.org/abs/2302.13971", "Llama", "paper", False, 5),
    ]


def test_every_mention_is_well_formed():
    doc = parse("""
        # 混合 Mixed
        - [材料](https://example.org/a) [](https://example.org/empty) [2023](https://example.org/2023)
        - https://example.org/bare
        ## 书
        - Ian Goodfellow, Yoshua Bengio and Aaron Courville. Deep Learning
        """)
    assert doc.mentions
    for m in doc.mentions:
        assert m.title.strip() and m.title.strip().casefold() not in {"材料", "2023", "github", "website", ""}
        assert m.kind in KINDS and m.line >= 1 and len(m.context) <= 301


def test_many_links_on_one_line_parse_in_linear_time():
    # One paragraph holding thousands of links (or bare URLs) used to cost quadratic time: minutes for 4k links.
    line = " ".join(f"[r{i}](https://e.org/{i}) https://f.org/{i} arXiv:2301.{i:05d}" for i in range(3000))
    started = time.perf_counter()
    doc = parse_markdown(line, "one-line.md")
    assert time.perf_counter() - started < 20
    assert len(doc.mentions) == 9000 and {m.line for m in doc.mentions} == {1}


# ---- deep nesting: a limit real roadmaps never reach, and past it an error, never a silent cut ----------


def twelve_levels() -> str:
    nested = "".join("  " * i + f"- level {i}: [Lesson {i}](https://example.org/lesson/{i})\n" for i in range(12))
    return (
        "# Roadmap\n- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n"
        + nested
        + "\n## Transformer\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
    )


def test_a_twelve_level_list_and_the_section_after_it_are_read_whole():
    doc = parse_markdown(twelve_levels(), "deep.md")
    urls = [m.url for m in doc.mentions]
    assert urls[1:13] == [f"https://example.org/lesson/{i}" for i in range(12)]
    assert urls[-1] == "https://arxiv.org/abs/1706.03762"
    assert doc.mentions[-1].headings == ("Roadmap", "Transformer")
    assert doc.errors == []


def test_nesting_past_the_limit_is_an_error_naming_its_line_and_loses_nothing_around_it():
    for deep in ("- " * 5000, ">" * 5000 + " ", "> " * 5000):
        text = (
            "- [Before](https://example.org/before)\n\n"
            f"{deep}[Deep link](https://example.org/deep)\n\n"
            "## After\n- [After](https://example.org/after)\n"
        )
        started = time.perf_counter()
        doc = parse_markdown(text, "deep.md")
        assert time.perf_counter() - started < 10
        assert [m.url for m in doc.mentions] == [
            "https://example.org/before",
            "https://example.org/deep",  # read as plain text, still a link
            "https://example.org/after",
        ]
        assert doc.mentions[-1].headings == ("After",)
        (error,) = doc.errors
        assert (error.file, error.line) == ("deep.md", 3) and "nested deeper" in error.message


def test_deep_lines_are_reported_as_one_error_per_run():
    lines = ["  " * i + f"- [Item {i}](https://example.org/{i})" for i in range(40)]
    doc = parse_markdown("\n".join(lines) + "\n\nAfter: [End](https://example.org/end)\n", "deep.md")
    assert len(doc.mentions) == 41
    (error,) = doc.errors
    assert error.line == 33 and error.message.startswith("lines 33-40:")
