"""How right the topics on resources are, on the hand-labelled set bench/tagging_labels.toml (issue 28).

    python -m bench.tagging_eval [--split dev|test|both] [--data-dir DIR] [--json] [--misses] [--baseline]

- precision: of the topics the library assigns to labelled resources, the share the labels call right;
- recall: of the labelled topics, the share assigned;
- first: the share of resources (with any topic) whose first topic, the one plans rank them by, is right.

A topic that did not exist when the labels were written (not in their `judged` list) is counted apart as
unjudged, neither right nor wrong. The half of a resource is fixed by SHA-1 of its URL (its title where it
has none): the dev half is for tuning and `--misses` lists only its errors; the test half is only reported.
`--baseline` scores the tagging this replaced (every title, line and heading match in order, six at most).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

LABELS = Path(__file__).resolve().parent / "tagging_labels.toml"
SPLITS = ("dev", "test", "both")


@dataclass(frozen=True)
class Label:
    key: str  # the resource's URL, or its title where it has none
    title: str
    topics: frozenset[str]
    note: str = ""

    @property
    def split(self) -> str:
        return split_of(self.key)


def split_of(key: str) -> str:
    return "dev" if int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "test"


def load_labels(path: Path = LABELS) -> tuple[list[Label], frozenset[str]]:
    """The labelled resources and the topic ids that existed (were judged) when they were written."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = [
        Label(r.get("url") or r["title"], r["title"], frozenset(r["topics"]), r.get("note", ""))
        for r in data["resource"]
    ]
    return labels, frozenset(data["judged"])


def select(labels: Iterable[Label], split: str) -> list[Label]:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    return [lab for lab in labels if split == "both" or lab.split == split]


def key_of(resource) -> str:
    return resource.url or resource.title


@dataclass
class Scores:
    resources: int = 0  # labelled resources found in the library
    missing: int = 0  # labelled resources the library lacks
    assigned: int = 0  # judged topics assigned to them
    right: int = 0
    labelled: int = 0  # labelled topics
    unjudged: int = 0  # assigned topics newer than the labels
    firsts: int = 0  # resources with a judged first topic
    first_right: int = 0
    errors: list[tuple[Label, list[str], list[str]]] = field(default_factory=list)  # (label, wrong, missed)

    @property
    def precision(self) -> float:
        return self.right / self.assigned if self.assigned else 0.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 0.0

    @property
    def first(self) -> float:
        return self.first_right / self.firsts if self.firsts else 0.0

    def to_dict(self) -> dict:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "first": round(self.first, 3),
            "resources": self.resources,
            "missing": self.missing,
            "assigned": self.assigned,
            "right": self.right,
            "labelled": self.labelled,
            "unjudged": self.unjudged,
        }


def evaluate(labels: Sequence[Label], judged: frozenset[str], assigned: dict[str, list[str]]) -> Scores:
    """Score `assigned` (resource key -> its topics, best first) against `labels`."""
    s = Scores()
    for lab in labels:
        if lab.key not in assigned:
            s.missing += 1
            continue
        s.resources += 1
        topics = [t for t in assigned[lab.key] if t in judged]
        s.unjudged += len(assigned[lab.key]) - len(topics)
        right = [t for t in topics if t in lab.topics]
        s.assigned += len(topics)
        s.right += len(right)
        s.labelled += len(lab.topics)
        if topics:
            s.firsts += 1
            s.first_right += topics[0] in lab.topics
        wrong = [t for t in topics if t not in lab.topics]
        missed = sorted(lab.topics - set(topics))
        if wrong or missed:
            s.errors.append((lab, wrong, missed))
    return s


def library_tags(resources) -> dict[str, list[str]]:
    return {key_of(r): list(r.topics) for r in resources}


def baseline_tags(resources, catalogue) -> dict[str, list[str]]:
    """The tagging before issue 28: title and lines matched in order, then each innermost heading's."""
    from studygraph.graph.matcher import matcher_for

    matcher = matcher_for(catalogue)
    out = {}
    for r in resources:
        topics = matcher.topics(f"{r.title}\n{r.context}")
        for heading in dict.fromkeys(s.heading for s in r.sources if s.heading):
            topics += [t for t in matcher.topics(heading.split(" > ")[-1]) if t not in topics]
        out[key_of(r)] = topics[:6]
    return out


def ingested_resources(data_dir: str | None = None):
    """The resources of the library in `data_dir`, or of the default corpus ingested into a tmp dir."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore

    own = None
    if not data_dir:
        own = data_dir = __import__("tempfile").mkdtemp(prefix="sg-tagging-eval-")
    try:
        settings = load_settings(data_dir=Path(data_dir), llm_backend="none")
        if own:
            report = ingest(settings)
            if report.errors:
                raise RuntimeError(f"ingest of the default corpus reported errors: {report.errors[:3]}")
        return MetaStore(settings.meta_path, readonly=True).resources()
    finally:
        if own:
            shutil.rmtree(own, ignore_errors=True)


def report(name: str, split: str, s: Scores) -> str:
    return (
        f"{name} · {split} · {s.resources} resources ({s.missing} missing) · precision {s.precision:.3f} "
        f"({s.right}/{s.assigned}) · recall {s.recall:.3f} ({s.right}/{s.labelled}) · first topic right "
        f"{s.first:.3f} · unjudged {s.unjudged}"
    )


def misses(s: Scores) -> str:
    out = [
        f"{lab.title[:70]}\n    wrong: {', '.join(wrong) or '-'}    missed: {', '.join(missed) or '-'}"
        for lab, wrong, missed in s.errors
    ]
    return "\n".join(out) or "(no errors)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.tagging_eval")
    ap.add_argument("--split", default="dev", choices=SPLITS)
    ap.add_argument("--data-dir", help="an ingested library (default: ingest the default corpus into a tmp dir)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", action="store_true", help="the dev half's errors (never the test half's)")
    ap.add_argument("--baseline", action="store_true", help="also score the tagging this replaced")
    args = ap.parse_args(argv)
    from studygraph.graph.catalogue import load_catalogue

    labels, judged = load_labels()
    resources = ingested_resources(args.data_dir)
    variants = {"tagging": library_tags(resources)}
    if args.baseline:
        variants["baseline"] = baseline_tags(resources, load_catalogue())
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    for name, assigned in variants.items():
        for split in splits:
            s = evaluate(select(labels, split), judged, assigned)
            if args.json:
                print(json.dumps({"name": f"tagging_eval.{name}.{split}", **s.to_dict()}), flush=True)
            else:
                print(report(name, split, s), flush=True)
            if args.misses and split == "dev":
                print(misses(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
