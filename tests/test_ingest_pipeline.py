"""Ingest as a learner experiences it: incremental, idempotent, explained, and progress that survives."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_fixture, write

from studygraph.ingest.pipeline import ingest
from studygraph.store.meta import MetaStore
from studygraph.store.vectors import VectorStore

ROADMAP = """# Deep learning

## Transformer
- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)
- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)

## RLHF
DONE[InstructGPT explained](https://youtu.be/zfIGAwD1jOQ)
"""

OTHER = """# Notes
- [Attention Is All You Need](https://arxiv.org/abs/1706.03762?utm_source=x)
- [BERT paper](https://arxiv.org/abs/1810.04805)
"""


def state(settings):
    meta = MetaStore(settings.meta_path)
    vectors = VectorStore(settings.chroma_path)
    snapshot = {
        "resources": sorted(
            (
                r.id,
                r.url,
                r.title,
                r.kind,
                tuple(r.topics),
                tuple((Path(s.file).name, s.line, s.heading) for s in r.sources),
            )
            for r in meta.resources()
        ),
        "chunks": sorted(meta.chunk_ids()),
        "vectors": sorted(vectors.ids()),
        "state": meta.get_meta("state"),
    }
    meta.close()
    return snapshot


def test_first_ingest_then_nothing_changes(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    write(corpus / "b.md", OTHER)
    settings = make_settings(corpus)

    first = ingest(settings, embedder=embedder)
    assert (first.files, first.added, first.errors) == (2, 2, [])
    assert first.resources == 4  # the arXiv link in both files is one resource
    assert first.vectors_written == first.chunks

    again = ingest(settings, embedder=embedder)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert again.vectors_written == again.vectors_deleted == 0
    assert state(settings)["vectors"] == state(settings)["chunks"]


def test_duplicate_link_remembers_every_source(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    write(corpus / "b.md", OTHER)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path)
    paper = next(r for r in meta.resources() if r.url and "1706.03762" in r.url)
    assert sorted(Path(s.file).name for s in paper.sources) == ["a.md", "b.md"]
    assert "utm_source" not in paper.url


def test_editing_one_line_updates_only_that_file(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    a = write(corpus / "a.md", ROADMAP)
    write(corpus / "b.md", OTHER)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)
    before = state(settings)

    a.write_text(
        ROADMAP.replace("The Illustrated Transformer", "The Illustrated Transformer (Jay Alammar)"), encoding="utf-8"
    )
    report = ingest(settings, embedder=embedder)
    after = state(settings)

    assert (report.updated, report.unchanged) == (1, 1)
    # Its card and its gloss (which begins with the title) are the only vectors embedded again.
    new = set(after["chunks"]) - set(before["chunks"])
    assert report.vectors_written == report.vectors_deleted == len(new) == 2
    changed = set(after["resources"]) ^ set(before["resources"])
    assert {r[1] for r in changed} == {"https://jalammar.github.io/illustrated-transformer"}


def test_deleting_a_file_keeps_resources_another_file_cites(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    b = write(corpus / "b.md", OTHER)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)

    b.unlink()
    report = ingest(settings, embedder=embedder)
    urls = {r[1] for r in state(settings)["resources"]}
    assert report.removed == 1
    assert "https://arxiv.org/abs/1706.03762" in urls  # a.md still cites it
    assert "https://arxiv.org/abs/1810.04805" not in urls
    assert state(settings)["vectors"] == state(settings)["chunks"]


def test_progress_survives_a_changed_roadmap(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    a = write(corpus / "a.md", ROADMAP)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path)
    bert_free = next(r for r in meta.resources() if "illustrated" in (r.url or ""))
    meta.set_progress([bert_free.id, "topic:attention"], "done")
    meta.close()

    a.write_text("# Reordered\n\n" + ROADMAP.replace("## RLHF", "## Alignment"), encoding="utf-8")
    ingest(settings, embedder=embedder)
    meta = MetaStore(settings.meta_path)
    assert meta.progress() == {bert_free.id: "done", "topic:attention": "done"}


def test_done_marker_sets_status(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)
    done = [r for r in MetaStore(settings.meta_path).resources() if r.done]
    assert [r.url for r in done] == ["https://www.youtube.com/watch?v=zfIGAwD1jOQ"]


def test_broken_files_are_reported_and_the_rest_is_ingested(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "good.md", ROADMAP)
    (corpus / "binary.md").write_bytes(b"# title\nok line\n\x00\x01\x02 binary")
    (corpus / "latin1.md").write_bytes("# Caf\u00e9\n\nline two \u00e9\n".encode("latin-1"))
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "empty.md").write_text("", encoding="utf-8")
    settings = make_settings(corpus)

    report = ingest(settings, embedder=embedder)
    errors = {Path(e["file"]).name: e for e in report.errors}
    assert set(errors) == {"binary.md", "latin1.md", "broken.pdf"}
    assert errors["binary.md"]["line"] == 3
    assert errors["latin1.md"]["line"] == 1 and "UTF-8" in errors["latin1.md"]["message"]
    assert "PDF" in errors["broken.pdf"]["message"]
    assert report.resources == 3  # everything in good.md made it


def test_a_pdf_paper_becomes_a_resource_with_chunks(tmp_path, make_settings, embedder):
    pdf = copy_fixture("attention-note.pdf", tmp_path / "papers")
    settings = make_settings()
    report = ingest(settings, paths=[pdf], embedder=embedder)
    assert report.errors == [] and report.added == 1
    meta = MetaStore(settings.meta_path)
    (paper,) = meta.resources()
    assert paper.kind == "paper"
    assert paper.title == "A Short Note on Scaled Dot-Product Attention"
    assert paper.url is None  # the note cites arXiv:1706.03762 but is not that paper
    assert paper.topics[0] == "self-attention"  # "scaled dot-product attention" is its alias
    assert meta.counts()["chunks"] >= 2  # the card plus text windows


def test_explicit_paths_do_not_remove_the_rest(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    settings = make_settings(corpus)
    ingest(settings, embedder=embedder)
    extra = write(tmp_path / "elsewhere" / "c.md", "- [nanoGPT](https://github.com/karpathy/nanoGPT)\n")
    report = ingest(settings, paths=[extra], embedder=embedder)
    assert (report.added, report.removed) == (1, 0)
    assert report.resources == 4
    # A later default ingest still knows c.md (it was ingested explicitly) and changes nothing.
    again = ingest(settings, embedder=embedder)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)


def test_a_library_cut_by_an_older_studygraph_gets_its_glosses_embedded_and_nothing_else(
    tmp_path, make_settings, embedder, monkeypatch
):
    """No file changed, but the chunks are cut another way now (gloss chunks, chunk format 2): the next ingest
    rebuilds the chunks, embeds only the new ones (the cards are unchanged) and ends where a clean ingest of
    the same files ends."""
    from studygraph.config import load_settings
    from studygraph.ingest import library
    from studygraph.models import is_gloss

    corpus = tmp_path / "corpus"
    write(corpus / "a.md", ROADMAP)
    write(corpus / "b.md", OTHER)
    settings = make_settings(corpus)
    with monkeypatch.context() as older:  # as the version before glosses cut and recorded them
        older.setattr(library, "_gloss", lambda r, catalogue: "")
        older.setattr("studygraph.ingest.pipeline.CHUNKS_FORMAT", "1")
        ingest(settings, embedder=embedder)
    before = state(settings)
    assert not any(is_gloss(c) for c in before["chunks"])

    report = ingest(settings, embedder=embedder)
    after = state(settings)
    glosses = [c for c in after["chunks"] if is_gloss(c)]
    assert glosses and report.unchanged == 2 and report.vectors_deleted == 0
    assert report.vectors_written == len(glosses) == len(set(after["chunks"]) - set(before["chunks"]))
    assert after["resources"] == before["resources"] and after["vectors"] == after["chunks"]

    fresh = load_settings(data_dir=tmp_path / "fresh", corpus_dirs=[corpus], llm_backend="none")
    ingest(fresh, embedder=embedder)
    assert state(fresh) == after
    assert ingest(settings, embedder=embedder).vectors_written == 0  # and the next one has nothing to do
