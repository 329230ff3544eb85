"""Rule-based intent routing, English and Chinese, with follow-ups resolved against the previous turn.

Rules, not a classifier: rules are testable line by line and cost nothing. The phrasings they read are in
assistant/phrasings.py, one pattern per family; this module decides which family wins and what the intent is. The order of the checks is the priority: "what should I learn before RLHF" is a
plan even though it also contains "what should I learn"; "学完 RLHF 之后学什么" asks what comes next, not
to mark RLHF done.

Follow-ups ("why?", "那之后呢?", "换一个", "中文的", "我学过 LoRA") carry no topic of their own: they take the
topics of the previous user turn, which is routed again from the history, and keep it as their `context`. What
the learner said they know ("I know X", "我已经会X了") is gathered from every earlier turn. All of it is derived
from the history alone (stateless, so one Assistant serves many conversations, and a conversation restored from
disk has its follow-up context back).

A question about "it" ("who introduced it?", "那它之前要学什么") that names no topic of its own keeps its own intent
and takes the subject of the most recent earlier turn that had one (_pronoun_followup).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from studygraph.assistant.budget import TimeBudget, time_budget, without_budget
from studygraph.assistant.phrasings import (
    AFTER_FOLLOWUP,
    BACKGROUND,
    BEFORE,
    CHITCHAT,
    COMPARE,
    COMPUTATION_STEP,
    EXPLAIN,
    FIND,
    GOAL,
    KIND_FOLLOWUP,
    KNOW_STATEMENT,
    LANGUAGE_FOLLOWUP,
    LEARNING_NOW,
    LEARNING_ORDER,
    MORE_FOLLOWUP,
    NEVER,
    NEXT,
    NOT_DONE,
    NOT_PRONOUN,
    ORDER_OF_TWO,
    ORIGIN_WANTS,
    PLAN,
    PLAN_WORDS,
    PROGRESS,
    PROGRESS_ASK,
    PROGRESS_ON,
    PRONOUN_SUBJECT,
    QUIZ,
    REASON,
    RESOURCE_ABOUT,
    START,
    TOPIC_FOLLOWUP,
    WHERE_FIND,
    WHY_ALONE,
    WHY_FOLLOWUP,
)
from studygraph.assistant.query import kind_hint, language, wants_hint
from studygraph.graph.matcher import normalise
from studygraph.graph.resolve import QUESTION_WORDS, Resolver
from studygraph.graph.typos import Corrected
from studygraph.models import areas_in

INTENTS = ("plan", "next", "find", "explain", "quiz", "progress", "why", "chitchat")


@dataclass
class Intent:
    name: str
    topics: list[str] = field(default_factory=list)
    kind: str | None = None
    raw: str = ""
    lang: str = "en"
    # How it was derived from the previous turn: "after" | "kind" | "topic" | "why" | "more" | "language" |
    # "pronoun" (a question about "it": the subject of the most recent earlier turn that had one) | "budget" (the
    # previous plan in the time this message gives: "what if I only have 3 hours a week?").
    followup: str | None = None
    # A plan's subject as written, when the topic map does not have it; for an explain question, the subject
    # when matched names cover under half of it: a candidate the answer stage checks against the library's words.
    missing: str | None = None
    context: Intent | None = None  # the previous turn's intent a follow-up is about ("why?" after a plan)
    known: list[str] = field(default_factory=list)  # topics the conversation said are known ("I know LoRA")
    known_areas: list[str] = field(default_factory=list)  # areas said known as a whole ("我学过深度学习")
    page: int = 1  # "more" / "换一个": the next five of the same search
    resource_lang: str | None = None  # "中文的" / "in English": resources in that language only
    subject: str = ""  # what a follow-up find searches when the previous turn named no topic
    titled: str | None = None  # the resource whose title the question is ("PyTorch Geometric docs"): found first
    # The typos corrected in the question ("attension" -> "attention"): `raw` is the corrected question, and
    # the answer says what was corrected.
    corrected: Corrected | None = None
    # A question about where the learner stands ("how far am I with LoRA?"), not a record of progress: a
    # progress intent that reports and never offers to mark its topics done.
    report: bool = False
    # Two or more topics set side by side ("BERT 和 GPT 的区别", "LoRA vs QLoRA"): an explain intent that answers
    # with each topic and how they stand to each other (answers.compare), not with the first one alone.
    compare: bool = False
    # What the message says of the learner's time ("5 hours a week", "三个月内", "how long will it take?"): a plan
    # answers with the weeks at that rate, or the rate a deadline needs.
    budget: TimeBudget | None = None
    # The status a progress record offers to mark: "done" ("I finished LoRA"), "learning" ("I'm still learning
    # LoRA", "LoRA 还没学完") or "todo" ("unmark LoRA", "我其实还不会 LoRA").
    mark: str = "done"
    # Which of two (or three) named topics comes first ("BERT or GPT first?", "学 QLoRA 需要先学 LoRA 吗"): a plan
    # intent answered with their order in the graph (answers.order), not a plan for one of them.
    order: bool = False


_SUBJECT_CONTENT = re.compile(r"[0-9a-z\u3400-\u9fff]")


def missing_subject(text: str, resolver: Resolver) -> str | None:
    """The subject of a plan question when the topic map does not have it: a name it lacks ("知识图谱") or a
    known name inside a longer one ("spiking neural networks"). None when every subject is a known topic
    (a typo of one included)."""
    norm = normalise(text)
    # A plan word inside a topic's name stays ("RL from human feedback", "阅读理解", "强化学习基础").
    names = [(m.start, m.end) for m in resolver.matcher.find(norm)]

    def blank(m: re.Match[str]) -> str:
        return m.group(0) if any(start < m.end() and m.start() < end for start, end in names) else " "

    phrase = normalise(PLAN_WORDS.sub(blank, norm))  # normalised again: match positions index this string
    rest = phrase
    # An everyday word that names no topic here ("hmm", "from zero") is no subject either: blanked out too.
    for m in sorted(resolver.matcher.find(phrase, everyday=True), key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    if not _SUBJECT_CONTENT.search(QUESTION_WORDS.sub(" ", _VAGUE.sub(" ", rest))):  # "学过" before "学"
        return None  # every word names a known topic, or asks something
    subject = " ".join(QUESTION_WORDS.sub(" ", phrase).split())
    # "learning" is a question word and part of names ("reinforcment learning", a typo): try it both ways.
    loose = " ".join(
        re.sub(r"^(what|how|which|where)?\s*(should|do|can)?\s*(i|we)?\s*(learn|study)?\s*", "", phrase).split()
    )
    if any((hit := resolver.resolve(c)) is not None and hit.confident for c in (subject, loose) if c):
        return None
    return subject


_VAGUE = re.compile(
    # When, not what: "how do I learn RLHF this week" plans RLHF ("这周学 RLHF 之前要学什么"). First, before "this".
    r"\b((this|next|coming)\s+(week|month|year|weekend|semester|term|summer)|today|tonight|tomorrow|soon|later)\b|"
    r"(这|本|下)(个?星期|周|个?月|学期)|今天|明天|今晚|周末|暑假|寒假|"
    r"哪些|哪|知识|东西|内容|方面|我|想|你|已经|学过|学会|还要|还|"
    r"\b(things?|stuff|topics?|which|know|first|want|we|you|that|this|these|those|it|them|there|then|so|well|"
    r"already|learned|learnt|studied|i've|have|if|up|by|with|where|want|can|could|would|give)\b"
)


# Words an explain question wraps its subject in ("why do they matter", "为什么很重要"): no part of the subject.
_EXPLAIN_FILLER = re.compile(
    r"\b(why|they|them|it|its|this|that|these|those|matters?|important|works?|used|uses?|means?|meant|really|"
    r"exactly|simply|simple|terms|please|can|could|you|briefly|so|with|by|at|as|or|but|be|into|from|like|vs)\b"
    r"|为什么|为何|为啥|重要|很|有什么|有啥|作用|意义|意思|工作|和|与|跟|及|是|吗|啊|吧|请|一下|给我|讲讲|通俗|简单|地|得|它|这|那|我"
)
_SUBJECT_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")


@dataclass(frozen=True)
class SubjectParts:
    """An explain question's subject split into what a matched topic name covers and what it does not."""

    phrase: str  # the subject as written (normalised): the runs of words around the matched names
    named: int  # its words (English) and characters (Chinese) inside a matched name
    others: list[str]  # the rest: English words and runs of Chinese characters, each outside every name

    @staticmethod
    def units(piece: str) -> int:
        """What a piece weighs: an English word 1, a run of Chinese characters one per character."""
        return 1 if piece.isascii() else len(piece)

    def unknown(self, known: Callable[[str], int] | None = None) -> bool:
        """Whether more of the subject is unknown than known. `known(piece)` says how many of a piece's units
        the library or the catalogue uses (assistant/vocabulary.py); without it only matched names count."""
        unknown = sum(self.units(p) - (known(p) if known else 0) for p in self.others)
        return unknown > self.named


