"""How far the topic map's prerequisite edges agree with textbooks, on bench/prereq_labels.toml (issue 28).

    python -m bench.prereq_eval [--split dev|test|both] [--json] [--misses]
    python -m bench --only prereq_eval            # dev and test, one JSON line each

The labelled set holds ordered concept pairs (A, B) from the chapter and lecture orders of public courses and
books (SLP3, CS224n, d2l.ai, CS229, PRML, CS336) plus our own judgement, each "needed" (A is a prerequisite
of B) or "not". Names are spelled as the courses spell them and resolved with graph/resolve.py's Resolver;
the graph is the curated catalogue's (no library), as every learner gets it.

Metrics over the chosen half:
- coverage: the share of distinct concept names that resolve confidently (exact, alias or fuzzy; not a
  partial match and not nothing) to a topic; `pairs_evaluated`: the pairs whose two names both do, to two
  different topics (`same_topic` counts those folded into one topic, e.g. by an alias);
- direct precision: of the evaluated pairs our graph has as a direct strong edge A -> B (what plans
  follow), the share labelled needed; direct recall: of the evaluated needed pairs, the share with such an
  edge;
- closure precision / recall: the same with "A is an ancestor of B over strong edges" (a plan for B
  includes A);
- contradictions: of the evaluated needed pairs, the share where our graph puts B before A: B is an
  ancestor of A over strong edges or curated order edges (a plan would teach B first).

Each pair's half is fixed by the SHA-1 of "A<TAB>B" (`split_of`): tune on dev (`--misses` lists its
misses); the test half is only reported, its misses are never printed.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from studygraph.graph.build import TopicGraph, build_graph
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver

LABELS = Path(__file__).resolve().parent / "prereq_labels.toml"
SPLITS = ("dev", "test", "both")
LABEL_VALUES = ("needed", "not")


@dataclass(frozen=True)
class LabelledPair:
    a: str
    b: str
    needed: bool
    source: str
    note: str = ""

    @property
    def split(self) -> str:
        return split_of(self.a, self.b)


def split_of(a: str, b: str) -> str:
    """dev or test, once and for all: the parity of the pair's SHA-1."""
    return "dev" if hashlib.sha1(f"{a}\t{b}".encode()).digest()[0] % 2 == 0 else "test"


def load_labels(path: Path = LABELS) -> list[LabelledPair]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for source in data["source"]:
        for row in source["pairs"]:
            a, b, label, note = row
            if label not in LABEL_VALUES:
                raise ValueError(f"{path.name}: pair {a!r} -> {b!r} has label {label!r}, expected needed or not")
            out.append(LabelledPair(a, b, label == "needed", source["id"], note))
    return out


def select(pairs: Iterable[LabelledPair], split: str) -> list[LabelledPair]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    return [p for p in pairs if split == "both" or p.split == split]


@dataclass
class Judged:
    pair: LabelledPair
    a: str | None  # the topic each name resolves to confidently, or None
    b: str | None
    direct: bool = False
    ancestor: bool = False
    reversed: bool = False

    @property
    def evaluated(self) -> bool:
        return self.a is not None and self.b is not None and self.a != self.b


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Evaluation:
    split: str
    judged: list[Judged]
    names: dict[str, str | None] = field(default_factory=dict)  # name -> topic it resolves to confidently

    def _count(self, test) -> int:
        return sum(1 for j in self.judged if j.evaluated and test(j))

    def to_dict(self) -> dict:
        needed = self._count(lambda j: j.pair.needed)
        direct = self._count(lambda j: j.direct)
        closure = self._count(lambda j: j.ancestor)
        return {
            "split": self.split,
            "pairs": len(self.judged),
            "needed_pairs": sum(j.pair.needed for j in self.judged),
            "names": len(self.names),
            "coverage": _share(sum(t is not None for t in self.names.values()), len(self.names)),
            "pairs_evaluated": self._count(lambda j: True),
            "same_topic": sum(1 for j in self.judged if j.a is not None and j.a == j.b),
            "direct_edges": direct,
            "direct_precision": _share(self._count(lambda j: j.direct and j.pair.needed), direct),
            "direct_recall": _share(self._count(lambda j: j.direct and j.pair.needed), needed),
            "closure_pairs": closure,
            "closure_precision": _share(self._count(lambda j: j.ancestor and j.pair.needed), closure),
            "closure_recall": _share(self._count(lambda j: j.ancestor and j.pair.needed), needed),
            "contradictions": self._count(lambda j: j.reversed and j.pair.needed),
            "contradiction_rate": _share(self._count(lambda j: j.reversed and j.pair.needed), needed),
        }


