"""Markdown of an answer from its typed payload: the one renderer behind the CLI's plain `ask` output, the
chat page's answer bubble and its details under the answer (the same structure, with the app's badges: `Style`).

Markdown, not lines of text: every block (a heading, a description, a "Prerequisites:" line, a list) is its own
paragraph, so a renderer keeps the line breaks the terminal shows; a resource under a step is indented to that
step's content column ("10. " is four wide, "1. " three), so it stays nested under step 10 and beyond instead of
becoming a bullet of its own between steps. Text from the library (titles, names, evidence) is escaped: a title
never becomes a link, an image or LaTeX.

Topics are spelt by a `Labels` (the graph's names in the question's language); without one, by the payload's own
fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studygraph.assistant.payloads import (
    ComparePayload,
    CoveringResource,
    EdgeRef,
    ExplainPayload,
    FindPayload,
    FoundResource,
    NextItem,
    NextPayload,
    OrderPayload,
    PlanPayload,
    PlanStep,
    ReportPayload,
    ResourceRef,
    WhyPayload,
)

LONG_PLAN = 20  # steps; longer plans suggest saying what is already known

_SPECIAL = re.compile(r"([\\`*\[\]<>$])")  # what would turn library text into a link, an image, HTML or LaTeX
_LINE_START = re.compile(r"^(\s*)([#>]|[-+](?=\s))", re.M)  # a heading, quote or list if first on a line
_NUMBER_START = re.compile(r"^(\s*\d+)([.)])(?=\s)", re.M)  # "1. " first on a line: an ordered list


def escape(text: str) -> str:
    """Library or user text safe inside markdown: shown as written, never as markup."""
    text = _SPECIAL.sub(r"\\\1", str(text))
    return _NUMBER_START.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", text))


def user_text(text: str) -> str:
    """A learner's own message as text in a markdown bubble: escaped, its line breaks kept."""
    return "  \n".join(escape(line) for line in str(text).strip().splitlines())


def link(title: str, url: str | None) -> str:
    shown = escape(" ".join(str(title).split())) or "link"
    if not url:
        return shown
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{shown}]({safe})"


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def display_name(name: str, zh: str, lang: str) -> str:
    """A topic in the answer's language: the Chinese name with the English one beside it where it differs."""
    if lang == "zh" and zh:
        return zh if name.casefold() in zh.casefold() else f"{zh}（{name}）"
    return name


@dataclass
class Labels:
    """How an answer spells topics: `name(id)` in its language, `mark(id)` after a learned topic's name, `why(id)`
    a plan step's reason in its language (None: the step's own English `why`)."""

    name: Callable[[str], str] = str
    mark: Callable[[str], str] = field(default=lambda _id: "")
    why: Callable[[str], str] | None = None
    short: Callable[[str], str] | None = None  # inside a sentence, where the answer named it in full already


@dataclass(frozen=True)
class Style:
    """How a surface marks what the structure carries: the CLI's plain words (`(video)` after a link), or the
    app's badges (`kind` a marker before the link, `status` one after a step's hours, `snippet` characters of a
    resource's snippet after it). The structure (blocks, numbering, nesting, escaping) is the same for both."""

    kind: Callable[[str], str] | None = None
    status: Callable[[str], str] | None = None
    snippet: int = 0


PLAIN = Style()


def resource_line(r: ResourceRef, style: Style = PLAIN) -> str:
    """`[title](url) (kind)`, and where a found resource was seen (`— file.md:12`); with a `style.kind`, the kind's
    marker before the link instead."""
    linked = link(r.title or r.url or "", r.url)
    text = f"{style.kind(r.kind or 'website')} {linked}" if style.kind else f"{linked} ({r.kind})"
    text += f" — {escape(r.source)}" if isinstance(r, FoundResource) and r.source else ""
    return text + (f" — {escape(r.snippet[: style.snippet])}" if style.snippet and r.snippet else "")


