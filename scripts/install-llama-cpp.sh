#!/usr/bin/env bash
# Install llama-cpp-python into a venv from a wheel built here with pinned, portable flags.
#
#   scripts/install-llama-cpp.sh PYTHON [cpu|cuda]
#
# Why not plain `pip install llama-cpp-python`: pip builds it with GGML_NATIVE=ON (-march=native). On a host
# with AMX that compiles ggml's AMX kernels, which segfault on the first decode (llama.cpp #20824), and a
# wheel built on one CPU may die of SIGILL on the next. pip also caches that wheel and silently reuses it
# after a flag change. So: one fixed x86-64-v3 baseline (AVX2/FMA/F16C/BMI2; no AVX-512, no AMX), none of
# what the Python bindings never load (mtmd/llava, llama.cpp's common library, tools), and a wheel cache
# of our own keyed by version + flags, outside the checkout so a fresh clone on the same machine reuses it.
set -euo pipefail
py=${1:?usage: install-llama-cpp.sh PYTHON [cpu|cuda]}
variant=${2:-cpu}
version=0.3.36  # keep equal to the pin in pyproject.toml
here=$(cd "$(dirname "$0")/.." && pwd)
minimal_cmake="$here/scripts/llama-cpp-minimal.cmake"

flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
flags="$flags -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
flags="$flags -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF"
case $variant in
  cpu) ;;
  cuda) flags="$flags -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHITECTURES:-native}" ;;
  *) echo "install-llama-cpp.sh: unknown variant '$variant' (cpu or cuda)" >&2; exit 2 ;;
esac

key=$({ echo "$version $variant $flags"; cat "$minimal_cmake"; } | sha256sum | cut -c1-12)
tag="$version-$variant-$key"
cache_root=${STUDYGRAPH_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/studygraph/wheels}
cache="$cache_root/llama-cpp-python-$tag"
marker="$("$py" -c 'import sys; print(sys.prefix)')/.llama-cpp-python"

if [ "$(cat "$marker" 2>/dev/null)" = "$tag" ] && "$py" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("llama_cpp") is None)'; then
  echo "llama-cpp-python $tag already installed"
  exit 0
fi
if [ "$variant" = cpu ] && grep -q -- "-cuda-" "$marker" 2>/dev/null; then
  echo "llama-cpp-python: keeping the CUDA build from make install-gpu ($(cat "$marker"))"
  exit 0
fi

if ! ls "$cache"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $version ($variant, portable flags) into $cache"
  started=$SECONDS
  tmp="$cache.tmp.$$"
  rm -rf "$tmp"
  # --no-cache-dir: never take a wheel pip built earlier with other flags; --no-binary: never a prebuilt one.
  CMAKE_ARGS="$flags -DCMAKE_PROJECT_llama.cpp_INCLUDE=$minimal_cmake" \
  CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
    "$py" -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python "llama-cpp-python==$version" -w "$tmp"
  mkdir -p "$cache_root"
  rm -rf "$cache"
  mv "$tmp" "$cache"
  echo "built in $((SECONDS - started)) s"
fi
"$py" -m pip install -q --no-deps --force-reinstall "$cache"/llama_cpp_python-*.whl
echo "$tag" > "$marker"
echo "llama-cpp-python $tag installed"
