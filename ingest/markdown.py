"""Markdown roadmap -> ParsedDoc: every link with a human title, URL-less books, interview questions, syllabi.

We walk markdown-it's syntax tree rather than regexes over lines, so link text, list nesting and headings
are what a renderer would see. Two habits of real roadmaps need care:
- links on tab- or 4-space-indented lines become CommonMark *indented code*; such blocks are re-parsed as
  markdown (fenced code is left alone, it is deliberate);
- a link's text is often a bare word ("材料", "Github") that only means something next to the bullet text,
  see titles.py.
Tables are read a row at a time (a row is one resource line, see rows.py), raw HTML blocks by element
(htmlblock.py), and nesting deeper than any real roadmap is read as flat text with an error naming the
line, instead of markdown-it's silent stop.
Nothing here raises for any str input: problems become ParseError entries.
"""

from __future__ import annotations

import bisect
import re
import textwrap
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from studygraph.ingest import rows as R
from studygraph.ingest import titles as T
from studygraph.ingest.htmlblock import HtmlLink, html_units
from studygraph.ingest.urls import INVISIBLE_RE, classify_kind, find_arxiv_spans, find_urls, normalize_url
from studygraph.models import Mention, ParsedDoc, ParseError, Question, SyllabusItem
from studygraph.quarantine import flagged_lines, suspicious

MAX_CONTEXT = 300
MAX_REPARSE_DEPTH = 4
# Title candidates and classification cues are read from bounded windows of text, so a hostile file (one
# 5 MB paragraph holding 100k links) costs linear time instead of hanging the ingest.
MAX_CANDIDATE = 400
MAX_KIND_CUES = 500
MAX_ITEM_TEXT = 500  # question and syllabus texts
MAX_HEADING = 200
# Block nesting (token levels: a list level costs two, a quote one) past which lines are read as flat text.
# Real roadmaps stay under ~12 list levels; markdown-it's own limit (commonmark: 20) silently drops the rest
# of the file, so ours sits below a raised `maxNesting` and turns what is deeper into plain paragraphs, which
# keeps markdown-it's recursion (and ours over the tree) bounded.
MAX_NESTING = 64
_MD_MAX_NESTING = MAX_NESTING + 16
MAX_DEEP_ERRORS = 10
_DEEP_MARKERS_RE = re.compile(r"^(?:[ \t]*(?:>|[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past MAX_NESTING, one line is one paragraph of its text with the list/quote markers taken off."""
    if silent or state.level <= MAX_NESTING:
        return False
    text = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    state.line = start + 1
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, state.line]
    token.meta = {"too_deep": True}
    token = state.push("inline", "", 0)
    token.content = _DEEP_MARKERS_RE.sub("", text, count=1)
    token.map = [start, state.line]
    token.children = []
    state.push("paragraph_close", "p", -1)
    return True


