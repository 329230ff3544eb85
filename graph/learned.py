"""Topics learned from the learner's roadmaps: a section on something the curated map lacks becomes a topic.

A roadmap heading that names no catalogue topic ("脉冲神经网络", "Speech recognition") and holds resources is a
subject the learner is studying, so it joins the graph as a *learned topic*: named as the roadmap writes it,
a stable id derived from that name (progress on it survives re-ingest; the same heading in two roadmaps is
one topic), and prerequisites only where the library shows evidence, each with its file:line:

- the catalogue topics its own heading names ("spiking neural networks" holds "neural networks");
- the catalogue topics its resources name (their titles, roadmap lines and headings: what they build on);
- its parent section, when that names a topic; the section before it under the same parent only when
  nothing else speaks for it (order alone is weak evidence).

What is not a subject never becomes one: a document's title heading, headings made only of generic words
("其他", "Tools", "所有论文", "录制完成的论文"), headings that are a resource's own name ("owner/repo
(github.com)", a heading that is itself a link: "## [The Annotated Transformer](url)"), and headings that
only list catalogue topics ("Fine-tuning and PEFT"). Everything here is recomputed from the
library on every load, so removing a roadmap removes its topics.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from studygraph.graph.catalogue import LEVELS, Catalogue, Topic
from studygraph.graph.matcher import normalise
from studygraph.graph.resolve import QUESTION_WORDS, Resolver
from studygraph.graph.tagging import mentioned_topics
from studygraph.ingest.titles import meaningful
from studygraph.models import Resource
from studygraph.store.meta import MetaStore

LEARNED_PREFIX = "learned-"
MAX_RESOURCE_PREREQS = 3
MAX_NAME = 60  # a longer heading is a sentence ("How I got into NLP in three months"), not a subject's name

# Words that say how a page is arranged, not what it teaches. A heading made only of these is not a subject.
GENERIC_WORDS = set(
    """
    a about acknowledgements acknowledgments all an and appendix article articles assignments awesome blog blogs book
    books changelog code community contents contributing course courses dataset datasets demo docs else etc exercises
    faq further general getting guide guides homework idea ideas index interview intro introduction key license link
    links list lists material materials misc miscellaneous more my news note notebook notebooks notes of on one or
    other others our overview paper papers per practice project projects question questions reading readings
    recommended reference references related repo repos requirements resource resources roadmap roadmaps see site
    sites slide slides some started suggestion suggestions suggetions summary table the tip tips to todo tool tools
    tutorial tutorials useful video videos website websites week weeks with your
    """.split()
)
# Chinese has no spaces: these are cut out of a heading, longest first, and whatever CJK is left is the subject.
GENERIC_ZH = sorted(
    """
    所有论文 学习路线 学习资料 学习方法 参考资料 参考文献 相关资料 推荐阅读 论文阅读 课程资料 工具网站 其他 其它 论文 资料 资源
    材料 链接 网站 工具 课程 课本 教程 书籍 书单 视频 博客 笔记 代码 项目 推荐 相关 路线 学习 阅读 参考 文献 致谢 目录 附录
    面经 一些 常见 问题 总结 汇总 合集 整理 精选 入门 简介 介绍 实践 任务 其一 其二 要求 作业 练习 更多 以及 和 与 及 的 篇
    录制完成 已完成 未完成 录制 精读 待读 已读 计划
    """.split(),
    key=len,
    reverse=True,
)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|io|ai|net|cn|edu|dev|me|co)\b|\w/\w", re.IGNORECASE)
# Outline numbering and decoration in front of a heading's words: "一、", "3.", "1.2", "第三章", "Week 5:",
# "Part II —", "(2)", emoji. A renumbered roadmap keeps its topics (and their ids, and the progress on them).
_NUMBERING = re.compile(
    r"^(?:[^\w\u3400-\u9fff(（]+"
    r"|第\s*[0-9一二三四五六七八九十百]+\s*[章节部分课讲周篇步阶段]+"
    r"|[0-9一二三四五六七八九十百]+(?:[.．][0-9]+)*\s*[、.．)）:：]"
    r"|[(（]\s*[0-9一二三四五六七八九十]+\s*[)）]"
    r"|(?:part|week|chapter|ch|unit|module|lesson|lecture|step|stage|phase|day)\s*[0-9ivxlc]+\b"
    r"|\d+(?:\.\d+)*\s+(?=\D))[\s:：.—–-]*",
    re.IGNORECASE,
)
_JOINS = re.compile(r"\s+(?:and|&)\s+|[,，、;；/]|以及|与|和|及")


@dataclass
class LearnedTopics:
    """What the library adds to the catalogue: topics, their evidenced prerequisites, their resources."""

    topics: dict[str, Topic] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (prerequisite, learned topic, evidence)
    resources: dict[str, list[str]] = field(default_factory=dict)  # learned topic -> resource ids, roadmap order
    sections: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, heading path) -> learned topic

    @property
    def digest(self) -> str:
        sha = hashlib.sha256()
        for t in sorted(self.topics):
            sha.update(t.encode() + b"\0")
        for edge in sorted(self.edges):
            sha.update("\0".join(edge).encode() + b"\1")
        return sha.hexdigest()[:12]


def learned_id(name: str) -> str:
    """Stable for the same heading however it is spaced or cased; a hash where the name is not ASCII."""
    key = normalise(name)
    slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if not slug or not key.isascii():
        slug = (slug[:24] + "-" if slug else "") + hashlib.sha1(key.encode()).hexdigest()[:8]
    return LEARNED_PREFIX + slug[:60].strip("-")


def subject_name(heading: str) -> str:
    """The words of a heading without its outline numbering: "二、深度学习" -> "深度学习"."""
    name = heading.strip()
    for _ in range(3):  # "📚 3. Week 2: ..." has several layers
        stripped = _NUMBERING.sub("", name, count=1).strip()
        if stripped == name:
            break
        name = stripped
    return name or heading.strip()


def seen_at(topic: Topic) -> str:
    """Where a learned topic was first seen, "file:line" (a curated topic: its card file)."""
    return topic.file


def is_generic_heading(name: str) -> bool:
    """True when no word of the heading names a subject: '其他', 'Tools and notebooks', '课程资料与论文阅读'."""
    text = normalise(name)
    for word in GENERIC_ZH:
        text = text.replace(word, " ")
    words = [w for w in re.split(r"[^0-9a-z\u3400-\u9fff]+", text) if w]
    return all(w in GENERIC_WORDS or w.isdigit() for w in words)


def names_a_resource(name: str) -> bool:
    """'Mikoto10032/DeepLearning (github.com)' is a link's title used as a heading, not a subject."""
    return bool(_DOMAIN.search(name))


