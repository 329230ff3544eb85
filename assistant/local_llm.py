"""The local GGUF through llama-cpp-python, run in a supervised worker process (assistant/llm_worker.py).

Why a process: llama.cpp is native code, and a native crash cannot be caught. A build with AMX kernels
segfaults on the first decode on some hosts (llama.cpp #20824); a build for a newer CPU dies of SIGILL. In
process, either kills the CLI with exit 139 or the Streamlit server with every tab on it. In a worker, it
costs the prose of one answer: the stream raises LLMError, the assistant gives its deterministic answer and
says why. A native crash is remembered in the data dir for this build, model and CPU, so later questions
skip the model at once (with the reason and the fix) instead of crashing again; a rebuild changes the key.

One worker per (model, n_ctx, n_gpu_layers, n_threads) per process, shared by every caller (Streamlit
serves all tabs from one process), and a lock per worker: it answers one request at a time. Tokens
cross a pipe as JSON lines; that costs microseconds against tens of milliseconds per token.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from studygraph.assistant.llama_build import library_dir
from studygraph.assistant.llm import DEFAULT_STOP, check_gguf
from studygraph.assistant.llm_worker import Lines
from studygraph.errors import LLMError, WorkerCrash

# A process killed by one of these died in native code; the same build, model and CPU will die again.
NATIVE_CRASHES = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}
REBUILD_HINT = "rebuild llama.cpp portably: make install-llama"
CRASHES_FILE = "llm-crashes.json"


# -- which build, model and CPU -----------------------------------------------------------------------------
def _cpu_flags() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("flags"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def crash_key(model_path: Path, n_gpu_layers: int | None) -> str:
    """(llama-cpp-python version, its native libraries, the model file, GPU layers, CPU flags) as one hash."""
    lib_dir = library_dir()
    parts = [importlib.metadata.version("llama_cpp_python") if lib_dir else "absent"]
    if lib_dir and lib_dir.is_dir():
        parts += [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(lib_dir.glob("lib*.so*"))]
    st = model_path.stat()
    parts += [str(model_path.resolve()), str(st.st_size), str(st.st_mtime_ns), str(n_gpu_layers), _cpu_flags()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class CrashLog:
    """Native crashes of the model worker, by crash key, in `<data_dir>/llm-crashes.json`."""

    def __init__(self, data_dir: Path | None):
        self.path = Path(data_dir) / CRASHES_FILE if data_dir else None

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text()) if self.path and self.path.is_file() else {}
        except (OSError, ValueError):
            return {}

    def reason(self, key: str) -> str | None:
        entry = self._read().get(key)
        return entry.get("reason") if isinstance(entry, dict) else None

    def record(self, key: str, reason: str) -> None:
        if self.path is None:
            return
        entries = self._read()
        entries[key] = {"reason": reason}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:  # a read-only data dir still answers; it only cannot remember
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(entries, indent=1))
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


# -- the worker process ---------------------------------------------------------------------------------------
class _Worker:
    def __init__(self, model_path: Path, n_ctx: int, n_threads: int, n_gpu_layers: int | None, timeout: float):
        self.timeout = timeout
        self.log = tempfile.TemporaryFile()  # llama.cpp's own messages, for the error line if it dies
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studygraph.assistant.llm_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            close_fds=True,
        )
        self.channel = Lines(self.proc.stdout.fileno(), self.proc.stdin.fileno())
        self.channel.send(
            {"model_path": str(model_path), "n_ctx": n_ctx, "n_threads": n_threads, "n_gpu_layers": n_gpu_layers}
        )
        ready = self.recv(timeout=max(timeout, 120.0))  # loading a 1 GB GGUF from a cold disk takes a while
        if "error" in ready:
            self.close()
            raise LLMError(f"could not load {model_path.name}: {ready['error']}")
        self.n_gpu_layers: int = ready["n_gpu_layers"]
        self.chat_template: bool = ready.get("chat_template", False)
        self.system_info: str = ready.get("system_info", "")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def recv(self, timeout: float | None = None) -> dict:
        try:
            message = self.channel.recv(timeout if timeout is not None else self.timeout)
        except TimeoutError:
            self.close()
            raise LLMError(f"the model produced nothing for {timeout or self.timeout:.0f}s; stopped it") from None
        if message is not None:
            return message
        code = self.proc.wait()
        if code < 0 and -code in NATIVE_CRASHES:
            name = _signal_name(code)
            raise WorkerCrash(f"the model process crashed ({name}) in llama.cpp native code; {REBUILD_HINT}", name)
        raise LLMError(
            f"the model process exited ({_signal_name(code) if code < 0 else f'status {code}'}): {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            self.log.seek(0)
            lines = [ln for ln in self.log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
            return " ".join(lines[-1].split())[:160] if lines else "no message"
        except OSError:
            return "no message"

    def close(self) -> None:
        if self.alive():
            try:
                self.proc.stdin.close()  # the worker exits at end of input
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()


_workers: dict[tuple, tuple[_Worker, threading.Lock]] = {}
_workers_lock = threading.Lock()


@atexit.register
def _close_workers() -> None:
    while _workers:
        worker, _ = _workers.popitem()[1]
        worker.close()


def loaded_models() -> list[tuple[str, int]]:
    """(name, GPU layers) of each model this process has running; imports and loads nothing."""
    return [(f"llama.cpp:{Path(key[0]).name}", worker.n_gpu_layers) for key, (worker, _) in list(_workers.items())]


# -- the LLM interface ----------------------------------------------------------------------------------------
class LlamaCppLLM:
    """A GGUF in a worker process. `chat` says how the assistant should prompt it: through the model's own
    chat template (`chat_stream`) or as a document to continue (`stream`); by default, chat exactly when
    the GGUF carries a template, i.e. it is an instruct model."""

    supports_grammar = True
    starts_answer = True  # chat_stream(start=...) begins the assistant's turn with given words

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        n_gpu_layers: int | None = None,
        temperature: float = 0.2,
        timeout: float = 60.0,
        data_dir: Path | None = None,
        chat: bool | None = None,
    ):
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, min(os.cpu_count() or 1, 8))
        self.temperature = temperature
        self.timeout = timeout
        self.name = f"llama.cpp:{self.model_path.name}"
        check_gguf(self.model_path)
        self.crashes = CrashLog(data_dir)
        self.crash_key = crash_key(self.model_path, n_gpu_layers)
        self._key = (str(self.model_path.resolve()), n_ctx, n_gpu_layers, self.n_threads)
        self._requested_gpu_layers = n_gpu_layers
        self.worker, self.lock = self._start()
        self.n_gpu_layers = self.worker.n_gpu_layers
        self.chat = self.worker.chat_template if chat is None else chat

    def _start(self) -> tuple[_Worker, threading.Lock]:
        """The running worker for this model, started (or restarted after it died) when needed."""
        with _workers_lock:
            known = self.crashes.reason(self.crash_key)
            if known:
                raise LLMError(known)
            if self._key in _workers and _workers[self._key][0].alive():
                return _workers[self._key]
            lock = _workers[self._key][1] if self._key in _workers else threading.Lock()
            try:
                worker = _Worker(self.model_path, self.n_ctx, self.n_threads, self._requested_gpu_layers, self.timeout)
            except WorkerCrash as crash:
                self._remember(crash)
                raise
            _workers[self._key] = (worker, lock)
            return worker, lock

    def _remember(self, crash: WorkerCrash) -> None:
        self.crashes.record(
            self.crash_key,
            f"{self.model_path.name} crashed this build of llama.cpp on this CPU ({crash.signal}); {REBUILD_HINT}",
        )

    def _request(self, message: dict) -> Iterator[dict]:
        """Send one request and yield its replies; a crash is remembered before the error goes up."""
        if not self.worker.alive():
            self.worker, self.lock = self._start()
        try:
            self.worker.channel.send(message)
        except OSError:
            pass  # it died; recv says how
        while True:
            try:
                reply = self.worker.recv()
            except WorkerCrash as crash:
                self._remember(crash)
                raise
            if "error" in reply:
                raise LLMError(f"llama.cpp: {reply['error']}")
            yield reply
            if "n" in reply or reply.get("done"):
                return

    def count_tokens(self, text: str) -> int:
        with self.lock:
            return next(self._request({"op": "count", "text": text}))["n"]

    def stream(
        self, prompt: str, max_tokens: int, stop: list[str] | None = None, grammar: str | None = None
    ) -> Iterator[str]:
        """Continue `prompt` (a base model's way of answering)."""
        return self._generate(
            {
                "op": "complete",
                "prompt": prompt,
                "max_tokens": max_tokens,
                "stop": stop or DEFAULT_STOP,
                "grammar": grammar,
                "temperature": self.temperature,
                "repeat_penalty": 1.15,
            }
        )

    def chat_stream(
        self,
        messages: list[dict],
        max_tokens: int,
        stop: list[str] | None = None,
        grammar: str | None = None,
        start: str = "",
    ) -> Iterator[str]:
        """The assistant's turn after `messages`, through the GGUF's chat template; with `start`, the turn
        begins with those words and what is streamed is the rest."""
        # A milder repeat penalty than for the base model: a Chinese answer repeats characters legitimately.
        return self._generate(
            {
                "op": "chat",
                "messages": messages,
                "start": start,
                "max_tokens": max_tokens,
                "stop": stop or [],
                "grammar": grammar,
                "temperature": self.temperature,
                "repeat_penalty": 1.05,
            }
        )

    def _generate(self, request: dict) -> Iterator[str]:
        # The lock is held for the whole generation and released when the generator finishes or is closed.
        with self.lock:
            replies = self._request(request)
            finished = False
            try:
                for reply in replies:
                    if reply.get("done"):
                        finished = True
                        return
                    yield reply["text"]
            except LLMError:
                finished = True
                raise
            finally:
                if not finished and self.worker.alive():  # the reader stopped early: stop the worker's generation
                    try:
                        self.worker.channel.send({"op": "cancel"})
                        for _ in replies:
                            pass
                    except (OSError, LLMError):
                        pass  # it died meanwhile; the next request starts a new one
