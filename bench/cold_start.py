"""Cold start of a graph-only command (`studygraph path RLHF`) vs `python -c pass`, and no torch import."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.common import p50, report


def _wall(cmd: list[str], env: dict, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        out.append(time.perf_counter() - start)
    return out[1:]


def run(quick: bool, data_dir: str) -> list[dict]:
    repeat = 3 if quick else 7
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=data_dir)
    sg = os.path.join(os.path.dirname(sys.executable), "studygraph")
    ours = _wall([sg, "path", "RLHF", "--json"], env, repeat)
    raw = _wall([sys.executable, "-c", "pass"], env, repeat)
    probe = "import sys, runpy; sys.argv=['studygraph','path','RLHF','--json']\nfrom studygraph.cli import app\ntry: app()\nexcept SystemExit: pass\nprint('TORCH', 'torch' in sys.modules, file=sys.stderr)"
    torch = "TORCH True" in subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stderr
    return [report("cold_start.path_rlhf", p50(ours), p50(raw), "s", "< 1 s wall, no torch import", "lower", imports_torch=torch)]
