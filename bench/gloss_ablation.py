"""`python -m bench.gloss_ablation [--split dev|test|tune ...] [--embedder NAME] [--only NAME,...] [--misses]`:
the document side of cross-lingual search, one row per way of telling a resource what its topics mean (the
catalogue's English and Chinese descriptions, ingest/library.py `_gloss`): none, appended to its card, or a
gloss chunk of its own (the default); both languages or only the one its title is not in; every topic, its
primary topic only, or only topics few resources hold; and what it is and who made or hosts it (its kind and
the identities of corpus/names.toml its title and URL name, both languages, graph/names.py), or not.

Each row is its own ingest of the seed corpus (the library's `_card` and `_gloss` swapped while it runs),
searched with the default fusion through `Assistant.search`, scored like bench.retrieval_ablation. Tune on
`--split dev` or `--split tune` (bench/search_tune.toml); `--split` may be given more than once (one ingest
per row serves them all); `--misses` lists the last row's misses on those two, never the test half's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bench.retrieval_ablation import _search_fn, group_table, ingest_seed, print_misses, table, variant_names
from bench.search_eval import LABELS, TUNABLE, TUNE, evaluate, load_labels, select
from studygraph.assistant.retrieval import DEFAULT_FUSION

RARE = 3  # "topics few resources hold": at most this many of the seed library's 171


@dataclass(frozen=True)
class Cut:
    where: str = "chunk"  # "" (no gloss), "card" (appended to the card) or "chunk" (a gloss chunk)
    langs: str = "both"  # "both", or "other": the Chinese description for an English title, and the reverse
    topics: str = "all"  # "all", "primary" (the resource's first topic) or "rare" (held by <= RARE resources)
    title: bool = True  # a gloss chunk begins with the resource's title
    per_language: bool = False  # two gloss chunks, one per language (each with the title), not one of both
    kind: bool = True  # ... then says its kind in both languages ("video / 视频")
    names: str = "title"  # identities named by: "" none, "title" its title and URL, "line" its roadmap line too
    every: bool = True  # every resource gets one, even with no description or identity to give (title + kind)


BEFORE = Cut(kind=False, names="", every=False)  # the default before names (2026-12-01)
VARIANTS: dict[str, Cut] = {
    "no glosses (cards with topic names only, before 2026-12-01)": Cut(where="", kind=False, names="", every=False),
    "(a) both descriptions appended to the card, every topic": replace(BEFORE, where="card"),
    "(a) appended to the card, primary topic only": replace(BEFORE, where="card", topics="primary"),
    "(a) appended to the card, topics held by <= 3 resources": replace(BEFORE, where="card", topics="rare"),
    "(c) the other language's description appended to the card": replace(BEFORE, where="card", langs="other"),
    "(b) gloss chunk without the title": replace(BEFORE, title=False),
    "(b) gloss chunk, primary topic only": replace(BEFORE, topics="primary"),
    "(b) gloss chunk, topics held by <= 3 resources": replace(BEFORE, topics="rare"),
    "(c) gloss chunk, the other language's description only": replace(BEFORE, langs="other"),
    "(c) gloss chunk, other language, topics held by <= 3 resources": replace(BEFORE, langs="other", topics="rare"),
    "(d) a gloss chunk per language (title + the English descriptions; title + the Chinese ones)": replace(
        BEFORE, per_language=True
    ),
    "gloss chunk: title + both descriptions of every topic (before names)": BEFORE,
    "(n) + kind in both languages, every resource": Cut(names=""),
    "(n) + identities (title, URL), no kind": Cut(kind=False),
    "(n) + identities named in the roadmap line too": Cut(names="line"),
    "(n) + kind + identities, only resources with a description or identity": Cut(every=False),
    "default: a gloss per resource (title, kind, identities, both descriptions of every topic)": Cut(),
}


@contextmanager
def cutting(cut: Cut) -> Iterator[None]:
    """Ingest makes its chunks the `cut` way while this is open."""
    import studygraph.ingest.library as library
    import studygraph.ingest.pipeline as pipeline
    from studygraph.graph.names import names_for
    from studygraph.models import GLOSS_PREFIX, is_gloss
    from studygraph.quarantine import quarantined

    card, own_gloss, make = library._card, library._gloss, pipeline.make_chunks
    holders: Counter = Counter()

    def counted(resources, *args):
        holders.clear()
        holders.update(t for r in resources if not quarantined(r.title, r.context) for t in r.topics)
        chunks = make(resources, *args)
        return [piece for c in chunks for piece in (by_language(c) if cut.per_language else [c])]

    def by_language(chunk):
        if not is_gloss(chunk.id):
            return [chunk]
        title, *lines = chunk.text.split("\n")
        zh = [line for line in lines if re.search(r"[\u3400-\u9fff]", line)]
        en = [line for line in lines if line not in zh]
        parts = ["\n".join([title, *part]) for part in (en, zh) if part]
        return [library._chunk(chunk.resource_id, text, GLOSS_PREFIX) for text in parts]

    def meanings(r, catalogue) -> list[str]:
        topics = [t for t in r.topics if t in catalogue.topics][: 1 if cut.topics == "primary" else None]
        topics = [catalogue.topics[t] for t in topics if cut.topics != "rare" or holders[t] <= RARE]
        if cut.langs == "both":
            return [d for t in topics for d in (t.description, t.description_zh) if d]
        zh_title = re.search(r"[\u3400-\u9fff]", r.title)
        return [t.description if zh_title else t.description_zh for t in topics]

    def gloss(r, catalogue) -> str:
        found = meanings(r, catalogue) if cut.where == "chunk" else []
        who = identity(r, catalogue)
        if not (found or len(who) > cut.kind or (cut.every and who)):
            return ""
        return "\n".join([*([r.title] if cut.title else []), *who, *found])

    def identity(r, catalogue) -> list[str]:
        """Its kind and the identities its title and URL (or its roadmap line too) name, both languages."""
        if cut.where != "chunk":
            return []
        table = names_for(catalogue)
        named = f"{r.title}\n{r.context}" if cut.names == "line" else r.title
        who = [i.gloss() for i in table.identify(named, r.url)] if cut.names else []
        return [table.kind(r.kind)] * cut.kind + who

    def carded(r, catalogue) -> str:
        return "\n".join([card(r, catalogue), *(meanings(r, catalogue) if cut.where == "card" else [])])

    library._card, library._gloss, pipeline.make_chunks = carded, gloss, counted
    try:
        yield
    finally:
        library._card, library._gloss, pipeline.make_chunks = card, own_gloss, make


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.gloss_ablation")
    ap.add_argument("--split", choices=("dev", "test", "tune"), action="append", help="dev by default; repeatable")
    ap.add_argument("--embedder", default="use-m3")
    ap.add_argument("--only", default="", help="variant names separated by bare commas (default: all)")
    ap.add_argument("--misses", action="store_true", help="list the misses of the last variant (dev and tune only)")
    args = ap.parse_args(argv)
    names = variant_names(ap, args.only, VARIANTS)
    splits = list(dict.fromkeys(args.split or ["dev"]))
    queries = {s: select(load_labels(TUNE if s == "tune" else LABELS), s) for s in splits}
    root = Path(tempfile.mkdtemp(prefix="sg-gloss-"))
    rows: dict[str, list] = {s: [] for s in splits}
    chunks = []
    try:
        for i, name in enumerate(names):
            with cutting(VARIANTS[name]):
                settings = ingest_seed(args.embedder, root / str(i))
            chunks.append(_chunk_count(settings))
            search = _search_fn({args.embedder: settings}, args.embedder, DEFAULT_FUSION, None)
            for s in splits:
                rows[s].append((name, evaluate(search, queries[s])))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("chunks per row: " + ", ".join(f"{n} {c}" for n, c in zip(names, chunks)) + "\n")
    for s in splits:
        print(f"## {s} half: {len(queries[s])} queries, embedder {args.embedder}\n")
        print(table(rows[s]))
        print(f"\n{names[-1]}, per group ({s} half):\n")
        print(group_table(rows[s][-1][1]) + "\n")
        if args.misses and s in TUNABLE:  # never the test half's: it is not for tuning
            print_misses(rows[s][-1][1])
            print()
    return 0


def _chunk_count(settings) -> int:
    from studygraph.store.meta import MetaStore

    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        return len(meta.chunks())
    finally:
        meta.close()


if __name__ == "__main__":
    raise SystemExit(main())
