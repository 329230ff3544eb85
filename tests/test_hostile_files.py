"""Hostile files through the real ingest: each bad file is one clear error naming it, the rest is ingested,
and nothing is written outside the data dir.

test_ingest_pipeline.py already covers a NUL-binary .md, a latin-1 .md at line 1, a fake PDF and an empty file;
this adds what a long-lived library meets later: files over the size cap, bad bytes deep in a file, a truncated
PDF, UTF-16 from Windows editors, symlink loops and dangling links, non-ASCII and undecodable file names,
FIFOs, and explicit paths with '../' or outside every corpus.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, write

from studygraph.ingest.pipeline import ingest
from studygraph.store.meta import MetaStore

GOOD = "# Good\n- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n"
CJK = "# 中文路线图\n- 吴恩达深度学习课程：[B 站视频](https://www.bilibili.com/video/BV1F4411y7BA?vd_source=abc)\n"


def snapshot(root: Path, skip: Path | None = None) -> dict[str, tuple[int, int]]:
    """Every file and folder under root (not following links) with size and mtime, except under `skip`."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if skip is not None:
            dirnames[:] = [d for d in dirnames if Path(dirpath, d).absolute() != skip.absolute()]
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            seen[os.fsdecode(bytes(p))] = (st.st_size, st.st_mtime_ns)
    return seen


def errors_by_name(report) -> dict[str, dict]:
    return {Path(e["file"]).name: e for e in report.errors}


def urls(settings) -> set[str]:
    meta = MetaStore(settings.meta_path)
    try:
        return {r.url for r in meta.resources() if r.url}
    finally:
        meta.close()


@pytest.fixture
def hostile_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "good.md", GOOD)
    write(corpus / "路线图 ✓ (2024).md", CJK)
    write(corpus / "nested" / "deeper" / "café.md", "# Café\n- [Attention](https://arxiv.org/pdf/1706.03762v5)\n")
    (corpus / "utf16.md").write_bytes("# UTF-16\n- [BERT paper](https://arxiv.org/abs/1810.04805)\n".encode("utf-16"))
    # Over the 5 MB cap: refused by size before it is read.
    (corpus / "huge.md").write_bytes(b"- [x](https://example.org/x)\n" * 200_000)
    # Valid for 5000 lines, then one latin-1 byte.
    (corpus / "late-latin1.md").write_bytes(b"# ok\n" * 5000 + "caf\u00e9\n".encode("latin-1"))
    # A real PDF cut in half (a download that did not finish).
    pdf = (FIXTURES / "attention-note.pdf").read_bytes()
    (corpus / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    # Links: a folder loop, a file loop, a dangling link, a link out of the corpus.
    (corpus / "nested" / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "self.md").symlink_to(corpus / "self.md")
    (corpus / "dangling.md").symlink_to(corpus / "nowhere.md")
    outside = write(tmp_path / "private" / "secret.md", "# Secret\n- [secret](https://secret.example.org/)\n")
    (corpus / "leak.md").symlink_to(outside)
    (corpus / "linked-folder").symlink_to(outside.parent, target_is_directory=True)
    # A file name that is not UTF-8 (Linux allows any bytes).
    if sys.platform.startswith("linux"):
        with open(os.path.join(os.fsencode(corpus), b"caf\xe9-latin1-name.md"), "wb") as f:
            f.write(b"# name\n- [D](https://example.org/d)\n")
    # A FIFO named like markdown: reading it would block forever.
    os.mkfifo(corpus / "pipe.md")
    return corpus


def test_hostile_corpus_gives_one_clear_error_per_bad_file(tmp_path, hostile_corpus, make_settings, embedder):
    settings = make_settings(hostile_corpus)
    before = snapshot(tmp_path, skip=settings.data_dir)

    report = ingest(settings, embedder=embedder)

    errors = errors_by_name(report)
    expected = {
        "huge.md",
        "late-latin1.md",
        "truncated.pdf",
        "loop",
        "self.md",
        "dangling.md",
        "leak.md",
        "linked-folder",
    }
    if sys.platform.startswith("linux"):
        expected.add("caf\\xe9-latin1-name.md")  # printed with the bad byte escaped, never crashing the ingest
    assert set(errors) == expected, report.errors
    assert "MB" in errors["huge.md"]["message"] and "limit" in errors["huge.md"]["message"]
    assert errors["late-latin1.md"]["line"] == 5001 and "UTF-8" in errors["late-latin1.md"]["message"]
    assert "PDF" in errors["truncated.pdf"]["message"]
    assert "loop" in errors["loop"]["message"] and "loop" in errors["self.md"]["message"]
    assert "broken symlink" in errors["dangling.md"]["message"]
    assert "outside the corpus" in errors["leak.md"]["message"]
    assert "not followed" in errors["linked-folder"]["message"]
    for e in report.errors:  # every error names its file, as text that can be printed and stored
        assert e["file"] and e["message"]
        e["file"].encode("utf-8")

    # Everything else made it in, with non-ASCII names intact.
    assert urls(settings) == {
        "https://jalammar.github.io/illustrated-transformer",
        "https://www.bilibili.com/video/BV1F4411y7BA",
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/abs/1810.04805",
    }
    assert report.file_status[next(f for f in report.file_status if f.endswith("路线图 ✓ (2024).md"))] == "added"
    assert "secret.example.org" not in str(urls(settings))

    # Nothing was written outside the data dir: not next to the corpus files, not beside the private file.
    assert snapshot(tmp_path, skip=settings.data_dir) == before

    # The bad files stay reported on the next run (not silently "unchanged"); the good ones are unchanged.
    again = ingest(settings, embedder=embedder)
    assert set(errors_by_name(again)) == expected
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)


