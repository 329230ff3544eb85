"""Order questions ("should I learn BERT or GPT first?", "学 QLoRA 需要先学 LoRA 吗") routed on a blind set
(tests/fixtures/order_probe.json): 60 learners' messages written by a helper who read neither the router nor the
tests, a third of them near-misses (what to learn before one topic, why A comes before B, the difference between
two, a resource comparing them), split once (within order and language, by the SHA-1 of the text, alternately)
into a tuning half and a held-out half. `python -m bench.order_probe` prints both halves' counts and the tuning
half's misses only.

An order question is right when it is routed as one with the labelled topics; a near-miss when it is not one and
has the labelled intent.
"""

from __future__ import annotations

import json
from pathlib import Path

from studygraph.assistant.intents import Intent, route
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver

SET = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "order_probe.json"


def right(item: dict, resolver: Resolver) -> tuple[bool, Intent]:
    intent = route(item["text"], resolver)
    if item["order"]:
        return intent.order and set(intent.topics) == set(item["topics"]), intent
    return not intent.order and intent.name == item["intent"], intent


def main() -> None:
    resolver = Resolver(load_catalogue())
    counts: dict[tuple[str, bool], list[int]] = {}
    for item in json.loads(SET.read_text(encoding="utf-8")):
        ok, intent = right(item, resolver)
        count = counts.setdefault((item["half"], item["order"]), [0, 0])
        count[0] += ok
        count[1] += 1
        if not ok and item["half"] == "tune":  # the held-out half's misses are never printed
            print(f"  miss: {item['text']!r} -> {intent.name}, order={intent.order}, {intent.topics}")
    for (half, order), (n_right, n) in sorted(counts.items()):
        print(f"{half} {'order' if order else 'near-miss'}: {n_right}/{n}")


if __name__ == "__main__":
    main()
