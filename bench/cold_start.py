"""Cold starts, each a fresh process as a learner's terminal runs it: a graph-only command (`studygraph path
RLHF`) vs `python -c pass`; `search` (English and Chinese) and `ask --no-llm` on a find question vs that same
cold `path` (target: search <= 1.5 s and <= 3x path on 2 cores); whether each imports torch; and the time
from starting `ask` with the default model to its first printed prose."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

from bench.common import p50, report


def _wall(cmd: list[str], env: dict, repeat: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds user+sys) per run, first (cache-warming) run dropped. CPU time is what
    a busy machine does not inflate."""
    wall, cpu = [], []
    for _ in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall[1:], cpu[1:]


def _imports_torch(argv: list[str], env: dict) -> bool:
    probe = (
        f"import sys; sys.argv={argv!r}\nfrom studygraph.cli import app\ntry: app()\nexcept SystemExit: pass\n"
        "print('TORCH', 'torch' in sys.modules, file=sys.stderr)"
    )
    return "TORCH True" in subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stderr


def _first_output(cmd: list[str], env: dict) -> float:
    """Seconds from starting `cmd` to the first non-blank bytes it prints (streamed prose, for `ask`)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    while chunk := os.read(proc.stdout.fileno(), 4096):
        if first is None and chunk.strip():
            first = time.perf_counter() - start
    proc.wait()
    return first if first is not None else float("nan")


def run(quick: bool, data_dir: str) -> list[dict]:
    repeat = 3 if quick else 7
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=data_dir)
    sg = os.path.join(os.path.dirname(sys.executable), "studygraph")
    path_argv = ["studygraph", "path", "RLHF", "--json"]
    ours, ours_cpu = _wall([sg, *path_argv[1:]], env, repeat)
    raw, raw_cpu = _wall([sys.executable, "-c", "pass"], env, repeat)
    out = [
        report(
            "cold_start.path_rlhf",
            p50(ours),
            p50(raw),
            "s",
            "< 1 s wall, no torch import",
            "lower",
            imports_torch=_imports_torch(path_argv, env),
            cpu_s_ours=round(p50(ours_cpu), 3),
            cpu_s_raw=round(p50(raw_cpu), 3),
        )
    ]
    for name, argv in (
        ("search_en", ["studygraph", "search", "attention explained", "-k", "5", "--json"]),
        ("search_zh", ["studygraph", "search", "注意力机制", "-k", "5", "--json"]),
        ("ask_find_no_llm", ["studygraph", "ask", "Any paper about RLHF?", "--no-llm", "--json"]),
    ):
        wall, cpu = _wall([sg, *argv[1:]], env, repeat)
        out.append(
            report(
                f"cold_start.{name}",
                p50(wall),
                p50(ours),
                "s",
                "<= 1.5 s wall and <= 3x cold path",
                "lower",
                vs_python_pass=round(p50(wall) / p50(raw), 1),
                imports_torch=_imports_torch(argv, env),
                cpu_s_ours=round(p50(cpu), 3),
            )
        )
    first = [
        _first_output([sg, "ask", "学 RLHF 之前要学什么"], dict(env, STUDYGRAPH_LLM_BACKEND="auto"))
        for _ in range(2 if quick else 3)
    ]
    out.append(
        report(
            "cold_start.ask_first_prose", p50(first), p50(ours), "s", "report (default model, plan question)", "lower"
        )
    )
    return out
