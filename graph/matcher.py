"""Find topic mentions in free text, in English and Chinese, with the catalogue's names and aliases.

One compiled alternation, longest alias first, so "自注意力" wins over "注意力" and "multi-head attention"
over "attention". ASCII aliases must stand as whole words ("RL" does not fire inside "RLHF"); CJK aliases
have no word boundaries to respect.

A name that is also an everyday English word (a topic's `everyday` list) must not name its topic by
accident: "how do I get from zero to transformers" is not about ZeRO, "hmm" is not HMM, and "a basic
tutorial on LoRA" is about LoRA, not *machine learning basics*. One spelt distinctively ("ZeRO", "ReAct",
"SQuAD") is matched only as written, or in a Chinese question, where an English word is a name ("rope是什么",
"zero 的原理"); a plain word ("roadmap", "accuracy", "Basic") names its topic only when the text names no
other topic. `find(..., everyday=True)` keeps the rejected ones too, for callers that blank out words.

`correct(text)` corrects typos of the names' words first ("explain attension"; graph/typos.py says which
word is one), keeping a correction only where the corrected word then lies inside a mention.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, replace

from studygraph.graph.catalogue import Catalogue
from studygraph.graph.typos import MAX_CORRECTED, QUESTION_ENGLISH, WORD, Corrected, Correction, TypoVocabulary


def _spaced(text: str) -> str:
    return re.sub(r"[\s\-_/·・]+", " ", unicodedata.normalize("NFKC", text)).strip()


def normalise(text: str) -> str:
    """Case, width and spacing folded: 'ＲＬＨＦ' == 'rlhf', 'Multi-Head  Attention' == 'multi head attention'."""
    return _spaced(text).casefold()


def _distinctive(spelling: str) -> bool:
    """Spelt unlike a plain word: a capital after the first letter ("ZeRO", "HMM"; not "Basic")."""
    return any(ch.isupper() for ch in spelling[1:])


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def name_variants(name: str) -> list[str]:
    """'Direct Preference Optimization (DPO)' is also known by its long and its short form."""
    m = re.fullmatch(r"\s*(.+?)\s*[(（]([^()（）]+)[)）]\s*", name)
    return [name, m.group(1), m.group(2)] if m else [name]


@dataclass(frozen=True)
class Match:
    topic: str
    alias: str
    start: int
    end: int
    everyday: str = ""  # "" | "weak": a plain everyday word | "rejected": not its topic here (see the docstring)


class TopicMatcher:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self._typos: TypoVocabulary | None = None  # built on the first text with an unknown word (correct)
        self._typos_lock = threading.Lock()
        self.by_alias: dict[str, str] = {}
        self.as_written: dict[str, set[str]] = {}  # alias -> the spellings it matches in ("zero" -> {"ZeRO"})
        self.weak: set[str] = set()  # plain everyday words: they name a topic only when nothing else is named
        for topic in catalogue.topics.values():
            for name in (topic.id.replace("-", " "), topic.name, topic.zh, *topic.aliases):
                for variant in name_variants(name):
                    key = normalise(variant)
                    if len(key) >= 2 and key not in self.by_alias:
                        self.by_alias[key] = topic.id
            for word in topic.everyday:
                key = normalise(word)
                if self.by_alias.get(key) != topic.id:
                    continue  # another topic's name first: it is that topic's word to protect
                if _distinctive(word):
                    self.as_written.setdefault(key, set()).add(_spaced(word).replace(" ", ""))
                else:
                    self.weak.add(key)
        # The words of every name: a question made of them (and question words) needs no typo vocabulary.
        self._name_words = {word for alias in self.by_alias for word in alias.split()}
        parts = []
        for alias in sorted(self.by_alias, key=len, reverse=True):
            body = re.escape(alias).replace(r"\ ", r"\s?")  # "multi head" also matches "multihead"
            if _is_cjk(alias):
                parts.append(body)
            else:
                parts.append(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
        self._regex = re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")

    def find(self, text: str, everyday: bool = False) -> list[Match]:
        """The topic mentions in `text`, in order; `everyday`: also the everyday words that name no topic
        here, marked "rejected" (module docstring)."""
        spaced = _spaced(text)
        norm = spaced.casefold()
        # Where casefolding keeps the length (all but a few letters, "ß"), a position in `norm` is one in `spaced`.
        aligned = len(norm) == len(spaced)
        chinese = _is_cjk(norm)
        out = []
        for m in self._regex.finditer(norm):
            alias = m.group(0)
            key = alias if alias in self.by_alias else alias.replace(" ", "")
            topic = self.by_alias.get(key) or self._lookup(alias)
            if not topic:
                continue
            mark = ""
            if key in self.as_written and not chinese:
                written = spaced[m.start() : m.end()].replace(" ", "") if aligned else ""
                mark = "" if written in self.as_written[key] else "rejected"
            elif key in self.weak:
                mark = "weak"
            out.append(Match(topic, alias, m.start(), m.end(), mark))
        named = {m.topic for m in out if not m.everyday}
        out = [replace(m, everyday="rejected") if m.everyday == "weak" and named - {m.topic} else m for m in out]
        return out if everyday else [m for m in out if m.everyday != "rejected"]

    def _lookup(self, matched: str) -> str | None:
        # The regex allowed an optional space; map the matched text back to its alias.
        squashed = matched.replace(" ", "")
        for alias, topic in self.by_alias.items():
            if alias.replace(" ", "") == squashed:
                return topic
        return None

    def correct(self, text: str) -> Corrected:
        """`text` with its English typos of topic names corrected, word by word (graph/typos.py says when a
        word is one); a correction stands only where the corrected word then lies inside a topic mention."""
        if len(text) > MAX_CORRECTED:
            return Corrected(text, text)
        words = [
            m
            for m in WORD.finditer(text)
            if len(m.group()) >= 4
            and (key := m.group().casefold()) not in self._name_words
            and key not in QUESTION_ENGLISH
        ]
        if not words:
            return Corrected(text, text)
        vocabulary = self._vocabulary()
        fixes = {m.start(): (m, fix) for m in words if (fix := vocabulary.suggest(m.group()))}
        while fixes:  # dropping one correction can undo the mention another one made: until none is dropped
            fixed, spans = _apply(text, [fixes[k] for k in sorted(fixes)])
            mentions = [m for m in self.find(fixed) if not m.everyday]
            kept = {k: v for (k, v), span in zip(sorted(fixes.items()), spans) if _inside(span, mentions)}
            if len(kept) == len(fixes):
                break
            fixes = kept
        if not fixes:
            return Corrected(text, text)
        spaced = _spaced(fixed)
        shown = [_as_written(fixed, spaced[m.start : m.end]) for m in mentions if any(_inside(s, [m]) for s in spans)]
        return Corrected(
            text,
            fixed,
            tuple(Correction(m.group(), fix) for m, fix in (fixes[k] for k in sorted(fixes))),
            tuple(dict.fromkeys(shown)),
            "zh" if _is_cjk(text) else "en",
        )

    def _vocabulary(self) -> TypoVocabulary:
        with self._typos_lock:
            if self._typos is None:
                self._typos = TypoVocabulary(self.catalogue)
            return self._typos

    def topics(self, text: str) -> list[str]:
        """Distinct topic ids in order of first mention."""
        seen: dict[str, None] = {}
        for m in self.find(text):
            seen.setdefault(m.topic, None)
        return list(seen)


def _apply(text: str, fixes: list[tuple[re.Match, str]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` with each matched word replaced, and where each replacement lies in its `_spaced` form (the
    positions `find` reports)."""
    out, spans, at = [], [], 0
    for m, fix in fixes:
        out.append(text[at : m.start()])
        start = len(_spaced("".join(out) + "x")) - 1  # the prefix as `find` sees it: spacing folded
        spans.append((start, start + len(fix)))
        out.append(fix)
        at = m.end()
    out.append(text[at:])
    return "".join(out), spans


def _as_written(text: str, spaced: str) -> str:
    """A mention as `text` spells it ("self-attention", not the folded "self attention")."""
    m = re.search(r"[\s\-_/·・]+".join(map(re.escape, spaced.split(" "))), text)
    return m.group() if m else spaced


def _inside(span: tuple[int, int], mentions: list[Match]) -> bool:
    return any(m.start <= span[0] and span[1] <= m.end for m in mentions)


_matchers: dict[str, TopicMatcher] = {}


def matcher_for(catalogue: Catalogue) -> TopicMatcher:
    """Building the alternation takes a few ms; keep one per catalogue version."""
    if catalogue.digest not in _matchers:
        _matchers[catalogue.digest] = TopicMatcher(catalogue)
    return _matchers[catalogue.digest]