@pytest.mark.slow
def test_a_50_mb_file_is_refused_without_being_read(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    write(corpus / "good.md", GOOD)
    with open(corpus / "fifty.md", "wb") as f:  # sparse: 50 MB on paper, a few bytes on disk
        f.write(b"# Fifty\n")
        f.seek(50 * 1024 * 1024)
        f.write(b"- [end](https://example.org/end)\n")
    settings = make_settings(corpus)
    report = ingest(settings, embedder=embedder)
    assert [Path(e["file"]).name for e in report.errors] == ["fifty.md"]
    assert "52.4 MB" in report.errors[0]["message"]
    assert urls(settings) == {"https://jalammar.github.io/illustrated-transformer"}


def test_explicit_paths_with_dotdot_or_outside_every_corpus(tmp_path, make_settings, embedder, monkeypatch):
    settings = make_settings()
    elsewhere = write(tmp_path / "elsewhere" / "notes.md", CJK)
    abs_dir = tmp_path / "abs-dir"
    write(abs_dir / "one.md", GOOD)
    key = write(tmp_path / "home" / ".ssh" / "id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
    work = tmp_path / "work" / "sub"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # anything written relative to the cwd would show up here
    before = snapshot(tmp_path, skip=settings.data_dir)

    report = ingest(
        settings,
        embedder=embedder,
        paths=[
            Path("../../elsewhere/notes.md"),  # relative with '..': allowed, stored under its real path
            abs_dir,  # an absolute folder outside every corpus
            Path("../../elsewhere/missing.md"),
            key,  # not markdown (an absolute path to a private file): refused, never read
        ],
    )

    errors = {e["file"]: e["message"] for e in report.errors}
    assert errors == {
        "../../elsewhere/missing.md": "no such file or directory",
        str(key): "unsupported file type (none): use .md or .pdf",
    }
    assert report.added == 2
    assert urls(settings) == {
        "https://www.bilibili.com/video/BV1F4411y7BA",
        "https://jalammar.github.io/illustrated-transformer",
    }
    meta = MetaStore(settings.meta_path)
    files = [Path(s.file) for r in meta.resources() for s in r.sources]
    meta.close()
    assert all(".." not in f.parts for f in files), files  # sources name real paths, never '../'
    assert elsewhere.resolve() in {f.resolve() for f in files}
    assert snapshot(tmp_path, skip=settings.data_dir) == before


def test_a_list_nested_past_the_limit_is_reported_and_the_rest_of_the_file_ingested(tmp_path, make_settings, embedder):
    corpus = tmp_path / "corpus"
    deep = "".join("  " * i + f"- [Lesson {i}](https://example.org/lesson/{i})\n" for i in range(40))
    write(corpus / "deep.md", GOOD + deep + "\n## Transformer\n- [Attention](https://arxiv.org/abs/1706.03762)\n")
    settings = make_settings(corpus)
    report = ingest(settings, embedder=embedder)
    (error,) = report.errors
    assert (Path(error["file"]).name, error["line"]) == ("deep.md", 35) and "nested deeper" in error["message"]
    assert urls(settings) >= {
        "https://jalammar.github.io/illustrated-transformer",
        "https://example.org/lesson/39",
        "https://arxiv.org/abs/1706.03762",
    }
    again = ingest(settings, embedder=embedder)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 1)