def _outside(run: str, named: list[bool]) -> list[str]:
    """The stretches of a Chinese run outside matched names: "量子折纸注意力" with "注意力" named -> ["量子折纸"]."""
    return "".join(" " if inside else c for c, inside in zip(run, named)).split()


def subject_parts(text: str, resolver: Resolver) -> SubjectParts | None:
    """The subject of an explain question: the run of words around the matched names, up to the question's
    own words ("what is ... and why does it matter"); None when no run holds a matched name."""
    norm = normalise(text)
    named = [False] * len(norm)
    for m in resolver.matcher.find(norm):
        named[m.start : m.end] = [True] * (m.end - m.start)
    masked = list(norm)
    for rx in (EXPLAIN, QUESTION_WORDS, _EXPLAIN_FILLER):
        for m in rx.finditer(norm):
            for i in range(m.start(), m.end()):
                masked[i] = masked[i] if named[i] else "|"
    hits, others, subject = 0, [], []
    for run in re.finditer(r"[^|]+", "".join(masked)):
        pieces = [(w.start() + run.start(), w.group()) for w in _SUBJECT_WORD.finditer(run.group())]
        pieces = [(start, w) for start, w in pieces if not w.isdigit()]
        inside = [(start, w) for start, w in pieces if any(named[start : start + len(w)])]
        if not inside:  # a run with no matched name in it is no part of the subject
            continue
        subject.append(" ".join(run.group().split()))
        for start, w in pieces:
            if w.isascii():  # an English word belongs to a name or not as a whole
                hits += named[start]
                others += [] if named[start] else [w]
            else:  # a Chinese run: its characters inside a name, and the runs between them
                hits += sum(named[start : start + len(w)])
                others += _outside(w, named[start : start + len(w)])
    return SubjectParts(" ".join(subject), hits, others) if subject else None


