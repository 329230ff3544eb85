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
    assert 0 < len(found["results"]) <= 3 and not EVIL.search(json.dumps(found))
    assert found["corrected"] is None and found["warning"] is None


def test_the_search_tool_says_what_it_corrected_as_the_retriever_does():
    """An agent is told the typo it searched corrected, in the words the CLI and the app say it with."""
    search = {t.name: t for t in studygraph_tools(library())}["search"]
    found = json.loads(search.invoke({"query": "attension explained", "k": 3}))
    docs = StudygraphRetriever(library=library(), k=3).invoke("attension explained")
    assert found["corrected"] == docs[0].metadata["corrected"]
    assert found["corrected"]["notice"] == "Showing results for attention (corrected: attension → attention)."
    assert [r["id"] for r in found["results"]] == [d.metadata["id"] for d in docs]


def test_the_search_tool_and_the_retriever_say_when_search_lost_its_vectors(tmp_path):
    """Without its vector store the search still answers (BM25) and both surfaces say what it lacks."""
    from studygraph import Library

    data = tmp_path / "data"
    shutil.copytree(library().settings.data_dir, data)
    shutil.rmtree(data / "chroma")
    lib = Library.open(data, corpus_dirs=library().settings.corpus_dirs, llm_backend="none")
    search = {t.name: t for t in studygraph_tools(lib)}["search"]
    found = json.loads(search.invoke({"query": "attention explained", "k": 3}))
    docs = StudygraphRetriever(library=lib, k=3).invoke("attention explained")
    assert found["results"] and "vector store is missing" in found["warning"]
    assert docs and all(d.metadata["warning"] == found["warning"] for d in docs)
