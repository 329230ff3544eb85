"""The name table (corpus/names.toml, graph/names.py): who made or hosts a resource, in both languages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from studygraph.errors import CatalogueError
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.names import DEFAULT_NAMES, load_names, names_for
from studygraph.models import KINDS

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def table():
    return load_names()


def test_every_entry_says_who_it_is_in_english_and_in_chinese(table):
    assert len(table.identities) >= 40
    for i in table.identities:
        assert i.en and i.zh and i.about and i.about_zh, i.id
        assert not CJK.search(i.en + i.about), i.id  # the English side is English
        assert CJK.search(i.about_zh), i.id
        assert i.names or i.urls, i.id
    assert len({i.id for i in table.identities}) == len(table.identities)
    assert all(CJK.search(table.kind(k)) for k in KINDS)  # "video / 视频"


@pytest.mark.parametrize(
    "title, url, expected",
    [
        ("GPT论文精读", "https://youtu.be/t70Bl3w7bxY", ["mu-li", "youtube"]),  # his series, by its name
        ("深度学习论文精读GitHub", "https://github.com/mli/paper-reading", ["mu-li", "github"]),
        (
            "新手如何入门pytorch",
            "https://www.zhihu.com/question/55720139/answer/1",
            ["pytorch", "zhihu", "zhihu-answer"],
        ),
        ("知乎详解", "https://zhuanlan.zhihu.com/p/403433120", ["zhihu", "zhihu-column"]),
        ("智源“悟道”", "https://www.baai.ac.cn/portal/article/index/cid/49/id/518.html", ["baai", "wudao"]),
        (
            "手把手有代码的教程",
            "https://datawhalechina.github.io/learn-nlp-with-transformers/#/",
            ["datawhale", "github-pages"],
        ),
        ("吴恩达深度学习课程第五课", "https://www.bilibili.com/video/BV1F4411y7BA", None),
        ("Alpaca", "https://github.com/tatsu-lab/stanford_alpaca", ["stanford", "github"]),
    ],
)
def test_a_title_and_url_name_their_people_institutions_and_hosts(table, title, url, expected):
    found = [i.id for i in table.identify(title, url)]
    if expected is None:
        assert {"andrew-ng", "deep-learning-specialization", "bilibili"} <= set(found)
    else:
        assert found == expected


def test_names_stand_as_whole_words_and_never_come_from_the_host_alone(table):
    # "github.com/mli" is Mu Li's account, not a prefix of every account starting so
    assert "mu-li" not in {i.id for i in table.identify("LLM Course", "https://github.com/mlabonne/llm-course")}
    # a GitHub Pages site is no code repository, though its host says "github"
    assert "github" not in {i.id for i in table.identify("Transformer blog", "https://jalammar.github.io/x")}
    assert table.identify("Moss gardening for beginners") == []  # "MOSS" the model; not a word inside others
    assert [i.id for i in table.identify("a mossy stone")] == []


def test_an_entry_without_its_chinese_side_is_refused_naming_the_file_and_entry(tmp_path):
    kinds = "[kinds]\n" + "".join(f'{k} = ["{k}", "中"]\n' for k in KINDS)
    bad = tmp_path / "names.toml"
    bad.write_text(kinds + '[[name]]\nid = "x"\nen = "X"\nzh = "X"\nabout = "An x"\nurls = ["x.org"]\n', "utf-8")
    with pytest.raises(CatalogueError, match=r"names.toml: name 'x' has no 'about_zh'"):
        load_names(bad)
    bad.write_text('[kinds]\npaper = ["paper", "论文"]\n', "utf-8")
    with pytest.raises(CatalogueError, match="kinds lacks video"):
        load_names(bad)


def test_the_table_is_part_of_the_catalogue_digest_and_read_only_when_a_gloss_needs_it(tmp_path):
    """Editing the table changes the catalogue's digest, so the next ingest rebuilds the chunks (as a topic
    change does); loading the catalogue only hashes it."""
    copy = tmp_path / "names.toml"
    copy.write_bytes(DEFAULT_NAMES.read_bytes())
    catalogue = load_catalogue(names=copy)
    assert catalogue.digest == load_catalogue().digest != load_catalogue(names=None).digest
    assert names_for(catalogue).identify("李沐")[0].zh == "李沐"
    copy.write_text(copy.read_text("utf-8").replace("李沐", "李 沐", 1), "utf-8")
    assert load_catalogue(names=copy).digest != catalogue.digest
    assert names_for(load_catalogue(names=None)).identities == ()


LIBRARY = """\
# Roadmap
- [GPT论文精读](https://youtu.be/t70Bl3w7bxY)
- [新手如何入门pytorch](https://www.zhihu.com/question/55720139/answer/147148105)
- [智源“悟道”](https://www.baai.ac.cn/portal/article/index/cid/49/id/518.html)
- [通往 AGI 之路 — 飞书](https://waytoagi.feishu.cn/wiki/QPe5w5g7UisbEkkow8XcDmOpn8e)
- [吴恩达深度学习课程第五课](https://www.bilibili.com/video/BV1F4411y7BA)
- [CS224n: Natural Language Processing with Deep Learning](https://web.stanford.edu/class/cs224n)
- [Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165)
- [Improving Language Understanding by Generative Pre-Training](https://openai.com/research/language-unsupervised)
- [PyTorch tutorials](https://pytorch.org/tutorials/beginner/basics/intro.html)
- [Large language models from scratch](https://www.youtube.com/watch?v=lnA9DMvHtfI)
- [Let's build GPT: from scratch, in code, spelled out](https://www.youtube.com/watch?v=kCc8FmEb1nY)
- [Attention in transformers, visually explained](https://www.youtube.com/watch?v=eMlx5fFNoYc)
- [Models - Hugging Face](https://huggingface.co/models)
"""


@pytest.mark.parametrize(
    "query, expected",
    [
        ("a video by Mu Li", "GPT论文精读"),
        ("Beijing Academy of Artificial Intelligence large pretrained model", "智源“悟道”"),
        ("Andrew Ng's course on sequence models", "吴恩达深度学习课程第五课"),
    ],
)
def test_an_english_question_naming_the_author_or_host_finds_a_bare_chinese_title(tmp_path, embedder, query, expected):
    """The titles hold no English word of the question; the gloss holds who made or hosts each resource, in
    both languages, and the question's names vote for the resources of whom they name (Fusion.identities).
    Without the name table (the same library, ingested with none, searched with no names-table vote) the
    Chinese title is not the first result."""
    from conftest import write

    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.retrieval import DEFAULT_FUSION
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest
    from studygraph.models import is_gloss

    corpus = write(tmp_path / "corpus" / "roadmap.md", LIBRARY).parent
    firsts = {}
    for table in (DEFAULT_NAMES, None):
        settings = load_settings(data_dir=tmp_path / f"data-{bool(table)}", corpus_dirs=[corpus], llm_backend="none")
        ingest(settings, embedder=embedder, catalogue=load_catalogue(names=table))
        assistant = Assistant(settings, embedder=embedder)
        assistant.retriever.fusion = replace(DEFAULT_FUSION, identities=DEFAULT_FUSION.identities if table else 0.0)
        [first, *_] = assistant.search(query, k=5)
        firsts[bool(table)] = first
    assert firsts[True].resource.title == expected
    assert not is_gloss(firsts[True].chunk_id)  # what a result shows is its card, never the gloss
    assert firsts[False].resource.title != expected


def test_a_question_naming_someone_finds_theirs_by_the_names_table_vote_alone(tmp_path, embedder):
    """A library ingested with no name table has no identities in its glosses; the names-table vote at search
    time still reads the question's "Mu Li" and finds his reading, whose title holds no word of the question."""
    from conftest import write

    from studygraph.assistant.engine import Assistant
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    corpus = write(tmp_path / "corpus" / "roadmap.md", LIBRARY).parent
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder, catalogue=load_catalogue(names=None))
    assert Assistant(settings, embedder=embedder).search("Mu Li's paper walkthrough video", k=5)[0].resource.title == (
        "GPT论文精读"
    )


def test_a_question_names_an_entry_by_any_of_its_names_in_either_language():
    """NameTable.named_in: what the names-table vote reads; each entry once, with the name the question used."""
    table = load_names()
    named = {i.id: name for i, name in table.named_in("Mu Li's walkthrough of the GPT paper, or 吴恩达的课")}
    assert named == {"mu-li": "Mu Li", "andrew-ng": "吴恩达"}
    assert [i.id for i, _ in table.named_in("李沐 论文精读")] == ["mu-li"]
    assert table.named_in("a video about attention") == []
    assert table.named_in("moss on a stone") == []  # "MOSS" is a name only as written


def test_every_resource_gets_a_gloss_of_what_and_whose_it_is_even_without_a_curated_topic():
    """A bare Chinese title with no curated topic (no description to give) still says, in both languages,
    what it is and who hosts it; the gloss is searched, never shown."""
    from studygraph.ingest.library import make_chunks
    from studygraph.models import Resource, Source, is_gloss

    catalogue = load_catalogue()
    agi = Resource(
        id="r1",
        url="https://waytoagi.feishu.cn/wiki/QPe5w5g7UisbEkkow8XcDmOpn8e",
        title="通往 AGI 之路 — 飞书",
        kind="website",
        sources=[Source("a.md", 1, "资源")],
    )
    forum = Resource(
        id="r2",
        url="https://www.zhihu.com/question/55720139/answer/147148105",
        title="新手如何入门pytorch",
        kind="article",
        sources=[Source("a.md", 2, "PyTorch")],
        topics=["pytorch"],
    )
    glosses = {c.resource_id: c.text for c in make_chunks([agi, forum], [], catalogue) if is_gloss(c.id)}
    assert glosses["r1"].splitlines()[:2] == ["通往 AGI 之路 — 飞书", "website / 网站"]
    assert "knowledge base" in glosses["r1"] and "知识库" in glosses["r1"] and "Feishu" in glosses["r1"]
    assert "question-and-answer forum" in glosses["r2"] and "知乎回答" in glosses["r2"]
    assert "Meta" in glosses["r2"] and catalogue.topics["pytorch"].description_zh in glosses["r2"]


@pytest.mark.parametrize("who_words", [True, False])
def test_a_question_naming_who_teaches_a_course_finds_the_course_by_its_entry(tmp_path, embedder, who_words):
    """CS224n's title and URL name neither its teacher nor Stanford's NLP group; its entry says "taught by
    Christopher Manning", and the names vote reads the proper names of what an entry is as a title's words
    (Fusion.who_words). Without them the question's words meet nothing rare, and the course is not first."""
    from conftest import write

    from studygraph.assistant.engine import Assistant
    from studygraph.assistant.retrieval import DEFAULT_FUSION
    from studygraph.config import load_settings
    from studygraph.ingest.pipeline import ingest

    corpus = write(tmp_path / "corpus" / "roadmap.md", LIBRARY).parent
    settings = load_settings(data_dir=tmp_path / "data", corpus_dirs=[corpus], llm_backend="none")
    ingest(settings, embedder=embedder, catalogue=load_catalogue(names=DEFAULT_NAMES))
    assistant = Assistant(settings, embedder=embedder)
    assistant.retriever.fusion = replace(DEFAULT_FUSION, who_words=who_words)
    [first, *_] = assistant.search("Christopher Manning's lectures on language models", k=5)
    assert (first.resource.title == "CS224n: Natural Language Processing with Deep Learning") is who_words
