"""Questions about "it" ("who introduced it?", "那它之前要学什么", "is there a video about this paper?"): with no
topic of their own they take the subject of the most recent earlier turn that had one, and keep their own
intent. Questions that merely contain "it" or "this", and questions with no history, are routed as before."""

from __future__ import annotations

import pytest

from studygraph.assistant.intents import names_pronoun, route
from studygraph.assistant.query import language, wants_hint


@pytest.fixture(scope="module")
def resolver():
    from studygraph.graph.catalogue import load_catalogue
    from studygraph.graph.resolve import Resolver

    return Resolver(load_catalogue())


def turns(*questions: str) -> list[dict]:
    """A conversation of these questions, each with an answer."""
    return [m for q in questions for m in ({"role": "user", "content": q}, {"role": "assistant", "content": "…"})]


EXPLAIN_ZH = turns("什么是 Transformer？")
EXPLAIN_EN = turns("what is a transformer?")

# (question, its intent, the kind of resource it asks for)
ABOUT_IT = [
    ("它是谁提出的？", "find", None),
    ("who introduced it?", "find", None),
    ("is there a video about it?", "find", "video"),
    ("what should I learn before it?", "plan", None),
    ("那它之前要学什么", "plan", None),
    ("这个有什么好的教程", "find", None),
    ("explain it more simply", "explain", None),
    ("what comes after it?", "next", None),
    ("学完它之后学什么", "next", None),
    ("这篇论文是谁写的", "find", "paper"),
    ("who wrote this paper?", "find", "paper"),
    ("这个方法的原理是什么", "explain", None),
    ("how does it work?", "explain", None),
    ("quiz me on it", "quiz", None),
]


@pytest.mark.parametrize("history", [EXPLAIN_ZH, EXPLAIN_EN], ids=["zh-history", "en-history"])
@pytest.mark.parametrize("text, name, kind", ABOUT_IT)
def test_a_question_about_it_takes_the_earlier_subject_and_keeps_its_own_intent(resolver, history, text, name, kind):
    intent = route(text, resolver, history)
    assert (intent.name, intent.topics, intent.kind, intent.followup) == (name, ["transformer"], kind, "pronoun")
    assert intent.context is not None and intent.context.name == "explain"
    assert intent.lang == language(text) and intent.missing is None  # "那它" is no plan subject the map lacks
    if name == "find":  # what the search runs on: the subject's name, not "who introduced it?"
        assert intent.subject == "Transformer"


def test_the_meta_topics_its_words_name_stay_behind_the_subject(resolver):
    """ "resources" and "面试题" name meta topics (learning resources, interview prep): what it asks for, about "it"."""
    find = route("give me resources on this topic", resolver, EXPLAIN_EN)
    assert (find.name, find.topics, find.followup) == ("find", ["transformer", "learning-resources"], "pronoun")
    quiz = route("有没有关于它的面试题", resolver, EXPLAIN_ZH)
    assert (quiz.name, quiz.topics, quiz.followup) == ("quiz", ["transformer", "interview-prep"], "pronoun")


def test_an_origin_ask_about_it_is_a_find_for_its_paper(resolver):
    for text in ("它是谁提出的？", "who introduced it?"):
        intent = route(text, resolver, EXPLAIN_EN)
        assert intent.name == "find" and wants_hint(intent.raw) == "origin"


def test_the_subject_is_the_most_recent_earlier_turn_that_had_one(resolver):
    # "thanks" and "what should I learn next?" name nothing: passed over.
    history = turns("什么是 Transformer？", "thanks", "what should I learn next?")
    assert route("who introduced it?", resolver, history).topics == ["transformer"]
    # A plan's goal, also past the "why?" about it.
    plan = turns("what should I learn before RLHF")
    assert route("is there a video about it?", resolver, plan).topics == ["rlhf"]
    why = route("is there a video about it?", resolver, plan + turns("why?"))
    assert (why.topics, why.kind, why.context.name) == (["rlhf"], "video", "plan")
    # A newer subject wins; "它们" takes all of a turn's topics.
    later = turns("什么是 Transformer？", "BERT 和 GPT 有什么区别")
    assert route("它们分别是谁提出的", resolver, later).topics == ["bert", "gpt"]