def resource_list(resources: Iterable[ResourceRef], style: Style = PLAIN, ordered: bool = True) -> str:
    """Resources as a numbered list (a search's ranking) or bullets (an explanation's reading list)."""
    if ordered:
        return numbered((resource_line(r, style), []) for r in resources)
    return "\n".join(f"- {' '.join(resource_line(r, style).split())}" for r in resources)


def question_list(questions: Iterable[tuple[str, str]]) -> str:
    """Interview questions, each with where it was found: `1. text (file.md:12)`."""
    return numbered((f"{escape(text)} ({escape(source)})", []) for text, source in questions)


def numbered(items: Iterable[tuple[str, list[str]]]) -> str:
    """An ordered list whose items each carry a nested bullet list, indented to the item's content column; each
    item and sub-item one line (a line break in library text would end the item)."""
    out = []
    for i, (head, subs) in enumerate(items, 1):
        marker = f"{i}. "
        out.append(marker + " ".join(head.split()))
        out.extend(" " * len(marker) + "- " + " ".join(s.split()) for s in subs)
    return "\n".join(out)


def blocks(*parts: str) -> str:
    """Paragraphs and lists, each its own block."""
    return "\n\n".join(p.strip("\n") for p in parts if p and p.strip())


# -- plan ---------------------------------------------------------------------------------------------------
def _step_name(step: PlanStep | NextItem, lang: str, labels: Labels | None) -> str:
    name = labels.name(step.id) if labels else display_name(step.name, step.zh, lang)
    return f"**{escape(name)}**" + (escape(labels.mark(step.id)) if labels else "")


def plan_steps(payload: PlanPayload, lang: str, labels: Labels | None = None, style: Style = PLAIN) -> str:
    def head(step: PlanStep) -> str:
        why = labels.why(step.id) if labels and labels.why else step.why
        hours = _t(lang, f"{step.hours} h", f"{step.hours} 小时")
        if style.status and step.status != "todo":
            hours += f" {style.status(step.status)}"
        return f"{_step_name(step, lang, labels)} — {hours}" + (f" — {escape(why)}" if why else "")

    return numbered((head(s), [resource_line(r, style) for r in s.resources]) for s in payload.steps)


def plan(payload: PlanPayload, lang: str, labels: Labels | None = None) -> str:
    goal = escape(labels.name(payload.goal.id) if labels else display_name(payload.goal.name, payload.goal.zh, lang))
    n = len(payload.steps)
    head = _t(
        lang,
        f"**Plan for {goal}**: {n} steps, about {payload.hours} h.",
        f"**{goal} 学习路线**：共 {n} 步，约 {payload.hours} 小时。",
    )
    note = ""
    if payload.skipped:
        skipped = len(payload.skipped)
        note = _t(lang, f"Skipping {skipped} topics you already know.", f"已跳过 {skipped} 个你已掌握的主题。")
    elif n > LONG_PLAN:
        # A plan from zero is long; most learners know the first part and only need to say so once.
        note = _t(
            lang,
            'Already know some of this? Say "I know neural networks" (or use the "I already know:" buttons on the '
            "Learning path page) and the plan skips it and everything it builds on.",
            "已经会其中一部分？告诉我“我已经会神经网络了”（或在学习路线页用“我已经会：”按钮），"
            "路线会跳过它及其全部前置知识。",
        )
    return blocks(head, plan_time(payload, lang, labels), note, plan_steps(payload, lang, labels))


def _hours(h: float) -> str:
    return f"{h:g}"


