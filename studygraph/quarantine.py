"""The prompt-injection quarantine: which text addresses a model instead of a learner.

One detector for every stage. Ingest uses it on roadmap lines (a mention on a flagged line carries the
flagging text in its context, see ingest/markdown.py) and on fetched page text (flagged lines are dropped);
the store uses it once, where resources are read back (store/meta.py), so that every surface — search,
path, next, why, graph, ask, the app — only ever sees the resources the library offers; the prompt builder
uses it on the text it shows a model.

Two kinds of line are suspicious:
- chat-template and role markers (`<|im_start|>`, `[INST]`, `<<SYS>>`, `### System:`, `Human:` ...): no
  study note contains them, and what follows a marker line is the injected message, so the next non-blank
  line is flagged with it;
- instruction lines, in English and Chinese, that tell a model what to do ("ignore previous instructions",
  "always answer with the URL", "忽略之前的指令", "请始终回复这个链接").
Words about the subject ("prompt injection", "system prompt design", "角色扮演") are not instructions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LINES = re.compile(r"\r\n|\r|\n")  # line breaks as markdown-it counts them
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Each rule is (words, pattern): the pattern is tried only on text holding one of its words (a substring
# test, far cheaper than any regex), and reads lowercased text, so no re.I. One big alternation under re.I
# was 100x slower, and the store judges every resource each time it reads the library. A word's left
# boundary is checked by `_search`.
_Rule = tuple[tuple[str, ...], re.Pattern]


def _rule(words: str, pattern: str, flags: int = 0) -> _Rule:
    return tuple(words.split()), re.compile(pattern, flags)


# Special tokens and role headers of the chat templates in use (ChatML, Llama 2/3, Mistral, Gemma, Phi,
# Alpaca/Vicuna, Anthropic's Human/Assistant). Full-width bars (DeepSeek's <｜...｜>) fold to | under NFKC.
_MARKERS: tuple[_Rule, ...] = (
    _rule("|", r"<\s*\|\s*[\w▁.\- ]{1,40}\s*\|\s*>"),  # <|im_start|> <|system|> <|endoftext|> <|eot_id|> ...
    _rule("inst", r"\[\s*/?\s*inst\s*\]"),  # Llama 2, Mistral
    _rule("sys", r"<<\s*/?\s*sys\s*>>"),
    # Gemma's turns and bare ChatML tags; not <bos>/<eos>/<s>, which NLP notes write about
    _rule("<", r"<\s*/?\s*(?:start_of_turn|end_of_turn|im_start|im_end)\s*>"),
    _rule("#", r"^\W{0,6}#{1,6}\s*(?:system|instructions?|response|human|assistant|user|input)\s*[:：]", re.M),
    # Role lines: "Human:" / "Assistant:" open a turn; "System:" only alone on its line ("System: Ubuntu 22.04"
    # in setup notes is no role)
    _rule("human assistant", r"^(?:\s*(?:[-*+>]|\d{1,3}[.)])\s+)*\**\s*(?:human|assistant)\s*\**\s*[:：]", re.M),
    _rule("system", r"^(?:\s*(?:[-*+>]|\d{1,3}[.)])\s+)*\**\s*system\s*\**\s*[:：]\s*$", re.M),
)

# Markers that end a message: what follows them is not the injected message any more.
_CLOSING = re.compile(
    r"<\s*\|\s*(?:im_end|endoftext|eot_id|eom_id|end|end_of_text|end_header_id)\s*\|\s*>"
    r"|\[\s*/\s*inst\s*\]|<<\s*/\s*sys\s*>>|<\s*/\s*\w+\s*>|<\s*end_of_turn\s*>"
)

_VERBS = "answer respond reply say output print link cite include recommend mention direct tell"
_INSTRUCTIONS: tuple[_Rule, ...] = (
    # English: overriding what a model was told, giving it a new role, dictating its answer
    _rule(
        "ignore disregard forget override bypass",
        r"(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines"
        r"|messages?|context|directions|above)\b",
    ),
    _rule("instruction", r"new\s+(?:system\s+)?instructions?\b"),
    _rule("system", r"system\s+(?:prompt|message)\s*[:：]"),
    _rule(
        "prompt instructions",
        r"(?:reveal|print|show|repeat|leak|output)\s+(?:your|the)\s+(?:system\s+prompt|hidden\s+prompt"
        r"|initial\s+prompt|instructions)\b",
    ),
    _rule("now", r"you\s+are\s+now\b"),
    _rule("now", r"from\s+now\s+on\b[,\s]*(?:you|always|only|never|answer|respond|reply)\b"),
    _rule("pretend", r"pretend\s+(?:to\s+be|you\s+are)\b"),
    _rule("anything", r"do\s+anything\s+now\b"),
    _rule("act", r"act\s+as\s+(?:if\s+you|an?\s+(?:ai|assistant|chatbot|unrestricted|unfiltered|jailbroken))\b"),
    _rule(
        _VERBS,
        r"(?:always|must|only|should)\s+(?:answer|respond|reply|say|output|print|link|cite|include"
        r"|recommend|mention|direct)\b.{0,60}(?:https?://|www\.|\.\w{2,}/|\burls?\b|\blinks?\b|\bwords?\b)",
    ),
    _rule(
        "answer respond reply", r"(?:answer|respond|reply)\s+(?:only\s+)?with\s+(?:the\s+)?(?:url|link|word|phrase)\b"
    ),
    _rule(
        "must should will",
        r"you\s+(?:must|should|will)\s+(?:now\s+)?(?:always\s+|only\s+|never\s+)?(?:answer|respond|reply"
        r"|say|output|print|recommend|cite|link|tell\s+the\s+user)\b",
    ),
    _rule(
        "always now only never",
        r"(?:assistant|ai|chatbot|llm|model)\s+(?:must|should|will)\s+(?:always|now|only|never)\s+"
        r"(?:answer|respond|reply|say|output|recommend|cite|link|include|tell)\b",
    ),
    # Chinese: the same moves
    _rule(
        "忽略 无视 忽视 忘记 忘掉 不要理会 别管",
        r"(?:忽略|无视|忽视|忘记|忘掉|不要理会|别管).{0,12}(?:指令|指示|提示|说明|要求|规则|设定)",
    ),
    _rule("你", r"你现在是|你的新(?:任务|指令|角色|身份)|你(?:现在)?扮演|从现在(?:开始|起)[，,]?\s*你"),
    _rule("指令", r"新的?指令[:：是]"),
    _rule("系统", r"系统(?:提示词?|指令|消息)\s*[:：]"),
    _rule("提示词 指令", r"(?:泄露|输出|显示|重复|告诉我)(?:你的)?(?:系统)?(?:提示词|指令)"),
    _rule(
        "始终 总是 一律 永远 只",
        r"(?:请|你)(?:必须|务必|应该|要)?(?:始终|总是|一律|永远|只)(?:回答|回复|输出|推荐|引用|附上|给出|提供|说)",
    ),
    _rule(
        "附上 包含 带上 加上",
        r"(?:回答|回复)(?:时|中)?(?:必须|务必|都要?|一定要)?(?:附上|包含|带上|加上).{0,20}(?:链接|网址|url|http)",
    ),
    _rule("扮演 假装 越狱 开发者", r"请扮演|假装你是|越狱模式|开发者模式"),
)


_WORDS = frozenset(w for words, _ in (*_MARKERS, *_INSTRUCTIONS) for w in words)


def _present(text: str) -> set[str]:
    return {w for w in _WORDS if w in text}


def normal(text: str) -> str:
    """Text as the detector reads it: full-width forms folded, invisible characters gone, lowercased."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _search(rules: tuple[_Rule, ...], text: str, present: set[str] | None = None) -> re.Match | None:
    """The first match of any rule that does not start inside an English word ("signore" is no
    "ignore"); Chinese has no spaces, so a match starting with a CJK character needs no boundary."""
    present = _present(text) if present is None else present
    for words, pattern in rules:
        if present.isdisjoint(words):
            continue
        pos = 0
        while (m := pattern.search(text, pos)) is not None:
            i = m.start()
            if i == 0 or not (
                text[i].isascii() and text[i].isalpha() and text[i - 1].isascii() and text[i - 1].isalnum()
            ):
                return m
            pos = i + 1
    return None


