"""What a page says at one moment, read in a real browser, and the pairs of messages that must never be on it
together: a file both saved and refused (or removed and refused), "No links were found in X" for a file
refused, a success and an error about the same file or name, a "not in the topic map" warning above a plan or
a topic's graph that is no answer to it (the explorer's whole map, its home view, is no answer to anything), an English message on a Chinese page or a Chinese one on an English page.

`assert_consistent(page, lang)` after each step of a browser test (tests/test_ui_browser_*.py). Messages are
the page's own words: alerts, toasts, captions, expander labels, headings and buttons (in a chat bubble too: its
note, its buttons), never an answer's text (it is in the question's language, not the page's) nor the learner's
own words (example questions, conversation titles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLLECT = """() => {
  const kinds = [
    ['[data-testid=stAlertContentSuccess]', 'success'], ['[data-testid=stAlertContentError]', 'error'],
    ['[data-testid=stAlertContentWarning]', 'warning'], ['[data-testid=stAlertContentInfo]', 'info'],
    ['[data-testid=stToast]', 'toast'], ['[data-testid=stCaption]', 'caption'],
    ['[data-testid=stExpander] summary', 'label'], ['[data-testid=stMain] h1, [data-testid=stMain] h2', 'heading'],
    ['[data-testid=stMain] button, [data-testid=stSidebar] button', 'button'],
  ];
  const learners = '[class*=st-key-example-], [class*=st-key-conv-]';
  const out = [];
  for (const [selector, kind] of kinds) {
    for (const e of document.querySelectorAll(selector)) {
      if (!e.getClientRects().length || e.closest(learners)) continue;
      const text = e.innerText.trim();
      if (text) out.push({kind, text});
    }
  }
  // A result's graph (a plan, a topic's neighbourhood), not the explorer's whole map: its home view.
  const charts = [...document.querySelectorAll('[data-testid=stMain] [data-testid=stGraphVizChart]')]
    .filter(c => !c.closest('.st-key-topic_map')).length;
  return {messages: out, charts};
}"""

FILE = re.compile(r"[\w\-./]+\.(?:md|markdown|pdf|txt)\b")
QUOTED = re.compile(r"[“\"`]([^”\"`]{2,80})[”\"`]")
NEGATIVE = re.compile(
    r"not saved|not in the library|refused|could not|cannot|failed|\berror\b|未保存|未导入|失败|错误|无法|不能", re.I
)
POSITIVE = re.compile(r"^saved\b|\bsaved\b|\bremoved\b|\bdeleted\b|\badded\b|已保存|已移除|已删除|新增", re.I)
NO_LINKS = re.compile(r"No links were found in (.+?)\.$|^(.+?) 里没有找到链接")
NOT_IN_MAP = re.compile(r"is not in the topic map|主题图里没有")
CJK = re.compile(r"[\u3400-\u9fff]")
# Words of an English sentence, not of a name ("Transformer", "RLHF", "LoRA"): three of them make a message English.
ENGLISH = re.compile(
    r"\b(the|a|an|to|of|is|are|was|were|in|your|you|no|not|it|this|and|or|for|with|from|on|be|has|have|go|its)\b",
    re.I,
)


@dataclass
class Shown:
    kind: str
    text: str

    @property
    def negative(self) -> bool:
        return self.kind == "error" or bool(NEGATIVE.search(self.text))

    @property
    def positive(self) -> bool:
        return not self.negative and (self.kind in ("success", "toast") and bool(POSITIVE.search(self.text)))

    def subjects(self) -> set[str]:
        """What the message is about: the files and the quoted names it mentions."""
        return {f.rsplit("/", 1)[-1] for f in FILE.findall(self.text)} | set(QUOTED.findall(self.text))


def shown(page) -> tuple[list[Shown], int]:
    """The page's messages now, and how many graph charts its main area draws."""
    seen = page.evaluate(COLLECT)
    return [Shown(m["kind"], " ".join(m["text"].split())) for m in seen["messages"]], seen["charts"]


def contradictions(messages: list[Shown], charts: int = 0, lang: str | None = None) -> list[str]:
    """Each pair (or message) that contradicts the rest of the page, in words."""
    found = []
    for good in (m for m in messages if m.positive):
        for bad in (m for m in messages if m.negative):
            same = good.subjects() & bad.subjects()
            if same:
                found.append(f"a success and a refusal about {sorted(same)}: {good.text!r} / {bad.text!r}")
    for empty in messages:
        hit = NO_LINKS.search(empty.text)
        if not hit:
            continue
        name = (hit.group(1) or hit.group(2)).strip("` ").rsplit("/", 1)[-1]
        for other in messages:
            if other is not empty and other.negative and name in other.subjects():
                found.append(f"'no links' for a file that was refused: {empty.text!r} / {other.text!r}")
    warned = [m for m in messages if m.kind == "warning" and NOT_IN_MAP.search(m.text)]
    if warned and charts:
        found.append(f"a warning above a stale result ({charts} graph(s) still drawn): {warned[0].text!r}")
    for m in messages:
        if m.kind in ("button", "heading", "label") and len(m.text) < 3:
            continue
        if lang == "zh" and not CJK.search(m.text) and len(ENGLISH.findall(m.text)) >= 3:
            found.append(f"English on a Chinese page ({m.kind}): {m.text!r}")
        alert = m.kind in ("success", "error", "warning", "info", "toast")
        if lang == "en" and alert and len(CJK.findall(m.text)) >= 4 and not ENGLISH.search(m.text):
            found.append(f"Chinese on an English page ({m.kind}): {m.text!r}")
    return found


def assert_consistent(page, lang: str | None = "en") -> list[Shown]:
    """No message on the page contradicts another (see `contradictions`); the messages, for further checks."""
    messages, charts = shown(page)
    found = contradictions(messages, charts, lang)
    assert not found, "the page contradicts itself:\n" + "\n".join(found)
    return messages