def unknown_subject(text: str, resolver: Resolver, known: Callable[[str], int] | None = None) -> str | None:
    """The subject of an explain question when it is mostly words the topic map does not know ("quantum
    gradient origami" names only "gradient", "量子折纸注意力" only "注意力"), else None: fewer than half its
    words (English) or characters (Chinese) belong to a matched name. Routing asks this with names alone
    (cheap, model-free): a candidate. The answer stage asks again with `known`, the words the library's texts
    and the catalogue use ("attention score computation" is then known: assistant/vocabulary.py)."""
    parts = subject_parts(text, resolver)
    return parts.phrase if parts is not None and parts.unknown(known) else None


def _explain(intent: Intent, resolver: Resolver | None) -> Intent:
    """An explain intent, marked `missing` when matched names cover under half its subject: a candidate; the
    answer stage keeps it only if the library's and the catalogue's words leave it mostly unknown."""
    missing = unknown_subject(intent.raw, resolver) if resolver is not None else None
    return replace(intent, missing=missing) if missing else intent


def _topics(text: str, resolver: Resolver | None) -> list[str]:
    return resolver.mentions(text) if resolver else []


_CLAUSES = re.compile(
    r"[,;.!?，；。！？—]+|\bbut\b|\band\s+(?=i\b)|但是|不过", re.I
)  # "I know Python and I want to learn RLHF"


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSES.split(text) if c.strip()]


def background_only(text: str, resolver: Resolver | None) -> tuple[set[str], set[str]]:
    """(background, known): the topics a message names only in clauses about the learner's background, what they
    know or have never touched, not what they ask about ("I know Python, where do I start?": Python); and of
    those, the ones said known (Python, not the ML of "never touched ML")."""
    clauses = _clauses(text)
    if resolver is None or len(clauses) < 2:
        return set(), set()
    said, known, asked = set(), set(), set()
    for clause in clauses:
        named = _topics(clause, resolver)
        if BACKGROUND.search(clause) and not GOAL.search(clause):  # not "零基础想搞懂 Transformer"
            said.update(named)
            if not NEVER.search(clause):
                known.update(named)
        else:
            asked.update(named)
    return said - asked, known - asked