def _leftover(resolver: Resolver, name: str) -> str:
    """The heading with every catalogue name, question word and generic word taken out."""
    text = normalise(name)
    # Everyday words count as catalogue names here too: "Basic NLP" names no subject the map lacks.
    for m in sorted(resolver.matcher.find(name, everyday=True), key=lambda m: -m.start):
        text = text[: m.start] + " " + text[m.end :]
    for word in GENERIC_ZH:
        text = text.replace(word, " ")
    text = QUESTION_WORDS.sub(" ", text)
    words = [w for w in re.split(r"[^0-9a-z\u3400-\u9fff]+", text) if w and w not in GENERIC_WORDS]
    return " ".join(words)


def _names_a_subject(name: str) -> bool:
    """Long enough to name something ("AI" is not), short enough not to be a sentence about it."""
    return meaningful(name) and len(name) <= MAX_NAME


def _composite(resolver: Resolver, name: str) -> bool:
    """Parts joined by "and", commas, 与/和, where at least one part is a topic the map has."""
    parts = [p for p in _JOINS.split(name) if p.strip()]
    return len(parts) > 1 and any(
        (hit := resolver.resolve(p, suggest=False, typos=False)) and hit.confident for p in parts
    )


def _named_longer(resolver: Resolver, name: str) -> str | None:
    """The one catalogue topic whose name holds the heading as whole words: a roadmap's "Inference and
    serving" is the map's "LLM inference and serving". Short headings ("Learning") are too vague for this."""
    key = normalise(name)
    cjk = sum("\u3400" <= ch <= "\u9fff" for ch in key)
    if len(key.split()) < 2 and cjk < 3:
        return None
    pattern = re.compile(rf"(?<![0-9a-z]){re.escape(key)}(?![0-9a-z])")
    found = {
        t for alias, t in resolver.matcher.by_alias.items() if alias != key and key in alias and pattern.search(alias)
    }
    return found.pop() if len(found) == 1 else None


