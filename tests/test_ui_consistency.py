"""The rule the browser tests apply to every page they visit (tests/ui_consistency.py): which messages contradict
each other, read as a learner would, from the messages alone (no browser here)."""

from __future__ import annotations

import pytest
from ui_consistency import Shown, contradictions


def test_a_page_that_agrees_with_itself_passes():
    page = [
        Shown("error", "Not saved: photo.md — binary data"),
        Shown("success", "3 files: 1 added, 0 updated, 2 unchanged, 0 removed; 3 resources (1.2s)"),
        Shown("caption", "No links were found in notes.md."),
        Shown("button", "Save and ingest"),
    ]
    assert contradictions(page, lang="en") == []


@pytest.mark.parametrize(
    "messages, charts, lang, says",
    [
        ([Shown("toast", "Saved photo.md"), Shown("error", "Not saved: photo.md — binary data")], 0, "en", "refusal"),
        ([Shown("toast", "已保存 photo.md"), Shown("error", "未保存 photo.md：binary data")], 0, "zh", "refusal"),
        (
            [Shown("success", "Removed corpus/gone.md: 1 resource(s) went with it."), Shown("error", "gone.md failed")],
            0,
            "en",
            "refusal",
        ),
        (
            [Shown("caption", "No links were found in huge.md."), Shown("error", "Not saved: huge.md — over 5 MB")],
            0,
            "en",
            "no links",
        ),
        ([Shown("warning", "“graph neural networks” is not in the topic map (closest: GNN).")], 1, "en", "stale"),
        ([Shown("warning", "This answer was interrupted before it was finished.")], 0, "zh", "English"),
        ([Shown("info", "资料库里还没有资料，请先导入")], 0, "en", "Chinese"),
    ],
)
def test_contradictions_are_named(messages, charts, lang, says):
    found = contradictions(messages, charts, lang)
    assert len(found) == 1 and says in found[0], found


def test_names_are_not_sentences():
    """A topic's name is the same in both languages: not an English message on a Chinese page."""
    page = [Shown("heading", "Transformer"), Shown("label", "RLHF → DPO · 人工整理"), Shown("button", "LoRA")]
    assert contradictions(page, lang="zh") == []
