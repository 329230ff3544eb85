"""Resolve a learner's words to a topic: exact, alias, normalised, contained mention, fuzzy — or nothing.

The ladder stops at the first rung that answers; each rung has its own score so callers can tell a sure
match from a guess. Nonsense must resolve to nothing: the fuzzy rung has a high cutoff, and the optional
embedding rung (the assistant passes an encoder; graph-only commands never load a model) a threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from studygraph.graph.catalogue import Catalogue
from studygraph.graph.matcher import matcher_for, normalise

FUZZY_CUTOFF = 86
EMBED_THRESHOLD = 0.62
FILLER = re.compile(
    r"^(the|a|an|learn(ing)?|about|topic|学习?|关于|什么是)\s*|\s*(model|models|paper|papers|是什么|的?知识|相关)$"
)


@dataclass(frozen=True)
class Resolution:
    id: str
    name: str
    score: float
    how: str  # exact | normalised | mention | fuzzy | embedding


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class Resolver:
    def __init__(self, catalogue: Catalogue, encode: Callable[[list[str]], list[list[float]]] | None = None):
        self.catalogue = catalogue
        self.matcher = matcher_for(catalogue)
        self.keys = list(self.matcher.by_alias)
        self.encode = encode
        self._topic_vectors = None

    def _hit(self, topic_id: str, score: float, how: str) -> Resolution:
        return Resolution(topic_id, self.catalogue.topics[topic_id].name, round(score, 3), how)

    def resolve(self, text: str) -> Resolution | None:
        query = normalise(text)
        if not query:
            return None
        if query in self.matcher.by_alias:
            return self._hit(self.matcher.by_alias[query], 1.0, "exact")
        stripped = FILLER.sub("", query).strip()
        singular = " ".join(_singular(w) for w in stripped.split())
        for candidate in (stripped, singular, singular.replace(" ", ""), query.replace(" ", "")):
            if candidate in self.matcher.by_alias:
                return self._hit(self.matcher.by_alias[candidate], 0.95, "normalised")
        mentions = self.matcher.find(query)
        if mentions:
            # The longest mention names the subject: "InstructGPT paper" is about InstructGPT, not GPT.
            best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
            return self._hit(best.topic, 0.9, "mention")
        # Typos: fuzzy-match what the learner wrote, with and without the filler words stripped.
        candidates = {c for c in (singular, " ".join(_singular(w) for w in query.split())) if len(c) >= 3}
        found = [
            f
            for c in candidates
            if (f := process.extractOne(c, self.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF))
        ]
        if found:
            best = max(found, key=lambda f: f[1])
            return self._hit(self.matcher.by_alias[best[0]], 0.9 * best[1] / 100, "fuzzy")
        if self.encode is not None:
            return self._embedding_rung(text)
        return None

    def mentions(self, text: str) -> list[str]:
        return self.matcher.topics(text)

    def _embedding_rung(self, text: str) -> Resolution | None:
        import numpy as np

        topics = list(self.catalogue.topics.values())
        if self._topic_vectors is None:
            self._topic_vectors = np.asarray(self.encode([f"{t.name}. {t.description}" for t in topics]))
        query = np.asarray(self.encode([text])[0])
        sims = self._topic_vectors @ query
        best = int(np.argmax(sims))
        if sims[best] < EMBED_THRESHOLD:
            return None
        return self._hit(topics[best].id, float(sims[best]) * 0.8, "embedding")
