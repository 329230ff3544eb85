"""The library from its rows: mentions merged into resources, resources and texts cut into chunks.

Pure functions of what the files contributed (and of the fetched pages the cache holds), so that ingest
can compute the whole new library in memory before committing any of it (see ingest/pipeline.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from studygraph.graph.catalogue import Catalogue, both_names
from studygraph.graph.names import names_for
from studygraph.graph.tagging import Evidence, mentioned_topics, tagger_for
from studygraph.ingest.titles import shorten
from studygraph.models import GLOSS_PREFIX, Chunk, Resource, Source
from studygraph.quarantine import clean_lines, quarantined, suspicious
from studygraph.store.meta import DocTextRow, MentionRow
from studygraph.store.pages import Page

PAPER_CHUNK_CHARS = 1200
# A page's first 12,000 characters (about ten chunks): what a page is about is said early, and embedding
# every word of 200 long pages would make a fetch ingest minutes slower for little recall.
PAGE_TEXT_CHARS = 12_000
# What make_chunks makes, as a version: ingest rebuilds the chunks of a library made by another version even
# when no file changed (only the chunks whose text changed are embedded again). 2: gloss chunks. 3: a gloss for
# every resource, with its kind and the identities its title and URL name, in both languages (graph/names.py).
CHUNKS_FORMAT = "3"


def page_text(page: Page) -> str:
    """A fetched page's text as library text: lines that address a model (prompt injection) never enter the
    index, the same quarantine roadmap lines get; the links inside the page were never kept."""
    lines = [ln for ln in clean_lines(page.text) if ln.strip()]
    return "\n".join(lines)[:PAGE_TEXT_CHARS]


def page_title(page: Page) -> str:
    """A page's title, if it is one a learner should see (not empty, not an instruction to a model)."""
    title = " ".join(page.title.split())
    return "" if not title or suspicious(title) else shorten(title)


def merge_resources(
    mentions: list[MentionRow],
    catalogue: Catalogue,
    pages: dict[str, Page] | None = None,
    doc_text: list[DocTextRow] | None = None,
) -> list[Resource]:
    """One resource per id; the first mention (by file, line) names it, every mention is a source. Where no
    mention's link text names it (材料, a bare URL), a fetched page's own title does. Its topics come from
    all it has: title, lines, headings, and its fetched page's or PDF's text (graph/tagging.py)."""
    grouped: dict[str, list[MentionRow]] = defaultdict(list)
    links_on: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        grouped[m.resource_id].append(m)
        links_on[(m.file, m.line)].add(m.title)
    paper_text: dict[str, str] = defaultdict(str)
    for t in doc_text or []:
        if len(paper_text[t.resource_id]) < PAGE_TEXT_CHARS:
            paper_text[t.resource_id] += t.text + "\n"
    tagger = tagger_for(catalogue)
    resources = []
    for rid, ms in grouped.items():
        first = ms[0]
        kinds = Counter(m.kind for m in ms if m.kind != "website")
        # A context that addresses a model goes first, so the cut to 800 characters never hides it.
        contexts = sorted(dict.fromkeys(m.context for m in ms if m.context), key=lambda c: not suspicious(c))
        headings = list(dict.fromkeys(m.heading for m in ms if m.heading))
        page = (pages or {}).get(first.url) if first.url else None
        unnamed = not any(m.named for m in ms)
        resource = Resource(
            id=rid,
            url=first.url,
            title=page_title(page) if unnamed and page and page_title(page) else first.title,
            kind=kinds.most_common(1)[0][0] if kinds else first.kind,
            sources=[Source(m.file, m.line, m.heading) for m in ms],
            context=" | ".join(contexts)[:800],
            done=any(m.done for m in ms),
            minutes=next((m.minutes for m in ms if m.minutes), None),
        )
        evidence = Evidence(
            title=resource.title,
            lines=tuple(contexts),
            headings=tuple(h.split(" > ")[-1] for h in headings),
            text=page_text(page) if page else paper_text.get(rid, "")[:PAGE_TEXT_CHARS],
            links=tuple(sorted({link for m in ms for link in links_on[(m.file, m.line)]})),
        )
        resource.topics = tagger.topics(evidence)
        resources.append(resource)
    resources.sort(key=lambda r: r.id)
    return resources


