"""The labelled search set (bench/search_labels.toml) keeps its shape: enough queries in every group, each
accepted answer is one real resource of the seed library, no query twice, and a dev/test split balanced
per group. The held-out set (bench/search_holdout.toml, one `holdout` half) and the tuning set
(bench/search_tune.toml, one `tune` half) keep the same rules, and no query is in two of the three files. It
scores no ranking (that is `python -m bench.search_eval`)."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from collections import Counter

import pytest
from conftest import REPO

from studygraph.store.meta import MetaStore

LABELS = REPO / "bench" / "search_labels.toml"
HOLDOUT = REPO / "bench" / "search_holdout.toml"
TUNE = REPO / "bench" / "search_tune.toml"
TUNE2 = REPO / "bench" / "search_tune2.toml"  # a second tuning set: cross-lingual paraphrases only
TUNE3 = REPO / "bench" / "search_tune3.toml"  # a third, written when tune2 was saturated too
TUNE4 = REPO / "bench" / "search_tune4.toml"  # a fourth, written when tune3 was saturated too
TUNE5 = REPO / "bench" / "search_tune5.toml"  # a fifth, written when tune2-tune4 were near saturated
TUNE6 = REPO / "bench" / "search_tune6.toml"  # a sixth, short paraphrases, when tune2-tune5 were near saturated
MINIMUMS = {"zh": 40, "crosslingual": 25, "named": 15, "intro": 15, "paper": 10, "mixed": 0}
HOLDOUT_MINIMUMS = {"zh": 8, "crosslingual": 18, "named": 6, "intro": 8, "paper": 4, "mixed": 0}
# The tuning set leans on the test half's weak groups; each of these three is asked in both languages.
TUNE_MINIMUMS = {"zh": 3, "crosslingual": 20, "named": 10, "intro": 20, "paper": 15, "mixed": 3}
CJK = re.compile(r"[\u4e00-\u9fff]")
EN_STOPWORDS = set("a an and are at be by do for from how i in is it me my of on or the to what where with".split())


def load_queries(path=LABELS) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["query"]


def matching(entry: str, resources) -> list:
    """An accept entry is a resource's exact title, or else a substring of its URL."""
    return [r for r in resources if r.title == entry or (r.url and entry in r.url)]


def words(text: str) -> set[str]:
    """Latin words and Chinese character pairs: enough to tell whether a query shares a word with a title."""
    latin = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in EN_STOPWORDS and len(w) > 1}
    han = "".join(CJK.findall(text))
    return latin | {han[i : i + 2] for i in range(len(han) - 1)}


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip(" ?？")


QUERIES = load_queries()
HELD_OUT = load_queries(HOLDOUT)
TUNING = load_queries(TUNE)
CROSS_TUNING = load_queries(TUNE2)
CROSS_TUNING3 = load_queries(TUNE3)
CROSS_TUNING4 = load_queries(TUNE4)
CROSS_TUNING5 = load_queries(TUNE5)
CROSS_TUNING6 = load_queries(TUNE6)


def test_every_query_has_text_group_lang_split_and_answers():
    for q in QUERIES:
        assert set(q) <= {"text", "group", "lang", "split", "accept", "note"}, q
        assert q["text"].strip() == q["text"] and q["text"], q
        assert q["group"] in MINIMUMS, q
        assert q["split"] in ("dev", "test"), q
        assert q["lang"] == ("zh" if CJK.search(q["text"]) else "en"), q
        assert q["accept"] and len(set(q["accept"])) == len(q["accept"]), q


def test_groups_reach_their_minimums_and_half_the_queries_are_chinese():
    counts = Counter(q["group"] for q in QUERIES)
    assert len(QUERIES) >= 130
    for group, least in MINIMUMS.items():
        assert counts[group] >= least, (group, counts)
    assert sum(q["lang"] == "zh" for q in QUERIES) >= 0.45 * len(QUERIES)


