"""What the installed llama.cpp was built with, read from the build itself (not from this host's CPU).

A build with AMX kernels segfaults on some hosts and runs on others, and one compiled with -march=native
may die of SIGILL on the next machine, so "it ran here" proves nothing. What proves something on any
host: the CPU library's symbols (no `ggml_backend_amx*`, no `ggml::cpu::amx`) and the feature list
llama.cpp compiled in (`llama_print_system_info`: the pinned AVX2 baseline, nothing above it).

    python -m studygraph.assistant.llama_build    # one line: ok, or what is wrong; exit 1 if wrong
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from studygraph.store.weights import package_dir

AMX_SYMBOL_MARKERS = ("ggml_backend_amx", "3cpu3amx")  # C entry points, and the C++ namespace ggml::cpu::amx
BASELINE = {"AVX", "AVX2", "FMA", "F16C", "BMI2"}  # x86-64-v3, what scripts/install-llama-cpp.sh pins
ABOVE_BASELINE = ("AVX512", "AVX_VNNI", "AMX")  # present only in builds for newer CPUs (or -march=native on one)


def library_dir() -> Path | None:
    """llama_cpp/lib of the installed llama-cpp-python, found without importing it; None if not installed."""
    folder = package_dir("llama_cpp")
    return None if folder is None else folder / "lib"


def cpu_library() -> Path | None:
    lib_dir = library_dir()
    libs = sorted(lib_dir.glob("libggml-cpu*.so*")) if lib_dir else []
    return libs[0] if libs else None


def amx_symbols(library: Path) -> list[str]:
    out = subprocess.run(
        ["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True, check=True
    ).stdout
    return [line.split()[-1] for line in out.splitlines() if any(m in line for m in AMX_SYMBOL_MARKERS)]


def compiled_features() -> dict[str, str]:
    """The CPU features llama.cpp was compiled with, e.g. {"AVX2": "1", ...}, read in a child process."""
    code = "import json, llama_cpp; print(json.dumps(llama_cpp.llama_print_system_info().decode()))"
    info = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    cpu = info[info.find("CPU :") :] if "CPU :" in info else info  # "CPU : SSE3 = 1 | AVX = 1 | ..."
    return dict(re.findall(r"([A-Z][A-Z0-9_]+) = (\w+)", cpu))


def problems() -> list[str]:
    library = cpu_library()
    if library is None:
        return ["llama-cpp-python is not installed (no llama_cpp/lib/libggml-cpu*.so)"]
    found = []
    if amx := amx_symbols(library):
        found.append(f"{library.name} contains AMX kernels ({amx[0]}, ...)")
    features = compiled_features()
    if above := sorted(f for f, v in features.items() if v == "1" and f.startswith(ABOVE_BASELINE)):
        found.append(f"built above the portable baseline (-march=native?): {', '.join(above)}")
    if missing := sorted(BASELINE - {f for f, v in features.items() if v == "1"}):
        found.append(f"built below the AVX2 baseline: {', '.join(missing)} missing")
    return found


def main() -> int:
    found = problems()
    if found:
        print("llama.cpp build is not portable: " + "; ".join(found) + ". Rebuild: make install-llama", file=sys.stderr)
        return 1
    print(f"llama.cpp build ok: {cpu_library().name} has no AMX kernels, features at the AVX2 baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
