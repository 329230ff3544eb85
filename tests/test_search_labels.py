"""The labelled search set (bench/search_labels.toml) keeps its shape: enough queries in every group, each
accepted answer is one real resource of the seed library, no query twice, and a dev/test split balanced
per group. It scores no ranking (that is `python -m bench.search_eval`)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter

import pytest
from conftest import REPO

from studygraph.store.meta import MetaStore

LABELS = REPO / "bench" / "search_labels.toml"
MINIMUMS = {"zh": 40, "crosslingual": 25, "named": 15, "intro": 15, "paper": 10, "mixed": 0}
CJK = re.compile(r"[\u4e00-\u9fff]")
EN_STOPWORDS = set("a an and are at be by do for from how i in is it me my of on or the to what where with".split())


def load_queries() -> list[dict]:
    return tomllib.loads(LABELS.read_text(encoding="utf-8"))["query"]


def matching(entry: str, resources) -> list:
    """An accept entry is a resource's exact title, or else a substring of its URL."""
    return [r for r in resources if r.title == entry or (r.url and entry in r.url)]


def words(text: str) -> set[str]:
    """Latin words and Chinese character pairs: enough to tell whether a query shares a word with a title."""
    latin = {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in EN_STOPWORDS and len(w) > 1}
    han = "".join(CJK.findall(text))
    return latin | {han[i : i + 2] for i in range(len(han) - 1)}


QUERIES = load_queries()


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
    normalised = Counter(re.sub(r"\s+", " ", q["text"].casefold()).strip(" ?？") for q in QUERIES)
    assert [t for t, n in normalised.items() if n > 1] == []


@pytest.mark.parametrize("group", sorted(MINIMUMS))
def test_split_is_balanced_within_each_group(group):
    splits = Counter(q["split"] for q in QUERIES if q["group"] == group)
    assert abs(splits["dev"] - splits["test"]) <= 1, splits


def test_every_accepted_answer_is_exactly_one_resource_of_the_seed_library(seed_library):
    settings, _ = seed_library
    resources = MetaStore(settings.meta_path, readonly=True).resources()
    unmatched = [(q["text"], e, len(matching(e, resources))) for q in QUERIES for e in q["accept"]]
    assert [u for u in unmatched if u[2] != 1] == []


def test_crosslingual_queries_share_no_word_with_their_answers(seed_library):
    settings, _ = seed_library
    resources = MetaStore(settings.meta_path, readonly=True).resources()
    shared = []
    for q in QUERIES:
        if q["group"] != "crosslingual":
            continue
        for entry in q["accept"]:
            (r,) = matching(entry, resources)
            common = words(q["text"]) & (words(r.title) | words(r.url or ""))
            if common:
                shared.append((q["text"], r.title, sorted(common)))
    assert shared == []
