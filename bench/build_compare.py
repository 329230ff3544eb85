"""Raw llama.cpp speed of the installed (portable) build against another build of llama-cpp-python, e.g. the
`-march=native` wheel pip makes by default, unpacked into a folder:

    pip wheel --no-deps --no-cache-dir llama-cpp-python==0.3.36 -w /tmp/native
    unzip -q /tmp/native/llama_cpp_python-*.whl -d /tmp/native/site
    python -m bench.build_compare /tmp/native/site [--quick]

Same packaged GGUF, prompt, n_ctx, threads and greedy sampling; each build runs in its own child process
(two builds cannot share one process), the two alternating so that a noisy neighbour hits both.
"ours" is the installed build, "raw" the other one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.common import p50, report

CHILD = r"""
import json, sys, time
from llama_cpp import Llama, llama_print_system_info
model, n_threads, max_tokens, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
body = ("You are a study assistant. Using only the sources below, explain how the learner should approach "
        "attention.\n[1] The Illustrated Transformer\n[2] Attention Is All You Need\nAnswer:")
llm = Llama(model_path=model, n_ctx=2048, n_threads=n_threads, seed=42, verbose=False)
llm(f"Warm up.\n{body}", max_tokens=max_tokens, temperature=0.0)
rates, ttfts = [], []
for i in range(runs):
    t0 = time.perf_counter(); first = None; n = 0
    for chunk in llm(f"Session {i} {time.time()}.\n{body}", max_tokens=max_tokens, temperature=0.0, stream=True):
        first = first or time.perf_counter(); n += 1
    end = time.perf_counter()
    ttfts.append(first - t0); rates.append((n - 1) / (end - first) if n > 1 else 0.0)
cpu = llama_print_system_info().decode()
print(json.dumps({"rates": rates, "ttfts": ttfts, "features": cpu[cpu.find("CPU :"):].strip()}))
"""


def _run(site: str | None, model: str, n_threads: int, max_tokens: int, runs: int) -> dict:
    env = dict(os.environ)
    if site:
        env["PYTHONPATH"] = site + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, model, str(n_threads), str(max_tokens), str(runs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{site or 'installed build'} exited {out.returncode}: {out.stderr[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(other_site: str, quick: bool) -> list[dict]:
    from studygraph.assistant.llm import packaged_model_path
    from studygraph.config import load_settings

    settings = load_settings()
    model = str(settings.model_path or packaged_model_path(settings))
    n_threads = settings.n_threads or max(1, min(os.cpu_count() or 1, 8))
    max_tokens, rounds = (64, 2) if quick else (128, 4)
    ours: dict[str, list] = {"rates": [], "ttfts": []}
    other: dict[str, list] = {"rates": [], "ttfts": []}
    for i in range(rounds):
        pair = [(ours, None), (other, other_site)]
        for side, site in pair if i % 2 == 0 else pair[::-1]:
            result = _run(site, model, n_threads, max_tokens, runs=3)
            side["rates"] += result["rates"]
            side["ttfts"] += result["ttfts"]
            side["features"] = result["features"]
    extra = {
        "model": os.path.basename(model),
        "n_threads": n_threads,
        "max_tokens": max_tokens,
        "ours_build": ours["features"],
        "raw_build": other["features"],
    }
    return [
        report("build.tok_per_s", p50(ours["rates"]), p50(other["rates"]), "tokens/s", "report", "higher", **extra),
        report("build.ttft", p50(ours["ttfts"]) * 1e3, p50(other["ttfts"]) * 1e3, "ms", "report", "lower", **extra),
    ]


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if not args:
        sys.exit(__doc__)
    run(args[0], "--quick" in sys.argv)
