"""Cold start of a graph-only command (`studygraph path RLHF`) vs `python -c pass`, and no torch import."""
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


def run(quick: bool, data_dir: str) -> list[dict]:
    repeat = 3 if quick else 7
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=data_dir)
    sg = os.path.join(os.path.dirname(sys.executable), "studygraph")
    ours, ours_cpu = _wall([sg, "path", "RLHF", "--json"], env, repeat)
    raw, raw_cpu = _wall([sys.executable, "-c", "pass"], env, repeat)
    probe = "import sys, runpy; sys.argv=['studygraph','path','RLHF','--json']\nfrom studygraph.cli import app\ntry: app()\nexcept SystemExit: pass\nprint('TORCH', 'torch' in sys.modules, file=sys.stderr)"
    torch = "TORCH True" in subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stderr
    return [report("cold_start.path_rlhf", p50(ours), p50(raw), "s", "< 1 s wall, no torch import", "lower", imports_torch=torch,
                   cpu_s_ours=round(p50(ours_cpu), 3), cpu_s_raw=round(p50(raw_cpu), 3))]
