"""Human titles for links whose text says nothing ("材料", "Github", "2023") and for URL-less books.

Roadmaps name a course once and then hang several bare-word links off it:
"CS224U Natural Language Understanding，[材料](..)，[代码](..)". The library must show
"CS224U Natural Language Understanding — 代码", never "代码", so the title comes from the words
around the link, then the parent bullet, then the heading, then the URL itself.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

MAX_TITLE = 120
DASH = " — "

_GENERIC_WORDS = {
    "材料",
    "资料",
    "网站",
    "网页",
    "官网",
    "官方网站",
    "主页",
    "代码",
    "源码",
    "代码参考",
    "参考代码",
    "参考",
    "github",
    "gitlab",
    "b站",
    "b站视频",
    "视频",
    "youtube",
    "youtube视频",
    "bilibili",
    "coursera",
    "飞书",
    "file",
    "files",
    "link",
    "links",
    "here",
    "clickhere",
    "点击",
    "点这里",
    "这里",
    "链接",
    "地址",
    "传送门",
    "原文",
    "website",
    "webpage",
    "web",
    "site",
    "homepage",
    "slides",
    "slide",
    "ppt",
    "pptx",
    "pdf",
    "中文论文列表",
    "英文论文列表",
    "论文列表",
    "论文",
    "paper",
    "code",
    "repo",
    "docs",
    "doc",
    "文档",
    "blog",
    "博客",
    "video",
    "videos",
    "course",
    "课程",
    "notebook",
    "项目",
    "讲义",
    "笔记",
    "notes",
    "lecture",
    "download",
    "下载",
    "demo",
    "readmore",
    "more",
    "知乎",
    "arxiv",
    "english",
    "chinese",
    "中文",
    "英文",
    "source",
    "online",
    "在线",
    "playlist",
    "课件",
    "答案",
    "解答",
}
# Words that name nothing as a link's text ("[Article](..)", "[Open in Colab](..)") though a heading made of
# them is a section's name ("## Colab"): only link texts are judged by them, so headings keep their meaning.
_LABEL_WORDS = {
    "article",
    "articles",
    "文章",
    "papers",
    "notebooks",
    "colab",
    "openincolab",
    "kaggle",
    "watch",
    "read",
    "view",
    "pdf版",
    "录播",
    "回放",
}
_BUTTON_WORDS_RE = re.compile(r"\b(?:read|open|watch|view|see|click|go\s+to|the|a|an|in|on|full|this)\b", re.I)
_TERM_RE = re.compile(
    r"^\[?(?:(?:spring|fall|autumn|winter|summer|sp|fa|wi|su)\s*)?'?\d{2,4}(?:\s*(?:年|春|秋|冬|夏|版|年版|edition))?\]?$"
    r"|^(?:v|ver\.?|version|part|pt\.?|第)\s*\d+(?:\.\d+)*\s*(?:部分|集|讲|课)?$|^\W*$|^\d+$",
    re.IGNORECASE,
)
# Punctuation that may trail or lead a title fragment cut out of a sentence.
_EDGE = " \t\u3000,.;:!?|/\\-–—·•*_~>，。、；：！？…"
_CONNECTOR_RE = re.compile(
    r"^(?:(?:and|or|see|also|with)(?:\s+|$)|&\s*|(?:和|与|及|以及|或|或者|还有|另外|参见|详见)\s*)", re.IGNORECASE
)
_HOST_NOTE_RE = re.compile(r"\s*[(（]\s*(?:[\w-]+\.)+[a-z]{2,}\s*[)）]\s*$", re.IGNORECASE)
_OPEN, _CLOSE = "([（【《「『“", ")]）】》」』”"


def collapse(text: str) -> str:
    return " ".join(text.split())


def _strip_dangling(text: str) -> str:
    # Cut-out fragments keep half of a bracket pair: "from scratch （" or "） and Part 2".
    changed = True
    while changed and text:
        changed = False
        t = text.strip(_EDGE)
        if t and t[-1] in _OPEN:
            t, changed = t[:-1], True
        if t and t[0] in _CLOSE:
            t, changed = t[1:], True
        if t and t[-1] in _CLOSE and sum(t.count(c) for c in _OPEN) < sum(t.count(c) for c in _CLOSE):
            t, changed = t[:-1], True
        if t and t[0] in _OPEN and sum(t.count(c) for c in _OPEN) > sum(t.count(c) for c in _CLOSE):
            t, changed = t[1:], True
        changed = changed or t != text
        text = t
    return text


def tidy(text: str) -> str:
    """Collapse spaces, drop a '(github.com)' note and dangling punctuation at both ends."""
    text = collapse(text or "")
    text = _HOST_NOTE_RE.sub("", text)
    return _strip_dangling(text)


def is_generic(text: str) -> bool:
    """True for link texts that name no resource: '材料', 'Github', 'B 站视频', '2023', 'Spring 2024', ''."""
    t = tidy(text)
    key = re.sub(r"\s+", "", t).casefold()
    return not key or key in _GENERIC_WORDS or bool(_TERM_RE.match(t)) or looks_like_url(t)


def is_label(text: str) -> bool:
    """True for a link text that only says what to do or what kind of thing is behind it: everything
    is_generic covers, and 'Article', 'Open in Colab', 'Read the paper', 'Watch on YouTube'."""
    if is_generic(text):
        return True
    t = tidy(text)
    key = re.sub(r"\s+", "", t).casefold()
    bare = re.sub(r"\s+", "", _BUTTON_WORDS_RE.sub(" ", t)).casefold()
    return key in _LABEL_WORDS or (bare != key and (bare in _GENERIC_WORDS or bare in _LABEL_WORDS))


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?://|www\.)\S+$", text.strip(), re.IGNORECASE))


def meaningful(text: str) -> bool:
    """Enough words to name something: two CJK characters or three Latin letters, and not generic."""
    t = _CONNECTOR_RE.sub("", tidy(text))
    letters = len(re.findall(r"[A-Za-z]", t))
    cjk = len(re.findall(r"[\u3400-\u9fff\uac00-\ud7af\u3040-\u30ff]", t))
    return (letters >= 3 or cjk >= 2 or (letters >= 2 and cjk >= 1)) and not is_generic(t)


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    """Keep titles readable: cut a long sentence at its first clause, then at a word boundary."""
    text = tidy(text)
    if len(text) <= limit:
        return text
    for m in re.finditer(r"[，,；;。]", text):
        if 10 <= m.start() <= limit:
            return tidy(text[: m.start()])
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return tidy(cut) + "…"


def fragment(text: str) -> str:
    """A title candidate cut from the words around a link."""
    return shorten(_CONNECTOR_RE.sub("", tidy(text)), 100)


def url_title(url: str) -> str:
    """A readable name from the URL alone: 'FudanNLP/nlp-beginner (GitHub)', 'nlp.seas.harvard.edu — attention'."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return shorten(url)
    host = (parts.hostname or "").removeprefix("www.")
    segs = [unquote(s) for s in parts.path.split("/") if s]
    if host in {"github.com", "gitlab.com", "huggingface.co"} and len(segs) >= 2:
        label = {"github.com": "GitHub", "gitlab.com": "GitLab", "huggingface.co": "Hugging Face"}[host]
        rest = segs[4:] if len(segs) > 4 and segs[2] in {"tree", "blob"} else []
        name = f"{segs[0]}/{segs[1]}" + (DASH + "/".join(rest) if rest else "")
        return shorten(f"{name} ({label})")
    if host == "arxiv.org" and len(segs) >= 2:
        return f"arXiv {segs[-1]}"
    if host == "youtube.com" and parts.path == "/watch":
        vid = re.search(r"(?:^|&)v=([^&]+)", parts.query)
        return f"YouTube video {vid.group(1)}" if vid else "YouTube video"
    if not segs:
        return host or shorten(url)
    words = []
    for seg in reversed(segs):
        seg = re.sub(r"\.(html?|php|aspx?|md|ipynb)$", "", seg, flags=re.IGNORECASE)
        words.insert(0, collapse(re.sub(r"[-_+]+", " ", seg)))
        if re.search(r"[^\W\d]{3,}", seg) or len(words) >= 3:  # an id like '7' or '518' needs its parent folder
            break
    return shorten(f"{host}{DASH}{' '.join(words)}")


