"""The installed llama.cpp is the portable build scripts/install-llama-cpp.sh makes, checked in what the
build contains, so this fails on any host where the build is wrong (an AMX build runs fine on a host
without AMX and segfaults on one with it; a -march=native build dies of SIGILL on an older CPU)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studygraph.assistant import llama_build


def test_the_cpu_library_has_no_amx_kernels():
    library = llama_build.cpu_library()
    assert library is not None, "llama-cpp-python is installed with its libggml-cpu"
    assert llama_build.amx_symbols(library) == []


def test_the_amx_check_would_see_amx_kernels(tmp_path):
    """The symbol check is not vacuous: a library exporting an AMX kernel is caught."""
    source = tmp_path / "amx.c"
    source.write_text("void ggml_backend_amx_mul_mat(void) {}\nint ggml_cpu_has_amx_int8(void) { return 0; }\n")
    library = tmp_path / "libggml-cpu.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    assert llama_build.amx_symbols(library) == ["ggml_backend_amx_mul_mat"]


def test_compiled_features_are_the_avx2_baseline_and_nothing_above():
    features = llama_build.compiled_features()
    on = {name for name, value in features.items() if value == "1"}
    assert llama_build.BASELINE <= on, features
    assert not [f for f in on if f.startswith(llama_build.ABOVE_BASELINE)], (
        f"built for this CPU, not portably: {features}"
    )
    assert llama_build.problems() == []


@pytest.mark.model
def test_a_raw_completion_runs_in_a_child_process(gguf_path):
    code = (
        "import sys; from llama_cpp import Llama; "
        "m = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=2, verbose=False); "
        "print(m('The transformer is', max_tokens=8, temperature=0.0)['choices'][0]['text'])"
    )
    result = subprocess.run([sys.executable, "-c", code, str(gguf_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-1500:]}"
    assert result.stdout.strip()