def plan_time(payload: PlanPayload, lang: str, labels: Labels | None = None) -> str:
    """The plan in the learner's time: the weeks at their rate (or the rate a deadline needs), the first weeks
    spelt out; or, asked only how long, the weeks at the usual rates and how to get a schedule."""
    time = payload.time
    if time is None or not time.rates:
        return ""
    steps = {s.id: s for s in payload.steps}

    def name(t: str) -> str:
        step = steps.get(t)
        return escape(labels.name(t) if labels else display_name(step.name, step.zh, lang) if step else t)

    left = _hours(time.hours_left)
    if len(time.rates) > 1:
        at = _t(lang, ", or ", "，或").join(
            _t(
                lang,
                f"{r.weeks} weeks at {_hours(r.hours_per_week)} h a week",
                f"每周 {_hours(r.hours_per_week)} 小时约 {r.weeks} 周",
            )
            for r in time.rates
        )
        return blocks(
            _t(
                lang,
                f"**How long**: about {left} h of study left: {at}.",
                f"**需要多久**：还要学约 {left} 小时：{at}。",
            ),
            _t(
                lang,
                'Say how many hours a week you have ("6 hours a week") for a week-by-week schedule.',
                "告诉我你每周有多少时间（如“每周 6 小时”），我按周排好进度。",
            ),
        )
    rate = time.rates[0]
    hours = _hours(rate.hours_per_week)
    ends = _t(lang, f", until {time.ends}", f"，到 {time.ends}") if time.ends else ""
    if time.given or time.deadline_weeks is None:
        head = _t(
            lang,
            f"**At {hours} h a week**: about {rate.weeks} weeks for the {left} h left{ends}.",
            f"**每周 {hours} 小时**：剩下的 {left} 小时约需 {rate.weeks} 周{ends}。",
        )
        if time.deadline_weeks is not None and rate.weeks > time.deadline_weeks:
            head += _t(
                lang,
                f" That is more than the {_hours(round(time.deadline_weeks, 1))} weeks you have.",
                f"超出了你的 {_hours(round(time.deadline_weeks, 1))} 周。",
            )
    else:
        weeks = _hours(round(time.deadline_weeks, 1))
        head = _t(
            lang,
            f"**In {weeks} weeks**: about {hours} h a week for the {left} h left{ends}.",
            f"**{weeks} 周内学完**：剩下的 {left} 小时需要每周约 {hours} 小时{ends}。",
        )
    first = [
        _t(
            lang,
            f"Week {w.number} (from {w.start}, {_hours(w.hours)} h): ",
            f"第 {w.number} 周（{w.start} 起，{_hours(w.hours)} 小时）：",
        )
        + _sep(lang).join(dict.fromkeys(name(t) for t in w.topics))
        for w in time.first_weeks
    ]
    more = _t(
        lang,
        "Every week, and a calendar file of them: the Learning path page, or "
        f"`studygraph path {payload.goal.id} --hours-per-week {hours} --ics plan.ics`.",
        "全部周次和日历文件：见学习路线页，或运行 "
        f"`studygraph path {payload.goal.id} --hours-per-week {hours} --ics plan.ics`。",
    )
    return blocks(head, "\n".join(f"- {line}" for line in first), more)


# -- next ---------------------------------------------------------------------------------------------------
def next_topics(payload: NextPayload, lang: str, labels: Labels | None = None, after: list[str] = ()) -> str:
    if after:
        names = _sep(lang).join(escape(labels.name(t) if labels else t) for t in after)
        head = _t(lang, f"After {names}, learn next:", f"学完{names}之后，建议接着学：")
    else:
        head = _t(lang, "What to learn next:", "下一步建议学习：")
    return blocks(head, next_list(payload, lang, labels))


def next_list(payload: NextPayload, lang: str, labels: Labels | None = None, style: Style = PLAIN) -> str:
    """The suggested topics, each with its reason and its resources nested under it."""
    return numbered(
        (
            _step_name(n, lang, labels) + (f" — {escape(n.why)}" if n.why else ""),
            [resource_line(r, style) for r in n.resources],
        )
        for n in payload.topics
    )


