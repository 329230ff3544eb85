"""A plan in weeks, and the weeks as an iCalendar file a calendar app imports.

Weeks are filled in plan order with the learner's hours per week. A step longer than what is left of a
week is split: the part that fits stays in this week, the rest opens the next one (and, for a long step,
the weeks after), so no hour is wasted and the order never changes. A sliver is not worth a block, so a
week with less than MIN_BLOCK hours left starts the step next week instead. Within a week the hours are
spread evenly over its seven days, which gives each block the days it should take.

Blocks are all-day events (DTSTART/DTEND as dates, TRANSP:TRANSPARENT): we know how many hours a learner
has, not at which time of day, and made-up times would collide with their real appointments; an all-day
band says "this is what these days are for" without blocking the calendar. UIDs come from the goal, the
topic and the part, so exporting again (another start date, progress made) updates the same events
instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import asdict, dataclass, field

from studygraph.graph.plan import Plan

MIN_BLOCK = 0.5  # hours: less than this left in a week, the next step starts next week
DAYS = 7


@dataclass
class Block:
    """One study block: (a part of) one plan step inside one week."""

    id: str  # topic id
    name: str
    zh: str
    hours: float
    start: dt.date
    end: dt.date  # last day (inclusive)
    part: int = 1
    parts: int = 1
    status: str = "todo"
    resources: list[dict] = field(default_factory=list)  # {title, url, kind}
    why: str = ""

    def to_dict(self) -> dict:
        return {**asdict(self), "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass
class Week:
    number: int  # 1-based
    start: dt.date
    hours: float
    steps: list[Block]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=DAYS - 1)

    def to_dict(self) -> dict:
        return {
            "week": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "hours": self.hours,
            "steps": [b.to_dict() for b in self.steps],
        }


def weekly_plan(plan: Plan, hours_per_week: float, start: dt.date | None = None) -> list[Week]:
    """The plan's steps (those not done yet) in weeks of `hours_per_week` hours from `start` (today)."""
    if hours_per_week <= 0:
        raise ValueError("hours per week must be more than 0")
    start = start or dt.date.today()
    per_day = hours_per_week / DAYS
    pieces: list[tuple[int, float, float, object]] = []  # (week index, offset in week, hours, step)
    week, used = 0, 0.0
    for step in plan.steps:
        if step.status == "done":
            continue
        left = step.hours
        while left > 1e-9:
            room = hours_per_week - used
            if used > 0 and room < min(MIN_BLOCK, left) - 1e-9:
                week, used, room = week + 1, 0.0, hours_per_week
            take = min(left, room)
            pieces.append((week, used, take, step))
            used, left = used + take, left - take
    parts_of: dict[str, int] = {}
    for _, _, _, step in pieces:
        parts_of[step.topic.id] = parts_of.get(step.topic.id, 0) + 1
    weeks: dict[int, Week] = {}
    seen: dict[str, int] = {}
    for index, offset, hours, step in pieces:
        week_start = start + dt.timedelta(days=DAYS * index)
        first = min(DAYS - 1, int(offset / per_day + 1e-9))
        last = min(DAYS - 1, max(first, math.ceil((offset + hours) / per_day - 1e-9) - 1))
        seen[step.topic.id] = seen.get(step.topic.id, 0) + 1
        block = Block(
            step.topic.id,
            step.topic.name,
            step.topic.zh,
            round(float(hours), 2),
            week_start + dt.timedelta(days=first),
            week_start + dt.timedelta(days=last),
            seen[step.topic.id],
            parts_of[step.topic.id],
            step.status,
            [{"title": r.title, "url": r.url, "kind": r.kind} for r in step.resources],
            step.why,
        )
        weeks.setdefault(index, Week(index + 1, week_start, 0.0, [])).steps.append(block)
    for w in weeks.values():
        w.hours = round(float(sum(b.hours for b in w.steps)), 2)
    return [weeks[i] for i in sorted(weeks)]


def block_uid(goal: str, block: Block) -> str:
    """Stable across exports: the same goal, topic and part is the same event."""
    digest = hashlib.sha1(f"{goal}\0{block.id}\0{block.part}".encode()).hexdigest()[:16]
    return f"{digest}@studygraph"


def plan_ics(plan: Plan, weeks: list[Week], now: dt.datetime | None = None) -> bytes:
    """One all-day VEVENT per study block, as RFC 5545 bytes (see the module docstring for why all-day)."""
    # icalendar (~20 ms) only for the .ics export: a plan in weeks, or a cold `path`, never needs it.
    from icalendar import Calendar, Event

    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//studygraph//learning plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"studygraph: {plan.goal.name}")
    for week in weeks:
        for block in week.steps:
            event = Event()
            event.add("uid", block_uid(plan.goal.id, block))
            event.add("dtstamp", stamp)
            event.add("dtstart", block.start)
            event.add("dtend", block.end + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
            part = f" ({block.part}/{block.parts})" if block.parts > 1 else ""
            names = block.name + (f" / {block.zh}" if block.zh and block.zh != block.name else "")
            event.add("summary", f"Study {names}{part} · {block.hours:g} h")
            lines = [f"Week {week.number} of the plan for {plan.goal.name}: about {block.hours:g} h.", block.why]
            lines += [f"- {r['title']}: {r['url']}" for r in block.resources if r["url"]]
            event.add("description", "\n".join(line for line in lines if line))
            event.add("transp", "TRANSPARENT")
            event.add("categories", ["studygraph"])
            cal.add_component(event)
    return cal.to_ical()
