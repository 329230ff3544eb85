"""The learner's time in a plan question ("5 hours a week", "三个月内", "how long will it take me to learn RLHF?"):
read from the words (assistant/budget.py), routed as a plan, answered with the weeks at that rate, the rate a
deadline needs, or the usual rates; the same weeks the Learning path page and `path --hours-per-week` give."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import LORA_ROADMAP, small_library, turns

from studygraph.assistant import render
from studygraph.assistant.budget import TimeBudget, time_budget, without_budget
from studygraph.assistant.intents import route
from studygraph.assistant.payloads import PlanPayload, PlanRate, PlanStep, PlanTime, PlanWeek, TopicRef
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.resolve import Resolver

BUDGETS = [
    ("I can do 6 hours a week", TimeBudget(6.0)),
    ("5-10 hrs per week", TimeBudget(7.5)),
    ("about an hour a day", TimeBudget(7.0)),
    ("2h/day on weekdays", TimeBudget(10.0)),
    ("每个工作日 1 小时", TimeBudget(5.0)),
    ("每周大概 8 小时", TimeBudget(8.0)),
    ("一周能抽出十个小时", TimeBudget(10.0)),
    ("每天两小时", TimeBudget(14.0)),
    ("每天半小时", TimeBudget(3.5)),
    ("I want to be done within two weeks", TimeBudget(weeks=2.0)),
    ("over the next 6 weeks", TimeBudget(weeks=6.0)),
    ("a 3-month plan", TimeBudget(weeks=3 * 4.35)),
    ("两周学完", TimeBudget(weeks=2.0)),
    ("一个月之内", TimeBudget(weeks=4.35)),
    ("how long will it take me to get through this?", TimeBudget(asked=True)),
    ("how many hours do I need for PPO", TimeBudget(asked=True)),
    ("学完要多久", TimeBudget(asked=True)),
    ("多长时间能入门", TimeBudget(asked=True)),
    ("每周 5 小时，多久能学完", TimeBudget(5.0, asked=True)),
    ("5 hours a week for 2 months", TimeBudget(5.0, weeks=2 * 4.35)),  # beside a rate, a bare length
    ("周末每天3小时", TimeBudget(6.0)),  # two days a week
]


@pytest.mark.parametrize("text, budget", BUDGETS)
def test_what_a_message_says_of_the_learners_time(text, budget):
    got = time_budget(text)
    assert got is not None and got.asked == budget.asked
    assert (
        got.hours_per_week == pytest.approx(budget.hours_per_week)
        if budget.hours_per_week
        else got.hours_per_week is None
    )
    assert got.weeks == pytest.approx(budget.weeks) if budget.weeks else got.weeks is None


@pytest.mark.parametrize(
    "text",
    [
        "how long does fine-tuning a 7B model take",  # compute time, not study time
        "how long does it take to train GPT-2 on one GPU?",
        "LoRA 训练要多久",
        "I've been learning for 2 weeks",
        "what should I learn this week?",
        "a week-by-week schedule",
        "Transformer 有多少层",
    ],
)
def test_time_that_is_no_study_budget_is_none(text):
    assert time_budget(text) is None


def test_the_time_words_are_no_part_of_a_plans_subject():
    assert " ".join(without_budget("give me a 4-week plan for transformers").split()) == "give me a for transformers"
    assert "多久" not in without_budget("学 LoRA 大概需要几周")


@pytest.fixture(scope="module")
def resolver():
    return Resolver(load_catalogue())


@pytest.mark.parametrize(
    "text, topic",
    [
        ("how long will it take me to learn RLHF?", "rlhf"),
        ("give me a 4-week plan for transformers", "transformer"),
        ("三个月内学会 LoRA", "lora"),
        ("学 DPO 大概需要几周", "dpo"),
        ("I want to learn RAG in a month", "rag"),
        ("每周 5 小时，多久能学完 RLHF", "rlhf"),
    ],
)
def test_a_question_with_a_time_budget_is_a_plan_for_its_topic(resolver, text, topic):
    intent = route(text, resolver)
    assert (intent.name, intent.topics, intent.missing) == ("plan", [topic], None)
    assert intent.budget is not None


def test_time_asked_of_something_else_stays_what_it_was(resolver):
    assert route("how long does fine-tuning a 7B model take", resolver).name == "explain"
    assert route("I have 5 hours a week, what should I learn next?", resolver).name == "next"
    assert route("is there a 3-day crash course on RAG?", resolver).name == "find"


def test_a_time_after_a_plan_is_that_plan_in_that_time(resolver):
    plan = turns("what should I learn before RLHF")
    rate = route("what if I only have 3 hours a week?", resolver, plan)
    assert (rate.name, rate.topics, rate.followup, rate.budget.hours_per_week) == ("plan", ["rlhf"], "budget", 3.0)
    asked = route("how long will that take?", resolver, plan)
    assert (asked.name, asked.topics, asked.budget.asked) == ("plan", ["rlhf"], True)
    # A rate replaces the earlier deadline.
    again = route("每周 10 小时呢", resolver, turns("三个月内学会 RLHF"))
    assert (again.budget.hours_per_week, again.budget.weeks) == (10.0, None)
    assert route("what if I only have 3 hours a week?", resolver, turns("explain BERT")).followup != "budget"


# -- the answer -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library(tmp_path_factory, embedder):
    lib = small_library(tmp_path_factory.mktemp("budget"), embedder, {"lora.md": LORA_ROADMAP})
    yield lib
    lib.close()


def test_a_rate_gives_the_same_weeks_as_the_learning_path(library):
    answer = library.ask("每周 5 小时，多久能学完 LoRA")
    time = answer.structured["time"]
    path = library.plan("LoRA", hours_per_week=5)
    assert time["rates"] == [{"hours_per_week": 5.0, "weeks": len(path.weeks)}] and time["given"]
    assert time["ends"] == path.weeks[-1]["end"]
    assert [w["number"] for w in time["first_weeks"]] == [1, 2, 3]
    assert "**每周 5 小时**" in answer.answer and "第 1 周" in answer.answer


def test_a_deadline_gives_the_rate_that_fits_the_plan_into_it(library):
    answer = library.ask("I want to learn LoRA in 6 weeks")
    time = answer.structured["time"]
    (rate,) = time["rates"]
    assert rate["weeks"] <= 6 and rate["hours_per_week"] >= time["hours_left"] / 6
    assert len(library.plan("LoRA", hours_per_week=rate["hours_per_week"]).weeks) == rate["weeks"]
    assert "**In 6 weeks**" in answer.answer


def test_how_long_alone_gives_the_usual_rates_and_asks_for_the_learners(library):
    answer = library.ask("how long will it take me to learn LoRA?")
    time = answer.structured["time"]
    assert [r["hours_per_week"] for r in time["rates"]] == [5.0, 10.0] and not time["first_weeks"]
    weeks = [r["weeks"] for r in time["rates"]]
    assert weeks[0] >= math.ceil(time["hours_left"] / 5) and weeks[1] >= math.ceil(time["hours_left"] / 10)
    assert "**How long**" in answer.answer and "hours a week you have" in answer.answer
    assert "time" not in library.ask("what should I learn before LoRA?").structured


def test_a_plan_time_renders_a_deadline_that_a_rate_misses():
    payload = PlanPayload(
        TopicRef("lora", "LoRA"),
        [PlanStep("a", "A", "", 10.0, "", "todo"), PlanStep("lora", "LoRA", "", 10.0, "", "todo")],
        20.0,
        time=PlanTime(
            20.0,
            [PlanRate(2.0, 10)],
            deadline_weeks=4.0,
            given=True,
            ends=(dt.date(2027, 1, 1)).isoformat(),
            first_weeks=[PlanWeek(1, "2026-12-01", 2.0, ["a"])],
        ),
    )
    text = render.plan(payload, "en")
    assert "**At 2 h a week**: about 10 weeks for the 20 h left, until 2027-01-01." in text
    assert "more than the 4 weeks you have" in text and "Week 1 (from 2026-12-01, 2 h): A" in text