# -- find ---------------------------------------------------------------------------------------------------
def find(payload: FindPayload, lang: str, page: int = 1, asked: str = "") -> str:
    if not payload.resources:
        if page > 1:
            return _t(lang, "That is all your library has on it.", "资料库里关于它的资料就这些了。")
        return nothing_matches(asked, lang)
    if page > 1:
        head = _t(lang, "More from your library:", "资料库中的更多资料：")
    elif payload.absent:  # what was found is near the subject, not about it: said before the list, not left to guess
        names = _sep(lang).join(escape(display_name(t.name, t.zh, lang)) for t in payload.absent)
        head = _t(
            lang,
            f"Nothing in your library is about {names} itself. The closest matches:",
            f"资料库里没有专门讲{names}的资料。最接近的是：",
        )
    else:
        head = _t(lang, "From your library:", "资料库中的相关资料：")
    return blocks(head, resource_list(payload.resources))


def nothing_matches(asked: str, lang: str) -> str:
    """A find with no result that has evidence (retrieval.Evidence): said as such, with the question, and how to
    add what it asks about; no list of unrelated resources."""
    asked = escape(" ".join(asked.split())[:80])
    if not asked:
        return _t(lang, "Nothing in your library matches that.", "资料库里没有找到相关资料。")
    return _t(
        lang,
        f"Nothing in your library matches “{asked}”. To add resources on it: `studygraph ingest` a roadmap or paper "
        "that covers it.",
        f"资料库里没有与“{asked}”相关的资料。可以用 `studygraph ingest` 添加包含它的路线图或论文。",
    )


# -- explain ------------------------------------------------------------------------------------------------
def explain(payload: ExplainPayload, lang: str, labels: Labels | None = None, learned_from: str = "") -> str:
    topic = payload.topic
    name_of = labels.name if labels else str
    shown = name_of(topic.id) if labels else display_name(topic.name, topic.zh, lang)
    title = f"**{escape(shown)}**" + (f" ({escape(topic.name)})" if lang == "zh" and topic.name not in shown else "")
    described = topic.description_zh if lang == "zh" and topic.description_zh else topic.description
    about = learned_from if topic.learned and learned_from else described
    about = about or _t(lang, "(no description in the catalogue)", "（目录中暂无描述）")
    pre = _t(lang, "Prerequisites: ", "前置知识：") + _sep(lang).join(escape(name_of(p)) for p in payload.prerequisites)
    post = _t(lang, "Leads to: ", "后续主题：") + _sep(lang).join(escape(name_of(p)) for p in payload.leads_to)
    if payload.resources:
        resources = blocks(_t(lang, "Resources:", "推荐资料："), resource_list(payload.resources, ordered=False))
    else:
        resources = _t(
            lang,
            f"Your library has no resource on {escape(topic.name)} yet: add a roadmap or paper that covers it.",
            f"你的资料库里还没有关于{escape(shown)}的资料：可以添加包含它的路线图或论文。",
        )
    return blocks(
        title,
        escape(about),
        pre if payload.prerequisites else "",
        post if payload.leads_to else "",
        resources,
    )


# -- compare ------------------------------------------------------------------------------------------------
def compare(payload: ComparePayload, lang: str, labels: Labels | None = None) -> str:
    """Each topic's description, then how they stand to each other, then resources with what each is about."""
    full = _full(labels, {t.id: t for t in payload.topics}, lang)
    title = _t(lang, " vs ", "与").join(full(t.id) for t in payload.topics) + _t(lang, "", "的对比")
    described = []
    for t in payload.topics:
        about = t.description_zh if lang == "zh" and t.description_zh else t.description
        about = about or _t(lang, "(no description in the catalogue)", "（目录中暂无描述）")
        described.append(f"**{full(t.id)}**{_t(lang, ': ', '：')}{escape(about)}")
    relation = _relation(payload, lang, labels)
    heading = _t(lang, "How they relate:", "两者的关系：" if len(payload.topics) == 2 else "它们的关系：")
    return blocks(f"**{title}**", *described, heading, relation, _compared_resources(payload, lang, labels))


