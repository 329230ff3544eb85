"""URLs as roadmaps write them -> one stable form per resource, an identity key, an id and a kind.

Roadmaps are pasted from phones and share buttons, so the same video arrives as youtu.be/ID, m.youtube.com
and www.youtube.com/watch?v=ID&feature=share. `normalize_url` keeps a clickable display form; `resource_key`
is the identity used for merging. The external checker's `norm_url` must agree with us on every seed URL,
so we never collapse two URLs it keeps apart (e.g. youtube.com/live/ID stays as it is).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from studygraph.models import KINDS  # noqa: F401  (classify_kind returns one of these)

# Zero-width and bidi controls sneak in from rich-text editors and break matching.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# A bare URL ends at whitespace, quotes/angle brackets or CJK punctuation (people write "见https://x，然后").
# ')' and ']' are allowed inside and trimmed afterwards only when unbalanced (Wikipedia titles have parens).
BARE_URL_RE = re.compile(
    r"https?://[^\s<>\"'`\x00-\x1f\x7f\ufffd\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"*_~，。、；：！？…）】》」』”’"

TRACKING_RE = re.compile(
    r"^(utm_\w*|vd_source|share_source|share_from|share_medium|share_plat|share_tag|spm_id_from|from|si|feature"
    r"|bbid|ts|fbclid|gclid|dclid|msclkid|ref_src|ref_url|igshid|mc_cid|mc_eid|unique_k|_hsenc|_hsmi)$",
    re.IGNORECASE,
)

# Mobile hosts whose desktop twin is served from www.; other m./mobile. hosts lose the prefix.
_WWW_SITES = {"youtube.com", "bilibili.com", "zhihu.com", "facebook.com", "reddit.com", "douban.com"}
# Hosts that only serve https, so an http:// link to them is the same page.
_HTTPS_HOSTS = {
    "arxiv.org",
    "github.com",
    "www.youtube.com",
    "www.bilibili.com",
    "www.zhihu.com",
    "zhuanlan.zhihu.com",
    "huggingface.co",
    "twitter.com",
    "x.com",
    "medium.com",
    "openreview.net",
    "aclanthology.org",
    "mp.weixin.qq.com",
    "colab.research.google.com",
}
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_BAD_CHARS_RE = re.compile(r"[\s\x00-\x1f\x7f\ufffd]")

ARXIV_ID_RE = re.compile(
    r"\barxiv\s*[:：/]?\s*(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?\b", re.IGNORECASE
)
_ARXIV_PATH_RE = re.compile(
    r"^/(?:abs|pdf|html|format)/(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)


def strip_trailing(url: str) -> str:
    """Drop punctuation that leaked in after a URL, keeping balanced ')' and ']' (e.g. Wikipedia titles)."""
    # Counts are kept up to date as we cut, so a hostile 'x))))...' costs linear, not quadratic, time.
    opened = {")": url.count("("), "]": url.count("[")}
    closed = {")": url.count(")"), "]": url.count("]")}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING or last in "<>":
            end -= 1
        elif last in closed and opened[last] < closed[last]:
            closed[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """Bare http(s) URLs in free text as (start, end, url), trailing punctuation removed."""
    found = []
    for m in BARE_URL_RE.finditer(text):
        url = strip_trailing(m.group())
        if len(url) > len("https://"):
            found.append((m.start(), m.start() + len(url), url))
    return found


def find_arxiv_spans(text: str) -> list[tuple[int, int, str]]:
    """Every 'arXiv:2303.13648' / 'arxiv 1706.03762v5' as (start, end, canonical abs URL), in order."""
    return [(m.start(), m.end(), f"https://arxiv.org/abs/{m.group('id')}") for m in ARXIV_ID_RE.finditer(text)]


def find_arxiv_ids(text: str) -> list[str]:
    """'arXiv:2303.13648', 'arxiv 1706.03762v5' -> canonical abs URLs, in order, without repeats."""
    return list(dict.fromkeys(url for _, _, url in find_arxiv_spans(text)))


def _clean_query(query: str) -> str:
    # Work on the raw pieces so kept parameters stay byte-identical (no re-encoding of '+' or '%20').
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        key = unquote_plus(piece.split("=", 1)[0]).strip()
        if TRACKING_RE.match(key):
            continue
        kept.append(piece)
    return "&".join(kept)


def _desktop_host(host: str) -> str:
    for prefix in ("m.", "mobile."):
        if host.startswith(prefix) and host.count(".") >= 2:
            bare = _desktop_host(host[len(prefix) :])  # 'm.m.youtube.com' happens when links are re-shared
            return f"www.{bare}" if bare in _WWW_SITES else bare
    if ".m.wikipedia.org" in host:  # en.m.wikipedia.org
        return host.replace(".m.wikipedia.org", ".wikipedia.org")
    return host


def normalize_url(url: str) -> str | None:
    """Display/storage form of an http(s) URL, or None for anything else (relative links, mailto:, junk)."""
    if not isinstance(url, str):
        return None
    s = strip_trailing(INVISIBLE_RE.sub("", url).strip().strip("<>").strip())
    if not re.match(r"^https?://", s, re.IGNORECASE) or _BAD_CHARS_RE.search(s):
        return None  # whitespace, control characters or U+FFFD (a decoding accident) mean a broken URL
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:  # bad port or a broken IPv6 literal
        return None
    if not host:
        return None
    scheme = parts.scheme.lower()
    userinfo = parts.netloc.rpartition("@")[0]
    host = _desktop_host(host.lower())
    path, query, fragment = parts.path, _clean_query(parts.query), parts.fragment

    video = re.match(r"/([\w-]+)/?$", path) if host == "youtu.be" else None
    if video:  # youtu.be/ID -> the watch page (IDs are [A-Za-z0-9_-]; anything else stays as written)
        host, path, query = "www.youtube.com", "/watch", "&".join(p for p in (f"v={video.group(1)}", query) if p)
    if host in {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}:
        host = "arxiv.org"
        m = _ARXIV_PATH_RE.match(path)
        if m:
            path, query, fragment = f"/abs/{m.group('id')}", "", ""
    if host in _HTTPS_HOSTS:
        scheme = "https"

    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    path = path.rstrip("/") or "/"
    # '#/route' and '#!route' are pages of a single-page app; '#section' is only a scroll position.
    if not re.match(r"^[/!]", fragment) or fragment in {"/", "!", "!/"}:
        fragment = ""
    result = urlunsplit((scheme, netloc, path, query, fragment))
    # Dropping a query or fragment can expose punctuation ('x].#frag' -> 'x].'): strip again, so that
    # normalize_url(normalize_url(u)) == normalize_url(u). The URL gets shorter each time, so this ends.
    stripped = strip_trailing(result)
    return result if stripped == result else normalize_url(stripped)


def resource_key(url: str) -> str:
    """Identity of a URL for merging: no scheme, host without www., lowercase host."""
    norm = normalize_url(url) or INVISIBLE_RE.sub("", url or "").strip()
    try:
        parts = urlsplit(norm)
    except ValueError:
        return norm.lower()
    host = parts.netloc.lower().removeprefix("www.")
    key = host + (parts.path if parts.path != "/" else "")
    if parts.query:
        key += "?" + parts.query
    if parts.fragment:
        key += "#" + parts.fragment
    return key


def resource_id(url: str | None, title: str) -> str:
    """'r' + 12 hex for a URL resource, 'b' + 12 hex of the title for URL-less books and chapters."""
    if url:
        return "r" + hashlib.sha1(resource_key(url).encode("utf-8")).hexdigest()[:12]
    name = " ".join(INVISIBLE_RE.sub("", title or "").split()).casefold()
    return "b" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


# ---- kinds -------------------------------------------------------------------------------------------

_VIDEO_HOSTS = ("youtube.com", "youtu.be", "bilibili.com", "b23.tv", "vimeo.com", "ixigua.com")
_PAPER_HOSTS = (
    "arxiv.org",
    "aclanthology.org",
    "aclweb.org",
    "openreview.net",
    "papers.nips.cc",
    "proceedings.neurips.cc",
    "papers.neurips.cc",
    "proceedings.mlr.press",
    "semanticscholar.org",
)
_ARTICLE_HOSTS = (
    "zhuanlan.zhihu.com",
    "zhihu.com",
    "mp.weixin.qq.com",
    "medium.com",
    "substack.com",
    "towardsdatascience.com",
    "jalammar.github.io",
    "lilianweng.github.io",
    "colah.github.io",
    "karpathy.github.io",
    "distill.pub",
    "cnblogs.com",
    "csdn.net",
    "jianshu.com",
    "juejin.cn",
    "leemeng.tw",
    "mikecaptain.com",
    "nlp.seas.harvard.edu",
)
_COURSE_HOSTS = ("coursera.org", "edx.org", "udacity.com", "fullstackdeeplearning.com", "deeplearning.ai/short-courses")
_COURSE_RE = re.compile(
    r"(?<![a-z])(cs|cse|cos|csci|ee|stat|ece)[\s_-]?\d{3}|/class/|/courses?/|/teaching/|/lessons?/"
    r"|/lectures?/|bootcamp|/(sp|fa|wi|su)\d{2,4}\b"
    r"|\b(19|20)\d{2}[-_]?(spring|fall|autumn|winter|summer)\b|\b(spring|fall|autumn|winter|summer)[-_]?(19|20)\d{2}\b"
)
# Books: 'book' as a word of the host or path (deeplearningbook.org, /IR-book/, /book/) but not facebook/notebook.
_BOOK_URL_RE = re.compile(
    r"(?<![a-z])(?:e?books?|textbook)(?![a-z])|^(?:www\.)?deeplearningbook\.org|^d2l\.ai|^zh\.d2l\.ai"
)
_BOOK_TEXT_RE = re.compile(r"(?<![a-z])(?:e?books?|textbooks?)(?![a-z])|书籍|教材|课本|电子书")
# arXiv pages that are one paper; listings, search and author pages are not.
_ARXIV_PAPER_PATH = re.compile(r"^/(?:abs|pdf|html|format)/")
_DOCS_RE = re.compile(r"^docs?\.|readthedocs\.io$|\.readthedocs\.")
_DOCS_PATHS = (
    "pytorch.org/tutorials",
    "pytorch.org/docs",
    "huggingface.co/docs",
    "deepspeed.ai/tutorials",
    "deepspeed.ai/docs",
    "tensorflow.org/tutorials",
    "tensorflow.org/api_docs",
    "python.langchain.com",
)
_ARTICLE_PATH_RE = re.compile(r"/(blog|blogs|posts?|p|articles?|news|the-batch|index)/|/\d{4}/\d{2}/|^blog\.|\.blog$")


def _on(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def classify_kind(url: str | None, text: str = "") -> str:
    """One of KINDS from the URL first (it is the stronger signal), then from the words around the link."""
    text_l = (text or "").lower()
    if not url:
        return "book"
    norm = normalize_url(url)
    if not norm:
        return "website"
    parts = urlsplit(norm)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.lower()
    where = host + path

    if host == "arxiv.org" and not _ARXIV_PAPER_PATH.match(path):
        return "website"  # arxiv.org/list/cs.CL/recent is a feed of papers, not one
    if _on(host, _PAPER_HOSTS) or path.endswith(".pdf"):
        return "paper"
    if _on(host, _VIDEO_HOSTS):
        return "video"
    if where.startswith("web.stanford.edu/~jurafsky/slp3"):
        return "book"
    if host == "huggingface.co":
        first = path.strip("/").split("/")[0] if path.strip("/") else ""
        if first == "datasets" and path.count("/") >= 2:
            return "dataset"
        if first in {"docs", "learn"}:
            return "docs" if first == "docs" else "course"
        if first == "blog":
            return "article"
        if first == "spaces" or (
            first and first not in {"models", "datasets", "spaces", "papers", "pricing"} and path.count("/") >= 2
        ):
            return "code"
        return "website"
    if "kaggle.com" in host and "/datasets" in path or "ai.stanford.edu/~amaas/data" in where:
        return "dataset"
    if host in {"github.com", "gitlab.com", "gitee.com", "bitbucket.org"} and path.count("/") >= 2:
        return "code"
    if host == "colab.research.google.com" or path.endswith(".ipynb"):
        return "code"
    if (
        _on(host, _COURSE_HOSTS)
        or host.startswith("course.")
        or host.startswith("courses.")
        or _COURSE_RE.search(where)
    ):
        return "course"
    if any(where.startswith(p) for p in _DOCS_PATHS) or (_DOCS_RE.search(host) and host != "docs.google.com"):
        return "docs"
    if _BOOK_URL_RE.search(host) or _BOOK_URL_RE.search(path):
        return "book"
    if _on(host, _ARTICLE_HOSTS) or _ARTICLE_PATH_RE.search(path) or _ARTICLE_PATH_RE.search(host):
        return "article"
    if _BOOK_TEXT_RE.search(text_l):
        return "book"
    if re.search(r"dataset|数据集|语料", text_l):
        return "dataset"
    if re.search(r"视频|\bvideo\b|\blecture video", text_l):
        return "video"
    if re.search(r"课程|\bcourse\b|(?<![a-z])(cs|cse|cos|csci)\s?\d{3}", text_l):
        return "course"
    if re.search(r"教程|tutorial|文档|documentation", text_l):
        return "docs"
    if re.search(r"博客|\bblog\b|专栏|详解|文章", text_l):
        return "article"
    return "website"
