# studygraph: `make run` (install, ingest the default corpus, start the app) and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
SG     := $(VENV)/bin/studygraph
STAMP  := $(VENV)/.installed
PORT   ?= 8501
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-llama install-quality install-gpu run ingest lint test test-fast browser bench checks clean

install: $(STAMP)

# pip's find-links on this machine kind holds the CPU build of torch==2.13.0, so no CUDA wheel is pulled.
# llama-cpp-python is built first, by scripts/install-llama-cpp.sh, with pinned portable flags (no AMX, no
# -march=native) into a wheel cache keyed by those flags; `pip install -e` then finds it installed.
$(STAMP): pyproject.toml scripts/install-llama-cpp.sh scripts/llama-cpp-minimal.cmake
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	scripts/install-llama-cpp.sh $(PY) cpu
	$(PY) -m pip install -e '.[dev]'
	$(PY) -m studygraph.assistant.llama_build
	$(PY) -c "from studygraph.assistant.llm import packaged_model_path; print('model:', packaged_model_path())" || true
	touch $(STAMP)

# The larger packaged model (Qwen2.5 Coder 1.5B Instruct, 1.1 GB): better prose, slower on a CPU.
# Use it with STUDYGRAPH_MODEL=qwen2.5-coder-1.5b (or model = "qwen2.5-coder-1.5b" in <data_dir>/config.toml).
install-quality: install
	$(PY) -m pip install -e '.[dev,quality]'
	STUDYGRAPH_MODEL=qwen2.5-coder-1.5b $(PY) -c "from studygraph.assistant.llm import packaged_model_path; print('model:', packaged_model_path())"

# Rebuild llama.cpp with the portable flags even if this venv holds another build.
install-llama: install
	rm -f $(VENV)/.llama-cpp-python
	scripts/install-llama-cpp.sh $(PY) cpu
	$(PY) -m studygraph.assistant.llama_build

# Rebuild llama-cpp-python with CUDA offload (on a machine with the CUDA toolkit), CPU part still portable.
# CUDA_ARCHITECTURES=90 for an H100; default: the GPUs of this machine.
install-gpu: install
	rm -f $(VENV)/.llama-cpp-python
	scripts/install-llama-cpp.sh $(PY) cuda

ingest: install
	$(SG) ingest

run: install
	$(SG) ingest || echo "ingest reported errors (see above); starting the app anyway"
	$(VENV)/bin/streamlit run ui/app.py --server.headless true --server.address 127.0.0.1 --server.port $(PORT)

# Debian's chromium (no browser download) and CJK fonts for the browser tests.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; fi; }

# ruff: lint rules and formatting are in pyproject.toml; `ruff format .` and `ruff check --fix .` mend most of it.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install browser lint
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not slow"

bench: install
	$(PY) -m bench $(if $(QUICK),--quick,)

checks: install
	python3 ../shared/checks/contract.py
	python3 ../shared/checks/seed_ingest.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
