"""Tidying a library: `Library.remove` / `studygraph remove` take one file out — the resources only it lists,
their chunks (Chroma vectors and the BM25 index), the topics learned from its sections, its graph evidence —
in one commit under the ingest lock; an upload's copy is deleted so no ingest brings it back, a file in a
roadmap folder comes back with that folder's next ingest. Uploads are checked with ingest's own checks
before they are saved (`Library.check_upload`), and the uploader's limits are ingest's."""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest
from conftest import FIXTURES, REPO, write
from test_cli_input import one_error_line, run_cli

SNN = FIXTURES / "learned" / "snn-speech.md"
ONLY_SNN = "https://arxiv.org/abs/2109.12894"  # listed by the spiking-networks roadmap alone
SHARED = "https://arxiv.org/abs/2106.09685"  # LoRA: both roadmaps list it
OTHER = """# Fine-tuning notes

## Fine-tuning and PEFT
- [LoRA: Low-Rank Adaptation](https://arxiv.org/abs/2106.09685) — adapters for fine-tuning large models
- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/) — attention, pictured
"""


@pytest.fixture
def two_roadmaps(tmp_path, embedder):
    """A roadmap folder with the spiking-networks/speech roadmap (it teaches the map two topics) and a second roadmap that
    shares one link with it, ingested into a tmp data dir with a real Chroma store."""
    from studygraph import Library

    corpus = tmp_path / "roadmaps"
    corpus.mkdir()
    shutil.copy(SNN, corpus / SNN.name)
    write(corpus / "finetune.md", OTHER)
    write(tmp_path / "data" / "config.toml", f"corpus_dirs = [{json.dumps(str(corpus))}]\nllm_backend = 'none'\n")
    lib = Library.open(tmp_path / "data", embedder=embedder)
    assert not lib.ingest().errors
    return lib, corpus


def urls(lib) -> set[str]:
    return {r.url for r in lib.resources()}


def vectors_of(lib) -> set[str]:
    from studygraph.store.vectors import VectorStore

    return VectorStore(lib.settings.chroma_path, None, lib.embedder.info).ids()


def chunk_ids(lib) -> set[str]:
    from studygraph.store.meta import MetaStore

    meta = MetaStore(lib.settings.meta_path, readonly=True)
    try:
        return meta.chunk_ids()
    finally:
        meta.close()


def test_removing_a_roadmap_takes_what_only_it_listed_out_of_library_search_and_the_map(two_roadmaps):
    lib, corpus = two_roadmaps
    lib.mark([ONLY_SNN], "done")
    assert ONLY_SNN in urls(lib) and any(x.learned for x in lib.catalogue.topics.values())
    assert ONLY_SNN in {
        h.url for h in lib.search("training spiking neural networks with lessons from deep learning", k=5)
    }

    result = lib.remove("snn-speech.md")  # a bare file name, since one file alone has it

    assert result.in_library and result.file.endswith("snn-speech.md") and not result.deleted_copy
    assert ONLY_SNN in {r.url for r in result.resources_removed} and SHARED not in {
        r.url for r in result.resources_removed
    }
    assert result.resources_kept == 1, "LoRA stays: finetune.md lists it too"
    assert result.learned_topics_removed and result.chunks_removed >= len(result.resources_removed)
    assert result.marks_kept == [next(r.id for r in result.resources_removed if r.url == ONLY_SNN)]
    assert result.returns_with == str(corpus.resolve()), "the roadmap folder still holds it"
    assert json.loads(json.dumps(result.to_dict()))["resources_removed"][0]["title"]

    assert urls(lib) == {SHARED, "https://jalammar.github.io/illustrated-transformer"}
    lora = next(r for r in lib.resources() if r.url == SHARED)
    assert [s.file for s in lora.sources] == [s.file for s in lora.sources if s.file.endswith("finetune.md")]
    hits = lib.search("training spiking neural networks with lessons from deep learning", k=10)
    assert ONLY_SNN not in {h.url for h in hits} and all(h.url in urls(lib) for h in hits)
    assert vectors_of(lib) == chunk_ids(lib), "no vector is left for a chunk that went"
    assert not any(t.learned for t in lib.catalogue.topics.values()), "the learned topics went with it"
    evidence = [e for edge in lib.topic_graph().edges for e in edge.evidence]
    assert evidence and not any("snn-speech" in e for e in evidence), "no edge cites the removed file"
    assert [f.file for f in lib.files()] == [f.file for f in lib.files() if f.file.endswith("finetune.md")]

    # The roadmap folder is the learner's: the next ingest of it reads the file again, its mark included.
    again = lib.ingest()
    assert again.report.added == 1 and ONLY_SNN in urls(lib)
    assert next(r for r in lib.resources() if r.url == ONLY_SNN).status == "done"


