"""The Library page's uploads and file removal without a browser (streamlit.testing.v1.AppTest): a file
ingest would refuse is never saved and gets one message naming it and the reason; a saved file gets one
outcome; a file removed from the page takes its resources with it and clears a report that named it."""

from __future__ import annotations

import pytest
from conftest import REPO, write
from streamlit.testing.v1 import AppTest

APP = str(REPO / "ui" / "app.py")
NOTE = "# My notes\n\n## Attention\n\n- [A unique page note](https://example.org/unique-page-note)\n"
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300)
BIG = b"- [x](https://example.org/x)\n" * 220_000  # 6.4 MB of valid markdown: over ingest's 5 MB


@pytest.fixture
def small_app(tmp_path, monkeypatch, embedder):
    """A data dir whose library is one uploaded roadmap, and the app pointed at it."""
    from studygraph import Library

    data = tmp_path / "data"
    write(data / "corpus" / "kept.md", NOTE.replace("unique-page-note", "kept-note"))
    Library.open(data, embedder=embedder, corpus_dirs=[], llm_backend="none").ingest()
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(data))
    monkeypatch.setenv("STUDYGRAPH_CORPUS_DIRS", "[]")
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "none")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("library_page.py").run()
    assert not at.exception and not at.error
    return at, data


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.success, *at.warning, *at.error, *at.info, *at.toast)]
    return "\n".join(parts)


def test_refused_uploads_are_never_saved_and_say_why_once(small_app):
    at, data = small_app
    at.file_uploader[0].set_value(
        [
            ("photo.md", BINARY, "text/markdown"),
            ("huge.md", BIG, "text/markdown"),
            ("mine.md", NOTE.encode(), "text/markdown"),
        ]
    ).run()
    at.button(key="lib_save").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 2, errors
    assert "photo.md" in errors[0] and "binary data" in errors[0]
    assert "huge.md" in errors[1] and "over the 5 MB limit" in errors[1]
    assert sorted(p.name for p in (data / "corpus").iterdir()) == ["kept.md", "mine.md"], "refused: never written"
    page = texts(at)
    assert "https://example.org/unique-page-note" in page, "the saved file's own outcome: its link"
    assert "photo.md" not in page.replace(errors[0], "") and "huge.md" not in page.replace(errors[1], ""), (
        "a refused file has one message, no 'saved' and no 'no links were found'"
    )
    assert not at.toast


def test_when_every_upload_is_refused_nothing_is_ingested(small_app):
    at, data = small_app
    at.file_uploader[0].set_value([("photo.md", BINARY, "text/markdown")]).run()
    at.button(key="lib_save").click().run()
    assert [e.value for e in at.error] and not at.success, "a refusal, and no ingest report beside it"
    assert not (data / "corpus" / "photo.md").exists()


def test_a_file_removed_from_the_page_takes_its_resources_and_the_report_naming_it(small_app):
    from studygraph import Library
    from studygraph.ui.library_page import file_key

    at, data = small_app
    at.file_uploader[0].set_value([("mine.md", NOTE.encode(), "text/markdown")]).run()
    at.button(key="lib_save").click().run()
    assert "https://example.org/unique-page-note" in texts(at)
    mine = str((data / "corpus" / "mine.md").resolve())

    at.button(key=f"lib_rm_{file_key(mine)}").click().run()
    assert "Remove corpus/mine.md from the library?" in texts(at)
    at.button(key="lib_rm_no").click().run()
    assert (data / "corpus" / "mine.md").exists(), "cancel removes nothing"

    at.button(key=f"lib_rm_{file_key(mine)}").click().run()
    at.button(key="lib_rm_yes").click().run()
    assert not at.exception and not at.error
    assert "Removed corpus/mine.md: 1 resource(s) went with it." in texts(at)
    assert "https://example.org/unique-page-note" not in texts(at), "the upload report naming it is gone"
    assert not (data / "corpus" / "mine.md").exists()
    urls = {r.url for r in Library.open(data).resources()}
    assert urls == {"https://example.org/kept-note"}
    assert len(at.dataframe[0].value) == 1


def test_the_uploader_says_ingests_limits_in_both_languages(small_app):
    at, _ = small_app
    assert at.file_uploader[0].label == "Markdown (.markdown, .md, .mdown, .txt) up to 5 MB, PDF up to 60 MB"
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.file_uploader[0].label == "Markdown（.markdown, .md, .mdown, .txt）最大 5 MB，PDF 最大 60 MB"
