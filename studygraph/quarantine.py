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

_LINES = re.compile(r"\r\n|\r|\n")  # line breaks as markdown-it counts them
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Special tokens and role headers of the chat templates in use (ChatML, Llama 2/3, Mistral, Gemma, Phi,
# Alpaca/Vicuna, Anthropic's Human/Assistant). Full-width bars (DeepSeek's <｜...｜>) fold to | under NFKC.
MARKER = re.compile(
    r"<\s*\|\s*[\w▁.\- ]{1,40}\s*\|\s*>"  # <|im_start|> <|system|> <|endoftext|> <|eot_id|> <|start_header_id|>
    r"|\[\s*/?\s*INST\s*\]|<<\s*/?\s*SYS\s*>>"  # Llama 2 / Mistral
    r"|<\s*/?\s*(?:start_of_turn|end_of_turn|bos|eos|system|im_start|im_end)\s*>"  # Gemma and bare tags
    r"|^\W{0,6}#{1,6}\s*(?:system|instruction|instructions|response|human|assistant|user|input)\s*[:：]"
    r"|^(?:\s*(?:[-*+>]|\d{1,3}[.)])\s+)*\**\s*(?:human|assistant|system)\s*\**\s*[:：]",
    re.I | re.M,
)

# Markers that end a message: what follows them is not the injected message any more.
CLOSING = re.compile(
    r"<\s*\|\s*(?:im_end|endoftext|eot_id|eom_id|end|end_of_text|end_header_id)\s*\|\s*>"
    r"|\[\s*/\s*INST\s*\]|<<\s*/\s*SYS\s*>>|<\s*/\s*\w+\s*>|<\s*end_of_turn\s*>",
    re.I,
)

INSTRUCTION = re.compile(
    # English: overriding what a model was told, giving it a new role, dictating its answer
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines"
    r"|messages?|context|directions|above)\b"
    r"|\bnew\s+(?:system\s+)?instructions?\b|\bsystem\s+(?:prompt|message)\s*[:：]"
    r"|\b(?:reveal|print|show|repeat|leak|output)\s+(?:your|the)\s+(?:system\s+prompt|hidden\s+prompt"
    r"|initial\s+prompt|instructions)\b"
    r"|\byou\s+are\s+now\b|\bfrom\s+now\s+on\b[,\s]*(?:you|always|only|never|answer|respond|reply)\b|\bpretend\s+(?:to\s+be|you\s+are)\b|\bdo\s+anything\s+now\b"
    r"|\bact\s+as\s+(?:if\s+you|an?\s+(?:ai|assistant|chatbot|unrestricted|unfiltered|jailbroken))\b"
    r"|\b(?:always|must|only|should)\s+(?:answer|respond|reply|say|output|print|link|cite|include"
    r"|recommend|mention|direct)\b.{0,60}(?:https?://|www\.|\.\w{2,}/|\burls?\b|\blinks?\b|\bwords?\b)"
    r"|\b(?:answer|respond|reply)\s+(?:only\s+)?with\s+(?:the\s+)?(?:url|link|word|phrase)\b"
    r"|\byou\s+(?:must|should|will)\s+(?:now\s+)?(?:always\s+|only\s+|never\s+)?(?:answer|respond|reply"
    r"|say|output|print|recommend|cite|link|tell\s+the\s+user)\b"
    r"|\b(?:assistant|ai|chatbot|llm|model)\s+(?:must|should|will)\s+(?:always|now|only|never)\s+"
    r"(?:answer|respond|reply|say|output|recommend|cite|link|include|tell)\b"
    # Chinese: the same moves
    r"|(?:忽略|无视|忽视|忘记|忘掉|不要理会|别管).{0,12}(?:指令|指示|提示|说明|要求|规则|设定)"
    r"|你现在是|从现在(?:开始|起)[，,]?\s*你|你的新(?:任务|指令|角色|身份)|新的?指令[:：是]"
    r"|系统(?:提示词?|指令|消息)\s*[:：]|(?:泄露|输出|显示|重复|告诉我)(?:你的)?(?:系统)?(?:提示词|指令)"
    r"|(?:请|你)(?:必须|务必|应该|要)?(?:始终|总是|一律|永远|只)(?:回答|回复|输出|推荐|引用|附上|给出|提供|说)"
    r"|(?:回答|回复)(?:时|中)?(?:必须|务必|都要?|一定要)?(?:附上|包含|带上|加上).{0,20}(?:链接|网址|url|http)"
    r"|请扮演|你(?:现在)?扮演|假装你是|越狱模式|开发者模式",
    re.I,
)


def normal(text: str) -> str:
    """Text as a detector should read it: full-width forms folded, invisible characters gone."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or ""))


def suspicious(text: str) -> bool:
    """Text that addresses a model instead of a learner: a marker or an instruction, on any of its lines."""
    text = normal(text)
    return bool(MARKER.search(text) or INSTRUCTION.search(text))


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
        found = MARKER.search(line) or INSTRUCTION.search(line)
        if pending or found:
            flagged[number] = pending or found.group(0).strip()  # type: ignore[union-attr]
        opening = MARKER.search(CLOSING.sub(" ", line))
        pending = opening.group(0).strip() if opening else ""
    return flagged


def clean_lines(text: str) -> list[str]:
    """The lines of `text` a model may read: suspicious lines and the line after a marker left out."""
    flagged = flagged_lines(text)
    return [ln for number, ln in enumerate(_LINES.split(text or ""), 1) if number not in flagged]


def quarantined(title: str, context: str) -> bool:
    """A resource is quarantined when the words that introduce it address a model: its title, or the context
    of any of its mentions (which carries the flagging words of its line, see ingest/markdown.py). It is
    never offered, cited, planned or searched."""
    return suspicious(title) or any(suspicious(part) for part in (context or "").split(" | "))
