"""The dated plan: a plan in weeks of the learner's hours, an .ics file a calendar imports, and the
markdown checklist that goes back into the library through ingest."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import cli_in_fresh_process, write
from icalendar import Calendar

from studygraph.graph.build import build_graph
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.plan import learning_plan
from studygraph.graph.schedule import MIN_BLOCK, plan_ics, weekly_plan

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def rlhf_plan():
    return learning_plan(build_graph(load_catalogue(), None), "rlhf")


def test_weeks_hold_the_plan_in_order_and_never_more_hours_than_given(rlhf_plan):
    weeks = weekly_plan(rlhf_plan, 6, MONDAY)
    assert [w.start for w in weeks] == [MONDAY + dt.timedelta(days=7 * i) for i in range(len(weeks))]
    assert all(w.hours <= 6 + 1e-6 for w in weeks)
    blocks = [b for w in weeks for b in w.steps]
    assert sum(b.hours for b in blocks) == pytest.approx(rlhf_plan.hours)
    order = list(dict.fromkeys(b.id for b in blocks))
    assert order == [s.topic.id for s in rlhf_plan.steps] and order[-1] == "rlhf"
    for w in weeks:
        assert all(w.start <= b.start <= b.end <= w.end for b in w.steps)
        assert [b.start for b in w.steps] == sorted(b.start for b in w.steps)


def test_a_step_longer_than_a_week_spans_weeks(rlhf_plan):
    """10 h of linear algebra at 4 h a week: parts 1/3, 2/3, 3/3 in consecutive weeks, hours summing up."""
    weeks = weekly_plan(rlhf_plan, 4, MONDAY)
    step = next(s for s in rlhf_plan.steps if s.hours > 8)
    parts = [(w.number, b) for w in weeks for b in w.steps if b.id == step.topic.id]
    assert len(parts) >= 3 and [b.part for _, b in parts] == list(range(1, len(parts) + 1))
    assert all(b.parts == len(parts) for _, b in parts)
    assert [n for n, _ in parts] == list(range(parts[0][0], parts[0][0] + len(parts)))
    assert sum(b.hours for _, b in parts) == pytest.approx(step.hours)


def test_no_sliver_blocks_and_done_steps_are_left_out(rlhf_plan):
    first = rlhf_plan.steps[0]
    first.status = "done"
    try:
        weeks = weekly_plan(rlhf_plan, 5, MONDAY)
    finally:
        first.status = "todo"
    blocks = [b for w in weeks for b in w.steps]
    assert first.topic.id not in {b.id for b in blocks}
    cut = [b for b in blocks if b.part < b.parts]  # cut at a week's end: never a sliver
    assert cut and all(b.hours >= MIN_BLOCK - 1e-6 for b in cut)
    with pytest.raises(ValueError):
        weekly_plan(rlhf_plan, 0, MONDAY)


def test_ics_has_one_all_day_event_per_block_with_stable_uids(rlhf_plan):
    weeks = weekly_plan(rlhf_plan, 6, MONDAY)
    cal = Calendar.from_ical(plan_ics(rlhf_plan, weeks))
    events = cal.walk("VEVENT")
    blocks = [b for w in weeks for b in w.steps]
    assert len(events) == len(blocks)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    for event, block in zip(events, blocks):
        assert event.decoded("DTSTART") == block.start and not isinstance(event.decoded("DTSTART"), dt.datetime)
        assert event.decoded("DTEND") == block.end + dt.timedelta(days=1)  # exclusive end of an all-day event
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert block.name in str(event["SUMMARY"])
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    later = Calendar.from_ical(plan_ics(rlhf_plan, weekly_plan(rlhf_plan, 6, MONDAY + dt.timedelta(days=14))))
    assert [str(e["UID"]) for e in later.walk("VEVENT")] == uids, "a re-export updates the same events"


def test_path_cli_gives_dated_weeks_and_writes_the_ics(tmp_path):
    ics = tmp_path / "rlhf.ics"
    argv = ["path", "RLHF", "--hours-per-week", "6", "--start", "2026-12-07", "--ics", str(ics), "--json"]
    imported, out = cli_in_fresh_process(argv, tmp_path / "data", ("torch", "icalendar"))
    data = json.loads(out)
    assert imported == ["icalendar"], "a dated plan loads no model"
    weeks = data["weeks"]
    assert weeks[0]["start"] == "2026-12-07" and weeks[1]["start"] == "2026-12-14"
    assert all(w["hours"] <= 6 for w in weeks) and weeks[-1]["steps"][-1]["id"] == "rlhf"
    assert {s["id"] for w in weeks for s in w["steps"]} == set(data["topics"])
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == sum(len(w["steps"]) for w in weeks)
    _, plain = cli_in_fresh_process(["path", "RLHF", "--json"], tmp_path / "data", ())
    assert "weeks" not in json.loads(plain), "without --hours-per-week the plan is what it was"


def test_checklist_export_round_trips_through_ingest(seed_library, make_settings, tmp_path, embedder):
    """The markdown checklist, ingested as a roadmap, gives back the plan's resources, ticks included."""
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore
    from studygraph.ui.path_page import plan_markdown

    tg = build_graph(load_catalogue(), MetaStore(seed_library[0].meta_path, readonly=True))
    plan = learning_plan(tg, "rlhf")
    done_step = next(s for s in plan.steps if any(r.url for r in s.resources))
    text = plan_markdown(plan, status={done_step.topic.id: "done"})
    settings = make_settings(corpus=write(tmp_path / "mine" / "plan-rlhf.md", text).parent)
    report = ingest(settings, embedder=embedder)
    assert not report.errors, report.errors
    back = {r.url: r for r in MetaStore(settings.meta_path, readonly=True).resources() if r.url}
    want = {r.url for s in plan.steps for r in s.resources if r.url}
    assert want and want <= set(back), want - set(back)
    assert all(back[r.url].done for r in done_step.resources if r.url)
    ticked_before = {r.url for s in plan.steps for r in s.resources if r.done}  # ticked in the seed roadmap
    assert not any(back[u].done for u in want - {r.url for r in done_step.resources} - ticked_before)