def make_chunks(
    resources: list[Resource], doc_text: list[DocTextRow], catalogue: Catalogue, pages: dict[str, Page] | None = None
) -> list[Chunk]:
    """A resource card per resource, plus windows of paper text and of fetched page text. Topic names in
    both languages go into the card, so that a Chinese question finds an English-titled resource by its
    topic, and the reverse (for BM25 and for an embedder that knows one language only): the topics it is
    about, then the others its title, lines and headings mention. Every resource also gets a gloss chunk: its
    title, its kind, who made or hosts it and what its curated topics mean, in English and Chinese (`_gloss`),
    so that a paraphrase sharing no word with the title ("让小模型学习大模型的输出", "Beijing Academy of Artificial
    Intelligence's pretrained model" for 智源“悟道”) meets the resource; a chunk of its own, so the card's
    embedding is not diluted. A quarantined resource gets none: its words are never embedded, indexed or found."""
    chunks = []
    held = {r.id for r in resources if quarantined(r.title, r.context)}
    resources = [r for r in resources if r.id not in held]
    for r in resources:
        chunks.append(_chunk(r.id, _card(r, catalogue)))
        gloss = _gloss(r, catalogue)
        if gloss:
            chunks.append(_chunk(r.id, gloss, GLOSS_PREFIX))
    texts = [(t.resource_id, t.text) for t in doc_text if t.resource_id not in held]
    texts += [(r.id, page_text(pages[r.url])) for r in resources if pages and r.url in pages]
    for resource_id, text in texts:
        for start in range(0, len(text), PAPER_CHUNK_CHARS - 200):
            piece = text[start : start + PAPER_CHUNK_CHARS]
            if len(piece) > 80:
                chunks.append(_chunk(resource_id, piece))
    unique = {c.id: c for c in chunks}
    return sorted(unique.values(), key=lambda c: c.id)


def _card(r: Resource, catalogue: Catalogue) -> str:
    """Title; kind, its topics' names and the topics it mentions; the heading it was found under; its context."""
    topic_names = ", ".join(both_names(catalogue.topics[t]) for t in r.topics if t in catalogue.topics)
    also = [t for t in mentioned_topics(r, catalogue) if t not in r.topics][: max(0, 6 - len(r.topics))]
    also_names = ", ".join(both_names(catalogue.topics[t]) for t in also if t in catalogue.topics)
    heading = r.sources[0].heading if r.sources else ""
    about = f"{r.kind}; topics: {topic_names}" if topic_names else r.kind
    about += f"; mentions: {also_names}" if also_names else ""
    return "\n".join(x for x in (r.title, about, heading, r.context) if x)


def _gloss(r: Resource, catalogue: Catalogue) -> str:
    """The resource's title; its kind in both languages; who made or hosts it, as its title and URL name them
    (graph/names.py: "李沐", "zhihu.com", "github.com/THUDM"), each in English and Chinese; then the
    descriptions of the curated topics it is about, in both languages. Every resource has one, so a bare
    Chinese title with no curated topic ("通往 AGI 之路 — 飞书") still meets an English question about what
    and whose it is. Measured against the identities in a gloss of their own, from the roadmap line too, and
    without the kind: README "Search", names."""
    names = names_for(catalogue)
    who = [identity.gloss() for identity in names.identify(r.title, r.url)]
    topics = [catalogue.topics[t] for t in r.topics if t in catalogue.topics]
    meanings = [d for t in topics for d in (t.description, t.description_zh) if d]
    return "\n".join([r.title, names.kind(r.kind), *who, *meanings])


def _chunk(resource_id: str, text: str, prefix: str = "c") -> Chunk:
    digest = hashlib.sha1(f"{resource_id}\0{text}".encode()).hexdigest()[:20]
    return Chunk(id=f"{prefix}{digest}", resource_id=resource_id, text=text)
