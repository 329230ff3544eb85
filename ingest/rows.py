"""What a table row says about its links: which cell names them, what kind each is, how long it takes.

Many roadmaps are tables, not lists: a course table with a column per material, a paper-reading table
with date, title, cover, duration and video columns. A row is one resource line, so a link whose own text
says nothing ("Article", a Colab badge, a bilibili view counter) is named after the row's title cell, and
the column and the badge say what kind of material it is. Pure functions of cell texts, so markdown tables
and HTML `<table>`s share them (see markdown.py).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from studygraph.ingest import titles as T

# Column headers that name the row's subject (checked before any other cell).
_TITLE_HEAD_RE = re.compile(
    r"^(?:title|name|paper|papers|notebook|notebooks|course|courses|lecture|topic|subject|model|project"
    r"|标题|名称|名字|论文|论文名|课程|课程名|题目|主题|内容|模型|项目)s?$",
    re.IGNORECASE,
)
# Header words -> kind; the first match wins, so "视频（播放数）" is video.
_HEAD_KINDS = (
    (re.compile(r"视频|video|lecture video|youtube|bilibili|b站|recording", re.I), "video"),
    (re.compile(r"colab|notebook|代码|\bcode\b|源码|github|repo|implementation|实现", re.I), "code"),
    (re.compile(r"论文|\bpapers?\b|pdf|arxiv", re.I), "paper"),
    (re.compile(r"article|blog|post|文章|博客|笔记|notes?\b|解读|tutorial|教程", re.I), "article"),
    (re.compile(r"课程|\bcourses?\b|slides|课件|讲义", re.I), "course"),
    (re.compile(r"数据集|dataset", re.I), "dataset"),
)
_DURATION_HEAD_RE = re.compile(r"时长|duration|length|\btime\b|用时|时间", re.IGNORECASE)

# Hosts whose name tells two links of one row apart better than the badge text.
_HOST_LABELS = (
    ("bilibili.com", "bilibili", "video"),
    ("b23.tv", "bilibili", "video"),
    ("youtube.com", "YouTube", "video"),
    ("youtu.be", "YouTube", "video"),
    ("colab.research.google.com", "Colab", "code"),
    ("github.com", "GitHub", "code"),
    ("kaggle.com", "Kaggle", "code"),
    ("huggingface.co", "Hugging Face", None),
    ("arxiv.org", "arXiv", "paper"),
    ("zhihu.com", "知乎", "article"),
    ("semanticscholar.org", "Semantic Scholar", "paper"),
    ("openreview.net", "OpenReview", "paper"),
    ("paperswithcode.com", "Papers with Code", None),
)
# Badge alt texts and image hosts: a badge is a picture of a button, never a resource or a title.
_BADGE_WORDS = (
    (re.compile(r"bilibili|b站", re.I), "bilibili", "video"),
    (re.compile(r"youtube", re.I), "YouTube", "video"),
    (re.compile(r"colab", re.I), "Colab", "code"),
    (re.compile(r"kaggle", re.I), "Kaggle", "code"),
    (re.compile(r"github", re.I), "GitHub", "code"),
    (re.compile(r"notebook|jupyter|nbviewer", re.I), "Notebook", "code"),
    (re.compile(r"arxiv|paper|论文", re.I), "Paper", "paper"),
    (re.compile(r"video|视频", re.I), "Video", "video"),
)
BADGE_HOSTS = ("shields.io", "badgen.net", "badge.fury.io", "forthebadge.com")

_DATE_RE = re.compile(
    r"^(?:\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4})$",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"^[#№]?\s*[\d,.\s]+\s*(?:[kKmMwW万亿]|次|人|views?|stars?|⭐)?$")
_CLOCK_RE = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")
_UNIT_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|小时|时|minutes?|mins?|m|分钟|分|seconds?|secs?|s|秒)(?![a-z])",
    re.IGNORECASE,
)
_UNITS_ONLY_RE = re.compile(
    r"^(?:\s*(?:about|approx\.?|约|大约|~)?\s*\d+(?:\.\d+)?\s*(?:hours?|hrs?|h|小时|时|minutes?|mins?|m|分钟|分|seconds?|secs?|s|秒)\s*)+$",
    re.IGNORECASE,
)


def duration_minutes(text: str) -> float | None:
    """'1:12:16' -> 72.3, '45:01' -> 45.0, '25 min', '1h 20m', '30分钟', '1小时20分' -> minutes; else None."""
    t = T.collapse(text).strip()
    if not t or len(t) > 40:
        return None
    m = _CLOCK_RE.match(t)
    if m:
        hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
        if seconds >= 60 or (m.group(1) and minutes >= 60):
            return None
        return round(hours * 60 + minutes + seconds / 60, 1) or None
    if not _UNITS_ONLY_RE.match(t):
        return None
    total = 0.0
    for value, unit in _UNIT_RE.findall(t):
        u = unit.lower()
        scale = 60 if u[0] == "h" or u in ("小时", "时") else 1 / 60 if u[0] == "s" or u == "秒" else 1
        total += float(value) * scale
    return round(total, 1) or None


def is_filler(text: str) -> bool:
    """A date, a number (a count of views, a row number) or a duration: never the row's name."""
    t = T.collapse(text).strip()
    if len(t) > 40:
        return False
    return bool(_DATE_RE.match(t) or _NUMBER_RE.match(t)) or duration_minutes(t) is not None


