"""Fuzzing the roadmap parser: whatever markdown a user has, parsing never crashes and never invents.

Properties checked on every generated document:
- `parse_markdown` returns (it never raises) and reports no internal failure ("markdown parse failed" would
  mean a bug was swallowed by its safety net);
- every mention has a source: the document's path and a line that exists in the text; a URL mention's URL
  is a normalised http(s) URL that occurs in the text (nothing is invented), a URL-less one is a book;
- every title is non-empty, every kind is known; questions and syllabus items point at existing lines;
- tables (markdown and raw HTML, ragged rows, badges, covers, durations) obey the same; no badge picture
  becomes a resource.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studygraph.ingest.markdown import parse_markdown
from studygraph.ingest.urls import INVISIBLE_RE, normalize_url
from studygraph.models import KINDS

PATH = "fuzz/roadmap.md"

WORDS = st.sampled_from(
    [
        "Transformer",
        "注意力机制",
        "材料",
        "代码",
        "Github",
        "Website",
        "B 站视频",
        "2023",
        "DONE",
        "[x]",
        "[ ]",
        "面经",
        "为什么",
        "？",
        "第3章",
        "Chapter 01",
        "3:",
        "arXiv:1706.03762v5",
        "arxiv 2303.13648",
        "《书名》",
        "Daniel Jurafsky and James H. Martin.",
        "Speech and Language Processing",
        "مرحبا",
        "שלום",
        "\u202eevil\u202c",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\x00",
        "\t",
        "  ",
        "*",
        "_",
        "`",
        "~~~",
        "|",
        "<",
        ">",
        "&amp;",
        "\\",
        "!",
        "（",
        "）",
        "😀",
        "\u0301",
        "\r",
        "\u2028",
        "e\u0301",
    ]
)
URLS = st.sampled_from(
    [
        "https://example.org/a",
        "https://youtu.be/abc?si=1",
        "https://www.bilibili.com/video/BV1?vd_source=x",
        "https://arxiv.org/pdf/1706.03762v5",
        "http://EXAMPLE.com/Path/",
        "https://en.wikipedia.org/wiki/A_(b)",
        "https://例子.测试/路径",
        "https://[::1]:80/x",
        "https://x.org:99999/",
        "https://",
        "http://a",
        "mailto:a@b",
        "javascript:alert(1)",
        "../relative.md",
        "#anchor",
        "https://a.org/" + "x" * 300,
        "https://a.org/?q=<b>",
    ]
)


@st.composite
def inline_piece(draw):
    kind = draw(st.integers(0, 9))
    word = draw(WORDS)
    url = draw(URLS)
    if kind == 0:
        return f"[{word}]({url})"
    if kind == 1:
        return f"<{url}>"
    if kind == 2:
        return f" {url} "
    if kind == 3:  # broken and unbalanced link syntax
        return draw(
            st.sampled_from(
                [
                    f"[{word}](",
                    f"[{word}]",
                    f"]({url})",
                    "[[",
                    "]]",
                    f"[{word}]({url}",
                    f"(({url}",
                    f"[{word}][ref]",
                    f"[ref]: {url}",
                    f"DONE[{word}]({url})",
                    f"![{word}]({url})",
                ]
            )
        )
    if kind == 4:
        return draw(st.text(max_size=20))
    if kind == 5:
        return f'<a href="{url}">{word}</a>'
    return word


@st.composite
def line(draw):
    indent = draw(st.sampled_from(["", "", "  ", "    ", "\t", "        ", "   "]))
    marker = draw(
        st.sampled_from(
            [
                "",
                "",
                "- ",
                "* ",
                "+ ",
                "1. ",
                "2) ",
                "10. ",
                "# ",
                "## ",
                "### ",
                "> ",
                "- [x] ",
                "- [ ] ",
                "| ",
                "```",
                "---",
                "***",
                "<div>",
                "    - ",
            ]
        )
    )
    pieces = draw(st.lists(inline_piece(), max_size=6))
    text = " ".join(pieces)
    if draw(st.integers(0, 30)) == 0:  # now and then a huge line
        text = text * draw(st.integers(50, 400))
    return indent + marker + text


CELL_EXTRAS = st.sampled_from(
    [
        "1:12:16",
        "45:01",
        "25 min",
        "1h 20m",
        "30分钟",
        "11/14/22",
        "2023-01-05",
        "12,345",
        "Article",
        "Open in Colab",
        "精读",
        "<br />",
        "<br>",
        '<img src="imgs/cover.jpg" width="200px"/>',
        "![封面](imgs/cover.jpg)",
        "[![bilibili](https://img.shields.io/badge/views-1k-blue)](https://www.bilibili.com/video/BV1x)",
        "[![](https://img.shields.io/youtube/views/abc)](https://youtu.be/abc)",
        '<a href="https://colab.example/x"><img src="colab.svg" alt="Open In Colab"></a>',
        '<a href="https://a.org/unclosed"><img alt="x">',
        "</a>",
        "\\|",
        "",
    ]
)
HEADERS = st.sampled_from(
    ["Notebook", "Description", "Article", "标题", "日期", "时长", "视频（播放数）", "封面", "Paper", "Code", "", "名称"]
)  # fmt: skip


@st.composite
def table_cell(draw):
    parts = draw(st.lists(st.one_of(inline_piece(), CELL_EXTRAS), max_size=4))
    return " ".join(parts).replace("\n", " ").replace("|", "\\|")


@st.composite
def markdown_table(draw):
    width = draw(st.integers(1, 6))
    head = [draw(HEADERS) for _ in range(width)]
    sep = [draw(st.sampled_from(["---", ":--", "--:", ":-:", "-"])) for _ in range(width)]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = [draw(table_cell()) for _ in range(draw(st.integers(0, width + 2)))]  # ragged rows too
        rows.append("| " + " | ".join(cells) + " |")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(sep) + "|", *rows]
    if draw(st.booleans()):  # the same row as a raw HTML table
        cells = "".join(f"<td>{draw(table_cell())}</td>" for _ in range(width))
        lines += ["", "<table>", "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>", f"<tr>{cells}</tr>", ""]
        lines += [draw(st.sampled_from(["</table>", "<tr><td>unclosed", "</td></tr></table>", "<details>"]))]
    return "\n".join(lines)


@st.composite
def markdown_doc(draw):
    lines = draw(st.lists(line(), max_size=25))
    if draw(st.booleans()):
        front = draw(
            st.sampled_from(
                ["title: T", "title: [unclosed", "a: b\n  c: d", ":", "- x", "title: 材料\nurl: https://fm.org"]
            )
        )
        lines = ["---", *front.split("\n"), "---", *lines]
    return draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(lines)


def line_count(text: str) -> int:
    # markdown-it counts \r\n, \r and \n as line ends (and nothing else); INVISIBLE_RE removes no line ends.
    return len(re.split(r"\r\n|\r|\n", text))


def check_doc(text: str) -> None:
    doc = parse_markdown(text, PATH)
    assert doc.path == PATH
    assert not [e for e in doc.errors if "parse failed" in e.message], doc.errors
    n = line_count(text)
    flat = INVISIBLE_RE.sub("", text).replace("\x00", "\ufffd")
    for m in doc.mentions:
        assert 1 <= m.line <= n, (m, n)
        assert m.title and m.title.strip(), m
        assert m.kind in KINDS, m
        assert len(m.context) <= 301
        if m.url is None:
            assert m.kind == "book", m
        else:
            assert re.match(r"^https?://", m.url), m
            assert normalize_url(m.url) == m.url, m  # stored in normalised form (idempotent)
            # Nothing invented: the link (or the arXiv id it came from) is in the text.
            assert m.raw_url and (m.raw_url in flat or m.raw_url.rsplit("/", 1)[-1] in flat), m
            assert "shields.io" not in m.url, m
    for q in doc.questions:
        assert 1 <= q.line <= n and q.text.strip() and q.kind in ("interview", "exercise"), q
    for syllabus in doc.syllabi:
        assert [s.position for s in syllabus] == list(range(1, len(syllabus) + 1))
        assert all(1 <= s.line <= n for s in syllabus)
    for _heading, ln in doc.sections:
        assert 1 <= ln <= n


# SG_FUZZ_EXAMPLES=5000 for a deeper run; the default keeps `make test` quick.
FUZZ = settings(
    max_examples=int(os.environ.get("SG_FUZZ_EXAMPLES", "150")),
    database=None,  # no .hypothesis/ folder in the checkout
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(markdown_doc())
def test_structured_markdown_never_crashes_and_never_invents(text):
    check_doc(text)


@FUZZ
@given(st.lists(st.one_of(markdown_table(), line()), min_size=1, max_size=6))
def test_tables_and_html_tables_never_crash_and_never_invent(blocks):
    check_doc("\n\n".join(blocks))


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_crashes(text):
    check_doc(text)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "- ",
                "  ",
                "* ",
                "1. ",
                "[",
                "]",
                "(",
                ")",
                "<",
                ">",
                "https://a.org/x",
                "\n",
                "材料",
                "DONE",
                "`",
                "#",
                "|",
                "\t",
                "\x00",
                "\u200b",
                "\u202e",
            ]
        ),
        max_size=200,
    )
)
def test_bracket_and_nesting_soup_never_crashes(pieces):
    check_doc("".join(pieces))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00" * 1000,
        "\ufeff# BOM heading\n- [A](https://a.org)",
        "- " * 5000,  # deeply nested empty list markers
        "".join("  " * i + "- [item](https://a.org/" + str(i) + ")\n" for i in range(300)),  # 300 levels of nesting
        "> " * 500 + "[quote](https://a.org/q)",
        "[" * 20000 + "x" + "]" * 20000,
        "(" * 20000 + "https://a.org/" + ")" * 20000,
        "https://a.org/" + "a" * 200_000,  # one enormous URL
        "# " + "标题" * 50_000,  # one enormous heading
        "\t" * 5 + "    - [deep code](https://a.org/c)\n" * 50,
        "---\n" + "a: " * 1000 + "\n---\n",
    ],
)
def test_pathological_inputs(text):
    started = time.perf_counter()
    check_doc(text)
    assert time.perf_counter() - started < 30
