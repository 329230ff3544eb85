"""A bilingual evaluation of the model-written prose, rerunnable on any model (tests/test_prose_eval.py asserts
floors on the default model; `python -m bench.models_bench` prints the figures for every packaged model).

The questions were written before the prompts were tuned. Per answer it checks what a learner relies on:
prose present; in the question's language (share of CJK among letters); on topic (names a topic or
resource of the structured answer); no URL outside the corpus; every [n] in the model's raw output
resolving to a source it was given (the final text drops those that don't: the raw figure is the model's).
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass

QUESTIONS = [  # (intent, language, question)
    ("plan", "zh", "学 RLHF 之前要学什么"),
    ("plan", "en", "What should I learn before RLHF?"),
    ("plan", "zh", "想学 LoRA 微调，需要先学哪些？"),
    ("plan", "en", "How do I get from zero to understanding the transformer?"),
    ("next", "zh", "我接下来该学什么"),
    ("next", "en", "What should I learn next?"),
    ("find", "zh", "哪里有讲注意力机制的好资料"),
    ("find", "en", "Where is a good explanation of attention?"),
    ("find", "en", "Any paper about instruction tuning?"),
    ("explain", "zh", "LoRA 是什么"),
    ("explain", "en", "What is BERT?"),
    ("explain", "zh", "什么是词向量"),
]
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
URL = re.compile(r"https?://[^\s)\]>]+")
CITE = re.compile(r"\[(\d{1,3})\]")
SOURCE_LINE = re.compile(r"^\[(\d{1,3})\] ", re.M)


@dataclass
class Score:
    question: str
    intent: str
    lang: str
    prose: str
    has_prose: bool
    cjk_share: float
    right_language: bool
    on_topic: bool
    urls_in_corpus: bool
    sources: int  # how many numbered sources the prompt held
    raw_cites: int
    raw_cites_resolving: int
    seconds: float
    first_prose_s: float | None


def cjk_share(text: str) -> float:
    cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def _names(structured: dict) -> set[str]:
    """Topic names (English and Chinese) and resource titles of the structured answer."""
    names = set()
    items = [structured.get("goal") or {}, structured.get("topic") or {}]
    items += structured.get("steps") or []
    items += [t for t in structured.get("topics") or [] if isinstance(t, dict)]
    for item in items:
        names |= {item.get("name") or "", item.get("zh") or ""}
    names |= {r.get("title") or "" for r in structured.get("resources") or []}
    return {n.casefold() for n in names if len(n) >= 2}


class Recording:
    """Wraps an LLM and keeps the raw text and the number of sources of the last prompt it was given."""

    def __init__(self, llm):
        self.llm, self.raw, self.n_sources, self.first_piece_at = llm, "", 0, None
        self.name, self.chat = llm.name, getattr(llm, "chat", False)
        self.supports_grammar = getattr(llm, "supports_grammar", False)

    def count_tokens(self, text):
        return self.llm.count_tokens(text)

    def _record(self, pieces, prompt_text):
        self.raw, self.first_piece_at = "", None
        self.n_sources = len(SOURCE_LINE.findall(prompt_text.split("</sources>")[0]))
        for piece in pieces:
            self.raw += piece
            yield piece

    def stream(self, prompt, max_tokens, stop=None, grammar=None):
        return self._record(self.llm.stream(prompt, max_tokens, stop, grammar), prompt)

    def chat_stream(self, messages, max_tokens, stop=None, grammar=None):
        return self._record(self.llm.chat_stream(messages, max_tokens, stop, grammar), messages[-1]["content"])


def evaluate(assistant, recording: Recording, corpus_urls: set[str]) -> list[Score]:
    scores = []
    for intent, lang, question in QUESTIONS:
        start = time.perf_counter()
        answer, pieces = assistant.ask_stream(question)
        first = None
        for piece in pieces:
            if first is None and piece.strip() and recording.raw:
                first = time.perf_counter() - start
        seconds = time.perf_counter() - start
        prose = answer.prose
        share = cjk_share(prose)
        raw_cites = [int(n) for n in CITE.findall(recording.raw)]
        scores.append(
            Score(
                question=question,
                intent=answer.intent,
                lang=lang,
                prose=prose,
                has_prose=bool(prose.strip()),
                cjk_share=round(share, 2),
                right_language=bool(prose.strip()) and (share >= 0.3 if lang == "zh" else share <= 0.05),
                on_topic=any(name in prose.casefold() for name in _names(answer.structured)),
                urls_in_corpus=all(u.rstrip(".,;") in corpus_urls for u in URL.findall(answer.text)),
                sources=recording.n_sources,
                raw_cites=len(raw_cites),
                raw_cites_resolving=sum(1 <= n <= recording.n_sources for n in raw_cites),
                seconds=round(seconds, 2),
                first_prose_s=round(first, 2) if first is not None else None,
            )
        )
    return scores


def summary(scores: list[Score]) -> dict:
    n = len(scores)
    cites = sum(s.raw_cites for s in scores)
    firsts = sorted(s.first_prose_s for s in scores if s.first_prose_s is not None)
    return {
        "questions": n,
        "prose": round(sum(s.has_prose for s in scores) / n, 2),
        "right_language": round(sum(s.right_language for s in scores) / n, 2),
        "on_topic": round(sum(s.on_topic for s in scores) / n, 2),
        "urls_in_corpus": round(sum(s.urls_in_corpus for s in scores) / n, 2),
        "raw_cites_resolving": round(sum(s.raw_cites_resolving for s in scores) / cites, 2) if cites else None,
        "answers_citing": round(sum(s.raw_cites > 0 for s in scores) / n, 2),
        "first_prose_p50_s": firsts[len(firsts) // 2] if firsts else None,
    }


def rows(scores: list[Score]) -> list[dict]:
    return [asdict(s) for s in scores]
