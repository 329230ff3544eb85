"""Timing helpers and the one-JSON-line-per-benchmark output format."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p50(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def report(name: str, ours: float, raw: float, unit: str, target: float | str, better: str, **extra) -> dict:
    """Print one line: ours vs the raw baseline of the same run, and the ratio the target applies to."""
    line = {
        "name": name,
        "ours": round(ours, 6),
        "raw": round(raw, 6),
        "unit": unit,
        "ratio": round(ours / raw, 4) if raw else None,
        "target": target,
        "better": better,
        **extra,
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line
