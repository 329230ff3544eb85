"""`python -m bench.retrieval_ablation [--split dev|test|both|holdout|tune] [--labels FILE] [--only NAME,...]
[--misses] [--groups]`: search quality on the labelled set (bench/search_labels.toml), one row per variant:
BM25 only, titles only, dense only (each embedder), fused, fused + boosts, the embedders side by side, with
and without cross-lingual query translation (assistant/translate.py). Recall@1, recall@5 and MRR (first
accepted resource within the top 10), overall and per group (`--groups`: every row's, not only the last's).

The seed corpus is ingested once per embedder into a temporary data dir (MiniLM through
sentence-transformers, as ingest does); every variant searches through `Assistant.search`, the path the
CLI and the chat page use, with the fusion swapped. Tune on `--split dev` only; `--split test` is for
the report (the README says which is which). `--misses` lists the dev misses of the chosen variant.
`--labels bench/search_holdout.toml --split holdout` scores the held-out set (measured once, not tuned on);
`--labels bench/search_tune.toml --split tune` the tuning set (tune on it freely, `--misses` too).
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench.search_eval import GROUPS, LABELS, SPLITS, TUNABLE, Evaluation, evaluate, load_labels, select
from studygraph.assistant.retrieval import DEFAULT_FUSION, Fusion

SearchFn = Callable[[str, int], list[dict]]  # (query, k) -> [{"title", "url"}], as bench.search_eval scores them


def ingest_seed(embedder: str, root: Path):
    """The seed corpus ingested with `embedder` under root/<embedder> (incremental: a kept dir is reused)."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    settings = load_settings(data_dir=root / embedder, llm_backend="none", embedder=embedder)
    ingest(settings)
    return settings


