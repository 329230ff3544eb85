"""What a message says of the learner's time: "5 hours a week", "每天两小时", "in 3 months", "一个月内学完",
"a 4-week plan", "how long will it take me to learn RLHF?", "学完 RLHF 要多久".

A plan answers it (answers.plan): the weeks at the learner's rate, or the rate a deadline needs. Words, not
a model: the phrasings are few and a wrong number is worse than none, so anything unclear reads as no budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studygraph.assistant.payloads import _Plain

WEEKS_PER_MONTH = 4.35
DAYS_PER_WEEK = 7
MAX_HOURS_PER_WEEK = 7 * 24

_WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "couple": 2,
    "few": 3, "half": 0.5,
}  # fmt: skip
_ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

_EN_NUM = r"\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_NUM = rf"(?P<n>{_EN_NUM}|[零一二两俩三四五六七八九十半]+)"
_RANGE = rf"{_NUM}(?:\s*(?:-|–|~|to|or|到|至)\s*(?P<m>\d+(?:\.\d+)?|[一二两三四五六七八九十]+))?"

# "5 hours a week", "5-10 hrs per week", "an hour a day", "2h/day", "每周 5 小时", "一周能抽出十个小时", "每天两小时".
_EN_RATE = re.compile(
    rf"\b{_RANGE}\s*(?:hours?|hrs?|h)\b\s*(?:(?:a|per|each|every|/|an?)\s*)+(?P<per>week|wk|day|night|evening|weekday)s?\b",
    re.I,
)
_ZH_RATE = re.compile(
    r"(?P<per>每周|每个?星期|每个?礼拜|一周|一个?星期|一个?礼拜|每天|一天|每日|每晚|每个?工作日)"
    rf"(?:只|大概|大约|差不多)?(?:有|能|可以|会)?(?:抽出|花|拿出|学|投入)?\s*{_RANGE}\s*(?:个)?(?:半)?\s*(?:小时|钟头|h)",
    re.I,
)
# "in 3 months", "within two weeks", "over the next 6 weeks", "a 4-week plan", "三个月内", "两周学完 LoRA", "一个月".
_EN_DEADLINE = re.compile(
    rf"\b(?:in|within|over|under)\s+(?:the\s+next\s+|just\s+|only\s+)?{_NUM}\s*(?P<unit>weeks?|months?|days?)\b", re.I
)
_EN_PLAN_LENGTH = re.compile(
    rf"\b{_NUM}[-\s](?P<unit>week|month|day)\s+(?:plan|schedule|roadmap|course|program|sprint|bootcamp|crash\s+course)\b",
    re.I,
)
_ZH_DEADLINE = re.compile(
    rf"{_NUM}\s*(?:个)?\s*(?P<unit>周|星期|礼拜|月|天)(?:之内|以内|内|里)?(?!\s*(?:\d|[一二两三四五六七八九十])+\s*(?:个)?\s*(?:小时|钟头))"
)
# "how long will it take me to learn X", "how many hours do I need for X", "学完 RLHF 要多久", "多长时间能入门 NLP".
_EN_ASKED = re.compile(
    r"\bhow\s+(?:long|much\s+time|many\s+(?:hours|weeks|months|days))\b"
    r"(?=.{0,60}\b(?:learn\w*|master\w*|stud\w*|understand\w*|get\s+(?:through|to|good|into)|finish\w*|complet\w*|"
    r"cover|go\s+through|ramp\s+up|pick\s+up|be\s+ready|plan|path|roadmap|take\s+me|(?:it|that|this)\s+take(?!\s+to\b)|"
    r"(?:do|would|will|should|must)\s+i)\b)",
    re.I,
)
# The words of such a question, blanked with it: "how long will it take me to", "how many hours do I need for".
_EN_ASKED_WORDS = re.compile(
    r"\bhow\s+(?:long|much\s+time|many\s+(?:hours|weeks|months|days))"
    r"(?:\s+(?:will|would|does|did|is|should|might|could|do|can|must))?(?:\s+(?:it|i|we|one|someone))?"
    r"(?:\s+(?:take|need|spend|be))?(?:\s+(?:me|us|someone|one))?(?:\s+(?:to|for))?\b",
    re.I,
)
_ZH_WHEN = r"多久|多长时间|多少(?:个)?(?:小时|时间|天|周|星期|个?月)|几(?:个)?(?:小时|天|周|星期|个?月)"
_ZH_ASKED = re.compile(
    rf"(?:学|掌握|入门|搞定|上手|搞懂|弄懂|看完).{{0,14}}(?:{_ZH_WHEN})|(?:{_ZH_WHEN}).{{0,8}}(?:学|掌握|入门|搞定|上手|搞懂|弄懂)"
)


@dataclass(frozen=True)
class TimeBudget(_Plain):
    hours_per_week: float | None = None  # the learner's rate
    weeks: float | None = None  # a deadline: the plan in this many weeks
    asked: bool = False  # "how long will it take?": the time is what is asked


def _number(text: str) -> float | None:
    text = text.lower()
    if text in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[text])
    try:
        return float(text)
    except ValueError:
        pass
    if text == "半":
        return 0.5
    if not text or any(c not in _ZH_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:  # 十, 十五, 二十, 二十五
        tens, _, ones = text.partition("十")
        value = (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)
        return float(value)
    return float(_ZH_DIGITS[text]) if len(text) == 1 else None


def _amount(m: re.Match[str]) -> float | None:
    """The number of a match, the middle of a range ("5-10 hours": 7.5)."""
    low = _number(m.group("n"))
    high = _number(m.group("m")) if "m" in m.groupdict() and m.group("m") else None
    if low is None:
        return None
    return (low + high) / 2 if high is not None and high > low else low


def _days_a_week(text: str) -> int:
    """The days a per-day amount counts: "2h a day on weekdays" five, "周末每天4小时" two, else seven."""
    if re.search(r"weekends?|周末", text, re.I):
        return 2
    return 5 if re.search(r"weekdays?|工作日", text, re.I) else DAYS_PER_WEEK


def _rate(text: str) -> tuple[float | None, str]:
    """Hours a week, and the text with the phrase blanked (so "一周 5 小时" is no one-week deadline)."""
    for rx in (_EN_RATE, _ZH_RATE):
        if (m := rx.search(text)) and (hours := _amount(m)) is not None:
            per = m.group("per").lower()
            days = _days_a_week(text)
            weekly = per in ("week", "wk") or any(w in per for w in ("周", "星期", "礼拜"))
            hours = hours if weekly else hours * days
            blanked = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
            return (hours if 0 < hours <= MAX_HOURS_PER_WEEK else None), blanked
    return None, text


def _deadline(text: str) -> float | None:
    for rx in (_EN_DEADLINE, _EN_PLAN_LENGTH, _ZH_DEADLINE):
        if (m := rx.search(text)) and (n := _amount(m)) is not None and n > 0:
            unit = m.group("unit").lower()
            if unit.startswith("month") or unit == "月":
                return n * WEEKS_PER_MONTH
            if unit.startswith("day") or unit == "天":
                return n / DAYS_PER_WEEK
            return n
    return None


# Beside a rate, a bare length is how long they have: "3 weeks, 5h/week", "5 hours a week for 2 months".
_LENGTH_BESIDE_RATE = re.compile(rf"(?:\bfor\s+)?\b{_NUM}\s*(?P<unit>weeks?|months?)\b", re.I)


def time_budget(text: str) -> TimeBudget | None:
    """What `text` says of the learner's time, or None where it says nothing."""
    hours, rest = _rate(text)
    weeks = _deadline(rest)
    if weeks is None and hours is not None and (m := _LENGTH_BESIDE_RATE.search(rest)) and (n := _amount(m)):
        weeks = n * (WEEKS_PER_MONTH if m.group("unit").lower().startswith("month") else 1)
    asked = bool(_EN_ASKED.search(text) or _ZH_ASKED.search(text))
    if hours is None and weeks is None and not asked:
        return None
    return TimeBudget(hours, weeks, asked)


_ZH_ASKED_WORDS = re.compile(
    rf"(?:要|需要|得|大概|大约|差不多|花)*(?:{_ZH_WHEN})(?:能|才能|可以|才)?|学完|学会|学懂|搞定|搞懂|弄懂|上手"
)


def without_budget(text: str) -> str:
    """`text` with its time phrases blanked: "a 4-week plan for transformers" is a plan for transformers, not
    for a subject called "4 week transformers"."""
    for rx in (_EN_RATE, _ZH_RATE, _EN_DEADLINE, _EN_PLAN_LENGTH, _ZH_DEADLINE, _EN_ASKED_WORDS, _ZH_ASKED_WORDS):
        text = rx.sub(" ", text)
    return text
