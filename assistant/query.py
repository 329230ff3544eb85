"""Query understanding: which topics a question names, which kind of resource it wants, which language.

Rules only (no model): topic mentions come from the catalogue matcher, kind hints from a short bilingual
word list. Everything downstream (routing, retrieval boosts, answer language) reads this one object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studygraph.graph.resolve import Resolver

# Ordered: the first hint that matches wins. "论文精读" is a video series (Mu Li's paper readings), so it
# has to be checked before the bare "论文" → paper rule.
KIND_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"精读|精讲|视频|b\s?站|bilibili|youtube|\bvideos?\b|\blectures?\b|\btalks?\b", re.I), "video"),
    (re.compile(r"论文|\bpapers?\b|\barxiv\b", re.I), "paper"),
    (re.compile(r"数据集|\bdatasets?\b|\bdata\s?sets?\b", re.I), "dataset"),
    (re.compile(r"课程|网课|\bcourses?\b|\bclass(es)?\b|\bmooc\b", re.I), "course"),
    (
        re.compile(r"代码|源码|实现|\bcode\b|\bgithub\b|\brepo(sitory)?\b|\bimplementation\b|\bnotebooks?\b", re.I),
        "code",
    ),
    (re.compile(r"课本|教材|书|\bbooks?\b|\btextbooks?\b", re.I), "book"),
    (re.compile(r"博客|文章|\bblogs?\b|\barticles?\b|\bposts?\b|\btutorials?\b", re.I), "article"),
]

_CJK = re.compile(r"[\u3400-\u9fff]")


def language(text: str) -> str:
    """'zh' when the text has any CJK character: a mixed "RLHF 的前置知识" is a Chinese question."""
    return "zh" if _CJK.search(text) else "en"


def kind_hint(text: str) -> str | None:
    for pattern, kind in KIND_HINTS:
        if pattern.search(text):
            return kind
    return None


@dataclass
class Query:
    text: str
    lang: str
    topics: list[str] = field(default_factory=list)  # topic ids in order of mention
    kind: str | None = None


def understand(text: str, resolver: Resolver | None) -> Query:
    topics = resolver.mentions(text) if resolver else []
    # "InstructGPT paper" mentions InstructGPT; the matcher prefers the longest alias, but a shorter
    # alias inside another mention (e.g. "gpt" inside "instructgpt") never fires, so order is enough.
    return Query(text=text, lang=language(text), topics=topics, kind=kind_hint(text))
