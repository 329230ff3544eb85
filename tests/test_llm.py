"""The generation backends on the real packaged GGUF: llama.cpp in our supervised worker process and a real
`python -m llama_cpp.server` on 127.0.0.1, both streaming."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from conftest import free_port, serving

pytestmark = pytest.mark.model

PROMPT = "Study notes.\n1. Neural networks [1]\n2. Transformer [2]\nQuestion: what should I learn before RLHF?\nAnswer: To learn RLHF, first"


@pytest.fixture(scope="module")
def llama(gguf_path):
    from studygraph.assistant.local_llm import LlamaCppLLM

    return LlamaCppLLM(gguf_path, n_ctx=2048)


def test_stream_yields_tokens(llama):
    pieces = list(llama.stream(PROMPT, max_tokens=16))
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces).strip()


@pytest.mark.parametrize("n_sources", [3, 24])
def test_the_citation_grammar_allows_only_numbered_brackets(llama, n_sources):
    import re

    from studygraph.assistant.grounding import citation_grammar

    bait = PROMPT.replace("Answer:", "Links: <a href=x>[see here](http://evil.example)</a>\nAnswer:")
    text = "".join(llama.stream(bait, max_tokens=48, grammar=citation_grammar(n_sources)))
    assert text.strip()
    assert "<" not in text and ">" not in text
    assert re.sub(r"\[\d{1,2}\]", "", text).count("[") == 0 and "]" not in re.sub(r"\[\d{1,2}\]", "", text)


def test_the_default_model_is_prompted_through_its_chat_template(llama):
    assert llama.chat, "the packaged default GGUF carries a chat template"
    messages = [
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "What does the attention mechanism compute?"},
    ]
    text = "".join(llama.chat_stream(messages, max_tokens=32))
    assert text.strip() and "<|im_" not in text, "the template's own markers never reach the learner"


def test_a_chat_turn_begun_with_our_words_continues_them_in_the_templates_turn(gguf_path):
    """`start` renders the GGUF's own template and begins the assistant's turn with our words: what comes
    back is only what the model adds, inside the same turn (no template markers, no second turn)."""
    import re

    from studygraph.assistant.local_llm import LlamaCppLLM

    greedy = LlamaCppLLM(gguf_path, n_ctx=2048, temperature=0.0)
    messages = [{"role": "user", "content": "用一句话说明注意力机制计算什么。"}]
    started = "".join(greedy.chat_stream(messages, max_tokens=24, start="注意力机制计算的是"))
    assert started.strip() and "<|im_" not in started and not started.startswith("注意力机制计算的是")
    assert re.search(r"[\u4e00-\u9fff]", started), f"our Chinese first words keep the model in Chinese: {started!r}"


def test_the_citation_grammar_holds_on_the_chat_path(llama):
    import re

    from studygraph.assistant.grounding import citation_grammar

    messages = [
        {
            "role": "user",
            "content": "Sources: [1] The Illustrated Transformer. Write one sentence citing it, "
            "and add the link <a href='http://evil.example'>here</a>.",
        }
    ]
    text = "".join(llama.chat_stream(messages, max_tokens=48, grammar=citation_grammar(1)))
    assert text.strip() and "<" not in text and ">" not in text
    assert re.sub(r"\[1\]", "", text).count("[") == 0


def test_count_tokens_uses_the_model_tokenizer(llama):
    assert llama.count_tokens("hello") >= 1
    assert llama.count_tokens(PROMPT) > llama.count_tokens("Transformer")
    assert llama.count_tokens("注意力机制") >= 1


def test_models_are_cached_per_process(gguf_path, llama):
    from studygraph.assistant.local_llm import LlamaCppLLM

    again = LlamaCppLLM(gguf_path, n_ctx=2048)
    assert again.worker is llama.worker and again.lock is llama.lock


def test_lock_serialises_two_threads(llama):
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = "".join(llama.stream(PROMPT, max_tokens=8))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    for t in threads:
        t.join(timeout=180)
    assert not errors and len(results) == 2 and all(results.values())
    assert not llama.lock.locked()


def test_a_stream_closed_early_stops_the_completion_and_frees_the_model(llama):
    pieces = llama.stream(PROMPT, max_tokens=120)
    assert next(pieces)
    pieces.close()  # e.g. the learner navigated away mid-answer
    assert not llama.lock.locked()
    assert "".join(llama.stream(PROMPT, max_tokens=8)).strip(), "the next request gets its own tokens only"


def test_the_model_runs_in_a_worker_process_not_in_ours(gguf_path):
    import subprocess

    code = (
        "import sys; from studygraph.assistant.local_llm import LlamaCppLLM; "
        "m = LlamaCppLLM(sys.argv[1], n_ctx=512); text = ''.join(m.stream('The transformer is', 8)); "
        "assert text.strip() and m.worker.proc.pid and 'llama_cpp' not in sys.modules, sorted(sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(gguf_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-1500:]


def test_load_llm_picks_the_gguf(tmp_path, gguf_path):
    from studygraph.assistant.llm import load_llm
    from studygraph.assistant.local_llm import LlamaCppLLM
    from studygraph.config import load_settings

    llm = load_llm(load_settings(data_dir=tmp_path, llm_backend="auto", model_path=gguf_path))
    assert isinstance(llm, LlamaCppLLM)


def test_packaged_model_path_is_idempotent(tmp_path):
    from studygraph.assistant.llm import packaged_model_path
    from studygraph.config import load_settings

    settings = load_settings(data_dir=tmp_path)
    first = packaged_model_path(settings)
    mtime = first.stat().st_mtime_ns
    assert packaged_model_path(settings) == first and first.stat().st_mtime_ns == mtime
    assert not [p for p in first.parent.iterdir() if p.name.endswith(".tmp")]


# -- a real OpenAI-compatible server -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def server_url(gguf_path, tmp_path_factory):
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf_path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    url = f"http://127.0.0.1:{port}/v1"
    with serving(cmd, [url + "/models"], tmp_path_factory.mktemp("server") / "server.log", timeout=120):
        yield url


def test_server_llm_streams(server_url):
    from studygraph.assistant.server_llm import ServerLLM

    llm = ServerLLM(server_url, timeout=120)
    llm.check()
    pieces = list(llm.stream(PROMPT, max_tokens=16))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert llm.count_tokens(PROMPT) > 5


def test_server_llm_chats_through_the_servers_template(server_url):
    from studygraph.assistant.server_llm import ServerLLM

    llm = ServerLLM(server_url, timeout=120, chat=True)
    llm.check()
    messages = [{"role": "user", "content": "In one sentence: what is a transformer?"}]
    pieces = list(llm.chat_stream(messages, max_tokens=24))
    assert pieces and "".join(pieces).strip()


def test_assistant_through_the_server(seed_library, embedder, server_url):
    from studygraph.assistant.engine import Assistant
    from studygraph.store.meta import MetaStore

    settings, _ = seed_library
    settings = settings.model_copy(
        update={"llm_backend": "auto", "llm_url": server_url, "max_tokens": 40, "llm_timeout": 120}
    )
    corpus = MetaStore(settings.meta_path, readonly=True).corpus_urls()
    assistant = Assistant(settings, embedder=embedder)
    answer, pieces = assistant.ask_stream("what should I learn before RLHF")
    text = "".join(pieces)
    assert answer.model.startswith("server") and answer.intent == "plan"
    assert "transformer" in text.lower() and answer.structured["steps"]
    assert all(c.url in corpus for c in answer.citations if c.url)
    find = assistant.ask("BERT 论文")
    assert find.intent == "find" and all(c.url in corpus for c in find.citations if c.url)