def says_something(text: str) -> bool:
    """A cell with words of its own, not only a link label ('Article', '视频', 'Open in Colab')."""
    return T.meaningful(text) and not T.is_label(text)


def row_name(text: str) -> str:
    """A title cell as a name: the emoji or check marks decorating it ('🧐 LLM AutoEval', '✅') left out."""
    chars = list(T.collapse(text))
    while chars and (unicodedata.category(chars[0]) in ("So", "Sk", "Mn", "Cf") or chars[0].isspace()):
        chars.pop(0)
    while chars and (unicodedata.category(chars[-1]) in ("So", "Sk", "Mn", "Cf") or chars[-1].isspace()):
        chars.pop()
    return T.shorten("".join(chars))


def title_cell(texts: list[str], headers: list[str]) -> int | None:
    """Index of the cell that names the row: a Title/Name/标题 column first, else the first cell whose text
    (images left out) says something and is no date, number or duration."""
    usable = [says_something(t) and not is_filler(t) for t in texts]
    for i, head in enumerate(headers[: len(texts)]):
        if usable[i] and _TITLE_HEAD_RE.match(T.collapse(head)):
            return i
    return next((i for i, ok in enumerate(usable) if ok), None)


def column_kind(header: str) -> str | None:
    for pattern, kind in _HEAD_KINDS:
        if pattern.search(header or ""):
            return kind
    return None


def row_minutes(texts: list[str], headers: list[str]) -> float | None:
    """The row's length: the cell under a 时长/Duration/Time header first, else any cell that is a duration."""
    timed = [t for t, h in zip(texts, headers) if _DURATION_HEAD_RE.search(h or "")]
    for text in timed + texts:
        minutes = duration_minutes(text)
        if minutes:
            return minutes
    return None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.").lower()
    except ValueError:
        return ""


def host_label(url: str) -> tuple[str, str | None] | None:
    host = _host(url)
    for domain, label, kind in _HOST_LABELS:
        if host == domain or host.endswith("." + domain):
            return label, kind
    return None


def badge(alts: list[str], srcs: list[str]) -> tuple[str, str | None] | None:
    """(label, kind) a badge image says ('Open In Colab' -> Colab, code), from its alt text or image URL."""
    said = " ".join(alts + [src.split("?", 1)[0] for src in srcs])  # a badge's query is its data, not its label
    for pattern, label, kind in _BADGE_WORDS:
        if pattern.search(said):
            return label, kind
    return None


def is_badge_url(url: str) -> bool:
    """A link to a badge picture itself is never a resource."""
    host = _host(url)
    if host == "colab.research.google.com":
        return urlsplit(url).path.startswith("/assets/")
    return any(host == b or host.endswith("." + b) for b in BADGE_HOSTS)


def link_label(text: str, alts: list[str], srcs: list[str], header: str, url: str) -> str:
    """What tells one link of a row from the others: its own word ('Article'), else its host ('bilibili',
    'YouTube'), else what its badge says ('Colab'), else its column ('Notebook'), else the host name."""
    own = T.tidy(text)
    if own and not alts and not T.looks_like_url(own):
        return own
    known = host_label(url)
    if known:
        return known[0]
    said = badge(alts, srcs)
    if said:
        return said[0]
    head = T.tidy(header)
    if head and len(head) <= 30:
        return head
    return _host(url) or "link"


def link_kind(url_kind: str, header: str, alts: list[str], srcs: list[str], url: str) -> str | None:
    """The kind a row gives a link the URL alone cannot place ('website'): its column, its badge, its host."""
    if url_kind != "website":
        return url_kind
    kind = column_kind(header)
    if kind:
        return kind
    said = badge(alts, srcs) if alts or srcs else None
    if said and said[1]:
        return said[1]
    known = host_label(url)
    return known[1] if known and known[1] else None
