"""`python -m bench [--quick] [--only NAME,...]`: every benchmark, one JSON line each (ours vs raw, same run).

Order: ingest first (its library feeds cold start, the ask-path TTFT and the search evaluation), then cold
start, graph, prereq_eval (agreement with textbooks on bench/prereq_labels.toml), retrieval, generation, fetch,
search_eval (recall and MRR on bench/search_labels.toml). A
benchmark that fails prints {"name": ..., "error": ...} and the rest still run; the exit status is 1 if
any failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

SUITES = ("ingest", "cold_start", "graph", "prereq_eval", "retrieval", "generation", "fetch", "search_eval")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="fewer repeats and sizes (under two minutes on 2 cores)")
    ap.add_argument("--only", default=",".join(SUITES), help=f"comma-separated subset of {','.join(SUITES)}")
    args = ap.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    started = time.perf_counter()
    failed = False
    data_dir = None

    def guard(name, fn):
        nonlocal failed
        t = time.perf_counter()
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            failed = True
            traceback.print_exc(file=sys.stderr)
            print(json.dumps({"name": name, "error": f"{exc.__class__.__name__}: {exc}"[:300]}), flush=True)
        finally:
            print(f"# {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)

    try:
        if "ingest" in wanted or "cold_start" in wanted or "generation" in wanted:
            from bench import ingest_bench

            res = guard("ingest", lambda: ingest_bench.run(args.quick))
            data_dir = res[1] if res else None
        if "cold_start" in wanted and data_dir:
            from bench import cold_start

            guard("cold_start", lambda: cold_start.run(args.quick, data_dir))
        if "graph" in wanted:
            from bench import graph_bench

            guard("graph", lambda: graph_bench.run(args.quick))
        if "prereq_eval" in wanted:
            from bench import prereq_eval

            guard("prereq_eval", lambda: prereq_eval.run(args.quick))
        if "retrieval" in wanted:
            from bench import retrieval_bench

            guard("retrieval", lambda: retrieval_bench.run(args.quick))
        if "generation" in wanted:
            from bench import generation_bench

            guard("generation", lambda: generation_bench.run(args.quick, data_dir))
        if "fetch" in wanted:
            from bench import fetch_bench

            guard("fetch", lambda: fetch_bench.run(args.quick))
        if "search_eval" in wanted:
            from bench import search_eval

            guard("search_eval", lambda: search_eval.run(args.quick, data_dir))
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    print(f"# total: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