def _full(labels: Labels | None, cards: dict, lang: str) -> Callable[[str], str]:
    """A topic's name in a heading or beside its description: in Chinese, with the English name beside."""

    def name(t: str) -> str:
        return escape(labels.name(t) if labels else display_name(cards[t].name, cards[t].zh, lang))

    return name


def _short(labels: Labels | None, cards: dict, lang: str) -> Callable[[str], str]:
    """A topic's name inside a sentence: in Chinese the Chinese name alone (the heading gave both)."""

    def name(t: str) -> str:
        if labels is not None:
            return escape((labels.short or labels.name)(t))
        card = cards.get(t)
        return escape(card.zh if lang == "zh" and card and card.zh else card.name if card else t)

    return name


def _relation(payload: ComparePayload, lang: str, labels: Labels | None) -> str:
    name = _short(labels, {t.id: t for t in payload.topics}, lang)
    two = len(payload.topics) == 2
    lines = []
    for chain in payload.chains:
        first, then = name(chain[0]), name(chain[-1])
        lines.append(
            _t(
                lang,
                f"{then} builds on {first}{_via(chain, name, lang)}: learn {first} first.",
                f"{then}建立在{first}之上{_via(chain, name, lang)}：先学{first}。",
            )
        )
    if not payload.chains:
        lines.append(
            _t(lang, "Neither builds on the other: either can come first.", "两者互不为前置：先学哪个都可以。")
            if two
            else _t(lang, "None of them builds on another: any can come first.", "它们互不为前置：先学哪个都可以。")
        )
    return "\n".join(f"- {line}" for line in lines + _standing(payload, lang, name))


def _via(chain: list[str], name: Callable[[str], str], lang: str) -> str:
    """The topics between a chain's ends, when there are any: " (A → B → C)"."""
    if len(chain) <= 2:
        return ""
    path = " → ".join(name(t) for t in chain)
    return _t(lang, f" ({path})", f"（{path}）")


def _standing(payload: ComparePayload, lang: str, name: Callable[[str], str]) -> list[str]:
    """What the compared topics share, what only one builds on, and which of them the learner knows or is on."""
    names = lambda ids: _sep(lang).join(name(t) for t in ids)  # noqa: E731
    two = len(payload.topics) == 2
    lines = []
    if payload.shared:
        lines.append(
            _t(lang, "Both build on: " if two else "All of them build on: ", "共同的前置知识：") + names(payload.shared)
        )
    lines += [
        _t(lang, f"Only {name(t)} builds on: ", f"只有{name(t)}需要：") + names(own)
        for t, own in payload.only.items()
        if own
    ]
    if payload.known:
        lines.append(_t(lang, "You know: ", "你已经会：") + names(payload.known))
    if payload.learning:
        lines.append(_t(lang, "You are learning: ", "你正在学：") + names(payload.learning))
    return lines


def order(payload: OrderPayload, lang: str, labels: Labels | None = None) -> str:
    """Which to learn first, in bold, and why: each edge of the chain between them with its evidence, or that
    neither builds on the other and which is nearer; then what they share and what only one needs, and resources."""
    cards = {t.id: t for t in payload.topics}
    name, full = _short(labels, cards, lang), _full(labels, cards, lang)
    asked = [full(t.id) for t in payload.topics]
    if len(asked) == 2:
        title = _t(lang, f"**{asked[0]} or {asked[1]} first?**", f"**先学{asked[0]}还是{asked[1]}？**")
    else:
        title = _t(lang, f"**In what order: {', '.join(asked)}?**", f"**{'、'.join(asked)}的学习顺序**")
    standing = "\n".join(f"- {line}" for line in _standing(payload, lang, name))
    heading = _t(lang, "How they stand:", "两者的情况：" if len(asked) == 2 else "它们的情况：")
    return blocks(
        title,
        _order_verdict(payload, lang, name),
        _order_evidence(payload, lang, name),
        heading if standing else "",
        standing,
        _compared_resources(payload, lang, labels),
    )