def _make_md(front_matter: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": _MD_MAX_NESTING}).enable("table")
    md.block.ruler.before("table", "too_deep", _too_deep)
    if front_matter:
        md.use(front_matter_plugin)
    md.normalizeLink = lambda url: url  # keep hrefs as written; percent-encoding them would change identities
    return md


_MD, _MD_BODY = _make_md(True), _make_md(False)

BOOK_HEAD_RE = re.compile(r"课本|教材|书|books?\b|textbooks?|\breading", re.IGNORECASE)
INTERVIEW_HEAD_RE = re.compile(r"面经|面试|interview|questions?\b|八股|(?<![主标专话])题", re.IGNORECASE)
EXERCISE_HEAD_RE = re.compile(r"任务|\btasks?\b|exercises?|作业|练习|习题|homework|assignments?", re.IGNORECASE)
NOT_QUESTIONS_HEAD_RE = re.compile(r"公司|compan|资源|resources?|链接|links?\b|blogs?|参考资料", re.IGNORECASE)
# Sub-bullets under a question are usually notes or answers; only a real question stands on its own.
STRICT_QUESTION_RE = re.compile(r"什么|如何|怎么|怎样|为什么|为何|哪些|哪几|\b(how|what|why|which)\b", re.IGNORECASE)
QUESTION_WORDS_RE = re.compile(
    r"什么|如何|怎么|怎样|为什么|为何|哪些|哪几|哪个|是否|原理|区别|解释|介绍|简介|优缺点|对比"
    r"|\b(how|what|why|explain|describe|compare|difference|which|when)\b",
    re.IGNORECASE,
)
TASK_START_RE = re.compile(
    r"^(请|完成|实现|使用|选择|进一步|尝试|阅读|复现|训练|部署|编写|搭建|下载|掌握|理解|比较|调研|动手"
    r"|implement|write|build|train|use|try|read|reproduce|deploy|compare|choose|select|download|fine-?tune)",
    re.IGNORECASE,
)
SYLLABUS_BULLET_RE = re.compile(
    r"^(?:(?:chapter|lecture|lec|week|unit|module|lesson|part)\s*\d+|\d{1,3}\s*[:：]\s*\S|第\s*[0-9一二三四五六七八九十]+\s*[章课讲周节])",
    re.IGNORECASE,
)
TASK_BOX_RE = re.compile(r"^\[([ xX])\]\s+")
_DONE_END_RE = re.compile(r"(?:^|(?<=\W))DONE\s*$")


@dataclass
class _Link:
    url: str  # as written
    start: int  # span of the link text in the inline's plain text
    end: int
    text: str
    bare: bool
    done: bool
    alts: list[str] = field(default_factory=list)  # alt texts of images inside the link text (a badge)
    srcs: list[str] = field(default_factory=list)  # and their sources


@dataclass
class _Inline:
    plain: str  # text as a reader sees it; '\n' at each soft/hard break so lines can be counted
    links: list[_Link]
    words: str = ""  # plain without image alt texts: what a reader reads, not what pictures say
    has_image: bool = False


@dataclass
class _Open:
    """A link whose text is still being read."""

    href: str
    start: int
    index: int  # into the plain pieces
    done: bool = False
    auto: bool = False
    alts: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)


@dataclass
class _Item:
    text: str  # the item's own words (its paragraphs, not its sub-items), task box removed
    prefix: str  # own text before its first link
    has_link: bool
    line: int
    parent: _Item | None
    done: bool
    book: str | None = None  # set when this item is a book reference: its chapters hang below it
    question: Question | None = None
    sub_texts: list[str] = field(default_factory=list)


_A_OPEN_RE = re.compile(r"""^<a(?=[\s>])(?:[^>]*?href\s*=\s*["']?(https?://[^"'\s>]+))?""", re.IGNORECASE)
_A_CLOSE_RE = re.compile(r"^</a\s*>$", re.IGNORECASE)
_IMG_RE = re.compile(r"^<img\s", re.IGNORECASE)
_BR_RE = re.compile(r"^<br\s*/?>$", re.IGNORECASE)


def _attr(tag: str, name: str) -> str:
    m = re.search(rf"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", tag, re.IGNORECASE)
    return (m.group(1) or m.group(2) or m.group(3) or "") if m else ""