def test_a_find_about_words_the_map_lacks_passes_its_words_on(resolver):
    history = turns("papers on spiking networks")
    intent = route("is there a video about it?", resolver, history)
    assert (intent.name, intent.kind, intent.subject) == ("find", "video", "papers on spiking networks")
    # Words are something to search, not a topic to explain: that stays as it was.
    assert route("explain it", resolver, history).followup is None


def test_followups_of_a_question_about_it_search_its_subject(resolver):
    history = EXPLAIN_EN + turns("who introduced it?")
    more = route("more", resolver, history)
    assert (more.followup, more.page, more.subject, more.topics) == ("more", 2, "Transformer", ["transformer"])
    video = route("give me a video instead", resolver, history)
    assert (video.followup, video.kind, video.topics) == ("kind", "video", ["transformer"])


def test_the_other_followups_keep_their_own_readings(resolver):
    assert route("有没有关于它的视频", resolver, EXPLAIN_ZH).followup == "kind"
    assert route("is it in English?", resolver, EXPLAIN_EN).followup == "language"
    assert route("what's next after it", resolver, EXPLAIN_EN).followup == "after"
    assert route("why is it first?", resolver, turns("what should I learn before RLHF")).followup == "why"


# (question, after "什么是 Transformer？": what it is routed as, its topics) — the same as with no history.
NOT_ABOUT_IT = [
    ("is it worth learning RLHF?", "explain", ["rlhf"]),  # names its own topic
    ("what is it like to study NLP?", "explain", ["nlp-overview"]),
    ("what is it like to be a researcher?", "chitchat", []),  # an "it" that points at nothing
    ("this week I want to learn something", "find", []),  # "this week" is no pronoun subject
    ("这个月学什么", "chitchat", []),
    ("thanks, that helps", "chitchat", []),
    ("tell me a joke about it", "chitchat", []),
    ("a course that covers the basics", "find", []),  # "that" of a clause, not a demonstrative
    ("那它和 BERT 有哪些资料", "find", ["bert"]),  # a topic of its own: routed as it is
    ("I finished it", "chitchat", []),  # after a list, "it" may be a resource: nothing marked done for it
]


@pytest.mark.parametrize("text, name, topics", NOT_ABOUT_IT)
def test_questions_that_merely_contain_it_are_routed_as_without_history(resolver, text, name, topics):
    intent = route(text, resolver, EXPLAIN_ZH)
    assert (intent.name, intent.topics, intent.followup) == (name, topics, None)
    alone = route(text, resolver)
    assert (alone.name, alone.topics) == (name, topics)


@pytest.mark.parametrize("text, name, kind", ABOUT_IT)
def test_with_no_history_a_question_about_it_is_routed_as_before(resolver, text, name, kind):
    intent = route(text, resolver)
    assert intent.followup is None and "transformer" not in intent.topics


@pytest.mark.parametrize(
    "text, pronoun",
    [
        ("who introduced it?", True),
        ("explain this", True),
        ("how does that method work?", True),
        ("这个模型怎么训练", True),
        ("那它之前要学什么", True),
        ("what is it like to study NLP?", False),
        ("got it", False),
        ("this week I want to learn", False),
        ("a course that covers attention", False),
        ("这周学什么", False),
        ("这个月学什么", False),
    ],
)
def test_what_counts_as_a_pronoun_subject(text, pronoun):
    assert names_pronoun(text) is pronoun


@pytest.mark.parametrize("question", ["how far am I with it?", "did I finish it?", "这个我学完了吗"])
def test_how_far_am_i_with_it_reports_on_the_earlier_subject(resolver, question):
    intent = route(question, resolver, EXPLAIN_EN)
    assert (intent.name, intent.report, intent.topics) == ("progress", True, ["transformer"]), intent
