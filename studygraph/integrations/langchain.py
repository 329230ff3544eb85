"""studygraph for LangChain (`pip install 'studygraph[langchain]'`): the hybrid search as a retriever and the
study-graph operations as tools an agent can call.

    from studygraph import Library
    from studygraph.integrations.langchain import StudygraphRetriever, studygraph_tools

    lib = Library.open()
    StudygraphRetriever(library=lib, k=5).invoke("注意力机制")   # [Document]
    tools = studygraph_tools(lib)                               # plan, next, why, search

Both are thin over `Library`: the same results as the CLI's `--json`, corpus URLs only, never a
quarantined resource. Generation stays on llama.cpp (`Library.ask`), not LangChain's LlamaCpp wrapper.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, ConfigDict, Field

from studygraph.library import Library


class StudygraphRetriever(BaseRetriever):
    """Hybrid search (dense + BM25) over a studygraph library, one Document per resource: `page_content` is
    its best-matching chunk's text, `metadata` its url (also `source`), title, kind, topics, file:line
    (`where`), id, score, `corrected`: the query's typos of topic names, searched corrected (graph/typos.py
    Corrected.to_dict: "transfomer" -> "transformer", its `notice` the sentence to say), else None, and
    `warning`: what the search could not use (the vector store missing or short: lexical results only), else
    None."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    library: Any = Field(default=None, description="A studygraph.Library; default: Library.open().")
    k: int = Field(default=4, ge=1, description="How many documents.")
    kind: str | None = Field(default=None, description="Only resources of this kind (paper, video, ...).")

    def _lib(self) -> Library:
        if self.library is None:
            self.library = Library.open()
        return self.library

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None, **kwargs: Any
    ) -> list[Document]:
        hits = self._lib().search(query, k=k or self.k, kind=kwargs.get("kind", self.kind))
        return [
            Document(
                page_content=h.snippet or h.title,
                metadata={
                    "source": h.url or h.source,
                    "url": h.url,
                    "title": h.title,
                    "kind": h.kind,
                    "topics": h.topics,
                    "where": h.source,
                    "id": h.id,
                    "score": h.score,
                    "corrected": hits.corrected,  # the query's typos, as searched corrected; None when none were
                    "warning": hits.warning,  # e.g. the vector store is missing: these are BM25's alone
                },
            )
            for h in hits
        ]


class _PlanArgs(BaseModel):
    goal: str = Field(description="The topic to reach, in any language: 'RLHF', '注意力机制'.")
    known: list[str] = Field(default_factory=list, description="Topics or areas the learner already knows.")


class _NextArgs(BaseModel):
    known: list[str] = Field(default_factory=list, description="Topics or areas the learner already knows.")
    k: int = Field(default=5, ge=1, le=50, description="How many topics.")


class _WhyArgs(BaseModel):
    source: str = Field(description="The earlier topic.")
    target: str = Field(description="The later topic.")


class _SearchArgs(BaseModel):
    query: str = Field(min_length=1, description="What to look for, in any language.")
    k: int = Field(default=5, ge=1, le=50, description="How many results.")
    kind: str | None = Field(default=None, description="Only this kind: paper, video, article, course, ...")


def _json(result) -> str:
    return json.dumps(result, ensure_ascii=False)


def studygraph_tools(library: Library | None = None) -> list[StructuredTool]:
    """The plan / next / why / search operations as StructuredTools with typed arguments; each returns
    the JSON of the MCP tool of the same name (`search`: its results with what was corrected and any
    warning, which the CLI says on stderr)."""
    lib = library or Library.open()
    return [
        StructuredTool.from_function(
            lambda goal, known=(): _json(lib.plan(goal, known).to_dict()),
            name="plan",
            description="A learning plan: every prerequisite of a goal topic in learning order, minus what "
            "the learner knows, with hours, reasons and resources from the learner's library.",
            args_schema=_PlanArgs,
        ),
        StructuredTool.from_function(
            lambda known=(), k=5: _json(lib.next(known, k).to_dict()),
            name="next",
            description="What the learner should learn next, ranked, with reasons and resources.",
            args_schema=_NextArgs,
        ),
        StructuredTool.from_function(
            lambda source, target: _json(lib.why(source, target).to_dict()),
            name="why",
            description="Why one topic comes before another: the chain of prerequisites and its evidence.",
            args_schema=_WhyArgs,
        ),
        StructuredTool.from_function(
            lambda query, k=5, kind=None: _json(lib.search(query, k=k, kind=kind).to_dict()),
            name="search",
            description="Search the learner's roadmaps and papers for resources (one result per resource): "
            "`results`, best first; `corrected`, the typos of topic names searched corrected (its `notice` is "
            "the sentence to tell the learner), else null; `warning`, what the search could not use, else null.",
            args_schema=_SearchArgs,
        ),
    ]