def names_itself(link_text: str, bare: bool = False) -> bool:
    """The link's own text is a title ("The Illustrated Transformer"), not 材料, a URL or nothing."""
    text = tidy(link_text)
    return not bare and bool(text) and not looks_like_url(text) and not is_label(text)


def link_title(
    link_text: str,
    url: str,
    *,
    candidates: list[str],
    bare: bool = False,
) -> str:
    """Title of one link: its own text when meaningful, else '<first meaningful candidate> — <link text>'.

    `candidates` are the fallbacks in order of closeness: the words before the link on its line, the item's
    text before its first link, the whole short line, the parent item, the heading.
    """
    text = tidy(link_text)
    if names_itself(link_text, bare):
        return shorten(text)
    label = "" if bare or looks_like_url(text) else text
    for cand in candidates:
        frag = fragment(cand)
        if meaningful(frag):
            if label and label.casefold() not in frag.casefold():
                return shorten(frag + DASH + label) if len(frag) + len(label) + 3 <= MAX_TITLE else frag
            return frag
        if bare:  # a bare URL on its own line is better named by its path than by a heading
            break
    return url_title(url)


# ---- books ---------------------------------------------------------------------------------------------

_NAME = r"(?:[A-Z][\w'’.-]*|von|van|der|den|de|la|le|di|da|del|du|bin)"
_AUTHOR = rf"{_NAME}(?:\s+{_NAME}){{0,3}}"
_AUTHORS_RE = re.compile(rf"^{_AUTHOR}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_AUTHOR})*(?:,?\s+et\s+al\.?)?$")
NOISE_RE = re.compile(r"\[(?:pptx?|pdf|slides?|video|code|html|docx?|keynote)\]", re.IGNORECASE)
_CHAPTER_RE = re.compile(
    r"^(?:(?:ch(?:apter)?|lecture|lec|week|unit|module|lesson)\.?\s*(?P<a>\d{1,3})\b\s*[:：.、-]?\s*(?P<na>.*)"
    r"|(?P<b>\d{1,3})\s*[:：]\s*(?P<nb>.*)"
    r"|第\s*(?P<c>[0-9一二三四五六七八九十百]+)\s*[章课讲周节]\s*[:：]?\s*(?P<nc>.*))$",
    re.IGNORECASE | re.DOTALL,
)


