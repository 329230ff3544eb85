"""studygraph for LangChain: `StudygraphRetriever` passes langchain-tests' standard retriever suite on a real
library (real MiniLM, real Chroma on disk), never returns a quarantined resource, and the study-graph
operations work as StructuredTools."""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from conftest import FIXTURES, write

pytest.importorskip("langchain_tests")

from langchain_tests.integration_tests import RetrieversIntegrationTests  # noqa: E402

from studygraph.integrations.langchain import StudygraphRetriever, studygraph_tools  # noqa: E402

EVIL = re.compile(r"evil\.example|attacker\.test")
ROADMAP = """# Attention reading list

## Attention

- [Attention? Attention!](https://lilianweng.github.io/posts/2018-06-24-attention/) — attention mechanisms explained
- [Visualizing attention in seq2seq](https://jalammar.github.io/visualizing-neural-machine-translation-mechanics-of-seq2seq-models-with-attention/)
- [Neural machine translation by jointly learning to align and translate](https://arxiv.org/abs/1409.0473), attention's paper
- [The Annotated Transformer](https://nlp.seas.harvard.edu/annotated-transformer/) — attention in code
"""


@cache
def library():
    """One small real library for the whole module (the standard suite builds retrievers from properties,
    not fixtures): a reading list on attention beside the injection roadmap."""
    from studygraph import Library

    root = Path(tempfile.mkdtemp(prefix="studygraph-langchain-"))
    atexit.register(shutil.rmtree, root, True)
    write(root / "corpus" / "attention.md", ROADMAP)
    write(root / "corpus" / "injection.md", (FIXTURES / "injection" / "attention-roadmap.md").read_text("utf-8"))
    lib = Library.open(root / "data", corpus_dirs=[root / "corpus"], llm_backend="none")
    assert not lib.ingest().errors
    return lib


class TestStudygraphRetriever(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[StudygraphRetriever]:
        return StudygraphRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"library": library(), "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "attention explained"


def test_documents_carry_where_they_come_from_and_never_a_quarantined_link():
    docs = StudygraphRetriever(library=library(), k=20).invoke("attention guide tutorial")
    assert docs and not EVIL.search(json.dumps([d.metadata for d in docs]) + " ".join(d.page_content for d in docs))
    urls = library().resources_urls()
    for d in docs:
        assert d.metadata["url"] in urls and d.metadata["source"] == d.metadata["url"]
        assert re.search(r":\d+$", d.metadata["where"]) and d.metadata["kind"] and d.page_content


def test_documents_say_what_was_corrected_in_the_query():
    docs = StudygraphRetriever(library=library(), k=3).invoke("attension explained")
    fixed = docs[0].metadata["corrected"]
    assert fixed["corrections"] == [{"typed": "attension", "corrected": "attention"}] and fixed["notice"]
    assert all(d.metadata["corrected"] == fixed for d in docs)
    assert StudygraphRetriever(library=library(), k=3).invoke("attention explained")[0].metadata["corrected"] is None


def test_the_study_graph_as_tools():
    tools = {t.name: t for t in studygraph_tools(library())}
    assert set(tools) == {"plan", "next", "why", "search"}
    assert tools["plan"].args["goal"]["type"] == "string"
    plan = json.loads(tools["plan"].invoke({"goal": "transformer", "known": ["deep learning"]}))
    assert plan["goal"]["id"] == "transformer" and not EVIL.search(json.dumps(plan))
    why = json.loads(tools["why"].invoke({"source": "attention", "target": "transformer"}))
    assert why["path"][0] == "attention"
    found = json.loads(tools["search"].invoke({"query": "attention", "k": 3}))
    assert 0 < len(found) <= 3 and not EVIL.search(json.dumps(found))