def _order_verdict(payload: OrderPayload, lang: str, name: Callable[[str], str]) -> str:
    known = set(payload.known)
    if payload.chains and len(payload.topics) == 2:
        chain = payload.chains[0]
        first, then = name(chain[0]), name(chain[-1])
        verdict = _t(
            lang,
            f"**Learn {first} first**: {then} builds on it{_via(chain, name, lang)}.",
            f"**先学{first}**：{then}建立在它之上{_via(chain, name, lang)}。",
        )
        if chain[0] in known and chain[-1] in known:
            return verdict + _t(lang, " You know both already.", "两者你都已经掌握。")
        if chain[0] in known:
            return verdict + _t(
                lang, f" You know {first} already: go on to {then}.", f"你已经掌握{first}，可以接着学{then}。"
            )
        return verdict
    if payload.chains:
        sequence = " → ".join(name(t) for t in payload.sequence)
        ordered = {(chain[0], chain[-1]) for chain in payload.chains}
        if all(pair in ordered for pair in zip(payload.sequence, payload.sequence[1:])):
            return _t(lang, f"**Learn them in this order**: {sequence}.", f"**按这个顺序学**：{sequence}。")
        # Some pairs are unordered: the order is one that works, and only the chains are required.
        builds = _sep(lang).join(
            _t(lang, f"{name(c[-1])} builds on {name(c[0])}", f"{name(c[-1])}建立在{name(c[0])}之上")
            for c in payload.chains
        )
        return _t(
            lang,
            f"**An order that works**: {sequence}. {builds}; the rest may come in any order.",
            f"**一个可行的顺序**：{sequence}。{builds}；其余的先后不限。",
        )
    verdict = (
        _t(lang, "**Either can come first**: neither builds on the other.", "**先学哪个都可以**：两者互不为前置。")
        if len(payload.topics) == 2
        else _t(lang, "**Any order works**: none of them builds on another.", "**顺序不限**：它们互不为前置。")
    )
    if payload.first is None:
        on = [t for t in payload.sequence if t in payload.learning]
        if len(on) == 1:  # nothing in the graph picks one: the one already begun does
            return verdict + _t(
                lang,
                f" You are already learning {name(on[0])}: go on with it.",
                f"你正在学{name(on[0])}，可以先把它学完。",
            )
        return verdict
    first, left = payload.first, payload.left
    others = [t for t in payload.sequence if t != first]
    if not left[first]:
        nearer = _t(
            lang,
            f" {name(first)} is the nearer start: you have learned everything it builds on.",
            f"{name(first)}离你更近：它的前置知识你都已经学过。",
        )
    else:
        rest_en = ", ".join(f"{left[t]} for {name(t)}" for t in others)
        rest_zh = "，".join(f"{name(t)}还差 {left[t]} 个" for t in others)
        nearer = _t(
            lang,
            f" {name(first)} is the nearer start: {left[first]} of the topics it builds on are left to learn, "
            f"against {rest_en}.",
            f"{name(first)}离你更近：它还差 {left[first]} 个前置主题没学，{rest_zh}。",
        )
    return verdict + nearer


def why_neither(payload: ComparePayload, lang: str, labels: Labels | None = None) -> str:
    """Why no order was given between topics: none builds on another in the topic map; what they share and what
    only one of them needs."""
    name = _short(labels, {t.id: t for t in payload.topics}, lang)
    head = (
        _t(
            lang,
            "Neither builds on the other in the topic map, so either can come first.",
            "在主题图里，两者互不为前置，所以先学哪个都可以。",
        )
        if len(payload.topics) == 2
        else _t(
            lang,
            "None of them builds on another in the topic map, so any order works.",
            "在主题图里，它们互不为前置，所以顺序不限。",
        )
    )
    return blocks(head, "\n".join(f"- {line}" for line in _standing(payload, lang, name)))


