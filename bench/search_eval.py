"""How well search finds what the learner means, on the labelled set bench/search_labels.toml (issue 22).

    python -m bench.search_eval [--split dev|test|holdout|tune|all] [--variant hybrid,bm25,...|all] [--json]
                                [--data-dir DIR] [--misses] [--labels FILE]
    python -m bench --only search_eval          # every variant, dev and test, one JSON line each

Metrics, per group, per language and overall, over the chosen half:
- recall@1, recall@5: the share of queries with an accepted resource first / in the top 5 (a query lists
  every acceptable resource, so one of them suffices);
- MRR: the mean of 1/rank of the first accepted resource within the top 10 (0 when none is there).

The dev half is for tuning (and `--misses` lists its misses); the test half is only ever reported: its
misses are never printed, so nobody tunes to them. `--labels bench/search_holdout.toml --split holdout`
scores the held-out set written later (one half, measured once, never tuned on);
`--labels bench/search_tune.toml --split tune` the tuning set written after it (tune on it freely, `--misses`
too; never a reported figure).

A variant is a factory `settings -> search_fn` registered with @variant; `search_fn(text, k)` returns the
top-k resources, best first (anything with `url` and `title`: Resource objects, or dicts). Every variant's
results go through `Assistant.search` (bm25, dense and fused with some fusion weights off), so the same
quarantine applies. ms/query is the wall time of a variant's searches.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LABELS = Path(__file__).resolve().parent / "search_labels.toml"
HOLDOUT = Path(__file__).resolve().parent / "search_holdout.toml"
TUNE = Path(__file__).resolve().parent / "search_tune.toml"
GROUPS = ("zh", "crosslingual", "named", "intro", "paper", "mixed")
SPLITS = ("dev", "test", "holdout", "tune", "all")
TUNABLE = ("dev", "tune")  # the halves whose misses may be listed: the others are only ever reported
DEPTH = 10  # MRR looks this deep; recall@1 and @5 are read off the same top 10

SearchFn = Callable[[str, int], Sequence[object]]


# -- the labelled set ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelledQuery:
    text: str
    group: str
    lang: str
    split: str
    accept: tuple[str, ...]  # each a resource's exact title, or else a substring of its URL
    note: str = ""


def load_labels(path: Path = LABELS) -> list[LabelledQuery]:
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["query"]
    return [
        LabelledQuery(r["text"], r["group"], r["lang"], r["split"], tuple(r["accept"]), r.get("note", "")) for r in rows
    ]


def select(queries: Iterable[LabelledQuery], split: str) -> list[LabelledQuery]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    return [q for q in queries if split == "all" or q.split == split]


def _url_title(hit) -> tuple[str, str]:
    if isinstance(hit, dict):
        return hit.get("url") or "", hit.get("title") or ""
    return getattr(hit, "url", None) or "", getattr(hit, "title", None) or ""


def accepted(hit, accept: Iterable[str]) -> bool:
    url, title = _url_title(hit)
    return any(entry == title or (url and entry in url) for entry in accept)


def first_rank(hits: Sequence[object], accept: Iterable[str], depth: int = DEPTH) -> int | None:
    """1-based rank of the first accepted hit within `depth`, or None."""
    accept = tuple(accept)
    for rank, hit in enumerate(hits[:depth], 1):
        if accepted(hit, accept):
            return rank
    return None


# -- metrics -------------------------------------------------------------------------------------------
@dataclass
class Metrics:
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float

    @classmethod
    def of(cls, ranks: Sequence[int | None]) -> Metrics:
        n = len(ranks)
        if not n:
            return cls(0, 0.0, 0.0, 0.0)
        return cls(
            n,
            sum(r == 1 for r in ranks) / n,
            sum(r is not None and r <= 5 for r in ranks) / n,
            sum(1 / r for r in ranks if r) / n,
        )

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "recall@1": round(self.recall_at_1, 4),
            "recall@5": round(self.recall_at_5, 4),
            "mrr": round(self.mrr, 4),
        }


@dataclass
class Evaluation:
    overall: Metrics
    groups: dict[str, Metrics]
    langs: dict[str, Metrics]
    ranks: list[tuple[LabelledQuery, int | None, list[tuple[str, str]]]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "overall": self.overall.to_dict(),
            "groups": {g: m.to_dict() for g, m in self.groups.items()},
            "langs": {lang: m.to_dict() for lang, m in self.langs.items()},
            "ms_per_query": round(1000 * self.seconds / max(1, self.overall.n), 2),
        }


def evaluate(search_fn: SearchFn, queries: Sequence[LabelledQuery], depth: int = DEPTH) -> Evaluation:
    """Run every query through search_fn(text, depth) and score the ranking against its accepted answers."""
    per_group: dict[str, list[int | None]] = defaultdict(list)
    per_lang: dict[str, list[int | None]] = defaultdict(list)
    ranks = []
    start = time.perf_counter()
    for q in queries:
        hits = list(search_fn(q.text, depth))[:depth]
        rank = first_rank(hits, q.accept, depth)
        per_group[q.group].append(rank)
        per_lang[q.lang].append(rank)
        ranks.append((q, rank, [_url_title(h) for h in hits]))
    seconds = time.perf_counter() - start
    order = [g for g in GROUPS if g in per_group] + sorted(set(per_group) - set(GROUPS))
    return Evaluation(
        Metrics.of([r for _, r, _ in ranks]),
        {g: Metrics.of(per_group[g]) for g in order},
        {lang: Metrics.of(per_lang[lang]) for lang in sorted(per_lang)},
        ranks,
        seconds,
    )


# -- variants ------------------------------------------------------------------------------------------
VARIANTS: dict[str, Callable[[object], SearchFn]] = {}


def variant(name: str):
    """Register a factory `settings -> search_fn` under a name (`--variant NAME`, the ablation table)."""

    def register(factory):
        VARIANTS[name] = factory
        return factory

    return register


def _assistant(settings):
    from studygraph.assistant.engine import Assistant

    assistant = Assistant(settings)
    assistant._base()  # loads the library version, the resolver and the quarantine once
    return assistant


@variant("hybrid")
def hybrid(settings) -> SearchFn:
    """What `studygraph search` runs: Assistant.search (quarantine applied)."""
    assistant = _assistant(settings)

    def search(text: str, k: int):
        return [r.resource for r in assistant.search(text, k=k)]

    return search


def _fusion_only(settings, **weights) -> SearchFn:
    """Assistant.search (quarantine and all) with some of its rankings turned off and no boosts: each
    ranking scored alone runs through the same code as the hybrid search, only its fusion weights differ."""
    from dataclasses import replace

    from studygraph.assistant.retrieval import DEFAULT_FUSION

    assistant = _assistant(settings)
    # Translation off too: it is one more ranking, part of the hybrid search, not of BM25 or dense alone.
    assistant.retriever.fusion = replace(
        DEFAULT_FUSION, **{"boost": 0.0, "fit_floor": 1.01, "translated": 0.0, **weights}
    )

    def search(text: str, k: int):
        return [r.resource for r in assistant.search(text, k=k)]

    return search


@variant("bm25")
def bm25_only(settings) -> SearchFn:
    """BM25 (jieba) alone, over the index and query that the hybrid search uses."""
    return _fusion_only(settings, dense=0.0, titles=0.0)


@variant("dense")
def dense_only(settings) -> SearchFn:
    """The configured embedder's ranking alone, same query text as the hybrid search."""
    return _fusion_only(settings, lexical=0.0, titles=0.0)


