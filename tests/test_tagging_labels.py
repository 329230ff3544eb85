"""The labelled tagging set (bench/tagging_labels.toml) keeps its shape, and the seed library's topics keep
the precision and recall measured on it (issue 28: precision >= 0.9 on the test half). The figures are in
the README; `python -m bench.tagging_eval --split both --baseline` prints them."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter

import pytest
from conftest import REPO

from studygraph.graph.catalogue import load_catalogue
from studygraph.store.meta import MetaStore

# Measured 2026-12-01 (precision / recall: dev 0.930 / 0.552, test 0.926 / 0.610); the tagging before
# scored 0.614 / 0.688 and 0.508 / 0.738. Tagging is deterministic: a drop below these is a change to tagging or to the aliases.
PRECISION = 0.9
RECALL = 0.5
FIRST = 0.9


def _tagging_eval():
    """bench/ is not an installed package: load the harness from its file."""
    spec = importlib.util.spec_from_file_location("tagging_eval", REPO / "bench" / "tagging_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["tagging_eval"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


te = _tagging_eval()
LABELS, JUDGED = te.load_labels()


def test_at_least_150_pairs_each_resource_once_every_topic_a_judged_catalogue_topic():
    assert sum(len(lab.topics) for lab in LABELS) >= 150
    assert [k for k, n in Counter(lab.key for lab in LABELS).items() if n > 1] == []
    catalogue = load_catalogue()
    assert {t for lab in LABELS for t in lab.topics} <= JUDGED
    assert JUDGED <= set(catalogue.topics)  # topics are added, never renamed away from the labels


def test_the_halves_are_fixed_by_the_url_and_about_even():
    assert te.split_of("https://arxiv.org/abs/2104.09864") == te.split_of("https://arxiv.org/abs/2104.09864")
    halves = Counter(lab.split for lab in LABELS)
    assert set(halves) == {"dev", "test"} and abs(halves["dev"] - halves["test"]) <= 0.15 * len(LABELS)


def test_the_harness_counts_unjudged_topics_apart():
    lab = te.Label("u", "RoPE", frozenset({"rope", "positional-encoding"}))
    s = te.evaluate(
        [lab],
        frozenset({"rope", "positional-encoding", "word-embeddings"}),
        {"u": ["rope", "word-embeddings", "new-topic"]},
    )
    assert (s.assigned, s.right, s.labelled, s.unjudged) == (2, 1, 2, 1)
    assert (s.precision, s.recall, s.first) == (0.5, 0.5, 1.0)


@pytest.fixture(scope="module")
def resources(seed_library):
    settings, _ = seed_library
    return MetaStore(settings.meta_path, readonly=True).resources()


def test_every_labelled_resource_is_in_the_seed_library(resources):
    keys = {te.key_of(r) for r in resources}
    assert [lab.key for lab in LABELS if lab.key not in keys] == []


@pytest.mark.parametrize("split", ["dev", "test"])
def test_tagging_keeps_its_precision_and_recall(resources, split):
    s = te.evaluate(te.select(LABELS, split), JUDGED, te.library_tags(resources))
    assert s.missing == 0
    assert s.precision >= PRECISION, te.report("tagging", split, s)
    assert s.recall >= RECALL, te.report("tagging", split, s)
    assert s.first >= FIRST, te.report("tagging", split, s)


def test_it_is_more_precise_than_the_tagging_it_replaced(resources):
    labels = te.select(LABELS, "dev")
    now = te.evaluate(labels, JUDGED, te.library_tags(resources))
    before = te.evaluate(labels, JUDGED, te.baseline_tags(resources, load_catalogue()))
    assert now.precision >= before.precision + 0.2
