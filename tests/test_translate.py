"""Cross-lingual query translation (assistant/translate.py): a Chinese question finds an English resource it
shares no word with through CC-CEDICT, a dictionary file that is not the pinned one is refused, and a query in
a fresh process reads the library's small table, never the dictionary."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from studygraph.assistant import retrieval, translate
from studygraph.errors import ModelUnavailable

ROADMAP = """# Machine learning odds and ends

- [Junk Mail Filters Explained](https://example.org/a)
- [Weather Forecasting with Neural Networks](https://example.org/b)
- [A Tour of Graph Databases](https://example.org/c)
"""
QUERY = "怎么过滤垃圾邮件"  # "how to filter spam": no word of it is in any title
LEXICAL = replace(retrieval.DEFAULT_FUSION, dense=0.0, titles=0.0, boost=0.0, fit_floor=1.01)


@pytest.fixture
def library(make_settings, embedder, tmp_path):
    from conftest import write

    from studygraph.ingest.pipeline import ingest

    settings = make_settings(write(tmp_path / "corpus" / "odds.md", ROADMAP).parent)
    ingest(settings, embedder=embedder)
    retrieval._lexical_cache.clear()
    return settings


def _titles(settings, embedder, fusion):
    from studygraph.assistant.engine import Assistant

    assistant = Assistant(settings, embedder=embedder)
    assistant.retriever.fusion = fusion
    return [r.resource.title for r in assistant.search(QUERY, k=3)]


def test_a_chinese_paraphrase_finds_the_english_resource_through_translation(library, embedder):
    assert "Junk Mail Filters Explained" not in _titles(library, embedder, replace(LEXICAL, translated=0.0))
    assert _titles(library, embedder, LEXICAL)[0] == "Junk Mail Filters Explained"
    lex = retrieval._lexical_cache[str(library.meta_path)]
    groups = lex.translator.groups(retrieval.tokenize(QUERY, lex.cut))
    assert {t for g in groups for t, _ in g} >= {"filter", "mail"}
    # A word's translations share one unit of weight: a word with many glosses does not swamp the query.
    assert all(sum(w for _, w in g) <= 1.0 + 1e-6 for g in groups)


ZH_ROADMAP = """# 机器学习杂谈

- [垃圾邮件过滤器讲解](https://example.org/x)
- [用神经网络做天气预报](https://example.org/y)
- [图数据库漫游](https://example.org/z)
"""


def test_an_english_question_finds_the_chinese_resource_through_translation(make_settings, embedder, tmp_path):
    """The other way: "spam" is CC-CEDICT's one-word sense of 垃圾邮件, a word of the first title."""
    from conftest import write

    from studygraph.ingest.pipeline import ingest

    settings = make_settings(write(tmp_path / "corpus" / "zh.md", ZH_ROADMAP).parent)
    ingest(settings, embedder=embedder)
    retrieval._lexical_cache.clear()
    from studygraph.assistant.engine import Assistant

    assistant = Assistant(settings, embedder=embedder)
    for translate_en, found in ((False, False), (True, True)):
        assistant.retriever.fusion = replace(LEXICAL, translate_en=translate_en)
        titles = [r.resource.title for r in assistant.search("how do spam filters work", k=3)]
        assert (titles[:1] == ["垃圾邮件过滤器讲解"]) is found, titles


def test_glosses_are_cleaned():
    line = "個 个 [ge4] /individual/this/CL:個|个[ge4]/surname Ge/variant of 箇[ge4]/(loanword) gate/"
    assert [" ".join(s.split()) for s in translate.senses(line.split(" /", 1)[1].rstrip("/"))] == [
        "individual",
        "this",
        "gate",
    ]


def test_a_corrupted_dictionary_is_refused_in_one_line(tmp_path):
    good = translate.dictionary_file()
    bad = tmp_path / "cedict.txt.gz"
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable) as refused:
        translate.dictionary_file(bad)
    message = str(refused.value)
    assert "\n" not in message and str(bad) in message and "refusing" in message and translate.PACKAGE in message


def test_search_goes_on_without_translation_when_the_dictionary_is_refused(library, embedder, monkeypatch, caplog):
    monkeypatch.setattr(translate, "SHA256", "0" * 64)  # as if the installed file had been altered
    assert _titles(library, embedder, replace(retrieval.DEFAULT_FUSION, translated=0.5))  # dense still answers
    assert retrieval._lexical_cache[str(library.meta_path)].translator.path is None
    assert any("no cross-lingual query translation" in r.getMessage() for r in caplog.records)


def test_a_cold_query_reads_the_small_table_not_the_dictionary(library, embedder):
    """The dictionary (9 MB of text, ~2 s to parse) is parsed once per data dir, when an index is built; a
    query in a fresh process looks its words up in the library's table (SQLite, a few ms)."""
    _titles(library, embedder, LEXICAL)  # builds the index and its table
    [table] = (library.data_dir / "cache" / "bm25").glob(f"*/{translate.TABLE}")
    assert table.stat().st_size < 8_000_000
    probe = (
        "import sys, time\n"
        "from studygraph.assistant import translate\n"
        "def refuse(*a, **k): raise AssertionError('the dictionary was read at query time')\n"
        "translate.parsed = translate.entries = translate.dictionary_file = refuse\n"
        "from studygraph.cli import app\n"
        f"sys.argv = ['studygraph', 'search', {QUERY!r}, '--json']\n"
        "started = time.perf_counter()\n"
        f"t = translate.Translator(__import__('pathlib').Path({str(table)!r})).groups(['过滤', '垃圾邮件'])\n"
        "print('LOOKUP', time.perf_counter() - started, file=sys.stderr)\n"
        "try: app()\nexcept SystemExit: pass\n"
        "print('GZIP', 'gzip' in sys.modules, file=sys.stderr)"
    )
    env = dict(os.environ, STUDYGRAPH_DATA_DIR=str(library.data_dir))
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert "example.org/a" in out.stdout, out.stderr[-800:]
    lookup = float(out.stderr.split("LOOKUP ")[1].split()[0])
    assert lookup < 0.25, f"a cold look-up took {lookup:.3f} s"  # ~2 ms measured; wide margin for a loaded CI box


def test_the_kept_parse_is_what_parsing_gives(tmp_path):
    small = tmp_path / "mini.txt.gz"
    with gzip.open(small, "wt", encoding="utf-8") as f:
        f.write("# comment\n過濾 过滤 [guo4 lu:4] /to filter/filter/\n馬 马 [Ma3] /surname Ma/\n馬 马 [ma3] /horse/\n")
    parsed = translate.parse(small, lambda gloss: retrieval.tokenize(gloss, stopwords=()))
    assert parsed == {"过滤": [["to", "filter"], ["filter"]], "马": [["horse"]]}


def test_a_translation_the_index_does_not_hold_stands_for_its_words_of_the_same_stem():
    """The dictionary says 加快 is "to accelerate", a title "Accelerating Large Language Model Decoding": the table
    keeps "accelerating" for 加快, while a word the index holds as written keeps just that word."""
    senses = {"加快": [["accelerate"], ["speed", "up"]], "训练": [["train"], ["drill"]]}
    table = translate.build_table(senses, {"accelerating", "speed", "train", "training"})
    assert [t for t, _ in table["zh"]["加快"]] == ["accelerating", "speed"]
    assert [t for t, _ in table["zh"]["训练"]] == ["train"]  # not "training" too: it is held as written