def _order_graph(tg: TopicGraph) -> nx.DiGraph:
    """Strong edges plus curated order edges: everything that decides which of two topics a plan puts first."""
    g = nx.DiGraph(tg.plan_graph)
    g.add_edges_from((u, v) for u, v, k in tg.graph.edges(data="kind") if k == "curated-order")
    return g


def evaluate(tg: TopicGraph, pairs: Sequence[LabelledPair], split: str = "both") -> Evaluation:
    resolver = Resolver(tg.catalogue)
    names: dict[str, str | None] = {}
    for name in dict.fromkeys(n for p in pairs for n in (p.a, p.b)):
        hit = resolver.resolve(name, suggest=False)
        names[name] = hit.id if hit is not None and hit.confident else None
    plan, order = tg.plan_graph, _order_graph(tg)
    ancestors: dict[tuple[str, str], set[str]] = {}

    def above(g: nx.DiGraph, kind: str, topic: str) -> set[str]:
        if (kind, topic) not in ancestors:
            ancestors[(kind, topic)] = nx.ancestors(g, topic)
        return ancestors[(kind, topic)]

    judged = []
    for p in pairs:
        j = Judged(p, names[p.a], names[p.b])
        if j.evaluated:
            j.direct = plan.has_edge(j.a, j.b)
            j.ancestor = j.a in above(plan, "plan", j.b)
            j.reversed = j.b in above(order, "order", j.a)
        judged.append(j)
    return Evaluation(split, judged, names)


def misses(ev: Evaluation) -> str:
    """What to look at on the dev half: names that do not resolve, folded pairs, wrong edges, missing needs."""
    lines = ["unresolved: " + ", ".join(sorted(n for n, t in ev.names.items() if t is None))]
    for j in ev.judged:
        p = j.pair
        arrow = f"{p.a} ({j.a}) -> {p.b} ({j.b})"
        if j.a is not None and j.a == j.b:
            lines.append(f"same topic    {arrow}  [{p.source}]")
        elif not j.evaluated:
            continue
        elif p.needed and j.reversed:
            lines.append(f"CONTRADICTION {arrow}  [{p.source}: {p.note}]")
        elif p.needed and not j.ancestor:
            lines.append(f"missing       {arrow}  [{p.source}: {p.note}]")
        elif not p.needed and j.direct:
            lines.append(f"not needed    {arrow}  [{p.source}: {p.note}]")
    return "\n".join(lines)


def table(row: dict) -> str:
    keys = ("coverage", "direct_precision", "direct_recall", "closure_precision", "closure_recall")
    figures = "  ".join(f"{k} {row[k]}" for k in keys)
    return (
        f"{row['split']:<5} pairs {row['pairs']} (evaluated {row['pairs_evaluated']}, same topic {row['same_topic']})"
        f"  {figures}  contradictions {row['contradictions']} ({row['contradiction_rate']})"
    )


def run(quick: bool = False) -> list[dict]:
    """For `python -m bench`: dev and test, one JSON line each."""
    tg, pairs, out = build_graph(load_catalogue()), load_labels(), []
    for split in ("dev", "test"):
        row = {"name": f"prereq_eval.{split}", **evaluate(tg, select(pairs, split), split).to_dict()}
        print(json.dumps(row, ensure_ascii=False), flush=True)
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.prereq_eval", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", choices=SPLITS)
    ap.add_argument("--json", action="store_true", help="one JSON object per split")
    ap.add_argument("--misses", action="store_true", help="list the dev half's misses (never the test half's)")
    args = ap.parse_args(argv)
    tg, pairs = build_graph(load_catalogue()), load_labels()
    for split in ("dev", "test") if args.split == "both" else (args.split,):
        ev = evaluate(tg, select(pairs, split), split)
        row = {**ev.to_dict(), "date": datetime.date.today().isoformat()}
        print(json.dumps(row, ensure_ascii=False) if args.json else table(row))
        if args.misses and split == "dev":
            print(misses(ev))
    if args.misses and args.split == "test":
        print("(misses are listed for the dev half only)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