def _order_evidence(payload: OrderPayload, lang: str, name: Callable[[str], str]) -> str:
    """Each edge of the chains with its evidence, as a why answer gives it."""
    if not payload.edges:
        return ""
    return blocks(_t(lang, "Why:", "依据："), _edge_lines(payload.edges, name))


def _edge_lines(edges: list[EdgeRef], name: Callable[[str], str]) -> str:
    """Each edge with the first two pieces of its evidence (its kind where it has none)."""
    return "\n".join(
        f"- {name(e.source)} → {name(e.target)}: {escape('; '.join(e.evidence[:2]) or e.kind)}" for e in edges
    )


def _compared_resources(payload: ComparePayload, lang: str, labels: Labels | None) -> str:
    if not payload.resources:
        return _t(
            lang,
            "Your library has no resource on these yet: add a roadmap or paper that covers them.",
            "你的资料库里还没有关于它们的资料：可以添加包含它们的路线图或论文。",
        )
    name = _short(labels, {t.id: t for t in payload.topics}, lang)
    everyone = len(payload.topics)

    def about(r: CoveringResource) -> str:
        if len(r.covers) == everyone:
            return _t(
                lang,
                " — on both" if everyone == 2 else " — on all of them",
                " — 两者都讲" if everyone == 2 else " — 都讲到",
            )
        return " — " + _sep(lang).join(name(t) for t in r.covers) if r.covers else ""

    lines = "\n".join(f"- {' '.join(resource_line(r).split())}{about(r)}" for r in payload.resources)
    return blocks(_t(lang, "Resources:", "推荐资料："), lines)


# -- report -------------------------------------------------------------------------------------------------
REPORT_NAMES = 8  # done or learning topics named before "and N more"


def _names(refs, lang: str) -> str:
    """The first REPORT_NAMES topics by name, then how many more."""
    shown = _sep(lang).join(escape(display_name(r.name, r.zh, lang)) for r in refs[:REPORT_NAMES])
    more = len(refs) - REPORT_NAMES
    return shown + (_t(lang, f" and {more} more", f" 等 {len(refs)} 个") if more > 0 else "")


def report(payload: ReportPayload, lang: str) -> str:
    """Where the learner stands: done and learning topics (the first few by name), then what to learn next."""
    if payload.about:
        return _report_on(payload, lang)

    if not payload.done and not payload.learning:
        head = _t(
            lang,
            "Nothing is marked done or in progress yet. Tell me what you have learned (\"I know Python and "
            "linear regression\") or mark it with `studygraph mark`.",
            "还没有标记为已完成或正在学习的主题。告诉我你学过什么（“我已经学会了 Python 和线性回归”），或用 `studygraph mark` 标记。",
        )
    else:
        done = _t(lang, f"Done ({len(payload.done)}): ", f"已完成（{len(payload.done)} 个）：") + _names(
            payload.done, lang
        )
        learning = _t(lang, "Learning: ", "正在学：") + _names(payload.learning, lang)
        head = blocks(done if payload.done else "", learning if payload.learning else "")
    if not payload.next:
        return head
    ahead = _t(lang, "What to learn next: ", "接下来可以学：") + _sep(lang).join(
        escape(display_name(r.name, r.zh, lang)) for r in payload.next
    )
    return blocks(head, ahead, _t(lang, 'Ask "what should I learn next?" for why.', "问“下一步学什么？”可以看到原因。"))


