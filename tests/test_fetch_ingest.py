"""`ingest --fetch` end to end, against a real web site on 127.0.0.1 (tests/fetch_site.py): a link's page
text makes it findable, a generic anchor takes its page's title, faults are reported per URL and lose
nothing, a second fetch downloads nothing, and without STUDYGRAPH_FETCH_ALLOW_PRIVATE nothing reaches the
loopback site at all."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO
from fetch_site import LoopbackSite

SG = str(Path(sys.executable).with_name("studygraph"))


def roadmap(site: LoopbackSite, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = f"""# 我的学习资料

## 训练技巧
- 材料: {site.url("/en.html")}
- {site.url("/zh.html")}
- [网站]({site.url("/injection.html")})
- [PDF]({site.url("/paper.pdf")})

## 待整理
- [An old blog post I liked](http://127.0.0.1:{site.port}/missing)
- [A page that never answers](http://127.0.0.1:{site.port}/hang)
"""
    path = folder / "fetch-roadmap.md"
    path.write_text(text, encoding="utf-8")
    return path


def by_url(settings) -> dict:
    from studygraph.store.meta import MetaStore

    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        return {r.url: r for r in meta.resources()}
    finally:
        meta.close()


@pytest.fixture
def site():
    with LoopbackSite() as s:
        yield s


@pytest.fixture
def fetched(site, tmp_path, make_settings, embedder):
    """The roadmap ingested with --fetch, private addresses allowed (the site is on loopback)."""
    from studygraph.ingest.pipeline import ingest

    corpus = tmp_path / "roadmaps"
    roadmap(site, corpus)
    settings = make_settings(corpus, fetch_allow_private=True, fetch_timeout=1.5, fetch_page_seconds=4)
    started = time.monotonic()
    report = ingest(settings, embedder=embedder, fetch=True)
    return settings, report, time.monotonic() - started


def test_a_generic_anchor_takes_its_pages_title_and_faults_lose_nothing(fetched, site):
    settings, report, seconds = fetched
    assert report.errors == [] and report.fetch is not None
    resources = by_url(settings)
    en = resources[site.url("/en.html")]
    assert "Gradient Tricks for Small Transformers" in en.title  # was "训练技巧 — 材料"-like before
    assert "注意力机制入门笔记" in resources[site.url("/zh.html")].title
    # A link whose own text names it keeps that name.
    assert resources[f"http://127.0.0.1:{site.port}/missing"].title == "An old blog post I liked"

    fetch = report.fetch
    assert fetch["fetched"] == 4 and fetch["failed"] == 2, fetch
    reasons = {f["url"].rsplit("/", 1)[-1]: f["reason"] for f in fetch["failures"]}
    assert reasons["missing"] == "HTTP 404" and "timed out" in reasons["hang"]
    # The dead page costs its timeout, not minutes; the failed links are still resources.
    assert seconds < 25
    assert {f"http://127.0.0.1:{site.port}/missing", f"http://127.0.0.1:{site.port}/hang"} <= set(resources)
    assert report.pages == 4


def test_a_phrase_only_in_a_pages_body_finds_it_in_both_languages(fetched, site):
    settings, _, _ = fetched
    for query, path in (("the quokka gradient trick", "/en.html"), ("量子鹦鹉注意力", "/zh.html")):
        out = subprocess.run(
            [SG, "search", query, "-k", "3", "--json", "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        urls = [r["url"] for r in json.loads(out.stdout)]
        assert site.url(path) in urls, (query, urls)


def test_ask_cites_the_resource_only_its_page_text_could_find(fetched, site):
    from studygraph.assistant.engine import Assistant

    settings, _, _ = fetched
    answer = Assistant(settings).ask("where is a good explanation of the quokka gradient trick?")
    assert site.url("/en.html") in [c.url for c in answer.citations], answer.text
    corpus = set(by_url(settings))
    assert all(c.url in corpus for c in answer.citations if c.url)


def test_injected_lines_in_a_page_never_enter_the_library(fetched, site):
    settings, _, _ = fetched
    db = sqlite3.connect(settings.meta_path)
    texts = [row[0] for row in db.execute("SELECT text FROM chunks")]
    db.close()
    assert any("Byte-pair encoding" in t for t in texts), "the page's real text is there"
    assert not any("Ignore all previous instructions" in t or "evil.example" in t for t in texts)
    # A link inside a fetched page is never a resource, so it can never be cited.
    assert not any("example.org/quokka-paper" in (url or "") for url in by_url(settings))


def test_a_second_fetch_downloads_nothing_and_ingest_without_fetch_never_asks(fetched, site, embedder):
    from studygraph.ingest.pipeline import ingest

    settings, _, _ = fetched
    before = site.total()
    again = ingest(settings, embedder=embedder, fetch=True)
    assert again.fetch["fetched"] == 0 and again.fetch["cached"] == 4, again.fetch
    assert again.vectors_written == 0 and again.pages == 4
    # Only the two pages that failed are asked again (a failure is not cached as a page).
    assert {p for p, _ in site.requests[before:]} <= {"/missing", "/hang"}

    before = site.total()
    plain = ingest(settings, embedder=embedder)
    assert plain.fetch is None and plain.pages == 4 and site.total() == before
    assert "Gradient Tricks" in by_url(settings)[site.url("/en.html")].title


def test_without_the_private_switch_no_request_reaches_the_loopback_site(site, tmp_path, make_settings, embedder):
    from studygraph.ingest.pipeline import ingest

    corpus = tmp_path / "roadmaps"
    roadmap(site, corpus)
    settings = make_settings(corpus)
    assert not settings.fetch_allow_private
    report = ingest(settings, embedder=embedder, fetch=True)
    assert site.total() == 0
    assert report.fetch["failed"] == 6 and all("refused" in f["reason"] for f in report.fetch["failures"])
    assert report.errors == [] and len(by_url(settings)) == 6


def test_kill_9_during_a_fetch_leaves_cache_and_library_consistent(site, tmp_path):
    corpus = tmp_path / "roadmaps"
    pages = "\n".join(f"- 链接: {site.url(f'/slow/{n}')}" for n in range(40))
    (corpus).mkdir()
    (corpus / "slow.md").write_text(f"# Slow\n\n## Pages\n{pages}\n", encoding="utf-8")
    env = dict(os.environ, STUDYGRAPH_FETCH_ALLOW_PRIVATE="1", STUDYGRAPH_LLM_BACKEND="none")
    args = [SG, "ingest", str(corpus), "--fetch", "--json", "--data-dir", str(tmp_path / "data")]
    proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while site.total() < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert site.total() >= 8

    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["fetch"]["failed"] == 0 and report["pages"] == 40
    # Pages the killed run finished were kept: the second run fetched only the rest.
    assert report["fetch"]["cached"] >= 1 and report["fetch"]["fetched"] + report["fetch"]["cached"] == 40
    check = subprocess.run(
        [SG, "stats", "--json", "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, cwd=REPO
    )
    assert json.loads(check.stdout)["resources"] == 40


def test_a_library_from_before_the_named_column_is_upgraded(tmp_path):
    from studygraph.store.meta import MetaStore

    path = tmp_path / "meta.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES('schema_version', '1');"
        "CREATE TABLE files(path TEXT PRIMARY KEY, root TEXT NOT NULL, display TEXT NOT NULL, hash TEXT NOT NULL,"
        " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', error TEXT);"
        "INSERT INTO files VALUES('/a.md', '/', 'a.md', 'abc', 1, 1, '', NULL);"
        "CREATE TABLE mentions(file TEXT NOT NULL, line INTEGER NOT NULL, resource_id TEXT NOT NULL, url TEXT,"
        " title TEXT NOT NULL, kind TEXT NOT NULL, context TEXT NOT NULL, heading TEXT NOT NULL, done INTEGER NOT NULL);"
        "INSERT INTO mentions VALUES('a.md', 1, 'r1', 'https://x.org/', 'X', 'website', '', '', 0);"
    )
    db.commit()
    db.close()
    meta = MetaStore(path)
    assert meta.mentions()[0].named is True
    assert meta.files()["/a.md"]["hash"] == ""  # the next ingest parses the file again
    meta.close()


def test_the_library_page_fetches_linked_pages_when_switched_on(site, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    corpus = tmp_path / "roadmaps"
    roadmap(site, corpus)
    monkeypatch.setenv("STUDYGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDYGRAPH_CORPUS_DIRS", json.dumps([str(corpus)]))
    monkeypatch.setenv("STUDYGRAPH_LLM_BACKEND", "none")
    monkeypatch.setenv("STUDYGRAPH_FETCH_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("STUDYGRAPH_FETCH_TIMEOUT", "1")
    at = AppTest.from_file(str(REPO / "ui" / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("library_page.py").run()
    at.button(key="lib_reingest").click().run()
    assert not at.exception and not at.error
    assert site.total() == 0, "re-ingest without the switch never fetches"

    at.toggle(key="lib_fetch").set_value(True).run()
    at.button(key="lib_reingest").click().run()
    assert not at.exception and not at.error
    assert site.count("/en.html") == 1
    info = " ".join(i.value for i in at.info)
    assert "Pages: 4 fetched" in info and "2 failed" in info
    failures = next(e for e in at.expander if "could not be fetched" in e.label)
    assert "HTTP 404" in failures.markdown[0].value