# The default before the ask-fit levers (asked, resource_lang, paper_primary, teaching, ask_words; origin,
# primary_first, kind_floor, teaching_first: 2026-12-01), the names-table vote, the better of two dense places
# (identities, dense_either: 2026-12-02), what fits the ask first without a named topic, no lone Chinese character
# as a title name and where-to-start as an explainer ask (fit_fallback, lone_characters, start: 2026-12-02, evening).
PREVIOUS = replace(
    DEFAULT_FUSION,
    asked=False,
    resource_lang=False,
    paper_primary=False,
    teaching=False,
    ask_words=False,
    origin=False,
    primary_first=False,
    kind_floor=DEFAULT_FUSION.fit_floor,
    teaching_first=False,
    identities=0.0,
    dense_either=False,
    fit_fallback=False,
    lone_characters=False,
    start=False,
)
BEFORE = replace(PREVIOUS, translated=0.0)  # the rows that build up to the default before query translation
NO_BOOSTS = replace(BEFORE, boost=0.0, fit_floor=1.01)
PLAIN = replace(NO_BOOSTS, coverage=0.0)  # every BM25 vote counts in full, as plain RRF
DENSE = replace(NO_BOOSTS, lexical=0.0, titles=0.0)
# name -> (embedder whose library it searches, fusion, second dense embedder voting on its own or None)
VARIANTS: dict[str, tuple[str, Fusion, str | None]] = {
    "bm25 only (plain votes)": ("use-m3", replace(PLAIN, dense=0.0, titles=0.0), None),
    "bm25 only (votes x coverage)": ("use-m3", replace(NO_BOOSTS, dense=0.0, titles=0.0), None),
    "title/URL names only": ("use-m3", replace(NO_BOOSTS, dense=0.0, lexical=0.0), None),
    "translated query words only (CC-CEDICT)": (
        "use-m3",
        replace(NO_BOOSTS, dense=0.0, lexical=0.0, titles=0.0, translated=1.0),
        None,
    ),
    "dense only: minilm": ("minilm", DENSE, None),
    "dense only: use-m3": ("use-m3", DENSE, None),
    "dense only: minilm+use-m3 (one vector)": ("minilm+use-m3", DENSE, None),
    "dense only: e5-small": ("e5-small", DENSE, None),
    "dense only: use-m3+e5-small (one vector)": ("use-m3+e5-small", DENSE, None),
    "fused use-m3 + bm25 (plain RRF)": ("use-m3", replace(PLAIN, titles=0.0), None),
    "fused use-m3 + bm25 x coverage": ("use-m3", replace(NO_BOOSTS, titles=0.0), None),
    "fused + names": ("use-m3", NO_BOOSTS, None),
    "fused + names + boosts as large as a first place": ("use-m3", replace(BEFORE, tie_ranks=1e9), None),
    "fused + names + bounded boosts, no fit-first": ("use-m3", replace(BEFORE, fit_floor=1.01), None),
    "fit-first for explainers/papers only, any topic (before 2026-12-01)": (
        "use-m3",
        replace(BEFORE, fit_kinds=False, fit_topics=False),
        None,
    ),
    "fit-first also for a kind asked for, any topic": ("use-m3", replace(BEFORE, fit_topics=False), None),
    "default without the topics' names in the dense query": (
        "use-m3",
        replace(DEFAULT_FUSION, dense_names=False),
        None,
    ),
    "default with minilm": ("minilm", DEFAULT_FUSION, None),
    "default with minilm+use-m3 (one vector)": ("minilm+use-m3", DEFAULT_FUSION, None),
    "default with minilm & use-m3 (two dense rankings)": ("use-m3", DEFAULT_FUSION, "minilm"),
    "default with e5-small": ("e5-small", DEFAULT_FUSION, None),
    "default with e5-small without the topics' names in the dense query": (
        "e5-small",
        replace(DEFAULT_FUSION, dense_names=False),
        None,
    ),
    "default with use-m3+e5-small (one vector)": ("use-m3+e5-small", DEFAULT_FUSION, None),
    "default with use-m3 & e5-small (two dense rankings)": ("use-m3", DEFAULT_FUSION, "e5-small"),
    "default without query translation (before 2026-12-01)": ("use-m3", BEFORE, None),
    "default with the translation appended to the BM25 query (x0.5) instead of its own ranking": (
        "use-m3",
        replace(DEFAULT_FUSION, translated=0.0, appended=0.5),
        None,
    ),
    "default without English words translated to Chinese (before 2026-12-03)": (
        "use-m3",
        replace(DEFAULT_FUSION, translate_en=False),
        None,
    ),
    # Adaptive translated weights (2026-12-01, dev): BM25 votes already scale by the IDF mass they match;
    # a steeper scale is the one of those rules that needs no code (the others: README, not kept).
    "default with every BM25 vote x coverage^2": ("use-m3", replace(DEFAULT_FUSION, coverage=2.0), None),
    "default with every BM25 vote x coverage^3": ("use-m3", replace(DEFAULT_FUSION, coverage=3.0), None),
    # What fits the ask (2026-12-01, dev): each lever of the default turned off in turn, then all of them.
    "default with the ask read as before (wants, else kind)": ("use-m3", replace(DEFAULT_FUSION, asked=False), None),
    "default without the resource language asked for": ("use-m3", replace(DEFAULT_FUSION, resource_lang=False), None),
    "default without main-subject papers first": ("use-m3", replace(DEFAULT_FUSION, paper_primary=False), None),
    "default without teaching code as explainers": ("use-m3", replace(DEFAULT_FUSION, teaching=False), None),
    "default with the ask's words counted as names": ("use-m3", replace(DEFAULT_FUSION, ask_words=False), None),
    "default before the ask-fit levers (none of the five above)": ("use-m3", PREVIOUS, None),
    # 2026-12-01 (night): "who introduced X" / "由谁提出" read as an ask for the paper (query.WANTS_HINTS "origin").
    "default without who/where-it-came-from as a paper ask": ("use-m3", replace(DEFAULT_FUSION, origin=False), None),
    "default with main-subject fits first for the paper ask only": (
        "use-m3",
        replace(DEFAULT_FUSION, primary_first=False),
        None,
    ),
    "default with a named kind's fit floor as any ask's (0.7)": (
        "use-m3",
        replace(DEFAULT_FUSION, kind_floor=DEFAULT_FUSION.fit_floor),
        None,
    ),
    "default with a named kind's fit floor 0.5": ("use-m3", replace(DEFAULT_FUSION, kind_floor=0.5), None),
    "default without teaching code first for an explainer asked as code": (
        "use-m3",
        replace(DEFAULT_FUSION, teaching_first=False),
        None,
    ),
    # 2026-12-02: the people, institutions, courses and sites a question names (corpus/names.toml) vote for theirs.
    "default without the names-table vote": ("use-m3", replace(DEFAULT_FUSION, identities=0.0), None),
    # 2026-12-02: a question asking for nothing in particular: each resource at its better dense place, with the
    # topics' names and of the question alone.
    "default with the topics' names in every dense query (no better of two)": (
        "use-m3",
        replace(DEFAULT_FUSION, dense_either=False),
        None,
    ),
    "default with the two dense places taken even (no lead for the question alone)": (
        "use-m3",
        replace(DEFAULT_FUSION, either_lead=0),
        None,
    ),
    "default before 2026-12-02 (no names-table vote, names in every dense query)": (
        "use-m3",
        replace(
            DEFAULT_FUSION, identities=0.0, dense_either=False, fit_fallback=False, lone_characters=False, start=False
        ),
        None,
    ),
    # 2026-12-02 (evening): what fits the ask first even where none near the top is on a topic the question names.
    "default with nothing first where none near the top fits on a named topic": (
        "use-m3",
        replace(DEFAULT_FUSION, fit_fallback=False),
        None,
    ),
    # 2026-12-02 (evening): a lone Chinese character ("用") is no name for the title/URL names vote.
    "default with a lone Chinese character as a title name": (
        "use-m3",
        replace(DEFAULT_FUSION, lone_characters=False),
        None,
    ),
    # 2026-12-02 (evening): "where do I start" / "从哪开始学" read as an explainer ask (query.WANTS_HINTS "start").
    "default without where-to-start as an explainer ask": ("use-m3", replace(DEFAULT_FUSION, start=False), None),
    "default with a broad topic beside a subject as one more subject": (
        "use-m3",
        replace(DEFAULT_FUSION, subjects_fit=False),
        None,
    ),
    # 2026-12-03: the names vote also reads an identity's names and the proper names of what it is (Fusion.who_words).
    "default without who made or hosts a resource in the names vote": (
        "use-m3",
        replace(DEFAULT_FUSION, who_words=False),
        None,
    ),
    "default without a list of papers answering papers asked for": (
        "use-m3",
        replace(DEFAULT_FUSION, paper_lists=False),
        None,
    ),
    "default without a host's root first for a home page asked for": (
        "use-m3",
        replace(DEFAULT_FUSION, home=False),
        None,
    ),
    # 2026-12-03: among what fits, what is about more of the named topics first (Fusion.most_topics).
    "default without more of the named topics first": ("use-m3", replace(DEFAULT_FUSION, most_topics=False), None),
    "default with what fits the topics first however far the best scores above it": (
        "use-m3",
        replace(DEFAULT_FUSION, fit_lead=float("inf")),
        None,
    ),
    "default (use-m3, fused + names + bounded boosts + fit-first + translation both ways x0.5 + what fits the ask"
    " + names-table vote + the better of two dense places)": (
        "use-m3",
        DEFAULT_FUSION,
        None,
    ),
}