def asks_progress(text: str) -> bool:
    """Whether the question asks where the learner stands, with or without a subject."""
    return bool(PROGRESS_ASK.search(text) or PROGRESS_ON.search(text))


# Asking for something besides: "我正在学 LoRA，有什么好资料", "still learning BERT, any good videos?". Not the
# resource being studied ("currently working through the RLHF material", "I'm watching the LoRA video").
_REQUEST = re.compile(r"\?|？|有什么|有没有|有啥|推荐|\b(recommend|suggest|any\s+good)\b", re.I)


def progress_mark(text: str) -> str:
    """The status a record of progress offers: not done after all, still being learned, else done."""
    if NOT_DONE.search(text):
        return "todo"
    return "learning" if LEARNING_NOW.search(text) else "done"


def _unbudgeted(text: str, budget: TimeBudget | None) -> str:
    return without_budget(text) if budget is not None else text


def order_asked(text: str, topics: list[str], kind: str | None, resolver: Resolver | None) -> list[str]:
    """The topics a message asks the order of ("should I learn BERT or GPT first?"), two or more, those it names
    only as background ("I know Python, ...") left out; [] when it asks no such thing, or asks for resources."""
    if len(topics) < 2 or kind or WHERE_FIND.search(text) or not ORDER_OF_TWO.search(text):
        return []
    background, _ = background_only(text, resolver)
    asked = [t for t in topics if t not in background]
    return asked if len(asked) >= 2 else []


def compares(text: str, topics: list[str], kind: str | None) -> bool:
    """Whether a message sets two of its topics side by side. Not a request for resources that compare them
    ("a video comparing BERT and GPT": a find, `kind` its kind_hint), nor a question of which to learn first
    (an order: plan or why)."""
    return (
        len(topics) >= 2
        and bool(COMPARE.search(text))
        and not kind
        and not WHERE_FIND.search(text)
        and not LEARNING_ORDER.search(text)
    )


def route_one(text: str, resolver: Resolver | None) -> Intent:
    """Route one message on its own (no history), its typos of topic names corrected first (graph/typos.py):
    "explain attension" is routed, and answered, as "explain attention"."""
    fixed = resolver.correct(text) if resolver is not None else None
    if fixed:
        return replace(_route_words(fixed.text, resolver), corrected=fixed)
    return _route_words(text, resolver)