def _report_on(payload: ReportPayload, lang: str) -> str:
    """Where the learner stands on the way to the topics asked about: each one's state, how much of what it
    builds on is done, what is being learned, and what is still to learn, in plan order."""
    done, learning = {r.id for r in payload.done}, {r.id for r in payload.learning}

    def name(ref) -> str:
        return escape(display_name(ref.name, ref.zh, lang))

    def state(ref) -> str:
        if ref.id in done:
            return _t(lang, f"{name(ref)}: done.", f"{name(ref)}：已完成。")
        if ref.id in learning:
            return _t(lang, f"{name(ref)}: being learned.", f"{name(ref)}：正在学。")
        return _t(lang, f"{name(ref)}: not done yet.", f"{name(ref)}：还没完成。")

    asked = {r.id for r in payload.about}
    before = [r for r in payload.done if r.id not in asked]
    lines = [("" if lang == "zh" else " ").join(state(r) for r in payload.about)]
    if n := payload.builds_on:
        it, ta = ("it builds", "它") if len(payload.about) == 1 else ("they build", "它们")
        if len(before) == n:
            lines.append(_t(lang, f"All {n} topics {it} on are done.", f"{ta}的 {n} 个前置主题都已完成。"))
        elif before:
            lines.append(
                _t(
                    lang,
                    f"{len(before)} of the {n} topics {it} on are done: ",
                    f"{ta}的 {n} 个前置主题中已完成 {len(before)} 个：",
                )
                + _names(before, lang)
            )
        else:
            lines.append(_t(lang, f"None of the {n} topics {it} on is done yet.", f"{ta}的 {n} 个前置主题都还没完成。"))
    if still := [r for r in payload.learning if r.id not in asked]:
        lines.append(_t(lang, "Learning: ", "正在学：") + _names(still, lang))
    if payload.left:
        goal = escape(payload.about[0].zh or payload.about[0].name if lang == "zh" else payload.about[0].name)
        lines.append(
            _t(lang, f"Still to learn ({len(payload.left)}): ", f"还要学（{len(payload.left)} 个）：")
            + _sep(lang).join(name(r) for r in payload.left[:REPORT_NAMES])
            + (_t(lang, ", ...", "……") if len(payload.left) > REPORT_NAMES else "")
        )
        lines.append(
            _t(
                lang,
                f'Ask "what should I learn before {goal}?" for the plan with resources.',
                f"问“学{goal}之前要学什么？”可以看到带资料的学习路线。",
            )
        )
    return blocks(*lines)


# -- why ----------------------------------------------------------------------------------------------------
def why(payload: WhyPayload, lang: str) -> str:
    """Why a step is where an answer put it: the chain of edges from it to what it is needed for (a plan's goal),
    or from what the learner knows to it (a next suggestion), each edge with its evidence."""
    step, target = payload.step, payload.target

    def name(ref) -> str:
        return escape(display_name(ref.name, ref.zh, lang))

    is_next = bool(payload.path) and payload.path[-1].id == step.id or (step.id == target.id and payload.reasons)
    if is_next:
        head = _t(lang, f"**Why {name(step)} is next**", f"**为什么下一步是{name(step)}**")
        head += _t(lang, f": {escape(payload.reasons)}.", f"：{escape(payload.reasons)}。") if payload.reasons else ""
    elif payload.path and not payload.required:
        head = _t(
            lang,
            f"{name(step)} is not a prerequisite of {name(target)} in the topic map, and a plan may take them in "
            f"either order. What puts {name(step)} first is an order hint, not a prerequisite:",
            f"在主题图里，{name(step)}不是{name(target)}的前置知识，学习路线可以按任意顺序安排它们。"
            f"把{name(step)}排在前面的只是顺序上的提示，不是前置关系：",
        )
    elif payload.path:
        head = _t(
            lang,
            f"**Why {name(step)} comes before {name(target)}**:",
            f"**为什么{name(step)}排在{name(target)}之前**：",
        )
    elif step.id == target.id:
        return _t(lang, f"**{name(step)}** is the goal itself.", f"**{name(step)}**就是目标本身。")
    else:
        return _t(
            lang,
            f"{name(step)} is not a prerequisite of {name(target)} in the topic map.",
            f"在主题图里，{name(step)}不是{name(target)}的前置知识。",
        )
    if not payload.path:
        return head
    chain = " → ".join(name(t) for t in payload.path)
    by_id = {t.id: t for t in payload.path}
    return blocks(head, chain, _edge_lines(payload.edges, lambda t: name(by_id[t])))