def test_removing_an_upload_deletes_its_copy_and_no_ingest_brings_it_back(tmp_path, embedder):
    from studygraph import Library

    lib = Library.open(tmp_path / "data", embedder=embedder, corpus_dirs=[], llm_backend="none")
    upload = write(lib.settings.uploads_dir / "my-notes.md", OTHER)
    lib.ingest()
    assert [(f.file, f.uploaded, f.resources) for f in lib.files()] == [("corpus/my-notes.md", True, 2)]

    result = lib.remove("corpus/my-notes.md")

    assert result.deleted_copy and result.returns_with is None and not upload.exists()
    assert lib.resources() == [] and lib.files() == [] and chunk_ids(lib) == set() and vectors_of(lib) == set()
    report = lib.ingest().report
    assert (report.files, report.added, report.resources) == (0, 0, 0), "nothing brings it back"


def test_a_refused_upload_left_in_the_data_dir_is_listed_with_its_reason_and_can_be_removed(tmp_path, embedder):
    """What older versions saved before checking: a binary renamed .md stays in the upload corpus and its
    error came back on every re-ingest. It is listed with ingest's reason, and removing it deletes it."""
    from studygraph import Library

    lib = Library.open(tmp_path / "data", embedder=embedder, corpus_dirs=[], llm_backend="none")
    write(lib.settings.uploads_dir / "good.md", OTHER)
    binary = lib.settings.uploads_dir / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert [e["file"] for e in lib.ingest().errors] == ["corpus/photo.md"]
    listed = {f.file: f for f in lib.files()}
    assert listed["corpus/good.md"].ingested and not listed["corpus/photo.md"].ingested
    assert "binary data" in listed["corpus/photo.md"].problem

    result = lib.remove("photo.md")

    assert not result.in_library and result.deleted_copy and not binary.exists()
    assert not lib.ingest().errors, "its error does not come back"
    assert urls(lib) == {SHARED, "https://jalammar.github.io/illustrated-transformer"}


def test_a_removal_that_fails_before_its_commit_leaves_the_old_library_and_the_next_ingest_finishes_it(
    tmp_path, embedder, monkeypatch
):
    """The commit is the moment of removal: a failure in it (disk full, a crash) rolls SQLite back, so readers
    keep the whole old library; the upload's copy is already gone, so the next ingest drops the file."""
    from studygraph import Library
    from studygraph.store.meta import MetaStore

    lib = Library.open(tmp_path / "data", embedder=embedder, corpus_dirs=[], llm_backend="none")
    write(lib.settings.uploads_dir / "kept.md", OTHER)
    gone = write(lib.settings.uploads_dir / "gone.md", "# Gone\n\n- [A page to drop](https://example.org/drop)\n")
    lib.ingest()
    before = urls(lib)

    def disk_full(self, resources, chunks):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MetaStore, "replace_library", disk_full)
    with pytest.raises(OSError, match="No space left"):
        lib.remove("gone.md")
    monkeypatch.undo()
    assert urls(lib) == before and not gone.exists()

    report = lib.ingest().report
    assert report.removed == 1 and "https://example.org/drop" not in urls(lib)
    assert vectors_of(lib) == chunk_ids(lib)