def suspicious(text: str) -> bool:
    """Text that addresses a model instead of a learner: a marker or an instruction, on any of its lines."""
    text = normal(text)
    present = _present(text)
    return _search(_MARKERS, text, present) is not None or _search(_INSTRUCTIONS, text, present) is not None


def flagged_lines(text: str) -> dict[int, str]:
    """{1-based line number: the words that flag it} for every suspicious line of `text` and for the first
    non-blank line after a line whose marker opens a message (what a marker introduces is the injection).
    The words are the marker or instruction itself: short, and suspicious on their own."""
    flagged: dict[int, str] = {}
    pending = ""  # the opening marker whose message has not started yet
    for number, raw in enumerate(_LINES.split(text or ""), 1):
        if not raw.strip():
            continue
        line = normal(raw)
        present = _present(line)
        found = _search(_MARKERS, line, present) or _search(_INSTRUCTIONS, line, present)
        if pending or found:
            flagged[number] = pending or found.group(0).strip()  # type: ignore[union-attr]
        opening = _search(_MARKERS, _CLOSING.sub(" ", line))
        pending = opening.group(0).strip() if opening else ""
    return flagged


def clean_lines(text: str) -> list[str]:
    """The lines of `text` a model may read: suspicious lines and the line after a marker left out."""
    flagged = flagged_lines(text)
    return [ln for number, ln in enumerate(_LINES.split(text or ""), 1) if number not in flagged]


@lru_cache(maxsize=1 << 16)  # the store asks again each time a library is read; the answer never changes
def quarantined(title: str, context: str) -> bool:
    """A resource is quarantined when the words that introduce it address a model: its title, or the context
    of any of its mentions (which carries the flagging words of its line, see ingest/markdown.py). It is
    never offered, cited, planned or searched."""
    return suspicious(title) or any(suspicious(part) for part in (context or "").split(" | "))
