"""Shared fixtures: real components on small data (tmp data dirs, the real MiniLM, a real Chroma on disk)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def embedder():
    """The configured default embedder, as ingest makes it (the store knows which one made its vectors)."""
    from studygraph.config import DEFAULT_EMBEDDER
    from studygraph.store.embedders import make_embedder

    return make_embedder(DEFAULT_EMBEDDER, ingest=True)


@pytest.fixture
def make_settings(tmp_path):
    from studygraph.config import load_settings

    def make(corpus: Path | None = None, **kw):
        data = tmp_path / "data"
        return load_settings(data_dir=data, corpus_dirs=[corpus] if corpus else [], llm_backend="none", **kw)

    return make


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory, embedder):
    """The default corpus ingested once into a tmp data dir, shared read-only by many tests."""
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("seed-data")
    settings = load_settings(data_dir=data, llm_backend="none")
    report = ingest(settings, embedder=embedder)
    return settings, report


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


LORA_ROADMAP = "# Fine-tuning\n\n## LoRA\n\n- [LoRA paper](https://arxiv.org/abs/2106.09685)\n"


def turns(*questions: str) -> list[dict]:
    """A conversation of these questions, each with an answer."""
    return [m for q in questions for m in ({"role": "user", "content": q}, {"role": "assistant", "content": "…"})]


def talk(lib, *questions: str):
    """Ask each question in turn with the conversation so far; the answers."""
    history, answers = [], []
    for q in questions:
        answer = lib.ask(q, history=list(history))
        answers.append(answer)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.answer}]
    return answers


def small_library(root: Path, embedder, files: dict[str, str]):
    """A Library over `files` (name -> markdown) in root/corpus, ingested into root/data, with no model."""
    from studygraph import Library

    for name, text in files.items():
        write(root / "corpus" / name, text)
    lib = Library.open(root / "data", embedder=embedder, corpus_dirs=[root / "corpus"], llm_backend="none")
    assert not lib.ingest().errors
    return lib


def copy_fixture(name: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FIXTURES / name, dest / name))


@pytest.fixture(scope="session")
def gguf_path(tmp_path_factory):
    """The packaged GGUF, assembled once per test session (the assistant's own code path)."""
    from studygraph.assistant.llm import packaged_model_path
    from studygraph.config import load_settings

    return packaged_model_path(load_settings(data_dir=tmp_path_factory.mktemp("gguf-data")))


@pytest.fixture
def own_gguf(gguf_path, tmp_path):
    """The packaged GGUF under a path of its own: no model worker another test started is reused for it."""
    path = tmp_path / "own-model" / gguf_path.name
    path.parent.mkdir()
    try:
        os.link(gguf_path, path)
    except OSError:
        shutil.copy(gguf_path, path)
    return path


def cli_in_fresh_process(argv: list[str], data_dir: Path, watch: tuple[str, ...]) -> tuple[list[str], str]:
    """Run `studygraph ARGV` in a fresh interpreter: (which of the `watch` modules it imported, its stdout)."""
    code = (
        f"import sys; from studygraph.cli import main; sys.argv={['studygraph', *argv]!r}\n"
        "import contextlib, io\nbuf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n    try: main()\n    except SystemExit: pass\n"
        f"import json; print(json.dumps([m for m in {watch!r} if m in sys.modules])); print(buf.getvalue())"
    )
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=str(data_dir))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, check=True
    ).stdout
    imported, stdout = out.split("\n", 1)
    return json.loads(imported), stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cmd: list[str], ready_urls: list[str], log: Path, timeout: float = 60, **popen):
    """Run a real server (chroma, llama_cpp.server, streamlit) until one of `ready_urls` answers 200;
    fail with the tail of its log if it exits or never answers; stop it afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"{Path(cmd[0]).name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
                )
            if any(_answers(url) for url in ready_urls):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{' '.join(cmd[:3])} did not come up in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class FakeLLM:
    """A scripted stand-in for a model (the `LLM` protocol in assistant/llm.py), like simonw/llm's MockModel.

    Each reply is a list of text pieces streamed one by one; an exception instance in the list is raised at
    that point, after the pieces before it (a model that fails mid-answer). A bare string or exception is a
    one-item reply. Every call pops the next reply, through `stream` (a prompt string) or `chat_stream`
    (chat messages) alike, and is recorded: `prompts` holds what the model was given, `calls` the rest.
    A call beyond the scripted replies fails the test (through pytest.fail, which the assistant's own
    `except Exception` around generation cannot swallow into a fallback note).
    """

    name = "fake"
    supports_grammar = False  # the grammar the assistant passes is recorded anyway

    def __init__(self, *replies, chat: bool = False):
        self.chat = chat
        self.replies: list[list] = []
        self.prompts: list = []  # str for stream, list[dict] for chat_stream, in call order
        self.calls: list[dict] = []
        for reply in replies:
            self.enqueue(reply)

    def enqueue(self, reply) -> FakeLLM:
        self.replies.append([reply] if isinstance(reply, (str, BaseException)) else list(reply))
        return self

    def stream(self, prompt: str, max_tokens: int, stop=None, grammar=None):
        return self._reply("stream", prompt, max_tokens, stop, grammar)

    def chat_stream(self, messages: list[dict], max_tokens: int, stop=None, grammar=None):
        return self._reply("chat_stream", [dict(m) for m in messages], max_tokens, stop, grammar)

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)  # a rough chars-per-token estimate: cheap and deterministic

    def _reply(self, method: str, prompt, max_tokens: int, stop, grammar):
        self.prompts.append(prompt)
        self.calls.append(
            {"method": method, "prompt": prompt, "max_tokens": max_tokens, "stop": stop, "grammar": grammar}
        )
        if not self.replies:
            pytest.fail(
                f"FakeLLM: call {len(self.calls)} ({method}) but no scripted reply is left; "
                f"enqueue one per generation the test expects"
            )
        return self._play(self.replies.pop(0))

    @staticmethod
    def _play(reply: list):
        for item in reply:
            if isinstance(item, BaseException):
                raise item
            yield item


@pytest.fixture
def fake_llm():
    """Make a FakeLLM: `fake_llm(["To", " learn..."], RuntimeError("boom"), chat=True)`."""
    return FakeLLM
