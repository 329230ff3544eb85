"""Concurrency: questions answered while a re-ingest runs see the old library or the new one, never an
exception and never a URL from neither; two threads sharing the in-process model both get whole answers."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from conftest import CORPUS

pytestmark = pytest.mark.slow

QUESTIONS = ["transformer attention paper", "Find me a video about RNN", "BERT fine-tune", "concurrency probe tutorial"]


def _urls(settings) -> set[str]:
    from studygraph.store.meta import MetaStore

    meta = MetaStore(settings.meta_path, readonly=True)
    try:
        return meta.corpus_urls()
    finally:
        meta.close()


def test_questions_during_reingest_see_old_or_new_library(tmp_path, make_settings, embedder):
    engine = pytest.importorskip("studygraph.assistant.engine")
    from studygraph.ingest.pipeline import ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("nlp-group-tasks.md", "nlp-basecamp.md"):
        shutil.copy(CORPUS / "roadmaps" / name, corpus / name)
    settings = make_settings(corpus)
    first = ingest(settings, embedder=embedder)
    assert not first.errors and first.chunks > 0
    old_urls = _urls(settings)

    # The edit: drop one link, reword another (its card re-embeds) and add new resources (embedded).
    path = corpus / "nlp-group-tasks.md"
    text = path.read_text(encoding="utf-8")
    assert "https://arxiv.org/abs/1409.0473" in text
    text = "\n".join(line for line in text.splitlines() if "1409.0473" not in line)
    text = text.replace("Transformer模型经典论文", "Transformer model paper, revised")
    text += (
        "\n\n### Concurrency probe\n\n"
        + "\n".join(
            f"- [Concurrency probe tutorial {i}: attention and RNN](https://example.org/concurrency-probe/{i})"
            for i in range(40)
        )
        + "\n"
    )
    path.write_text(text, encoding="utf-8")

    assistant = engine.Assistant(settings, embedder=embedder)
    assistant.search(QUESTIONS[0], k=5)  # warm: the library, Chroma and the BM25 index are loaded before the race
    errors: list[BaseException] = []
    seen: list[set[str]] = []
    done = threading.Event()

    def ask_loop():
        i = 0
        while not done.is_set() or i < len(QUESTIONS):  # keep asking until the ingest is over, then once more each
            q = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            try:
                urls = {r.resource.url for r in assistant.search(q, k=5) if r.resource.url}
                answer = assistant.ask(q)
                urls |= {c.url for c in answer.citations}
                assert answer.text
                seen.append(urls)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
                return

    reader = threading.Thread(target=ask_loop, daemon=True)
    reader.start()
    try:
        time.sleep(0.2)
        second = ingest(settings, embedder=embedder)
    finally:
        done.set()
        reader.join(timeout=300)
    assert not reader.is_alive(), "a question hung during the re-ingest"
    assert not errors, repr(errors[0])
    assert second.updated == 1 and second.vectors_written > 0
    new_urls = _urls(settings)
    assert (
        "https://example.org/concurrency-probe/0" in new_urls
        and "https://arxiv.org/abs/1409.0473" in old_urls - new_urls
    )
    assert len(seen) >= len(QUESTIONS)
    for urls in seen:
        assert urls <= old_urls | new_urls, urls - (old_urls | new_urls)
    # After the ingest, the assistant answers from the new library.
    fresh = {r.resource.url for r in assistant.search("concurrency probe tutorial", k=5)}
    assert any(u and u.startswith("https://example.org/concurrency-probe/") for u in fresh)


@pytest.mark.model
def test_two_threads_share_the_in_process_model(gguf_path):
    from studygraph.assistant.local_llm import LlamaCppLLM

    llm = LlamaCppLLM(gguf_path, n_ctx=512, temperature=0.0)
    again = LlamaCppLLM(gguf_path, n_ctx=512, temperature=0.0)
    assert again.worker is llm.worker, "one loaded model is reused (Streamlit sessions share it)"
    prompts = ["Attention in transformers is", "A recurrent neural network is"]
    reference = ["".join(llm.stream(p, 24, stop=["<end_of_turn>"])) for p in prompts]
    assert all(reference)

    results: dict[int, str] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(i: int):
        try:
            start.wait(timeout=30)
            results[i] = "".join(
                again.stream(prompts[i], 24, stop=["<end_of_turn>"])
                if i
                else llm.stream(prompts[i], 24, stop=["<end_of_turn>"])
            )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, repr(errors[0])
    assert [results.get(0), results.get(1)] == reference  # greedy: whole, uninterleaved, same as one at a time
