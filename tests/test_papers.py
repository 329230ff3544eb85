"""Papers: a PDF that is an arXiv paper and a roadmap line that cites its id are one paper resource
with the canonical abs URL; a PDF that only cites an id is its own resource (test_ingest_pipeline covers that)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write

from studygraph.ingest.pdf import parse_pdf
from studygraph.ingest.pipeline import ingest
from studygraph.store.meta import MetaStore

TITLE = "Attention Is All You Need (study copy)"


def stamped_pdf(path: Path) -> Path:
    """A two-page PDF with arXiv's margin stamp on page one, as arxiv.org serves papers."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    c = canvas.Canvas(str(path))
    c.setTitle(TITLE)
    c.drawString(72, 800, TITLE)
    c.drawString(20, 400, "arXiv:1706.03762v7 [cs.CL] 2 Aug 2023")
    c.drawString(72, 760, "Abstract")
    c.drawString(72, 740, "The dominant sequence transduction models are based on complex recurrent networks.")
    c.drawString(72, 720, "We propose the Transformer, based solely on attention mechanisms.")
    c.drawString(72, 700, "1 Introduction")
    c.drawString(72, 680, "Recurrent neural networks have been firmly established as state of the art. " * 2)
    c.showPage()
    c.drawString(
        72, 800, "Scaled dot-product attention divides the dot products by the square root of the key size. " * 2
    )
    c.drawString(72, 780, "Multi-head attention lets the model attend to information from different subspaces. " * 2)
    c.showPage()
    c.save()
    return path


def test_the_arxiv_stamp_makes_the_pdf_that_paper(tmp_path):
    doc = parse_pdf(stamped_pdf(tmp_path / "attention.pdf").read_bytes(), "papers/attention.pdf")
    (m,) = doc.mentions
    assert (m.url, m.kind, m.title, m.line) == ("https://arxiv.org/abs/1706.03762", "paper", TITLE, 1)
    assert m.context.startswith("The dominant sequence transduction models")
    assert [page for _, page in doc.text_chunks] == [1, 2]


def test_a_pdf_and_a_roadmap_citing_its_arxiv_id_are_one_paper(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(
        corpus / "roadmap.md",
        "# Transformer\n- 必读论文 arXiv:1706.03762v5\n- [BERT](https://arxiv.org/pdf/1810.04805v2.pdf)\n",
    )
    stamped_pdf(corpus / "attention.pdf")
    settings = make_settings(corpus)

    report = ingest(settings, embedder=embedder)

    assert report.errors == [] and report.added == 2
    meta = MetaStore(settings.meta_path)
    papers = {r.url: r for r in meta.resources()}
    meta.close()
    assert set(papers) == {"https://arxiv.org/abs/1706.03762", "https://arxiv.org/abs/1810.04805"}
    attention = papers["https://arxiv.org/abs/1706.03762"]
    assert attention.kind == "paper"
    assert sorted(Path(s.file).name for s in attention.sources) == ["attention.pdf", "roadmap.md"]
    assert papers["https://arxiv.org/abs/1810.04805"].kind == "paper"
    assert report.chunks > 2  # the cards plus windows of the PDF's text
