"""Papers as PDFs: text with pypdf, a title and an abstract, an arXiv URL when the paper names its id."""

from __future__ import annotations

import io
import logging
import re

from studygraph.ingest.files import FileProblem
from studygraph.models import Mention, ParsedDoc

# The stamp arXiv prints in the margin of a paper's first page ("arXiv:1706.03762v7 [cs.CL] 2 Aug 2023"):
# only that says "this PDF *is* that paper"; an id cited in the text is just a reference.
ARXIV_STAMP = re.compile(r"arXiv:\s*(\d{4}\.\d{4,5})(?:v\d+)?\s*\[[A-Za-z.\-]+\]")
ABSTRACT = re.compile(
    r"\babstract\b[\s.:—-]*(.+?)(?:\n\s*(?:1\.?|I\.?)?\s*introduction\b|\Z)", re.IGNORECASE | re.DOTALL
)


def _clean(text: str) -> str:
    text = re.sub(r"-\n(?=[a-z])", "", text)  # re-join words hyphenated across lines
    return re.sub(r"\s+", " ", text).strip()


def parse_pdf(data: bytes, path: str) -> ParsedDoc:
    # pypdf (~90 ms) only when a PDF is read: an ingest of markdown roadmaps never loads it.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every odd xref; errors still raise
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
        info_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FileProblem(f"pypdf cannot read this PDF: {exc}") from None
    full = "\n".join(pages)
    if not full.strip():
        raise FileProblem("the PDF has no extractable text (scanned images?)")

    first_lines = [ln.strip() for ln in pages[0].splitlines() if len(ln.strip()) > 3]
    title = _clean(info_title) or (first_lines[0] if first_lines else path.rsplit("/", 1)[-1])
    abstract_match = ABSTRACT.search(full)
    abstract = _clean(abstract_match.group(1))[:1200] if abstract_match else _clean(full[:800])
    arxiv = ARXIV_STAMP.search(pages[0])
    url = f"https://arxiv.org/abs/{arxiv.group(1)}" if arxiv else None

    doc = ParsedDoc(path=path, title=title)
    doc.mentions.append(
        Mention(url=url, title=title[:160], kind="paper", context=abstract[:600], headings=(), line=1, raw_url=url)
    )
    # "line" of a PDF chunk is its page number: the place a reader can go back to.
    doc.text_chunks = [(_clean(text), number) for number, text in enumerate(pages, start=1) if text.strip()]
    return doc
