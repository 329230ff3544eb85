"""Which topics a resource is about, from all its evidence, the title's distinctive phrase first.

The evidence of a resource (`Evidence`) is its title, the roadmap lines it sits on (for a paper card of
corpus/papers, the line says what the paper is about), the headings above them, and the text of its
fetched page or PDF where the library has one. Every catalogue name and alias found in it is weighed by
where it stands and by how specific it is:

- where: the title's name (a trailing "(RoPE)", the words before a colon, or, without a colon, the words
  before the first preposition: "Scaling Laws | for Neural Language Models") weighs most, then the head
  of a roadmap line, then the rest of the title and of the line, then a heading, whose topics are its
  section's rather than the resource's; a topic counts once per part of the evidence;
- how specific: an alias that also stands inside longer aliases of other topics ("embedding" of
  "position embedding", "language model" of "large language model", "transformer" of "vision
  transformer"), or is only half of a hyphenated name ("MT" of "MT-Bench", "Zero" of "Zero-Shot"), is
  generic, unless written as a coined name ("ZeRO", "RoPE") or as its topic's own acronym ("BERT"); and
  a coined name written as the plain word it spells ("Neural Networks: Zero to Hero") is generic too.
  Generic words count only where nothing specific is said: "Transformer非常经典好的blog" is a transformer
  resource, "GQA: Training Generalized Multi-Query Transformer Models" is not. A word inside a longer
  matched alias never counts on its own (one alternation, longest alias first).

Besides the best topic, a topic is kept when its evidence reaches FLOOR (one specific mention in the
title or a line's head, or two weaker witnesses), at most MAX_TOPICS, best first; a heading that is one
topic's name ("## RLHF") adds that topic when it is a curated prerequisite of the resource's best topic
(the InstructGPT paper there is an RLHF resource, though its title never says so). The links of a roadmap
line are blanked out of it before it is read, since "参考大模型有ChatGLM，ChatGLM2，Alpaca" says what
ChatGLM is, not what Alpaca is about; so are web addresses. What kind of resource it is (a `meta` topic:
a roadmap, interview questions, a paper reading) only its own title can say, beside the subject it names
("GAN论文精读" is a GAN resource and a paper reading) unless in an everyday word (the catalogue's
`everyday`: the "blog" of "Transformer非常经典好的blog" is its kind, not a list of blogs).
Everything comes from the catalogue (names, aliases, levels), so new topic cards need no code here.
bench/tagging_eval.py measures precision and recall on hand-labelled resources (tuned on its dev half).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from studygraph.graph.catalogue import Catalogue
from studygraph.graph.matcher import matcher_for, name_variants, normalise

# Weights of where a mention stands (see the module docstring); tuned on the dev half of the labels.
NAME, SUBJECT, TITLE_REST = 3.0, 2.25, 1.25  # a title's name, the head after its colon, the rest
LINE, LINE_REST = 1.5, 1.0  # a roadmap line's head and what follows its first preposition
HEADING, TEXT = 0.75, 1.5
FLOOR = LINE  # besides the best topic, a topic needs a specific mention's worth of evidence: one in the
# title's name or head of a line, or two weaker ones (the rest of the title or a line, a heading)
MAX_TOPICS = 5
TEXT_MENTIONS = 2  # a page or paper must name a topic this often before its text counts as evidence
TEXT_FULL = 4  # ... and this often for the full TEXT weight

_SEPARATORS = re.compile(r"[\s\-_/·・]")
_PREPOSITION = re.compile(
    r"\s(?:for|of|with|without|via|from|using|in|on|to|towards?|by|through|per|across|over|behind)\s", re.IGNORECASE
)
_COLON = re.compile(r"[:：]\s*")
_LABEL_SUFFIX = re.compile(r"\s+—\s+")  # "CS224U Natural Language Understanding — 代码": which link of a line
# Web addresses name hosts and paths, not subjects ("nlp.seas.harvard.edu", "http").
_ADDRESS = re.compile(
    r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|ai|edu|cn|tw|me|dev|html?)\b(?:/\S*)?",
    re.IGNORECASE,
)
_TRAILING_PARENS = re.compile(r"\s*[(（]([^()（）]{1,40})[)）]\s*$")


@dataclass(frozen=True)
class Evidence:
    """What the library knows of one resource, for tagging."""

    title: str
    lines: tuple[str, ...] = ()  # its roadmap lines (contexts)
    headings: tuple[str, ...] = ()  # the innermost heading of each place it is listed
    text: str = ""  # its fetched page's or PDF's text, if any
    links: tuple[str, ...] = ()  # the link texts on its lines, its own and its neighbours', read as names only


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _fold(text: str) -> tuple[str, list[int]]:
    """The matcher's normal form of `text` (casefolded, NFKC, separators as one space) and, for each of
    its characters, the index of the character of `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if _SEPARATORS.fullmatch(ch):
            if out and out[-1] != " ":
                out.append(" ")
                where.append(i)
            continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if _SEPARATORS.fullmatch(c):
                c = " "
                if out and out[-1] == " ":
                    continue
            out.append(c)
            where.append(i)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _names(catalogue: Catalogue) -> set[str]:
    """Every topic's own names (id, name, Chinese name, and the long and short form of "X (Y)"), normalised."""
    names: set[str] = set()
    for topic in catalogue.topics.values():
        for name in (topic.id.replace("-", " "), topic.name, topic.zh):
            names.update(normalise(v) for v in name_variants(name) if v)
        words = re.findall(r"[A-Za-z]+", re.sub(r"\s*[(（].*$", "", topic.name))
        if len(words) >= 2:  # "LLM" is what "Large language models" is called for short
            names.add("".join(w[0] for w in words).casefold())
    return names


def _verb_forms(alias: str) -> tuple[str, ...]:
    """The verb of an "-ization" noun: "quantization" -> "quantize", "quantized", "quantizing" ..."""
    m = re.fullmatch(r"(.*\w{3})i[sz]ation", alias)
    return tuple(f"{m.group(1)}i{z}{end}" for z in "zs" for end in ("e", "es", "ed", "ing")) if m else ()


def _is_word_char(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isascii() and text[i].isalnum())


def _generic_aliases(by_alias: dict[str, str], names: set[str], requires: dict[str, set[str]]) -> set[str]:
    """Aliases that stand inside longer aliases of two or more other topics ("transformer", "embedding",
    "language model", "注意力"), and single words other than a topic's own name that stand inside one
    ("agent" of "agent environment reward", "prompt" of "prompt tuning"; but "Tokenization" stays its
    topic's name though "subword tokenization" is another's). Singular and plural alike. A sub-topic that
    needs the topic directly does not count: "aspect-based sentiment analysis" refines "sentiment", it does
    not make the word mean something else."""
    forms = [(" ".join(_singular(w) for w in alias.split()), alias, topic) for alias, topic in by_alias.items()]
    everything = "\0".join(f for f, _, _ in forms)  # one string searched per alias, instead of all pairs
    starts = list(itertools.accumulate((len(f) + 1 for f, _, _ in forms[:-1]), initial=0))
    generic = set()
    for form, alias, topic in forms:
        cjk = any(map(_is_cjk, form))
        others = set()
        at = everything.find(form)
        while at >= 0:
            end = at + len(form)
            whole_words = cjk or not (_is_word_char(everything, at - 1) or _is_word_char(everything, end))
            other_form, _, other = forms[bisect.bisect_right(starts, at) - 1]
            if whole_words and other != topic and len(other_form) > len(form) and topic not in requires[other]:
                others.add(other)
            at = everything.find(form, at + 1)
        single = len(alias) <= 2 if cjk else " " not in alias
        if len(others) >= 2 or (others and single and alias not in names):
            generic.add(alias)
    return generic


def _coined(catalogue: Catalogue) -> set[str]:
    """Aliases the catalogue spells in mixed case ("ZeRO", "RoPE", "LoRA", "GloVe"), normalised."""
    out = set()
    for topic in catalogue.topics.values():
        for name in (topic.name, *topic.aliases):
            for v in name_variants(name):
                if " " not in v.strip() and not any(map(_is_cjk, v)) and _mixed_case(v):
                    out.add(normalise(v))
    return out


def _mixed_case(surface: str) -> bool:
    """A coined name: small and capital letters mixed inside a word ("ZeRO", "RoPE", "LoRA"; not "LLMs")."""
    return any(re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[A-Z][a-z]+[A-Z]", w.removesuffix("s")) for w in surface.split())


@dataclass(frozen=True)
class Mention:
    topic: str
    specific: bool
    start: int  # where in the text it was found
    end: int
    whole: bool = False  # the text is this one alias and nothing else ("## RLHF")
    everyday: bool = False  # an ordinary word that is also the topic's name (the catalogue's `everyday`: "blog")


class Tagger:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        by_alias = matcher_for(catalogue).by_alias
        self._by_alias = by_alias
        self._names = _names(catalogue)
        self._coined = _coined(catalogue)
        self._requires: dict[str, set[str]] = defaultdict(set)  # topic -> what it needs (not order edges)
        for p in catalogue.prereqs:
            if not p.order:
                self._requires[p.target].add(p.source)
        self._generic = _generic_aliases(by_alias, self._names, self._requires)
        # What kind of resource it is (a roadmap, interview questions) only its own title can say.
        self._meta = {t for t, topic in catalogue.topics.items() if topic.level == "meta"}
        self._everyday = {normalise(word) for topic in catalogue.topics.values() for word in topic.everyday}
        # An alias without its spaces, in the singular too -> the alias ("multihead" -> "multi head").
        self._alias_of: dict[str, str] = {}
        for alias in by_alias:
            for form in (alias, _singular(alias), *self._verbs(alias)):
                self._alias_of.setdefault(form.replace(" ", ""), alias)
        parts = []
        for alias in sorted(by_alias, key=len, reverse=True):
            if any(map(_is_cjk, alias)):
                parts.append(_pattern(alias))
            else:  # singular or plural alike: "policy gradient method" is "policy gradient methods"
                stem = _singular(alias)
                plural = "s?" if stem[-1].isalpha() else ""
                verbs = "|".join(_pattern(v) for v in self._verbs(alias))  # "Quantized LLMs" are quantization's
                body = f"(?:{_pattern(stem)}{plural}|{verbs})" if verbs else f"{_pattern(stem)}{plural}"
                parts.append(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
        self._regex = re.compile("|".join(parts)) if parts else re.compile(r"(?!x)x")

    def _verbs(self, alias: str) -> tuple[str, ...]:
        """The verb of a topic's own "-ization" name ("quantized"); not of an alias that only names a
        neighbour ("generalization" of overfitting: "Generalized Advantage Estimation" is no such thing)."""
        return _verb_forms(alias) if alias in self._names else ()

    # -- mentions --------------------------------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """The topics `text` names, in order, each marked specific or generic (see the module docstring)."""
        folded, where = _fold(text)
        out = []
        for m in self._regex.finditer(folded):
            squashed = m.group(0).replace(" ", "")
            alias = self._alias_of.get(squashed) or self._alias_of.get(squashed[:-1])
            if not alias:
                continue
            start, end = where[m.start()], where[m.end() - 1] + 1
            surface = text[start:end]
            half = (end < len(text) - 1 and text[end] == "-" and text[end + 1].isalnum()) or (
                start > 1 and text[start - 1] == "-" and text[start - 2].isalnum()
            )
            whole = folded == m.group(0)
            named = _mixed_case(surface) or (surface.isupper() and alias in self._names)
            # "ZeRO" and "RoPE" are coined; "Zero to Hero" and "rope" are the plain words they spell.
            plain = alias in self._coined and not named
            specific = whole or (not half and not plain and (alias not in self._generic or named))
            out.append(Mention(self._by_alias[alias], specific, start, end, whole, alias in self._everyday))
        return out

    def _subject(self, m: Mention) -> bool:
        return m.topic not in self._meta

    def _not_a_plain_kind_word(self, m: Mention) -> bool:
        """Beside a subject, "博客" or "blog" says what kind of resource it is, which its kind already says;
        "论文精读" and "面试题" say what is done with the subject."""
        return not (m.topic in self._meta and m.everyday)

    def _weighed(
        self, text: str, head: float, rest: float, keep: Callable[[Mention], bool] | None = None
    ) -> dict[str, list[tuple[float, bool]]]:
        """Each topic `text` names (its mentions that `keep`) -> (weight, specific) of its mentions: `head`
        before the first preposition outside a mention ("Scaling Laws | for Neural Language Models"),
        `rest` after it."""
        text = _ADDRESS.sub(lambda m: " " * len(m.group(0)), text)
        ms = [m for m in self.mentions(text) if keep is None or keep(m)]
        cut = next(
            (
                p.start()
                for p in _PREPOSITION.finditer(text)
                if not any(m.start < p.end() and p.start() < m.end for m in ms)
            ),
            len(text),
        )
        out: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        for m in ms:
            out[m.topic].append((head if m.start < cut else rest, m.specific))
        return out

    # -- scoring ---------------------------------------------------------------------------------------
    def _title_zone(
        self, title: str, keep: Callable[[Mention], bool] | None = None
    ) -> dict[str, list[tuple[float, bool]]]:
        """The title is one part of the evidence, its parts (name, subject, rest) merged."""
        zone: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        for part, head, rest in _title_parts(title):
            for t, ws in self._weighed(part, head, rest, keep).items():
                zone[t] += ws
        return zone

    def topics(self, evidence: Evidence) -> list[str]:
        """The topics `evidence` is about, best first (see the module docstring)."""
        names = (evidence.title, *evidence.links)
        lines = [
            self._weighed(_without(line, names), LINE, LINE_REST, self._subject)
            for line in dict.fromkeys(evidence.lines)
        ]
        title = self._title_zone(evidence.title)
        if any(t not in self._meta for zone in (title, *lines) for t in zone):  # the evidence names a subject
            title = self._title_zone(evidence.title, self._not_a_plain_kind_word)
        own = [title, *lines]
        headings = [self._weighed(h, HEADING, HEADING, self._subject) for h in dict.fromkeys(evidence.headings)]
        # Generic words count only where nothing specific is said: not in the title and lines, and for the
        # headings' generic words, not in the headings either.
        own_specific = any(sp for zone in own for t, ws in zone.items() for _, sp in ws if t not in self._meta)
        heading_specific = own_specific or any(sp for zone in headings for ws in zone.values() for _, sp in ws)
        scores: dict[str, float] = defaultdict(float)
        order: dict[str, int] = {}
        for zones, specific_said in ((own, own_specific), (headings, heading_specific)):
            for zone in zones:
                for t, ws in zone.items():
                    counted = [w for w, sp in ws if sp or not specific_said]
                    if counted:
                        scores[t] += max(counted)  # one part of the evidence counts a topic once
                    order.setdefault(t, len(order))
        if evidence.text:
            counts: dict[str, int] = defaultdict(int)
            for m in self.mentions(evidence.text):
                if m.specific:
                    counts[m.topic] += 1
            for t, n in counts.items():
                if n >= TEXT_MENTIONS:
                    scores[t] += TEXT * min(1.0, n / TEXT_FULL)
                    order.setdefault(t, len(order))
        ranked = sorted(scores, key=lambda t: (-scores[t], order[t]))
        # A section devoted to one topic ("## RLHF") holds what builds directly on it: the InstructGPT paper
        # there is an RLHF resource too, though its title, a name of its own, never says "RLHF".
        if ranked:
            for h in evidence.headings:
                ms = self.mentions(_ADDRESS.sub(" ", h).strip())
                whole = len(ms) == 1 and ms[0].whole and ms[0].topic not in self._meta
                if whole and ms[0].topic in self._requires[ranked[0]]:
                    scores[ms[0].topic] = max(scores[ms[0].topic], FLOOR)
                    if ms[0].topic not in ranked:
                        ranked.append(ms[0].topic)
        return [t for i, t in enumerate(ranked) if i == 0 or scores[t] >= FLOOR][:MAX_TOPICS]


def _pattern(alias: str) -> str:
    """An alias as a regex over normalised text: a space may be absent ("multihead"), and so may one
    between CJK and Latin letters ("生成式 AI" is "生成式AI")."""
    out = []
    for i, ch in enumerate(alias):
        out.append(r"\s?" if ch == " " else re.escape(ch))
        nxt = alias[i + 1] if i + 1 < len(alias) else " "
        if " " not in (ch, nxt) and _is_cjk(ch) != _is_cjk(nxt):
            out.append(r"\s?")
    return "".join(out)


def _title_parts(title: str) -> list[tuple[str, float, float]]:
    """A title's parts, each with the weights of its head and of the rest: a trailing "(RoPE)" and the
    words before a colon are its name; "Speech and Language Processing — Ch 3: ..." labels a link."""
    parts: list[tuple[str, float, float]] = []
    main, *labels = _LABEL_SUFFIX.split(title, maxsplit=1)
    parts += [(label, TITLE_REST, TITLE_REST) for label in labels]
    parens = _TRAILING_PARENS.search(main)
    if parens:
        parts.append((parens.group(1), NAME, NAME))
        main = main[: parens.start()]
    head, *tail = _COLON.split(main, maxsplit=1)
    if tail and head.strip():  # "GPTQ: Accurate Post-Training Quantization for ...": its name, then its subject
        parts.append((head, NAME, NAME))
        parts.append((tail[0], SUBJECT, TITLE_REST))
    else:
        parts.append((main, NAME, TITLE_REST))
    return [p for p in parts if p[0].strip()]


def _without(line: str, names: tuple[str, ...]) -> str:
    """`line` with the given link texts blanked out, longest first."""
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        line = line.replace(name, " | ")
    return line


def mentioned_topics(resource, catalogue: Catalogue) -> list[str]:
    """Every topic a resource's title, lines and headings name, in order: more than what it is about (the
    RoPE paper names word embeddings, wav2vec's line "with a transformer"), but what it builds on and each
    name a searcher in the other language may use. `resource` is a models.Resource."""
    matcher = matcher_for(catalogue)
    topics = matcher.topics(f"{resource.title}\n{resource.context}")
    for heading in dict.fromkeys(s.heading for s in resource.sources if s.heading):
        topics += [t for t in matcher.topics(heading.split(" > ")[-1]) if t not in topics]
    return topics


_taggers: dict[str, Tagger] = {}


def tagger_for(catalogue: Catalogue) -> Tagger:
    """Compiling the alternation and the genericity of every alias takes a moment; one per catalogue."""
    if catalogue.digest not in _taggers:
        _taggers[catalogue.digest] = Tagger(catalogue)
    return _taggers[catalogue.digest]