def _scan_inline(tok: Token) -> _Inline:
    """Plain text plus every link, autolink, bare URL and 'arXiv:ID' of one inline token."""
    plain: list[str] = []
    scan: list[str] = []  # like plain, with link texts and code blanked so bare-URL search skips them
    words: list[str] = []  # like plain, without image alt texts
    links: list[_Link] = []
    open_links: list[_Open] = []  # markdown links
    open_html: list[_Open] = []  # <a href> ... </a>
    has_image = False
    pos = 0
    for child in tok.children or []:
        kind, piece, scannable, word = child.type, "", False, True
        if kind in ("text", "text_special"):
            piece, scannable = child.content, not open_links and not open_html
        elif kind == "code_inline":
            piece = child.content
        elif kind in ("softbreak", "hardbreak"):
            piece, scannable = "\n", True
        elif kind == "image":
            piece, word, has_image = child.content, False, True
            holder = open_links[-1] if open_links else open_html[-1] if open_html else None
            if holder is not None:
                holder.alts.append(child.content)
                holder.srcs.append(str(child.attrGet("src") or ""))
        elif kind == "html_inline":
            tag = child.content
            piece = "\n" * tag.count("\n")
            opened = _A_OPEN_RE.match(tag)
            if opened:  # every <a> is pushed, so each </a> closes its own, even <a name=x> or a relative one
                open_html.append(_Open(opened.group(1) or "", pos, len(plain)))
            elif _A_CLOSE_RE.match(tag) and open_html:
                a = open_html.pop()
                if a.href:
                    links.append(_Link(a.href, a.start, pos, "".join(plain[a.index :]), False, False, a.alts, a.srcs))
            elif _IMG_RE.match(tag):
                has_image = True
                holder = open_links[-1] if open_links else open_html[-1] if open_html else None
                if holder is not None:
                    holder.alts.append(_attr(tag, "alt"))
                    holder.srcs.append(_attr(tag, "src"))
            elif _BR_RE.match(tag):
                piece = " "  # a line break inside a table cell, not a new source line
        elif kind == "link_open":
            done = False
            if plain and _done_before(plain[-1], len(plain[-1])):  # "DONE[title](url)" marks it watched
                cut = plain[-1].rstrip()[:-4]
                pos -= len(plain[-1]) - len(cut)
                plain[-1], scan[-1], words[-1], done = cut, scan[-1][: len(cut)], cut, True
            open_links.append(_Open(str(child.attrGet("href") or ""), pos, len(plain), done, child.info == "auto"))
            continue
        elif kind == "link_close" and open_links:
            a = open_links.pop()
            links.append(_Link(a.href, a.start, pos, "".join(plain[a.index :]), a.auto, a.done, a.alts, a.srcs))
            continue
        plain.append(piece)
        scan.append(piece if scannable else " " * len(piece))
        words.append(piece if word else "")
        pos += len(piece)
    for a in (a for a in open_html if a.href):  # an <a href> never closed: the link stands, its text is unknown
        links.append(_Link(a.href, a.start, a.start, "", False, False, a.alts, a.srcs))
    text, scan_text = "".join(plain), "".join(scan)
    pieces, cursor = [], 0
    written = None  # the URLs as the source spells them, found only when the rendered text disagrees
    for start, end, url in find_urls(scan_text):
        if url not in tok.content:
            # Emphasis markers inside a bare URL were parsed away ("a _note on .../wiki/A_(b)" reads as emphasis):
            # take the URL as written, never one the text does not contain.
            written = written if written is not None else [u for _, _, u in find_urls(tok.content)]
            url = next((u for u in written if _unmarked(u) == _unmarked(url)), None)
            if url is None:
                continue
        links.append(_Link(url, start, end, url, True, _done_before(text, start)))
        pieces += [scan_text[cursor:start], " " * (end - start)]
        cursor = end
    if pieces:  # blank the bare URLs so 'arxiv.org/abs/ID' inside one is not found again as an id
        scan_text = "".join(pieces) + scan_text[cursor:]
    seen: set[str] = set()
    for start, end, url in find_arxiv_spans(scan_text):
        if url not in seen:  # 'arXiv:ID' names a paper; the span covers 'arXiv:' so it is not in the title
            seen.add(url)
            links.append(_Link(url, start, end, "", True, _done_before(text, start)))
    links.sort(key=lambda link: link.start)
    return _Inline(text, links, "".join(words), has_image)


def _without_links(line_text: str, line_start: int, links: list[_Link], starts: list[int]) -> str:
    """The line's own words, link texts cut out (`links` sorted by start, `starts` their starts)."""
    end = line_start + len(line_text)
    keep, cursor = [], line_start
    for k in links[bisect.bisect_left(starts, line_start) : bisect.bisect_left(starts, end)]:
        keep.append(line_text[max(0, cursor - line_start) : max(0, k.start - line_start)])
        cursor = max(cursor, min(k.end, end))
    keep.append(line_text[max(0, cursor - line_start) :])
    return " ".join(keep)


def _unmarked(url: str) -> str:
    return url.replace("_", "").replace("*", "")


def _done_before(text: str, end: int) -> bool:
    """True when text[:end] ends with the word DONE (then spaces): 'DONE[title](url)', 'DONE https://...'."""
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i < 4 or text[i - 4 : i] != "DONE":
        return False
    return i == 4 or not (text[i - 5].isalnum() or text[i - 5] == "_")


def _cap(text: str, limit: int = MAX_ITEM_TEXT) -> str:
    return T.shorten(text, limit) if len(text) > limit else text


def _ctx(text: str) -> str:
    return T.shorten(T.collapse(text), MAX_CONTEXT) if len(text) > MAX_CONTEXT else T.collapse(text)


