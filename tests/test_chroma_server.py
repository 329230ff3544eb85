"""Server mode: a real `chroma run` on 127.0.0.1 holds the vectors (settings.chroma_url), and the library it
produces is the same as the embedded one: same chunk ids, same vector count, same top-5 search results."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, free_port, serving

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"
QUERIES = [
    "transformer attention",
    "reinforcement learning from human feedback",
    "word embeddings word2vec",
    "BERT 预训练",
]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip(f"no chroma CLI at {CHROMA}")
    port = free_port()
    cmd = [str(CHROMA), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)]
    beats = [f"http://127.0.0.1:{port}/api/v2/heartbeat", f"http://127.0.0.1:{port}/api/v1/heartbeat"]
    with serving(cmd, beats, tmp_path / "chroma.log"):
        yield f"http://127.0.0.1:{port}"


def _small_corpus(dest: Path) -> Path:
    dest.mkdir(parents=True)
    files = sorted((CORPUS / "roadmaps").glob("*.md"))[:2]
    for f in files:
        shutil.copy(f, dest / f.name)
    return dest


def test_server_mode_matches_embedded(tmp_path, chroma_server, embedder):
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest
    from studygraph.store.meta import MetaStore
    from studygraph.store.vectors import VectorStore

    corpus = _small_corpus(tmp_path / "corpus")
    served = load_settings(
        data_dir=tmp_path / "served", corpus_dirs=[corpus], llm_backend="none", chroma_url=chroma_server
    )
    local = load_settings(data_dir=tmp_path / "local", corpus_dirs=[corpus], llm_backend="none")
    rep_served = ingest(served, embedder=embedder)
    rep_local = ingest(local, embedder=embedder)
    assert not rep_served.errors and not rep_local.errors
    assert rep_served.chunks == rep_local.chunks > 0
    assert not (served.data_dir / "chroma").exists(), "server mode must not create an embedded store"

    server_vectors = VectorStore(url=chroma_server)
    local_vectors = VectorStore(path=local.chroma_path)
    ids_served = MetaStore(served.meta_path, readonly=True).chunk_ids()
    ids_local = MetaStore(local.meta_path, readonly=True).chunk_ids()
    assert ids_served == ids_local
    assert server_vectors.ids() == ids_served == local_vectors.ids()
    assert server_vectors.count() == local_vectors.count() == len(ids_local)

    # A no-change ingest against the server touches nothing; an environment variable selects the server too.
    again = ingest(served, embedder=embedder)
    assert again.vectors_written == again.vectors_deleted == 0

    engine = pytest.importorskip("studygraph.assistant.engine")
    a_served = engine.Assistant(served, embedder=embedder)
    a_local = engine.Assistant(local, embedder=embedder)
    for q in QUERIES:
        top_served = [(r.resource.id, r.chunk_id) for r in a_served.search(q, k=5)]
        top_local = [(r.resource.id, r.chunk_id) for r in a_local.search(q, k=5)]
        assert top_served, q
        assert top_served == top_local, q


def test_chroma_url_from_environment(monkeypatch, tmp_path):
    from studygraph.config import load_settings

    monkeypatch.setenv("STUDYGRAPH_CHROMA_URL", "http://127.0.0.1:9")
    assert load_settings(data_dir=tmp_path).chroma_url == "http://127.0.0.1:9"