def _search_fn(libraries: dict, embedder: str, fusion: Fusion, second: str | None) -> SearchFn:
    from studygraph.assistant.engine import Assistant

    assistant = Assistant(libraries[embedder])
    retriever = assistant.retriever
    retriever.fusion = fusion
    if second:
        other = Assistant(libraries[second]).retriever
        retriever.more_dense = [(other.embedder, other.vectors)]

    def search(text: str, k: int):
        return [{"title": r.resource.title, "url": r.resource.url} for r in assistant.search(text, k=k)]

    return search


def table(rows: list[tuple[str, Evaluation]]) -> str:
    head = "| variant | R@1 | R@5 | MRR | " + " | ".join(f"{g} R@5" for g in GROUPS) + " |"
    lines = [head, "|" + " --- |" * (4 + len(GROUPS))]
    for name, ev in rows:
        m = ev.overall
        groups = " | ".join(f"{ev.groups[g].recall_at_5:.2f}" if g in ev.groups else "—" for g in GROUPS)
        lines.append(f"| {name} | {m.recall_at_1:.3f} | {m.recall_at_5:.3f} | {m.mrr:.3f} | {groups} |")
    return "\n".join(lines)


def group_table(ev: Evaluation) -> str:
    lines = ["| group | queries | R@1 | R@5 | MRR |", "| --- | --- | --- | --- | --- |"]
    for g, m in [*ev.groups.items(), ("all", ev.overall)]:
        lines.append(f"| {g} | {m.n} | {m.recall_at_1:.3f} | {m.recall_at_5:.3f} | {m.mrr:.3f} |")
    return "\n".join(lines)