def test_no_query_twice():
    counts = Counter(normalised(q["text"]) for q in QUERIES)
    assert [t for t, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("group", sorted(MINIMUMS))
def test_split_is_balanced_within_each_group(group):
    splits = Counter(q["split"] for q in QUERIES if q["group"] == group)
    assert abs(splits["dev"] - splits["test"]) <= 1, splits


@pytest.mark.parametrize(
    "queries",
    [QUERIES, HELD_OUT, TUNING, CROSS_TUNING, CROSS_TUNING3, CROSS_TUNING4, CROSS_TUNING5, CROSS_TUNING6],
    ids=["labels", "holdout", "tune", "tune2", "tune3", "tune4", "tune5", "tune6"],
)
def test_every_accepted_answer_is_exactly_one_resource_of_the_seed_library(seed_library, queries):
    settings, _ = seed_library
    resources = MetaStore(settings.meta_path, readonly=True).resources()
    unmatched = [(q["text"], e, len(matching(e, resources))) for q in queries for e in q["accept"]]
    assert [u for u in unmatched if u[2] != 1] == []


@pytest.mark.parametrize(
    "queries",
    [QUERIES, HELD_OUT, TUNING, CROSS_TUNING, CROSS_TUNING3, CROSS_TUNING4, CROSS_TUNING5, CROSS_TUNING6],
    ids=["labels", "holdout", "tune", "tune2", "tune3", "tune4", "tune5", "tune6"],
)
def test_crosslingual_queries_share_no_word_with_their_answers(seed_library, queries):
    settings, _ = seed_library
    resources = MetaStore(settings.meta_path, readonly=True).resources()
    shared = []
    for q in queries:
        if q["group"] != "crosslingual":
            continue
        for entry in q["accept"]:
            (r,) = matching(entry, resources)
            common = words(q["text"]) & (words(r.title) | words(r.url or ""))
            if common:
                shared.append((q["text"], r.title, sorted(common)))
    assert shared == []


@pytest.mark.parametrize(
    "queries, split, minimums, least",
    [(HELD_OUT, "holdout", HOLDOUT_MINIMUMS, 48), (TUNING, "tune", TUNE_MINIMUMS, 70)],
    ids=["holdout", "tune"],
)
def test_a_later_set_is_one_half_with_its_group_minimums_and_the_same_fields(queries, split, minimums, least):
    counts = Counter(q["group"] for q in queries)
    assert len(queries) >= least
    for group, fewest in minimums.items():
        assert counts[group] >= fewest, (group, counts)
    for q in queries:
        assert set(q) <= {"text", "group", "lang", "split", "accept", "note"}, q
        assert q["text"].strip() == q["text"] and q["text"], q
        assert q["split"] == split and q["group"] in minimums, q
        assert q["lang"] == ("zh" if CJK.search(q["text"]) else "en"), q
        assert q["accept"] and len(set(q["accept"])) == len(q["accept"]), q


def test_the_tuning_set_has_both_languages_where_it_counts():
    langs = Counter((q["group"], q["lang"]) for q in TUNING)
    assert langs["intro", "zh"] >= 10 and langs["intro", "en"] >= 10, langs
    for group in ("paper", "crosslingual"):
        assert langs[group, "zh"] >= 5 and langs[group, "en"] >= 5, (group, langs)


def test_the_holdout_repeats_no_query_of_its_own_or_of_the_labelled_set():
    counts = Counter(normalised(q["text"]) for q in HELD_OUT)
    assert [t for t, n in counts.items() if n > 1] == []
    assert {normalised(q["text"]) for q in HELD_OUT} & {normalised(q["text"]) for q in QUERIES} == set()


def test_the_holdout_says_its_decision_rule_before_its_queries():
    head = HOLDOUT.read_text(encoding="utf-8").split("[[query]]")[0]
    assert "DECISION RULE" in head and "e5-small" in head and "use-m3" in head


def test_the_tuning_sets_intro_queries_accept_explainers_only(seed_library):
    settings, _ = seed_library
    resources = MetaStore(settings.meta_path, readonly=True).resources()
    intro = [
        (q["text"], r) for q in TUNING if q["group"] == "intro" for e in q["accept"] for r in matching(e, resources)
    ]
    assert [(text, r.title) for text, r in intro if r.kind == "paper"] == []


def test_no_query_is_in_two_of_the_three_files_or_twice_in_the_tuning_set():
    counts = Counter(normalised(q["text"]) for q in TUNING)
    assert [t for t, n in counts.items() if n > 1] == []
    others = {normalised(q["text"]) for q in QUERIES} | {normalised(q["text"]) for q in HELD_OUT}
    assert {normalised(q["text"]) for q in TUNING} & others == set()


def test_the_tuning_set_says_what_it_is_before_its_queries():
    head = TUNE.read_text(encoding="utf-8").split("[[query]]")[0]
    assert "TUNING" in head and "never a reported" in head and "BEFORE any search" in head


def _search_eval():
    """bench/ is not an installed package: load the harness from its file."""
    spec = importlib.util.spec_from_file_location("search_eval", REPO / "bench" / "search_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_eval"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_harness_scores_rank_one_rank_three_and_a_miss():
    se = _search_eval()
    book = {"title": "Deep Learning", "url": None}
    paper = {"title": "Attention Is All You Need", "url": "https://arxiv.org/abs/1706.03762"}
    other = {"title": "Something else", "url": "https://example.org/x"}
    rankings = {"a": [book, other], "b": [other, other, paper], "c": [other] * 10 + [paper]}
    queries = [
        se.LabelledQuery("a", "named", "en", "dev", ("Deep Learning",)),
        se.LabelledQuery("b", "paper", "en", "dev", ("arxiv.org/abs/1706.03762",)),
        se.LabelledQuery("c", "paper", "en", "dev", ("arxiv.org/abs/1706.03762",)),  # rank 11: past MRR's depth
    ]
    ev = se.evaluate(lambda text, k: rankings[text], queries)
    assert ev.groups["named"].to_dict() == {"n": 1, "recall@1": 1.0, "recall@5": 1.0, "mrr": 1.0}
    assert ev.groups["paper"].to_dict() == {"n": 2, "recall@1": 0.0, "recall@5": 0.5, "mrr": round(1 / 6, 4)}
    assert ev.overall.to_dict() == {"n": 3, "recall@1": round(1 / 3, 4), "recall@5": round(2 / 3, 4), "mrr": 0.4444}


def test_the_labels_file_loads_into_the_harness_with_hybrid_bm25_and_dense_registered():
    se = _search_eval()
    assert {q.text for q in se.load_labels()} == {q["text"] for q in QUERIES}
    assert {"hybrid", "bm25", "dense"} <= set(se.VARIANTS)
    assert len(se.select(se.load_labels(), "dev")) + len(se.select(se.load_labels(), "test")) == len(QUERIES)


def test_the_holdout_file_loads_into_the_harness_as_its_own_split():
    se = _search_eval()
    held_out = se.load_labels(se.HOLDOUT)
    assert {q.text for q in se.select(held_out, "holdout")} == {q["text"] for q in HELD_OUT}
    assert se.select(held_out, "dev") == [] and se.select(se.load_labels(), "holdout") == []


def test_the_tuning_file_loads_into_the_harness_as_its_own_split():
    se = _search_eval()
    tuning = se.load_labels(se.TUNE)
    assert {q.text for q in se.select(tuning, "tune")} == {q["text"] for q in TUNING}
    assert se.select(tuning, "dev") == [] and se.select(se.load_labels(), "tune") == []
    assert "tune" in se.TUNABLE and "test" not in se.TUNABLE and "holdout" not in se.TUNABLE


@pytest.mark.parametrize(
    "queries, path, earlier",
    [
        (CROSS_TUNING, TUNE2, QUERIES + HELD_OUT + TUNING),
        (CROSS_TUNING3, TUNE3, QUERIES + HELD_OUT + TUNING + CROSS_TUNING),
        (CROSS_TUNING4, TUNE4, QUERIES + HELD_OUT + TUNING + CROSS_TUNING + CROSS_TUNING3),
        (CROSS_TUNING5, TUNE5, QUERIES + HELD_OUT + TUNING + CROSS_TUNING + CROSS_TUNING3 + CROSS_TUNING4),
        (
            CROSS_TUNING6,
            TUNE6,
            QUERIES + HELD_OUT + TUNING + CROSS_TUNING + CROSS_TUNING3 + CROSS_TUNING4 + CROSS_TUNING5,
        ),
    ],
    ids=["tune2", "tune3", "tune4", "tune5", "tune6"],
)
def test_the_cross_lingual_tuning_set_is_one_tune_half_in_both_directions_and_repeats_no_query(queries, path, earlier):
    langs = Counter(q["lang"] for q in queries)
    assert len(queries) >= 24 and langs["zh"] >= 12 and langs["en"] >= 12, langs
    for q in queries:
        assert set(q) <= {"text", "group", "lang", "split", "accept", "note"}, q
        assert q["group"] == "crosslingual" and q["split"] == "tune", q
        assert q["lang"] == ("zh" if CJK.search(q["text"]) else "en"), q
        assert q["accept"] and len(set(q["accept"])) == len(q["accept"]), q
    texts = [normalised(q["text"]) for q in queries]
    others = {normalised(q["text"]) for q in earlier}
    assert len(set(texts)) == len(texts) and set(texts) & others == set()
    head = path.read_text(encoding="utf-8").split("[[query]]")[0]
    assert "TUNING" in head and "never a reported" in head and "BEFORE any search" in head
