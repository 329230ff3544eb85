"""Generation: tokens/s and time-to-first-token of our path (assistant.local_llm.LlamaCppLLM.stream, which the
Assistant uses: llama.cpp in a supervised worker process, tokens over a pipe) vs raw in-process
`llama_cpp.Llama(...)(prompt, stream=True)` on the same packaged GGUF.

Same prompts (a different first line per run, so neither side gets a KV-cache prefix hit), same n_ctx,
n_threads, n_gpu_layers, max_tokens and sampling (temperature 0 = greedy, same top_p/repeat_penalty/stop),
fixed seed; runs interleaved. Tokens are counted the same way on both sides (the output re-tokenised).

Separately: TTFT of the full `Assistant.ask_stream` path (intent routing, hybrid retrieval, prompt build,
our cleaning of the stream) vs raw TTFT on the very prompt the assistant built; the difference is the
overhead a learner waits for on top of the model itself.
"""

from __future__ import annotations

import os
import time

from bench.common import p50, report

PROMPT_BODY = (
    "You are a study assistant. Using only the sources below, explain in a short paragraph how the learner "
    "should approach the topic, and cite sources as [n].\n"
    "[1] The Illustrated Transformer (article): a visual walk through self-attention, multi-head attention and "
    "positional encodings.\n[2] Attention Is All You Need (paper): the original transformer paper.\n"
    "[3] CS224n lecture 8 (video): attention and transformers, with exercises.\n"
    "Question: what should I read first to understand attention, and why?\nAnswer:"
)


def _skip(name: str, reason: str) -> dict:
    import json

    line = {"name": name, "skipped": reason}
    print(json.dumps(line), flush=True)
    return line


def _measure(pieces, t0: float) -> tuple[float, float, str]:
    """(ttft, decode seconds after the first piece, text) of an iterator of text pieces."""
    first = None
    parts = []
    for piece in pieces:
        if first is None and piece:
            first = time.perf_counter()
        parts.append(piece)
    end = time.perf_counter()
    first = first or end
    return first - t0, end - first, "".join(parts)


