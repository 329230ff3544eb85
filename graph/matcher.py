"""Find topic mentions in free text, in English and Chinese, with the catalogue's names and aliases.

One compiled alternation, longest alias first, so "自注意力" wins over "注意力" and "multi-head attention"
over "attention". ASCII aliases must stand as whole words ("RL" does not fire inside "RLHF"); CJK aliases
have no word boundaries to respect.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studygraph.graph.catalogue import Catalogue


def normalise(text: str) -> str:
    """Case, width and spacing folded: 'ＲＬＨＦ' == 'rlhf', 'Multi-Head  Attention' == 'multi head attention'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\s\-_/·・]+", " ", text)
    return text.strip()


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


class TopicMatcher:
    def __init__(self, catalogue: Catalogue):
        self.by_alias: dict[str, str] = {}
        for topic in catalogue.topics.values():
            for name in (topic.id.replace("-", " "), topic.name, topic.zh, *topic.aliases):
                for variant in name_variants(name):
                    key = normalise(variant)
                    if len(key) >= 2 and key not in self.by_alias:
                        self.by_alias[key] = topic.id
        parts = []
        for alias in sorted(self.by_alias, key=len, reverse=True):
            body = re.escape(alias).replace(r"\ ", r"\s?")  # "multi head" also matches "multihead"
            if _is_cjk(alias):
                parts.append(body)
            else:
                parts.append(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
        self._regex = re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")

    def find(self, text: str) -> list[Match]:
        norm = normalise(text)
        out = []
        for m in self._regex.finditer(norm):
            alias = m.group(0)
            topic = self.by_alias.get(alias) or self.by_alias.get(alias.replace(" ", "")) or self._lookup(alias)
            if topic:
                out.append(Match(topic, alias, m.start(), m.end()))
        return out

    def _lookup(self, matched: str) -> str | None:
        # The regex allowed an optional space; map the matched text back to its alias.
        squashed = matched.replace(" ", "")
        for alias, topic in self.by_alias.items():
            if alias.replace(" ", "") == squashed:
                return topic
        return None

    def topics(self, text: str) -> list[str]:
        """Distinct topic ids in order of first mention."""
        seen: dict[str, None] = {}
        for m in self.find(text):
            seen.setdefault(m.topic, None)
        return list(seen)


_matchers: dict[str, TopicMatcher] = {}


def matcher_for(catalogue: Catalogue) -> TopicMatcher:
    """Building the alternation takes a few ms; keep one per catalogue version."""
    if catalogue.digest not in _matchers:
        _matchers[catalogue.digest] = TopicMatcher(catalogue)
    return _matchers[catalogue.digest]
