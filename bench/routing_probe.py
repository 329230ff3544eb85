"""How many of the routing probe's questions (tests/routing_probe.py) route to the intent they should.

    python -m bench.routing_probe [--json] [--holdout [NAME]]

Each question is routed on its own (no history) by `assistant.intents.route` with the resolver the app builds
over the curated catalogue (studygraph/library.py builds the same over the catalogue plus the topics learned
from a library; none is needed here). Prints the accuracy, by intent, and each miss: question, expected, got.
The probe is tuning material: a miss is fixed by a phrasing family in assistant/phrasings.py, never one sentence.
`--holdout` scores HOLDOUT2 instead (written after the PROBE fixes; its misses were fixed by families since);
`--holdout HOLDOUT` the first holdout, spent the same way; `--holdout HOLDOUT3` the next, written before the
HOLDOUT2 fixes and scored once before and once after them, tuning material since; `--holdout HOLDOUT4` the one
never tuned on, written before the HOLDOUT3 fixes and scored once before and once after them (print its count
with --json, not its misses: they are not for fixing). `--holdout TUNE5` and `--holdout HOLDOUT5` are the two halves
of a set written on 2026-12-03 by someone who read neither the router nor the sets before: TUNE5 is tuning material,
HOLDOUT5 is held out like HOLDOUT4. Neither held-out set's misses are printed or put in the JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

HELD_OUT = ("HOLDOUT4", "HOLDOUT5", "HOLDOUT6")  # never tuned on
PROBE_FILE = Path(__file__).resolve().parent.parent / "tests" / "routing_probe.py"


def load_probe(path: Path = PROBE_FILE, name: str = "PROBE") -> list[tuple[str, str]]:
    """The PROBE (or a HOLDOUT) list, loaded from its file (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("routing_probe_data", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, name))


def evaluate(probe: list[tuple[str, str]], name: str = "routing_probe") -> dict:
    from studygraph.assistant.intents import route
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.resolve import Resolver

    resolver = Resolver(load_catalogue())
    total, right = Counter(), Counter()
    misses = []
    for question, expected in probe:
        got = route(question, resolver).name
        total[expected] += 1
        if got == expected:
            right[expected] += 1
        else:
            misses.append({"question": question, "expected": expected, "got": got})
    n = sum(total.values())
    return {
        "name": name,
        "n": n,
        "right": sum(right.values()),
        "accuracy": round(sum(right.values()) / n, 4) if n else 0.0,
        "by_intent": {name: f"{right[name]}/{total[name]}" for name in sorted(total)},
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.routing_probe")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of the text report")
    ap.add_argument(
        "--holdout",
        nargs="?",
        const="HOLDOUT2",
        choices=(
            "HOLDOUT",
            "HOLDOUT2",
            "HOLDOUT3",
            "HOLDOUT4",
            "TUNE5",
            "TUNE6",
            "HOLDOUT5",
            "TUNE7",
            "TUNE8",
            "HOLDOUT6",
        ),
        help="score another set instead of PROBE: HOLDOUT2 (the default), HOLDOUT, HOLDOUT3, TUNE5 to TUNE8, or the held-out "
        "HOLDOUT4, HOLDOUT5 and HOLDOUT6 (their count only)",
    )
    args = ap.parse_args(argv)
    which = args.holdout or "PROBE"
    result = evaluate(load_probe(name=which), f"routing_{which.lower()}")
    if which in HELD_OUT:  # their misses are not for fixing: not printed, not in the JSON
        result["misses"] = []
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"routing {which.lower()}: {result['right']}/{result['n']} = {result['accuracy']:.3f}")
    print("by intent: " + ", ".join(f"{k} {v}" for k, v in result["by_intent"].items()))
    for miss in result["misses"]:
        print(f"  miss: {miss['question']!r}  expected {miss['expected']}, got {miss['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
