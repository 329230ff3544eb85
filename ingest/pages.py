"""A downloaded page -> title, main text, language: HTML through trafilatura, PDFs through pypdf (ingest.pdf),
arXiv abstract pages from their citation meta tags, plain text as it is.

Pure functions on bytes, no network (ingest.fetch downloads), so every rule here is testable on a string.
Nothing is filtered for instructions aimed at a model: the library quarantines page text, not us.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from charset_normalizer import from_bytes
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from studygraph.errors import FileProblem, StudygraphError
from studygraph.ingest.pdf import parse_pdf

# Languages we tell apart by script; anything else comes from the page's own lang attribute.
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]{2,}")
_LANG_SAMPLE = 20_000  # characters: enough to tell scripts apart, cheap on a huge page

HTML_TYPES = {"text/html", "application/xhtml+xml"}
PDF_TYPES = {"application/pdf", "application/x-pdf"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
# Servers that do not know what they send; the first bytes decide.
UNKNOWN_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}

# Where a page names its charset: <meta charset=...>, <meta http-equiv=... content="...; charset=...">, <?xml?>.
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_START_RE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
# Labels whose Python codec is narrower than what browsers decode under that name (WHATWG encoding spec).
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BAD_RATIO = 0.005  # a declared charset may be off by a stray byte or two (per 200 characters), not more
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


class PageProblem(StudygraphError, ValueError):
    """Why a downloaded page gives no text: a short reason for the fetch report ("not text: image/png")."""


@dataclass(frozen=True)
class Extracted:
    title: str  # "" if none found
    text: str  # paragraphs separated by "\n"
    lang: str | None
    kind: str  # "html" | "pdf" | "arxiv" | "text"


def media_type(content_type: str | None) -> str:
    """'text/html; charset=UTF-8' -> 'text/html'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def content_kind(content_type: str | None, url: str) -> str:
    """What the headers promise: "html", "pdf", "text", or "sniff" (decide from the first bytes).
    Raises PageProblem("not text: <type>") so the fetcher can stop before reading the body."""
    mime = media_type(content_type)
    if mime in HTML_TYPES:
        return "html"
    if mime in PDF_TYPES or urlsplit(url).path.lower().endswith(".pdf"):
        return "pdf"  # servers often send a paper as application/x-download; the URL says what it is
    if mime in TEXT_TYPES:
        return "text"
    if mime in UNKNOWN_TYPES:
        return "sniff"
    raise PageProblem(f"not text: {mime}")


def extract_page(data: bytes, content_type: str | None, url: str) -> Extracted:
    """Title, text and language of a downloaded body; raises PageProblem when there is nothing to read."""
    kind = content_kind(content_type, url)
    if data.lstrip()[:5] == b"%PDF-":
        kind = "pdf"  # the bytes are surer than any header
    elif kind == "sniff":
        if not _HTML_START_RE.match(data[:2048]):
            raise PageProblem(f"not text: {media_type(content_type) or 'no content type'}")
        kind = "html"
    if kind == "pdf":
        return _extract_pdf(data, url)
    text = decode_text(data, content_type)
    if kind == "text":
        return _extract_plain(text)
    return extract_html(text, url)


# ---- decoding -------------------------------------------------------------------------------------


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None  # an unknown label is ignored, as a browser would


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    """Charsets the response names, strongest first: BOM, Content-Type, then the page itself."""
    found = []
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            found.append(name)
    header = re.search(r"charset\s*=\s*([^\s;]+)", content_type or "", re.IGNORECASE)
    head = data[:4096]
    in_page = [m.group(1).decode("ascii") for rx in (_XML_ENCODING_RE, _META_CHARSET_RE) for m in rx.finditer(head)]
    for label, from_page in ((header.group(1) if header else None, False), *((lab, True) for lab in in_page)):
        codec = _codec(label)
        if codec and from_page and codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"  # a tag we could read in ASCII cannot be UTF-16; browsers take it as UTF-8
        if codec and codec not in found:
            found.append(codec)
    return found


def decode_text(data: bytes, content_type: str | None) -> str:
    """Bytes -> str: the declared charset, else UTF-8, else a guess (charset_normalizer, which trafilatura
    already depends on). A stray bad byte in a declared charset is tolerated; binary junk is not
    (PageProblem "undecodable text")."""
    declared = declared_charsets(data, content_type)
    for codec in dict.fromkeys([*declared, "utf-8"]):
        try:
            return _text_only(data.decode("utf-8-sig" if codec == "utf-8" else codec))
        except UnicodeDecodeError:
            continue
    if declared:  # e.g. a page cut mid-character, or one pasted-in byte of another encoding
        lenient = data.decode(declared[0], errors="replace")
        if lenient.count("\ufffd") <= _BAD_RATIO * len(lenient):
            return _text_only(lenient.replace("\ufffd", ""))
    guess = from_bytes(data).best()  # None when no encoding makes sense of it
    if guess is None or not guess.encoding:
        raise PageProblem("undecodable text")
    return _text_only(str(guess))


