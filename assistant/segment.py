"""Chinese word segmentation for search: jieba, with a dictionary the size of the library for queries.

jieba's own dictionary (349k words, 498k prefix entries) takes ~0.45 s of CPU to load in every fresh
process, even from its cache: most of what a cold Chinese `search` cost beyond a cold `path`. The library's
index is built once per library version with the full dictionary (`full`); with it a library dictionary
is written (`write_dictionary`) that a query loads in ~30 ms (`load`). It holds:
- every dictionary word found anywhere in the library's texts and the catalogue's names, at every position
  (each run's whole DAG), so that the library's own text segments exactly as with the full dictionary
  (tests/test_retrieval.py checks it on the seed library);
- jieba's `COMMON` most frequent words, so that the rest of a query segments much as before;
- the rest of the full dictionary's frequency mass as one entry no text holds (`PAD`): a path's score is
  log(freq / total) per word, so with the full total every path scores as it did.
A word of a query that no text of the library holds can segment differently; it matches nothing either way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import jieba

COMMON = 20_000
PAD = "\ue000"  # a private-use character: in no text, so never a token
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_lock = threading.Lock()  # jieba's lazy dictionary load is not thread-safe

jieba.setLogLevel(60)  # jieba prints "Building prefix dict..." to stderr on first use otherwise

Cut = Callable[[str], list[str]]


def full() -> jieba.Tokenizer:
    """jieba's default tokenizer, its dictionary loaded."""
    with _lock:
        jieba.dt.check_initialized()
    return jieba.dt


def cutter(tokenizer: jieba.Tokenizer) -> Cut:
    """`run -> tokens` (search mode: "注意力" also as "注意"), safe to call from several threads."""

    def cut(run: str) -> list[str]:
        with _lock:
            return tokenizer.lcut_for_search(run)

    return cut


def write_dictionary(path: Path, texts: Iterable[str]) -> None:
    """The library dictionary for `texts` (the library's chunks and titles, the catalogue's names)."""
    tokenizer = full()
    freq = tokenizer.FREQ
    words: dict[str, int] = {}
    for text in texts:
        for run in _CJK_RUN.findall(text.casefold()):
            for start, ends in tokenizer.get_DAG(run).items():
                for end in ends:
                    word = run[start : end + 1]
                    if freq.get(word):
                        words[word] = freq[word]
    common = sorted((kv for kv in freq.items() if kv[1] > 0), key=lambda kv: (-kv[1], kv[0]))[:COMMON]
    words.update(common)
    pad = max(1, tokenizer.total - sum(words.values()))
    lines = [f"{word} {n}" for word, n in sorted(words.items())]
    path.write_text("\n".join([*lines, f"{PAD} {pad}"]) + "\n", encoding="utf-8")


def load(path: Path) -> Cut | None:
    """The cut of the library dictionary at `path`, None if it is not there (an index cached by an older
    version: the full dictionary then serves). jieba keeps its parse of it next to it."""
    if not path.is_file():
        return None
    tokenizer = jieba.Tokenizer(str(path))
    tokenizer.tmp_dir = str(path.parent)
    return cutter(tokenizer)