def _route_words(text: str, resolver: Resolver | None, subject: list[str] | None = None) -> Intent:
    """`subject`: the topics an earlier turn named, for a question about "it" (see _pronoun_followup): routed
    as if it named them, with no plan subject of its own to find missing ("那它之前要学什么")."""
    lang, kind = language(text), kind_hint(text)
    topics = list(subject) if subject else _topics(text, resolver)
    budget = time_budget(text)

    def make(name: str) -> Intent:
        return Intent(name, topics, kind, text, lang, budget=budget)

    if CHITCHAT.search(text) and not topics:
        return make("chitchat")
    if QUIZ.search(text):
        return make("quiz")
    if len(topics) >= 2 and REASON.search(text) and LEARNING_ORDER.search(text) and not subject:
        return make("why")  # the path between the two (answers.why)
    if ordered := order_asked(text, topics, kind, resolver):
        return replace(make("plan"), topics=ordered, order=True)  # which comes first, and why (answers.order)
    if compares(text, topics, kind):
        return replace(make("explain"), compare=True)  # each topic, and how they stand to each other
    before = BEFORE.search(text)
    if (step := NEXT.search(text)) and not before and not COMPUTATION_STEP.search(text):
        about = RESOURCE_ABOUT.search(text)
        if not (about and about.end() <= step.start()):
            return make("next")
    start = START.search(text)
    # "how long will it take me to learn RLHF?", "三个月内学会 RLHF", "每周 5 小时学 LoRA": a plan in that time.
    budgeted = budget is not None and not kind and not WHERE_FIND.search(text)
    plan = PLAN.search(text) or start or budgeted
    # What a start or plan question asks about: not what it says the learner knows or has never touched.
    background, said_known = background_only(text, resolver) if plan and topics and not subject else (set(), set())
    asked_topics = [t for t in topics if t not in background]
    if start and not before and not asked_topics:
        return replace(make("next"), topics=[t for t in topics if t in said_known])  # after what they know
    if PROGRESS_ASK.search(text) and not topics:
        return replace(make("progress"), report=True)  # where the learner stands (answers.report)
    if PROGRESS_ON.search(text) and topics and not before:
        return replace(make("progress"), report=True)  # where the learner stands on the way to them
    if (
        plan
        and resolver is not None
        and not subject
        and (missing := missing_subject(_unbudgeted(text, budget), resolver))
    ):
        return replace(make("plan"), missing=missing)
    if plan and asked_topics:
        return make("plan")
    mark = progress_mark(text)
    if mark == "learning" and (WHERE_FIND.search(text) or EXPLAIN.search(text) or _REQUEST.search(text)):
        mark = "done"  # "我正在学 LoRA，有什么好资料": what it asks is the question, being on it the background
    if (PROGRESS.search(text) or mark != "done") and topics:
        asked = _asked_after(text) or _wanted_after(text, resolver)
        if not asked:
            return replace(make("progress"), mark=mark)
        # "watched the video but still confused about attention, what is it?": "it" is the earlier clause's topic.
        later = _route_words(asked, resolver)
        return later if later.topics or not names_pronoun(asked) else _route_words(asked, resolver, topics)
    if (WHERE_FIND.search(text) or wants_hint(text) in ORIGIN_WANTS) and (topics or _has_content(text)):
        return make("find")
    if EXPLAIN.search(text) and topics and not kind:
        return _explain(make("explain"), resolver)
    if FIND.search(text) or kind:
        return make("find") if (topics or _has_content(text)) else make("chitchat")
    if PLAN.search(text):  # "how do I learn ..." with nothing we know: what to start with
        return make("next")
    if topics:
        # A bare topic ("RLHF", "注意力机制") or a question about it: explain it.
        return _explain(make("explain"), resolver)
    if EXPLAIN.search(text) or PROGRESS.search(text):
        return make("chitchat")  # "what's the weather": a question, but about nothing in the library
    return make("find") if _has_content(text) and len(text) > 12 else make("chitchat")


_CLAUSE_BREAK = re.compile(r"[,;，；。]|\bbut\b|\bso\b|但是|所以")


def _asked_after(text: str) -> str:
    """The question of a later clause after a done statement ("I've read through the docs, what is LoRA?"), else
    "": that question is what is asked (about LoRA alone), not a record of progress."""
    done, asked = PROGRESS.search(text), EXPLAIN.search(text)
    if not (done and asked and asked.start() > done.end()):
        return ""
    breaks = list(_CLAUSE_BREAK.finditer(text, done.end(), asked.start()))
    return text[breaks[-1].end() :].strip() if breaks else ""


def _wanted_after(text: str, resolver: Resolver | None) -> str:
    """A later clause that wants or asks something about a topic, after a record ("I know LoRA and I want to
    understand DPO"), else "": DPO is what is asked, not a second thing done. A clause that only names more
    topics ("I know LoRA, DPO") is part of the record."""
    clauses = _clauses(text)
    for clause in reversed(clauses[1:]):
        if PROGRESS.search(clause) or BACKGROUND.search(clause) or not _topics(clause, resolver):
            continue
        if GOAL.search(clause) or EXPLAIN.search(clause) or PLAN.search(clause) or NEXT.search(clause):
            return clause
    return ""


_CONTENT = re.compile(r"[a-z]{3,}|[\u3400-\u9fff]{2,}", re.I)
_GENERIC = set(
    "find recommend resource resources material materials link links video videos paper papers course courses "
    "code book books dataset datasets tutorial tutorials good best some any show give want need about please "
    "the and for with where can search looking suggest instead".split()
)


def _has_content(text: str) -> bool:
    """Anything beyond 'find me a video': words a search could use."""
    words = [w.lower() for w in _CONTENT.findall(text)]
    return any(w not in _GENERIC for w in words if w.isascii()) or any(
        not w.isascii()
        for w in words
        if not re.fullmatch(r"(哪里有|推荐|资料|资源|视频|论文|教程|课程|有没有|给我|换成)+", w)
    )


