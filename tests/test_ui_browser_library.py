"""A library you can tidy, in a real browser (chromium + Playwright against `streamlit run`, the fixtures
of tests/test_ui_browser.py): a binary renamed .md and a 6 MB roadmap are refused with one message each and
never saved, beside a good file's one outcome; the uploader advertises ingest's limits, not Streamlit's
200 MB; a file removed on the Library page takes its resources out of the page, `library` and search.

Its own small data dir (one roadmap kept, one to remove), not the seed library the other browser tests
share: these tests change what the library holds."""

from __future__ import annotations

import json
import re

import pytest
import test_ui_browser as browser
from conftest import write
from test_ui_browser import _open, _settle, _shot, _streamlit
from ui_consistency import assert_consistent

pytestmark = browser.pytestmark
page = browser.page  # the fixture, driving the `server` fixture of this module

GONE_URL = "https://example.org/a-note-to-remove"
KEPT_URL = "https://example.org/a-note-to-keep"
GOOD_URL = "https://example.org/a-fresh-upload"


def roadmap(title: str, url: str) -> str:
    return f"# {title}\n\n## Attention\n\n- [{title}]({url}) — attention, explained once more\n"


@pytest.fixture(scope="module")
def tidy_library(tmp_path_factory, embedder):
    from studygraph import Library

    data = tmp_path_factory.mktemp("tidy-data")
    write(data / "corpus" / "kept.md", roadmap("A note to keep", KEPT_URL))
    write(data / "corpus" / "gone.md", roadmap("A note to remove", GONE_URL))
    result = Library.open(data, embedder=embedder, corpus_dirs=[], llm_backend="none").ingest()
    assert not result.errors and result.report.resources == 2
    return data


@pytest.fixture(scope="module")
def server(tidy_library, tmp_path_factory):
    """The `page` fixture of tests/test_ui_browser.py drives this server."""
    log = tmp_path_factory.mktemp("tidy-log")
    with _streamlit(tidy_library, log, STUDYGRAPH_CORPUS_DIRS="[]", STUDYGRAPH_LLM_BACKEND="none") as url:
        yield url


def _main_text(page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def test_a_binary_and_an_oversized_upload_are_refused_and_never_saved(page, server, tidy_library, tmp_path):
    binary = tmp_path / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(4000))
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"- [x](https://example.org/x)\n" * 220_000)  # 6.4 MB of valid markdown
    good = write(tmp_path / "fresh.md", roadmap("A fresh upload", GOOD_URL))
    _open(page, server, "library")
    try:
        page.get_by_text("Add roadmaps or papers").click()
        uploader = page.get_by_test_id("stFileUploader")
        label = uploader.inner_text()
        assert "up to 5 MB" in label and "up to 60 MB" in label, label
        assert "200" not in label and "60MB" in label.replace(" ", ""), "Streamlit's own line says ingest's cap"
        uploader.locator("input[type=file]").set_input_files([str(binary), str(huge), str(good)])
        for name in ("photo.md", "huge.md", "fresh.md"):
            page.get_by_test_id("stFileChip").filter(has_text=name).first.wait_for()
        page.get_by_test_id("stFileChipIconSpinner").first.wait_for(state="detached")
        _settle(page)
        page.get_by_role("button", name="Save and ingest").click()
        page.locator(f"a[href='{GOOD_URL}']").first.wait_for(timeout=180_000)
        _settle(page, 180)
        errors = page.get_by_test_id("stAlertContentError").all_inner_texts()
        assert len(errors) == 2, errors
        assert "Not saved: photo.md" in errors[0] and "binary data" in errors[0]
        assert "Not saved: huge.md" in errors[1] and "over the 5 MB limit" in errors[1]
        saved = sorted(p.name for p in (tidy_library / "corpus").iterdir())
        assert saved == ["fresh.md", "gone.md", "kept.md"], "a refused file is never written"
        text = _main_text(page)
        for refused in ("photo.md", "huge.md"):
            assert text.count(refused) == 1, f"{refused}: one outcome only (no 'saved', no 'no links')\n{text}"
        assert "No links were found" not in text and "problem(s) while reading files" not in text
        assert page.get_by_test_id("stToast").count() == 0, "no 'Saved …' toast beside a refusal"
        assert_consistent(page, "en")
    finally:
        _shot(page, "ui-library-1-refused-uploads.png")


