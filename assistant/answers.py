"""Deterministic answers: for every intent, a useful structured result and its text, with no model.

This is the part of every answer that can be trusted: plans come from the curated graph, links from the
library. The model (if any) only writes a short paragraph in front of it. Framing text follows the
question's language; topic names use the catalogue's Chinese names for Chinese questions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace

import networkx as nx

from studygraph.assistant import render
from studygraph.assistant.budget import TimeBudget
from studygraph.assistant.grounding import PromptSource
from studygraph.assistant.intents import Intent
from studygraph.assistant.payloads import (
    ChitchatPayload,
    ComparePayload,
    Confirm,
    CoveringResource,
    EdgeRef,
    ExplainPayload,
    FindPayload,
    FoundResource,
    NextItem,
    NextPayload,
    OrderPayload,
    Payload,
    PlanPayload,
    PlanRate,
    PlanTime,
    PlanWeek,
    ProgressPayload,
    QuizPayload,
    QuizQuestion,
    ReportPayload,
    ResourceRef,
    TopicCard,
    TopicRef,
    WhyPayload,
)
from studygraph.assistant.phrasings import KNOW_STATEMENT
from studygraph.assistant.prompts import FIND_DESCRIBED, kind_words
from studygraph.graph.build import TopicGraph
from studygraph.graph.catalogue import both_names
from studygraph.graph.compare import Comparison, compare_topics, covering, learning_order, nearer_start
from studygraph.graph.learned import seen_at
from studygraph.graph.plan import explain_path, implied_known, learning_plan, next_topics, pick_resources, reasons_text
from studygraph.graph.schedule import weekly_plan
from studygraph.models import Resource, areas_in, topic_key

MAX_QUESTIONS = 8
FIND_K = 5
MAX_COMPARED = 3  # topics set side by side; "BERT vs GPT vs T5" at most
COMPARE_RESOURCES = 6

PROMPT_FIND = FIND_DESCRIBED  # top resources a find prompt describes: one sentence each (prompts.py)
# A resource card's "; mentions: …" (ingest/library.py) names what its roadmap line mentions, not what it
# covers: given it, the 0.5B model wrote that a paper "combines reading research and learning resources" (dev).
CARD_MENTIONS = re.compile(r"; mentions: [^\n]*")
PROMPT_NAMES = 4  # topics named in a fact line ("builds on A, B, C, D and 3 more")


@dataclass
class Draft:
    """A deterministic answer plus what a model needs to write prose in front of it."""

    intent: str
    text: str
    payload: Payload
    resources: list[Resource] = field(default_factory=list)  # every resource the text links: the citations
    lead: str = ""  # the first words of the model's answer; "" means no prose for this intent
    # The facts the model's one job needs (assistant/prompts.py), citing [n]: never the answer's list, which
    # a small model copies or misquotes.
    facts: list[str] = field(default_factory=list)
    sources: list[PromptSource] = field(default_factory=list)  # [1]..[n] for the prompt
    job: str = ""  # which of the intent's prose jobs its facts are for (prompts.prose_job); "" = the usual one
    subject: tuple[str, ...] = ()  # what a variant job's first words name (prompts.ProseJob.start_for)


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _name(tg: TopicGraph, topic_id: str, lang: str) -> str:
    t = tg.catalogue.topics[topic_id]
    if lang == "zh" and t.zh:
        return t.zh if t.name.casefold() in t.zh.casefold() else f"{t.zh}（{t.name}）"
    return t.name


_PROPER_NAME = re.compile(r"\S*([a-z][A-Z0-9]|[A-Z]{2}|[0-9])\S*")  # LoRA, BERT, GloVe, word2vec; not "Softmax"


def _short_name(tg: TopicGraph, topic_id: str, lang: str) -> str:
    """A topic inside a Chinese sentence: a proper name as learners write it ("LoRA", not 低秩适配), else the
    Chinese name alone."""
    t = tg.catalogue.topics[topic_id]
    return t.name if lang != "zh" or not t.zh or _PROPER_NAME.fullmatch(t.name) else t.zh


def _learned_from(topic, lang: str) -> str:
    """Where a learned topic comes from: the map did not have it, a roadmap section taught it."""
    where = seen_at(topic)
    return _t(lang, f"learned from your roadmap, {where}", f"从你的路线图学到，{where}")


def _sentence(text: str) -> str:
    """First letter up, nothing else touched (str.capitalize would lower a file name's capitals)."""
    return text[:1].upper() + text[1:]


def _learned(tg: TopicGraph, topic_id: str, lang: str) -> str:
    """The mark after a learned topic's name ("" for a curated topic)."""
    t = tg.catalogue.topics[topic_id]
    if not t.learned:
        return ""
    return _t(lang, f" ({_learned_from(t, lang)})", f"（{_learned_from(t, lang)}）")


def _link(r: Resource) -> str:
    return render.link(r.title, r.url)


def _cite(sources: list[PromptSource], picked: list[Resource]) -> str:
    """Number the picked resources as prompt sources and return their "[n] [m]" markers."""
    refs = []
    for r in picked:
        # Linked resources only: the next, plan and explain jobs were measured so (a book on a roadmap line is
        # described and cited by find alone, in the answer's own list order).
        if not r.url:
            continue
        sources.append(PromptSource(r.title, r.url, r.kind, r.context, tuple(r.topics)))
        refs.append(f"[{len(sources)}]")
    return " ".join(refs)


def _some(names: list[str], lang: str) -> str:
    """The first few names, and how many more: "A, B, C and 3 more"."""
    shown = ("、" if lang == "zh" else ", ").join(names[:PROMPT_NAMES])
    more = len(names) - PROMPT_NAMES
    return shown + (_t(lang, f" and {more} more", f"等 {len(names)} 个") if more > 0 else "")


def _topic_ref(tg: TopicGraph, topic_id: str) -> TopicRef:
    t = tg.catalogue.topics[topic_id]
    return TopicRef.of(t)


def _refs_by_name(tg: TopicGraph, ids) -> list[TopicRef]:
    """The catalogue's topics among `ids`, by name (a report lists them so)."""
    return sorted((_topic_ref(tg, t) for t in ids if t in tg.catalogue.topics), key=lambda r: r.name)


# "我已经学过深度学习了" / "I already know deep learning": an area named after one of these is known as a whole.
KNOWING = re.compile(
    r"学过|学会|学完|掌握|已经会|我会|懂了|\bi\s+(?:already\s+)?know\b|\bi(?:'ve|\s+have)\s+(?:already\s+)?"
    r"(?:learned|learnt|studied|finished|done)\b|\balready\s+(?:know|learned|learnt|studied)\b|\bafter\b",
    re.I,
)


def said_known(tg: TopicGraph, intent: Intent) -> set[str]:
    """Every topic of the areas the question says the learner knows (the same area names as `--known` and
    the Path page's chips, models.AREA_PRESETS), so "我已经学过深度学习了" counts all of deep learning, not
    the one topic the resolver reads "深度学习" as."""
    if not KNOWING.search(intent.raw):
        return set()
    return {t for a in areas_in(intent.raw) for t in tg.catalogue.areas.get(a, ())}


def _subjects(tg: TopicGraph, topics: list[str]) -> list[str]:
    """Topics a question is about; catalogue 'meta' topics (interview prep, paper reading) only if alone."""
    real = [t for t in topics if t in tg.catalogue.topics and tg.catalogue.topics[t].level != "meta"]
    return real or [t for t in topics if t in tg.catalogue.topics]


class Answers:
    """The deterministic answer of each intent (plan, next, find, explain, quiz, progress, chitchat) for a
    learner who knows `known` and is on `learning`: the text, its structured payload, the resources it
    links (its citations) and what a model needs to write prose in front of it."""

    def __init__(self, tg: TopicGraph, known: set[str], learning: set[str], status: dict[str, str]):
        self.tg = tg
        self.known = known
        self.learning = learning
        self.status = status

    def known_in(self, intent: Intent) -> set[str]:
        """What the learner knows for this question: their marks, the areas it names as known, and every topic
        and area the conversation said they know ("I know LoRA" three turns back)."""
        areas = self.tg.catalogue.areas
        said = set(intent.known) | {t for a in intent.known_areas for t in areas.get(a, ())}
        return self.known | said_known(self.tg, intent) | (said & set(self.tg.catalogue.topics))

    # -- plan -------------------------------------------------------------------------------------
    def missing_plan(self, intent: Intent, closest: list[tuple[str, str]], results: list) -> Draft:
        """A plan asked for a subject the topic map lacks: say so, name the closest topics, offer the plan for a
        known topic the subject contains ("neural networks" in "spiking neural networks"), and show what the
        library has on the subject itself. Never a plan for something else presented as the answer."""
        lang, tg, phrase = intent.lang, self.tg, intent.missing
        sep = "、" if lang == "zh" else ", "
        names = sep.join(_name(tg, t, lang) for t, _ in closest)
        phrase = render.escape(phrase)
        lines = [
            _t(
                lang,
                f"“{phrase}” is not in the topic map, so there is no plan for it. Closest topics: {render.escape(names)}.",
                f"主题图里没有“{phrase}”，所以没有它的学习路线。最接近的主题：{render.escape(names)}。",
            )
        ]
        contained = _subjects(tg, intent.topics)
        closest_plan = self.plan(replace(intent, missing=None, topics=contained)) if contained else None
        if closest_plan is not None:
            lines.append(_t(lang, "The closest plan I have:", "最接近的学习路线：") + "\n\n" + closest_plan.text)
        found = [res.resource for res in results]
        if found:
            lines.append(_t(lang, f"In your library about “{phrase}”:", f"资料库中与“{phrase}”相关的资料："))
            lines.append(render.numbered((f"{_link(r)} ({r.kind})", []) for r in found))
        else:
            lines.append(
                _t(
                    lang,
                    f"Nothing in your library mentions “{phrase}” yet: add a roadmap or paper that covers it.",
                    f"资料库里还没有提到“{phrase}”的资料：可以添加包含它的路线图或论文。",
                )
            )
        resources = (closest_plan.resources if closest_plan else []) + found
        payload = closest_plan.payload if closest_plan else FindPayload([FoundResource.of(res) for res in results])
        return Draft("plan", "\n\n".join(lines), payload, resources)

    def plan(self, intent: Intent) -> Draft:
        lang, tg = intent.lang, self.tg
        subjects = _subjects(tg, intent.topics)
        if not subjects:
            return self.next(intent)
        g = tg.plan_graph
        goal = max(subjects, key=lambda t: (len(nx.ancestors(g, t)), -subjects.index(t)))
        plan = learning_plan(tg, goal, self.known_in(intent) - {goal}, self.status)
        goal_name = _name(tg, goal, lang)
        used = []
        for s in plan.steps:
            used.extend(r for r in s.resources[:2] if r not in used)
        payload = PlanPayload.of(plan, resources_per_step=2)
        if intent.budget is not None and plan.steps:
            payload.time = plan_time(plan, intent.budget)
        labels = render.Labels(
            lambda t: _name(tg, t, lang),
            lambda t: _learned(tg, t, lang),
            (lambda t: _why_zh(tg, t, goal, plan)) if lang == "zh" else None,
        )
        text = render.plan(payload, lang, labels)
        sources: list[PromptSource] = []
        # The time is in the answer, not the prose's facts: given it, the 0.5B model wrote "然后按每周 5。" (2026-12-03).
        facts = self._plan_facts(plan, goal_name, lang, sources)
        first = plan.steps[0].topic.name if plan.steps else plan.goal.name
        # English in both languages: the lead-in primes a base model's continuation, which is English anyway.
        lead = f"To learn {plan.goal.name}, start with {first}"
        return Draft("plan", text, payload, used, lead, facts, sources)

    def _plan_facts(self, plan, goal_name: str, lang: str, sources: list[PromptSource]) -> list[str]:
        """Where to start given what is known, the hardest step, the time: the plan job's facts."""
        tg = self.tg
        if not plan.steps:
            return [
                _t(
                    lang,
                    f"The learner already knows everything {goal_name} needs.",
                    f"学习者已经掌握{goal_name}需要的全部知识。",
                )
            ]
        known = [_name(tg, t, lang) for t in sorted(plan.skipped)] or [
            _name(tg, t, lang) for t in sorted(self.known) if t in tg.catalogue.topics
        ]
        start, goal_step = plan.steps[0], plan.steps[-1]
        # The longest step after the start (the one nearest the goal on a tie): where the learner will sweat.
        hardest = max(reversed(plan.steps[1:]), key=lambda s: s.hours, default=start)
        about = _cite(sources, goal_step.resources[:2]) if goal_step is not start else ""
        g = tg.plan_graph

        def needed_for(step) -> str:
            """The real reason a step is there: the later steps of this plan that build on it ("" for none).
            Without it the 0.5B model made one up ("logistic regression is a key component of PPO")."""
            later = [_name(tg, s.topic.id, lang) for s in plan.steps if s.topic.id in set(g.successors(step.topic.id))]
            if not later:
                return ""
            return _t(lang, f"; it is needed for {_some(later, lang)}", f"；路线中的{_some(later, lang)}要用到它")

        facts = [
            _t(
                lang,
                f"Goal: {goal_name} {about}".rstrip()
                + f". The plan has {len(plan.steps)} steps, about {plan.hours} hours in all.",
                f"目标：{goal_name}{about}。路线共 {len(plan.steps)} 步，总共约 {plan.hours} 小时。",
            ),
            _t(lang, f"Already known: {_some(known, lang)}.", f"已经掌握：{_some(known, lang)}。")
            if known
            else _t(lang, "The learner has not said what they already know.", "学习者还没有说明已经掌握哪些知识。"),
            _t(
                lang,
                f"Start with: {_name(tg, start.topic.id, lang)} ({start.hours} hours) "
                f"{_cite(sources, start.resources[:1])}".rstrip()
                + needed_for(start),
                f"从这里开始：{_name(tg, start.topic.id, lang)}（{start.hours} 小时）"
                f"{_cite(sources, start.resources[:1])}".rstrip()
                + needed_for(start),
            ),
        ]
        if hardest is not start and hardest is not goal_step:
            facts.append(
                _t(
                    lang,
                    f"Hardest step: {_name(tg, hardest.topic.id, lang)} ({hardest.hours} hours) "
                    f"{_cite(sources, hardest.resources[:1])}".rstrip()
                    + needed_for(hardest),
                    f"最难的一步：{_name(tg, hardest.topic.id, lang)}（{hardest.hours} 小时）"
                    f"{_cite(sources, hardest.resources[:1])}".rstrip()
                    + needed_for(hardest),
                )
            )
        return facts

    # -- next -------------------------------------------------------------------------------------
    def next(self, intent: Intent) -> Draft:
        lang, tg = intent.lang, self.tg
        g = tg.plan_graph
        areas = said_known(tg, intent)
        after = [t for t in _subjects(tg, intent.topics) if t in g and t not in areas]
        # "what after RLHF": the named topics count as known (and with them what they build on).
        known = self.known_in(intent)
        ranked = next_topics(tg, known | set(after), self.learning, k=40)
        if after:
            successors = {s for t in after for s in g.successors(t)}
            following = [n for n in ranked if n.topic.id in successors]
            # Nothing builds on it (a model family, a leaf): the usual suggestions, without claiming they follow it.
            ranked, after = (following, after) if following else (ranked, [])
        ranked = ranked[:5]
        topics, used = [], []
        for n in ranked:
            picked = pick_resources(tg, n.topic.id, 1)
            used.extend(r for r in picked if r not in used)
            why = reasons_text(n.reasons, lambda t: _name(tg, t, lang), lang)
            refs = [ResourceRef.of(r) for r in picked]
            topics.append(NextItem(n.topic.id, n.topic.name, n.topic.zh, n.score, why, refs, n.topic.learned))
        payload = NextPayload(topics)
        labels = render.Labels(lambda t: _name(tg, t, lang), lambda t: _learned(tg, t, lang))
        text = render.next_topics(payload, lang, labels, after)
        sources: list[PromptSource] = []
        facts = self._next_facts(ranked[0].topic.id, known | set(after), lang, sources) if ranked else []
        lead = f"Next, learn {ranked[0].topic.name}" if ranked else ""
        builds_on = ranked and any(p in known | set(after) for p in g.predecessors(ranked[0].topic.id))
        # Nothing known that it builds on: its job is why it is a good first topic, not what it "builds on"
        # (asked that, the 0.5B model called the topic's own content what the learner knows).
        job = "" if builds_on or not ranked else "next_first"
        return Draft("next", text, payload, used, lead, facts, sources, job)

    def _next_facts(self, topic_id: str, known: set[str], lang: str, sources: list[PromptSource]) -> list[str]:
        """The first suggestion alone: what it is, what the learner knows that it builds on, what it opens up."""
        tg, g = self.tg, self.tg.plan_graph
        topic = tg.catalogue.topics[topic_id]
        builds_on = [_name(tg, p, lang) for p in sorted(g.predecessors(topic_id)) if p in known]
        opens = [_name(tg, p, lang) for p in sorted(g.successors(topic_id))]
        cite = _cite(sources, pick_resources(tg, topic_id, 1))
        facts = [
            _t(
                lang,
                f"Suggested topic: {_name(tg, topic_id, lang)} {cite}",
                f"建议的主题：{_name(tg, topic_id, lang)} {cite}",
            ).rstrip()
        ]
        if topic.describe(lang):
            facts.append(_t(lang, "What it is: ", "它是什么：") + topic.describe(lang)[:240])
        facts.append(
            _t(
                lang,
                f"It builds on what the learner knows: {_some(builds_on, lang)}.",
                f"它建立在学习者已掌握的：{_some(builds_on, lang)}。",
            )
            if builds_on
            else _t(lang, "It needs nothing the learner has not got.", "它不需要学习者尚未掌握的前置知识。")
        )
        if opens:
            facts.append(_t(lang, f"It opens up: {_some(opens, lang)}.", f"学会后可以继续学：{_some(opens, lang)}。"))
        return facts

    # -- why --------------------------------------------------------------------------------------
    def why(self, intent: Intent, context: Draft | None) -> Draft:
        """ "why?" after a plan: the chain of edges from its first step (or the step named) to the goal, each with
        its evidence; after a next answer: why its first (or named) suggestion is there, and the edge from what
        the learner knows to it. "why A before B?": the chain from A to B."""
        tg, g = self.tg, self.tg.plan_graph
        named = _subjects(tg, intent.topics)
        payload = context.payload if context else None
        reasons = ""
        if len(named) >= 2:
            step, source, target = named[0], named[0], named[1]
        elif isinstance(payload, ComparePayload) and len(payload.topics) >= 2:
            # "why?" after "LoRA or QLoRA first?" or a comparison: the chain between them, or why there is none.
            chain = payload.chains[0] if payload.chains else [payload.topics[0].id, payload.topics[1].id]
            step, source, target = chain[0], chain[0], chain[-1]
        elif isinstance(payload, PlanPayload) and payload.steps:
            step = named[0] if named else payload.steps[0].id
            source, target = step, payload.goal.id
        elif isinstance(payload, NextPayload) and payload.topics:
            item = next((n for n in payload.topics if n.id in named), None) if named else payload.topics[0]
            step = item.id if item else named[0]
            reasons = item.why if item else ""
            # The edge that put it on the frontier: from what the learner named or knows to the suggestion.
            after = _subjects(tg, intent.context.topics if intent.context else [])
            known = implied_known(tg, self.known_in(intent) | set(after))
            # What the learner named ("after RLHF") first, then what they know.
            before = sorted((p for p in g.predecessors(step) if p in known), key=lambda p: (p not in after, p))
            source, target = (before[0], step) if before else (step, step)
        else:
            return self._why_help(intent)
        data = explain_path(tg, source, target) if source != target else {"path": [], "edges": []}
        if len(named) >= 2 and data.get("reverse"):  # "why does RLHF come after fine-tuning?": the order asked about
            step, source, target = target, target, source
            data = explain_path(tg, source, target)
        topic = lambda t: TopicRef.of(tg.catalogue.topics[t])  # noqa: E731
        edges = [EdgeRef(**e) for e in data["edges"]]
        required = data.get("required", True) or not edges
        why = WhyPayload(topic(step), topic(target), [topic(t) for t in data["path"]], edges, reasons, required)
        if isinstance(payload, ComparePayload) and len(named) < 2 and not payload.chains and not why.path:
            # "why?" after "either can come first": that neither builds on the other, and where they part.
            labels = render.Labels(lambda t: _name(tg, t, intent.lang), short=lambda t: _short_name(tg, t, intent.lang))
            return Draft("why", render.why_neither(payload, intent.lang, labels), why)
        return Draft("why", render.why(why, intent.lang), why)

    def _why_help(self, intent: Intent) -> Draft:
        text = _t(
            intent.lang,
            'Ask "why?" right after a plan or a "what next" answer and I show why its first step is there, with the '
            'evidence; "why Transformer?" for one step, or name two topics: "why attention before transformer?".',
            "在学习路线或“下一步学什么”的回答之后问“为什么？”，我会给出第一步排在那里的原因和依据；"
            "问“为什么要先学 Transformer？”解释某一步，也可以直接问两个主题：“为什么注意力机制要在 Transformer 之前？”",
        )
        return Draft("why", text, ChitchatPayload())

    # -- find -------------------------------------------------------------------------------------
    def find(self, intent: Intent, results: list) -> Draft:
        lang = intent.lang
        found = [replace(FoundResource.of(res), level=self._level(res.resource, intent.topics)) for res in results]
        payload = FindPayload(found, list(intent.topics), intent.kind, self._absent(intent, results))
        text = render.find(payload, lang, intent.page, self._asked(intent))
        if not results:
            return self._find_nearby(intent, text, payload)
        used = [res.resource for res in results]
        # The top few, each with its own text (the snippet: its roadmap context or fetched page text): the
        # model describes those, it is not shown the list to copy.
        # Each begins with what it is and its level, in the question's language: our first words say so for
        # the top one only, and the 0.5B model then gave the next one a level of its own making (dev half).
        # A book on a roadmap line has no web address but is a resource like any other: described and cited as
        # one ("推荐几本 NLP 的经典教材" found only books and got no prose, probe set 2), in the answer's own order, so
        # the [n] of our first words (prompts.subject_of) is the prompt's [n].
        described = [
            self._found_source(r, found.level, found.snippet or r.context, lang)
            for r, found in zip((res.resource for res in results), payload.resources)
        ]
        sources = described[:PROMPT_FIND]
        lead = f"The best match is {sources[0].title} [1]" if sources else ""
        asked = [t for t in intent.topics if t in self.tg.plan_graph]
        if asked and sources and not any(set(s.topics) & set(asked) for s in sources):
            related = self._find_related(intent, text, payload, used, lead, sources, asked)
            # Neither about the subject nor next to it (a diffusion paper asked, the LLaMA paper found): as when
            # nothing matched, a resource next to the subject in the map (probe set: no prose before).
            nearby = related if related.job else self._find_nearby(intent, text, payload, used)
            # Nothing next door either: the first found that stands on a line of study with the subject however
            # far ("a good introduction to reinforcement learning" found the InstructGPT video, four edges on:
            # RL → MDP → policy gradient → PPO → RLHF; in Chinese the RLHF lecture came third; no prose before,
            # probe set 2).
            if nearby.job:
                return nearby
            return self._find_related(intent, text, payload, used, lead, described, asked, far=True)
        return Draft("find", text, payload, used, lead, [], sources)

    def _found_source(self, r: Resource, level: str, text: str, lang: str) -> PromptSource:
        """A resource as a find prompt shows it: what it is and its level, then its card."""
        ours = kind_words(r.kind, level, lang)
        return PromptSource(
            r.title, r.url, r.kind, ours + _t(lang, ". ", "。") + self._card(r, text, lang), tuple(r.topics), ours
        )

    def _absent(self, intent: Intent, results: list) -> list[TopicRef]:
        """The subjects the question names (in the map, not broad) that none of the found resources is about:
        "a good introduction to reinforcement learning" over a library whose nearest are RLHF lectures."""
        if not results:
            return []
        about = {t for res in results for t in res.resource.topics}
        return [_topic_ref(self.tg, t) for t in self._map_subjects(intent) if t not in about]

    def _map_subjects(self, intent: Intent) -> list[str]:
        """The topics a find asks about that the map has and that are no broad (meta) topic."""
        g, topics = self.tg.plan_graph, self.tg.catalogue.topics
        return [t for t in intent.topics if t in g and topics[t].level != "meta"]

    def _asked(self, intent: Intent) -> str:
        """What a find searched, as "nothing matches" quotes it: a follow-up's earlier subject ("Softmax" after
        "is there a video about it?" or "a video instead"), else the question."""
        if not intent.followup:
            return intent.raw
        names = [_name(self.tg, t, intent.lang) for t in _subjects(self.tg, intent.topics)]
        return intent.subject or ("、" if intent.lang == "zh" else ", ").join(names) or intent.raw

    def _find_nearby(self, intent: Intent, text: str, payload: FindPayload, used: list | None = None) -> Draft:
        """Nothing in the library matches the ask ("推荐一个讲 LoRA 的视频" in a library without LoRA), or nothing
        found is about it or next to it (`used`, the answer's list): the prose job is find_related's, on the best
        resource about a topic next to the asked one in the map (what it builds on first, then what follows it;
        the asked kind first), so the learner gets somewhere to start; the answer itself says nothing matched,
        or lists what it found. With no such resource, no prose."""
        tg, g = self.tg, self.tg.plan_graph
        used = used or []
        # "more" past the end, "a video instead": nothing to start from. A question about "it" ("is there a video
        # about it?") is a new ask about the earlier subject: it gets a place to start like any other.
        if intent.page > 1 or intent.followup not in (None, "pronoun"):
            return Draft("find", text, payload, used)
        for subject in self._map_subjects(intent):
            if pick_resources(tg, subject, 1):  # the map has its own, which retrieval did not find: no detour
                continue
            for near in sorted(g.predecessors(subject)) + sorted(g.successors(subject)):
                level = tg.catalogue.topics[near].level
                picked = pick_resources(tg, near, 3) if level != "meta" else []
                if not picked:
                    continue
                r = next((r for r in picked if r.kind == intent.kind), picked[0])  # the asked kind first
                source = self._found_source(r, level, r.context, intent.lang)
                lead = f"The closest is {r.title} [1]"
                return self._find_related(intent, text, payload, used, lead, [source], [subject], near)
        return Draft("find", text, payload, used)

    def _card(self, r: Resource, text: str, lang: str) -> str:
        """A source's text for a find prompt: without the card's mentions, its topics named in the question's
        language only. Shown "topics: Generative adversarial networks (GAN) / 生成对抗网络", the 0.5B model
        copied both names into an English sentence (probe set). The topics end in a full stop: a snippet is
        the card on one line, and "topics: …, Reinforcement learning from human feedback (RLHF) Roadmap > …" ran
        into the heading below it, which the model then took for part of the name (probe set 2)."""
        text = CARD_MENTIONS.sub("", text)
        topics = [self.tg.catalogue.topics[t] for t in r.topics if t in self.tg.catalogue.topics]
        listed = "topics: " + ", ".join(both_names(t) for t in topics)
        if topics:
            text = text.replace(listed + " ", listed + ". ", 1)
        for t in topics:
            text = text.replace(both_names(t), _name(self.tg, t.id, lang))
        return text

    def _find_related(
        self, intent, text, payload, used, lead, sources, asked, about_topic: str = "", far: bool = False
    ) -> Draft:
        """No described resource is about the asked topic (dev: "covers diffusion models" of a Colossal-AI
        article tagged only Colossal-AI, rightly dropped): the prose job is one sentence on the first one about a
        topic next to it in the map (a prerequisite or a next step) and how the two relate, from that edge;
        with none, no prose (whatever the model says it covers, no source supports)."""
        lang = intent.lang
        pairs = [
            (source, topic, subject)
            for source in sources
            for topic in ([about_topic] if about_topic else self._title_last(source))
            for subject in asked
        ]
        # A direct edge first; else one step further; `far`: any path, once nothing nearer had a resource.
        for steps in (None,) if far else (1, 2):
            for source, topic, subject in pairs:
                if not (how := self._relation(topic, subject, lang, steps)):
                    continue
                name, about = _name(self.tg, subject, lang), _name(self.tg, topic, lang)
                facts = [
                    _t(
                        lang,
                        "Asked about: {} (no resource in the library is about it).",
                        "所问主题：{}（资料库里没有讲它的资料）。",
                    ).format(name),
                    _t(lang, "[1] is about {}, {}.", "[1] 讲的是{}，{}。").format(about, how.format(name)),
                ]
                return Draft("find", text, payload, used, lead, facts, [source], "find_related", (source.title, about))
        return Draft("find", text, payload, used, lead, [], [])

    def _title_last(self, source: PromptSource) -> list[str]:
        """A source's topics, the one its title is the name of last: "InstructGPT [1] on InstructGPT" says
        nothing the title did not, "on RLHF" says what it is about (probe set 2)."""
        topics = self.tg.catalogue.topics
        title = source.title.casefold()
        return sorted(
            source.topics, key=lambda t: t in topics and title in (topics[t].name.casefold(), topics[t].zh.casefold())
        )

    def _relation(self, topic: str, subject: str, lang: str, steps: int | None) -> str:
        """How `topic` stands to the asked `subject` in the map, `steps` edges apart (None: any number), as
        find_related's words ("{0}" the subject's name); "" where it does not."""
        g = self.tg.plan_graph
        if topic not in g or subject not in g or topic == subject:
            return ""
        if steps == 1:
            if g.has_edge(topic, subject):
                return _t(lang, "a prerequisite of {0}", "它是{0}的前置知识")
            return _t(lang, "a next step after {0}", "它是学完{0}之后的下一步") if g.has_edge(subject, topic) else ""
        if steps == 2:
            before = any(g.has_edge(m, subject) for m in g.successors(topic))
            after = any(g.has_edge(m, topic) for m in g.successors(subject))
        else:
            before, after = nx.has_path(g, topic, subject), nx.has_path(g, subject, topic)
        if before:
            return _t(lang, "a prerequisite of {0}", "它是{0}的前置知识")
        return _t(lang, "a later topic that builds on {0}", "它建立在{0}的基础之上") if after else ""

    def _level(self, resource: Resource, asked: list[str]) -> str:
        """The catalogue level of what the resource is found for: the asked topic it carries, else its first
        curated one ("" for a learned or meta topic: no level to say)."""
        topics = self.tg.catalogue.topics
        carried = [t for t in asked if t in resource.topics] + list(resource.topics)
        levels = [topics[t].level for t in carried if t in topics and topics[t].level != "meta"]
        return levels[0] if levels else ""

    # -- explain ----------------------------------------------------------------------------------
    def explain(self, intent: Intent) -> Draft:
        lang, tg = intent.lang, self.tg
        subjects = _subjects(tg, intent.topics)
        if not subjects:
            return self.chitchat(intent)
        tid = subjects[0]
        topic = tg.catalogue.topics[tid]
        g = tg.plan_graph
        pre = sorted(g.predecessors(tid))
        post = sorted(g.successors(tid))[:6]
        picked = pick_resources(tg, tid, 3)
        payload = ExplainPayload(TopicCard.of(topic), pre, post, [ResourceRef.of(r) for r in picked])
        labels = render.Labels(lambda t: _name(tg, t, lang))
        text = render.explain(payload, lang, labels, _sentence(_learned_from(topic, lang)))
        sources = [PromptSource(r.title, r.url, r.kind, r.context, tuple(r.topics)) for r in picked]
        # A Chinese answer is grounded in our Chinese description: a small model translating the English one
        # gets it wrong ("词向量……由相似的单词构成").
        facts = [
            _t(lang, "Topic: ", "主题：") + _name(tg, tid, lang),
            (_t(lang, "Description: ", "描述：") + topic.describe(lang))[:400] if topic.describe(lang) else "",
        ]
        facts = [f for f in facts if f]
        if not sources:
            # No source to point at: what it builds on and opens up, which the description does not say (the
            # 0.5B model, asked to explain from the description alone, copied it).
            if pre:
                facts.append(
                    _t(lang, "It builds on: ", "它的前置知识：") + _some([_name(tg, t, lang) for t in pre], lang)
                )
            if post:
                facts.append(
                    _t(lang, "It leads to: ", "学会后可以继续学：") + _some([_name(tg, t, lang) for t in post], lang)
                )
        job = "" if sources else "explain_unsourced"
        return Draft("explain", text, payload, picked, f"{topic.name} is", facts, sources, job)

    def missing_explain(self, intent: Intent) -> Draft:
        """An explain question whose subject the topic map lacks, though a known name is in it ("quantum
        gradient origami" holds "gradient"): say so, and explain the matched topic as the closest one, never
        as the subject. No prose: a model would write about the closest topic as if it were asked."""
        closest = self.explain(replace(intent, missing=None))
        if not isinstance(closest.payload, ExplainPayload):
            return closest
        lang, phrase = intent.lang, render.escape(intent.missing)
        name = render.escape(_name(self.tg, closest.payload.topic.id, lang))
        notice = _t(
            lang,
            f"“{phrase}” is not in the topic map. Closest topic in your map: {name}.",
            f"主题图里没有“{phrase}”。图中最接近的主题：{name}。",
        )
        payload = replace(closest.payload, missing=intent.missing)
        return Draft("explain", notice + "\n\n" + closest.text, payload, closest.resources)

    # -- compare ----------------------------------------------------------------------------------
    def compare(self, intent: Intent) -> Draft:
        """Topics set side by side ("BERT 和 GPT 的区别"): each one's description, how they stand in the graph and
        what the learner knows of them, and resources, those on all of them first. One topic known to the map
        is explained alone. No prose (lead ""): what sets them apart is in the descriptions and the graph, and a
        model's contrast of two descriptions has no evaluation set yet (tests/prose_eval.py has none)."""
        tg, lang = self.tg, intent.lang
        subjects = list(dict.fromkeys(_subjects(tg, intent.topics)))[:MAX_COMPARED]
        if len(subjects) < 2:
            return self.explain(replace(intent, compare=False))
        known = implied_known(tg, self.known_in(intent))
        picked = self._compared_resources(subjects)
        payload = self._side_by_side(subjects, compare_topics(tg.plan_graph, subjects), known, picked)
        labels = render.Labels(lambda t: _name(tg, t, lang), short=lambda t: _short_name(tg, t, lang))
        return Draft("explain", render.compare(payload, lang, labels), payload, picked)

    def order(self, intent: Intent) -> Draft:
        """Which of the topics asked about to learn first ("BERT or GPT first?", "学 QLoRA 需要先学 LoRA 吗"): the
        one the others build on, with the evidence of each edge between; where none builds on another, that either
        can come first and which is nearer to what the learner knows. Then what they share and what only one needs,
        and resources in that order. No prose: the order is the graph's, the evidence its own."""
        tg, lang = self.tg, intent.lang
        subjects = list(dict.fromkeys(_subjects(tg, intent.topics)))[:MAX_COMPARED]
        if len(subjects) < 2:  # one topic the map knows: what comes before it
            return self.plan(replace(intent, order=False))
        g = tg.plan_graph
        comparison = compare_topics(g, subjects)
        known = implied_known(tg, self.known_in(intent))
        sequence, left = learning_order(g, subjects, known)
        picked = self._compared_resources(sequence)
        edges = [EdgeRef(**tg.edge_evidence(u, v)) for chain in comparison.chains for u, v in zip(chain, chain[1:])]
        payload = OrderPayload(
            **vars(self._side_by_side(subjects, comparison, known, picked)),
            sequence=sequence,
            first=sequence[0] if comparison.chains else nearer_start(sequence, left),
            left=left,
            edges=list({(e.source, e.target): e for e in edges}.values()),
        )
        labels = render.Labels(lambda t: _name(tg, t, lang), short=lambda t: _short_name(tg, t, lang))
        return Draft("plan", render.order(payload, lang, labels), payload, picked)

    def _side_by_side(
        self, subjects: list[str], comparison: Comparison, known: set[str], picked: list[Resource]
    ) -> ComparePayload:
        """How `subjects` stand to each other, to the learner, and the resources picked for them."""
        return ComparePayload(
            [TopicCard.of(self.tg.catalogue.topics[t]) for t in subjects],
            comparison.chains,
            comparison.shared,
            comparison.only,
            [
                CoveringResource(r.id, r.title, r.url, r.kind, covers=[t for t in subjects if t in r.topics])
                for r in picked
            ],
            known=[t for t in subjects if t in known],
            learning=[t for t in subjects if t in self.learning and t not in known],
        )

    def _compared_resources(self, subjects: list[str]) -> list[Resource]:
        """Those on all the compared topics, then the best of each one's own (pick_resources), COMPARE_RESOURCES
        at most."""
        picked = covering(self.tg.resources_by_topic, subjects)[:COMPARE_RESOURCES]
        for t in subjects:
            picked += [r for r in pick_resources(self.tg, t, 2) if r not in picked]
        return picked[:COMPARE_RESOURCES]

    # -- quiz -------------------------------------------------------------------------------------
    def quiz(self, intent: Intent, all_questions: list[dict]) -> Draft:
        lang, tg = intent.lang, self.tg
        subjects = _subjects(tg, intent.topics)
        questions: list[dict] = []
        for t in subjects:
            questions += [q for q in tg.questions_by_topic.get(t, []) if q not in questions]
        general = not questions
        if general:
            questions = [q for q in all_questions if q.get("kind") == "interview"] or list(all_questions)
        seen: set[str] = set()  # the same question copied into two roadmaps is asked once
        questions = [
            q
            for q in questions
            if not (" ".join(q["text"].split()).casefold() in seen or seen.add(" ".join(q["text"].split()).casefold()))
        ]
        questions = questions[:MAX_QUESTIONS]
        names = (
            "、".join(_name(tg, t, lang) for t in subjects)
            if lang == "zh"
            else ", ".join(_name(tg, t, lang) for t in subjects)
        )
        if general and subjects:
            head = _t(
                lang,
                f"No interview questions about {names} in your library; general ones:",
                f"资料库中没有关于{names}的面试题，以下是通用面试题：",
            )
        elif subjects:
            head = _t(lang, f"Interview questions on {names}:", f"关于{names}的面试题：")
        else:
            head = _t(lang, "Interview questions from your library:", "资料库中的面试题：")
        listed = render.question_list((q["text"], f"{q['file']}:{q['line']}") for q in questions)
        lines = [head, listed]
        picked = pick_resources(tg, subjects[0], 2) if subjects else []
        if picked:
            lines.append(_t(lang, "To prepare:", "复习资料："))
            lines.append("\n".join(f"- {_link(r)} ({r.kind})" for r in picked))
        payload = QuizPayload(
            [QuizQuestion(q["text"], f"{q['file']}:{q['line']}") for q in questions],
            [_topic_ref(tg, t) for t in subjects],
            [ResourceRef.of(r) for r in picked],
        )
        return Draft("quiz", render.blocks(*lines), payload, picked)

    # -- progress ---------------------------------------------------------------------------------
    def progress(self, intent: Intent, resources: list[Resource]) -> Draft:
        lang, tg = intent.lang, self.tg
        if intent.report:  # "how far am I with LoRA?": where the learner stands, nothing to mark
            return self.report(intent)
        subjects = _subjects(tg, intent.topics)
        items = [topic_key(t) for t in subjects] + [r.id for r in resources]
        names = [_name(tg, t, lang) for t in subjects] + [r.title for r in resources]
        if not items:  # "how am I doing so far?": nothing to mark, where the learner stands
            return self.report(intent)
        joined = render.escape(("、" if lang == "zh" else ", ").join(names))
        text = _mark_question(joined, intent.mark, lang)
        if intent.mark == "done" and KNOW_STATEMENT.search(intent.raw) and subjects:
            # Known for the rest of this conversation already (intents.conversation_known); the mark is for good.
            text = _t(
                lang,
                f"Noted: from now on, plans and suggestions in this conversation skip {joined} and what it builds on. "
                "To mark it done for good, confirm below (or run `studygraph mark`).",
                f"好的：本次对话接下来的学习路线和建议都会跳过 {joined} 及其前置知识。"
                "要永久标记为已完成，请在下方确认（或运行 `studygraph mark`）。",
            )
        payload = ProgressPayload(
            Confirm(items, intent.mark), [_topic_ref(tg, t) for t in subjects], [ResourceRef.of(r) for r in resources]
        )
        return Draft("progress", text, payload, list(resources))

    def report(self, intent: Intent) -> Draft:
        """What is done and being learned, by the learner's marks (and what the conversation said they know),
        and the first suggestions of a next answer; for a question about topics, only on the way to them."""
        tg = self.tg
        known = self.known_in(intent)
        if subjects := _subjects(tg, intent.topics):
            return self._report_on(intent, subjects, known)
        suggested = next_topics(tg, known, self.learning, k=3)
        payload = ReportPayload(
            _refs_by_name(tg, known),
            _refs_by_name(tg, self.learning - known),
            [TopicRef.of(n.topic) for n in suggested],
        )
        return Draft("progress", render.report(payload, intent.lang), payload)

    def _report_on(self, intent: Intent, subjects: list[str], known: set[str]) -> Draft:
        """Where the learner stands on the way to `subjects`: what of them and what they build on is done (what
        the learner said or marked first, then what that implies) or being learned, and what is still to learn,
        in plan order (each subject's plan, minus what is known)."""
        tg = self.tg
        scope = set(subjects) | tg.closure.members(tg.closure.ancestors_of(subjects))
        implied = implied_known(tg, known)  # knowing the transformer is knowing attention (graph/plan.py)
        left: list[str] = []
        for goal in subjects:
            plan = learning_plan(tg, goal, implied - {goal})
            left += [s.topic.id for s in plan.steps if s.topic.id not in left and s.topic.id not in implied]
        payload = ReportPayload(
            _refs_by_name(tg, known & scope) + _refs_by_name(tg, (implied - known) & scope),
            [_topic_ref(tg, t) for t in left if t in self.learning],
            [],
            about=[_topic_ref(tg, t) for t in subjects],
            left=[_topic_ref(tg, t) for t in left],
            builds_on=len(scope - set(subjects)),
        )
        return Draft("progress", render.report(payload, intent.lang), payload)

    # -- chitchat ---------------------------------------------------------------------------------
    def chitchat(self, intent: Intent) -> Draft:
        text = _t(
            intent.lang,
            "I'm studygraph, a study assistant for NLP and LLMs over your own library. Ask me:\n"
            "- what to learn before a topic (\"what should I learn before RLHF\")\n"
            "- what to learn next (\"what should I learn next?\")\n"
            "- for resources (\"a video about attention\", \"BERT paper\")\n"
            "- what a topic is (\"what is LoRA\") or for interview questions (\"quiz me on transformers\")\n"
            "- to record progress (\"I finished the transformer lecture\")",
            "我是 studygraph，基于你自己资料库的 NLP / 大模型学习助手。你可以问我：\n"
            "- 学某个主题之前要学什么（“学 RLHF 之前要学什么？”）\n"
            "- 下一步学什么（“下一步学什么”）\n"
            "- 找资料（“BERT 论文”、“哪里有讲注意力机制的视频”）\n"
            "- 概念解释（“LoRA 是什么”）或面试题（“考考我 Transformer 的面试题”）\n"
            "- 记录进度（“我学完了 LoRA”）",
        )
        return Draft("chitchat", text, ChitchatPayload())


def _mark_question(joined: str, mark: str, lang: str) -> str:
    """What a record of progress asks to confirm, for the status it would mark."""
    if mark == "learning":
        return _t(
            lang,
            f"Mark {joined} as being learned? Confirm below (or run `studygraph mark --status learning`); plans keep "
            "it, shown as in progress, and suggestions of what to learn next favour what is close to it.",
            f"要把 {joined} 标记为正在学吗？请在下方确认（或运行 `studygraph mark --status learning`）；学习路线会保留它并标为"
            "进行中，“下一步学什么”会优先推荐与它相关的内容。",
        )
    if mark == "todo":
        return _t(
            lang,
            f"Mark {joined} as not done? Confirm below (or run `studygraph mark --status todo`); plans will include it "
            "again.",
            f"要把 {joined} 标记为未完成吗？请在下方确认（或运行 `studygraph mark --status todo`），之后的学习路线会重新包含它。",
        )
    return _t(
        lang,
        f"Mark {joined} as done? Confirm below (or run `studygraph mark`); plans will then skip it.",
        f"要把 {joined} 标记为已完成吗？请在下方确认（或运行 `studygraph mark`），之后的学习路线会跳过它。",
    )


USUAL_RATES = (5.0, 10.0)  # hours a week offered when only "how long?" was asked
FIRST_WEEKS = 3  # weeks an answer spells out; the Learning path page and `path --hours-per-week` have them all


def _rate_for(plan, left: float, weeks: float, today: dt.date | None) -> tuple[float, list]:
    """The hours a week that fit the plan into `weeks`, and its weeks at that rate: its hours over the weeks,
    rounded up, and a little more where a step's start pushed into the next week leaves it one week long
    (graph/schedule.py's MIN_BLOCK)."""
    rate = max(0.1, math.ceil(left / weeks * 10) / 10)
    for _ in range(20):
        plan_weeks = weekly_plan(plan, rate, today)
        if len(plan_weeks) <= math.ceil(weeks - 1e-9):
            break
        rate = round(rate + 0.5, 1)
    else:
        plan_weeks = weekly_plan(plan, rate, today)
    return rate, plan_weeks


def plan_time(plan, budget: TimeBudget, today: dt.date | None = None) -> PlanTime:
    """The plan in the learner's time (graph/schedule.py fills the weeks): at their rate, at the rate their
    deadline needs, or at the usual rates when they only asked how long it takes."""
    left = round(sum(s.hours for s in plan.steps if s.status != "done"), 1)
    given = budget.hours_per_week is not None
    if budget.weeks and not given:
        rate, plan_weeks = _rate_for(plan, left, budget.weeks, today)
        rates, weeks = [rate], {rate: plan_weeks}
    else:
        rates = [budget.hours_per_week] if given else list(USUAL_RATES)
        weeks = {rate: weekly_plan(plan, rate, today) for rate in rates}
    time = PlanTime(left, [PlanRate(rate, len(weeks[rate])) for rate in rates], budget.weeks, given)
    if len(rates) == 1 and weeks[rates[0]]:
        plan_weeks = weeks[rates[0]]
        time.ends = plan_weeks[-1].end.isoformat()
        time.first_weeks = [
            PlanWeek(w.number, w.start.isoformat(), w.hours, [b.id for b in w.steps]) for w in plan_weeks[:FIRST_WEEKS]
        ]
    return time


def _why_zh(tg: TopicGraph, topic_id: str, goal: str, plan) -> str:
    if topic_id == goal:
        return "目标"
    needed = {s.topic.id for s in plan.steps}
    unlocks = [s for s in tg.plan_graph.successors(topic_id) if s in needed]
    return ("后续需要：" + "、".join(_name(tg, s, "zh") for s in unlocks[:3])) if unlocks else ""
