"""`studygraph mcp`: the library served over stdio to MCP clients (the official `mcp` SDK, the `[mcp]` extra).

Each tool is one `Library` call and returns that result's `to_dict()` — the same data as the CLI command's
`--json` — so an assistant answering "what should I learn before RLHF" gets the learner's own plan, with
only corpus URLs (never a quarantined one: Library reads resources through the store's quarantine).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from studygraph.errors import StudygraphError
from studygraph.library import Library

INSTRUCTIONS = (
    "studygraph is the learner's own study graph for NLP and LLMs: a curated topic map, the prerequisites "
    "between topics, and the learner's roadmaps and papers. Use `plan` for 'what must I learn before X', "
    "`next` for 'what should I learn next', `why` for 'why does A come before B', `search` to find resources, "
    "`ask` for a question in English or Chinese, `mark` to record progress. Cite resources by their URLs."
)
Known = Annotated[
    list[str],
    Field(description="Topics (names, ids, or an area such as 'deep learning') the learner already knows."),
]


class Turn(BaseModel):
    """One earlier turn of the conversation, as the chat page keeps them."""

    role: Literal["user", "assistant"]
    content: str


History = Annotated[
    list[Turn],
    Field(
        description="The conversation's earlier turns, oldest first, so that a follow-up ('give me a video "
        "instead', 'why?', 'more', '中文的呢？') keeps its subject. The assistant turns may be the answers as given."
    ),
]


@contextmanager
def _said(tool_error):
    """Our errors reach the client as they are (one line to act on: "not in the topic map; closest: ...");
    anything else is a crash the SDK reports without its text."""
    try:
        yield
    except StudygraphError as exc:
        raise tool_error(str(exc)) from exc


def build_server(lib: Library):
    """An MCPServer whose tools call `lib`."""
    # The SDK (~500 ms, an optional extra) only for `studygraph mcp`: cli.py imports this module at its top.
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    said = functools.partial(_said, ToolError)

    server = MCPServer("studygraph", instructions=INSTRUCTIONS)
    quiet: dict[str, Library] = {}

    @server.tool()
    def plan(
        goal: Annotated[str, Field(description="The topic to reach, in any language: 'RLHF', '注意力机制'.")],
        known: Known = [],  # noqa: B006 - pydantic copies defaults
    ) -> dict[str, Any]:
        """A learning plan: every prerequisite of the goal in learning order, minus what the learner knows,
        each step with hours, why it is needed and resources from the library."""
        with said():
            return lib.plan(goal, known).to_dict()

    @server.tool(name="next")
    def next_(
        known: Known = [],  # noqa: B006
        k: Annotated[int, Field(ge=1, le=50, description="How many topics.")] = 5,
    ) -> dict[str, Any]:
        """What to learn next: topics whose prerequisites are known, ranked, with reasons and resources."""
        with said():
            return lib.next(known, k).to_dict()

    @server.tool()
    def why(
        source: Annotated[str, Field(description="The earlier topic.")],
        target: Annotated[str, Field(description="The later topic.")],
    ) -> dict[str, Any]:
        """Why `source` comes before `target`: the chain of prerequisite edges and each edge's evidence."""
        with said():
            return lib.why(source, target).to_dict()

    @server.tool()
    def search(
        query: Annotated[str, Field(min_length=1, description="What to look for, in any language.")],
        k: Annotated[int, Field(ge=1, le=50, description="How many results.")] = 10,
        kind: Annotated[
            str | None, Field(description="Only this kind: paper, video, article, course, book, code, ...")
        ] = None,
    ) -> dict[str, Any]:
        """Hybrid search (dense + BM25) over the learner's library, one result per resource; `corrected` says
        which typos of topic names were searched corrected ("transfomer" -> "transformer")."""
        with said():
            return lib.search(query, k=k, kind=kind).to_dict()  # the results, what was corrected, any warning

    @server.tool()
    def ask(
        question: Annotated[str, Field(min_length=1, description="A question in English or Chinese.")],
        no_llm: Annotated[bool, Field(description="The deterministic answer only, no model.")] = False,
        history: History = [],  # noqa: B006 - pydantic copies defaults
    ) -> dict[str, Any]:
        """Ask the study assistant: plans, what next, find, explain, quiz; cited with corpus URLs only. Pass the
        conversation's earlier turns as `history` for a follow-up."""
        target = lib
        if no_llm:
            if "lib" not in quiet:
                quiet["lib"] = Library(lib.settings.model_copy(update={"llm_backend": "none"}))
            target = quiet["lib"]
        with said():
            return target.ask(question, [turn.model_dump() for turn in history] or None).to_dict()

    @server.tool()
    def mark(
        items: Annotated[list[str], Field(min_length=1, description="Topics (names or ids) or resource ids/URLs.")],
        status: Literal["done", "learning", "skipped", "todo"] = "done",
    ) -> dict[str, Any]:
        """Record the learner's progress on topics or resources; it survives every re-ingest."""
        with said():
            return lib.mark(items, status).to_dict()

    return server


def serve(lib: Library) -> None:
    """Serve `lib` on stdin/stdout until the client closes the connection."""
    build_server(lib).run("stdio")
