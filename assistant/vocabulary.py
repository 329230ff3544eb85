"""The words a library knows: those its texts hold (the BM25 index's vocabulary) and those its catalogue's
names, aliases and descriptions hold. An explain question about a phrase made mostly of words that neither
uses ("quantum gradient origami") is about something the topic map lacks; one whose extra words are common
in the library ("attention score computation", "注意力计算过程") is a real question about a known topic.
assistant/intents.py finds the subject; this says how much of it is known. No model: set look-ups, and the
library's own jieba dictionary for Chinese (assistant/segment.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from studygraph.assistant.retrieval import tokenize
from studygraph.graph.catalogue import Catalogue

_CJK = re.compile(r"[\u3400-\u9fff]")


class KnownWords:
    """`known(piece)`: how many of a subject piece's units (an English word: 1; a run of Chinese characters:
    each character) the library's texts or the catalogue use, tokenised as the BM25 index tokenises."""

    def __init__(self, vocabulary: Container[str], catalogue: Catalogue, cut: Callable[[str], list[str]] | None):
        texts = [
            text
            for t in catalogue.topics.values()
            for text in (t.name, t.zh, *t.aliases, t.description, t.description_zh)
            if text
        ]
        self._vocabulary = vocabulary
        self._cut = cut  # the library dictionary's, else jieba's full one (tokenize)
        self._english = set(tokenize(" ".join(texts), lambda run: []))
        # Chinese catalogue text is looked up as a substring, not segmented: no jieba pass over the catalogue.
        self._chinese = "\n".join(text for text in texts if _CJK.search(text)).casefold()

    def _uses(self, token: str) -> bool:
        return token in self._vocabulary or token in self._english or (len(token) > 1 and token in self._chinese)

    def __call__(self, piece: str) -> int:
        if piece.isascii():  # a stop word ("in") has no token: the library certainly uses it
            return int(all(self._uses(t) for t in tokenize(piece, self._cut)))
        covered = [False] * len(piece)
        for token in set(tokenize(piece, self._cut)):
            if len(token) < 2 or not self._uses(token):  # a lone character proves nothing ("折" is in many words)
                continue
            at = piece.find(token)
            while at >= 0:
                covered[at : at + len(token)] = [True] * len(token)
                at = piece.find(token, at + 1)
        return sum(covered)