class _Walker:
    def __init__(self, path: str):
        self.doc = ParsedDoc(path=path)
        self.headings: list[tuple[int, str]] = []
        self.items: list[_Item] = []
        self.first_heading = ""
        self.prose = ""  # the last paragraph's text when it had no link: a link line below it may be its link

    # ---- structure ---------------------------------------------------------------------------------

    @property
    def heading_path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def walk(self, node: SyntaxTreeNode, off: int, depth: int = 0) -> None:
        for child in node.children:
            kind = child.type
            if kind != "paragraph":
                self.prose = ""  # a description is the paragraph right before a link line, nothing further
            if kind == "heading":
                self.heading(child, off)
            elif kind == "paragraph" and child.children:
                self.inline(child.children[0], off, after=self.prose)
                scanned = _scan_inline(child.children[0].token)
                self.prose = "" if scanned.links else scanned.plain.split("\n")[-1][:MAX_CANDIDATE]
                continue
            elif kind in ("bullet_list", "ordered_list"):
                self.list(child, off, depth)
            elif kind == "code_block" and depth < MAX_REPARSE_DEPTH:
                self.reparse(child, off, depth)
            elif kind == "html_block":
                self.html(child, off)
            elif kind == "table":
                self.table(child, off)
            elif kind == "blockquote":
                self.walk(child, off, depth)

    def heading(self, node: SyntaxTreeNode, off: int) -> None:
        level = int(node.tag[1:]) if node.tag[1:].isdigit() else 6
        inline = node.children[0] if node.children else None
        text = _cap(T.collapse(_scan_inline(inline.token).plain), MAX_HEADING) if inline else ""
        line = _line(node, off)
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        if inline:  # a link in a heading belongs to the section around it
            self.inline(inline, off, context=text)
        self.headings.append((level, text or "(untitled)"))
        self.doc.sections.append((self.heading_path, line))
        if text and not self.first_heading:
            self.first_heading = text
        if level == 1 and text and not self.doc.title:
            self.doc.title = text

    def reparse(self, node: SyntaxTreeNode, off: int, depth: int) -> None:
        # Indented "code" in a roadmap is almost always an over-indented list or link line.
        content = textwrap.dedent(node.content.expandtabs(4))
        tokens = _MD_BODY.parse(content)
        self.note_too_deep(tokens, _line(node, off) - 1)
        self.walk(SyntaxTreeNode(tokens), _line(node, off) - 1, depth + 1)

    def note_too_deep(self, tokens: list[Token], off: int) -> None:
        """One error per run of lines that _too_deep flattened: the file is read, but not as written."""
        lines = [t.map[0] + off + 1 for t in tokens if t.meta.get("too_deep") and t.map]
        runs: list[list[int]] = []
        for ln in lines:
            if runs and ln <= runs[-1][1] + 1:
                runs[-1][1] = ln
            else:
                runs.append([ln, ln])
        for first, last in runs[:MAX_DEEP_ERRORS]:
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            self.doc.errors.append(
                ParseError(
                    self.doc.path,
                    first,
                    f"{where}: nested deeper than {MAX_NESTING // 2} list (or {MAX_NESTING} quote) levels: "
                    "read as plain text there",
                )
            )

    def html(self, node: SyntaxTreeNode, off: int) -> None:
        """An HTML block: its <tr> rows are table rows, its other block elements lines of text."""
        base, headers = _line(node, off), []
        for unit in html_units(node.content):
            cells = [_Cell(T.collapse(c.words), [_html_link(k) for k in c.links]) for c in unit.cells]
            line = base + unit.line - 1
            if unit.row:
                if all(c.header for c in unit.cells):
                    headers = [c.words for c in cells]
                    self.row(cells, [], line, header=True)
                else:
                    self.row(cells, headers, line)
                continue
            (cell,) = cells
            ctx = _ctx(cell.words)
            for link in cell.links:
                candidates = [cell.words, unit.summary] + ([self.headings[-1][1]] if self.headings else [])
                self.add_mention(link, line, ctx, candidates, link.text)

    # ---- tables: a row is one resource line --------------------------------------------------------

    def table(self, node: SyntaxTreeNode, off: int) -> None:
        headers: list[str] = []
        for part in node.children:
            for tr in (t for t in part.children if t.type == "tr"):
                cells = [_cell(c) for c in tr.children]
                if part.type == "thead":
                    headers = [c.words for c in cells]
                    self.row(cells, [], _line(tr, off), header=True)  # its links are links all the same
                else:
                    self.row(cells, headers, _line(tr, off))

    def row(self, cells: list[_Cell], headers: list[str], line: int, header: bool = False) -> None:
        """Links whose own text names nothing (Article, a Colab badge, 视频) take the row's title cell's name
        and their column's or badge's kind; the row's other text is their context; a duration cell their length."""
        heads = headers[: len(cells)] + [""] * (len(cells) - len(headers))
        texts = [c.words[: 4 * MAX_CANDIDATE] for c in cells]  # bounded work for a hostile 5 MB cell
        at = R.title_cell(texts, heads)
        name = R.row_name(texts[at]) if at is not None else ""
        said = " | ".join(t for t in texts if R.says_something(t) or R.is_filler(t))
        context = _ctx(INVISIBLE_RE.sub("", said[: 4 * MAX_CANDIDATE]))
        minutes = R.row_minutes(texts, heads)
        links = [(link, head) for cell, head in zip(cells, heads) for link in cell.links]
        item = _Item(texts[at] if at is not None else said[:MAX_ITEM_TEXT], name, bool(links), line, None, False)
        if not header:  # a row of questions under 面经 is questions; a header row names columns
            self.classify_item(item, False, 0, self.section_kind())
        planned = []
        for link, head in links:
            url = normalize_url(link.url)
            if url is None or R.is_badge_url(url):
                continue
            kind = R.link_kind(classify_kind(url, ""), head, link.alts, link.srcs, url)
            planned.append((link, head, url, kind or classify_kind(url, f"{link.text} {head} {said}"[:MAX_KIND_CUES])))
        # A row's duration is its video's length where it has one (the paper beside it takes longer to read).
        timed = {id(p[0]) for p in planned if p[3] == "video"} or {id(p[0]) for p in planned}
        heading = [self.headings[-1][1]] if self.headings else []
        self.items.append(item)
        for link, head, url, kind in planned:
            own = T.names_itself(link.text[:MAX_CANDIDATE], link.bare) and not link.alts
            label = "" if own else R.link_label(link.text, link.alts, link.srcs, head, url)
            title = None if own or not name else T.shorten(f"{name}{T.DASH}{label}")
            self.add_mention(
                link,
                line,
                context,
                [name, *heading],
                link.text if own else label,
                title=title,
                kind=kind,
                named=own,
                minutes=minutes if id(link) in timed else None,
            )
        self.items.pop()

    # ---- lists: books, questions, syllabi ----------------------------------------------------------

    def list(self, node: SyntaxTreeNode, off: int, depth: int) -> None:
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1) or 1) if ordered else 1
        section = self.section_kind()
        in_interview = any(INTERVIEW_HEAD_RE.search(h) and not EXERCISE_HEAD_RE.search(h) for h in self.heading_path)
        syllabus: list[SyllabusItem] = []
        count = 0
        for index, item_node in enumerate(c for c in node.children if c.type == "list_item"):
            item = self.open_item(item_node, off)
            count += 1
            self.classify_item(item, ordered, start + index, section)
            if item.text and ((ordered and not in_interview) or (not ordered and SYLLABUS_BULLET_RE.match(item.text))):
                text = T.collapse(T.NOISE_RE.sub(" ", item.text))
                syllabus.append(SyllabusItem(_cap(text), len(syllabus) + 1, item.line, self.heading_path))
            self.items.append(item)
            for child in item_node.children:
                if child.type == "paragraph" and child.children:
                    self.inline(child.children[0], off, context=item.text, own=True)
                else:
                    self.walk(_Only(child), off, depth)
            self.items.pop()
            if item.question is not None and item.sub_texts:
                item.question.context = "\n".join(item.sub_texts)[:1000]
        # A numbered list is a sequence by itself; bullets must be mostly "Chapter N"/"N:" to count.
        if (ordered and len(syllabus) >= 2) or (len(syllabus) >= 3 and 2 * len(syllabus) >= count):
            self.doc.syllabi.append(syllabus)

    def open_item(self, node: SyntaxTreeNode, off: int) -> _Item:
        parent = self.items[-1] if self.items else None
        texts, prefix, seen_link = [], "", False
        for child in node.children:
            if child.type == "paragraph" and child.children:
                scanned = _scan_inline(child.children[0].token)
                texts.append(scanned.plain)
                if not seen_link:
                    cut = scanned.links[0].start if scanned.links else len(scanned.plain)
                    prefix += " " + scanned.plain[:cut]
                    seen_link = bool(scanned.links)
        text = T.collapse(" ".join(texts))
        box = TASK_BOX_RE.match(text)
        prefix = TASK_BOX_RE.sub("", T.collapse(prefix))[: 4 * MAX_CANDIDATE]
        done = (box.group(1) in "xX") if box else bool(parent and parent.done)
        return _Item(TASK_BOX_RE.sub("", text), prefix, seen_link, _line(node, off), parent, done)

    def classify_item(self, item: _Item, ordered: bool, number: int, section: tuple[str | None, bool]) -> None:
        has_link = item.has_link
        parent = item.parent
        if parent and parent.book and not has_link:
            ch = T.chapter(item.text, number if ordered else None)
            if ch:
                title = f"{T.shorten(parent.book, 80)}{T.DASH}Ch {ch[0]}: {ch[1]}"
                self.add_book(item, T.shorten(title))
        elif any(BOOK_HEAD_RE.search(h) for h in self.heading_path) or (parent and parent.book):
            item.book = T.book_title(item.prefix if has_link else item.text)
            if item.book and not has_link:
                self.add_book(item, item.book)
        asker = next((a for a in _ancestors(item) if a.question is not None), None)
        if asker is not None:
            if _is_question(item.text, strict=True):
                item.question = self.add_question(item, asker.question.kind)
            elif item.text:
                asker.sub_texts.append(item.text)
            return
        kind, topical = section
        if not item.text or kind is None:
            return
        if kind == "interview" and (topical or _is_question(item.text, strict=False)):
            item.question = self.add_question(item, "interview")
        elif kind == "exercise" and (ordered or TASK_START_RE.match(item.text) or _is_question(item.text, False)):
            item.question = self.add_question(item, "exercise")

    def section_kind(self) -> tuple[str | None, bool]:
        """('interview'|'exercise'|None, topical): topical when a plain subheading ('LLM') sits under 面经."""
        path = self.heading_path
        for i in range(len(path) - 1, -1, -1):
            kind = (
                "exercise"
                if EXERCISE_HEAD_RE.search(path[i])
                else "interview"
                if INTERVIEW_HEAD_RE.search(path[i])
                else None
            )
            if kind:
                if NOT_QUESTIONS_HEAD_RE.search(path[-1]):
                    return None, False
                return kind, i < len(path) - 1
        return None, False

    def add_question(self, item: _Item, kind: str) -> Question:
        q = Question(_cap(item.text), self.heading_path, item.line, kind)
        self.doc.questions.append(q)
        return q

    def add_book(self, item: _Item, title: str) -> None:
        self.doc.mentions.append(Mention(None, title, "book", _ctx(item.text), self.heading_path, item.line, item.done))

    # ---- links -------------------------------------------------------------------------------------

    def inline(
        self, node: SyntaxTreeNode, off: int, context: str | None = None, own: bool = False, after: str = ""
    ) -> None:
        """`after`: the text of the paragraph just before, which a line of bare links may be describing."""
        scanned = _scan_inline(node.token)
        if not scanned.links:
            return
        base = _line(node, off)
        item = self.items[-1] if self.items else None
        lines = scanned.plain.split("\n")
        line_starts = [0]
        for ln in lines[:-1]:
            line_starts.append(line_starts[-1] + len(ln) + 1)
        prev_end: dict[int, int] = {}
        first_on_row: dict[int, int] = {}  # start of the first link of each line
        row_ctx: dict[int, str] = {}
        bare_line: dict[int, bool] = {}  # lines holding nothing but links
        starts = [link.start for link in scanned.links]
        own_ctx = _ctx(INVISIBLE_RE.sub("", context[: 4 * MAX_CANDIDATE])) if context is not None else None
        parent = (item.parent if own else item) if item else None
        for index, link in enumerate(scanned.links):
            row = bisect.bisect_right(line_starts, link.start) - 1
            line_text, line_start = lines[row], line_starts[row]
            first = first_on_row.setdefault(row, link.start)
            begin = prev_end.get(row, 0)
            before = _DONE_END_RE.sub(
                "", line_text[begin : min(begin + MAX_CANDIDATE, max(0, link.start - line_start))]
            )
            if link.bare and not T.meaningful(before):  # 'arXiv:2203.02155 InstructGPT': the name follows
                stop = link.end - line_start + MAX_CANDIDATE
                if index + 1 < len(scanned.links):  # up to the next link only
                    stop = min(stop, max(link.end, scanned.links[index + 1].start) - line_start)
                after = line_text[link.end - line_start : stop]
                before = after if T.meaningful(after) else before
            candidates = [before, line_text[: min(MAX_CANDIDATE, max(0, first - line_start))]]
            # "Description\n[here](url)": a line of nothing but links is named by the line above it.
            above = lines[row - 1][:MAX_CANDIDATE] if row else after
            if row and bisect.bisect_left(starts, line_starts[row - 1]) < bisect.bisect_left(starts, line_start):
                above = ""  # the line above holds links of its own: it is a sibling, not a description
            if above and row not in bare_line:  # once per line: a line may hold thousands of links
                own_words = _without_links(line_text[: 4 * MAX_CANDIDATE], line_start, scanned.links, starts)
                bare_line[row] = not T.meaningful(own_words)
            link_line = bool(above) and bare_line.get(row, False)
            if link_line:
                candidates.append(above)
            if own and item is not None:
                candidates.append(item.prefix)
            if len(line_text) <= 60:
                rest = line_text.replace(link.text, "", 1) if link.text else line_text
                if T.meaningful(rest):
                    candidates.append(line_text)
            if parent is not None:
                candidates += [parent.prefix, parent.text[:MAX_CANDIDATE]]
            if self.headings:
                candidates.append(self.headings[-1][1])
            prev_end[row] = max(0, link.end - line_start)
            if own_ctx is None and row not in row_ctx:
                row_ctx[row] = _ctx(INVISIBLE_RE.sub("", f"{above} {line_text}" if link_line else line_text))
            ctx = own_ctx if own_ctx is not None else row_ctx[row]
            cues = (context if context is not None else line_text)[:MAX_KIND_CUES]
            self.add_mention(link, base + row, ctx, candidates, link.text, done=bool(item and item.done), cues=cues)

    def add_mention(
        self,
        link: _Link,
        line: int,
        context: str,
        candidates: list[str],
        text: str,
        done: bool = False,
        cues: str | None = None,
        *,
        title: str | None = None,
        kind: str | None = None,
        named: bool | None = None,
        minutes: float | None = None,
    ) -> None:
        """`context` is already tidied (see _ctx): callers compute it once per line, not once per link.
        `cues` is the raw text around the link that hints at its kind (defaults to the context); a table row
        decides `title`, `kind` and `named` itself."""
        url = normalize_url(link.url)
        if url is None or R.is_badge_url(url):  # relative links, mailto:, anchors, badge pictures: not resources
            return
        title = title or T.link_title(text[:MAX_CANDIDATE], url, candidates=candidates, bare=link.bare)
        item = self.items[-1] if self.items else None
        cue_text = f"{text[:MAX_KIND_CUES]} {(context if cues is None else cues)[:MAX_KIND_CUES]}"
        kind = kind or classify_kind(url, cue_text)
        if item is not None and item.book and kind in ("website", "docs", "article"):
            kind = "book"
        self.doc.mentions.append(
            Mention(
                url,
                title,
                kind,
                context,
                self.heading_path,
                max(1, line),
                link.done or done,
                link.url,
                named=T.names_itself(text[:MAX_CANDIDATE], link.bare) if named is None else named,
                minutes=minutes,
            )
        )


