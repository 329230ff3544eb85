"""The four seed roadmaps, ingested: every link exactly once, titled, sourced; the books without links kept.

The expected URLs come from a plain regex over the raw files, independent of the markdown parser, so a
link the AST walk misses (or invents) shows up here.
"""

from __future__ import annotations

import re

from conftest import CORPUS

from studygraph.ingest.urls import normalize_url
from studygraph.store.meta import MetaStore

RAW_URL = re.compile(r"https?://[^\s<>()\[\]\"'，。、）]+")
GENERIC = {"材料", "网站", "代码", "github", "website", "b 站视频", "b站视频", "link", "here", "链接", "[2023]", "2023"}


def seed_urls() -> dict[str, list[str]]:
    """normalised URL -> the raw spellings found in the seed files."""
    found: dict[str, list[str]] = {}
    for path in sorted(CORPUS.rglob("*.md")):
        for raw in RAW_URL.findall(path.read_text(encoding="utf-8")):
            norm = normalize_url(raw.rstrip(".,;:!?*"))
            if norm:
                found.setdefault(norm, []).append(raw)
    return found


def test_every_seed_link_is_one_resource_with_a_real_title_and_its_sources(seed_library):
    settings, report = seed_library
    assert report.errors == []
    library = MetaStore(settings.meta_path, readonly=True).resources()
    by_url: dict[str, list] = {}
    for r in library:
        if r.url:
            by_url.setdefault(r.url, []).append(r)

    expected = seed_urls()
    assert len(expected) > 90
    assert sorted(u for u in expected if u not in by_url) == []  # nothing missed
    assert sorted(u for u in by_url if u not in expected) == []  # nothing invented
    assert [u for u, rs in by_url.items() if len(rs) > 1] == []  # nothing twice

    for r in library:
        assert r.sources and all(s.file.endswith(".md") and s.line > 0 for s in r.sources), r
        assert r.title.strip().casefold() not in GENERIC, r
        if r.url:
            assert not re.search(r"[?&](utm_\w+|vd_source|share_source|spm_id_from|feature=share)", r.url), r.url


def test_links_repeated_across_roadmaps_remember_every_file(seed_library):
    settings, _ = seed_library
    library = MetaStore(settings.meta_path, readonly=True).resources()
    spellings = seed_urls()
    repeated = [r for r in library if r.url and len(spellings.get(r.url, [])) > 1]
    assert repeated, "the seeds share links (e.g. the Transformer paper-reading video)"
    for r in repeated:
        assert len(r.sources) >= 2, r


def test_books_without_links_are_resources_too(seed_library):
    settings, _ = seed_library
    books = [r for r in MetaStore(settings.meta_path, readonly=True).resources() if r.url is None]
    assert len(books) >= 5
    assert any("Speech and Language Processing" in b.title for b in books)
    assert all(b.kind == "book" for b in books)
