"""Hybrid retrieval: dense vectors (Chroma) + BM25 (bm25s, jieba for Chinese), fused with weighted RRF.

Three rankings of resources vote: the dense one (the configured embedder; USE multilingual places a
Chinese paraphrase next to an English title), BM25 over chunk text and URL words (exact words, Chinese
through jieba), and BM25 over titles and URL words alone, where a rare name ("FudanNLP", "Datawhale")
is not diluted by a long card. Reciprocal rank fusion needs no score calibration between them.

Boosts (the query names the resource's topic, asks for its kind, asks for an explainer or the paper
that introduced something) are bounded: all of them together are worth less than moving up `TIE_RANKS`
places at the top of one ranking, so they reorder near-ties and never outvote the evidence (they once
added up to more than a first place). SQLite is the source of truth: a Chroma hit whose chunk id is not
in SQLite (an orphan from an interrupted ingest) is dropped.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np

from studygraph.assistant import translate
from studygraph.assistant.query import LANGUAGE_WORDS, Query, home_hint, resource_language
from studygraph.errors import CatalogueError, ModelUnavailable
from studygraph.graph.catalogue import load_catalogue
from studygraph.graph.names import NameTable
from studygraph.models import Resource, is_gloss
from studygraph.store.embedders import INFOS, make_embedder
from studygraph.store.meta import MetaStore
from studygraph.store.vectors import EmbedderMismatch, VectorStore, damage

log = logging.getLogger(__name__)

RRF_K = 60
SNIPPET_CHARS = 240
# Kinds that explain a subject to a learner, preferred when the question asks for an introduction.
EXPLAINER_KINDS = frozenset({"video", "course", "book", "article", "docs", "website"})
# A repository that says it teaches ("graykode/nlp-tutorial", "FudanNLP/nlp-beginner", "LLM Course") is an
# explainer too; other code (a model's repo, an example script) is not.
TEACHING = re.compile(
    r"tutorial|beginner|course|lesson|lecture|101|from\s+scratch|step\s+by\s+step|教程|入门|课程|手把手|讲义", re.I
)
# A resource that lists papers: what "the papers cited in the talk" asks for as much as any one paper.
PAPER_LIST = re.compile(r"论文列表|论文清单|论文合集|\bpaper\s*lists?\b|\breading\s*lists?\b", re.I)


@dataclass(frozen=True)
class Fusion:
    """How the rankings are combined. Defaults chosen on the dev half of bench/search_labels.toml
    (bench/search_eval.py prints the ablation); each weight 0 turns that evidence off."""

    k: int = RRF_K
    dense: float = 1.0  # the dense ranking's votes
    lexical: float = 1.0  # BM25 over chunk text + URL words
    titles: float = 2.0  # a vote for titles/URLs holding a rare query word (held by at most `rare` resources)
    rare: int = 3
    coverage: float = 1.0  # a BM25 vote is scaled by coverage**this (0: plain RRF)
    boost: float = 1.0  # scale of the bounded boosts below; 0 turns them off
    tie_ranks: float = 6.0  # all boosts together: less than this many places at the top of one ranking
    # Shares of that bound, summing to at most 1.
    topic: float = 0.35  # the resource is about a topic the query names
    primary: float = 0.15  # ... as its main subject
    kind: float = 0.25  # the query asked for this kind ("a video about ...")
    fit: float = 0.25  # the resource fits the ask: an explainer for "a good introduction", a paper for "the paper that"
    # Beyond a boost: results that fit the ask go first among those scoring at least this share of the best
    # (an explainer before the papers for "a good introduction to attention"); 1 turns it off.
    fit_floor: float = 0.7
    # The resolved topics' English names added to the dense query: what an English-only embedder needs to
    # place "注意力机制" near "Attention"; a bilingual one may do better on the question alone.
    dense_names: bool = True
    # Since 2026-12-02: a question that wants nothing in particular (no explainer, paper or origin ask) is most
    # often a description ("用小模型先猜再让大模型验证来加快生成"), whose own words carry its meaning; the names of
    # the topics a generic word of it resolves to (大模型: Large language models) pull its vector towards all on
    # that topic, while a named subject (评测: LLM evaluation) is what an English card needs. Each resource then
    # stands at its better place of the two dense rankings, with the names and of the question alone, the
    # question alone ahead by `either_lead` places (the named ranking's first counts as 6th): its own meaning
    # first, a named subject still near the top (0 ties them: fewer first places; 2-15 measured alike).
    dense_either: bool = True
    either_lead: int = 5
    # What fits the ask: also a kind asked for ("RLHF 视频", "the BERT paper"), not only an explainer or "the paper
    # that"; and only resources about a topic the question names (not Sentence-BERT for "the original BERT paper").
    fit_kinds: bool = True
    fit_topics: bool = True
    # Since 2026-12-02 (evening): where nothing close to the best both fits the ask and is about a named topic, what
    # fits the ask goes first all the same: the topic rule keeps Sentence-BERT behind the BERT paper when that is
    # near, but a question whose topic no near result carries ("walkthrough of fine-tuning ... reviews": the
    # explainers near the top are tagged BERT or sentiment, not fine-tuning) still asked for an explainer.
    fit_fallback: bool = True
    # Since 2026-12-01 (evening): what the question asks for read as one (`asked`: "the paper that introduced X"
    # asks for a paper whatever word it uses, "入门教程 GitHub" for code); the language asked for ("a Chinese
    # article") orders what fits; for the paper ask, the papers about X as their main subject go first.
    asked: bool = True
    resource_lang: bool = True
    paper_primary: bool = True
    teaching: bool = True  # code whose title or URL says it teaches ("nlp-tutorial") is an explainer
    ask_words: bool = True  # the ask's own words (ASK_WORDS) are no names for the names vote
    # Since 2026-12-01 (night): who or where X came from ("who introduced the transformer", "由谁提出") asks for the
    # paper that introduced X (query.WANTS_HINTS "origin"); off, such a question asks for nothing in particular.
    origin: bool = True
    # Since 2026-12-02 (evening): where to start ("where do I start", "从哪开始学") asks for an explainer (query.WANTS_HINTS
    # "start"): the Chinese answer to "my supervisor wants me to work on generative pretrained models, where do I start"
    # is a how-to-learn-it article among GPT papers.
    start: bool = True
    # For every ask, not only the paper one: what fits and has a named topic as its main subject goes first
    # (the "NN" video before the "RNN" one, tagged neural networks too, for "explain neural networks simply").
    primary_first: bool = True
    # fit_floor where the question names the kind it asks for ("RLHF 视频", "the BERT paper", "入门教程 GitHub"): a
    # word for the kind says more about what fits than "a good introduction" does, so it reaches further down.
    kind_floor: float = 0.6
    teaching_first: bool = True  # an explainer asked for as a kind ("入门教程 GitHub"): what says it teaches first
    # Cross-lingual query translation (assistant/translate.py, CC-CEDICT): the query's words in the other
    # language as one more BM25 ranking with this weight; or appended to the BM25 query at this weight.
    translated: float = 0.5
    appended: float = 0.0
    # Since 2026-12-03: English words to Chinese too ("undergraduate" -> 本科, "English" -> 英文): off, it
    # measured no gain on the sets of its day; tune5, the fifth cross-lingual tuning set, gained three places.
    translate_en: bool = True
    # Since 2026-12-02: a vote for every resource of a person, institution, course or site the question names
    # (corpus/names.toml: "Mu Li's walkthrough ..." meets the Chinese-titled GPT论文精读), times the share of
    # the question's words the name takes; as much as the title/URL names vote (`titles`), which it extends to
    # names a title does not spell in the question's language and to entries more than `rare` resources hold.
    identities: float = 2.0
    # Since 2026-12-02 (evening): a lone Chinese character is no name for the title/URL names vote: jieba leaves the
    # function words of a description alone ("用", "让", "来"), and a title that happens to hold one is no more
    # about the question for it (as assistant/vocabulary.py reads a lone character: it proves nothing).
    lone_characters: bool = True
    # Since 2026-12-02 (night): beside a subject, a broad topic the question names says what kind of resource it
    # wants, not what it is about: "GPT 论文精读" asks for GPT, read as a paper reading; GAN论文精读 (tagged GAN
    # and paper reading since graph/tagging.py puts a title's kind beside its subject) is not about a named topic.
    subjects_fit: bool = True
    # Since 2026-12-03: the names vote also reads who made or hosts a resource (its identities in corpus/names.toml:
    # their names and the proper names of what they are), as it reads its title: "Percy Liang's course notes" is
    # CS324, "the Hopkins seminar" a Johns Hopkins course, though neither title says so.
    who_words: bool = True
    # Since 2026-12-03: papers asked for as a kind ("the papers cited in the talk") are answered by a list of papers
    # too (PAPER_LIST: "中文论文列表", "reading list"); the paper that introduced X is still a paper.
    paper_lists: bool = True
    # Since 2026-12-03: a home page asked for ("homepage", "official site", "官网": query.home_hint) puts a host's root
    # first among what fits near the top, before a page deeper on the same site.
    home: bool = True
    # Since 2026-12-03: among what fits, what is about more of the topics the question names first, before the main
    # subject rule: InstructGPT's paper (InstructGPT, RLHF, instruction tuning) for the paper that did supervised
    # fine-tuning then RLHF to follow instructions, before RLHF papers whose main subject RLHF is.
    most_topics: bool = True
    # Since 2026-12-03: the best result goes first all the same where it scores this much above the first of what
    # fits and is what was asked for (the kind, the language, a home page), only not about a named topic or not
    # mainly: BPE's paper, 1.3x the rest, for "用字节对合并来切分生僻词的翻译论文", which resolves only machine
    # translation, before the attention-based translation paper whose main subject that is. 1.15-1.25 measured the
    # same (1.1 moved two first places to second; 1.33 lost a gain). A large value: never.
    fit_lead: float = 1.2

    @property
    def tie(self) -> float:
        """The bound on all boosts together, in RRF score."""
        return self.boost * (1.0 / (self.k + 1) - 1.0 / (self.k + 1 + self.tie_ranks))


DEFAULT_FUSION = Fusion()

_LATIN = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# The proper names in what an identity is ("taught by Percy Liang", "a research university in Baltimore"), not its
# description: "中英双语对话模型" says what MOSS is, and would answer a question about ChatGLM.
_PROPER = re.compile(r"\b[A-Z][\w.'’-]*")
STOPWORDS = frozenset(
    "a an the of to in on for and or is are was be it this that with about me my i you what which how why "
    "do does can should could would where there here any some give find show want need learn learning "
    "good best please from by at as into".split()
) | frozenset(
    "的 了 是 在 和 与 及 吗 呢 吧 啊 什么 哪里 哪些 有 有没有 一个 一些 我 你 要 讲 好 的好 资料 一下 关于".split()
)

# "the third edition" is the "3rd ed." of a book's title.
ORDINALS = dict(
    zip(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(),
        "1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th".split(),
    )
)

# Words that name a kind: every card says its kind, so they match everything; the kind boost handles them.
KIND_WORDS = frozenset(
    "video paper course code book dataset article tutorial lecture blog docs 视频 论文 课程 代码 书 数据集 教程 博客 精读 文档".split()
)


# Words that say what the learner wants from a resource (query.WANTS_HINTS), not what it is about: a title that
# holds one ("新手如何入门pytorch", "nlp-beginner") is no more about the subject for it. Left out of the names vote
# when the question's ask was read (Fusion.ask_words).
ASK_WORDS = frozenset(
    "intro introductory explain explaining explained explainer explanation walkthrough overview crash understand "
    "understanding beginner tutorial learn original seminal introduced introducing proposed proposing "
    "who invented coined came up first originally published "
    "入门 教程 入门教程 零 基础 通俗 讲解 图解 科普 新手 介绍 理解 学习 提出 原始 原 开山 之作 出处 出自 首次 最早 "
    "谁 由谁 发明 提出者 最先 最初".split()
)


def _segment():
    """assistant/segment.py and jieba (~15 ms to import, its HMM tables included) with the first Chinese text:
    an English search, or a question that searches nothing, never loads them."""
    import studygraph.assistant.segment as segment

    return segment


def tokenize(text: str, cut=None, stopwords: Container[str] = STOPWORDS) -> list[str]:
    """Lowercased Latin words (light plural folding) plus jieba search-mode tokens for CJK runs: `cut` (a
    library dictionary's, assistant/segment.py) or else jieba's full dictionary."""
    text = text.casefold()
    out: list[str] = []
    for word in _LATIN.findall(text):
        if word in stopwords:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(ORDINALS.get(word, word))
    runs = _CJK_RUN.findall(text)
    if runs:
        cut = cut or _segment().cutter(_segment().full())
        for run in runs:
            out.extend(t for t in cut(run) if t.strip() and t not in STOPWORDS)
    return out


def url_words(url: str | None) -> str:
    """Words in a URL's host and path: 'jalammar.github.io/illustrated-transformer' names its subject."""
    if not url:
        return ""
    parts = urlsplit(url)
    return " ".join(re.split(r"[^0-9A-Za-z\u3400-\u9fff]+", f"{parts.hostname or ''} {unquote(parts.path)}"))


@dataclass
class SearchResult:
    resource: Resource
    score: float
    topics: list[str] = field(default_factory=list)
    source: str = ""  # "file.md:12": where the resource was seen first
    snippet: str = ""
    chunk_id: str = ""
    # Whether anything real ties it to the query (Evidence); a ranking always has a first, this says whether it
    # is an answer. `similarity` (best chunk's dense cosine) and `coverage` (the query's IDF share its words
    # match) are what the floor read.
    matched: bool = True
    similarity: float = 0.0
    coverage: float = 0.0


@dataclass(frozen=True)
class Evidence:
    """The floor a result must pass to count as an answer to a question (a find; `search` marks the rest),
    measured on the seed library (README "No match"): a question that matches nothing still gets a
    ranking of something, and a find must not present it. Any one of these suffices: its words match a
    real share of the query's IDF mass (BM25, in either language), a rare title/URL word of the query, a
    resolved topic it is tagged with, or a dense cosine above what unrelated text reaches."""

    coverage: float = 0.4  # the share of the query's IDF mass its matching words carry
    similarity: float = 0.35  # USE cosine (1 - Chroma's cosine distance) of its best chunk


@dataclass
class _Lexical:
    """Everything a search needs that only changes when an ingest commits, built once per version:
    per-search work is then the two rankings and the fusion, not re-reading the library."""

    version: tuple
    ids: list[str]  # in BM25 document order
    bm25: object
    title_index: dict[str, set[str]] = field(default_factory=dict)  # title/URL token -> resource ids holding it
    title_words: list[str] = field(default_factory=list)  # its keys, sorted (prefix look-ups by bisection)
    resources: dict[str, Resource] = field(default_factory=dict)
    chunk_resource: dict[str, str] = field(default_factory=dict)  # its keys are the chunk ids SQLite lists
    chunk_text: dict[str, str] = field(default_factory=dict)
    first_chunk: dict[str, str] = field(default_factory=dict)  # resource id -> its first chunk (the card)
    dictionary: Path | None = None  # the library's jieba dictionary (assistant/segment.py), if written
    translator: translate.Translator = field(default_factory=lambda: translate.Translator(None))
    _cut: object = None

    def cut(self, run: str) -> list[str]:
        """A CJK run as tokens, with the library dictionary (loaded on the first Chinese query), else the full one."""
        if self._cut is None:
            self._cut = (self.dictionary and _segment().load(self.dictionary)) or _segment().cutter(_segment().full())
        return self._cut(run)


DICTIONARY = "jieba.dict"
# Part of a cached index's folder name: a change to what `tokenize` makes of a text builds the index anew.
INDEX_FORMAT = 3  # 2: ordinals as numbers ("third" -> "3rd"); 3: translations by stem (assistant/translate.py)
_lexical_cache: dict[str, _Lexical] = {}
_lexical_lock = threading.Lock()


def store_version(meta: MetaStore) -> tuple:
    """Changes whenever an ingest commits new chunks (one indexed lookup, not a scan of the chunks)."""
    return (meta.get_meta("library_version"), meta.get_meta("ingested_at"))


def lexical_index(meta: MetaStore) -> _Lexical:
    """The BM25 index and chunk maps of the library's current version: from memory, else from the on-disk
    cache of this version, else built (tokenising every chunk, jieba included: most of a cold search)."""
    version = store_version(meta)
    key = str(meta.path)
    with _lexical_lock:
        cached = _lexical_cache.get(key)
        if cached and cached.version == version:
            return cached
        resources = {r.id: r for r in meta.resources()}
        urls = {rid: r.url for rid, r in resources.items()}
        rows = meta.chunks()
        ids = [r["id"] for r in rows]
        rids = [r["resource_id"] for r in rows]
        texts = [r["text"] for r in rows]
        digest = hashlib.sha256(repr((version, INDEX_FORMAT)).encode()).hexdigest()[:16]
        cache_dir = Path(meta.path).parent / "cache" / "bm25" / digest
        bm25 = _load_bm25(cache_dir, ids)
        title_index = _load_titles(cache_dir) if bm25 is not None else None
        if bm25 is None or title_index is None:
            bm25 = _build_bm25([tokenize(f"{t}\n{url_words(urls.get(rid))}") or [""] for t, rid in zip(texts, rids)])
            title_index = _title_index(resources)
            _save_bm25(bm25, ids, cache_dir, title_index, [*texts, *(r.title for r in resources.values())])
        first: dict[str, str] = {}
        for cid, rid in zip(ids, rids):
            if not is_gloss(cid):
                first.setdefault(rid, cid)
        built = _Lexical(
            version,
            ids,
            bm25,
            dict(title_index),
            sorted(title_index),
            resources,
            dict(zip(ids, rids)),
            dict(zip(ids, texts)),
            first,
            cache_dir / DICTIONARY,
            translate.Translator(_translations(cache_dir, bm25)),
        )
        _lexical_cache[key] = built
        return built


def _translations(cache_dir: Path, bm25: Scores) -> Path | None:
    """The library's translation table (assistant/translate.py), written with its index on first need; None
    (no translation, said once in the log) if the dictionary is refused or the data dir is read-only."""
    table = cache_dir / translate.TABLE
    if table.is_file() or not bm25.num_docs:
        return table if bm25.num_docs else None
    if not os.access(cache_dir, os.W_OK):  # no index kept (a read-only data dir): not ~2 s of parsing per process
        return None
    try:
        return translate.write_table(cache_dir, bm25.vocab, _gloss_words, cache_dir.parents[1])
    except (ModelUnavailable, OSError) as exc:
        log.warning("no cross-lingual query translation: %s", exc)
        return None


def _gloss_words(gloss: str) -> list[str]:
    """A gloss's words as BM25 tokens, stop words kept: "to learn" -> "learn", which a card holds as "learns"
    (the index's vocabulary drops what no text holds). A stray Chinese cross-reference is no English word:
    jieba need not load for it."""
    return tokenize(gloss, lambda run: [], stopwords=())


def _title_index(resources: dict[str, Resource]) -> dict[str, set[str]]:
    """Title/URL token -> the resources holding it (jieba for Chinese titles: cached with the BM25 index,
    so that an English query in a cold process never loads jieba's dictionary)."""
    index: dict[str, set[str]] = defaultdict(set)
    for rid, r in resources.items():
        for token in tokenize(f"{r.title}\n{url_words(r.url)}"):
            index[token].add(rid)
    return dict(index)


def _load_titles(cache_dir: Path) -> dict[str, set[str]] | None:
    try:
        return {token: set(rids) for token, rids in json.loads((cache_dir / "titles.json").read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return None


def _bm25s():
    """bm25s (~100 ms to import, with scipy) loads when a library version's index is built, not for a
    query (Scores)."""
    import bm25s

    return bm25s


@dataclass(frozen=True)
class Scores:
    """A BM25 index as a query reads it: each token's score in every chunk, as bm25s computed them, in a
    CSC matrix (one column per token) read with numpy. bm25s builds it once per library version; a query
    in a fresh process then needs neither bm25s nor scipy (~0.15 s of a cold search)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    vocab: dict[str, int]
    num_docs: int

    @classmethod
    def of(cls, bm25) -> Scores:
        s = bm25.scores
        arrays = (np.asarray(s[name]) for name in ("data", "indices", "indptr"))
        return cls(*arrays, dict(bm25.vocab_dict), int(s["num_docs"]))

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """Every chunk's score for `tokens`, as bm25s.BM25.get_scores gives it (a token it never saw adds 0)."""
        out = np.zeros(self.num_docs, dtype=np.float32)
        for token in tokens:
            j = self.vocab.get(token)
            if j is not None:
                lo, hi = self.indptr[j], self.indptr[j + 1]
                out[self.indices[lo:hi]] += self.data[lo:hi]  # a column lists each chunk once
        return out

    def save(self, folder: Path) -> None:
        for name in ("data", "indices", "indptr"):
            np.save(folder / f"bm25.{name}.npy", getattr(self, name), allow_pickle=False)
        (folder / "bm25.vocab.json").write_text(json.dumps([self.vocab, self.num_docs], ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> Scores:
        vocab, num_docs = json.loads((folder / "bm25.vocab.json").read_text())
        arrays = (np.load(folder / f"bm25.{name}.npy", allow_pickle=False) for name in ("data", "indices", "indptr"))
        return cls(*arrays, vocab, num_docs)


def _build_bm25(docs: list[list[str]]) -> Scores:
    if not docs:
        return Scores(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int32), {}, 0)
    bm25 = _bm25s().BM25()
    bm25.index(docs, show_progress=False)
    return Scores.of(bm25)


def _load_bm25(cache_dir: Path, ids: list[str]) -> Scores | None:
    """The cached index if it was built for exactly these chunks, in this order; else None."""
    try:
        if json.loads((cache_dir / "ids.json").read_text()) != ids or not ids:
            return None
        return Scores.load(cache_dir)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _vocabulary(texts: list[str]) -> list[str]:
    """What the library dictionary covers: the library's texts and the catalogue's Chinese names and aliases
    (a query naming a topic segments as it would with the full dictionary)."""
    try:
        topics = load_catalogue().topics.values()
    except CatalogueError:
        topics = ()
    return [*texts, *(name for t in topics for name in (t.zh, *t.aliases) if _CJK_RUN.search(name))]


def _save_bm25(bm25: Scores, ids: list[str], cache_dir: Path, titles: dict[str, set[str]], texts: list[str]) -> None:
    """Written under a temporary name and renamed, so a reader finds a whole index or none; older
    versions' indexes are removed. A read-only data dir simply keeps the index in memory. A library with
    Chinese text gets its jieba dictionary with it (assistant/segment.py): a cold Chinese query then
    loads ~20k words, not jieba's 349k."""
    if not ids:
        return
    tmp = cache_dir.with_name(f".{cache_dir.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        bm25.save(tmp)
        (tmp / "ids.json").write_text(json.dumps(ids))
        (tmp / "titles.json").write_text(json.dumps({t: sorted(r) for t, r in titles.items()}, ensure_ascii=False))
        if any(_CJK_RUN.search(t) for t in texts):
            _segment().write_dictionary(tmp / DICTIONARY, _vocabulary(texts))
        if cache_dir.is_dir():  # an incomplete one (from an older studygraph): replaced, not kept
            shutil.rmtree(cache_dir, ignore_errors=True)
        os.replace(tmp, cache_dir)
        for old in cache_dir.parent.iterdir():
            if old.name != cache_dir.name and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def rrf(rankings: list[list[str]], k: int = RRF_K, weights: list[float] | None = None) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, item in enumerate(ranking):
            scores[item] += weight / (k + rank + 1)
    return scores


def _bm25_top(bm25, ids: list[str], tokens: list[str], n: int) -> list[tuple[str, float]]:
    """The n best-scoring documents with any matching token, best first, each with its coverage: the share
    of the query's IDF mass it matches (a query word no document holds counts as the rarest). A document
    that shares only a common word ("模型") with a query has low coverage, and its vote counts little."""
    tokens = list(dict.fromkeys(tokens))
    if not tokens or not ids:
        return []
    per_token = np.stack([bm25.get_scores([t]) for t in tokens])
    scores = per_token.sum(0)
    df = (per_token > 0).sum(1)
    idf = np.log(1.0 + (len(ids) - df + 0.5) / (df + 0.5))
    coverage = (idf[:, None] * (per_token > 0)).sum(0) / idf.sum()
    top = np.argpartition(-scores, n - 1)[:n] if len(scores) > n else np.arange(len(scores))
    order = top[np.argsort(-scores[top], kind="stable")]
    return [(ids[i], float(coverage[i])) for i in order if scores[i] > 0]


def _title_holders(lex, token: str) -> set[str]:
    """Resources whose title or URL holds `token`; a long token also at the start of a longer one ("datawhale" in
    the host "datawhalechina"), since hosts and repository names run words together."""
    holders = set(lex.title_index.get(token, ()))
    if len(token) >= 6 and token.isascii():
        words = lex.title_words
        for word in words[bisect.bisect_left(words, token) : bisect.bisect_left(words, token + "\uffff")]:
            holders |= lex.title_index[word]
    return holders


def _distinctive(
    lex, tokens: list[str], rare: int, no_names: Container[str] = (), also: dict[str, set[str]] | None = None
) -> list[tuple[str, float]]:
    """Resources whose title or URL holds a query word that at most `rare` resources' titles/URLs hold
    ("fudannlp", "datawhale"), best first, each with the share of the query's IDF mass (over titles)
    those words carry: "Harvard annotated transformer" is mostly its rare names, "cloud GPUs in China"
    only a little. `also`: more holders of a word, read like a title's (the words of who made it)."""
    also = also or {}
    holders = {
        t: set() if t in no_names else _title_holders(lex, t) | also.get(t, set()) for t in dict.fromkeys(tokens)
    }
    n = len(lex.resources)
    idf = {t: np.log(1.0 + (n - len(h) + 0.5) / (len(h) + 0.5)) for t, h in holders.items()}
    total = sum(idf.values())
    hits: dict[str, float] = defaultdict(float)
    for t, h in holders.items():
        if 0 < len(h) <= rare:
            for rid in h:
                hits[rid] += idf[t] / total
    return sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))  # ties by id: the same order in every process


def _fits(
    wants: str | None, resource: Resource, topics: Container[str] = (), teaching: bool = True, lists: bool = False
) -> bool:
    """Whether a resource is what the question asks for: an explainer for "a good introduction to X" (`teaching`:
    code that says it teaches counts), a paper for "the paper that introduced X", else the kind asked for
    ("RLHF 视频"); and, given the topics the question names, about one of them (not Sentence-BERT for "the
    original BERT paper"). `lists`: a list of papers answers a question that asks for papers ("the papers cited in
    Karpathy's talk"), not one for the paper that introduced something. The language asked for orders what fits
    (Retriever._fit_first)."""
    if wants == "explainer":
        if resource.kind not in EXPLAINER_KINDS and not (
            teaching and resource.kind == "code" and TEACHING.search(f"{resource.title} {url_words(resource.url)}")
        ):
            return False
    elif wants == "paper" and resource.kind != "paper":
        if not (lists and PAPER_LIST.search(f"{resource.title} {url_words(resource.url)}")):
            return False
    elif wants and resource.kind != wants:
        return False
    return not topics or any(t in topics for t in resource.topics)


def _is_home(url: str | None) -> bool:
    """A URL at its host's root ("https://www.deepspeed.ai/"), what "the homepage" or "官网" asks for."""
    parts = urlsplit(url) if url else None
    return bool(parts and parts.netloc and parts.path.strip("/") in ("", "index.html") and not parts.query)


def asked(query: Query, fit_kinds: bool = True) -> tuple[str | None, str | None]:
    """(the kind the question asks for, what fits the ask). "The paper that introduced X" asks for a paper
    whatever word it uses ("Transformer 是在哪篇文章中提出的" says 文章); an explainer asked for as a kind
    ("深度学习入门教程 GitHub", "RLHF 入门视频") is that kind, except a paper ("BERT 论文讲解" wants it explained)."""
    kind = "paper" if query.wants == "paper" else query.kind
    if query.wants == "explainer" and kind and kind != "paper" and fit_kinds:
        return kind, kind
    return kind, query.wants or (kind if fit_kinds else None)


def _per_resource(chunk_ids: list[str], chunk_resource: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """A chunk ranking as a resource ranking (each at its best chunk's place) and each one's best chunk."""
    best: dict[str, str] = {}
    for cid in chunk_ids:
        rid = chunk_resource.get(cid)
        if rid is not None and rid not in best:
            best[rid] = cid
    return list(best), best


class Retriever:
    """Search over one library. The embedder and Chroma are created on the first search, not before."""

    def __init__(
        self,
        settings,
        meta: MetaStore,
        embedder=None,
        vectors=None,
        topic_names: dict[str, str] | None = None,
        fusion: Fusion = DEFAULT_FUSION,
        more_dense: list[tuple[object, object]] | None = None,
        evidence: Evidence | None = None,
        broad_topics: Container[str] = (),
        name_table: NameTable | None = None,
    ):
        self.settings = settings
        self.topic_names = topic_names or {}
        self.meta = meta
        self.fusion = fusion
        self.evidence = evidence or Evidence()
        # Topics too broad to be a subject ("Learning resources and roadmaps", which "any good resources on
        # sourdough?" resolves to): no evidence, and their names do not count towards a dense match.
        self.broad_topics = broad_topics
        self._embedder = embedder
        self._vectors = vectors
        self.names = name_table  # corpus/names.toml (graph/names.py): who made or hosts what, for `_identity_votes`
        self._holders: tuple[tuple | None, dict[str, list[str]]] = (None, {})  # (library version, entry -> resources)
        # (library version, (resource, identity) as the glosses say, half -> word -> resources)
        self._who: tuple = (None, [], {})
        self.more_dense = more_dense or []  # (embedder, vectors): more dense rankings, each voting (the bench)
        self.warning: str | None = None
        self._store_checked: tuple | None = None  # the library version the vector store was last counted for
        self._store_warning: str | None = None
        self._store_usable = True

    @property
    def embedder(self):
        """Embeds queries with the configured embedder, torch-free (MiniLM in numpy, USE in numpy): a cold
        search stays near a second. Same vectors as the ingest's embedder of the same name."""
        if self._embedder is None:
            self._embedder = make_embedder(self.settings.embedder, cache_dir=self.settings.models_dir)
        return self._embedder

    @property
    def vectors(self):
        if self._vectors is None:
            url, info = self.settings.chroma_url, self.embedder.info
            self._vectors = (
                VectorStore(url=url, embedder=info, create=False)
                if url
                else VectorStore(path=self.settings.chroma_path, embedder=info, create=False)
            )
        return self._vectors

    def _check_embedder(self) -> None:
        """The library's chunks were embedded by the embedder we query with (one indexed lookup)."""
        recorded, ours = self.meta.get_meta("embedder"), getattr(self.embedder, "info", None)
        if recorded and ours is not None and recorded != ours.key:
            name = recorded.split(" ", 1)[0]
            made = INFOS[name].describe() if name in INFOS and INFOS[name].key == recorded else recorded
            raise EmbedderMismatch(
                f"the library was embedded with {made}, not the configured embedder {ours.describe()}: "
                "run `studygraph ingest` to embed it again",
                [made],
            )

    def _dense(self, text: str, n: int, known: Container[str]) -> list[tuple[str, float]]:
        self._check_embedder()
        hits = self.vectors.query_ids(self.embedder.encode_one(text), n)
        return [(cid, 1.0 - d) for cid, d in hits if cid in known]  # orphans: vectors SQLite does not list

    def _store_check(self, lex: _Lexical) -> tuple[bool, str | None]:
        """(whether to query the vectors, what to tell the learner), once per library version: a vector
        store that is gone or holds fewer vectors than SQLite lists chunks (deleted, truncated, another
        embedder's) is said so, not silently searched. A store that is gone is not created by a reader."""
        if self._store_checked != lex.version:
            path = self.settings.chroma_path
            if self._vectors is None and not self.settings.chroma_url and not path.is_dir():
                usable, warning = False, f"the vector store is missing ({path}): lexical results only"
            else:
                held, listed = self._held(), len(lex.ids)
                usable, warning = held > 0, None
                if not held:
                    warning = (
                        f"the vector store holds no vectors (the library has {listed} chunks): lexical results only"
                    )
                elif held < listed:
                    warning = (
                        f"the vector store holds {held} of the library's {listed} vectors: some results may be missing"
                    )
            if warning:
                warning += "; `studygraph ingest` rebuilds it"
                log.warning(warning)
            self._store_checked, self._store_warning, self._store_usable = lex.version, warning, usable
        return self._store_usable, self._store_warning

    def _held(self) -> int:
        """How many vectors the configured embedder's collection holds; a store with no collection at all
        (emptied) holds none, while one made by another embedder is a mismatch to say as such."""
        try:
            return self.vectors.count()
        except EmbedderMismatch as exc:
            if exc.others:
                raise
            return 0

    def _unavailable(self, exc: Exception) -> str:
        """Why the vectors cannot be searched: a store SQLite cannot read is damage that ingest repairs."""
        broken = None if self.settings.chroma_url else damage(self.settings.chroma_path)
        if broken:
            return f"the vector store is damaged ({broken}): lexical results only; `studygraph ingest` rebuilds it"
        return f"vector search unavailable ({' '.join(str(exc).split())[:120]}); lexical results only"

    def _dense_or_warn(self, text: str, n: int, lex: _Lexical) -> list[tuple[str, float]]:
        """The dense ranking, or [] with one line saying why (the store missing, short, damaged, made by
        another embedder, or a server that is down): BM25 alone still finds most things."""
        try:
            self._check_embedder()  # before counting: another embedder's library is that, not a short store
            usable, self.warning = self._store_check(lex)
            return self._dense(text, n, lex.chunk_resource) if usable else []
        except EmbedderMismatch as exc:
            self.warning = f"{exc}; lexical results only"
        except Exception as exc:  # noqa: BLE001 - a read-only data dir or a Chroma server that is down
            self.warning = self._unavailable(exc)
        log.warning(self.warning)
        return []

    def search(self, query: Query, k: int = 10, kind: str | None = None) -> list[SearchResult]:
        lex = lexical_index(self.meta)
        if not lex.ids:
            return []
        f = self.fusion
        over = max(3 * k, 30)
        if query.wants == "origin":
            query = replace(query, wants="paper" if f.origin else None)
        elif query.wants == "start":
            query = replace(query, wants="explainer" if f.start else None)

        # Resource cards carry English topic names: name the resolved topics in English for both sides
        # ("注意力机制" -> "Attention mechanism"), which an English-only embedder needs.
        names = " ".join(self.topic_names.get(t, "") for t in query.topics)
        dense_text = f"{query.text} {names}".strip() if f.dense_names else query.text
        dense_hits = self._dense_or_warn(dense_text, over, lex) if f.dense else []
        either = f.dense_either and f.dense_names and names.strip() and not query.wants
        alone_hits = self._dense_or_warn(query.text, over, lex) if dense_hits and either else []
        dense_chunks = [c for c, _ in dense_hits]
        # "a Chinese article": the language is what the resource is written in (what fits), not its subject.
        asked_words = LANGUAGE_WORDS if query.resource_lang and f.resource_lang else ()
        tokens = [
            t
            for t in tokenize(f"{query.text} {names}", lex.cut)
            if (t not in KIND_WORDS or not query.kind) and t not in asked_words
        ]
        # The words as typed too, where the library holds them: one nobody wrote lowers every coverage.
        if query.corrected:
            tokens += [t for t in tokenize(query.corrected.typed, lex.cut) if t in lex.bm25.vocab and t not in tokens]
        lexical_hits = _bm25_top(lex.bm25, lex.ids, tokens, over) if f.lexical else []
        own_words = [t for t in tokenize(query.text, lex.cut) if t not in KIND_WORDS]  # no topic names
        # The ask's words and the language asked for are no names ("入门" in "新手如何入门pytorch", "中文" in "DeepSpeed
        # Chat中文"), but they stay in the query's mass: the names it does hold weigh what they did.
        no_names = {*asked_words, *(ASK_WORDS if query.wants and f.ask_words else ())}
        if f.lone_characters:  # "用" of "用小模型先猜…" is no name, though only 手把手用RLHF训练LLaMA's title holds it
            no_names |= {t for t in own_words if len(t) == 1 and _CJK_RUN.match(t)}
        who = self._identity_words(lex, own_words) if f.who_words and f.titles else None
        distinctive = _distinctive(lex, own_words, f.rare, no_names, who) if f.titles else []
        translatable = [t for t in own_words if t not in asked_words]
        groups = lex.translator.groups(translatable, f.translate_en) if f.translated or f.appended else []
        if groups and f.appended:  # the translations as more BM25 words, each word's worth f.appended
            lexical_hits = translate.ranked(
                lex.bm25,
                lex.ids,
                [[(t, 1.0)] for t in tokens] + [[(t, f.appended * w) for t, w in g] for g in groups if g],
                over,
            )
        translated_hits = translate.ranked(lex.bm25, lex.ids, groups, over) if f.translated else []

        dense, dense_best = _per_resource(dense_chunks, lex.chunk_resource)
        lexical, lexical_best = _per_resource([c for c, _ in lexical_hits], lex.chunk_resource)
        coverage: dict[str, float] = {}
        # The floor reads only a resource's own words: a gloss's are its topics' descriptions, which name other
        # subjects too (seq2seq's says what attention fixed; "a video about attention" is not answered by it).
        own: dict[str, float] = {}
        for cid, cov in lexical_hits:
            rid = lex.chunk_resource.get(cid)
            coverage[rid] = max(coverage.get(rid, 0.0), cov)
            if not is_gloss(cid):
                own[rid] = max(own.get(rid, 0.0), cov)
        if alone_hits:  # each resource at its better place of the two (Fusion.dense_either)
            place = {rid: i + f.either_lead for i, rid in enumerate(dense)}
            for i, rid in enumerate(_per_resource([c for c, _ in alone_hits], lex.chunk_resource)[0]):
                place[rid] = min(place.get(rid, i), i)
            dense = sorted(place, key=place.__getitem__)
        fused = rrf([dense], f.k, [f.dense])
        for rank, rid in enumerate(lexical):  # a vote worth the share of the query it matches
            fused[rid] += f.lexical * coverage[rid] ** f.coverage / (f.k + rank + 1)
        translated: dict[str, float] = {}
        own_translated: dict[str, float] = {}
        for cid, cov in translated_hits:  # a resource at its best chunk's place, with that chunk's coverage
            translated.setdefault(lex.chunk_resource.get(cid), cov)
            if not is_gloss(cid):
                own_translated.setdefault(lex.chunk_resource.get(cid), cov)
        for rank, (rid, cov) in enumerate(translated.items()):
            if rid is not None:
                fused[rid] += f.translated * cov**f.coverage / (f.k + rank + 1)
        for rank, (rid, share) in enumerate(distinctive):
            fused[rid] += f.titles * share**f.coverage / (f.k + rank + 1)
        for embedder, vectors in self.more_dense if f.dense else []:
            hits = vectors.query_ids(embedder.encode_one(dense_text), over)
            for rid, score in rrf([_per_resource([c for c, _ in hits], lex.chunk_resource)[0]], f.k, [f.dense]).items():
                fused[rid] += score
        for rid, share in self._identity_votes(lex, query.text, own_words) if f.identities else []:
            if share:
                fused[rid] += f.identities * share / (f.k + 1)  # every resource of the one named: a first place each
        subjects = self._subjects(query)
        if dense_hits and f.dense_names and subjects != list(query.topics):  # similarity without broad names
            subject_names = " ".join(self.topic_names.get(t, "") for t in subjects)
            dense_hits = self._dense_or_warn(f"{query.text} {subject_names}".strip(), over, lex)
        similarities: dict[str, float] = {}
        for cid, similarity in dense_hits:
            rid = lex.chunk_resource[cid]
            similarities[rid] = max(similarities.get(rid, 0.0), similarity)
        named = dict(distinctive)
        resources = lex.resources
        about = self._about(query)  # once per search: every boost and the fit order read it
        scored: dict[str, float] = {}
        for rid, score in fused.items():
            resource = resources.get(rid)
            if resource is None or (kind and resource.kind != kind):
                continue
            scored[rid] = score + self._boost(query, resource, kind, about)

        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], resources[kv[0]].title))
        _, ask = (
            asked(query, f.fit_kinds) if f.asked else (query.kind, query.wants or (query.kind if f.fit_kinds else None))
        )
        lang = query.resource_lang if f.resource_lang else None
        home = f.home and home_hint(query.text)
        if (ask or lang or home) and (f.fit_kinds or not query.kind) and not kind and ranked:
            floor = f.kind_floor if query.kind and ask == query.kind else f.fit_floor
            ranked = self._fit_first(
                ranked,
                ask,
                resources,
                about if f.fit_topics else (),
                lang,
                floor,
                query.wants == "explainer",
                f.paper_lists and query.wants != "paper",  # papers asked for as a kind, not the one that introduced X
                home,
            )
        ranked = ranked[:k]
        out = []
        for rid, score in ranked:
            r = resources[rid]
            # A gloss says what the resource's topics mean, not what the resource says: its card stands in.
            best = (dense_best.get(rid), lexical_best.get(rid))
            chunk_id = next((c for c in best if c and not is_gloss(c)), None) or lex.first_chunk.get(rid, "")
            src = f"{r.sources[0].file}:{r.sources[0].line}" if r.sources else ""
            snippet = " ".join(lex.chunk_text.get(chunk_id, r.title).split())[:SNIPPET_CHARS]
            similarity = similarities.get(rid, 0.0)
            matched = bool(
                own.get(rid, 0.0) >= self.evidence.coverage
                or own_translated.get(rid, 0.0) >= self.evidence.coverage
                or named.get(rid, 0.0) >= self.evidence.coverage
                or similarity >= self.evidence.similarity
                or bool(set(subjects) & set(r.topics))
            )
            out.append(
                SearchResult(r, score, list(r.topics), src, snippet, chunk_id, matched, similarity, own.get(rid, 0.0))
            )
        return out

    def _identity_words(self, lex: _Lexical, words: list[str]) -> dict[str, set[str]]:
        """The question's words, each with the resources whose identities (corpus/names.toml, as their glosses say
        them) hold it in their names or the proper names of what they are: "Percy Liang's course notes" meets
        CS324, whose entry says he teaches it, as a title word would. The tables are built once per library
        version; the Chinese one (jieba) with the first Chinese question only."""
        if self.names is None:
            return {}
        if self._who[0] != lex.version:
            # Whose each resource is, as its gloss says it (ingest wrote `Identity.gloss` there): no pattern.
            written = [(i.gloss(), i) for i in self.names.identities]
            whose = [
                (lex.chunk_resource[c], i)
                for c, text in lex.chunk_text.items()
                if is_gloss(c)
                for g, i in written
                if g in text
            ]
            self._who = (lex.version, whose, {})
        _, whose, tables = self._who
        halves = ("en", "zh") if any(_CJK_RUN.match(w) for w in words) else ("en",)
        for half in halves:
            if half not in tables:
                table: dict[str, set[str]] = defaultdict(set)
                for rid, identity in whose:
                    if half == "en":
                        tokens = tokenize(
                            f"{identity.en}\n" + " ".join(_PROPER.findall(identity.about)), lambda run: []
                        )
                    else:
                        tokens = tokenize(f"{identity.zh}\n" + "\n".join(identity.names), lex.cut)
                    for token in tokens:
                        table[token].add(rid)
                tables[half] = table
        return {w: set().union(*(tables[h].get(w, ()) for h in halves)) for w in words}

    def _identity_votes(self, lex: _Lexical, text: str, own_words: list[str]) -> list[tuple[str, float]]:
        """The resources of the people, institutions, courses and sites the question names (corpus/names.toml),
        each with the share of the question's own words the name takes: "Mu Li's walkthrough of the generative
        pretraining paper" is a third Mu Li, and his five readings, whose Chinese titles hold no word of it, get
        that third. Which resources an entry identifies is read off their titles and URLs (as their glosses were),
        once per library version and entry, on the first question that names it."""
        named = self.names.named_in(text) if self.names is not None else []
        if not named:
            return []
        if self._holders[0] != lex.version:
            self._holders = (lex.version, {})
        held = self._holders[1]
        votes: dict[str, float] = {}
        for identity, name in named:
            if identity.id not in held:
                held[identity.id] = [
                    rid for rid, r in lex.resources.items() if self.names.identifies(identity, r.title, r.url)
                ]
            # A kind word is no name ("论文精读", Mu Li's series, is "paper close reading"): every card says its kind.
            words = [t for t in tokenize(name, lex.cut) if t not in KIND_WORDS]
            share = min(1.0, len(words) / max(len(own_words), 1))
            for rid in held[identity.id]:
                votes[rid] = max(votes.get(rid, 0.0), share)
        return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))

    def _fit_first(
        self,
        ranked: list[tuple[str, float]],
        wants: str | None,
        resources: dict[str, Resource],
        topics: Container[str] = (),
        lang: str | None = None,
        floor: float | None = None,
        explained: bool = False,
        lists: bool = False,
        home: bool = False,
    ) -> list[tuple[str, float]]:
        """Among the results close to the best (`floor`, else fusion.fit_floor), those that fit the ask first, in
        order; for an explainer asked for as a kind (`explained`: "入门教程 GitHub"), those that teach first
        (`teaching_first`); those whose main subject is a topic the question names before those that only touch it
        (`primary_first`; for "the paper that introduced X" alone, `paper_primary`), and before all those, those
        about more of the topics (`most_topics`); then the language asked for (`lang`) and a host's root (`home`)
        first. The best result keeps first place where it scores `fit_lead` times the first of those and fits the
        ask, the language and the home page as they do."""
        floor = (self.fusion.fit_floor if floor is None else floor) * ranked[0][1]
        near = [kv for kv in ranked if kv[1] >= floor]
        teaching = self.fusion.teaching
        fits = [kv for kv in near if _fits(wants, resources[kv[0]], topics, teaching, lists)]
        if not fits and topics and self.fusion.fit_fallback:  # the ask still holds where no topic's answer is near
            fits = [kv for kv in near if _fits(wants, resources[kv[0]], teaching=teaching, lists=lists)]
        if explained and wants != "explainer" and self.fusion.teaching_first:
            fits.sort(key=lambda kv: not _fits("explainer", resources[kv[0]], teaching=True))
        if topics and (self.fusion.primary_first or (wants == "paper" and self.fusion.paper_primary)):
            fits.sort(key=lambda kv: resources[kv[0]].topics[:1] == [] or resources[kv[0]].topics[0] not in topics)
        if topics and self.fusion.most_topics:  # stable: among those as many, main subject first as above
            fits.sort(key=lambda kv: -sum(t in topics for t in resources[kv[0]].topics))
        if lang:  # in the language asked for first, then the rest of what fits ("a Chinese article": other articles)
            fits.sort(key=lambda kv: resource_language(resources[kv[0]].title) != lang)
        if home:  # a home page asked for: a host's root first
            fits.sort(key=lambda kv: not _is_home(resources[kv[0]].url))
        best = ranked[0]
        if fits and fits[0][0] != best[0] and best[1] >= self.fusion.fit_lead * fits[0][1]:
            first = resources[best[0]]
            asked_for = (  # what was asked for in so many words holds; only the topics' order gives way
                _fits(wants, first, teaching=teaching, lists=lists)
                and (not lang or resource_language(first.title) == lang)
                and (not home or _is_home(first.url))
            )
            if asked_for:
                fits = [best, *(kv for kv in fits if kv[0] != best[0])]
        chosen = {rid for rid, _ in fits}
        return fits + [kv for kv in ranked if kv[0] not in chosen]

    def _subjects(self, query: Query) -> list[str]:
        return [t for t in query.topics if t not in self.broad_topics]

    def _about(self, query: Query) -> list[str]:
        """The topics a result should be about to fit: the question's subjects, or its broad topics where it
        names nothing else ("any good roadmaps?")."""
        return (self.fusion.subjects_fit and self._subjects(query)) or list(query.topics)

    def _boost(self, query: Query, resource: Resource, kind: str | None, about: list[str]) -> float:
        """Bounded evidence about fit, never about relevance: at most `Fusion.tie` in all; `about`: the topics a
        result should be about (`_about`)."""
        f = self.fusion
        share = 0.0
        wanted = set(about)
        if wanted & set(resource.topics):
            share += f.topic + (f.primary if resource.topics[0] in wanted else 0.0)
        asked_kind, ask = asked(query) if f.asked else (query.kind, query.wants)
        if asked_kind and not kind and resource.kind == asked_kind:
            share += f.kind
        if query.wants and _fits(ask, resource, about if f.fit_topics else (), teaching=f.teaching):
            share += f.fit
        return f.tie * min(share, 1.0)