def previous_intent(
    history: list[dict] | None, resolver: Resolver | None, skip_known: bool = False, memo: dict | None = None
) -> Intent | None:
    """The intent of the last user turn in the history, itself resolved against the turns before it;
    `skip_known`: passing over "I know X" turns (a "why?" after one asks about the answer before it).
    `memo` keeps each turn's intent by its index, so a chain of follow-ups routes every turn once."""
    for text, intent in _earlier(history, resolver, memo):
        if skip_known and _says_known(route_one(text, resolver)):
            continue
        return intent()
    return None


def _earlier(
    history: list[dict] | None, resolver: Resolver | None, memo: dict | None
) -> Iterator[tuple[str, Callable[[], Intent]]]:
    """The user turns of the history, newest first: (text, a call that routes it against the turns before it,
    once per `memo`)."""
    memo = {} if memo is None else memo
    for i in range(len(history or ()) - 1, -1, -1):
        msg = history[i]
        text = str(msg.get("content") or "").strip()
        if msg.get("role") != "user" or not text:
            continue

        def routed(i: int = i, text: str = text) -> Intent:
            if i not in memo:
                memo[i] = _route(text, resolver, history[:i], memo)
            return memo[i]

        yield text, routed


def _about(intent: Intent | None) -> Intent | None:
    """What a turn's answer was about: a "why?" explained the answer before it, so a follow-up of it follows that."""
    return intent.context if intent is not None and intent.name == "why" and intent.context else intent


def _says_known(intent: Intent) -> bool:
    return intent.name == "progress" and intent.mark == "done" and bool(KNOW_STATEMENT.search(intent.raw))


def conversation_known(texts: list[str], resolver: Resolver | None) -> tuple[list[str], list[str]]:
    """(topics, areas) the learner said they know in these messages: "I know LoRA", "我已经会微调了" name
    topics; "我学过深度学习" names an area, also inside a plan question ("I know deep learning, what before RLHF")."""
    topics: list[str] = []
    areas: list[str] = []
    for text in texts:
        if not KNOW_STATEMENT.search(text):
            continue
        one = route_one(text.strip(), resolver)
        said = list(one.topics) if one.name == "progress" and one.mark == "done" else []  # not "其实没学会 LoRA"
        # A clause that says so inside another question: "I know transformers, what should I learn before RLHF?"
        for clause in _clauses(text) if one.name != "progress" else ():
            part = route_one(clause, resolver) if KNOW_STATEMENT.search(clause) else None
            if part is not None and part.name == "progress" and part.mark == "done":
                said += part.topics
        topics += [t for t in said if t not in topics]
        areas += [a for a in areas_in(text) if a not in areas]
    return topics, areas


CHAIN_STEP = 50  # user turns routed per step of a long conversation (see route)


def route(text: str, resolver: Resolver | None, history: list[dict] | None = None) -> Intent:
    """The intent of `text` in the conversation `history` (list of {role, content}, oldest first), with the
    topics every earlier turn said are known."""
    memo: dict = {}
    # Routing reads the whole conversation (a turn routes in well under a millisecond); a long chain of
    # follow-ups ("more", "more", ...) recurses one level a turn, so it is routed oldest first in steps of
    # CHAIN_STEP turns, each step's result kept in the memo: the recursion stays CHAIN_STEP deep.
    users = [i for i, m in enumerate(history or ()) if m.get("role") == "user" and str(m.get("content") or "").strip()]
    for i in users[CHAIN_STEP::CHAIN_STEP]:
        memo[i] = _route(str(history[i]["content"]).strip(), resolver, history[:i], memo)
    intent = _route(text.strip(), resolver, history, memo)
    said = [str(m.get("content") or "") for m in history or () if m.get("role") == "user"] + [text]
    known, areas = conversation_known(said, resolver)
    return replace(intent, known=known, known_areas=areas)


def _route(text: str, resolver: Resolver | None, history: list[dict] | None, memo: dict) -> Intent:
    intent = route_one(text, resolver)
    # Follow-ups read the corrected question, and say only its own corrections (not a previous turn's).
    return replace(_followup(intent.raw, intent, resolver, history, memo), corrected=intent.corrected)


