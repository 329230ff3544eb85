"""Odd CLI input gets a clear answer: a URL in any form ingest folds finds its resource, `-k` below 1 and an
empty query are usage errors, a path that is not there is named, a missing library is one error for every
command that needs one (and `mark` creates nothing), and a long input is cut in the message that echoes it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import write

ROADMAP = """# Notes

## Transformer

- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/) — attention, pictured
- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
"""
MISSING = "no library in"


def run_cli(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:
    """`studygraph ARGV --data-dir D` in this process, through `main` as the console script runs it:
    (exit status, stdout, stderr)."""
    from studygraph.cli import main

    old = sys.argv
    sys.argv = ["studygraph", *argv, "--data-dir", str(data_dir)]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return code, out.out, out.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def small(tmp_path_factory, embedder):
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    root = tmp_path_factory.mktemp("cli-input")
    write(root / "corpus" / "notes.md", ROADMAP)
    settings = load_settings(data_dir=root / "data", corpus_dirs=[root / "corpus"], llm_backend="none")
    ingest(settings, embedder=embedder)
    return settings.data_dir


# -- mark takes a URL as the roadmap (or a browser) writes it -----------------------------------------
JALAMMAR = "https://jalammar.github.io/illustrated-transformer"


@pytest.mark.parametrize(
    "url, resource_url",
    [
        ("https://jalammar.github.io/illustrated-transformer/", JALAMMAR),  # the example of `mark --help`
        ("https://jalammar.github.io/illustrated-transformer", JALAMMAR),
        ("https://jalammar.github.io/illustrated-transformer/?utm_source=twitter&utm_medium=social", JALAMMAR),
        ("https://jalammar.github.io/illustrated-transformer/#the-encoder", JALAMMAR),
        ("HTTPS://Jalammar.GitHub.io/illustrated-transformer/", JALAMMAR),
        ("http://arxiv.org/pdf/1706.03762v7", "https://arxiv.org/abs/1706.03762"),
    ],
)
def test_mark_finds_a_resource_by_any_form_of_its_url(capsys, small, url, resource_url):
    code, out, err = run_cli(capsys, small, "mark", url, "--status", "learning", "--json")
    assert code == 0, err
    (key,) = json.loads(out)["marked"]
    _, out, _ = run_cli(capsys, small, "library", "--json")
    row = next(r for r in json.loads(out) if r["id"] == key)
    assert row["url"] == resource_url and row["status"] == "learning"
    run_cli(capsys, small, "mark", key, "--status", "todo")


def test_mark_of_a_url_the_library_lacks_says_so_in_one_line(capsys, small):
    code, _, err = run_cli(capsys, small, "mark", "https://nowhere.example/page")
    assert code == 1 and "no resource" in one_error_line(err)


# -- counts and queries ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["search", "attention", "-k", "0"],
        ["search", "attention", "-k", "-1"],
        ["next", "-k", "0"],
        ["next", "-k", "-100"],
        ["search", ""],
        ["search", "   "],
    ],
    ids=lambda a: " ".join(a),
)
def test_a_count_below_one_or_an_empty_query_is_a_usage_error(capsys, small, argv):
    code, out, err = run_cli(capsys, small, *argv, "--json")
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert ("-k" in line) or ("query" in line and "empty" in line), line


# -- paths that are not there ---------------------------------------------------------------------------
def test_ingest_of_only_missing_paths_exits_1_naming_them_and_changes_nothing(capsys, tmp_path):
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, data, "ingest", str(tmp_path / "nope.md"), str(tmp_path / "gone"))
    line = one_error_line(err)
    assert code == 1 and "nope.md" in line and "gone" in line and out == ""
    assert not (data / "meta.sqlite").exists()


def test_ingest_names_a_missing_path_and_still_ingests_the_others(capsys, tmp_path):
    notes = write(tmp_path / "notes.md", ROADMAP)
    data = tmp_path / "data"
    code, _, err = run_cli(capsys, data, "ingest", str(tmp_path / "nope.md"), str(notes))
    assert code == 1
    assert one_error_line(err) == f"error: {tmp_path / 'nope.md'}:-: no such file or directory"
    _, out, _ = run_cli(capsys, data, "library", "--json")
    assert len(json.loads(out)) == 2, "the path that is there was ingested"


# -- no library -------------------------------------------------------------------------------------------
NEEDS_A_LIBRARY = [["search", "attention"], ["stats"], ["library"], ["mark", "transformer"]]
CATALOGUE_ALONE = [
    ["path", "rlhf"],
    ["next"],
    ["why", "attention", "transformer"],
    ["graph"],
    ["resolve", "lora"],
    ["ask", "what should I learn before RLHF", "--no-llm"],
]


@pytest.mark.parametrize("argv", NEEDS_A_LIBRARY, ids=lambda a: a[0])
def test_a_missing_library_is_one_error_and_creates_nothing(capsys, tmp_path, argv):
    data = tmp_path / "never-ingested"
    code, out, err = run_cli(capsys, data, *argv, "--json")
    assert code == 1 and out == ""
    assert one_error_line(err) == f"error: no library in {data} yet: run `studygraph ingest` first"
    assert not data.exists(), "asking never creates a data dir or an empty database"


@pytest.mark.parametrize("argv", NEEDS_A_LIBRARY, ids=lambda a: a[0])
def test_a_deleted_library_is_the_same_error(capsys, tmp_path, embedder, argv):
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    write(tmp_path / "corpus" / "notes.md", ROADMAP)
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[tmp_path / "corpus"], llm_backend="none")
    ingest(settings, embedder=embedder)
    for f in settings.data_dir.glob("meta.sqlite*"):
        f.unlink()
    code, _, err = run_cli(capsys, settings.data_dir, *argv)
    assert code == 1 and MISSING in one_error_line(err)
    assert not settings.meta_path.exists()


@pytest.mark.parametrize("argv", CATALOGUE_ALONE, ids=lambda a: a[0])
def test_plans_and_the_graph_answer_from_the_catalogue_without_a_library(capsys, tmp_path, argv):
    data = tmp_path / "never-ingested"
    code, out, err = run_cli(capsys, data, *argv, "--json")
    assert code == 0, err
    assert json.loads(out)
    assert not (data / "meta.sqlite").exists()


# -- long input -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["path", "spiking neural networks " * 5000],
        ["why", "x" * 100_000, "transformer"],
        ["next", "--known", "y" * 100_000],
        ["resolve", "q" * 100_000],
    ],
    ids=lambda a: a[0],
)
def test_a_long_input_is_cut_in_the_error_that_echoes_it(capsys, small, argv):
    code, _, err = run_cli(capsys, small, *argv)
    line = one_error_line(err)
    assert code == 1 and len(line) < 400 and "…" in line, line[:500]


def test_shown_cuts_to_80_characters_on_one_line():
    from studygraph.cli import shown

    assert shown("RLHF") == "'RLHF'"
    cut = shown("a\nb " * 100)
    assert "\n" not in cut and len(cut) == 80 + 2 and cut.endswith("…'")


# -- binary data anywhere in a markdown file --------------------------------------------------------------
def test_a_nul_byte_past_the_first_8_kb_is_found_with_its_line():
    from studygraph.errors import FileProblem
    from studygraph.ingest.files import decode_markdown

    data = b"# Notes\n" + b"- [a](https://example.org/a)\n" * 1000 + b"\x00\x01binary"
    assert len(data) > 8192
    with pytest.raises(FileProblem) as info:
        decode_markdown(data)
    assert "NUL" in str(info.value) and info.value.line == 1002


# -- typos of topic names: corrected, and said (graph/typos.py) ------------------------------------------------
def test_a_typo_in_a_path_goal_plans_for_the_topic_and_says_what_was_corrected(capsys, tmp_path):
    code, out, err = run_cli(capsys, tmp_path / "none", "path", "RHLF", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["goal"]["id"] == "rlhf"
    assert plan["corrected"]["corrections"] == [{"typed": "RHLF", "corrected": "RLHF"}]
    code, out, _ = run_cli(capsys, tmp_path / "none", "path", "RHLF")
    assert out.splitlines()[0] == "Showing results for RLHF (corrected: RHLF → RLHF)."
    assert out.splitlines()[1].startswith("Plan for Reinforcement learning from human feedback (RLHF)")
    code, out, _ = run_cli(capsys, tmp_path / "none", "path", "RLHF", "--json")
    assert json.loads(out)["corrected"] is None, "a name spelt right is not corrected"


def test_a_typo_in_ask_and_resolve_is_a_json_field_and_the_answer_says_it(capsys, small):
    code, out, err = run_cli(capsys, small, "ask", "explain attension", "--json", "--no-llm")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["intent"] == "explain" and answer["structured"]["topic"]["id"] == "attention"
    assert answer["corrected"]["text"] == "explain attention"
    assert answer["answer"].startswith("Showing results for attention (corrected: attension → attention).")
    code, out, _ = run_cli(capsys, small, "ask", "学习 transfomer 之前要学什么", "--no-llm")
    assert out.startswith("以下是“transformer”的结果（已更正：transfomer → transformer）。")
    code, out, _ = run_cli(capsys, small, "resolve", "attension", "--json")
    assert json.loads(out)["id"] == "attention" and json.loads(out)["corrected"]["showing"] == ["attention"]


def test_a_typo_in_a_search_boosts_the_topic_and_says_so_on_stderr(capsys, small):
    code, out, err = run_cli(capsys, small, "search", "illustrated transfomer", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits and hits[0]["title"] == "The Illustrated Transformer" and "transformer" in hits[0]["topics"]
    assert "Showing results for transformer (corrected: transfomer → transformer)." in err
    code, out, err = run_cli(capsys, small, "search", "illustrated transformer", "--json")
    assert "Showing results" not in err


def test_typos_in_why_names_are_corrected_and_said(capsys, tmp_path):
    code, out, err = run_cli(capsys, tmp_path / "none", "why", "attension", "RHLF", "--json")
    assert code == 0, err
    why = json.loads(out)
    assert why["path"][0] == "attention" and why["path"][-1] == "rlhf"
    assert [c["corrections"] for c in why["corrected"]] == [
        [{"typed": "attension", "corrected": "attention"}],
        [{"typed": "RHLF", "corrected": "RLHF"}],
    ]
    _, out, _ = run_cli(capsys, tmp_path / "none", "why", "attension", "RLHF")
    assert out.splitlines()[0] == "Showing results for attention (corrected: attension → attention)."
    _, out, _ = run_cli(capsys, tmp_path / "none", "why", "attention", "RLHF", "--json")
    assert json.loads(out)["corrected"] == []


def test_typos_in_known_names_are_corrected_and_said_by_path_and_next(capsys, tmp_path):
    code, out, err = run_cli(capsys, tmp_path / "none", "path", "RHLF", "--known", "transfomer,deep learning", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert "transformer" not in plan["topics"], "the known name is read corrected, so it is left out"
    assert [c["corrections"] for c in plan["known_corrected"]] == [
        [{"typed": "transfomer", "corrected": "transformer"}]
    ]
    assert plan["corrected"]["corrections"] == [{"typed": "RHLF", "corrected": "RLHF"}], "the goal's, as before"
    _, out, _ = run_cli(capsys, tmp_path / "none", "path", "RLHF", "--known", "transfomer")
    assert out.splitlines()[0] == "--known: “transfomer” read as “transformer”."
    code, out, err = run_cli(capsys, tmp_path / "none", "next", "--known", "attension", "-k", "3", "--json")
    assert code == 0, err
    after = json.loads(out)
    assert after["corrected"][0]["text"] == "attention" and "attention" not in [t["id"] for t in after["topics"]]
    _, out, _ = run_cli(capsys, tmp_path / "none", "next", "--known", "attension", "-k", "3")
    assert out.splitlines()[0] == "--known: “attension” read as “attention”."
    _, out, _ = run_cli(capsys, tmp_path / "none", "next", "--known", "attention", "--json")
    assert json.loads(out)["corrected"] == [], "a name spelt right is not corrected"


def test_a_typo_in_a_topic_to_mark_is_corrected_and_said(capsys, small):
    code, out, err = run_cli(capsys, small, "mark", "attension", "--status", "learning", "--json")
    assert code == 0, err
    marked = json.loads(out)
    assert marked["marked"] == ["topic:attention"]
    assert marked["corrected"][0]["corrections"] == [{"typed": "attension", "corrected": "attention"}]
    code, out, _ = run_cli(capsys, small, "mark", "attension", "--status", "todo")  # and the mark is gone again
    assert out.splitlines() == [
        "Showing results for attention (corrected: attension → attention).",
        "marked topic:attention as todo",
    ]