@dataclass
class _Cell:
    """A table cell as a row reads it: its words (images left out) and its links."""

    words: str
    links: list[_Link]


def _cell(node: SyntaxTreeNode) -> _Cell:
    inline = node.children[0] if node.children and node.children[0].type == "inline" else None
    if inline is None:
        return _Cell("", [])
    scanned = _scan_inline(inline.token)
    return _Cell(T.collapse(scanned.words), scanned.links)


def _html_link(link: HtmlLink) -> _Link:
    return _Link(link.url, 0, 0, T.collapse(link.text), False, False, link.alts, link.srcs)


class _Only:
    """A one-child stand-in so `walk` can dispatch a single node."""

    def __init__(self, node: SyntaxTreeNode):
        self.children = [node]


def _line(node: SyntaxTreeNode, off: int) -> int:
    # Inline nodes have no map of their own in the tree; their parent block's map is the source line.
    cur = node
    while cur is not None and not cur.map:
        cur = cur.parent
    return max(1, (cur.map[0] if cur is not None and cur.map else 0) + off + 1)


def _ancestors(item: _Item):
    cur = item.parent
    while cur is not None:
        yield cur
        cur = cur.parent


def _is_question(text: str, strict: bool) -> bool:
    t = text.strip()
    if t.endswith(("?", "？")):
        return True
    if strict:
        return len(t) <= 30 and bool(STRICT_QUESTION_RE.search(t))
    return len(t) <= 80 and bool(QUESTION_WORDS_RE.search(t))