def variant_names(ap: argparse.ArgumentParser, only: str, variants) -> list[str]:
    """`--only`'s names, or every variant; an unknown one is a usage error. A comma and a space belong to a name
    ("default (use-m3, fused ..."); a bare comma separates names."""
    names = [n.strip() for n in re.split(r",(?! )", only) if n.strip()] or list(variants)
    unknown = [n for n in names if n not in variants]
    if unknown:
        ap.error(f"unknown variant {unknown[0]!r}")
    return names


def print_misses(ev: Evaluation) -> None:
    """The queries whose first accepted resource is not in the top 5, and what came first instead (call it for
    a tunable half only: dev or tune)."""
    print("misses (rank beyond 5):")
    for q, rank, hits in ev.ranks:
        if rank is None or rank > 5:
            first = hits[0][1] if hits else "(nothing)"
            print(f"  [{q.group}] {q.text!r}: rank {rank}; first: {first!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.retrieval_ablation")
    splits = tuple(s for s in SPLITS if s != "all")
    ap.add_argument("--split", choices=(*splits, "both"), default="dev", help="both: dev, then test, one run")
    ap.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        help="labels file (bench/search_holdout.toml: --split holdout; bench/search_tune.toml: --split tune)",
    )
    ap.add_argument("--only", default="", help="variant names separated by bare commas (default: all)")
    ap.add_argument("--misses", action="store_true", help="list the misses of the last variant (dev and tune only)")
    ap.add_argument("--keep", type=Path, help="ingest into (and reuse) this folder instead of a temporary one")
    ap.add_argument("--groups", action="store_true", help="a per-group table for every row, not only the last")
    args = ap.parse_args(argv)
    names = variant_names(ap, args.only, VARIANTS)
    labels = load_labels(args.labels)
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    if not all(select(labels, split) for split in splits):
        ap.error(f"{args.labels} has no query in the {args.split!r} split")
    root = args.keep or Path(tempfile.mkdtemp(prefix="sg-ablation-"))
    try:
        needed = {VARIANTS[n][0] for n in names} | {VARIANTS[n][2] for n in names if VARIANTS[n][2]}
        libraries = {}
        for embedder in sorted(needed):
            started = time.perf_counter()
            libraries[embedder] = ingest_seed(embedder, root)
            print(f"ingested the seed corpus with {embedder} in {time.perf_counter() - started:.1f} s", flush=True)
        for split in splits:
            started = time.perf_counter()
            queries = select(labels, split)
            rows = [(name, evaluate(_search_fn(libraries, *VARIANTS[name]), queries)) for name in names]
            print(
                f"## {args.labels.name}, {split} half: {len(queries)} queries, {time.perf_counter() - started:.0f} s\n"
            )
            print(table(rows))
            for name, ev in rows if args.groups else rows[-1:]:
                print(f"\n{name}, per group ({split} half):\n")
                print(group_table(ev))
            print()
            if args.misses and split in TUNABLE:  # never the test or holdout half's: they are not for tuning
                print_misses(rows[-1][1])
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
