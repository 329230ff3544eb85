"""Links inside a roadmap's raw HTML blocks (`<table>`, `<details>`, `<p align=center>`): rows and lines.

Markdown leaves an HTML block as one string; roadmaps put whole tables, collapsible sections and badge rows
there. The standard library's tolerant HTMLParser turns a block into units a reader sees: a `<tr>` is a row
of cells (named like a markdown table row, see rows.py), any other block element (`<li>`, `<p>`, `<div>`,
`<summary>`...) a line of text with its links, each with its text and the images inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from studygraph.ingest.titles import collapse

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "summary", "details", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead",
    "tbody", "tr", "blockquote", "dt", "dd", "section", "center", "pre",
}  # fmt: skip
MAX_UNITS = 20_000  # a hostile block costs bounded work


@dataclass
class HtmlLink:
    url: str
    text: str = ""
    alts: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)


@dataclass
class HtmlCell:
    words: str
    links: list[HtmlLink]
    header: bool = False


@dataclass
class HtmlUnit:
    line: int  # 1-based line in the block where the unit starts
    cells: list[HtmlCell]  # one cell for a line of text, one per <td>/<th> for a row
    row: bool
    summary: str = ""  # the innermost <summary> before it: the name of a <details> section


class _Units(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[HtmlUnit] = []
        self.words: list[str] = []
        self.links: list[HtmlLink] = []
        self.open_links: list[HtmlLink] = []
        self.cells: list[HtmlCell] | None = None  # inside a <tr>
        self.cell_header = False
        self.start_line = self.row_line = 1
        self.summary = ""
        self.in_summary = False

    # -- building units ----------------------------------------------------------------------------
    def _flush_text(self) -> None:
        words = collapse("".join(self.words))
        if self.cells is not None:
            if words or self.links:
                self.cells.append(HtmlCell(words, self.links, self.cell_header))
        elif (words or self.links) and len(self.units) < MAX_UNITS:
            self.units.append(HtmlUnit(self.start_line, [HtmlCell(words, self.links)], False, self.summary))
            if self.in_summary:
                self.summary = words
        self.words, self.links = [], []
        self.start_line = self.getpos()[0]

    def _end_row(self) -> None:
        if self.cells is None:
            return
        self._flush_text()
        if self.cells and len(self.units) < MAX_UNITS:
            self.units.append(HtmlUnit(self.row_line, self.cells, True, self.summary))
        self.cells = None
        self.start_line = self.getpos()[0]

    # -- HTMLParser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "tr":
            self._end_row()
            self._flush_text()
            self.cells, self.row_line = [], self.getpos()[0]
        elif tag in ("td", "th") and self.cells is not None:
            self._flush_text()
            self.cell_header = tag == "th"
        elif tag in _BLOCK_TAGS:
            if tag == "table":
                self._end_row()
            self._flush_text()
            self.in_summary = tag == "summary"
        elif tag == "br":
            self.words.append(" ")
        elif tag == "a":  # every <a> is pushed so each </a> closes its own; only http(s) ones are links
            link = HtmlLink(attr.get("href", "").strip())
            self.open_links.append(link)
            if link.url.startswith(("http://", "https://")):
                self.links.append(link)
        elif tag == "img" and self.open_links:
            self.open_links[-1].alts.append(attr.get("alt", ""))
            self.open_links[-1].srcs.append(attr.get("src", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open_links:
            self.open_links.pop()
        elif tag in ("tr", "table"):
            self._end_row()
            self._flush_text()
        elif tag in ("td", "th") and self.cells is not None:
            self._flush_text()
        elif tag in _BLOCK_TAGS:
            self._flush_text()
            if tag == "summary":
                self.in_summary = False

    def handle_data(self, data: str) -> None:
        self.words.append(data)
        for link in self.open_links:
            link.text += data

    def close(self) -> None:
        super().close()
        self._end_row()
        self._flush_text()


def html_units(html: str) -> list[HtmlUnit]:
    parser = _Units()
    parser.feed(html)
    parser.close()
    return parser.units