def run(quick: bool, data_dir: str | None = None) -> list[dict]:
    try:
        from studygraph.assistant.llm import DEFAULT_STOP, packaged_model_path
        from studygraph.assistant.local_llm import LlamaCppLLM
    except ImportError as exc:
        return [_skip("generation", f"assistant.llm not importable: {exc}")]
    from llama_cpp import Llama

    from studygraph.config import load_settings

    settings = load_settings(llm_backend="llama_cpp")
    path = settings.model_path or packaged_model_path(settings)
    n_ctx, max_tokens = settings.n_ctx, (32 if quick else 128)
    n_threads = settings.n_threads or max(1, min(os.cpu_count() or 1, 8))
    ours_llm = LlamaCppLLM(path, n_ctx=n_ctx, n_threads=n_threads, n_gpu_layers=settings.n_gpu_layers, temperature=0.0)
    gpu_layers = ours_llm.n_gpu_layers
    raw_llm = Llama(
        model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_gpu_layers=gpu_layers, seed=42, verbose=False
    )
    sampling = dict(temperature=0.0, top_p=0.9, repeat_penalty=1.15, stop=DEFAULT_STOP)  # what LlamaCppLLM passes

    def raw_stream(prompt, n: int):
        if isinstance(prompt, list):  # chat messages: the model's own template, as LlamaCppLLM.chat_stream does
            chat_sampling = {**sampling, "repeat_penalty": 1.05, "stop": []}
            for chunk in raw_llm.create_chat_completion(messages=prompt, max_tokens=n, stream=True, **chat_sampling):
                yield chunk["choices"][0]["delta"].get("content") or ""
            return
        for chunk in raw_llm(prompt, max_tokens=n, stream=True, **sampling):
            yield chunk["choices"][0].get("text") or ""

    def ntok(text: str) -> int:
        return len(raw_llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    runs = 4 if quick else 8  # interleaved; fewer and one noisy neighbour decides the ratio
    ours_ttft, raw_ttft, ours_rate, raw_rate, ours_tok, raw_tok = [], [], [], [], 0, 0
    # Full-length warm-up on both: the first generations of a freshly mmapped model run several times slower.
    for w in range(1 if quick else 2):
        (
            list(raw_stream(f"Warm up {w}.\n{PROMPT_BODY}", max_tokens)),
            list(ours_llm.stream(f"Warm up {w}.\n{PROMPT_BODY}", max_tokens)),
        )
    for i in range(runs):
        prompt = f"Session {i + 1}.\n{PROMPT_BODY}"
        sides = [("raw", lambda: raw_stream(prompt, max_tokens)), ("ours", lambda: ours_llm.stream(prompt, max_tokens))]
        for side, make in sides if i % 2 == 0 else sides[::-1]:  # alternate who goes first
            t0 = time.perf_counter()
            ttft, dec, text = _measure(make(), t0)
            n = max(0, ntok(text) - 1)  # tokens after the first, over the time after the first
            if side == "raw":
                raw_ttft.append(ttft)
                raw_rate.append(n / dec if dec else 0.0)
                raw_tok += n
            else:
                ours_ttft.append(ttft)
                ours_rate.append(n / dec if dec else 0.0)
                ours_tok += n
    extra = {
        "model": path.name,
        "n_ctx": n_ctx,
        "n_threads": n_threads,
        "n_gpu_layers": gpu_layers,
        "prompt_tokens": ntok(f"Session 1.\n{PROMPT_BODY}"),
        "max_tokens": max_tokens,
        "runs": runs,
    }
    out = [
        report(
            "generation.tok_per_s",
            p50(ours_rate),
            p50(raw_rate),
            "tokens/s",
            ">= 0.95x raw",
            "higher",
            tokens_ours=ours_tok,
            tokens_raw=raw_tok,
            **extra,
        ),
        report(
            "generation.ttft",
            p50(ours_ttft) * 1e3,
            p50(raw_ttft) * 1e3,
            "ms",
            "report (LLM call only)",
            "lower",
            **extra,
        ),
    ]
    out += _ask_path(data_dir, ours_llm, raw_stream, max_tokens, runs)
    return out


def _ask_path(data_dir, llm, raw_stream, max_tokens: int, runs: int) -> list[dict]:
    """TTFT of the whole ask path (retrieval + prompt build + stream cleaning) vs raw TTFT on its prompt."""
    if not data_dir:
        return [_skip("generation.ask_ttft_overhead", "no ingested library passed in")]
    try:
        from studygraph.assistant.engine import Assistant
    except ImportError as exc:
        return [_skip("generation.ask_ttft_overhead", f"assistant.engine not importable: {exc}")]
    from studygraph.config import load_settings

    settings = load_settings(data_dir=data_dir, llm_backend="llama_cpp", max_tokens=max_tokens)
    prompts: list[str] = []
    marks: dict[str, float] = {}

    class Recording:  # our LLM, remembering the prompt the assistant built and when the model was called
        name, supports_grammar, chat = llm.name, getattr(llm, "supports_grammar", False), getattr(llm, "chat", False)
        starts_answer = getattr(llm, "starts_answer", False)

        def count_tokens(self, text):
            return llm.count_tokens(text)

        def _record(self, prompt, pieces):
            prompts.append(prompt)
            marks["called"] = time.perf_counter()
            for piece in pieces:
                marks.setdefault("first_token", time.perf_counter())
                marks["tokens"] = marks.get("tokens", 0) + 1
                yield piece

        def stream(self, prompt, max_tokens, stop=None, grammar=None):
            return self._record(prompt, llm.stream(prompt, max_tokens, stop, grammar))

        def chat_stream(self, messages, max_tokens, stop=None, grammar=None, start=""):
            extra = {"start": start} if start else {}
            return self._record(messages, llm.chat_stream(messages, max_tokens, stop, grammar, **extra))

    assistant = Assistant(settings, llm=Recording())
    questions = ["Find me a video about attention", "Any paper about RLHF?", "学 RLHF 之前要学什么"]
    assistant.ask(questions[-1])  # warm: graph, embedder, Chroma, BM25 index
    ours, raw, before_llm, buffering, prompt_tokens, held = [], [], [], [], [], []

    def shown(pieces):  # how many model pieces (tokens) had arrived when the first piece was shown
        for piece in pieces:
            if piece and "held" not in marks:
                marks["held"] = marks.get("tokens", 0)
            yield piece

    for i in range(runs):
        q = questions[i % len(questions)]
        marks.clear()
        t0 = time.perf_counter()
        answer, pieces = assistant.ask_stream(q)
        ttft, _, _ = _measure(shown(pieces), t0)
        if "called" in marks:
            held.append(marks.get("held", 0))
            before_llm.append(marks["called"] - t0)
            buffering.append(t0 + ttft - marks.get("first_token", t0 + ttft))
            prompt = prompts[-1]
            prompt_tokens.append(
                llm.count_tokens(prompt if isinstance(prompt, str) else "\n".join(m["content"] for m in prompt))
            )
        if "called" not in marks:
            return [
                _skip(
                    "generation.ask_ttft_overhead", f"question {q!r} did not reach the model (intent {answer.intent})"
                )
            ]
        ours.append(ttft)
        t0 = time.perf_counter()
        raw.append(_measure(raw_stream(prompts[-1], max_tokens), t0)[0])
        prompts.clear()
    return [
        report(
            "generation.ask_ttft",
            p50(ours) * 1e3,
            p50(raw) * 1e3,
            "ms",
            "report: overhead = ours - raw (routing + retrieval + prompt build + stream cleaning)",
            "lower",
            overhead_ms=round((p50(ours) - p50(raw)) * 1e3, 1),
            before_llm_ms=round(p50(before_llm) * 1e3, 1),  # routing + retrieval + prompt build
            first_token_to_first_piece_ms=round(p50(buffering) * 1e3, 1),  # what the cleaning holds back
            # load-independent: model tokens that arrived before the first shown piece (our start words excluded)
            held_tokens=p50(held),
            held_tokens_each=held,
            prompt_tokens=int(p50(prompt_tokens)),
            runs=runs,
        )
    ]


if __name__ == "__main__":
    import sys

    run("--quick" in sys.argv, sys.argv[-1] if len(sys.argv) > 1 and not sys.argv[-1].startswith("-") else None)