def _surname_ok(authors: str) -> bool:
    # "Michael A" is not a complete author list: the dot after an initial is not the end of the names.
    words = authors.split()
    return bool(words) and (len(words[-1].rstrip(".")) >= 2 or authors.endswith("et al"))


def book_title(text: str) -> str | None:
    """'Author(s). Title', 'Author, Title' or '《书名》' -> the title as written; None when it is no book."""
    text = collapse(text)[:400]  # authors and title sit at the start; bounded work on huge lines
    cjk = re.search(r"《([^》]{2,80})》", text)
    if cjk:
        return cjk.group(1).strip()
    for m in re.finditer(r"\.\s+(?=\S)", text):  # 'Michael A. Nielsen. Neural ...': skip the initial's dot
        authors = text[: m.start()]
        if _AUTHORS_RE.match(authors) and _surname_ok(authors):
            return _clean_book(text[m.end() :])
    authors, sep, rest = text.partition(", ")
    if sep and _AUTHORS_RE.match(authors) and len(authors.split()) >= 2 and re.match(r"[A-Z0-9\u3400-\u9fff]", rest):
        return _clean_book(rest)
    return None


def _clean_book(title: str) -> str | None:
    title = re.sub(r"\s*[(（][^()（）]*[)）]$", "", tidy(title))  # '(requires Stanford login)', '(3rd ed.)'
    title = tidy(title)
    return title if len(title) >= 3 and meaningful(title) else None


def chapter(text: str, number: int | None = None) -> tuple[str, str] | None:
    """'3: N-gram Language Models', 'Chapter 01 Bigram ...' -> ('3', 'N-gram Language Models')."""
    text = collapse(NOISE_RE.sub(" ", text))
    m = _CHAPTER_RE.match(text)
    if m:
        num = m.group("a") or m.group("b") or m.group("c")
        name = m.group("na") if m.group("a") else m.group("nb") if m.group("b") else m.group("nc")
        if num.isdigit():
            num = num.lstrip("0") or "0"
    elif number is not None:
        num, name = str(number), text
    else:
        return None
    name = tidy(name)
    return (num, name) if name and meaningful(name) else None