@dataclass
class _Section:
    file: str
    line: int
    path: tuple[str, ...]
    topic: str | None = None  # the catalogue or learned topic this section is about, if any
    subject: bool = True  # False: a title, generic or resource-named heading (its resources belong to its parent)

    @property
    def name(self) -> str:
        return subject_name(self.path[-1])

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def learn_topics(catalogue: Catalogue, meta: MetaStore) -> LearnedTopics:
    """The learned topics of the library in `meta`, against the curated `catalogue`."""
    resolver = Resolver(catalogue)
    resources = {r.id: r for r in meta.resources()}
    held: dict[tuple[str, str], list[str]] = defaultdict(list)  # (file, heading path) -> resource ids
    named_at: set[tuple[str, int, str]] = set()  # (file, line, title) of links that name themselves
    for m in meta.mentions():
        if m.resource_id not in held[(m.file, m.heading)]:
            held[(m.file, m.heading)].append(m.resource_id)
        if m.named:
            named_at.add((m.file, m.line, m.title))
    by_file: dict[str, list[_Section]] = defaultdict(list)
    for row in meta.sections():
        path = tuple(row["heading"].split(" > "))
        by_file[row["file"]].append(_Section(row["file"], row["line"], path))

    out = LearnedTopics()
    first_seen: dict[str, _Section] = {}
    for file, sections in by_file.items():
        sections.sort(key=lambda s: s.line)
        _classify(sections, resolver)
        for s in sections:
            if s.topic is not None or not s.subject:
                continue
            if (file, s.line, s.path[-1]) in named_at:  # "## [The Annotated Transformer](url)" names a resource
                continue
            # Only offered resources count (meta.resources() leaves the quarantined out): a section of
            # injected links teaches no topic.
            rids = [r for r in _resources_of(s, sections, held) if r in resources]
            if not rids:
                continue
            s.topic = learned_id(s.name)
            out.sections[(file, " > ".join(s.path))] = s.topic
            out.resources.setdefault(s.topic, [])
            out.resources[s.topic] += [r for r in rids if r in resources and r not in out.resources[s.topic]]
            first_seen.setdefault(s.topic, s)
        for s in sections:
            if s.topic and s.topic.startswith(LEARNED_PREFIX) and s.topic in out.resources:
                _add_prerequisites(
                    out, s, sections, resolver, catalogue, [resources[r] for r in out.resources[s.topic]]
                )

    for tid, s in first_seen.items():
        out.topics[tid] = _topic(tid, s, out, catalogue)
    return out


def _classify(sections: list[_Section], resolver: Resolver) -> None:
    """Which sections name a catalogue topic, and which are no subject at all; the rest may be learned."""
    top = [s for s in sections if len(s.path) == 1]
    # One level-1 heading above everything else is the document's title ("Key papers, one per idea").
    title = top[0] if len(top) == 1 and sections[0] is top[0] and len(sections) > 1 else None
    for s in sections:
        if s is title or is_generic_heading(s.name) or names_a_resource(s.name) or not _names_a_subject(s.name):
            s.subject = False
            continue
        hit = resolver.resolve(s.name, suggest=False, typos=False)  # a heading as written: ingest unchanged
        shorter = _named_longer(resolver, s.name)
        if hit is not None and hit.confident:
            s.topic = hit.id
        elif shorter is not None:
            s.topic = shorter
        elif hit is not None and (not _leftover(resolver, s.name) or _composite(resolver, s.name)):
            # "Fine-tuning and PEFT", "Word embeddings and sequence models": several subjects side by side,
            # and the map has some of them; the section is an arrangement, not one new subject.
            s.topic = hit.id
            s.subject = False


def _resources_of(s: _Section, sections: list[_Section], held: dict) -> list[str]:
    """The section's own resources, and those of sub-sections that are no subject of their own ("Papers")."""
    heading = " > ".join(s.path)
    rids = list(held.get((s.file, heading), []))
    for sub in sections:
        if len(sub.path) > len(s.path) and sub.path[: len(s.path)] == s.path and not sub.subject:
            rids += [r for r in held.get((s.file, " > ".join(sub.path)), []) if r not in rids]
    return rids


