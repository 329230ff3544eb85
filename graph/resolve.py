"""Resolve a learner's words to a topic: exact, alias, fuzzy (a typo), partial — or nothing.

The ladder stops at the first rung that answers, and says which rung it was (`how`), so callers can tell a
sure match from a guess. `partial` is a known topic's name inside a longer name ("spiking neural networks"
holds "neural networks"): the closest topic, not the one asked for, so it is never used as a goal or a
known topic silently (`Resolution.confident`). Nonsense resolves to nothing: the fuzzy rung has a high
cutoff, and the optional embedding rung (the assistant passes an encoder; graph-only commands never load a
model) a threshold. The cutoffs are tuned on a labelled list of near-misses and true aliases
(tests/test_resolve_labels.py), not one case at a time. Before the rungs read the words, a typo of a
name's word is corrected word by word (graph/typos.py: "gradient chekpointing", "RHLF"); such a hit is
`fuzzy` and carries what was corrected (`Resolution.corrected`), for the learner to be told.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from studygraph.graph.catalogue import Catalogue
from studygraph.graph.matcher import matcher_for, normalise
from studygraph.graph.typos import Corrected

FUZZY_CUTOFF = 92  # "tranformer" scores 95, the near-miss "one-shot learning" ~ "few-shot learning" 88
EMBED_THRESHOLD = 0.62
# Words around a topic's name that do not change which topic is meant ("what is RLHF", "学习 Transformer 之前").
QUESTION_WORDS = re.compile(
    r"\b(what|whats|is|are|the|a|an|about|learn|learning|to|for|before|after|of|on|in|and|paper|papers|model|models|"
    r"how|does|do|i|me|my|should|need|know|explain|tell|topic|intro|introduction|basics|tutorial)\b"
    r"|学习?|关于|什么是|是什么|什么|之前|之后|以前|要|先|的|了|吗|呢|怎么|如何|介绍|入门|基础|相关|论文|模型|[?？!！,，.。:：]"
)
FILLER = re.compile(
    r"^(the|a|an|learn(ing)?|about|topic|学习?|关于|什么是)\s*|\s*(model|models|paper|papers|是什么|的?知识|相关)$"
)


@dataclass(frozen=True)
class Resolution:
    id: str
    name: str
    score: float
    how: str  # exact | alias | fuzzy | partial | embedding | learned (a sure match on a learned topic)
    closest: tuple[tuple[str, str], ...] = ()  # (id, name) of the nearest topics, for a partial match or none
    corrected: Corrected | None = None  # the typos corrected to find it ("RHLF" -> "RLHF"): said to the learner

    @property
    def confident(self) -> bool:
        """Safe to use as a goal or a known topic without asking: not merely a name inside a longer one."""
        return self.how != "partial"


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

    def _hit(self, topic_id: str, score: float, how: str, closest=()) -> Resolution:
        topic = self.catalogue.topics[topic_id]
        if topic.learned and how != "partial":
            how = "learned"  # a sure match, on a topic the library taught the map
        return Resolution(topic_id, topic.name, round(score, 3), how, tuple(closest))

    def _exact_or_alias(self, topic_id: str, key: str) -> str:
        topic = self.catalogue.topics[topic_id]
        return "exact" if key in {normalise(topic.id.replace("-", " ")), normalise(topic.name)} else "alias"

    def closest(self, text: str, k: int = 3) -> list[tuple[str, str]]:
        """The k topics whose names are nearest to `text` (any rung's idea of near), best first."""
        query = normalise(text)
        out: dict[str, None] = {}
        for m in sorted(self.matcher.find(query), key=lambda m: m.start - m.end):
            out.setdefault(m.topic, None)
        for key, _, _ in process.extract(query, self.keys, scorer=fuzz.WRatio, limit=4 * k):
            out.setdefault(self.matcher.by_alias[key], None)
        return [(t, self.catalogue.topics[t].name) for t in list(out)[:k]]

    def closest_to(self, text: str, hit: Resolution | None) -> list[tuple[str, str]]:
        """What to suggest when `hit` (resolve's answer for `text`) is not one to use: a partial match's own
        closest topics (the contained one first), else the nearest names."""
        return list(hit.closest) if hit is not None and hit.closest else self.closest(text)

    def resolve(self, text: str, suggest: bool = True, *, typos: bool = True) -> Resolution | None:
        """The topic `text` names, and how sure that is; `suggest=False` skips a partial match's closest
        topics (a fuzzy search over every name), for callers that classify many names and never show them;
        `typos=False` reads the words as written (graph/typos.py corrects them otherwise)."""
        query = normalise(text)
        if not query:
            return None
        if query in self.matcher.by_alias:
            topic = self.matcher.by_alias[query]
            return self._hit(topic, 1.0, self._exact_or_alias(topic, query))
        stripped = FILLER.sub("", query).strip()
        singular = " ".join(_singular(w) for w in stripped.split())
        for candidate in (stripped, singular, singular.replace(" ", ""), query.replace(" ", "")):
            if candidate in self.matcher.by_alias:
                return self._hit(self.matcher.by_alias[candidate], 0.95, "alias")
        # A typo of a name's word, corrected word by word before any rung reads the words: "gradient
        # chekpointing" would otherwise be a partial match on "gradient".
        if typos and (fixed := self.correct(text)):
            hit = self.resolve(fixed.text, suggest, typos=False)
            if hit is not None:
                how = "fuzzy" if hit.how in ("exact", "alias") else hit.how
                return replace(hit, score=round(hit.score * 0.95, 3), how=how, corrected=fixed)
        mentions = self.matcher.find(query)
        if mentions:
            # The longest mention names the subject: "InstructGPT paper" is about InstructGPT, not GPT.
            best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
            rest = QUESTION_WORDS.sub(" ", query[: best.start] + " " + query[best.end :])
            if re.search(r"[0-9a-z\u3400-\u9fff]", rest):  # other content words: a longer, different name
                return self._hit(best.topic, 0.5, "partial", self.closest(text) if suggest else ())
            return self._hit(best.topic, 0.9, "alias")
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

    def correct(self, text: str) -> Corrected:
        """`text` with its typos of topic names corrected (graph/typos.py); falsy when nothing was."""
        return self.matcher.correct(text)

    def mentions(self, text: str) -> list[str]:
        return self.matcher.topics(text)

    def _embedding_rung(self, text: str) -> Resolution | None:
        # numpy (~30 ms) only for this rung: the graph commands resolve without an encoder and never need it.
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