def test_removing_a_file_on_the_library_page_takes_its_resources_everywhere(
    page, server, tidy_library, embedder, capsys
):
    from test_cli_input import run_cli

    from studygraph import Library

    _open(page, server, "library")
    try:
        page.get_by_text(re.compile(r"^Files in the library \(\d+\)$")).click()
        row = page.locator("[class*=st-key-lib_file_]").filter(has_text="corpus/gone.md")
        row.get_by_role("button", name="Remove").click()
        _settle(page)
        confirm = page.locator(".st-key-lib_confirm")
        assert "Remove corpus/gone.md from the library?" in confirm.inner_text()
        assert_consistent(page, "en")
        _shot(page, "ui-library-2-confirm-removal.png")
        confirm.get_by_role("button", name="Yes, remove it").click()
        page.get_by_text(re.compile(r"Removed corpus/gone\.md: 1 resource\(s\) went with it")).first.wait_for(
            timeout=120_000
        )
        _settle(page)
        assert_consistent(page, "en")
        page.get_by_role("tab", name="Links").click()
        page.locator(f"[data-testid=stTabs] a[href='{KEPT_URL}']").first.wait_for()
        assert page.locator(f"a[href='{GONE_URL}']").count() == 0, "its resource left the page"
        assert "gone.md" not in page.locator("[data-testid=stTabs]").inner_text()
        assert not (tidy_library / "corpus" / "gone.md").exists(), "the upload copy is deleted"
        lib = Library.open(tidy_library, embedder=embedder, corpus_dirs=[], llm_backend="none")
        assert GONE_URL not in {r.url for r in lib.resources()} and KEPT_URL in {r.url for r in lib.resources()}
        assert GONE_URL not in {h.url for h in lib.search("a note to remove attention", k=10)}
        code, out, err = run_cli(capsys, tidy_library, "library", "--json")
        assert code == 0, err
        assert GONE_URL not in {r["url"] for r in json.loads(out)} and KEPT_URL in {r["url"] for r in json.loads(out)}
        code, out, err = run_cli(capsys, tidy_library, "search", "a note to remove attention", "--json")
        assert code == 0 and GONE_URL not in {h["url"] for h in json.loads(out)}, out

        # The other file removed with the CLI: the page says the same after a reload.
        code, out, err = run_cli(capsys, tidy_library, "remove", "kept.md", "--json")
        assert code == 0 and KEPT_URL in {r["url"] for r in json.loads(out)["resources_removed"]}, err
        _open(page, server, "library")
        page.get_by_text(re.compile(r"^Files in the library \(\d+\)$")).click()
        _settle(page)
        assert page.locator(f"a[href='{KEPT_URL}']").count() == 0
        assert page.locator("[class*=st-key-lib_file_]").filter(has_text="kept.md").count() == 0
        assert_consistent(page, "en")
    finally:
        _shot(page, "ui-library-3-after-removal.png")


def test_in_chinese_a_refused_upload_has_one_message_and_the_page_one_language(page, server, tidy_library, tmp_path):
    binary = tmp_path / "scan.md"
    binary.write_bytes(b"%PDF-1.7\n\x00\x01\x02" + bytes(3000))
    _open(page, server, "library")
    try:
        page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
        page.get_by_text("语言 / Language").wait_for()
        _settle(page)
        page.get_by_text("添加路线图或论文").click()
        uploader = page.get_by_test_id("stFileUploader")
        uploader.locator("input[type=file]").set_input_files([str(binary)])
        page.get_by_test_id("stFileChip").filter(has_text="scan.md").first.wait_for()
        page.get_by_test_id("stFileChipIconSpinner").first.wait_for(state="detached")
        _settle(page)
        page.get_by_role("button", name="保存并导入").click()
        page.get_by_test_id("stAlertContentError").first.wait_for(timeout=180_000)
        _settle(page, 180)
        (error,) = page.get_by_test_id("stAlertContentError").all_inner_texts()
        assert "未保存 scan.md" in error, error
        assert not (tidy_library / "corpus" / "scan.md").exists()
        assert page.get_by_test_id("stToast").count() == 0
        assert_consistent(page, "zh")
        page.get_by_text(re.compile(r"^资料库中的文件（\d+）$")).click()
        _settle(page)
        assert_consistent(page, "zh")
    finally:
        _shot(page, "ui-library-4-refused-in-chinese.png")