def _dedupe_titles(doc: ParsedDoc) -> None:
    """Two links of one course on one line must not share a title (e.g. two '[Youtube]' links)."""
    seen: dict[tuple[int, str], str | None] = {}
    for m in doc.mentions:
        key = (m.line, m.title)
        if key in seen and seen[key] != m.url and m.url:
            m.title = T.shorten(f"{m.title}{T.DASH}{T.url_title(m.url)}")
        seen.setdefault(key, m.url)


def _hold_injections(doc: ParsedDoc, text: str) -> None:
    """Lines that address a model (studygraph/quarantine.py), and the line after a chat-template marker,
    never become questions, syllabus items or sections; a link on such a line or under such a heading
    carries the flagging words in its context, so the library quarantines its resource whatever the
    renderer made of the line (the marker may sit on the line before, or be markup it drops)."""
    flagged = flagged_lines(text)
    if not flagged:
        return
    held = {path: flagged[line] for path, line in doc.sections if line in flagged}

    def why(line: int, headings: tuple[str, ...]) -> str:
        return flagged.get(line) or next((w for path, w in held.items() if headings[: len(path)] == path), "")

    for m in doc.mentions:
        words = why(m.line, m.headings)
        if words and not suspicious(m.context):
            m.context = _ctx(f"{words} | {m.context}")
    doc.questions = [q for q in doc.questions if not why(q.line, q.headings)]
    doc.syllabi = [kept for s in doc.syllabi if (kept := [i for i in s if not why(i.line, i.headings)])]
    doc.sections = [(path, line) for path, line in doc.sections if not why(line, path)]