@variant("fused")
def fused_no_boosts(settings) -> SearchFn:
    """Dense and BM25 fused without the names vote or the topic/kind/fit boosts: what those add is hybrid
    minus this."""
    return _fusion_only(settings, titles=0.0)


# -- running -------------------------------------------------------------------------------------------
def ingested_library() -> tuple[object, str]:
    """The default corpus ingested into a fresh tmp data dir: (settings, dir to remove afterwards)."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data_dir = tempfile.mkdtemp(prefix="sg-search-eval-")
    settings = load_settings(data_dir=Path(data_dir), llm_backend="none")
    report = ingest(settings)  # the configured embedder, which the queries then use too
    if report.errors:
        raise RuntimeError(f"ingest of the default corpus reported errors: {report.errors[:3]}")
    return settings, data_dir


def unmatched_entries(settings, queries: Sequence[LabelledQuery]) -> list[tuple[str, str]]:
    """Accept entries naming no resource of this library (a library other than the seed corpus)."""
    from studygraph.store.meta import MetaStore

    resources = MetaStore(settings.meta_path, readonly=True).resources()
    return [(q.text, e) for q in queries for e in q.accept if not any(accepted(r, (e,)) for r in resources)]


def run_variants(settings, names: Sequence[str], split: str, labels: Path = LABELS) -> dict[str, Evaluation]:
    queries = select(load_labels(labels), split)
    return {name: evaluate(VARIANTS[name](settings), queries) for name in names}


def table(name: str, split: str, ev: Evaluation) -> str:
    lines = [
        f"{name} · {split} half · {ev.overall.n} queries · {1000 * ev.seconds / max(1, ev.overall.n):.0f} ms/query",
        f"{'':14}{'n':>4}{'R@1':>8}{'R@5':>8}{'MRR':>8}",
    ]
    rows = [*ev.groups.items(), *((f"lang {k}", m) for k, m in ev.langs.items()), ("overall", ev.overall)]
    for label, m in rows:
        lines.append(f"{label:14}{m.n:>4}{m.recall_at_1:>8.3f}{m.recall_at_5:>8.3f}{m.mrr:>8.3f}")
    return "\n".join(lines)


def misses(ev: Evaluation, top: int = 3) -> str:
    out = []
    for q, rank, hits in ev.ranks:
        if rank is None or rank > 5:
            got = "; ".join(title for _, title in hits[:top])
            out.append(f"[{q.group}] {q.text}  (rank {rank or '>10'})\n    got: {got}")
    return "\n".join(out) or "(no misses)"


def run(quick: bool = False, data_dir: str | None = None) -> list[dict]:
    """`python -m bench --only search_eval`: every variant on both halves, one JSON line each."""
    from studygraph.config import load_settings

    own = None
    if data_dir:
        settings = load_settings(data_dir=Path(data_dir), llm_backend="none")
    else:
        settings, own = ingested_library()
    try:
        lines = []
        for split in ("dev", "test"):
            for name, ev in run_variants(settings, list(VARIANTS), split).items():
                line = {"name": f"search_eval.{name}.{split}", **ev.to_dict()}
                if split == "test":
                    line["target"] = "recall@5 >= 0.95 overall and >= 0.9 per group, MRR >= 0.8 (issue 22)"
                print(json.dumps(line, ensure_ascii=False), flush=True)
                lines.append(line)
        return lines
    finally:
        if own:
            shutil.rmtree(own, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.search_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=SPLITS, default="dev", help="which half to score (default: dev)")
    ap.add_argument("--variant", default="hybrid", help=f"comma-separated, or 'all': {', '.join(VARIANTS)}")
    ap.add_argument("--data-dir", help="an ingested library (default: ingest the default corpus into a tmp dir)")
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ap.add_argument("--misses", action="store_true", help="list the queries missed at 5 (dev and tune only)")
    ap.add_argument(
        "--labels", type=Path, default=LABELS, help=f"labels file (default {LABELS.name}; {HOLDOUT.name}, {TUNE.name})"
    )
    args = ap.parse_args(argv)
    names = list(VARIANTS) if args.variant == "all" else [n.strip() for n in args.variant.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        ap.error(f"unknown variant {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    if args.misses and args.split not in TUNABLE:
        ap.error(
            "--misses lists the dev and tune halves only: the test and holdout halves are reported, never tuned on"
        )
    if not select(load_labels(args.labels), args.split):
        ap.error(f"{args.labels} has no query in the {args.split!r} split")

    from studygraph.config import load_settings

    own = None
    if args.data_dir:
        settings = load_settings(data_dir=Path(args.data_dir), llm_backend="none")
    else:
        print("ingesting the default corpus into a tmp data dir ...", file=sys.stderr, flush=True)
        settings, own = ingested_library()
    try:
        missing = unmatched_entries(settings, select(load_labels(args.labels), args.split))
        if missing:
            print(
                f"warning: {len(missing)} accepted answers are not in this library, e.g. {missing[0]}", file=sys.stderr
            )
        results = run_variants(settings, names, args.split, args.labels)
    finally:
        if own:
            shutil.rmtree(own, ignore_errors=True)

    if args.json:
        payload = {
            "date": datetime.date.today().isoformat(),
            "labels": args.labels.name,
            "split": args.split,
            "variants": {name: ev.to_dict() for name, ev in results.items()},
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    for name, ev in results.items():
        print(table(name, args.split, ev))
        if args.misses:
            print(misses(ev))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