def _text_only(text: str) -> str:
    sample = text[:100_000]
    if len(_CONTROL_RE.findall(sample)) > _BAD_RATIO * len(sample):
        raise PageProblem("undecodable text")  # binary data that happened to decode
    return text


# ---- HTML -----------------------------------------------------------------------------------------


def _paragraphs(text: str | None) -> str:
    """Lines stripped and squeezed, empty ones dropped, joined by "\n"."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)


def _first(tree, xpath: str) -> str:
    for value in tree.xpath(xpath):
        value = " ".join(str(value).split())
        if value:
            return value
    return ""


def extract_html(html: str, url: str) -> Extracted:
    """Main text without navigation or boilerplate; links become their words, never their URLs."""
    # trafilatura logs every page it finds odd; the fetch report already says what went wrong per URL.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    tree = load_html(_XML_DECL_RE.sub("", html, count=1))  # lxml refuses a str that declares its encoding
    if tree is None:
        return Extracted("", "", guess_lang(_paragraphs(html[:_LANG_SAMPLE])), "html")
    # Read what trafilatura does not give us before it gets the tree.
    declared_lang = _first(tree, "/html/@lang | /html/@xml:lang")
    page_title = _first(tree, "//head/title//text() | //title//text()")
    if _is_arxiv(url, tree):
        arxiv = _extract_arxiv(tree, page_title)
        if arxiv:
            return arxiv
    doc = bare_extraction(
        tree, url=url, include_links=False, include_comments=False, include_images=False, with_metadata=True
    )
    text = _paragraphs(doc.text if doc else "")
    title = " ".join(((doc.title if doc else None) or page_title).split())
    return Extracted(title, text, guess_lang(text or title, declared_lang), "html")


# ---- arXiv ----------------------------------------------------------------------------------------


def _is_arxiv(url: str, tree) -> bool:
    """An arXiv abs page: on arxiv.org, or any page carrying arXiv's citation_arxiv_id tag (a mirror or a
    saved copy) together with an abstract."""
    host = (urlsplit(url).hostname or "").lower()
    if host in {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}:
        return urlsplit(url).path.startswith("/abs/")
    return bool(tree.xpath("//meta[@name='citation_arxiv_id']/@content"))


def _extract_arxiv(tree, page_title: str) -> Extracted | None:
    """Title and abstract from the citation_* meta tags, else the abs page's <blockquote class="abstract">."""
    title = _first(tree, "//meta[@name='citation_title']/@content")
    abstract = _first(tree, "//meta[@name='citation_abstract']/@content")
    if not abstract:
        quote = tree.xpath("//blockquote[contains(concat(' ', normalize-space(@class), ' '), ' abstract ')]")
        if quote:
            abstract = re.sub(r"^\s*abstract\s*:\s*", "", " ".join(quote[0].text_content().split()), flags=re.I)
    if not abstract:
        return None
    if not title:
        title = re.sub(r"^\[[^\]]+\]\s*", "", page_title)  # "[1706.03762] Attention Is All You Need"
    return Extracted(title, abstract, guess_lang(abstract), "arxiv")


# ---- PDF and plain text ---------------------------------------------------------------------------


def _extract_pdf(data: bytes, url: str) -> Extracted:
    try:
        doc = parse_pdf(data, url)
    except FileProblem as exc:
        raise PageProblem(str(exc)) from None
    text = "\n".join(chunk for chunk, _page in doc.text_chunks)  # one paragraph per page
    title = doc.mentions[0].title if doc.mentions else doc.title
    if title == url.rsplit("/", 1)[-1]:
        title = ""  # parse_pdf's last resort is the file name: no title is more honest here
    return Extracted(title, text, guess_lang(text), "pdf")


def _extract_plain(text: str) -> Extracted:
    body = _paragraphs(text)
    first = body.split("\n", 1)[0].lstrip("#").strip() if body else ""
    title = first if len(first) <= 150 else ""  # a raw README starts with "# Its name"
    return Extracted(title, body, guess_lang(body), "text")


# ---- language -------------------------------------------------------------------------------------


def guess_lang(text: str, declared: str | None = None) -> str | None:
    """ "zh"/"ja"/"ko" when CJK characters outnumber Latin words (one character is about one word), else
    the page's own lang attribute, else "en" for Latin text. The script wins over the attribute because
    templates often say lang="en" on Chinese pages."""
    sample = text[:_LANG_SAMPLE]
    han, kana, hangul = (len(rx.findall(sample)) for rx in (_HAN_RE, _KANA_RE, _HANGUL_RE))
    latin_words = len(_LATIN_WORD_RE.findall(sample))
    cjk = han + kana + hangul
    if cjk and cjk > latin_words:
        if hangul > han + kana:
            return "ko"
        return "ja" if kana > 0.1 * cjk else "zh"
    primary = (declared or "").strip().lower().replace("_", "-").split("-", 1)[0]
    if primary and primary.isalpha() and primary not in {"zh", "ja", "ko"}:
        return primary
    return "en" if latin_words else None