def _followup(text: str, intent: Intent, resolver: Resolver | None, history: list[dict] | None, memo: dict) -> Intent:
    if WHY_FOLLOWUP.search(text) and intent.name != "quiz":
        if (
            len(intent.topics) >= 2
            and re.match(r"^\W*(why|how\s+come|为什么|为啥|为何)", text, re.I)
            and LEARNING_ORDER.search(text)
        ):
            # "why attention before transformer?": the path between the two, whatever came before.
            return Intent("why", intent.topics, None, text, intent.lang, "why")
        base = previous_intent(history, resolver, True, memo) if history else None
        if base is not None and base.name == "why":
            base = base.context  # "why?" again, or about another step of the same answer
        if base is not None and base.name in ("plan", "next"):
            return Intent("why", intent.topics, None, text, intent.lang, "why", context=base)
        if WHY_ALONE.search(text):  # nothing to explain: say what "why?" is for
            return Intent("why", [], None, text, intent.lang, "why")
    if (compared := _compared_with_it(text, intent, resolver, history, memo)) is not None:
        return compared
    if (rebudgeted := _budget_followup(text, intent, resolver, history, memo)) is not None:
        return rebudgeted
    if (about_it := _pronoun_followup(text, intent, resolver, history, memo)) is not None:
        return about_it
    if intent.topics and not TOPIC_FOLLOWUP.search(text):
        return intent
    prev = previous_intent(history, resolver, False, memo) if history else None

    if AFTER_FOLLOWUP.search(text):
        # "and after that?": what comes after the previous goal (or after the previous next-list).
        base = _about(previous_intent(history, resolver, True, memo) if history else None)
        topics = base.topics if base else []
        return Intent("next", topics, None, text, intent.lang, "after", context=base)
    if prev is None:
        return intent
    base = _about(previous_intent(history, resolver, True, memo)) or prev
    same_search = base.name == "find"
    subject = (base.subject or base.raw) if same_search else base.subject  # the same search's own words
    if not (base.topics or subject) or intent.topics:
        pass  # nothing to search again, or a subject of its own: routed as it is (or as a topic follow-up)
    elif MORE_FOLLOWUP.search(text) and not intent.kind:
        # "more" / "换一个": the next five of the previous search (the first five of a plan's or explanation's subject).
        page = base.page + 1 if same_search else 1
        kind, res_lang = (base.kind, base.resource_lang) if same_search else (None, None)
        return Intent(
            "find",
            base.topics,
            kind,
            text,
            intent.lang,
            "more",
            context=base,
            page=page,
            resource_lang=res_lang,
            subject=subject,
        )
    elif lang := next((code for code, rx in LANGUAGE_FOLLOWUP if rx.search(text)), None):
        # "中文的" / "in English": the same subject, resources in that language.
        return Intent(
            "find",
            base.topics,
            base.kind if same_search else None,
            text,
            intent.lang,
            "language",
            context=base,
            resource_lang=lang,
            subject=subject,
        )
    elif KIND_FOLLOWUP.search(text) and intent.kind:
        # "give me a video instead": the same subject, another kind of resource.
        return Intent(
            "find",
            base.topics,
            intent.kind,
            text,
            intent.lang,
            "kind",
            context=base,
            resource_lang=base.resource_lang if same_search else None,
            subject=subject,
        )
    if TOPIC_FOLLOWUP.search(text) and intent.topics and prev.name not in ("chitchat",):
        # "what about DPO?" / "那 DPO 呢": the previous question, about another topic.
        # "what about T5?" after BERT vs GPT (or BERT or GPT first?): T5 alone
        two = len(intent.topics) >= 2
        return replace(
            prev,
            topics=intent.topics,
            raw=text,
            lang=intent.lang,
            followup="topic",
            compare=prev.compare and two,
            order=prev.order and two,
        )
    return intent


def names_pronoun(text: str) -> bool:
    """Whether the question's subject is a pronoun or a demonstrative ("who introduced it?", "这个有什么好的教程"),
    not an "it" that points at nothing ("what is it like to ...") nor "this week"."""
    return bool(PRONOUN_SUBJECT.search(NOT_PRONOUN.sub(" ", text)))


def _own_topics(intent: Intent, resolver: Resolver | None) -> list[str]:
    """The topics a question names as its subject: not the meta topics its words for what it wants name
    ("resources on this topic" names learning resources, about "this topic")."""
    if resolver is None:
        return list(intent.topics)
    topics = resolver.catalogue.topics
    return [t for t in intent.topics if t not in topics or topics[t].level != "meta"]