def _front_matter(walker: _Walker, tokens: list[Token], path: str) -> None:
    for tok in tokens[:1]:
        if tok.type != "front_matter":
            continue
        try:
            data = yaml.safe_load(tok.content)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = 2 + mark.line if mark is not None else 1
            walker.doc.errors.append(
                ParseError(path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}")
            )
            return
        if isinstance(data, dict) and isinstance(data.get("title"), (str, int, float)):
            walker.doc.title = T.collapse(str(data["title"]))


def parse_markdown(text: str, path: str) -> ParsedDoc:
    """Parse one roadmap. Never raises: anything unexpected becomes a ParseError and a partial document."""
    walker = _Walker(path)
    try:
        text = INVISIBLE_RE.sub("", text if isinstance(text, str) else str(text)).replace("\x00", "\ufffd")
        tokens = _MD.parse(text)
        _front_matter(walker, tokens, path)
        walker.note_too_deep(tokens, 0)
        walker.walk(SyntaxTreeNode(tokens), 0)
    except Exception as exc:  # noqa: BLE001 - a parser bug must cost one file's extras, never the whole ingest
        walker.doc.errors.append(ParseError(path, None, f"markdown parse failed: {exc.__class__.__name__}: {exc}"))
    if not walker.doc.title:
        walker.doc.title = walker.first_heading
    _dedupe_titles(walker.doc)
    _hold_injections(walker.doc, text if isinstance(text, str) else str(text))
    return walker.doc
