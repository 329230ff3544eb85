"""Comparisons and time budgets routed on a blind set (tests/fixtures/compare_time_probe.json): 64 learners'
messages written by a helper who read neither the router nor the tests, half of each group near-misses, split
once (within group, label and language, by the SHA-1 of the text, alternately) into a tuning half and a held-out
half. `python -m bench.compare_time_probe` prints both halves' counts and the tuning half's misses only.

A comparison is right when it is routed as one with the labelled topics; a near-miss when it is not one. A time
message is right when it is a plan for its topic with the labelled rate and deadline (either side of 0.6 h a week
and 0.3 weeks); a near-miss when it is not a plan with a budget.
"""

from __future__ import annotations

import json
from pathlib import Path

from studygraph.assistant.intents import route
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "compare_time_probe.json"


def right(item: dict, resolver: Resolver) -> tuple[bool, object]:
    intent = route(item["text"], resolver)
    if item["group"] == "compare":
        if not item["compare"]:
            return not intent.compare, intent
        return intent.compare and set(intent.topics) == set(item["topics"]), intent
    budget = intent.budget
    if item.get("intent") != "plan":
        return not (intent.name == "plan" and budget is not None), intent
    if intent.name != "plan" or item["topic"] not in intent.topics or budget is None:
        return False, intent
    for said, got, margin in ((item["hours_per_week"], budget.hours_per_week, 0.6), (item["weeks"], budget.weeks, 0.3)):
        if (said is None) != (got is None) or (said is not None and abs(said - got) >= margin):
            return False, intent
    return True, intent


def main() -> None:
    resolver = Resolver(load_catalogue())
    counts: dict[tuple[str, str], list[int]] = {}
    for item in json.loads(SET.read_text(encoding="utf-8")):
        ok, intent = right(item, resolver)
        count = counts.setdefault((item["half"], item["group"]), [0, 0])
        count[0] += ok
        count[1] += 1
        if not ok and item["half"] == "tune":  # the held-out half's misses are never printed
            print(
                f"  miss: {item['text']!r} -> {intent.name}, compare={intent.compare}, {intent.topics}, {intent.budget}"
            )
    for (half, group), (n_right, n) in sorted(counts.items()):
        print(f"{half} {group}: {n_right}/{n}")


if __name__ == "__main__":
    main()