def _add_prerequisites(
    out: LearnedTopics,
    s: _Section,
    sections: list[_Section],
    resolver: Resolver,
    catalogue: Catalogue,
    resources: list[Resource],
) -> None:
    target = s.topic

    def usable(topic: str | None) -> bool:
        """Another topic, and not a way of studying (meta: interview prep, paper reading)."""
        return (
            bool(topic)
            and topic != target
            and (topic not in catalogue.topics or catalogue.topics[topic].level != "meta")
        )

    def add(source: str | None, evidence: str) -> None:
        if usable(source) and not any(e[0] == source and e[1] == target and e[2] == evidence for e in out.edges):
            out.edges.append((source, target, evidence))

    for t in resolver.mentions(s.name):
        add(t, f"{s.where} the heading “{s.name}” names {catalogue.topics[t].name}")

    # What its resources build on, not only what they are about: wav2vec is "with a transformer".
    named = {r.id: mentioned_topics(r, catalogue)[:3] for r in resources}
    counts = Counter(t for r in resources for t in named[r.id] if t in catalogue.topics)
    floor = len(resources) // 2 + 1  # most of them: one paper's side remark ("图注意力") is no prerequisite
    for t, n in [(t, n) for t, n in counts.most_common() if n >= floor and usable(t)][:MAX_RESOURCE_PREREQS]:
        titles = ", ".join(r.title[:50] for r in resources if t in named[r.id])[:160]
        add(t, f"{s.where} {n} of its {len(resources)} resources are about {catalogue.topics[t].name}: {titles}")

    parent = s.path[:-1]
    siblings = [x for x in sections if x.path[:-1] == parent and x.line < s.line and x.topic and x.subject]
    # Order alone is weak evidence (a roadmap lists GNNs before speech without one needing the other): it
    # only speaks for a section whose own words and resources name nothing the map knows.
    if siblings and not any(e[1] == target for e in out.edges):
        before = siblings[-1]
        add(before.topic, f"{before.file}:{before.line}-{s.line} roadmap order: {before.name} → {s.name}")
    owner = next((x for x in sections if x.path == parent and x.subject), None) if parent else None
    if owner is not None and owner.topic:
        add(owner.topic, f"{s.where} a section of “{owner.name}” ({owner.where})")


def _topic(tid: str, s: _Section, out: LearnedTopics, catalogue: Catalogue) -> Topic:
    """Named as written: a Chinese heading is also the Chinese name; no translation is made up."""
    prereqs = [e[0] for e in out.edges if e[1] == tid and e[0] in catalogue.topics]
    levels = [LEVELS.index(catalogue.topics[p].level) for p in prereqs]
    # One step above what it builds on, as far as "advanced": it comes after its prerequisites in a plan.
    level = LEVELS[min(max(levels) + 1, LEVELS.index("advanced"))] if levels else "basic"
    areas = Counter(catalogue.topics[p].area for p in prereqs)
    cjk = any("\u3400" <= ch <= "\u9fff" for ch in s.name)
    evidence = [e[2] for e in out.edges if e[1] == tid]
    return Topic(
        id=tid,
        name=s.name,
        zh=s.name if cjk else "",
        level=level,
        area=areas.most_common(1)[0][0] if areas else "learned",
        description="",  # nothing to say beyond its evidence; answers say "learned from your roadmap" in both languages
        file=s.where,  # where it is defined, as a curated topic's file is its card
        learned=True,
        evidence=(f"{s.where} section “{' > '.join(s.path)}”", *evidence),
    )


def library_catalogue(catalogue: Catalogue, meta: MetaStore | None) -> Catalogue:
    """The curated catalogue plus the library's learned topics (the catalogue itself when there are none)."""
    if meta is None or catalogue.learned is not None:
        return catalogue
    learned = learn_topics(catalogue, meta)
    if not learned.topics:
        return replace(catalogue, learned=learned)
    topics = {**catalogue.topics, **learned.topics}
    areas = {k: list(v) for k, v in catalogue.areas.items()}
    for t in learned.topics.values():
        areas.setdefault(t.area, []).append(t.id)
    return replace(
        catalogue, topics=topics, digest=f"{catalogue.digest}+{learned.digest}", areas=areas, learned=learned
    )