def _previous_subject(history: list[dict] | None, resolver: Resolver | None, memo: dict) -> Intent | None:
    """The most recent earlier turn that had a subject: topics, or a find's own words ("papers on spiking
    networks"). Turns about nothing ("thanks", "what should I learn next?") are passed over; a "why?" stands
    for the answer it explained."""
    for text, routed in _earlier(history, resolver, memo):
        turn = _about(routed())
        if turn is None or turn.name == "chitchat":
            continue
        if turn.topics or (turn.name == "find" and (turn.subject or not names_pronoun(text))):
            return turn
    return None


def _budget_followup(
    text: str, intent: Intent, resolver: Resolver | None, history: list[dict] | None, memo: dict
) -> Intent | None:
    """ "What if I only have 3 hours a week?", "那三个月呢" after a plan: the same plan in that time. None when the
    message names a subject of its own or says nothing of time, or nothing earlier was a plan."""
    if intent.budget is None or not history or _own_topics(intent, resolver) or intent.name in ("quiz", "next"):
        return None
    base = _about(previous_intent(history, resolver, True, memo))
    if base is None or base.name != "plan":
        return None
    earlier, now = base.budget or TimeBudget(), intent.budget
    # A rate replaces a deadline and the other way round: "what if I had 10 hours a week?" after "in 3 months".
    budget = TimeBudget(now.hours_per_week, now.weeks, now.asked or earlier.asked)
    if budget.hours_per_week is None and budget.weeks is None:
        budget = replace(earlier, asked=True)
    # After "LoRA or QLoRA first?": the plan for them in that time, not the order again.
    return replace(base, budget=budget, raw=text, lang=intent.lang, followup="budget", context=base, order=False)


def _compared_with_it(
    text: str, intent: Intent, resolver: Resolver | None, history: list[dict] | None, memo: dict
) -> Intent | None:
    """ "How is it different from GPT?" after a question about BERT, "那它和 BERT 有什么区别": the earlier turn's
    subject set beside the topic named. None when it is no such question."""
    own = _own_topics(intent, resolver)
    if not history or not own or not names_pronoun(text) or not COMPARE.search(text):
        return None
    base = _previous_subject(history, resolver, memo)
    if base is None:
        return None
    topics = [t for t in _own_topics(base, resolver) if t not in own] + own
    if not compares(text, topics, intent.kind):
        return None
    return Intent("explain", topics, None, text, intent.lang, "pronoun", context=base, compare=True)


def _pronoun_followup(
    text: str, intent: Intent, resolver: Resolver | None, history: list[dict] | None, memo: dict
) -> Intent | None:
    """A question about "it" ("who introduced it?", "那它之前要学什么", "is there a video about it?") that names
    no topic of its own: its own intent, about the subject of the most recent earlier turn that had one (an
    origin ask a find for its paper, "before it" a plan, "a video about it" a find for videos). None when it is
    no such question, or nothing earlier had a subject. The other follow-ups keep their own readings."""
    if not history or not names_pronoun(text) or _own_topics(intent, resolver) or CHITCHAT.search(text):
        return None
    if (
        AFTER_FOLLOWUP.search(text)
        or MORE_FOLLOWUP.search(text)
        or any(rx.search(text) for _, rx in LANGUAGE_FOLLOWUP)
        or (KIND_FOLLOWUP.search(text) and intent.kind)
    ):
        return None
    base = _previous_subject(history, resolver, memo)
    if base is None:
        return None
    topics = _own_topics(base, resolver) or list(base.topics)
    # The question's own meta topics stay behind the subject ("有没有关于它的面试题": interview questions on
    # it): the answers and the search set such a topic aside when a real one is there (answers._subjects).
    about = _route_words(text, resolver, topics + [t for t in intent.topics if t not in topics])
    if about.name == "progress" and not about.report:
        return None  # "I watched it" after a list of resources: one of them, not the topic, was watched
    if about.name == "find":
        # What the search runs on: an earlier find's own words, else the names of the topics taken (what a
        # "more" after it searches again, not "who introduced it?").
        catalogue = resolver.catalogue.topics if resolver is not None else {}
        names = [catalogue[t].name for t in topics if t in catalogue]
        words = (base.subject or base.raw) if base.name == "find" else base.subject
        about = replace(about, subject=words or " ".join(names))
    elif not topics:
        return None  # an earlier find's words are something to search, not a topic to plan or explain
    return replace(about, followup="pronoun", context=base, missing=None if about.name == "plan" else about.missing)