def test_remove_waits_for_a_running_ingest_and_then_says_so(two_roadmaps):
    from studygraph import Library
    from studygraph.errors import IngestBusy
    from studygraph.store.lock import writer_lock

    lib, corpus = two_roadmaps
    impatient = Library.open(lib.settings.data_dir, ingest_lock_timeout=0)
    with writer_lock(lib.settings.data_dir, 0), pytest.raises(IngestBusy, match="another ingest is running"):
        impatient.remove("finetune.md")
    assert SHARED in urls(lib) and (corpus / "finetune.md").exists()


# -- the CLI ---------------------------------------------------------------------------------------------
def test_cli_remove_json_then_library_and_search_no_longer_have_it(two_roadmaps, capsys):
    lib, _ = two_roadmaps
    data = lib.settings.data_dir
    code, out, err = run_cli(capsys, data, "remove", "snn-speech.md", "--json")
    assert code == 0, err
    removed = json.loads(out)
    assert removed["in_library"] and ONLY_SNN in {r["url"] for r in removed["resources_removed"]}
    assert "the next ingest adds it again" in err, "the human note about the roadmap folder is on stderr"

    code, out, _ = run_cli(capsys, data, "library", "--json")
    assert code == 0 and ONLY_SNN not in {r["url"] for r in json.loads(out)}
    code, out, _ = run_cli(capsys, data, "search", "spiking neural networks training", "--json")
    assert code == 0 and ONLY_SNN not in {h["url"] for h in json.loads(out)}

    code, out, err = run_cli(capsys, data, "remove", "finetune.md")
    assert code == 0 and out.startswith("removed ") and "2 resources" in out


def test_cli_remove_of_a_file_not_in_the_library_is_one_error_naming_it(two_roadmaps, capsys):
    lib, _ = two_roadmaps
    before = urls(lib)
    code, out, err = run_cli(capsys, lib.settings.data_dir, "remove", "no-such-roadmap.md", "--json")
    assert code == 1 and out == ""
    assert "'no-such-roadmap.md' is not in the library" in one_error_line(err)
    assert urls(lib) == before


def test_cli_remove_without_a_library_says_so(tmp_path, capsys):
    code, _, err = run_cli(capsys, tmp_path / "empty", "remove", "x.md")
    assert code == 1 and "no library" in one_error_line(err)


# -- uploads are checked as ingest checks, before they are saved ----------------------------------------
@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary data (NUL byte)"),
        ("big.md", b"- [x](https://example.org/x)\n" * 220_000, "over the 5 MB limit for markdown files"),
        ("latin1.md", "# Caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
        ("fake.pdf", b"this is no PDF at all", "pypdf cannot read this PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type .docx"),
    ],
)
def test_check_upload_gives_ingests_reason(name, data, reason):
    from studygraph import Library

    assert reason in (Library.check_upload(name, data) or "")


def test_check_upload_accepts_what_ingest_reads():
    from studygraph import Library

    assert Library.check_upload("roadmap.md", OTHER.encode()) is None
    assert Library.check_upload("paper.pdf", (FIXTURES / "attention-note.pdf").read_bytes()) is None


def test_the_uploaders_limits_are_ingests():
    """The app's uploader (per widget) and Streamlit's server cap advertise what ingest reads, nothing more."""
    from studygraph import Library
    from studygraph.ingest.files import MAX_MARKDOWN_BYTES, MAX_PDF_BYTES, SUPPORTED

    limits = Library.upload_limits()
    assert set(limits.suffixes) == SUPPORTED
    assert limits.max_mb[".md"] * 2**20 == MAX_MARKDOWN_BYTES and limits.max_mb[".pdf"] * 2**20 == MAX_PDF_BYTES
    server = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["maxUploadSize"] == limits.largest_mb
