"""What survives of the model's prose: a judge for each sentence as it streams (grounding.clean_stream asks
it clause by clause, with the sentence so far, so a clause can be shown as soon as it ends, and word by word
for the prose's first words through `peek`).

A small model's bad habits, each measured on the evaluation (tests/prose_eval.py): it restates the answer's
own list lines; it says the same sentence twice; it copies a fact line of its prompt word for word ("It
builds on what the learner knows: Word embeddings."); it repeats its instructions back ("The answer is in
English, in my own words, in two to four sentences"); it drifts into the other language; it cites [1] for a
sentence about something [1] does not cover; and it names topics the answer is not about. Each is dropped,
and when nothing is left there is no prose at all, which beats noise in front of a good answer.

Overlap is token trigrams (a CJK character or a Latin word is a token) after the answer's topic names and
resource titles are folded into one token each, so naming the suggested topic is not "restating" its line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

CITE = re.compile(r"\[(\d{1,3})\]")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
TOKEN = re.compile(r"[\u4e00-\u9fff]|[a-z0-9]+(?:[-'][a-z0-9]+)*|\x00|[\ue000-\uf8ff]")
NAME_TOKEN = re.compile(r"[\x00\ue000-\uf8ff]")  # a name folded to one token (_tokens)
LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)、]|[-*•])\s*")
# Talk about the answer instead of the subject: the prompt's rules leaking through.
META = re.compile(
    r"\bin (?:english|chinese)\b|\bmy own words\b"
    # "sentences" as the answer's form ("in two to four sentences", "one sentence per resource"), not the NLP
    # subject ("how close two sentences are in meaning", dropped once as a leak on the dev half)
    r"|\b(?:in|write|using) (?:one|two|three|four|a few|\d)(?: (?:or|to) (?:two|three|four|\d))? sentences?\b"
    r"|\bsentences? (?:per|for each|each)\b|\bthe (?:answer|sources?|question) (?:is|are|cited)\b"
    r"|\b(?:this|your) question (?:is|asks)\b"  # "This question is asking for the best match between…"
    # A source card's own fields copied back ("The Illustrated Transformer article; topics: Transformer / …"):
    # the model sees cards as "kind; topics: …; mentions: …" (ingest/library.py make_chunks).
    r"|;\s*(?:topics|mentions):"
    r"|\[n\]|用(?:简体)?中文|用英文|几?句话|编号资料|资料中没有|根据资料",
    re.I,
)
# "（video）" after a title, as the prompt lists sources: a kind, not a switch to English.
KIND_TAG = re.compile(r"[（(]\s*[a-z]+\s*[)）]")
TITLED = re.compile(r"《[^》]*》")  # a title in Chinese quotes, however the model shortened it: a name
RESTATE = 0.5  # share of a sentence's trigrams found in one line of the answer
COPY = 0.8  # share of a sentence's trigrams found in one of the prompt's fact lines: copied, not written
REPEAT = 0.6  # trigram Jaccard of two sentences
LEAK_GRAM = 6  # a run of this many tokens shared with the prompt's rules on form
# A sentence that begins by pointing back ("It…", "该视频…"): after a dropped sentence it points at nothing shown.
ANAPHOR = re.compile(
    r"^(?:(?:it|its|this|that|these|those|they|their)\b|the (?:video|paper|article|course|book|resource)s?\b)"
    r"|^(?:该|它|这|此|其)",
    re.I,
)
SENTENCE_END = re.compile(r"[.!?。！？；]\s*$|\n$")
CLAUSE_END = re.compile(r"[,;:，；：]")
PHRASE_END = re.compile(r"[,;:，；：.!?。！？]")  # where what follows a [n] stops saying more about it
# A sentence's model-written part is shown only as a clause that stands when cut there: at least OWN_CLAUSE
# characters of its own (a Chinese character 1, a Latin word 1.5: "it helps", "它有用"), not ending on a word
# that needs the next one. What a cut shows can never be taken back, and "学旋转位置编码的意义在于它将。" (the
# model went on to copy the description, dropped) was our words and a dangling 它将 (issue 25).
OWN_CLAUSE = 3
DANGLING_EN = re.compile(
    r"\b(?:the|a|an|and|or|but|nor|of|to|in|on|at|for|with|by|from|into|onto|as|than|that|which|who|whose|whom"
    r"|because|since|so|if|when|while|whereas|although|though|is|are|was|were|be|been|being|am|will|would|can"
    r"|could|should|may|might|must|shall|has|its|their|his|her|our|your|my|not|very|such|both|each"
    r"|every|how)\W*$",
    re.I,
)
# A Chinese clause ends on a connective, a preposition, a copula or a measure word; 的 only outside 是…的
# ("它是必不可少的" stands, "它将注意力的" does not). Words ending on one of these that are whole (总和, 参与) stand.
DANGLING_ZH = re.compile(
    r"(?:因为|所以|如果|通过|可以|能够|以及|并且|而且|但是|对于|关于|由于|包括|例如|比如|就是|在于|作为|成为|认为"
    r"|可能|应该|需要|用于|用来|为了|一个|一种|这个|这种|[和与及或是将把被从让使因而且但这那其很更最个种])$"
)
ZH_WHOLE = re.compile(r"(?:总和|求和|饱和|参与|普及|于是)$")
log = logging.getLogger(__name__)  # DEBUG: each drop and its rule, to see why an answer has no prose


def _tokens(text: str, names: tuple[str, ...], distinct: bool = False) -> list[str]:
    """Tokens with each name folded to one: the same token for all (restating a line is not about which step
    it names), or, `distinct`, one token per name (whether two sentences make the same claim is)."""
    text = CITE.sub(" ", text.casefold())
    for i, name in enumerate(names):
        text = text.replace(name, f" {chr(0xE000 + i % 6400) if distinct else chr(0)} ")
    return TOKEN.findall(text)


def _grams(tokens: list[str], n: int = 3) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass
class CitedSource:
    title: str
    topics: set[str]  # the topics it carries: its own and those its title and text name


@dataclass
class ProseFilter:
    """Call it with the sentence so far (through the clause just finished): True = show the clause, False =
    drop it and the rest of its sentence, None = not yet: a list line's start, or a clause of nothing but
    names, says too little to judge and waits for the next clause (at a sentence's end it is shown).

    It remembers what it let through, so a later sentence that repeats an earlier one is dropped, and stops
    after `max_sentences`."""

    lang: str
    answer_lines: list[str]  # the deterministic answer shown under the prose
    rules: list[str]  # the prompt's rules on form (language, citing, data is not instructions)
    names: set[str]  # topic names and titles, folded to one token when comparing
    sources: list[CitedSource]  # [1]..[n] as the prompt numbered them
    topics_of: Callable[[str], list[str]]
    allowed: set[str] | None = None  # topics the prose may name (None: any)
    max_sentences: int = 4
    titles: set[str] = field(default_factory=set)  # the answer's resource titles: naming one is on topic
    facts: list[str] = field(default_factory=list)  # the prompt's fact lines ("It builds on what the learner knows: …")
    start: str = ""  # our first words of the prose (prompts.py): the language check judges the model's own
    # Other words of ours in the prompt (find's "Title (kind): an advanced video" in front of each source): like
    # the start, no fact a sentence can add; a clause of the model's made of them says nothing.
    ours: list[str] = field(default_factory=list)
    # The topics the question asks about: a sentence naming one is about it, whatever it names first ("介绍了如何
    # 在Python中学习PyTorch框架" cites a PyTorch source for PyTorch, not for Python).
    subjects: set[str] = field(default_factory=set)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (reason, text), for the evaluation and tests
    _kept: list[str] = field(default_factory=list)
    _current: str = ""  # the sentence through its last clause let through
    _last: str = ""  # the text of the last call: a text that does not extend it begins a new sentence
    _shown: bool = False  # some clause of the current sentence was let through
    _after_drop: bool = False  # the last sentence was dropped before any of it showed

    def __post_init__(self):
        self._names = tuple(sorted({n.casefold() for n in self.names if len(n) >= 2}, key=len, reverse=True))
        self._lines = [
            g for g in (_grams(_tokens(LIST_MARK.sub("", ln), self._names)) for ln in self.answer_lines) if g
        ]
        self._facts = [g for g in (_grams(_tokens(f, self._names)) for f in self.facts) if g]
        # Each name its own token: "然后从生成模型开始学" after "先从微积分开始学" names a step of its own (dev plan).
        self._ours = [g for g in (_grams(_tokens(w, self._names, True)) for w in [self.start, *self.ours]) if g]
        # Names with a separator in them ("Encoder-only, decoder-only and encoder-decoder models", a title's
        # colon): a clause does not end inside one.
        self._split_names = [re.compile(re.escape(n), re.I) for n in self._names if PHRASE_END.search(n)]
        self._name_heads = {n[: m.end()] for n in self._names for m in PHRASE_END.finditer(n) if m.end() < len(n)}
        self._leaks, self._leak_starts = set(), set()
        for rule in self.rules:
            toks = _tokens(rule.replace("{}", " "), ())
            self._leaks |= _grams(toks, LEAK_GRAM)
            for n in range(3, LEAK_GRAM):
                self._leak_starts |= _grams(toks, n)

    def __call__(self, text: str) -> bool | None:
        self._advance(text)
        reason = self.reason(text)
        if reason:
            self.dropped.append((reason, text.strip()))
            log.debug("dropped (%s): %s", reason, text.strip())
            self._after_drop = not self._shown
            return False
        self._current = text
        verdict = self._verdict(text)
        if verdict:
            self._shown, self._after_drop = True, False
        return verdict

    def peek(self, text: str, shows: int | None = None) -> bool:
        """May `text`, the sentence so far cut at a whole word inside a clause, be shown now (its first `shows`
        characters, where the last few are only judged)? The same checks, each as it applies to a prefix
        (what is shared with the answer, the facts or the rules counts even when short),
        and a failing prefix is not dropped, only held: the clause is judged whole at its end. What shows must
        say enough on its own (our first words never show alone). Recorded only as "some of it shows"."""
        self._advance(text)
        if self.reason(text, prefix=True) or not self._verdict(text[:shows]):
            return False
        self._shown, self._after_drop = True, False
        return True

    def _advance(self, text: str) -> None:
        # The same sentence while it goes on, or while a peek's prefix stops short of a clause's trailing space
        # ("article;" after "article; "); once it has ended, even the same words again are a new one.
        goes_on = text.startswith(self._last) or self._last.startswith(text)
        if SENTENCE_END.search(self._last) or not goes_on:
            if self._current:
                self._kept.append(self._current)
            self._current, self._shown = "", False
        self._last = text

    def _verdict(self, text: str) -> bool | None:
        """True, or None where the sentence so far says too little to judge (a list line's start, a clause of
        nothing but names, our own words)."""
        body = LIST_MARK.sub("", text)
        if LIST_MARK.match(text) or len(_grams(_tokens(body, self._names))) < 2:
            return None
        folded = text.casefold().rstrip()
        if any(folded.endswith(head) for head in self._name_heads):
            return None  # "…walks through Encoder-only," ends inside a name: the clause goes on
        own = self._own(body.strip())
        if (self.start and self.start.startswith(body.strip())) or (
            own is not None and sum(t != "\x00" for t in _tokens(own, self._names)) < 2
        ):
            return None  # our words (and a comma: "《Title》[1]是一篇论文，"): the model's clause decides
        if not self._stands(body.strip() if own is None else own):
            return None  # "…的意义在于它将": what follows makes it a clause, or the sentence is dropped
        if self._echoes(text):
            return None  # "[2]是一个进阶文档，" (our words for [2]): the model's next clause says what it covers
        return True

    def reason(self, text: str, prefix: bool = False) -> str | None:
        """Why `text` (a sentence so far) must not be shown, or None. A `prefix` (cut inside a clause) is held
        on less: one trigram shared with an answer line or a fact, the start of a run of the rules."""
        new_sentence = not self._current
        body = LIST_MARK.sub("", text).strip()
        if not body or (self.start and self.start.startswith(body)):
            return None  # our own words ("《Susan Zhang: Trails…》"), judged only with the model's that follow
        if new_sentence and len(self._kept) >= self.max_sentences:
            return "too long"
        if new_sentence and self._after_drop and ANAPHOR.match(body):
            return "refers to a dropped sentence"
        tokens = _tokens(body, self._names)
        grams = _grams(tokens)
        if not tokens and not re.fullmatch(r"[\s,;:，：]*", body):  # a lone comma: a lead-in's continuation
            return "nothing but names"  # "[1] [2] [3]": citations of nothing; "2. [" cut off at the budget
        if SENTENCE_END.search(text) and sum(t != "\x00" for t in tokens) < 2:
            return "nothing but names"  # "[1] 《Title》。": a list item, not a sentence
        own = self._own(body)
        if own is not None and SENTENCE_END.search(text) and not CITE.search(own):  # a [n] it chose says something
            if sum(t != "\x00" for t in _tokens(own, self._names)) < 2:
                return "nothing but our words"  # the start and a full stop: the model said nothing
        if META.search(body) or _grams(_tokens(body, ()), LEAK_GRAM) & self._leaks:
            return "rules"
        if self.allowed is not None and not set(self.topics_of(self._untitled(body))) <= self.allowed:
            return "off topic"
        if self._wrong_language(body if own is None else own):
            return "language"
        least = 1 if prefix else 2
        if len(grams) >= least and any(len(grams & line) / len(grams) >= RESTATE for line in self._lines):
            return "restates the answer"
        # The clause just finished on its own: a sentence whose first clause is the model's own can go on to copy
        # the description, and that clause is shown before the sentence as a whole reads as a restatement.
        clause = _grams(_tokens(text[len(self._current) :], self._names)) if self._current else set()
        if len(clause) >= (1 if prefix else 3) and any(
            len(clause & line) / len(clause) >= RESTATE for line in self._lines
        ):
            return "restates the answer"
        if len(grams) >= (1 if prefix else 3) and any(len(grams & fact) / len(grams) >= COPY for fact in self._facts):
            return "copies the prompt"
        if SENTENCE_END.search(text) and self._echoes(text):
            return "echoes our words"  # a clause of them before it is held (_verdict): what follows may say more
        if self._repeats(body) or (not prefix and self._repeats_clause(text[len(self._current) :])):
            return "repeated"
        if not self._citations_hold(body):
            return "citation"
        if SENTENCE_END.search(text) and not self._stands(body if own is None else own):
            return "not a clause"  # "…的意义在于它将。", "… matters because it is the."
        if prefix and self._echoes(text, prefix=True):
            return "echoes our words"  # held, as any failing prefix: the clause is judged whole at its end
        return self._unsettled(body, own) if prefix else None

    def _echoes(self, text: str, prefix: bool = False) -> bool:
        """What the model adds that is not shown yet (its words after our start, a sentence, or the clause just
        finished) is our own words again: "《GPT论文精读》[1]是一个中级视频，讲述了一个中级视频。", "[1] GAN论文精读 (video): an
        advanced video." (probe set, both shown before). Half its trigrams, as for restating a line."""
        # What is not shown yet: the clause just finished, or the whole sentence while none of it showed.
        body = LIST_MARK.sub("", text).strip()
        own = self._own(body)
        said = text[len(self._current) :] if self._shown and self._current else (own if own is not None else body)
        grams = _grams(_tokens(said, self._names, True))
        if prefix:  # what shows ahead of its clause's end cannot be taken back: any trigram of ours waits
            return any(grams & g for g in self._ours)
        return len(grams) >= 2 and any(len(grams & g) / len(grams) >= RESTATE for g in self._ours)

    def _unsettled(self, body: str, own: str | None) -> str | None:
        """Why a prefix that passes every check must still wait: what the next words decide. A run of the rules
        that could grow into a leak; the model's own words after our start already sharing a trigram with an
        answer line or a fact (our words dilute the sentence's share); a [n] whose sentence names nothing yet
        that its source could be checked against ("[2] is a video that covers" waits for what it covers)."""
        if self._leak_begins(_tokens(body, ())):
            return "rules"

        if own is not None and (grams := _grams(_tokens(own, self._names))):
            if any(len(grams & line) / len(grams) >= RESTATE for line in self._lines):
                return "restates the answer"
            if any(len(grams & fact) / len(grams) >= COPY for fact in self._facts):
                return "copies the prompt"
        if CITE.search(body) and not self.topics_of(CITE.sub(" ", self._claim(self._titles_out(body)[1]))):
            return "citation"
        return None

    def _titles_out(self, body: str) -> tuple[set[int], str]:
        """(the sources whose titles `body` names, `body` with those titles blanked)."""
        lowered = body.casefold()
        titled = {i for i, s in enumerate(self.sources, 1) if len(s.title) >= 6 and s.title.casefold() in lowered}
        # What the sentence says outside the titles it names: naming a title does not make the source cover
        # whatever else the sentence claims ("Attention Is All You Need [1] is a paper that covers instruction
        # tuning"), the more so as find's first words name the title for the model.
        untitled = body
        for i in sorted(titled, key=lambda i: -len(self.sources[i - 1].title)):
            untitled = re.sub(re.escape(self.sources[i - 1].title), " ", untitled, flags=re.I)
        return titled, untitled

    def _untitled(self, body: str) -> str:
        """`body` without the answer's resource titles ("nlp.seas.harvard.edu — attention" names no NLP topic)."""
        for title in sorted(self.titles, key=len, reverse=True):
            body = re.sub(re.escape(title), " ", body, flags=re.I) if len(title) >= 4 else body
        return body

    def _own(self, body: str) -> str | None:
        """The model's words after our start, None for a sentence that does not begin with it."""
        return body[len(self.start) :] if self.start and body.startswith(self.start) else None

    def _stands(self, own: str) -> bool:
        """Do the model's words `own` (a sentence's, or what follows our start) make a clause if the sentence
        ends there: enough words of its own (OWN_CLAUSE, names not counted) and no dangling last word."""
        tokens = [t for t in _tokens(own, self._names) if t != "\x00"]
        if sum(1 if CJK.fullmatch(t) else 1.5 for t in tokens) < OWN_CLAUSE:
            return False
        folded = own.casefold()
        # A name or a [n] is content ("它讲的是注意力", "covered in [1]"); NAME in upper case is no word of the text.
        for name in self._names:
            folded = folded.replace(name, " NAME ")
        tail = CITE.sub(" NAME ", folded).rstrip(" \t\n,;:，；：.!?。！？、")
        if DANGLING_EN.search(tail):
            return False
        if DANGLING_ZH.search(tail) and not ZH_WHOLE.search(tail):
            return False
        return not (tail.endswith("的") and "是" not in tail)

    def _wrong_language(self, body: str) -> bool:
        folded = TITLED.sub(" ", KIND_TAG.sub(" ", CITE.sub(" ", body.casefold())))
        for name in self._names:
            folded = folded.replace(name, " ")
        cjk, latin = len(CJK.findall(folded)), len(LATIN.findall(folded))
        if self.lang == "zh":
            return cjk + latin >= 8 and cjk / (cjk + latin) < 0.3
        return cjk >= 2 and cjk / (cjk + latin) > 0.2

    def _leak_begins(self, tokens: list[str]) -> bool:
        """The prefix ends in a run of the rules that the next words could carry to a leak (LEAK_GRAM)."""
        return any(tuple(tokens[-n:]) in self._leak_starts for n in range(3, LEAK_GRAM) if len(tokens) >= n)

    def _repeats(self, body: str) -> bool:
        """The same claim again: the same tokens, or trigram Jaccard ≥ REPEAT, each name its own token. With
        names folded to one, "The hardest step is Neural networks because it is needed for Backpropagation, …"
        read as a repeat of "Start with Linear algebra because it is needed for Matrix multiplication, …"."""
        own = _tokens(body, self._names, distinct=True)
        key, grams = " ".join(own), _grams(own)
        for earlier in self._kept:
            theirs = _tokens(earlier, self._names, distinct=True)
            other = _grams(theirs)
            if key == " ".join(theirs):
                return True
            union = grams | other
            if len(grams) >= 2 and union and len(grams & other) / len(union) >= REPEAT:
                return True
        return False

    def _repeats_clause(self, clause: str) -> bool:
        """The clause just finished is a clause of a sentence shown before, word for word, each name its own
        token: the 0.5B gave the second resource the first one's description ("[2]是一个进阶文档，介绍了DeepSpeed
        训练框架 Roadmap。" after "[1]是一个进阶网页，介绍了DeepSpeed训练框架 Roadmap。", probe set)."""
        own = _tokens(clause, self._names, distinct=True)
        if sum(not NAME_TOKEN.fullmatch(t) for t in own) < 3:
            return False  # "它是" again is no repeated claim
        key = " ".join(own)
        for earlier in self._kept:
            for part in CLAUSE_END.split(earlier):
                if key == " ".join(_tokens(part, self._names, distinct=True)):
                    return True
        return False

    def _citations_hold(self, body: str) -> bool:
        """Every [n] names a source that carries what the sentence is about: its main topic (below), or the
        title of a resource it names (not another source's title)."""
        cites = [int(n) for n in CITE.findall(body)]
        if not cites:
            return True
        titled, untitled = self._titles_out(body)
        for n, about in self._claims(untitled):
            if not 1 <= n <= len(self.sources):
                continue  # clean_segment removes it; the sentence itself may still stand
            # Another source's [n] on a sentence naming a title: "The course "Generative AI for Everyone" is
            # [1]". Next to the named source's own [n] it is one more source for the same claim, judged as any.
            if titled and n not in titled and not titled & set(cites):
                return False
            if about and not about & self.sources[n - 1].topics:
                return False
        return True

    def _claims(self, untitled: str) -> list[tuple[int, set[str]]]:
        """Each [n] with what its source must carry one of: the sentence's main topic (the first it names outside
        the names that only tag a [n]; else the first it names at all), or its own clause's (the first that clause
        names outside the name tagging this [n]). "Start with calculus, then work up to RLHF [1]" cites an RLHF
        source for its second clause; "RLHF 用人类的偏好训练奖励模型，再用强化学习微调 [1]" one for the
        sentence; "BERT [2] is an intermediate paper that covers instruction tuning" needs instruction tuning
        either way: "BERT [2]" says which source, and a source carrying BERT alone does not support it."""
        tags = self._tags(untitled)
        claim = self._claim(untitled, tags)
        named = self.topics_of(CITE.sub(" ", claim)) or self.topics_of(CITE.sub(" ", untitled))
        sentence_main = next((t for t in named if t in self.subjects), named[0]) if named else None
        claims = []
        for m, tag in tags:
            before = self._last_clause(untitled[: m.start()])
            clause = before[: len(before) - len(tag)] + " " + self._first_phrase(untitled[m.end() :])
            first = self.topics_of(CITE.sub(" ", clause))
            claims.append((int(m.group(1)), {t for t in (sentence_main, first[0] if first else None) if t}))
        return claims

    def _claim(self, untitled: str, tags: list[tuple[re.Match, str]] | None = None) -> str:
        """`untitled` with each name that only tags its [n] blanked in place (its [n] stand where they stood)."""
        claim = list(untitled)
        for m, tag in self._tags(untitled) if tags is None else tags:
            claim[m.start() - len(tag) : m.start()] = " " * len(tag)  # spans may overlap
        return "".join(claim)

    def _tags(self, untitled: str) -> list[tuple[re.Match, str]]:
        """Each [n] with the name that only tags it: one directly in front of a [n] its clause goes on after
        ("BERT [2] is …"), else "" ("… shows RLHF at work [1]." is the claim itself)."""
        tags = []
        for m in CITE.finditer(untitled):
            goes_on = _tokens(self._first_phrase(untitled[m.end() :]), ())
            tags.append((m, self._named_just_before(untitled[: m.start()]) if goes_on else ""))
        return tags

    def _shielded(self, text: str) -> str:
        """`text` with the separators inside names blanked (same length), to find where its clauses end."""
        for name in self._split_names:
            text = name.sub(lambda m: PHRASE_END.sub("\x01", m.group(0)), text)
        return text

    def _last_clause(self, text: str) -> str:
        """The end of `text` after its last clause separator outside a name."""
        return text[len(text) - len(CLAUSE_END.split(self._shielded(text))[-1]) :]

    def _first_phrase(self, text: str) -> str:
        """The start of `text` before its first phrase end outside a name."""
        return text[: len(PHRASE_END.split(self._shielded(text))[0])]

    def _named_just_before(self, lead: str) -> str:
        """The shortest end of `lead` that names a topic with at most two other words ("BERT ", "the BERT
        paper "), "" when the nearest name is further back."""
        lead = self._last_clause(lead)
        for i in range(len(lead) - 1, -1, -1):
            if i and lead[i - 1].isascii() and lead[i - 1].isalnum():
                continue  # a suffix starts on a word's first letter ("ERT" in "BERT" names nothing)
            if self.topics_of(lead[i:]):
                own = [t for t in _tokens(lead[i:], self._names) if t != "\x00"]
                own = [t for t in own if not self.topics_of(t)]
                return lead[i:] if len(own) <= 2 else ""
        return ""
