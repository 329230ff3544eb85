"""Query understanding: which topics a question names, which kind of resource it wants, which language.

Rules only (no model): topic mentions come from the catalogue matcher, kind hints from a short bilingual
word list. Everything downstream (routing, retrieval boosts, answer language) reads this one object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studygraph.graph.resolve import Resolver
from studygraph.graph.typos import Corrected

# Ordered: among kind words of equal standing (kind_hint), the first hint wins. "论文精读" ("a close reading" of
# a paper) is a video series (Mu Li's paper readings), so it has to be checked before the bare "论文" → paper rule.
KIND_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"精读|精讲|视频|演讲|b\s?站|bilibili|youtube|\bvideos?\b|\blectures?\b(?!\s+(notes|slides)\b)|"
            r"\btalks?\b|\bkeynotes?\b|"
            r"\b(close|intensive)[\s-]+readings?\b",
            re.I,
        ),
        "video",
    ),
    (re.compile(r"论文|\bpapers?\b|\barxiv\b", re.I), "paper"),
    (re.compile(r"数据集|\bdatasets?\b|\bdata\s?sets?\b", re.I), "dataset"),
    (
        re.compile(
            r"课程|网课|研讨课|\bcourses?\b|\bclass(es)?\b|\bseminars?\b|\bmooc\b|\blecture\s+(notes|slides)\b", re.I
        ),
        "course",
    ),
    (
        re.compile(r"代码|源码|实现|\bcode\b|\bgithub\b|\brepo(sitory)?\b|\bimplementation\b|\bnotebooks?\b", re.I),
        "code",
    ),
    (re.compile(r"课本|教材|读物|书|\bbooks?\b|\btextbooks?\b", re.I), "book"),
    (re.compile(r"博客|博主|文章|专栏|\bblog(ger)?s?\b|\barticles?\b|\bposts?\b|\bcolumns?\b", re.I), "article"),
    (re.compile(r"文档|\bdocs\b|\bdocumentation\b", re.I), "docs"),
]
# What the learner wants from a resource, beyond its kind (a tutorial may be a video, a notebook or a post):
# "explainer" for a good introduction or explanation, "paper" for the paper that introduced something, "origin"
# for who or where it came from, "start" for where to begin. In order: "the paper that introduced attention" is not asking for an introduction.
WANTS_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(papers?|work|publication)\s+(that|which|where)\s+(first\s+)?(introduced|proposed|presented|invented)\b|"
            r"\b(papers?|publication)\s+(first\s+)?(introducing|proposing|presenting)\b|"
            r"\b(which|what)\s+paper\b.{0,40}\b(introduced|proposed|presented|invented)\b|"
            r"\boriginal(\s+\S+){0,3}?\s+paper|\bseminal(\s+\S+){0,3}?\s+paper|"
            r"\b(introduced|proposed)\s+(by|in)\s+(the\s+|which\s+)?paper|"
            r"(提出|出自|首次|最早|最先|最初).{0,20}(论文|文章)|(论文|文章).{0,6}(提出|出自|出处)|哪篇.{0,12}(提出|出自|首次|最早)|"
            r"原始论文|原论文|开山之作|出处",
            re.I,
        ),
        "paper",
    ),
    # Who or where it came from ("who introduced the transformer", "注意力机制由谁提出"): asked of the paper that
    # introduced it, whatever the question calls it; read as "paper" unless `Fusion.origin` is off.
    (
        re.compile(
            r"\bwho\s+(first\s+|originally\s+)?(introduced|proposed|invented|coined|came\s+up\s+with|published)\b|"
            r"\b(where|when)\s+(was|were|did)\b.{0,40}\b(first\s+|originally\s+)?(introduced|proposed|invented|published|come\s+from)\b|"
            r"\b(first|originally)\s+(introduced|proposed|described|published)\b|"
            r"谁.{0,6}(提出|发明|首创|发表)|由谁|(提出|发明)(者|人)|(最早|最先|最初|首次)(是)?(由|在|于)|"
            r"(在|于)哪(里|儿|篇|一年|年)?.{0,6}(提出|发表|发明)",
            re.I,
        ),
        "origin",
    ),
    (
        re.compile(
            r"\bintro(duction|ductory)?s?\b|\bexplain(ed|er|ers|s|ing)?\b|\bexplanations?\b|\btutorials?\b|"
            r"\bbeginners?\b|\boverview\b|\bgentle\b|\billustrated\b|\bcrash\s+course\b|\bwalk-?through\b|"
            r"\bunderstand(ing)?\b|\bhow\s+\S+(\s+\S+)?\s+works?\b|\blearn\b|"
            r"入门|讲解|讲.{0,12}资料|好资料|教程|通俗|图解|科普|零基础|新手|介绍|理解|学习资料",
            re.I,
        ),
        "explainer",
    ),
    # Where to start ("where do I start", "getting started with PyTorch", "RLHF 从哪开始学"): a beginner's way in,
    # read as an explainer ask unless `Fusion.start` is off. The chat routes such a question as a plan or next list
    # (assistant/intents.py START); a search for it still wants what introduces the subject.
    (
        re.compile(
            r"\bwhere\s+(do|should|can|to)\s+(i\s+|we\s+)?(start|begin)\b|\bget(ting)?\s+started\b|"
            r"从哪(里|儿)?(开始|入手|学起)|(怎么|如何)(去)?(入手|开始学|学起)",
            re.I,
        ),
        "start",
    ),
]

# The language the learner wants the resources in, when the question says so ("a Chinese article", "英文教程"):
# only next to a word for a resource or "in", so that "Chinese word segmentation" or "中文分词" is a subject.
_RESOURCE_WORDS = (
    r"(articles?|tutorials?|videos?|blogs?|posts?|courses?|books?|notes|resources?|materials?|explanations?|"
    r"introductions?|lectures?|docs|documentation|version|translations?|ones?)"
)
_ZH_RESOURCE_WORDS = r"(的.{0,12}?)?(资料|教程|文章|视频|博客|课程|书|讲解|资源|版|笔记)"
RESOURCE_LANG_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"\b(chinese|mandarin)(\s+\S+)?\s+{_RESOURCE_WORDS}\b|\bin\s+(chinese|mandarin)\b|(中文|汉语)"
            + _ZH_RESOURCE_WORDS,
            re.I,
        ),
        "zh",
    ),
    (
        re.compile(
            rf"\benglish(\s+\S+)?\s+{_RESOURCE_WORDS}\b|\bin\s+english\b|(英文|英语)" + _ZH_RESOURCE_WORDS, re.I
        ),
        "en",
    ),
]

# The words that name a language: not the subject when the question asks for resources in it.
LANGUAGE_WORDS = frozenset("chinese english mandarin 中文 汉语 英文 英语".split())

_CJK = re.compile(r"[\u3400-\u9fff]")


def language(text: str) -> str:
    """'zh' when the text has any CJK character: a mixed "RLHF 的前置知识" is a Chinese question."""
    return "zh" if _CJK.search(text) else "en"


_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def resource_language(title: str) -> str:
    """The language a resource is in, read off its title: 'zh' when its Chinese characters outnumber twice its
    Latin words (a Chinese word is about two characters), so a title a roadmap author tagged in Chinese
    ("CS329X: Human-Centered NLP — 材料") stays English and "Bert的应用" or "手把手用RLHF训练LLaMA" is Chinese."""
    cjk = len(_CJK.findall(title))
    return "zh" if cjk and cjk >= 2 * len(_LATIN_WORD.findall(title)) else "en"


def wants_hint(text: str) -> str | None:
    for pattern, wants in WANTS_HINTS:
        if pattern.search(text):
            return wants
    return None


def resource_lang_hint(text: str) -> str | None:
    """'zh' / 'en' when the question asks for resources in that language, else None."""
    return next((lang for pattern, lang in RESOURCE_LANG_HINTS if pattern.search(text)), None)


# A kind word after one of these, with no kind word between, names what the asked-for resource is for or from,
# not what it is: "code for his course", "a reading of the attention paper".
_MODIFYING = re.compile(r"\b(of|for|from|in|on|about|behind|to|with|by)\b", re.I)
# ... except right after one of these, at most an indefinite article between, where it names the form the answer
# takes: "explain GANs in a video", "LoRA with code", "BERT on YouTube" (not "cited in the ex-Tesla director's talk").
_IN_FORM = re.compile(r"\b(in|with|as|on|via|through|from)\s+((a|an|some)\s+)?$", re.I)
# A resource named by a word that is no kind, whose preposition then governs every kind word: "a roundup of the papers
# cited in the talk", "a tutorial with runnable code", "a walkthrough of the attention paper" ask for no one kind.
_HEAD_NOUN = re.compile(
    r"\b(roundups?|collections?|compilations?|lists?|summar(y|ies)|overviews?|surveys?|guides?|tutorials?|"
    r"walk-?throughs?|explanations?|introductions?|notes|write-?ups?|links)\b",
    re.I,
)


# A site's home page asked for ("DeepSpeed's homepage", "官网"): a URL at its host's root answers it before a page
# deeper on the same site ("the Letters page" of deeplearning.ai for "homepage of Andrew Ng's company").
HOME_HINT = re.compile(
    r"\bhome\s?pages?\b|\bofficial\s+(web\s?)?site\b|\bofficial\s+website\b|官网|官方网站|主页|首页", re.I
)


def home_hint(text: str) -> bool:
    return bool(HOME_HINT.search(text))


# A kind word after one of these names a thing the learner has in front of them, not a kind asked for: "下面这段 LoRA
# 代码是什么意思" asks what the code below means, "my code for LoRA fails" about LoRA. "This paper" is not one: in a
# conversation it is the paper of the subject said before ("这篇论文是谁写的" asks for it, assistant/intents.py).
_GIVEN = re.compile(
    r"(下面|上面|以下|如下)(的)?(这|那)?(一)?(段|篇|份|本|部|条|个|些)?\s*([A-Za-z0-9][\w.+-]*\s*)?$|"
    r"\b(my|our|the\s+following|the\s+above)\s+([\w.+-]+\s+){0,2}$",
    re.I,
)


def kind_hint(text: str) -> str | None:
    """The kind of resource the question asks for, by its head word where it names two kinds: in Chinese the
    last ("课程代码", "实现注意力的博客"), in English one that no preposition governs ("Chris Potts's code
    repository for his course", "GitHub repo for the BERT paper"), else one that names the answer's form ("explain
    GANs in a video"), and none where a preposition governs every one after a resource named otherwise ("a roundup
    of the papers cited in the talk" asks for the roundup; "know of any course on RLHF" for a course); among
    equals, the first of KIND_HINTS, which puts "论文精读" with the videos."""
    found = sorted(
        (m.start(), m.end(), order)
        for order, (p, _) in enumerate(KIND_HINTS)
        for m in p.finditer(text)
        if not _GIVEN.search(text[max(0, m.start() - 40) : m.start()])
    )
    if not found:
        return None
    if language(text) == "zh":
        heads = [max(found, key=lambda f: (f[0], -f[2]))]
    else:
        heads, forms, after = [], [], 0
        for start, end, order in found:
            if not _MODIFYING.search(text, after, start):
                heads.append((start, end, order))
            elif _IN_FORM.search(text[after:start]):
                forms.append((start, end, order))
            after = end
        if not heads and not forms and not _HEAD_NOUN.search(text, 0, found[0][0]):
            forms = found  # "know of any decent course on RLHF", "a reference for the BERT paper": what is asked
        heads = heads or forms
    if not heads:
        return None
    return KIND_HINTS[min(f[2] for f in heads)][1]


@dataclass
class Query:
    text: str
    lang: str
    topics: list[str] = field(default_factory=list)  # topic ids in order of mention
    kind: str | None = None
    wants: str | None = None  # "explainer" | "paper" | "origin" | "start" | None (WANTS_HINTS)
    corrected: Corrected | None = None  # `text`'s typos, corrected (graph/typos.py): `corrected.typed` as written
    # "zh" | "en": the resources asked for are in that language ("a Chinese article"; a title's, `resource_language`)
    resource_lang: str | None = None


def understand(text: str, resolver: Resolver | None) -> Query:
    # The corrected question is searched ("attension" names attention); BM25 also reads the words as typed
    # that the library holds (assistant/retrieval.py), so a resource spelt the learner's way is still found.
    fixed = resolver.correct(text) if resolver else None
    if fixed:
        text = fixed.text
    # "InstructGPT paper" mentions InstructGPT; the matcher prefers the longest alias, but a shorter
    # alias inside another mention (e.g. "gpt" inside "instructgpt") never fires, so order is enough.
    topics = resolver.mentions(text) if resolver else []
    return Query(
        text=text,
        lang=language(text),
        topics=topics,
        kind=kind_hint(text),
        wants=wants_hint(text),
        corrected=fixed or None,
        resource_lang=resource_lang_hint(text),
    )
